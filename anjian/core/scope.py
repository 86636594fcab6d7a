"""What may this person see: the one function every selector uses.

- A person of a supervision bureau sees the records of the bureau's division
  and of everything below it (the national bureau at 000000: everything).
- A person of any other organisation (supporting unit, technical institution,
  enterprise) sees the records of their own organisation only.
- Nobody else (anonymous, deactivated, no organisation) sees anything.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from anjian.core.models import OrganisationKind
from anjian.core.rules import division_prefix


@dataclass(frozen=True)
class Scope:
    division_prefix: str | None = None  # "" means every division
    organisation_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.division_prefix is None and self.organisation_id is None

    @property
    def is_everything(self) -> bool:
        return self.division_prefix == ""

    def contains_division(self, code: str) -> bool:
        return self.division_prefix is not None and code.startswith(self.division_prefix)

    def q(self, *, division: str = "division__code", organisation: str = "organisation_id") -> Q:
        """The filter that keeps only the rows in scope.

        `division` names the row's division-code field (or None when the row
        has none); `organisation` names its owning organisation's id field.
        """
        if self.division_prefix is not None and division:
            return Q() if self.division_prefix == "" else Q(**{f"{division}__startswith": self.division_prefix})
        if self.organisation_id is not None and organisation:
            return Q(**{organisation: self.organisation_id})
        return Q(pk__in=[])

    def filter(self, queryset: QuerySet, **fields: str) -> QuerySet:
        if self.is_empty:
            return queryset.none()
        return queryset.filter(self.q(**fields))


NOTHING = Scope()


def scope_for(person) -> Scope:
    """The records this person may see, as a Scope."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return NOTHING
    cached = getattr(person, "_anjian_scope", None)
    if cached is not None:
        return cached
    organisation = person.organisation
    if organisation is None or not organisation.is_active:
        scope = NOTHING
    elif organisation.kind == OrganisationKind.BUREAU:
        scope = Scope(division_prefix=division_prefix(organisation.division_id))
    else:
        scope = Scope(organisation_id=organisation.pk)
    person._anjian_scope = scope
    return scope
