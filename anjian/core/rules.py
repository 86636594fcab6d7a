"""Rules of the foundation as pure functions: no ORM, no request.

Administrative division codes follow GB/T 2260: six digits, two for the
province, two for the prefecture, two for the county. `000000` stands for the
nation in our data. A code's non-zero prefix is its ancestry.

Working days follow the statutory calendar (add_working_days, below).
"""

import datetime
import operator
import re
from collections.abc import Collection, Mapping

NATIONAL_CODE = "000000"
_CODE_RE = re.compile(r"[0-9]{6}")


def is_division_code(code: str) -> bool:
    """Six digits (GB/T 2260)."""
    return isinstance(code, str) and _CODE_RE.fullmatch(code) is not None


def division_prefix(code: str) -> str:
    """The prefix every descendant of `code` starts with.

    540000 → "54" (the region), 540100 → "5401" (a prefecture),
    540102 → "540102" (a county), 000000 → "" (the nation: everything).
    """
    if not is_division_code(code):
        raise ValueError(f"not a division code: {code!r}")
    if code == NATIONAL_CODE:
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def division_contains(ancestor: str, code: str) -> bool:
    """Whether `code` is `ancestor` or lies below it."""
    return code.startswith(division_prefix(ancestor))


def division_level(code: str) -> str:
    """national, province, prefecture or county, read from the code's shape."""
    prefix = division_prefix(code)
    return {0: "national", 2: "province", 4: "prefecture", 6: "county"}[len(prefix)]


def division_parent_code(code: str) -> str | None:
    """The code of the division directly above, by shape (None for the nation)."""
    level = division_level(code)
    if level == "national":
        return None
    if level == "province":
        return NATIONAL_CODE
    if level == "prefecture":
        return code[:2] + "0000"
    return code[:4] + "00"


# ------------------------------------------------------- statutory calendar
# The State Council's yearly schedule moves working days around the public
# holidays (DOMAIN.md §1a). A calendar is given as its exceptions to the
# Monday–Friday rule: `special[d]` is True for an adjusted working day on a
# weekend, False for a holiday. A year's schedule must be known before any
# of its days is counted: it is never guessed from weekends.

CALENDAR_FIRST_YEAR = 2004  # the first schedule the platform holds (chinesecalendar's first)
CALENDAR_LAST_YEAR = 2100
_ONE_DAY = datetime.timedelta(days=1)


class CalendarYearMissing(Exception):
    """The statutory calendar holds no schedule for `year`."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"no statutory calendar for {year}")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier); a day the month lacks becomes its last (31 August + 6 months:
    28 or 29 February; 29 February + 12 months: 28 February). The one calendar-month step every deadline uses."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, min(day.day, (following - datetime.timedelta(days=1)).day))


def is_working_day(d: datetime.date, special: Mapping[datetime.date, bool]) -> bool:
    """An adjusted working day, or a Monday to Friday that is no holiday."""
    if d in special:
        return bool(special[d])
    return d.weekday() < 5


def add_working_days(
    start: datetime.date, n: int, special: Mapping[datetime.date, bool], known_years: Collection[int]
) -> datetime.date:
    """The n-th working day after `start` (counting begins the day after it).

    n = 0 answers `start` itself without looking at any day. Every day looked
    at must lie in a year of `known_years`, or CalendarYearMissing(year) is
    raised: a deadline is never computed on a guessed calendar.
    """
    n = operator.index(n)  # a whole number: 1.5 working days is no deadline
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    day = start
    remaining = n
    while remaining:
        day += _ONE_DAY
        if day.year not in known_years:
            raise CalendarYearMissing(day.year)
        if is_working_day(day, special):
            remaining -= 1
    return day


# --- citizens' ID numbers (GB 11643-1999) ---------------------------------------------------------------


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number_problem(value: str, today: datetime.date) -> str | None:
    """A citizen ID number (GB 11643-1999): 17 digits, a valid birth date, and its check character."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "id_number_invalid"
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "id_number_invalid"
    if born > today or born.year < 1900:
        return "id_number_invalid"
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if "10X98765432"[total % 11] != value[17]:
        return "id_number_check"
    return None


def id_number_birth_date(value: str) -> datetime.date:
    """The date of birth an ID number carries (call id_number_problem first)."""
    value = value.strip()
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_is_male(value: str) -> bool:
    """GB 11643: the 17th character (the sequence's last digit) is odd for men, even for women."""
    return int(value[16]) % 2 == 1


def mask_id_number(value: str) -> str:
    """Disclosure masks an individual's ID number: the first 6 and last 4 characters stay."""
    value = (value or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
