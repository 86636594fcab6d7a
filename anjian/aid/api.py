"""The aid API: plans, items with their steps, the funds ledger and its balances and reconciliation, milestones.
Thin: services write, selectors read. Scoped: a supporting unit sees its own plans; a bureau the aid it receives;
the region all of the region's."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from anjian.aid import rules, selectors, services
from anjian.aid.models import Form, LedgerEntry
from anjian.core.api import ERRORS, Page, Shaped
from anjian.core.schemas import InputSchema

router = Router(tags=["aid"])


# --- plans -----------------------------------------------------------------------------------------------------------


class PlanIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    receivers: list[int] = Field(min_length=1, max_length=100, description="the receiving bureaus' organisation ids")
    summary: str = Field("", max_length=10000)


class PlanOut(Schema):
    id: int
    supporter: int
    supporter_name: str
    title: str
    starts_on: date
    ends_on: date
    summary: str
    receivers: list[int]


def plan_out(plan) -> dict:
    return {
        "id": plan.pk,
        "supporter": plan.supporter_id,
        "supporter_name": plan.supporter.name,
        "title": plan.title,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "summary": plan.summary,
        "receivers": sorted(r.pk for r in plan.receivers.all()),
    }


@router.get("/aid/plans", response=list[PlanOut])
@paginate(Page)
def list_plans(request):
    """The plans you keep (a supporting unit) or whose aid your area receives (a bureau)."""
    qs = selectors.plans_visible_to(request.auth).prefetch_related("receivers").order_by("-starts_on", "id")
    return Shaped(qs, plan_out)


@router.post("/aid/plans", response={201: PlanOut, **ERRORS})
def create_plan(request, payload: PlanIn):
    return 201, plan_out(services.plan_create(request.auth, **payload.dict()))


@router.get("/aid/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request, plan_id: int):
    return plan_out(selectors.get_plan_for(request.auth, plan_id))


# --- items -----------------------------------------------------------------------------------------------------------


class StepIn(InputSchema):
    description: str = Field(min_length=1, max_length=300)
    due_on: date


class ItemIn(InputSchema):
    plan: int = Field(ge=1, le=2**63 - 1)
    form: Literal[tuple(Form.values)]  # type: ignore[valid-type]
    receiver: int = Field(ge=1, le=2**63 - 1, description="the receiving bureau's organisation id (one of the plan's)")
    title: str = Field(min_length=1, max_length=200)
    content: str = Field("", max_length=20000)
    purpose: str = Field("", max_length=300, description="what the funds are for: spending is checked against it")
    amount_yuan: Decimal | None = Field(None, description="required for funds and projects")
    quantity: Decimal | None = None
    unit: str = Field("", max_length=20)
    supporter_contact: str = Field(min_length=1, max_length=200, description="responsible on the supporting side")
    receiver_contact: str = Field(min_length=1, max_length=200, description="responsible on the receiving side")
    deadline: date
    steps: list[StepIn] = Field(default_factory=list, max_length=100)
    indicators: list[str] = Field(default_factory=list, max_length=50, description="capability indicator codes")


class BalancesOut(Schema):
    committed: Decimal
    transferred: Decimal
    received: Decimal
    spent: Decimal
    in_transit: Decimal = Field(description="transferred and not (yet) confirmed as received")
    unspent: Decimal


class ReconciliationOut(Schema):
    status: str = Field(description="matched, in_transit or overdue (a transfer unconfirmed past receipt_days)")
    difference: Decimal
    unconfirmed: list[dict]
    overdue: list[dict]


class StepOut(Schema):
    id: int
    order: int
    description: str
    due_on: date
    done_on: date | None
    late: bool


class ItemOut(Schema):
    id: int
    plan: int
    supporter: int
    form: str
    receiver: int
    receiver_name: str
    division_code: str
    title: str
    content: str
    purpose: str
    amount_yuan: Decimal | None
    quantity: Decimal | None
    unit: str
    supporter_contact: str
    receiver_contact: str
    deadline: date
    status: str
    balances: BalancesOut
    reconciliation: ReconciliationOut
    progress: Decimal = Field(description="the accepted milestones' share of their weights, 0 to 1")
    steps: list[StepOut]
    indicators: list[str]


def _balances(b: rules.Balances) -> dict:
    return {"committed": b.committed, "transferred": b.transferred, "received": b.received, "spent": b.spent,
            "in_transit": b.in_transit, "unspent": b.unspent}  # fmt: skip


def item_out(item) -> dict:
    today = timezone.localdate()
    entries = selectors.entries_of(item)
    r = rules.reconcile(entries, today)
    return {
        **{
            f: getattr(item, f)
            for f in (
                "form",
                "division_code",
                "title",
                "content",
                "purpose",
                "amount_yuan",
                "quantity",
                "unit",
                "supporter_contact",
                "receiver_contact",
                "deadline",
                "status",
            )  # fmt: skip
        },
        "id": item.pk,
        "plan": item.plan_id,
        "supporter": item.plan.supporter_id,
        "receiver": item.receiver_id,
        "receiver_name": item.receiver.name,
        "balances": _balances(rules.balances(entries)),
        "reconciliation": {
            "status": r.status,
            "difference": r.difference,
            "unconfirmed": [{"date": on, "amount_yuan": amount} for on, amount in r.unconfirmed],
            "overdue": [{"date": on, "amount_yuan": amount} for on, amount in r.overdue],
        },
        "progress": selectors.item_progress(item),
        "steps": [
            {
                "id": s.pk,
                "order": s.order,
                "description": s.description,
                "due_on": s.due_on,
                "done_on": s.done_on,
                "late": s.done_on is None and s.due_on < today,
            }  # fmt: skip
            for s in item.steps.all()
        ],
        "indicators": sorted(i.code for i in item.indicators.all()),
    }


@router.get("/aid/items", response=list[ItemOut])
@paginate(Page)
def list_items(
    request,
    plan: int | None = Query(None, ge=1, le=2**63 - 1),
    form: str = Query("", max_length=10),
    division: str = Query("", max_length=6),
):
    ledger = Prefetch(
        "ledger", LedgerEntry.objects.only("id", "item_id", "seq", "kind", "amount_yuan", "date", "reverses_id")
    )
    qs = selectors.items_visible_to(request.auth).prefetch_related("steps", "indicators", "milestones", ledger)
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if form:
        qs = qs.filter(form=form)
    if division:
        qs = qs.filter(division_code__startswith=division)
    return Shaped(qs.order_by("plan_id", "id"), item_out)


@router.post("/aid/items", response={201: ItemOut, **ERRORS})
def create_item(request, payload: ItemIn):
    """An item of one of your plans (a supporting unit)."""
    plan = selectors.get_plan_for(request.auth, payload.plan)
    data = payload.dict(exclude={"plan", "receiver"})
    item = services.item_create(request.auth, plan, receiver_id=payload.receiver, **data)
    return 201, item_out(item)


@router.get("/aid/items/{item_id}", response={200: ItemOut, **ERRORS})
def get_item(request, item_id: int):
    return item_out(selectors.get_item_for(request.auth, item_id))


class StatusIn(InputSchema):
    status: Literal["under_way", "completed", "cancelled"]


@router.post("/aid/items/{item_id}/status", response={200: ItemOut, **ERRORS})
def set_status(request, item_id: int, payload: StatusIn):
    """The supporting unit moves its item on (planned → under_way → completed, or cancelled); a project is completed
    only once every milestone is accepted (`milestones_open`)."""
    item = selectors.get_item_for(request.auth, item_id)
    services.item_set_status(request.auth, item, status=payload.status)
    return item_out(selectors.get_item_for(request.auth, item_id))


class DoneIn(InputSchema):
    done_on: date


@router.post("/aid/items/{item_id}/steps/{step_id}/done", response={200: ItemOut, **ERRORS})
def step_done(request, item_id: int, step_id: int, payload: DoneIn):
    item = selectors.get_item_for(request.auth, item_id)
    step = selectors._get(item.steps.select_related("item__plan"), step_id)
    services.step_done(request.auth, step, done_on=payload.done_on)
    return item_out(selectors.get_item_for(request.auth, item_id))


# --- the ledger ------------------------------------------------------------------------------------------------------


class EntryIn(InputSchema):
    kind: Literal[rules.ENTRY_KINDS]  # type: ignore[valid-type]
    amount_yuan: Decimal = Field(description="yuan, more than 0, in fen at most")
    date: date
    evidence: str = Field(
        "", max_length=300, description="the voucher or bank reference (required for transfers, receipts, spending)"
    )
    note: str = Field("", max_length=500)
    reverses: int | None = Field(None, ge=1, le=2**63 - 1, description="a reversal: the id of the entry it takes back")
    uuid: UUID | None = Field(None, description="a client-made id: sending the entry again answers 200 with it")


class EntryOut(Schema):
    id: int
    seq: int
    kind: str
    amount_yuan: Decimal
    date: date
    reverses: int | None
    reversed_by: int | None
    evidence: str
    note: str
    recorded_by: str
    recorded_org: str
    created_at: datetime


def entry_out(e) -> dict:
    reversed_by = getattr(e, "reversed_by", None)
    return {
        "id": e.pk,
        "seq": e.seq,
        "kind": e.kind,
        "amount_yuan": e.amount_yuan,
        "date": e.date,
        "reverses": e.reverses_id,
        "reversed_by": reversed_by.pk if reversed_by is not None else None,
        "evidence": e.evidence_note,
        "note": e.note,
        "recorded_by": e.recorded_by.username,
        "recorded_org": e.recorded_org.name,
        "created_at": e.created_at,
    }


class LedgerOut(Schema):
    item: int
    balances: BalancesOut
    entries: list[EntryOut]


@router.get("/aid/items/{item_id}/ledger", response={200: LedgerOut, **ERRORS})
def get_ledger(request, item_id: int):
    item = selectors.get_item_for(request.auth, item_id)
    entries = list(selectors.ledger_of(item))
    by_reversed = {e.reverses_id: e for e in entries if e.reverses_id}
    for e in entries:
        e.reversed_by = by_reversed.get(e.pk)
    return {
        "item": item.pk,
        "balances": _balances(selectors.item_balances(item)),
        "entries": [entry_out(e) for e in entries],
    }


@router.post("/aid/items/{item_id}/ledger", response={201: EntryOut, 200: EntryOut, **ERRORS})
def post_entry(request, item_id: int, payload: EntryIn):
    """Post an entry: `commitment` and `transfer` by the supporting unit, `receipt` and `expenditure` by the
    receiving bureau, `reversal` (naming `reverses`) by the side that posted the entry. Refused: a transfer beyond the
    commitment, a receipt beyond the transfers (`receipt_exceeds_transfer`), spending beyond the receipts
    (`expenditure_exceeds_receipt`). Entries are never changed or deleted."""
    item = selectors.get_item_for(request.auth, item_id)
    entry = services.ledger_post(request.auth, item, **payload.dict())
    if entry.created:
        entry.reversed_by = None
    return (201 if entry.created else 200), entry_out(entry)


@router.api_operation(
    ["PUT", "PATCH", "DELETE"], "/aid/items/{item_id}/ledger/{entry_id}", response={409: dict, **ERRORS}
)
def edit_entry(request, item_id: int, entry_id: int):
    """Always refused: a ledger entry is never changed or deleted (409 `ledger_append_only`); post a reversal."""
    from anjian.core.errors import DomainError

    selectors.get_item_for(request.auth, item_id)
    raise DomainError("ledger_append_only", status=409)


# --- milestones ------------------------------------------------------------------------------------------------------


class MilestoneIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    planned_on: date
    weight: Decimal = Field(Decimal(1), gt=0, lt=10000)
    deliverables: str = Field("", max_length=10000)


class MilestoneOut(Schema):
    id: int
    title: str
    planned_on: date
    weight: Decimal
    deliverables: str
    state: str = Field(
        description="planned, late, delivered (awaiting acceptance), accepted, or cancelled (its item was)"
    )
    delivered_on: date | None
    delivery_note: str
    accepted_on: date | None
    quality_ok: bool | None
    quantity_ok: bool | None
    on_time: bool | None
    acceptance_note: str


def milestone_out(m) -> dict:
    today = timezone.localdate()
    return {
        **{
            f: getattr(m, f)
            for f in (
                "title",
                "planned_on",
                "weight",
                "deliverables",
                "delivered_on",
                "delivery_note",
                "accepted_on",
                "quality_ok",
                "quantity_ok",
                "acceptance_note",
            )
        },  # fmt: skip
        "id": m.pk,
        "state": rules.milestone_state(
            m.planned_on, m.delivered_on, m.accepted_on, today, cancelled=m.item.status == "cancelled"
        ),
        "on_time": rules.on_time(m.planned_on, m.delivered_on),
    }


@router.get("/aid/items/{item_id}/milestones", response={200: list[MilestoneOut], **ERRORS})
def list_milestones(request, item_id: int):
    item = selectors.get_item_for(request.auth, item_id)
    return [milestone_out(m) for m in selectors.milestones_of(item)]


@router.post("/aid/items/{item_id}/milestones", response={201: MilestoneOut, **ERRORS})
def add_milestone(request, item_id: int, payload: MilestoneIn):
    item = selectors.get_item_for(request.auth, item_id)
    return 201, milestone_out(services.milestone_add(request.auth, item, **payload.dict()))


class DeliverIn(InputSchema):
    delivered_on: date
    note: str = Field("", max_length=10000)


@router.post("/aid/items/{item_id}/milestones/{milestone_id}/deliver", response={200: MilestoneOut, **ERRORS})
def deliver_milestone(request, item_id: int, milestone_id: int, payload: DeliverIn):
    """The supporting unit reports the milestone delivered."""
    item = selectors.get_item_for(request.auth, item_id)
    m = selectors._get(item.milestones.select_related("item__plan"), milestone_id)
    return milestone_out(services.milestone_deliver(request.auth, m, **payload.dict()))


class AcceptIn(InputSchema):
    accepted_on: date
    quality_ok: bool
    quantity_ok: bool
    note: str = Field("", max_length=10000)


@router.post("/aid/items/{item_id}/milestones/{milestone_id}/accept", response={200: MilestoneOut, **ERRORS})
def accept_milestone(request, item_id: int, milestone_id: int, payload: AcceptIn):
    """The receiving bureau accepts a delivered milestone (quality, quantity; on time follows from the dates); one
    not yet delivered is refused (`accepted_before_delivery`)."""
    item = selectors.get_item_for(request.auth, item_id)
    m = selectors._get(item.milestones.select_related("item__plan"), milestone_id)
    return milestone_out(services.milestone_accept(request.auth, m, **payload.dict()))
