"""Accident reporting as pure functions: classes, the reporting chain, update windows, investigations.

Source: Decree No. 493 (2007) of the State Council, in force 2007-06-01
(DOMAIN.md §7). "以上" includes the number, "以下" excludes it (Art. 3).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

NATIONAL = "000000"
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the time the region officially keeps: days are counted in it

# Art. 3 classes, lowest first. The API values are a public contract.
GENERAL = "general"
LARGER = "larger"
MAJOR = "major"
ESPECIALLY_MAJOR = "especially_major"
SEVERITIES = (GENERAL, LARGER, MAJOR, ESPECIALLY_MAJOR)
LARGER_AND_ABOVE = (LARGER, MAJOR, ESPECIALLY_MAJOR)

# The sectors of the statistics (DOMAIN.md §7), API values.
INDUSTRIAL = "industrial"
ROAD_TRAFFIC = "road_traffic"
FIRE = "fire"
SECTORS = (
    INDUSTRIAL,
    ROAD_TRAFFIC,
    FIRE,
    "railway",
    "water_transport",
    "civil_aviation",
    "agricultural_machinery",
    "fishing_vessel",
)

# Inside industrial, mining and commercial (工矿商贸): the industries the statistics break out.
COAL_MINE = "coal_mine"
INDUSTRIES = (
    COAL_MINE,
    "metal_nonmetal_mine",
    "construction",
    "hazardous_chemicals",
    "fireworks",
    "metallurgy",
    "other_industrial",
)

# GB 6441-86 categories of injury accidents.
CATEGORIES = {
    "01": "物体打击",
    "02": "车辆伤害",
    "03": "机械伤害",
    "04": "起重伤害",
    "05": "触电",
    "06": "淹溺",
    "07": "灼烫",
    "08": "火灾",
    "09": "高处坠落",
    "10": "坍塌",
    "11": "冒顶片帮",
    "12": "透水",
    "13": "放炮",
    "14": "火药爆炸",
    "15": "瓦斯爆炸",
    "16": "锅炉爆炸",
    "17": "容器爆炸",
    "18": "其他爆炸",
    "19": "中毒和窒息",
    "20": "其他伤害",
}


@dataclass(frozen=True)
class Thresholds:
    """The least figures of a class: deaths (missing included), serious injuries, direct loss in yuan."""

    deaths: int
    serious: int
    loss: Decimal


@dataclass(frozen=True)
class ReportingRules:
    """One version of the rules, in force from `since` (looked up by the date of the accident)."""

    since: date
    classes: dict  # severity → Thresholds, for every class above general
    unit_hours: int  # the unit's head reports to the county-level bureau (Art. 9)
    level_hours: int  # each bureau reports to the next level (Art. 10, 11)
    chain_end: dict  # severity → level where the chain ends (Art. 10)
    update_days: int  # casualty changes reported within (Art. 13)
    update_days_short: int  # … for road traffic and fire
    investigation_days: int  # report within (Art. 29)
    investigation_extension_days: int  # extended once by at most
    answer_days: dict  # severity → days the responsible government has to answer the report (Art. 32)
    answer_extension_days: dict  # severity → its one extension
    investigation_lead: dict  # severity → level of the government that investigates (Art. 19)


DECREE_493 = ReportingRules(
    since=date(2007, 6, 1),
    classes={
        # Art. 3: 30人以上 / 100人以上 / 1亿元以上; 10人以上30人以下 …; 3人以上10人以下 …
        ESPECIALLY_MAJOR: Thresholds(30, 100, Decimal("100000000")),
        MAJOR: Thresholds(10, 50, Decimal("50000000")),
        LARGER: Thresholds(3, 10, Decimal("10000000")),
    },
    unit_hours=1,
    level_hours=2,
    chain_end={GENERAL: "prefecture", LARGER: "province", MAJOR: "national", ESPECIALLY_MAJOR: "national"},
    update_days=30,
    update_days_short=7,
    investigation_days=60,
    investigation_extension_days=60,
    answer_days={GENERAL: 15, LARGER: 15, MAJOR: 15, ESPECIALLY_MAJOR: 30},
    answer_extension_days={GENERAL: 0, LARGER: 0, MAJOR: 0, ESPECIALLY_MAJOR: 30},
    investigation_lead={GENERAL: "county", LARGER: "prefecture", MAJOR: "province", ESPECIALLY_MAJOR: "national"},
)

RULES = [DECREE_493]


def rules_for(day: date) -> ReportingRules | None:
    """The version in force on the day of the accident; None before the first one."""
    found = None
    for version in RULES:
        if version.since <= day:
            found = version
    return found


def severity(deaths: int, missing: int, serious: int, loss: Decimal, rules: ReportingRules = DECREE_493) -> str:
    """The class: the highest reached by any of the three measures; the missing count with the dead (Art. 3)."""
    dead = deaths + missing
    for name in (ESPECIALLY_MAJOR, MAJOR, LARGER):
        least = rules.classes[name]
        if dead >= least.deaths or serious >= least.serious or Decimal(loss) >= least.loss:
            return name
    return GENERAL


def rank(name: str) -> int:
    return SEVERITIES.index(name)


# The levels of bureaus, bottom up.
LEVELS = ("county", "prefecture", "province", "national")


def chain(place: list[tuple[str, str]], severity_name: str, has_bureau, rules: ReportingRules = DECREE_493) -> list:
    """The divisions whose bureaus must receive the report, bottom up (Arts. 9–10).

    `place` is the division of the accident and its ancestors, bottom up, as
    (code, level) pairs (a county, its prefecture, its province; the nation is
    added here). `has_bureau(code)` says whether that division has a bureau on
    the platform: a county with none is left out and the chain starts at the
    prefecture. The chain ends at the level the class sets.
    """
    end = LEVELS.index(rules.chain_end[severity_name])
    pairs = [*place, (NATIONAL, "national")] if not place or place[-1][0] != NATIONAL else list(place)
    codes = []
    for code, level in pairs:
        if level not in LEVELS or LEVELS.index(level) > end:
            continue
        if level == "county" and not has_bureau(code):
            continue
        codes.append(code)
    return codes


def unit_due(head_informed_at: datetime, rules: ReportingRules = DECREE_493) -> datetime:
    """When the first bureau must have the unit's report: an hour after the head knew (Art. 9)."""
    return head_informed_at + timedelta(hours=rules.unit_hours)


