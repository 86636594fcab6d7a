"""Statistics of accidents: individual reports and aggregate returns combined, never counted twice.

Every read is scoped by the person (scope_for). Reports count with their statistical figures: the dead,
and the missing once their window has closed (the statistical reporting system counts a person missing
beyond the window as dead); returns count as entered, and a report inside a returned cell (an accident
found after its return) is left out: the return is that cell's figure.
"""

import zoneinfo
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from anjian.accidents import rules as accident_rules
from anjian.accidents.selectors import accidents_visible_to
from anjian.core.models import Division
from anjian.core.rules import division_prefix
from anjian.core.scope import scope_for
from anjian.indicators import rules
from anjian.indicators.models import AggregateReturn

MEASURES = (
    "accidents",
    "larger_accidents",
    "deaths",
    "missing",
    "serious_injuries",
    "minor_injuries",
    "direct_loss_yuan",
    "coal_deaths",
)
GROUPS = ("division", "sector", "industry", "category", "month", "quarter", "year", "none")
WHOLE_YEAR = "year_total"


def _zero() -> dict:
    return {m: (Decimal("0.00") if m == "direct_loss_yuan" else 0) for m in MEASURES}


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _bounds(period: rules.Period) -> tuple[datetime, datetime]:
    tz = _tz()
    return (
        datetime.combine(period.first_day(), time(), tzinfo=tz),
        datetime.combine(period.after_last_day(), time(), tzinfo=tz),
    )


def _child_prefix_length(code: str) -> int:
    """Grouping by division shows the level below the chosen one (no division: the provinces)."""
    return min(len(division_prefix(code)) + 2, 6) if code else 2


def _record_measures(now) -> dict:
    closed = Q(window_closes_at__lt=now)
    coal = Q(industry=accident_rules.COAL_MINE)
    zero = Value(0)
    return {
        "accidents": Count("pk"),
        "larger_accidents": Count("pk", filter=Q(severity__in=accident_rules.LARGER_AND_ABOVE)),
        "deaths": Coalesce(Sum("deaths"), zero) + Coalesce(Sum("missing", filter=closed), zero),
        "missing": Coalesce(Sum("missing", filter=~closed), zero),
        "serious_injuries": Coalesce(Sum("serious_injuries"), zero),
        "minor_injuries": Coalesce(Sum("minor_injuries"), zero),
        "direct_loss_yuan": Coalesce(Sum("direct_loss_yuan"), Value(Decimal("0.00"))),
        "coal_deaths": Coalesce(Sum("deaths", filter=coal), zero)
        + Coalesce(Sum("missing", filter=coal & closed), zero),
    }


def _return_measures() -> dict:
    zero = Value(0)
    return {
        "accidents": Coalesce(Sum("accidents"), zero),
        "larger_accidents": Coalesce(Sum("larger_accidents"), zero),
        "deaths": Coalesce(Sum("deaths"), zero),
        "missing": Coalesce(Sum("missing"), zero),
        "serious_injuries": Coalesce(Sum("serious_injuries"), zero),
        "minor_injuries": Coalesce(Sum("minor_injuries"), zero),
        "direct_loss_yuan": Coalesce(Sum("direct_loss_yuan"), Value(Decimal("0.00"))),
        "coal_deaths": Coalesce(Sum("coal_deaths"), zero),
    }


def records_in(person, period: rules.Period, *, division="", sector="", industry="", category=""):
    start, end = _bounds(period)
    qs = accidents_visible_to(person).filter(occurred_at__gte=start, occurred_at__lt=end)
    if division:
        qs = qs.filter(division__code__startswith=division_prefix(division))
    if sector:
        qs = qs.filter(sector=sector)
    if industry:
        qs = qs.filter(industry=industry)
    if category:
        qs = qs.filter(category=category)
    covered = _covered_cells(person, period)
    if covered is not None:
        qs = qs.exclude(covered)
    return qs.order_by()


def _covered_cells(person, period: rules.Period) -> Q | None:
    """Reports inside the cells of returns that cover reports: the returns count there, the reports do not.

    Only the returns the person sees: a prefecture that cannot see the region's return counts its own reports."""
    from anjian.indicators.services import _cell_bounds

    (y1, _m1), (y2, _m2) = period.start, period.end
    cells = (
        scope_for(person)
        .filter(AggregateReturn.objects.all(), division="division__code", organisation="organisation_id")
        .filter(covers_reports=True, year__gte=y1, year__lte=y2)
        .values_list("division_id", "year", "month", "sector")
    )
    q = None
    for code, year, month, sector in cells:
        start, end = _cell_bounds(year, month)
        cell = Q(
            division__code__startswith=division_prefix(code), sector=sector, occurred_at__gte=start, occurred_at__lt=end
        )
        q = cell if q is None else q | cell
    return q


