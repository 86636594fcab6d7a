"""Aid services: plans and items (with steps and the indicators they serve), the funds ledger, milestones. Each write
is checked, done in one transaction and audited. Supporting units write their side (plans, items, commitments,
transfers, deliveries); receiving bureaus theirs (receipts, spending, acceptance)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from anjian.aid import permissions as perms
from anjian.aid import rules
from anjian.aid.models import AidItem, AidPlan, Form, Indicator, ItemStep, LedgerEntry, Milestone
from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, FormErrors
from anjian.core.models import Organisation, OrganisationKind

FIELD_LABELS = {
    "date": gettext_lazy("date"),
    "starts_on": gettext_lazy("from"),
    "inspected_on": gettext_lazy("inspected on"),
    "verified_on": gettext_lazy("verified on"),
    "as_of": gettext_lazy("as of"),
    "delivered_on": gettext_lazy("delivered on"),
    "accepted_on": gettext_lazy("accepted on"),
    "done_on": gettext_lazy("done on"),
}


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


def audit(actor, action, instance, *, before=None, division_code="", organisation_id=None):
    audit_record(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=snapshot(instance),
        division_code=division_code or getattr(instance, "division_code", ""),
        organisation_id=organisation_id,
        ip=current_ip(),
    )


def _text(value, field: str, *, required=True, max_length=None) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise DomainError("required", field=field)
    return text[:max_length] if max_length else text


def day_checked(value, field: str, *, past=True) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise DomainError("required", field=field)
    if not 1950 <= value.year <= 2100:
        raise DomainError("invalid", field=field)
    if past and value > timezone.localdate():
        raise DomainError("date_in_future", field=field, name=field_label(field))
    return value


def _amount(value, field: str) -> Decimal:
    problem = rules.amount_problem(value)
    if problem:
        raise DomainError(problem, field=field)
    return Decimal(str(value))


def check_evidence(upload, field: str = "evidence_file") -> None:
    """A voucher's scan or an acceptance record: a PDF, or a JPEG, PNG or WebP image, under the photo size limit;
    named by its content's hash."""
    import hashlib

    from django.conf import settings

    from anjian.core.photos import check_photo

    if upload.size > settings.PHOTO_MAX_BYTES:
        raise DomainError("photo_too_large", field=field, limit=f"{settings.PHOTO_MAX_BYTES // (1024 * 1024)} MiB")
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        from PIL import Image

        try:
            check_photo(upload, field)
        except Image.DecompressionBombError:
            raise DomainError("photo_not_image", field=field) from None
        return
    upload.seek(max(upload.size - 1024, 0))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise DomainError("photo_not_image", field=field)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.name = f"{digest.hexdigest()[:24]}.pdf"


def _keeper(actor) -> Organisation:
    organisation = actor.organisation
    if organisation is None or not actor.has_perm(perms.KEEP_AID):
        raise DomainError("not_aid_keeper", status=403)
    return organisation


def _supporter_of(actor, plan: AidPlan) -> None:
    organisation = _keeper(actor)
    if organisation.pk != plan.supporter_id:
        raise DomainError("plan_not_yours", status=403)


def _receiver_of(actor, item: AidItem) -> None:
    organisation = _keeper(actor)
    if organisation.pk != item.receiver_id:
        raise DomainError("not_receiver", status=403)


# --- plans and items -------------------------------------------------------------------------------------------------


def plan_create(actor, *, title: str, starts_on, ends_on, receivers, summary: str = "") -> AidPlan:
    """A supporting unit's plan for a period, with the bureaus it supports."""
    organisation = _keeper(actor)
    if organisation.kind != OrganisationKind.SUPPORTING:
        raise DomainError("not_a_supporter", status=403)
    title = _text(title, "title", max_length=200)
    starts_on, ends_on = day_checked(starts_on, "starts_on", past=False), day_checked(ends_on, "ends_on", past=False)
    if ends_on <= starts_on:
        raise DomainError("plan_period_invalid", field="ends_on")
    bureaus = list(Organisation.objects.filter(pk__in=list(receivers or []), kind=OrganisationKind.BUREAU))
    if not bureaus or len(bureaus) != len(set(receivers)):
        raise DomainError("receiver_not_bureau", field="receivers")
    with transaction.atomic():
        plan = AidPlan.objects.create(
            supporter=organisation,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            summary=(summary or "").strip(),
            created_by=actor,
        )
        plan.receivers.set(bureaus)
        audit(actor, "create", plan, organisation_id=organisation.pk)
    return plan


