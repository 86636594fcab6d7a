"""Emergency plans, drills and the road network as pure functions.

Sources (DOMAIN.md §10): 《生产安全事故应急预案管理办法》 (Orders 17/2009 and 88/2016, amended 2019) [quoted];
《生产安全事故应急条例》 Decree 708 (2019) [text]. Numbers are data by date (EmergencyRules), looked up by the day
they judge. Working-day deadlines take the statutory calendar's day-adder (core.calendar.add_working_days) as an
argument, so these functions stay pure.
"""

import datetime
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from anjian.core.rules import add_months

# Kinds of plan (预案).
COMPREHENSIVE = "comprehensive"  # 综合应急预案
SPECIAL = "special"  # 专项应急预案
ON_SITE = "on_site"  # 现场处置方案
PLAN_KINDS = (COMPREHENSIVE, SPECIAL, ON_SITE)

# Who keeps a plan, for the drill rules: an ordinary unit; a unit of the high-risk kinds Decree 708 Art. 8 names
# (dangerous goods, mines, metal smelting, urban rail, construction, crowded venues); a government body.
UNIT = "unit"
HIGH_RISK_UNIT = "high_risk_unit"
GOVERNMENT = "government"
KEEPERS = (UNIT, HIGH_RISK_UNIT, GOVERNMENT)


@dataclass(frozen=True)
class EmergencyRules:
    since: datetime.date
    filing_working_days: int = 20  # file within 20 working days of publishing the plan
    filing_check_working_days: int = 5  # the bureau checks within 5 working days
    evaluation_years: int = 3  # high-risk and medium-and-larger units evaluate their plans every 3 years
    drill_months_unit: int = 12  # at least one comprehensive or special drill a year
    drill_months_on_site: int = 6  # every on-site disposal plan at least every half-year
    drill_months_high_risk: int = 6  # Decree 708 Art. 8: the high-risk kinds drill at least every half-year
    drill_months_government: int = 24  # government bodies: at least every 2 years


ORDER_88_AND_DECREE_708 = EmergencyRules(since=datetime.date(2019, 9, 1))
RULES = [ORDER_88_AND_DECREE_708]


def rules_for(day: datetime.date) -> EmergencyRules:
    found = RULES[0]
    for version in RULES:
        if version.since <= day:
            found = version
    return found


# --- filing and evaluation -----------------------------------------------------------------------------------------


def filing_due(published_on: datetime.date, add_working_days: Callable, rules=ORDER_88_AND_DECREE_708):
    """The last day to file a plan with the bureau: 20 working days after it is published."""
    return add_working_days(published_on, rules.filing_working_days)


def filing_check_due(received_on: datetime.date, add_working_days: Callable, rules=ORDER_88_AND_DECREE_708):
    """The bureau's last day to accept the filing or say what is missing: 5 working days after receiving it."""
    return add_working_days(received_on, rules.filing_check_working_days)


def evaluation_due(last_on: datetime.date, must_evaluate: bool, rules=ORDER_88_AND_DECREE_708):
    """The next evaluation of a plan (every 3 years from its publishing or last evaluation), or None for a unit
    that need not evaluate (neither high-risk nor medium-and-larger)."""
    if not must_evaluate:
        return None
    return add_months(last_on, 12 * rules.evaluation_years)


# --- drills ----------------------------------------------------------------------------------------------------------


def drill_interval_months(kind: str, keeper: str, rules=ORDER_88_AND_DECREE_708) -> int:
    """How often a plan of this kind, kept by this kind of body, must be drilled at least."""
    if kind not in PLAN_KINDS:
        raise ValueError(kind)
    if keeper == GOVERNMENT:
        return rules.drill_months_government
    if kind == ON_SITE:
        return rules.drill_months_on_site
    if keeper == HIGH_RISK_UNIT:
        return rules.drill_months_high_risk
    return rules.drill_months_unit


def next_drill_due(
    kind: str, keeper: str, last_drill_on: datetime.date | None, since: datetime.date, rules=ORDER_88_AND_DECREE_708
) -> datetime.date:
    """The day by which the next drill is due: its interval after the last drill, or after `since` (the plan's
    publishing) when it has never been drilled."""
    return add_months(last_drill_on or since, drill_interval_months(kind, keeper, rules))


def unit_drill_due(
    keeper: str, last_drills: Mapping[str, datetime.date | None], since: datetime.date, rules=ORDER_88_AND_DECREE_708
) -> datetime.date:
    """A unit's yearly (or half-yearly) drill of its comprehensive or special plans: either kind counts, so the
    later of the two last drills is the one that counts."""
    dates = [d for k, d in last_drills.items() if k in (COMPREHENSIVE, SPECIAL) and d is not None]
    return next_drill_due(COMPREHENSIVE, keeper, max(dates) if dates else None, since, rules)


def overdue_days(due: datetime.date, today: datetime.date) -> int:
    """Days past the due date (0 while it has not passed: the due date itself is still in time)."""
    return max((today - due).days, 0)


# --- places and roads ------------------------------------------------------------------------------------------------

# Mainland China with its islands, roughly (latitude, longitude): coordinates outside are refused as typing errors.
CHINA_LAT = (3.5, 53.6)
CHINA_LON = (73.4, 135.1)
EARTH_RADIUS_KM = 6371.0088


def coordinates_problem(lat, lon) -> str | None:
    """'coordinates_outside_china' when a point lies outside China's extent, else None."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return "coordinates_invalid"
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return "coordinates_invalid"
    if not (CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]):
        return "coordinates_outside_china"
    return None


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance over the earth's surface (haversine on the mean radius), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def segment_problem(length_km, speed_kmh) -> str | None:
    """A road segment needs a length and a typical speed above zero."""
    try:
        length, speed = float(length_km), float(speed_kmh)
    except (TypeError, ValueError):
        return "segment_invalid"
    if not math.isfinite(length) or length <= 0:
        return "segment_length_invalid"
    if not math.isfinite(speed) or speed <= 0 or speed > 150:
        return "segment_speed_invalid"
    return None


def segment_minutes(length_km: float, speed_kmh: float) -> float:
    return length_km / speed_kmh * 60


def closure_of(closed_from: str, closed_to: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A segment's seasonal closure as stored ("MM-DD" from and until, both or neither) as ((m, d), (m, d))."""
    if not (closed_from and closed_to):
        return None
    a, b = closed_from.split("-"), closed_to.split("-")
    return (int(a[0]), int(a[1])), (int(b[0]), int(b[1]))


def closed_on(day: datetime.date, closure: tuple[tuple[int, int], tuple[int, int]] | None) -> bool:
    """Whether a seasonal closure ((month, day) from, (month, day) to, inclusive; it may run over the new year)
    covers `day`."""
    if not closure:
        return False
    start, end = closure
    key = (day.month, day.day)
    return start <= key <= end if start <= end else key >= start or key <= end