def step_due(previous_at: datetime, rules: ReportingRules = DECREE_493) -> datetime:
    """When the next level must have it: two hours after this level had it (Art. 10)."""
    return previous_at + timedelta(hours=rules.level_hours)


def step_status(due_at: datetime, reported_at: datetime | None, now: datetime) -> str:
    """on_time or late once reported; before that pending, or late once the time has run out."""
    if reported_at is not None:
        return "on_time" if reported_at <= due_at else "late"
    return "late" if now > due_at else "pending"


def update_window_days(sector: str, rules: ReportingRules = DECREE_493) -> int:
    """Casualty changes count within 30 days, 7 for road traffic and fire (Art. 13)."""
    return rules.update_days_short if sector in (ROAD_TRAFFIC, FIRE) else rules.update_days


def update_window_closes(
    occurred_at: datetime, sector: str, rules: ReportingRules = DECREE_493, tz: tzinfo = SHANGHAI
) -> datetime:
    """The moment the window closes: "自事故发生之日起30日内" counts days from the day after the accident (the day
    it happens is not counted) and the last day runs to midnight (Civil Code Arts. 201, 203), in the official time."""
    last_day = occurred_at.astimezone(tz).date() + timedelta(days=update_window_days(sector, rules))
    return datetime.combine(last_day + timedelta(days=1), time(), tzinfo=tz)


def update_in_window(
    occurred_at: datetime, as_of: datetime, sector: str, rules: ReportingRules = DECREE_493, tz: tzinfo = SHANGHAI
) -> bool:
    """A change as of this moment still changes the figures."""
    return occurred_at <= as_of < update_window_closes(occurred_at, sector, rules, tz)


def figures_problem(deaths, missing, serious, minor, loss) -> tuple[str, str] | None:
    """(code, field) of the first figure that cannot be, or None."""
    for field, value in (
        ("deaths", deaths),
        ("missing", missing),
        ("serious_injuries", serious),
        ("minor_injuries", minor),
        ("direct_loss_yuan", loss),
    ):
        if value is None:
            return "required", field
        if value < 0:
            return "count_negative", field
    return None


def times_problem(occurred_at: datetime, head_informed_at: datetime, now: datetime) -> tuple[str, str] | None:
    if occurred_at > now:
        return "occurred_in_future", "occurred_at"
    if head_informed_at < occurred_at:
        return "head_informed_before_occurred", "head_informed_at"
    if head_informed_at > now:
        return "head_informed_in_future", "head_informed_at"
    return None


def investigation_lead_level(severity_name: str, rules: ReportingRules = DECREE_493) -> str:
    """The level of the government that leads the investigation (Art. 19)."""
    return rules.investigation_lead[severity_name]


def investigation_due(
    occurred_on: date, extension_days: int = 0, appraisal_days: int = 0, rules: ReportingRules = DECREE_493
) -> date:
    """The report is due 60 days after the accident, once extended by up to 60; appraisal time not counted (Art. 29)."""
    return occurred_on + timedelta(days=rules.investigation_days + extension_days + appraisal_days)


def extension_problem(days: int, already_extended: bool, rules: ReportingRules = DECREE_493) -> str | None:
    if already_extended:
        return "investigation_already_extended"
    if not 1 <= days <= rules.investigation_extension_days:
        return "investigation_extension_too_long"
    return None


def answer_due(submitted_on: date, severity_name: str, extended: bool = False, rules=DECREE_493) -> date:
    """The responsible government answers the report in 15 days; especially major 30, once extended by 30 (Art. 32)."""
    days = rules.answer_days[severity_name] + (rules.answer_extension_days[severity_name] if extended else 0)
    return submitted_on + timedelta(days=days)