def returns_in(person, period: rules.Period, *, division="", sector=""):
    """The returns that count in the period: monthly ones inside it, whole-year ones when it holds the year."""
    qs = scope_for(person).filter(
        AggregateReturn.objects.all(), division="division__code", organisation="organisation_id"
    )
    (y1, m1), (y2, m2) = period.start, period.end
    in_months = Q(month__isnull=False) & (
        (Q(year__gt=y1) | Q(year=y1, month__gte=m1)) & (Q(year__lt=y2) | Q(year=y2, month__lte=m2))
    )
    first_full = y1 if m1 == 1 else y1 + 1
    last_full = y2 if m2 == 12 else y2 - 1
    whole_years = Q(month__isnull=True, year__gte=first_full, year__lte=last_full)
    qs = qs.filter(in_months | whole_years)
    if division:
        qs = qs.filter(division__code__startswith=division_prefix(division))
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by()


def _keys(group: str, division: str, source: str):
    """The grouping expression for reports ('records') or returns."""
    tz = _tz()
    if group == "division":
        return Substr("division_id", 1, _child_prefix_length(division))
    if group in ("sector", "industry", "category"):
        return F(group)
    if source == "records":
        year = ExtractYear("occurred_at", tzinfo=tz)
        month = ExtractMonth("occurred_at", tzinfo=tz)
    else:
        year, month = F("year"), F("month")
    return year if group == "year" else month  # quarters are merged from months


def _normalise_key(group: str, key, row: dict, division: str) -> str:
    if group == "division":
        return str(key).ljust(6, "0")
    if group in ("month", "quarter"):
        year = row.get("y")
        if key is None:
            return f"{year}-{WHOLE_YEAR}"
        return f"{year}-{int(key):02d}" if group == "month" else f"{year}Q{(int(key) - 1) // 3 + 1}"
    if group == "year":
        return str(key)
    return key or ""


def aggregate(
    person, period: rules.Period, group: str = "none", *, division="", sector="", industry="", category=""
) -> dict:
    """{key: measures} for the period, reports and returns combined."""
    now = timezone.now()
    buckets: dict[str, dict] = {}
    records = records_in(person, period, division=division, sector=sector, industry=industry, category=category)
    sources = [("records", records, _record_measures(now))]
    if not industry and not category and group not in ("industry", "category"):
        sources.append(("returns", returns_in(person, period, division=division, sector=sector), _return_measures()))
    for source, qs, measures in sources:
        measures = {f"s_{name}": expression for name, expression in measures.items()}  # no clash with fields
        if group == "none":
            rows = [{"key": "", **qs.aggregate(**measures)}]
        else:
            values = {"key": _keys(group, division, source)}
            if group in ("month", "quarter"):
                values["y"] = ExtractYear("occurred_at", tzinfo=_tz()) if source == "records" else F("year")
            rows = qs.values(**values).annotate(**measures).order_by()
        for row in rows:
            key = _normalise_key(group, row["key"], row, division) if group != "none" else ""
            bucket = buckets.setdefault(key, _zero())
            for m in MEASURES:
                bucket[m] += row[f"s_{m}"] or 0
    return buckets


def _division_names(codes) -> dict:
    return {d.code: d.name for d in Division.objects.filter(code__in=list(codes))}


def _label(group: str, key: str, names: dict) -> str:
    from anjian.accidents.models import Category, Industry, Sector

    if group == "division":
        return names.get(key, key)
    choices = {"sector": Sector, "industry": Industry, "category": Category}.get(group)
    if choices is not None:
        return str(dict(choices.choices).get(key, key or "—"))
    if key.endswith(WHOLE_YEAR):
        from django.utils.translation import gettext as _

        return _("%(year)s (whole-year returns)") % {"year": key[:4]}
    return key


def _sort_key(group: str, key: str):
    if group == "sector":
        return accident_rules.SECTORS.index(key) if key in accident_rules.SECTORS else 99
    return key


def table(
    person,
    period: rules.Period,
    group: str = "division",
    *,
    division="",
    sector="",
    industry="",
    category="",
    with_previous: bool = True,
) -> dict:
    """The statistics table: one row per key with the figures, last year's, and the changes in percent; the total
    also against the period before (unless `with_previous` is False, for a table whose total is shown elsewhere)."""
    filters = {"division": division, "sector": sector, "industry": industry, "category": category}
    current = aggregate(person, period, group, **filters)
    last_year_period = rules.same_period_last_year(period)
    previous_period = rules.previous_period(period)
    last_year = aggregate(person, last_year_period, group, **filters)
    before = aggregate(person, previous_period, group, **filters) if with_previous else {}
    if group in ("month", "quarter", "year"):
        keys = sorted(current)
    else:
        keys = sorted(set(current) | set(last_year), key=lambda k: _sort_key(group, k))
    names = _division_names(keys) if group == "division" else {}
    rows = []
    for key in keys:
        rows.append(_row(key, _label(group, key, names), current.get(key, _zero()), last_year, before, group))
    total_now = _sum(current.values())
    total = _row("", "", total_now, {"": _sum(last_year.values())}, {"": _sum(before.values())}, "none")
    return {
        "period": period.label(),
        "last_year_period": last_year_period.label(),
        "previous_period": previous_period.label(),
        "group": group,
        "rows": rows,
        "total": total,
    }


