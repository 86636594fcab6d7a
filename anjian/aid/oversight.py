"""Talent and supervision of aid: cadres sent to the region, regional staff trained elsewhere and exchanges;
inspections of aid funds and projects with the rectifications they require and their follow-up; and what is overdue
(late steps, late milestones, rectifications past due) per supporting unit and per receiving bureau.

Writes follow services.py: checked first, one transaction, audited. Talent is kept by the aid coordinators of either
side; inspections by the leaders and aid coordinators of a bureau over the aid inspected; a rectification is reported
done by the receiving bureau or the item's supporter and verified by the inspecting side."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.aid import permissions as perms
from anjian.aid import selectors
from anjian.aid.models import AidItem, AidPlan, Inspection, ItemStatus, Rectification, TalentKind, TalentRecord
from anjian.aid.services import _keeper, _text, audit, day_checked
from anjian.core.errors import DomainError, FormErrors, PermissionDenied
from anjian.core.models import Division, Organisation, OrganisationKind
from anjian.core.scope import scope_for

MAX_HOURS = Decimal(10_000)


def _hours(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("hours_invalid", field="hours") from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS or hours != hours.quantize(Decimal("0.1")):
        raise DomainError("hours_invalid", field="hours")
    return hours


def _pk(value):
    return getattr(value, "pk", value)


# --- talent ----------------------------------------------------------------------------------------------------------


def trainee_hours(trainee, starts_on: datetime.date, ends_on: datetime.date | None) -> Decimal:
    """The hours a trainee attended in a period, from the training system's ledger (sessions by their first day)."""
    from anjian.training.selectors import ledger

    until = ends_on or timezone.localdate()
    return sum((e["hours"] for e in ledger(trainee)["entries"] if starts_on <= e["on"] <= until), Decimal(0))


def _supporter_divisions(organisation: Organisation) -> set[str]:
    """Where a supporting unit's aid goes: its plans' receiving bureaus' divisions, and where it is registered."""
    received = Organisation.objects.filter(aid_received_plans__supporter=organisation).values_list(
        "division_id", flat=True
    )
    return {*received, organisation.division_id}


def talent_record(
    actor,
    *,
    kind: str,
    person_name: str,
    home: str,
    post: str,
    starts_on,
    ends_on=None,
    hours=None,
    item=None,
    trainee=None,
    achievements: str = "",
    division_code: str = "",
    supporter_id=None,
) -> TalentRecord:
    """A cadre sent to the region, a regional staff member trained elsewhere, or a two-way exchange.

    Kept by a supporting unit's aid coordinator for its own unit (for one of the divisions it supports, by default
    where it is registered), or by a receiving bureau's for its division (or one below it), naming the supporting
    unit (`supporter_id`, one that has a plan for a bureau of its area) unless the record belongs to an item. With
    an item, the item's supporter and division are the record's. A trainee of the training system linked to a
    "trained" record gives the record its hours attended in the period when none are given."""
    organisation = _keeper(actor)
    if organisation.kind not in (OrganisationKind.SUPPORTING, OrganisationKind.BUREAU):
        raise DomainError("not_aid_keeper", status=403)
    if kind not in TalentKind.values:
        raise DomainError("talent_kind_unknown", field="kind")
    starts_on = day_checked(starts_on, "starts_on", past=False)
    if ends_on is not None:
        ends_on = day_checked(ends_on, "ends_on", past=False)
        if ends_on < starts_on:
            raise DomainError("talent_period_invalid", field="ends_on")
    hours = _hours(hours)
    division_code = (division_code or "").strip()
    scope = scope_for(actor)

    if item is not None:
        item = selectors.get_item_for(actor, _pk(item))
        if division_code and division_code != item.division_code:
            raise DomainError("invalid", field="division_code")
        division_code, supporter = item.division_code, item.plan.supporter
    elif organisation.kind == OrganisationKind.SUPPORTING:
        supporter = organisation
        division_code = division_code or organisation.division_id
        if division_code not in _supporter_divisions(organisation):
            raise DomainError("division_out_of_scope", field="division_code", status=403, code=division_code)
    else:
        division_code = division_code or organisation.division_id
        if not scope.contains_division(division_code) or not Division.objects.filter(code=division_code).exists():
            raise DomainError("division_out_of_scope", field="division_code", status=403, code=division_code)
        supporting_here = AidPlan.objects.filter(
            receivers__kind=OrganisationKind.BUREAU, receivers__division__code__startswith=scope.division_prefix
        ).values("supporter_id")
        supporter = (
            Organisation.objects.filter(
                pk=supporter_id, kind=OrganisationKind.SUPPORTING, pk__in=supporting_here
            ).first()
            if str(supporter_id or "").isdigit()
            else None
        )
        if supporter is None:
            raise DomainError("organisation_unknown", field="supporter_id")

    if supporter_id not in (None, "") and str(supporter_id) != str(supporter.pk):
        raise DomainError("organisation_unknown", field="supporter_id")
    if trainee is not None:
        from anjian.training.selectors import get_trainee_for

        trainee = get_trainee_for(actor, _pk(trainee))
        if hours is None and kind == TalentKind.TRAINED:
            attended = trainee_hours(trainee, starts_on, ends_on)
            hours = _hours(attended) if attended > 0 else None
        person_name = person_name or trainee.name

    with transaction.atomic():
        record = TalentRecord.objects.create(
            item=item,
            supporter=supporter,
            division_code=division_code,
            kind=kind,
            person_name=_text(person_name, "person_name", max_length=200),
            home=_text(home, "home", max_length=200),
            post=_text(post, "post", max_length=200),
            starts_on=starts_on,
            ends_on=ends_on,
            hours=hours,
            trainee=trainee,
            achievements=(achievements or "").strip(),
            recorded_by=actor,
        )
        audit(actor, "create", record, organisation_id=organisation.pk)
    return record


