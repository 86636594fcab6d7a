"""Every read of the foundation, scoped to what the person may see.

`*_visible_to(person)` for lists, `get_*_for(person, id)` for one record:
missing and out-of-scope both raise NotFound (404), never a hint.
"""

import re

from django.db.models import Count, Q, QuerySet

from anjian.core.errors import NotFound
from anjian.core.models import AuditEntry, Division, Organisation, OrganisationKind, Person
from anjian.core.rules import division_prefix, is_division_code
from anjian.core.scope import scope_for

ORGANISATION_FIELDS = {"division": "division__code", "organisation": "id"}
PERSON_FIELDS = {"division": "organisation__division__code", "organisation": "organisation_id"}
AUDIT_FIELDS = {"division": "division_code", "organisation": "organisation_id"}


# Divisions are the state's published reference data: every person may read
# all of them (pickers need them); what lies in a division is scoped.
def divisions_all() -> QuerySet[Division]:
    return Division.objects.all()


def get_division(code: str) -> Division:
    if not is_division_code(code):
        raise NotFound()
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound()
    return division


def ancestry(division: Division) -> list[tuple[str, str]]:
    """The division and its ancestors, bottom up, as (code, level): the bureaus a report climbs, the banks a
    bureau inherits."""
    pairs = []
    node = division
    while node is not None:
        pairs.append((node.code, node.level))
        node = node.parent
    return pairs


def division_children(code: str | None) -> QuerySet[Division]:
    """Divisions directly below `code` (or the top when None), with their child counts."""
    qs = Division.objects.annotate(child_count=Count("children"))
    return qs.filter(parent_id=code) if code else qs.filter(parent__isnull=True)


def division_ancestors(division: Division) -> list[Division]:
    chain = []
    current = division.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def division_subtree(code: str) -> QuerySet[Division]:
    prefix = division_prefix(code)
    return Division.objects.filter(code__startswith=prefix)


def home_division_for(person) -> Division | None:
    """Where a person's tree starts: their organisation's division."""
    organisation = getattr(person, "organisation", None)
    return organisation.division if organisation else None


def organisations_visible_to(person) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("division", "home_division")
    return scope_for(person).filter(qs, **ORGANISATION_FIELDS)


def get_organisation_for(person, organisation_id) -> Organisation:
    try:
        return organisations_visible_to(person).get(pk=int(organisation_id))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def sub_bureaus_of(person, organisation: Organisation) -> QuerySet[Organisation]:
    """The bureaus directly below this bureau's division, in the person's scope."""
    return organisations_visible_to(person).filter(
        kind=OrganisationKind.BUREAU, division__parent_id=organisation.division_id
    )


def people_visible_to(person) -> QuerySet[Person]:
    qs = Person.objects.select_related("organisation").prefetch_related("groups")
    return scope_for(person).filter(qs, **PERSON_FIELDS)


def get_person_for(person, person_id) -> Person:
    try:
        return people_visible_to(person).get(pk=int(person_id))
    except (Person.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def search_people(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(Q(username__icontains=text) | Q(full_name__icontains=text) | Q(title__icontains=text))


def search_organisations(qs: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(
        Q(name_zh__icontains=text) | Q(name_en__icontains=text) | Q(name_bo__icontains=text) | Q(division_id=text)
    )


def audit_visible_to(person) -> QuerySet[AuditEntry]:
    return scope_for(person).filter(AuditEntry.objects.all(), **AUDIT_FIELDS)


# Record types whose history follows the record's own scope while it exists.
_LIVE_RECORDS = {
    "core.person": (Person, lambda person, pk: get_person_for(person, pk)),
    "core.organisation": (Organisation, lambda person, pk: get_organisation_for(person, pk)),
}


def register_live_record(object_type: str, model, getter) -> None:
    """An app's record type whose history is readable only while the record is in scope."""
    _LIVE_RECORDS[object_type] = (model, getter)


def history_for(person, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    """A record's history, oldest first.

    While the record exists, it must be in the person's scope (NotFound
    otherwise, as for the record itself); once deleted, its entries are scoped
    like any entry.
    """
    live = _LIVE_RECORDS.get(object_type)
    if live is not None:
        model, getter = live
        exists = re.fullmatch(r"[0-9]{1,18}", str(object_id)) and model.objects.filter(pk=int(object_id)).exists()
        if exists:
            getter(person, object_id)
    return audit_visible_to(person).filter(object_type=object_type, object_id=str(object_id)).order_by("seq")