def _sum(buckets) -> dict:
    total = _zero()
    for bucket in buckets:
        for m in MEASURES:
            total[m] += bucket[m]
    return total


def _row(key, label, figures, last_year, before, group) -> dict:
    """Figures with last year's (a time row: the same month, quarter or year a year before) and the changes."""
    previous = last_year.get(_year_before(key) if group in ("month", "quarter", "year") else key, _zero())
    out = {"key": key, "label": label, **figures}
    out["last_year"] = dict(previous)
    out["yoy"] = {m: rules.change(figures[m], previous[m]) for m in MEASURES}
    earlier = before.get(key) if group == "none" else None
    out["previous_period"] = dict(earlier) if earlier else None
    out["pop"] = {m: rules.change(figures[m], earlier[m]) for m in MEASURES} if earlier else None
    return out


def _year_before(key: str) -> str:
    """2026-03 → 2025-03, 2026Q1 → 2025Q1, 2026 → 2025."""
    return f"{int(key[:4]) - 1}{key[4:]}" if key[:4].isdigit() else key


def series_by_month(person, year: int, *, division="", sector="") -> dict:
    """Deaths and accidents per month of a year and of the year before (for the trend chart)."""
    out = {}
    for y in (year - 1, year):
        buckets = aggregate(person, rules.year_period(y), "month", division=division, sector=sector)
        out[y] = {m: buckets.get(f"{y}-{m:02d}", _zero()) for m in range(1, 13)}
        out[y]["whole"] = buckets.get(f"{y}-{WHOLE_YEAR}")
    return out


def series_by_year(person, first: int, last: int, *, division="", sector="") -> dict:
    buckets = aggregate(person, rules.Period((first, 1), (last, 12), "span"), "year", division=division, sector=sector)
    return {y: buckets.get(str(y), _zero()) for y in range(first, last + 1)}


# --- relative indicators, the four declines, control targets ---------------------------------------------------


def _denominators(codes, years) -> dict:
    from anjian.indicators.models import Denominator

    return {(d.division_id, d.year): d for d in Denominator.objects.filter(division_id__in=codes, year__in=years)}


def _rates(figures: dict, denominator) -> dict:
    d = denominator
    return {
        "per_100m_gdp": rules.deaths_per_100m_gdp(figures["deaths"], d.gdp_100m_yuan if d else None),
        "per_100k_imc_workers": rules.deaths_per_100k_imc_workers(figures["imc_deaths"], d.imc_workers if d else None),
        "per_10k_vehicles": rules.deaths_per_10k_vehicles(figures["road_deaths"], d.motor_vehicles if d else None),
        "per_mt_coal": rules.deaths_per_mt_coal(figures["coal_deaths"], d.coal_output_tonnes if d else None),
    }


def _indicator_figures(person, year: int, division: str) -> dict:
    """Per division (the chosen one under '' and each below it): deaths, accidents, larger, IMC, road, coal deaths."""
    period = rules.year_period(year)
    by_division = {
        sector: aggregate(person, period, "division", division=division, sector=sector)
        for sector in ("", accident_rules.INDUSTRIAL, accident_rules.ROAD_TRAFFIC)
    }
    out = {}
    for code in set(by_division[""]) | {""}:
        every = by_division[""].get(code, _zero()) if code else _sum(by_division[""].values())
        imc = by_division[accident_rules.INDUSTRIAL]
        road = by_division[accident_rules.ROAD_TRAFFIC]
        out[code] = {
            "accidents": every["accidents"],
            "larger_accidents": every["larger_accidents"],
            "deaths": every["deaths"],
            "coal_deaths": every["coal_deaths"],
            "imc_deaths": (imc.get(code, _zero()) if code else _sum(imc.values()))["deaths"],
            "road_deaths": (road.get(code, _zero()) if code else _sum(road.values()))["deaths"],
        }
    return out


