"""The statutory working-day calendar as the platform holds it (reads only).

The years the platform holds are rows (CalendarYear) with their exceptions to
the Monday–Friday rule (CalendarDay): holidays and adjusted working days.
`add_working_days` is what deadlines in working days use; it never guesses a
year that is not held (DOMAIN.md §1a). Writes are services
(`services.calendar_year_save`).

No cache: a deadline costs one query on an indexed range of a few dozen rows,
and a cache kept in one process would go on answering from an old schedule
in the other workers after an administrator's correction.
"""

import datetime

from django.db.models import Count, Q, QuerySet

from anjian.core import rules
from anjian.core.errors import DomainError, NotFound
from anjian.core.models import CalendarDay, CalendarYear

# How many days past `start` the first load reaches, per working day asked
# (weekends and the longest holiday periods fit well inside); a walk that
# goes further loads the years it reaches.
_DAYS_PER_WORKING_DAY = 2
_DAYS_SLACK = 30


def _load(years: range) -> tuple[dict[datetime.date, bool], set[int]]:
    """The exceptions of the years held among `years`, and those years: one query."""
    special: dict[datetime.date, bool] = {}
    known: set[int] = set()
    rows = CalendarYear.objects.filter(year__gte=years.start, year__lt=years.stop).values_list(
        "year", "days__date", "days__working"
    )
    for year, date, working in rows:
        known.add(year)
        if date is not None:
            special[date] = working
    return special, known


def _missing(year: int) -> DomainError:
    return DomainError("calendar_year_missing", year=year)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` on the statutory calendar (n = 0: `start`).

    A deadline that reaches a year the platform does not hold raises
    DomainError("calendar_year_missing", year=...).
    """
    if n <= 0:
        return rules.add_working_days(start, n, {}, ())
    first_year = start.year + 1 if (start.month, start.day) == (12, 31) else start.year
    try:
        last_year = (start + datetime.timedelta(days=_DAYS_PER_WORKING_DAY * n + _DAYS_SLACK)).year
    except OverflowError:
        last_year = datetime.MAXYEAR
    last_year = max(first_year, min(last_year, rules.CALENDAR_LAST_YEAR + 1))
    while True:
        special, known = _load(range(first_year, last_year + 1))
        try:
            return rules.add_working_days(start, n, special, known)
        except rules.CalendarYearMissing as missing:
            if missing.year <= last_year:
                raise _missing(missing.year) from None
            last_year = missing.year  # the walk went past what was loaded: load on to there


def working_day_adder(first_year: int, last_year: int):
    """add_working_days for many deadlines at once: the years first_year..last_year loaded in one query; a deadline
    that walks out of them raises DomainError("calendar_year_missing") like add_working_days (it never guesses)."""
    special, known = _load(range(first_year, last_year + 1))

    def add(start: datetime.date, n: int) -> datetime.date:
        try:
            return rules.add_working_days(start, n, special, known)
        except rules.CalendarYearMissing as missing:
            if first_year <= missing.year <= last_year:
                raise _missing(missing.year) from None
            return add_working_days(start, n)  # past what was loaded: the one-by-one way

    return add


def is_working_day(d: datetime.date) -> bool:
    """Whether `d` is a working day on the statutory calendar (its year must be held)."""
    special, known = _load(range(d.year, d.year + 1))
    if d.year not in known:
        raise _missing(d.year)
    return rules.is_working_day(d, special)


# ------------------------------------------------------------------ pages


def years_held() -> QuerySet[CalendarYear]:
    """The years held, each with its count of holidays and of adjusted working days."""
    return CalendarYear.objects.annotate(
        holiday_count=Count("days", filter=Q(days__working=False)),
        workday_count=Count("days", filter=Q(days__working=True)),
    ).order_by("year")


def held_among(years) -> set[int]:
    """Which of these years are held."""
    return set(CalendarYear.objects.filter(year__in=list(years)).values_list("year", flat=True))


def years_missing(today: datetime.date, held: set[int]) -> list[int]:
    """This year and the next when not held: deadlines soon reach them."""
    return [year for year in (today.year, today.year + 1) if year not in held]


def get_year(year) -> CalendarYear:
    """A year held, or NotFound."""
    try:
        number = int(year)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = CalendarYear.objects.filter(pk=number).first() if 1 <= number <= datetime.MAXYEAR else None
    if found is None:
        raise NotFound()
    return found


def year_days(year: CalendarYear) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(year=year).order_by("date"))


def month_grids(year: int, days: list[CalendarDay]) -> list[dict]:
    """Twelve months as weeks of seven cells (Monday first; None outside the month).

    Each cell: date, kind ("holiday", "workday" for an adjusted working day,
    "weekend", or "" for an ordinary working day) and the day's name.
    """
    by_date = {day.date: day for day in days}
    months = []
    for month in range(1, 13):
        first = datetime.date(year, month, 1)
        following = datetime.date(year + (month == 12), month % 12 + 1, 1)
        cells: list[dict | None] = [None] * first.weekday()
        day = first
        while day < following:
            held = by_date.get(day)
            if held is not None:
                kind = "workday" if held.working else "holiday"
            else:
                kind = "weekend" if day.weekday() >= 5 else ""
            cells.append({"date": day, "kind": kind, "name": held.name if held else ""})
            day += datetime.timedelta(days=1)
        cells += [None] * (-len(cells) % 7)
        months.append({"first": first, "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)]})
    return months


# ---------------------------------------------------------------- package


def package_schedule() -> tuple[dict[int, list[tuple[datetime.date, bool, str]]], str]:
    """Every year of the installed chinesecalendar package, and the source to record.

    {year: [(date, working, name)]}: the holidays (weekend days of holiday
    periods included) and the adjusted working days, names in Chinese.
    """
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    years: dict[int, list[tuple[datetime.date, bool, str]]] = {}
    for days, working in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for date, name in days.items():
            years.setdefault(date.year, []).append((date, working, chinese.get(name, name)[:50]))
    version = getattr(chinese_calendar, "__version__", "")
    return {year: sorted(days) for year, days in years.items()}, f"chinesecalendar {version}".strip()
