"""The statutory calendar's years 2004–2026, from the chinesecalendar package; who may enter it.

The package (PyPI `chinesecalendar`, import name `chinese_calendar`) holds the
State Council's schedules: `holidays` (every day off of a holiday period,
weekends included) and `workdays` (the adjusted working days on weekends).
Holiday names are kept in Chinese, as the notices give them. Later years are
entered by an administrator (/calendar/), and are never guessed.

The range is fixed here, so that this migration does the same on every
installation whatever version of the package is installed.
"""

from django.db import migrations
from django.utils import timezone

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

FIRST_YEAR, LAST_YEAR = 2004, 2026
ROLE_PERMISSIONS = {"admin": ["manage_calendar"]}


def package_days():
    """{year: [(date, working, name)]} from the package, for FIRST_YEAR..LAST_YEAR."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    years = {}
    for days, working in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for date, name in days.items():
            if FIRST_YEAR <= date.year <= LAST_YEAR:
                label = chinese.get(name, name)
                years.setdefault(date.year, []).append((date, working, label[:50]))
    return years, getattr(chinese_calendar, "__version__", "")


def forwards(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    grant_role_permissions(apps, "core", ROLE_PERMISSIONS)
    years, version = package_days()
    held = set(CalendarYear.objects.values_list("year", flat=True))
    now = timezone.now()
    source = f"chinesecalendar {version}".strip()
    for year in sorted(set(years) - held):
        CalendarYear.objects.create(year=year, source=source, updated_at=now)
        CalendarDay.objects.bulk_create(
            CalendarDay(date=date, year_id=year, working=working, name=name)
            for date, working, name in sorted(years[year])
        )


def backwards(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarYear.objects.filter(year__range=(FIRST_YEAR, LAST_YEAR), source__startswith="chinesecalendar").delete()
    revoke_role_permissions(apps, "core", ROLE_PERMISSIONS)




class Migration(migrations.Migration):
    dependencies = [("core", "0006_statutory_calendar")]
    operations = [migrations.RunPython(forwards, backwards)]