# --- supervision -----------------------------------------------------------------------------------------------------


def _supervisor(actor) -> Organisation:
    organisation = actor.organisation
    if (
        organisation is None
        or organisation.kind != OrganisationKind.BUREAU
        or not organisation.is_active
        or not actor.has_perm(perms.SUPERVISE_AID)
    ):
        raise DomainError("not_aid_supervisor", status=403)
    return organisation


def _label_before(field: str) -> str:
    from django.utils.translation import gettext

    return {"done_on": gettext("The day it was done"), "due_on": gettext("The due date")}.get(field, field)


def common_division(codes) -> str:
    """The lowest division containing all these codes, by the shape of the codes (GB/T 2260)."""
    codes = sorted(set(codes))
    for width in (6, 4, 2):
        if len({c[:width] for c in codes}) == 1:
            return codes[0][:width].ljust(6, "0")
    return "000000"


def rectifications_visible_to(person) -> QuerySet[Rectification]:
    """A rectification is seen by those who see its inspection or (for a supporting unit) its item."""
    qs = Rectification.objects.select_related("inspection__organisation", "item__plan__supporter", "item__receiver")
    scope = scope_for(person)
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        p = scope.division_prefix
        seen = (
            Q(inspection__division_code__startswith=p)
            | Q(item__division_code__startswith=p)
            | Q(item__isnull=True, inspection__items__division_code__startswith=p)
        )
        return qs.filter(pk__in=Rectification.objects.filter(seen).values("pk"))
    mine = Q(item__plan__supporter_id=scope.organisation_id) | Q(
        item__isnull=True, inspection__items__plan__supporter_id=scope.organisation_id
    )
    return qs.filter(pk__in=Rectification.objects.filter(mine).values("pk"))


def get_rectification_for(person, rectification_id) -> Rectification:
    return selectors._get(rectifications_visible_to(person), rectification_id)


def get_inspection_for(person, inspection_id) -> Inspection:
    return selectors._get(selectors.inspections_visible_to(person), inspection_id)


def rectification_state(r: Rectification, today: datetime.date) -> str:
    """open, overdue (open past its due date), done (awaiting verification), verified."""
    if r.verified_on is not None:
        return "verified"
    if r.done_on is not None:
        return "done"
    return "overdue" if today > r.due_on else "open"


