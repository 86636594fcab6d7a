"""Aid pages: a supporting unit's plans (a bureau: the aid its area receives) with their totals, a plan and its items,
an item with its steps, the funds ledger with its balances and reconciliation, and its milestones delivered by the
supporting unit and accepted by the receiving bureau."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.aid import forms, rules, selectors, services
from anjian.aid import permissions as perms
from anjian.aid.models import EntryKind, LedgerEntry, Milestone
from anjian.core.models import DivisionLevel, Organisation, OrganisationKind
from anjian.core.scope import scope_for
from anjian.core.views import _found, service_call

STATUSES = ("matched", "in_transit", "overdue")
SIDE_KINDS = {
    "supporter": (rules.COMMITMENT, rules.TRANSFER, rules.REVERSAL),
    "receiver": (rules.RECEIPT, rules.EXPENDITURE, rules.REVERSAL),
}


def _ctx(request, active: str, **extra) -> dict:
    user = request.user
    return {"active": active, "can_keep": user.has_perm(perms.KEEP_AID), "can_plan": _can_plan(user), **extra}


def _can_plan(user) -> bool:
    """Plans are kept by the aid coordinators of supporting units (the service checks it again)."""
    organisation = user.organisation
    return (
        organisation is not None and organisation.kind == OrganisationKind.SUPPORTING and user.has_perm(perms.KEEP_AID)
    )


def _side(user, item) -> str | None:
    """Which side of the item the viewer keeps: the supporting unit's, the receiving bureau's, or none."""
    if not user.has_perm(perms.KEEP_AID):
        return None
    if user.organisation_id == item.plan.supporter_id:
        return "supporter"
    if user.organisation_id == item.receiver_id:
        return "receiver"
    return None


# --- totals ----------------------------------------------------------------------------------------------------------


class Totals:
    """Committed, transferred, received and spent over some items, and how many items are matched, in transit or
    overdue in the reconciliation."""

    def __init__(self):
        self.committed = self.transferred = self.received = self.spent = Decimal(0)
        self.items = 0
        self.counts = dict.fromkeys(STATUSES, 0)

    def add(self, row: dict) -> None:
        for f in ("committed", "transferred", "received", "spent"):
            setattr(self, f, getattr(self, f) + row[f])
        self.items += 1
        self.counts[row["status"]] += 1

    @property
    def matched(self):
        return self.counts["matched"]

    @property
    def in_transit(self):
        return self.counts["in_transit"]

    @property
    def overdue(self):
        return self.counts["overdue"]


def _item_totals(items, today: datetime.date) -> dict[int, dict]:
    """Per item: its four balances and its reconciliation status, summed in the database in one query.

    The same figures as rules.balances and rules.reconcile: an entry that was reversed and the reversal cancel out,
    so the live entries are those neither reversed nor reversals; receipts match transfers oldest first, so an item
    has an overdue transfer exactly when the transfers older than receipt_days exceed all that was received."""
    cutoff = today - datetime.timedelta(days=rules.RULES.receipt_days)

    def total(**condition):
        return Sum("amount_yuan", filter=Q(**condition), default=Decimal(0))

    rows = (
        LedgerEntry.objects.filter(item__in=items.values("pk"), reversed_by__isnull=True)
        .exclude(kind=rules.REVERSAL)
        .order_by()
        .values("item_id")
        .annotate(
            committed=total(kind=rules.COMMITMENT),
            transferred=total(kind=rules.TRANSFER),
            received=total(kind=rules.RECEIPT),
            spent=total(kind=rules.EXPENDITURE),
            old=total(kind=rules.TRANSFER, date__lt=cutoff),
        )
    )
    result = {}
    for row in rows:
        row = {k: (Decimal(v).quantize(rules.CENT) if k != "item_id" else v) for k, v in row.items()}
        if row["transferred"] == row["received"]:
            row["status"] = "matched"
        else:
            row["status"] = "overdue" if row["old"] > row["received"] else "in_transit"
        result[row["item_id"]] = row
    return result


EMPTY = {"committed": Decimal("0.00"), "transferred": Decimal("0.00"), "received": Decimal("0.00"),
         "spent": Decimal("0.00"), "status": "matched"}  # fmt: skip


def _progress(items) -> dict[int, Decimal]:
    """Per item: the accepted milestones' share of their weights (rules.progress), in one query."""
    pairs = defaultdict(list)
    for item_id, weight, accepted_on in Milestone.objects.filter(item__in=items.values("pk")).values_list(
        "item_id", "weight", "accepted_on"
    ):
        pairs[item_id].append((weight, accepted_on is not None))
    return {item_id: rules.progress(p) for item_id, p in pairs.items()}