def item_create(
    actor,
    plan: AidPlan,
    *,
    form: str,
    receiver_id,
    title: str,
    deadline,
    supporter_contact: str,
    receiver_contact: str,
    content: str = "",
    purpose: str = "",
    amount_yuan=None,
    quantity=None,
    unit: str = "",
    steps=(),
    indicators=(),
) -> AidItem:
    """An item of the plan: its form, content, amount or quantity, the responsible people on both sides, the
    implementation steps with their deadlines, and the capability indicators it is meant to improve."""
    _supporter_of(actor, plan)
    if form not in Form.values:
        raise DomainError("form_unknown", field="form")
    receiver = plan.receivers.filter(pk=receiver_id).first() if str(receiver_id).isdigit() else None
    if receiver is None:
        raise DomainError("receiver_not_in_plan", field="receiver")
    if form in (Form.FUNDS, Form.PROJECT):
        if amount_yuan in (None, ""):
            raise DomainError("amount_required", field="amount_yuan")
        amount_yuan = _amount(amount_yuan, "amount_yuan")
    elif amount_yuan not in (None, ""):
        amount_yuan = _amount(amount_yuan, "amount_yuan")
    else:
        amount_yuan = None
    if quantity not in (None, ""):
        try:
            quantity = Decimal(str(quantity))
        except InvalidOperation:
            raise DomainError("invalid", field="quantity") from None
        if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e10"):
            raise DomainError("invalid", field="quantity")
        if quantity != quantity.quantize(rules.CENT):
            raise DomainError("invalid", field="quantity")
    else:
        quantity = None
    deadline = day_checked(deadline, "deadline", past=False)
    clean_steps, errors = [], []
    for n, step in enumerate(steps or []):
        description = (step.get("description") or "").strip()
        due_on = step.get("due_on")
        if not description:
            errors.append((f"steps[{n}].description", "required", DomainError("required").message))
        elif (
            not isinstance(due_on, datetime.date)
            or isinstance(due_on, datetime.datetime)
            or not 1950 <= due_on.year <= 2100
        ):
            errors.append((f"steps[{n}].due_on", "invalid", DomainError("invalid").message))
        else:
            clean_steps.append((description[:300], due_on))
    if errors:
        raise FormErrors(errors)
    wanted = list(indicators or [])
    found = list(Indicator.objects.filter(code__in=wanted))
    missing = sorted(set(wanted) - {i.code for i in found})
    if missing:
        raise DomainError("indicator_unknown", field="indicators", code=missing[0])
    with transaction.atomic():
        item = AidItem.objects.create(
            plan=plan,
            form=form,
            receiver=receiver,
            division_code=receiver.division_id,
            title=_text(title, "title", max_length=200),
            content=(content or "").strip(),
            purpose=(purpose or "").strip()[:300],
            amount_yuan=amount_yuan,
            quantity=quantity,
            unit=(unit or "").strip()[:20],
            supporter_contact=_text(supporter_contact, "supporter_contact", max_length=200),
            receiver_contact=_text(receiver_contact, "receiver_contact", max_length=200),
            deadline=deadline,
            created_by=actor,
        )
        ItemStep.objects.bulk_create(
            ItemStep(item=item, order=n + 1, description=d, due_on=due) for n, (d, due) in enumerate(clean_steps)
        )
        item.indicators.set(found)
        audit(actor, "create", item, organisation_id=plan.supporter_id)
    return item


CLOSED = ("completed", "cancelled")  # no new commitments, transfers or milestones

STATUS_STEPS = {
    "planned": ("under_way", "cancelled"),
    "under_way": ("completed", "cancelled"),
}


def item_set_status(actor, item: AidItem, *, status: str) -> AidItem:
    """The supporting unit moves its item on: planned → under way → completed, or cancelled before completion. A
    project is completed only when every milestone has been accepted by the receiving bureau."""
    _supporter_of(actor, item.plan)
    with transaction.atomic():
        item = AidItem.objects.select_for_update().get(pk=item.pk)
        if status not in STATUS_STEPS.get(item.status, ()):
            raise DomainError("item_status", field="status", status=409, state=item.get_status_display())
        if status == "completed" and item.milestones.filter(accepted_on__isnull=True).exists():
            raise DomainError("milestones_open", field="status", status=409)
        before = snapshot(item)
        item.status = status
        item.save(update_fields=["status"])
        audit(actor, "update", item, before=before, organisation_id=item.plan.supporter_id)
    return item


