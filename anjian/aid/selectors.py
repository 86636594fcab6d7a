"""Reads of aid, always scoped: a supporting unit sees its own plans and their items; a bureau sees the aid its
division and those below it receive; the region sees all the region's aid (the national bureau: all)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from anjian.aid import rules
from anjian.aid.models import AidItem, AidPlan, Inspection, LedgerEntry, Milestone, TalentRecord
from anjian.core.errors import NotFound
from anjian.core.scope import scope_for


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        raise NotFound() from None


def items_visible_to(person) -> QuerySet[AidItem]:
    scope = scope_for(person)
    qs = AidItem.objects.select_related("plan", "plan__supporter", "receiver")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        return qs.filter(division_code__startswith=scope.division_prefix)
    return qs.filter(plan__supporter_id=scope.organisation_id)


def plans_visible_to(person) -> QuerySet[AidPlan]:
    scope = scope_for(person)
    qs = AidPlan.objects.select_related("supporter")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        if scope.is_everything:
            return qs
        received = Q(receivers__division__code__startswith=scope.division_prefix) | Q(
            items__division_code__startswith=scope.division_prefix
        )
        return qs.filter(pk__in=AidPlan.objects.filter(received).values("pk"))
    return qs.filter(supporter_id=scope.organisation_id)


def get_plan_for(person, plan_id) -> AidPlan:
    return _get(plans_visible_to(person), plan_id)


def get_item_for(person, item_id) -> AidItem:
    return _get(items_visible_to(person), item_id)


def entries_of(item: AidItem) -> list[rules.Entry]:
    """The item's ledger as rules entries: from a prefetch of `ledger` when the list made one (one query a page),
    else one query."""
    if "ledger" in getattr(item, "_prefetched_objects_cache", {}):
        rows = sorted(item.ledger.all(), key=lambda e: e.seq)
        return [rules.Entry(e.pk, e.kind, e.amount_yuan, e.date, e.reverses_id) for e in rows]
    return [
        rules.Entry(pk, kind, amount, on, reverses)
        for pk, kind, amount, on, reverses in item.ledger.order_by("seq").values_list(
            "pk", "kind", "amount_yuan", "date", "reverses_id"
        )
    ]


def item_balances(item: AidItem) -> rules.Balances:
    return rules.balances(entries_of(item))


def ledger_of(item: AidItem) -> QuerySet[LedgerEntry]:
    return item.ledger.select_related("recorded_by", "recorded_org", "reverses").order_by("seq")


def milestones_of(item: AidItem) -> QuerySet[Milestone]:
    return item.milestones.select_related("delivered_by", "accepted_by", "item")


def item_progress(item: AidItem) -> "rules.Decimal":
    return rules.progress((m.weight, m.accepted_on is not None) for m in item.milestones.all())


def talent_visible_to(person) -> QuerySet[TalentRecord]:
    scope = scope_for(person)
    qs = TalentRecord.objects.select_related("supporter", "item")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        return qs.filter(division_code__startswith=scope.division_prefix)
    return qs.filter(supporter_id=scope.organisation_id)


def inspections_visible_to(person) -> QuerySet[Inspection]:
    scope = scope_for(person)
    qs = Inspection.objects.select_related("organisation")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        # An inspection anchored above a bureau (it covered several prefectures) is seen by each whose aid it covered.
        covered = Inspection.objects.filter(items__division_code__startswith=scope.division_prefix).values("pk")
        return qs.filter(Q(division_code__startswith=scope.division_prefix) | Q(pk__in=covered))
    # A supporting unit sees the inspections of its own aid.
    return qs.filter(items__plan__supporter_id=scope.organisation_id).distinct()


def late_steps(person, today: datetime.date) -> QuerySet:
    from anjian.aid.models import ItemStep

    items = items_visible_to(person).exclude(status="cancelled")
    return ItemStep.objects.filter(item__in=items, done_on__isnull=True, due_on__lt=today)


def late_milestones(person, today: datetime.date) -> QuerySet[Milestone]:
    return Milestone.objects.filter(
        item__in=items_visible_to(person).exclude(status="cancelled"), delivered_on__isnull=True, planned_on__lt=today
    ).select_related("item", "item__plan__supporter", "item__receiver")