def _percent(share) -> Decimal:
    return (Decimal(share) * 100).quantize(Decimal("0.1"))


# --- home ------------------------------------------------------------------------------------------------------------


@login_required
def home(request):
    """A supporting unit: its plans with their totals. A bureau: the aid its area receives, per supporting unit."""
    user = request.user
    today = timezone.localdate()
    items = selectors.items_visible_to(user)
    totals = _item_totals(items, today)
    rows = list(items.values_list("pk", "plan_id", "plan__supporter_id"))
    by_plan = defaultdict(Totals)
    for pk, plan_id, _supporter_id in rows:
        by_plan[plan_id].add(totals.get(pk, EMPTY))
    plans = list(selectors.plans_visible_to(user).order_by("-starts_on", "title", "pk"))
    for p in plans:
        p.totals = by_plan.get(p.pk) or Totals()
    bureau = scope_for(user).division_prefix is not None
    groups = []
    if bureau:
        by_supporter = {}
        for p in plans:
            group = by_supporter.get(p.supporter_id)
            if group is None:
                group = by_supporter[p.supporter_id] = {"supporter": p.supporter, "plans": [], "totals": Totals()}
                groups.append(group)
            group["plans"].append(p)
        for pk, _plan_id, supporter_id in rows:
            if supporter_id in by_supporter:
                by_supporter[supporter_id]["totals"].add(totals.get(pk, EMPTY))
        groups.sort(key=lambda g: g["supporter"].name_zh)
    return render(
        request,
        "aid/home.html",
        _ctx(request, "home", bureau=bureau, plans=plans, groups=groups, receipt_days=rules.RULES.receipt_days),
    )


# --- plans -----------------------------------------------------------------------------------------------------------


def _bureaus():
    """The bureaus aid goes to: the region's and the prefectures'."""
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.BUREAU,
            is_active=True,
            division__level__in=(DivisionLevel.PROVINCE, DivisionLevel.PREFECTURE),
        )
        .select_related("division")
        .order_by("division_id")
    )


@login_required
def plan_create(request):
    if not _can_plan(request.user):
        raise PermissionDenied
    form = forms.PlanForm(request.POST or None, bureaus=_bureaus())
    if request.method == "POST" and form.is_valid():
        result = {}
        if service_call(
            request,
            form,
            lambda: result.update(p=services.plan_create(request.user, **form.cleaned_data)),
            _("Plan saved."),
        ):
            return redirect("aid-plan", result["p"].pk)
    return render(request, "aid/plan_create.html", _ctx(request, "plan-create", form=form))


@login_required
def plan_detail(request, plan_id):
    plan = _found(selectors.get_plan_for, request.user, plan_id)
    user = request.user
    keeps = user.has_perm(perms.KEEP_AID) and user.organisation_id == plan.supporter_id
    receivers = plan.receivers.order_by("division_id")
    form = forms.ItemForm(request.POST or None, receivers=receivers)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("steps_text", "indicators_text", "receiver")}
        result = {}
        if service_call(
            request,
            form,
            lambda: result.update(
                i=services.item_create(user, plan, receiver_id=form.cleaned_data["receiver"], **data)
            ),
            _("Item added."),
        ):
            return redirect("aid-item", result["i"].pk)
    today = timezone.localdate()
    items = selectors.items_visible_to(user).filter(plan=plan)
    totals, progress = _item_totals(items, today), _progress(items)
    rows = list(items.order_by("form", "title", "pk"))
    plan_totals = Totals()
    for i in rows:
        i.totals = totals.get(i.pk, EMPTY)
        i.progress = _percent(progress.get(i.pk, 0))
        plan_totals.add(i.totals)
    return render(
        request,
        "aid/plan_detail.html",
        _ctx(
            request,
            "plan",
            plan=plan,
            receivers=receivers,
            items=rows,
            totals=plan_totals,
            form=form,
            keeps=keeps,
        ),
    )


# --- items -----------------------------------------------------------------------------------------------------------


def _reversible(user, item):
    """The viewer's own entries of the ledger that a reversal may still take back."""
    return (
        item.ledger.filter(recorded_org_id=user.organisation_id, reversed_by__isnull=True)
        .exclude(kind=rules.REVERSAL)
        .order_by("seq")
    )


def _row_form(request, form_class):
    """A form of a row (a step, a milestone): valid, or its first problem shown as a message."""
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        return form
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
        break
    return None