def inspection_create(
    actor, *, inspected_on, inspectors: str, item_ids, findings: str, rectifications=()
) -> Inspection:
    """An inspection of aid funds and projects by a bureau whose area receives every item inspected, with its
    findings and the rectifications it requires (each of one of the inspected items or of them all, with its due
    date)."""
    organisation = _supervisor(actor)
    inspected_on = day_checked(inspected_on, "inspected_on")
    inspectors = _text(inspectors, "inspectors", max_length=300)
    findings = _text(findings, "findings")
    ids = [_pk(i) for i in (item_ids or [])]
    if not ids:
        raise DomainError("required", field="item_ids")
    if not all(str(i).isdigit() for i in ids):
        raise DomainError("invalid", field="item_ids")
    wanted = {int(i) for i in ids}
    items = list(selectors.items_visible_to(actor).filter(pk__in=wanted))
    if len(items) != len(wanted):
        raise DomainError("not_found", field="item_ids", status=404)
    clean, errors = [], []
    for n, row in enumerate(rectifications or []):
        item_id, requirement, due_on = row.get("item"), (row.get("requirement") or "").strip(), row.get("due_on")
        item_id = _pk(item_id)
        if item_id is not None and (not str(item_id).isdigit() or int(item_id) not in wanted):
            errors.append((f"rectifications[{n}].item", "invalid", DomainError("invalid").message))
        elif not requirement:
            errors.append((f"rectifications[{n}].requirement", "required", DomainError("required").message))
        elif not isinstance(due_on, datetime.date) or isinstance(due_on, datetime.datetime):
            errors.append((f"rectifications[{n}].due_on", "required", DomainError("required").message))
        elif due_on < inspected_on or due_on.year > 2100:
            errors.append((f"rectifications[{n}].due_on", "invalid", DomainError("invalid").message))
        else:
            clean.append((None if item_id is None else int(item_id), requirement, due_on))
    if errors:
        raise FormErrors(errors)
    division_code = common_division(i.division_code for i in items)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            division_code=division_code,
            organisation=organisation,
            inspected_on=inspected_on,
            inspectors=inspectors,
            findings=findings,
            created_by=actor,
        )
        inspection.items.set(items)
        audit(actor, "create", inspection, organisation_id=organisation.pk)
        for item_id, requirement, due_on in clean:
            r = Rectification.objects.create(inspection=inspection, item_id=item_id, requirement=requirement,
                                             due_on=due_on)  # fmt: skip
            audit(actor, "create", r, division_code=division_code, organisation_id=organisation.pk)
    return inspection


def _parties(r: Rectification) -> set[int]:
    """The organisations answerable for a rectification: its item's (or the inspected items') both sides."""
    items = [r.item] if r.item_id else list(r.inspection.items.select_related("plan"))
    return {i.receiver_id for i in items} | {i.plan.supporter_id for i in items}


def rectification_done(actor, r: Rectification, *, done_on, note: str) -> Rectification:
    """The receiving bureau or the item's supporting unit reports what was done; until it is verified a new report
    replaces the last."""
    organisation = _keeper(actor)
    if organisation.pk not in _parties(r):
        raise DomainError("rectification_not_yours", status=403)
    done_on = day_checked(done_on, "done_on")
    note = _text(note, "note")
    with transaction.atomic():
        r = Rectification.objects.select_for_update().select_related("inspection").get(pk=r.pk)
        if r.verified_on is not None:
            raise DomainError("rectification_done", status=409)
        if done_on < r.inspection.inspected_on:
            raise DomainError("before_inspection", field="done_on", name=_label_before("done_on"))
        before = {"done_on": r.done_on and r.done_on.isoformat(), "done_note": r.done_note}
        r.done_on, r.done_note = done_on, note
        r.save(update_fields=["done_on", "done_note"])
        audit(actor, "update", r, before=before, division_code=r.inspection.division_code,
               organisation_id=organisation.pk)  # fmt: skip
    return r


def rectification_verify(actor, r: Rectification, *, verified_on) -> Rectification:
    """The inspecting bureau (or one above it) verifies a rectification reported done; once."""
    organisation = _supervisor(actor)
    inspecting = r.inspection.organisation
    if organisation.pk != inspecting.pk and not scope_for(actor).contains_division(inspecting.division_id):
        raise PermissionDenied()
    verified_on = day_checked(verified_on, "verified_on")
    with transaction.atomic():
        r = Rectification.objects.select_for_update().select_related("inspection").get(pk=r.pk)
        if r.verified_on is not None:
            raise DomainError("rectification_done", status=409)
        if r.done_on is None:
            raise DomainError("rectification_not_done", status=409)
        if verified_on < r.done_on:
            raise DomainError("verified_before_done", field="verified_on")
        before = {"verified_on": None, "verified_by_id": None}
        r.verified_on, r.verified_by = verified_on, actor
        r.save(update_fields=["verified_on", "verified_by"])
        audit(actor, "update", r, before=before, division_code=r.inspection.division_code,
               organisation_id=organisation.pk)  # fmt: skip
    return r