def step_done(actor, step: ItemStep, *, done_on) -> ItemStep:
    """Either side marks a step of its item done."""
    item = step.item
    organisation = _keeper(actor)
    if organisation.pk not in (item.plan.supporter_id, item.receiver_id):
        raise DomainError("plan_not_yours", status=403)
    done_on = day_checked(done_on, "done_on")
    with transaction.atomic():
        step = ItemStep.objects.select_for_update().get(pk=step.pk)
        if step.done_on is not None:
            raise DomainError("step_done", status=409)
        before = snapshot(step)
        step.done_on, step.done_by = done_on, actor
        step.save()
        audit(actor, "update", step, before=before, division_code=item.division_code, organisation_id=organisation.pk)
    return step


# --- the funds ledger ------------------------------------------------------------------------------------------------

NOT_YOURS = {
    "supporter": gettext_lazy("Commitments and transfers are posted by the supporting unit."),
    "receiver": gettext_lazy("Receipts and spending are recorded by the receiving bureau."),
    "reversal": gettext_lazy("An entry is reversed by the side that posted it."),
}

SIDE_OF = {
    rules.COMMITMENT: "supporter",
    rules.TRANSFER: "supporter",
    rules.RECEIPT: "receiver",
    rules.EXPENDITURE: "receiver",
}


def ledger_post(
    actor,
    item: AidItem,
    *,
    kind: str,
    amount_yuan,
    date,
    evidence: str = "",
    note: str = "",
    reverses=None,
    evidence_file=None,
    uuid=None,
) -> LedgerEntry:
    """Post an entry to an item's ledger. The supporting unit commits and transfers; the receiving bureau confirms
    receipts and records spending (with its vouchers); either takes back its own entry by a reversal. Checked under
    the item's row lock against the ledger as it stands (rules.entry_problem), so two posts never overdraw it."""
    organisation = _keeper(actor)
    if kind not in rules.ENTRY_KINDS:
        raise DomainError("entry_kind_unknown", field="kind")
    amount = _amount(amount_yuan, "amount_yuan")
    date = day_checked(date, "date")
    evidence = (evidence or "").strip()[:300]
    if kind in (rules.TRANSFER, rules.RECEIPT, rules.EXPENDITURE) and not evidence:
        raise DomainError("required", field="evidence")
    if evidence_file:
        check_evidence(evidence_file)
    with transaction.atomic():
        item = AidItem.objects.select_for_update(of=("self",)).select_related("plan").get(pk=item.pk)
        if uuid is not None:
            # A retry (a lost answer, a resent form) answers the entry already posted; the same id with other
            # content, or on another item, is a conflict. Checked under the item's lock.
            sent = LedgerEntry.objects.filter(uuid=uuid).first()
            if sent is not None:
                same = (sent.item_id, sent.kind, sent.amount_yuan, sent.date, sent.reverses_id) == (
                    item.pk,
                    kind,
                    amount,
                    date,
                    int(reverses) if kind == rules.REVERSAL and reverses else None,
                )
                if not same:
                    raise DomainError("entry_conflict", field="uuid", status=409)
                sent.created = False
                return sent
        if kind in (rules.COMMITMENT, rules.TRANSFER) and item.status in CLOSED:
            raise DomainError("item_closed", status=409, state=item.get_status_display())
        if kind == rules.REVERSAL:
            taken = item.ledger.filter(pk=reverses).first() if str(reverses or "").isdigit() else None
            if taken is None:
                raise DomainError("reversal_target_invalid", field="reverses")
            if taken.recorded_org_id != organisation.pk:
                raise DomainError("entry_not_yours", NOT_YOURS["reversal"], field="reverses", status=403)
        else:
            if reverses is not None:
                raise DomainError("reversal_target_invalid", field="reverses")
            side = item.plan.supporter_id if SIDE_OF[kind] == "supporter" else item.receiver_id
            if organisation.pk != side:
                raise DomainError("entry_not_yours", NOT_YOURS[SIDE_OF[kind]], field="kind", status=403)
        entries = [
            rules.Entry(pk, k, a, on, r)
            for pk, k, a, on, r in item.ledger.order_by("seq").values_list(
                "pk", "kind", "amount_yuan", "date", "reverses_id"
            )
        ]
        new = rules.Entry("new", kind, amount, date, int(reverses) if kind == rules.REVERSAL else None)
        problem = rules.entry_problem(entries, new)
        over_amount = item.amount_yuan is not None and rules.balances(entries).committed + amount > item.amount_yuan
        if problem is None and kind == rules.COMMITMENT and over_amount:
            problem = "commitment_exceeds_amount"
        if problem:
            field = "reverses" if problem in ("already_reversed", "reversal_target_invalid") else "amount_yuan"
            status = 409 if problem in ("already_reversed", "reversal_breaks_balance") or "exceeds" in problem else None
            b = rules.balances(entries)
            limit = (
                f"{item.amount_yuan - b.committed:,.2f}" if problem == "commitment_exceeds_amount" else _limit(b, kind)
            )
            raise DomainError(problem, field=field, status=status, limit=limit)
        entry = LedgerEntry.objects.create(
            item=item,
            seq=len(entries) + 1,
            kind=kind,
            amount_yuan=amount,
            date=date,
            reverses_id=int(reverses) if kind == rules.REVERSAL else None,
            evidence_note=evidence,
            evidence=evidence_file or "",
            note=(note or "").strip()[:500],
            recorded_by=actor,
            recorded_org=organisation,
            uuid=uuid,
        )
        entry.created = True
        audit(actor, "create", entry, division_code=item.division_code, organisation_id=organisation.pk)
    return entry