def indicators(person, year: int, division: str) -> dict:
    """The relative indicators of a year for a division and each division below it, with last year's and the
    four declines (deaths, accidents, larger-and-above accidents, the relative indicators)."""
    now, before = _indicator_figures(person, year, division), _indicator_figures(person, year - 1, division)
    # The chosen division is the whole ('' key); a county (or a return at the chosen level) is not its own child.
    codes = sorted((set(now) | set(before)) - {division})
    keyed = {code: (code or division) for code in codes}
    denominators = _denominators(set(keyed.values()), (year, year - 1))
    names = _division_names(keyed.values())
    rows = []
    for code in codes:
        place = keyed[code]
        current = now.get(code) or dict.fromkeys(now[""], 0)
        previous = before.get(code) or dict.fromkeys(now[""], 0)
        rates = _rates(current, denominators.get((place, year)))
        last_rates = _rates(previous, denominators.get((place, year - 1)))
        declines = {
            name: rules.declined(current[name], previous[name]) for name in ("deaths", "accidents", "larger_accidents")
        }
        declines.update({name: rules.declined(rates[name], last_rates[name]) for name in rules.INDICATORS})
        rows.append(
            {
                "division": place,
                "name": names.get(place, place),
                "whole": code == "",
                **current,
                "last_year": previous,
                "indicators": rates,
                "last_year_indicators": last_rates,
                "declines": declines,
                "denominators": _denominator_out(denominators.get((place, year))),
            }
        )
    return {"year": year, "division": division, "rows": rows}


def _denominator_out(d) -> dict | None:
    if d is None:
        return None
    return {
        "gdp_100m_yuan": d.gdp_100m_yuan,
        "imc_workers": d.imc_workers,
        "motor_vehicles": d.motor_vehicles,
        "coal_output_tonnes": d.coal_output_tonnes,
    }


def target_progress(person, year: int, division: str = "", today=None, through: int | None = None) -> list[dict]:
    """Each control target of the year in scope: deaths so far (or through a month) against the cap, with its
    warning and the share of the year gone."""
    import calendar

    from django.conf import settings as django_settings

    from anjian.indicators.models import ControlTarget

    today = today or timezone.localdate()
    if through is not None and (year, through) < (today.year, today.month):
        today = today.replace(year=year, month=through, day=calendar.monthrange(year, through)[1])
    through = 12 if year < today.year else today.month
    period = rules.year_to_date(year, through)
    targets = scope_for(person).filter(
        ControlTarget.objects.select_related("division").filter(year=year), division="division__code", organisation=None
    )
    if division:
        targets = targets.filter(division__code__startswith=division_prefix(division))
    warn = Decimal(str(django_settings.TARGET_WARN_RATIO))
    elapsed = rules.elapsed_share(today) if year == today.year else Decimal(1)
    targets = list(targets)
    cells = _deaths_by_cell(person, period, division) if targets else {}
    out = []
    for target in targets:
        prefix = division_prefix(target.division_id)
        deaths = sum(
            value
            for (code, sector), value in cells.items()
            if code.startswith(prefix) and (not target.sector or sector == target.sector)
        )
        out.append(
            {
                "division": target.division_id,
                "name": target.division.name,
                "sector": target.sector,
                "max_deaths": target.max_deaths,
                "deaths": deaths,
                "share": (Decimal(deaths) / target.max_deaths).quantize(Decimal("0.001"))
                if target.max_deaths
                else None,
                "elapsed": elapsed,
                "status": rules.target_status(deaths, target.max_deaths, warn),
                "ahead_of_pace": bool(target.max_deaths) and Decimal(deaths) / target.max_deaths > elapsed,
            }
        )
    return out


def _deaths_by_cell(person, period: rules.Period, division: str) -> dict:
    """Deaths per (division, sector) in the period, reports and returns together: two queries for every target."""
    cells: dict[tuple[str, str], int] = {}
    now = timezone.now()
    deaths = {"s_deaths": _record_measures(now)["deaths"]}
    records = records_in(person, period, division=division).values("division_id", "sector").annotate(**deaths)
    returns = (
        returns_in(person, period, division=division).values("division_id", "sector").annotate(s_deaths=Sum("deaths"))
    )
    for row in [*records, *returns]:
        key = (row["division_id"], row["sector"])
        cells[key] = cells.get(key, 0) + (row["s_deaths"] or 0)
    return cells


def dashboard(person, year: int, division: str, through: int | None = None) -> dict:
    """What the leaders' dashboard shows for a year to date: totals against last year, the monthly trend of this
    year and last, the divisions below and the sectors with their changes, and the control targets."""
    today = timezone.localdate()
    through = through or (12 if year < today.year else today.month)
    period = rules.year_to_date(year, through)
    return {
        "year": year,
        "through": through,
        "period": period.label(),
        "total": table(person, period, "none", division=division)["total"],
        "months": series_by_month(person, year, division=division),
        "divisions": table(person, period, "division", division=division, with_previous=False)["rows"],
        "sectors": table(person, period, "sector", division=division, with_previous=False)["rows"],
        "targets": target_progress(person, year, division, through=through),
    }
