"""Aid figures for the dashboards and the annual report, computed in the database: the funds ledger summed by kind
(a reversal subtracting the kind of the entry it takes back) per supporting unit, per receiving bureau, per form;
projects by state; milestones by state; talent figures. Scoped like every read (selectors.items_visible_to)."""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from anjian.aid import rules, selectors
from anjian.aid.models import LedgerEntry, Milestone

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
BALANCES = (("committed", rules.COMMITMENT), ("transferred", rules.TRANSFER), ("received", rules.RECEIPT),
            ("spent", rules.EXPENDITURE))  # fmt: skip


def _signed(kind: str, prefix: str = ""):
    """The amount an entry adds to one balance: its own for that kind, minus the reversed entry's for a reversal."""
    return Case(
        When(**{f"{prefix}kind": kind}, then=F(f"{prefix}amount_yuan")),
        When(**{f"{prefix}kind": rules.REVERSAL, f"{prefix}reverses__kind": kind}, then=-F(f"{prefix}amount_yuan")),
        default=ZERO,
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def _entry_filter(items, year: int | None) -> Q:
    q = Q(item__in=items)
    if year is not None:
        q &= Q(date__gte=datetime.date(year, 1, 1), date__lt=datetime.date(year + 1, 1, 1))
    return q


def _items(person, division_prefix: str | None = None):
    items = selectors.items_visible_to(person)
    return items.filter(division_code__startswith=division_prefix) if division_prefix else items


def funds_by(person, group: str, *, year: int | None = None, division_prefix: str | None = None) -> list[dict]:
    """The four balances summed per `group` (supporter, receiver or form): the flows within `year`, or everything
    to date. One query."""
    field = {"supporter": "item__plan__supporter", "receiver": "item__receiver", "form": "item__form"}[group]
    items = selectors.items_visible_to(person)
    if division_prefix:
        items = items.filter(division_code__startswith=division_prefix)
    rows = (
        LedgerEntry.objects.filter(_entry_filter(items.values("pk"), year))
        .values(field)
        .annotate(**{name: Coalesce(Sum(_signed(kind)), ZERO) for name, kind in BALANCES})
        .order_by(field)
    )
    return [{"key": r[field], **{name: r[name] for name, _ in BALANCES}} for r in rows]


def funds_total(person, *, year: int | None = None, division_prefix: str | None = None) -> dict:
    items = selectors.items_visible_to(person)
    if division_prefix:
        items = items.filter(division_code__startswith=division_prefix)
    totals = LedgerEntry.objects.filter(_entry_filter(items.values("pk"), year)).aggregate(
        **{name: Coalesce(Sum(_signed(kind)), ZERO) for name, kind in BALANCES}
    )
    totals["in_transit"] = totals["transferred"] - totals["received"]
    totals["unspent"] = totals["received"] - totals["spent"]
    return totals


def items_by_status(person, *, form: str | None = None, division_prefix: str | None = None) -> dict[str, int]:
    items = selectors.items_visible_to(person)
    if form:
        items = items.filter(form=form)
    if division_prefix:
        items = items.filter(division_code__startswith=division_prefix)
    return dict(items.order_by().values_list("status").annotate(n=Count("pk")))


def milestones_by_state(person, today: datetime.date, *, division_prefix: str | None = None) -> dict[str, int]:
    items = selectors.items_visible_to(person)
    if division_prefix:
        items = items.filter(division_code__startswith=division_prefix)
    counts = Milestone.objects.filter(item__in=items.values("pk")).aggregate(
        accepted=Count("pk", filter=Q(accepted_on__isnull=False)),
        delivered=Count("pk", filter=Q(accepted_on__isnull=True, delivered_on__isnull=False)),
        # An undelivered milestone of a cancelled item is neither late nor still planned: it will not come.
        late=Count("pk", filter=Q(delivered_on__isnull=True, planned_on__lt=today) & ~Q(item__status="cancelled")),
        planned=Count("pk", filter=Q(delivered_on__isnull=True, planned_on__gte=today) & ~Q(item__status="cancelled")),
        on_time=Count("pk", filter=Q(delivered_on__isnull=False, delivered_on__lte=F("planned_on"))),
        quality_ok=Count("pk", filter=Q(quality_ok=True)),
    )
    return counts


def talent_figures(person, *, year: int | None = None) -> dict[str, int]:
    qs = selectors.talent_visible_to(person)
    if year is not None:
        qs = qs.filter(starts_on__lte=datetime.date(year, 12, 31)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=datetime.date(year, 1, 1))
        )
    figures = dict(qs.order_by().values_list("kind").annotate(n=Count("pk")))
    figures["hours"] = qs.aggregate(h=Coalesce(Sum("hours"), Value(Decimal(0))))["h"]
    return figures


def dashboard(person, today: datetime.date, *, year: int | None = None, division_prefix: str | None = None) -> dict:
    """Everything the aid dashboard shows: totals, funds by form, by receiving bureau and by supporting unit,
    items and projects by state, milestones by state."""
    return {
        "totals": funds_total(person, year=year, division_prefix=division_prefix),
        "by_form": funds_by(person, "form", year=year, division_prefix=division_prefix),
        "by_receiver": funds_by(person, "receiver", year=year, division_prefix=division_prefix),
        "by_supporter": funds_by(person, "supporter", year=year, division_prefix=division_prefix),
        "items": items_by_status(person, division_prefix=division_prefix),
        "projects": items_by_status(person, form=rules.PROJECT, division_prefix=division_prefix),
        "milestones": milestones_by_state(person, today, division_prefix=division_prefix),
        "item_count": _items(person, division_prefix).count(),
    }


def annual(person, year: int, today: datetime.date) -> dict:
    """The figures of the annual aid report: the year's flows by form and by receiving bureau (and their totals),
    items and projects by state, milestones by state, talent of the year."""
    return {
        "year": year,
        "totals": funds_total(person, year=year),
        "by_form": funds_by(person, "form", year=year),
        "by_receiver": funds_by(person, "receiver", year=year),
        "by_supporter": funds_by(person, "supporter", year=year),
        "items": items_by_status(person),
        "projects": items_by_status(person, form=rules.PROJECT),
        "milestones": milestones_by_state(person, today),
        "talent": talent_figures(person, year=year),
    }