def _limit(b: rules.Balances, kind: str) -> str:
    left = {rules.TRANSFER: b.untransferred, rules.RECEIPT: b.in_transit, rules.EXPENDITURE: b.unspent}.get(kind)
    return f"{left:,.2f}" if left is not None else ""


# --- milestones ------------------------------------------------------------------------------------------------------


def milestone_add(actor, item: AidItem, *, title: str, planned_on, weight=1, deliverables: str = "") -> Milestone:
    _supporter_of(actor, item.plan)
    try:
        weight = Decimal(str(weight))
    except InvalidOperation:
        raise DomainError("weight_invalid", field="weight") from None
    if not weight.is_finite() or weight <= 0 or weight >= 10_000 or weight != weight.quantize(rules.CENT):
        raise DomainError("weight_invalid", field="weight")
    with transaction.atomic():
        locked = AidItem.objects.select_for_update().get(pk=item.pk)
        if locked.status in CLOSED:
            raise DomainError("item_closed", status=409, state=locked.get_status_display())
        milestone = Milestone.objects.create(
            item=item,
            title=_text(title, "title", max_length=200),
            planned_on=day_checked(planned_on, "planned_on", past=False),
            weight=weight,
            deliverables=(deliverables or "").strip(),
        )
        audit(actor, "create", milestone, division_code=item.division_code, organisation_id=item.plan.supporter_id)
    return milestone


def milestone_deliver(actor, milestone: Milestone, *, delivered_on, note: str = "") -> Milestone:
    """The supporting side reports the milestone delivered."""
    item = milestone.item
    _supporter_of(actor, item.plan)
    delivered_on = day_checked(delivered_on, "delivered_on")
    with transaction.atomic():
        locked = AidItem.objects.select_for_update().get(pk=item.pk)
        if locked.status in CLOSED:
            raise DomainError("item_closed", status=409, state=locked.get_status_display())
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.accepted_on is not None:
            raise DomainError("milestone_accepted", status=409)
        before = snapshot(milestone)
        milestone.delivered_on, milestone.delivered_by = delivered_on, actor
        milestone.delivery_note = (note or "").strip()
        milestone.save()
        audit(actor, "update", milestone, before=before, division_code=item.division_code,
               organisation_id=item.plan.supporter_id)  # fmt: skip
    return milestone


def milestone_accept(
    actor, milestone: Milestone, *, accepted_on, quality_ok: bool, quantity_ok: bool, note: str = "", evidence_file=None
) -> Milestone:
    """The receiving bureau accepts a delivered milestone: quality, quantity (on time follows from the dates), with
    its note; never before it was delivered."""
    item = milestone.item
    _receiver_of(actor, item)
    accepted_on = day_checked(accepted_on, "accepted_on")
    if evidence_file:
        check_evidence(evidence_file)
    with transaction.atomic():
        locked = AidItem.objects.select_for_update().get(pk=item.pk)
        if locked.status == "cancelled":
            raise DomainError("item_closed", status=409, state=locked.get_status_display())
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.accepted_on is not None:
            raise DomainError("milestone_accepted", status=409)
        problem = rules.milestone_problem(
            milestone.planned_on, milestone.delivered_on, accepted_on, timezone.localdate()
        )
        if problem:
            status = 409 if problem == "accepted_before_delivery" else None
            raise DomainError(problem, field="accepted_on", status=status, name=field_label("accepted_on"))
        before = snapshot(milestone)
        milestone.accepted_on, milestone.accepted_by = accepted_on, actor
        milestone.quality_ok, milestone.quantity_ok = bool(quality_ok), bool(quantity_ok)
        milestone.acceptance_note = (note or "").strip()
        if evidence_file:
            milestone.evidence = evidence_file
        milestone.save()
        audit(actor, "update", milestone, before=before, division_code=item.division_code,
               organisation_id=item.receiver_id)  # fmt: skip
    return milestone
