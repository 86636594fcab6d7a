"""Statistics as pure functions: periods, changes, the relative indicators, control-target warnings.

Sources: DOMAIN.md §8 (the four relative indicators [quoted], five-year plan periods); the statistical
reporting system counts the missing with the dead ("死亡(含失踪)").
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# 十一五 … 十五五
PLAN_PERIODS = {
    "11th": (2006, 2010),
    "12th": (2011, 2015),
    "13th": (2016, 2020),
    "14th": (2021, 2025),
    "15th": (2026, 2030),
}
PLAN_NAMES_ZH = {"11th": "十一五", "12th": "十二五", "13th": "十三五", "14th": "十四五", "15th": "十五五"}


@dataclass(frozen=True)
class Period:
    """A closed span of months: (year, month) to (year, month), both included."""

    start: tuple[int, int]
    end: tuple[int, int]
    kind: str  # month, quarter, year, plan, span

    @property
    def months(self) -> int:
        return (self.end[0] - self.start[0]) * 12 + self.end[1] - self.start[1] + 1

    def first_day(self) -> date:
        return date(self.start[0], self.start[1], 1)

    def after_last_day(self) -> date:
        year, month = self.end
        return date(year + (month == 12), month % 12 + 1, 1)

    def label(self) -> str:
        (y1, m1), (y2, m2) = self.start, self.end
        if self.kind == "month":
            return f"{y1}-{m1:02d}"
        if self.kind == "quarter":
            return f"{y1}Q{(m1 - 1) // 3 + 1}"
        if self.kind == "year":
            return str(y1)
        if self.kind == "plan":
            return f"{y1}–{y2}"
        return f"{y1}-{m1:02d}–{y2}-{m2:02d}"


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month(year: int, m: int) -> Period:
    return Period((year, m), (year, m), "month")


def quarter(year: int, q: int) -> Period:
    return Period((year, 3 * q - 2), (year, 3 * q), "quarter")


def year_period(year: int) -> Period:
    return Period((year, 1), (year, 12), "year")


def plan_period(name: str) -> Period:
    first, last = PLAN_PERIODS[name]
    return Period((first, 1), (last, 12), "plan")


def year_to_date(year: int, through_month: int) -> Period:
    return Period((year, 1), (year, through_month), "span" if through_month < 12 else "year")


def plan_of(year: int) -> str | None:
    for name, (first, last) in PLAN_PERIODS.items():
        if first <= year <= last:
            return name
    return None


def same_period_last_year(period: Period) -> Period:
    """Year on year (同比): the same months a year earlier (a plan period: the plan before)."""
    shift = -60 if period.kind == "plan" else -12
    return Period(_shift(*period.start, shift), _shift(*period.end, shift), period.kind)


def previous_period(period: Period) -> Period:
    """Period on period (环比): the span of the same length just before."""
    return Period(_shift(*period.start, -period.months), _shift(*period.start, -1), period.kind)


def change(current, previous) -> Decimal | None:
    """The change in percent, one decimal; None when there is nothing to compare with."""
    if previous in (None, 0):
        return None
    value = (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rate(numerator, denominator, factor) -> Decimal | None:
    if denominator in (None, 0):
        return None
    value = Decimal(numerator) * Decimal(factor) / Decimal(denominator)
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def deaths_per_100m_gdp(deaths: int, gdp_100m_yuan) -> Decimal | None:
    """亿元GDP生产安全事故死亡率: all production-safety deaths ÷ GDP in 亿元."""
    return _rate(deaths, gdp_100m_yuan, 1)


def deaths_per_100k_imc_workers(imc_deaths: int, workers) -> Decimal | None:
    """工矿商贸十万人死亡率: deaths in industry, mining and commerce ÷ those workers × 100,000."""
    return _rate(imc_deaths, workers, 100_000)


def deaths_per_10k_vehicles(road_deaths: int, vehicles) -> Decimal | None:
    """道路交通万车死亡率: road traffic deaths ÷ motor vehicles × 10,000."""
    return _rate(road_deaths, vehicles, 10_000)


def deaths_per_mt_coal(coal_deaths: int, tonnes) -> Decimal | None:
    """煤矿百万吨死亡率: coal mine deaths ÷ raw coal output in tonnes × 1,000,000."""
    return _rate(coal_deaths, tonnes, 1_000_000)


INDICATORS = ("per_100m_gdp", "per_100k_imc_workers", "per_10k_vehicles", "per_mt_coal")


def declined(current, previous) -> bool | None:
    """One of the "four declines": lower than last year. None when either year is unknown."""
    if current is None or previous is None:
        return None
    return current < previous


def target_status(deaths: int, cap: int, warn_ratio: Decimal = Decimal("0.8")) -> str:
    """ok below warn_ratio × cap; warning from there; reached at the cap; exceeded above it."""
    if deaths > cap:
        return "exceeded"
    if deaths == cap:
        return "reached"
    if Decimal(deaths) >= warn_ratio * cap:
        return "warning"
    return "ok"


def elapsed_share(day: date) -> Decimal:
    """The share of the year gone by the end of `day` (for the pace of a target)."""
    start = date(day.year, 1, 1)
    days = (date(day.year + 1, 1, 1) - start).days
    return (Decimal((day - start).days + 1) / days).quantize(Decimal("0.0001"))