# --- overdue ---------------------------------------------------------------------------------------------------------

KINDS = ("steps", "milestones", "rectifications")


def _row(kind: str, pk, item: AidItem | None, what: str, due_on: datetime.date, today, **extra) -> dict:
    return {
        "kind": kind,
        "id": pk,
        "item": item.pk if item else None,
        "item_title": item.title if item else "",
        "supporter": item.plan.supporter_id if item else None,
        "supporter_name": item.plan.supporter.name if item else "",
        "receiver": item.receiver_id if item else None,
        "receiver_name": item.receiver.name if item else "",
        "division_code": item.division_code if item else extra.get("division_code", ""),
        "what": what,
        "due_on": due_on,
        "days_late": (today - due_on).days,
        "inspection": extra.get("inspection"),
    }


def _group(rows_with_parties, side: str) -> list[dict]:
    groups: dict[int, dict] = {}
    for row, parties in rows_with_parties:
        for pk, name in parties[side]:
            group = groups.get(pk)
            if group is None:
                group = groups[pk] = {"organisation": pk, "name": name, "total": 0, "rows": []} | dict.fromkeys(
                    KINDS, 0
                )
            group[row["kind"]] += 1
            group["total"] += 1
            group["rows"].append(row)
    return sorted(groups.values(), key=lambda g: (-g["total"], g["name"], g["organisation"]))


def overdue(person, today: datetime.date) -> dict:
    """What is late in the aid a person sees: steps not done by their date, milestones not delivered by their
    planned date (items cancelled left out) and rectifications not done by their due date, most late first, counted
    and listed per supporting unit and per receiving bureau. A rectification of a whole inspection counts for every
    side of the inspected items the person sees."""
    related = ("item__plan__supporter", "item__receiver")
    found = []
    for s in selectors.late_steps(person, today).exclude(item__status=ItemStatus.CANCELLED).select_related(*related):
        found.append((_row("steps", s.pk, s.item, s.description, s.due_on, today), [s.item]))
    milestones = selectors.late_milestones(person, today).exclude(item__status=ItemStatus.CANCELLED)
    for m in milestones.select_related(*related):
        found.append((_row("milestones", m.pk, m.item, m.title, m.planned_on, today), [m.item]))
    late = list(
        rectifications_visible_to(person)
        .filter(done_on__isnull=True, due_on__lt=today)
        .prefetch_related("inspection__items__plan__supporter", "inspection__items__receiver")
    )
    visible = None
    for r in late:
        if r.item_id:
            items = [r.item]
        else:
            if visible is None:
                visible = set(selectors.items_visible_to(person).values_list("pk", flat=True))
            items = [i for i in r.inspection.items.all() if i.pk in visible]
        only = items[0] if len(items) == 1 else None
        row = _row("rectifications", r.pk, only, r.requirement, r.due_on, today, inspection=r.inspection_id,
                   division_code=r.inspection.division_code)  # fmt: skip
        found.append((row, items))
    found.sort(key=lambda pair: (-pair[0]["days_late"], pair[0]["kind"], pair[0]["id"]))
    with_parties = [
        (
            row,
            {
                "supporter": sorted({(i.plan.supporter_id, i.plan.supporter.name) for i in items}),
                "receiver": sorted({(i.receiver_id, i.receiver.name) for i in items}),
            },
        )
        for row, items in found
    ]
    counts = {k: sum(1 for row, _ in found if row["kind"] == k) for k in KINDS}
    return {
        "today": today,
        "counts": counts | {"total": len(found)},
        "rows": [row for row, _ in found],
        "by_supporter": _group(with_parties, "supporter"),
        "by_bureau": _group(with_parties, "receiver"),
    }