@login_required
def item_detail(request, item_id):
    item = _found(selectors.get_item_for, request.user, item_id)
    user = request.user
    side = _side(user, item)
    action = request.POST.get("action", "")
    kinds = SIDE_KINDS.get(side, rules.ENTRY_KINDS)
    entry_form = forms.EntryForm(
        request.POST if action == "entry" else None,
        request.FILES if action == "entry" else None,
        kinds=kinds,
        reversible=_reversible(user, item),
    )
    milestone_form = forms.MilestoneForm(request.POST if action == "milestone" else None)
    if request.method == "POST":
        done, anchor = False, action
        if action == "entry":
            if entry_form.is_valid():
                done = service_call(
                    request,
                    entry_form,
                    lambda: services.ledger_post(user, item, **entry_form.cleaned_data),
                    _("Entry posted."),
                )
            anchor = "ledger"
        elif action == "step":
            step = _found(selectors._get, item.steps.select_related("item__plan"), request.POST.get("step"))
            form = _row_form(request, forms.StepDoneForm)
            done = form is not None and service_call(
                request, None, lambda: services.step_done(user, step, **form.cleaned_data), _("Step done.")
            )
            anchor = "steps"
        elif action == "milestone":
            if milestone_form.is_valid():
                done = service_call(
                    request,
                    milestone_form,
                    lambda: services.milestone_add(user, item, **milestone_form.cleaned_data),
                    _("Milestone added."),
                )
            anchor = "milestones"
        elif action == "status":
            done = service_call(
                request,
                None,
                lambda: services.item_set_status(user, item, status=request.POST.get("status", "")),
                _("Status recorded."),
            )
            anchor = "details"
        elif action in ("deliver", "accept"):
            milestone = _found(
                selectors._get, item.milestones.select_related("item__plan"), request.POST.get("milestone")
            )
            if action == "deliver":
                form = _row_form(request, forms.DeliverForm)
                done = form is not None and service_call(
                    request,
                    None,
                    lambda: services.milestone_deliver(user, milestone, **form.cleaned_data),
                    _("Milestone delivered."),
                )
            else:
                form = _row_form(request, forms.AcceptForm)
                done = form is not None and service_call(
                    request,
                    None,
                    lambda: services.milestone_accept(user, milestone, **form.cleaned_data),
                    _("Milestone accepted."),
                )
            anchor = "milestones"
        else:
            raise Http404
        if done:
            return redirect(f"{reverse('aid-item', args=[item.pk])}#{anchor}")
    today = timezone.localdate()
    entries = selectors.entries_of(item)
    b = rules.balances(entries)
    balances = rules.Balances(*(v.quantize(rules.CENT) for v in (b.committed, b.transferred, b.received, b.spent)))
    reconciliation = rules.reconcile(entries, today)
    overdue = set(reconciliation.overdue)
    unconfirmed = [{"date": on, "amount": amount.quantize(rules.CENT), "overdue": (on, amount) in overdue}
                   for on, amount in reconciliation.unconfirmed]  # fmt: skip
    ledger = list(selectors.ledger_of(item))
    by_reversed = {e.reverses_id: e for e in ledger if e.reverses_id}
    for e in ledger:
        e.reversal = by_reversed.get(e.pk)
    steps = list(item.steps.select_related("done_by"))
    for s in steps:
        s.late = s.done_on is None and s.due_on < today
    milestones = list(selectors.milestones_of(item))
    for m in milestones:
        m.state = rules.milestone_state(
            m.planned_on, m.delivered_on, m.accepted_on, today, cancelled=item.status == "cancelled"
        )
        m.on_time = rules.on_time(m.planned_on, m.delivered_on)
    return render(
        request,
        "aid/item_detail.html",
        _ctx(
            request,
            "item",
            item=item,
            side=side,
            balances=balances,
            reconciliation=reconciliation,
            difference=reconciliation.difference.quantize(rules.CENT),
            unconfirmed=unconfirmed,
            receipt_days=rules.RULES.receipt_days,
            ledger=ledger,
            kind_labels=dict(EntryKind.choices),
            steps=steps,
            milestones=milestones,
            progress=_percent(selectors.item_progress(item)),
            indicators=item.indicators.all(),
            entry_form=entry_form,
            milestone_form=milestone_form,
            today=today,
        ),
    )


EVIDENCE_TYPES = {".pdf": "application/pdf", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@login_required
def evidence(request, item_id, kind, pk):
    """A voucher of a ledger entry or the acceptance record of a milestone, served only to those who see the item."""
    from pathlib import Path

    from django.http import FileResponse

    item = _found(selectors.get_item_for, request.user, item_id)
    holder = (item.ledger if kind == "entry" else item.milestones).filter(pk=pk).first()
    if holder is None or not holder.evidence:
        raise Http404
    suffix = Path(holder.evidence.name).suffix.lower()
    response = FileResponse(
        holder.evidence.open("rb"), content_type=EVIDENCE_TYPES.get(suffix, "application/octet-stream")
    )
    response["Content-Disposition"] = f'inline; filename="{Path(holder.evidence.name).name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
