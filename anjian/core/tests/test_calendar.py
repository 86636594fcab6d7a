"""The statutory working-day calendar (DOMAIN.md §1a): the rule, the data, who enters a year, pages, API."""

import datetime

import chinese_calendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from anjian.core import calendar, services
from anjian.core.audit import audit_verify
from anjian.core.errors import DomainError, FormErrors, PermissionDenied
from anjian.core.models import AuditEntry, CalendarDay, CalendarYear
from anjian.core.rules import CalendarYearMissing, add_working_days, is_working_day

D = datetime.date

# The Spring Festival 2026 as the State Council set it: 14 and 28 February
# are working Saturdays, 15–23 February are days off.
SPRING_2026 = {D(2026, 2, 14): True, D(2026, 2, 28): True} | {D(2026, 2, day): False for day in range(15, 24)}
# The Mid-autumn Festival and National Day 2026: 20 September (Sunday) and
# 10 October (Saturday) are working days; 25–27 September and 1–7 October are off.
AUTUMN_2026 = (
    {D(2026, 9, 20): True, D(2026, 10, 10): True}
    | {D(2026, 9, day): False for day in (25, 26, 27)}
    | {D(2026, 10, day): False for day in range(1, 8)}
)

# A made-up 2027 for the tests (the real one is not published yet).
TEXT_2027 = """# 元旦 and a short Spring Festival, for the tests
2027-01-01 holiday 元旦
2027-01-02 休 元旦
2027-01-03 holiday 元旦

2027-02-06 workday 春节
2027-02-08 holiday 春节
2027-02-09 holiday 春节
"""
SOURCE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试）"


# ------------------------------------------------------------------- rule


def test_seven_working_days_after_a_thursday_before_the_spring_festival():
    assert add_working_days(D(2026, 2, 12), 7, SPRING_2026, {2026}) == D(2026, 2, 28)  # a working Saturday


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 2, 12), 1, D(2026, 2, 13)),  # counting starts the day after
        (D(2026, 2, 12), 2, D(2026, 2, 14)),  # a working Saturday counts
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # nine days off are skipped
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
        (D(2026, 2, 28), 1, D(2026, 3, 2)),  # the next Saturday and Sunday are ordinary
    ],
)
def test_the_spring_festival_2026(start, n, due):
    assert add_working_days(start, n, SPRING_2026, {2026}) == due


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # a working Sunday
        (D(2026, 9, 24), 1, D(2026, 9, 28)),  # Mid-autumn: Friday 25 to Sunday 27 off
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # National Day: 1–7 October off
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # a working Saturday
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        (D(2026, 9, 17), 7, D(2026, 9, 28)),
    ],
)
def test_mid_autumn_and_national_day_2026(start, n, due):
    assert add_working_days(start, n, AUTUMN_2026, {2026}) == due


def test_a_deadline_reaching_a_year_without_schedule_is_refused_not_guessed():
    assert add_working_days(D(2026, 12, 28), 3, {}, {2026}) == D(2026, 12, 31)
    with pytest.raises(CalendarYearMissing) as caught:
        add_working_days(D(2026, 12, 28), 4, {}, {2026})
    assert caught.value.year == 2027
    with pytest.raises(CalendarYearMissing) as caught:
        add_working_days(D(2026, 12, 31), 1, {}, [2026])
    assert caught.value.year == 2027


def test_zero_working_days_is_the_start_itself_and_a_negative_count_is_a_mistake():
    assert add_working_days(D(2027, 3, 1), 0, {}, ()) == D(2027, 3, 1)  # no day looked at
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 1), -1, {}, {2026})
    with pytest.raises(TypeError):
        add_working_days(D(2026, 3, 1), 1.5, {}, {2026})


def test_is_working_day():
    assert is_working_day(D(2026, 2, 14), SPRING_2026)  # a Saturday made a working day
    assert not is_working_day(D(2026, 2, 16), SPRING_2026)  # a Monday off
    assert not is_working_day(D(2026, 2, 21), SPRING_2026)  # a Saturday inside the holiday
    assert is_working_day(D(2026, 3, 2), SPRING_2026)  # an ordinary Monday
    assert not is_working_day(D(2026, 3, 7), SPRING_2026)  # an ordinary Saturday


def test_the_rules_tables_agree_with_the_package():
    package = dict.fromkeys(chinese_calendar.holidays, False) | dict.fromkeys(chinese_calendar.workdays, True)
    assert {d: w for d, w in package.items() if d in SPRING_2026} == SPRING_2026
    assert {d: w for d, w in package.items() if d in AUTUMN_2026} == AUTUMN_2026
    assert {d for d in package if D(2026, 9, 1) <= d <= D(2026, 10, 31)} == set(AUTUMN_2026)


# --------------------------------------------------------------- database


@pytest.mark.django_db
def test_every_year_from_2004_to_2026_is_seeded_from_the_package():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(range(2004, 2027)) <= years
    assert CalendarYear.objects.get(year=2026).source.startswith("chinesecalendar ")
    assert CalendarDay.objects.filter(year__lte=2026).count() == len(chinese_calendar.holidays) + len(
        chinese_calendar.workdays
    )
    assert not CalendarDay.objects.filter(working=True, date__week_day__in=[2, 3, 4, 5, 6]).exists()  # Mon–Fri
    spring = CalendarDay.objects.get(date=D(2026, 2, 14))
    assert spring.working and spring.name == "春节"


@pytest.mark.django_db
def test_the_seeded_calendar_gives_the_domain_example_in_one_query():
    with CaptureQueriesContext(connection) as queries:
        assert calendar.add_working_days(D(2026, 2, 12), 7) == D(2026, 2, 28)
    assert len(queries) == 1
    assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert calendar.add_working_days(D(2025, 12, 30), 3) == D(2026, 1, 5)  # across New Year, a working Sunday
    assert calendar.add_working_days(D(2026, 3, 1), 0) == D(2026, 3, 1)
    package = dict.fromkeys(chinese_calendar.holidays, False) | dict.fromkeys(chinese_calendar.workdays, True)
    for start, n in ((D(2004, 1, 1), 400), (D(2019, 9, 27), 3), (D(2023, 12, 29), 25)):
        assert calendar.add_working_days(start, n) == add_working_days(start, n, package, range(2004, 2027))
    assert calendar.is_working_day(D(2026, 2, 28))
    assert not calendar.is_working_day(D(2026, 10, 5))


@pytest.mark.django_db
def test_a_deadline_into_2027_names_the_missing_year():
    with pytest.raises(DomainError) as caught:
        calendar.add_working_days(D(2026, 12, 28), 5)
    assert caught.value.code == "calendar_year_missing"
    assert "2027" in caught.value.message
    with pytest.raises(DomainError) as caught:
        calendar.is_working_day(D(2027, 1, 4))
    assert caught.value.code == "calendar_year_missing"


# ---------------------------------------------------------------- service


def days_2027():
    return [(entry[1], entry[2], entry[3]) for entry in services.calendar_parse_text(TEXT_2027)]


def test_a_region_administrator_enters_a_year_and_it_is_audited(world):
    before = AuditEntry.objects.count()
    saved = services.calendar_year_save(world.region_admin, 2027, days_2027(), SOURCE_2027)
    assert saved.year == 2027 and saved.source == SOURCE_2027 and saved.updated_by == world.region_admin
    assert CalendarDay.objects.filter(year=2027).count() == 6
    assert calendar.add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 5)
    entry = AuditEntry.objects.get(seq__gt=0, object_type="core.calendaryear", object_id="2027")
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "create" and entry.actor == world.region_admin
    assert entry.division_code == "540000"
    assert entry.after["days"]["2027-02-06"] == "workday 春节"
    assert entry.after["source"] == SOURCE_2027

    # A correction: only what changed is written to the log.
    corrected = [*days_2027()[:-1], (D(2027, 2, 10), False, "春节")]
    services.calendar_year_save(world.platform_admin, 2027, corrected, SOURCE_2027)
    change = AuditEntry.objects.filter(object_type="core.calendaryear", object_id="2027").order_by("seq").last()
    assert change.action == "update"
    assert change.before == {"days": {"2027-02-09": "holiday 春节", "2027-02-10": None}}
    assert change.after == {"days": {"2027-02-09": None, "2027-02-10": "holiday 春节"}}
    assert not CalendarDay.objects.filter(date=D(2027, 2, 9)).exists()
    # Saving the same again writes nothing.
    count = AuditEntry.objects.count()
    services.calendar_year_save(world.platform_admin, 2027, corrected, SOURCE_2027)
    assert AuditEntry.objects.count() == count
    assert audit_verify()[1] is None


@pytest.mark.parametrize(
    "persona", ["lhasa_admin", "shigatse_admin", "region_leader", "lhasa_inspector", "beijing_aid"]
)
def test_only_region_level_and_national_administrators_enter_the_calendar(world, persona):
    person = getattr(world, persona)
    assert not services.calendar_can_edit(person)
    with pytest.raises(PermissionDenied):
        services.calendar_year_save(person, 2027, days_2027(), SOURCE_2027)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_who_may_enter_the_calendar(world):
    assert services.calendar_can_edit(world.region_admin)
    assert services.calendar_can_edit(world.platform_admin)
    world.region.is_active = False
    world.region.save()
    world.region_admin.refresh_from_db()
    assert not services.calendar_can_edit(world.region_admin)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("2027-01-01 holiday 元旦\n2026-12-31 holiday 元旦", ["calendar_date_outside_year"]),
        ("2027-01-01 holiday 元旦\n\n2027-01-01 workday", ["calendar_date_repeated"]),
        ("2027-13-01 holiday\n2027-02-30 holiday\nsoon holiday", ["calendar_date_invalid"] * 3),
        ("2027-01-01 off 元旦\n2027-01-02", ["calendar_line_invalid"] * 2),
        ("2027-01-04 workday", ["calendar_workday_not_weekend"]),  # a Monday
        (f"2027-01-01 holiday {'节' * 51}", ["calendar_name_too_long"]),
    ],
)
def test_bad_lines_are_refused_with_their_numbers_and_nothing_is_written(world, text, codes):
    before = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(FormErrors) as caught:
        services.calendar_year_save_text(world.region_admin, 2027, text, SOURCE_2027)
    assert [code for _field, code, _message in caught.value.errors] == codes
    assert {field for field, _code, _message in caught.value.errors} == {"days"}
    assert all(message.startswith("Line ") for _field, _code, message in caught.value.errors)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEntry.objects.count() == before


def test_a_bad_correction_leaves_the_year_as_it_was(world):
    days_before = list(CalendarDay.objects.filter(year=2026).values_list("date", "working", "name"))
    bad = [(D(2026, 1, 1), False, "元旦"), ("2026-02-31", False, "春节"), (D(2026, 1, 1), False, "元旦")]
    with translation.override("en"), pytest.raises(FormErrors) as caught:
        services.calendar_year_save(world.region_admin, 2026, bad, "by hand")
    assert [message.split(":")[0] for _f, _c, message in caught.value.errors] == ["Line 2", "Line 3"]
    assert list(CalendarDay.objects.filter(year=2026).values_list("date", "working", "name")) == days_before
    assert CalendarYear.objects.get(year=2026).source.startswith("chinesecalendar")


@pytest.mark.parametrize(
    ("year", "days", "source", "field", "code"),
    [
        (2003, None, SOURCE_2027, "year", "calendar_year_invalid"),
        (2101, None, SOURCE_2027, "year", "calendar_year_invalid"),
        (2027, [], SOURCE_2027, "days", "calendar_days_empty"),
        (2027, None, "  ", "source", "required"),
    ],
)
def test_the_year_the_source_and_at_least_one_day_are_required(world, year, days, source, field, code):
    with pytest.raises(DomainError) as caught:
        services.calendar_year_save(world.region_admin, year, days_2027() if days is None else days, source)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_the_package_loader_enters_only_the_years_missing(world):
    CalendarYear.objects.filter(year=2026).delete()
    years = services.calendar_load_package()
    assert years["created"] == [2026] and years["updated"] == []
    assert calendar.add_working_days(D(2026, 2, 12), 7) == D(2026, 2, 28)
    entry = AuditEntry.objects.filter(object_type="core.calendaryear", object_id="2026").last()
    assert entry.actor_repr == "load_calendar"
    assert services.calendar_load_package(replace=True)["updated"] == []


# ------------------------------------------------------------------ pages


def test_anyone_logged_in_reads_the_calendar(world, client, login, monkeypatch):
    assert client.get("/calendar/").status_code == 302  # login first
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2026, 11, 29))
    login(world.lhasa_inspector)
    client.cookies["django_language"] = "en"  # the messages asserted below
    home = client.get("/").content.decode()
    assert 'href="/calendar/"' in home
    page = client.get("/calendar/").content.decode()
    assert 'href="/calendar/2026/"' in page and 'href="/calendar/2004/"' in page
    assert "The schedule for 2027 has not been entered yet" in page
    assert "/calendar/2027/edit/" not in page
    year = client.get("/calendar/2026/").content.decode()
    assert 'class="day workday" title="春节" data-date="2026-02-14"' in year
    assert 'class="day holiday" title="国庆节" data-date="2026-10-01"' in year
    assert 'class="day weekend" data-date="2026-03-07"' in year
    assert year.count('<table class="month">') == 12
    assert "/calendar/2026/edit/" not in year
    assert client.get("/calendar/2027/").status_code == 404
    assert client.get("/calendar/99999999999999999999/").status_code == 404
    assert client.get("/calendar/2027/edit/").status_code == 403
    assert client.post("/calendar/2027/edit/", {"days": TEXT_2027, "source": SOURCE_2027}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_prefecture_administrator_cannot_enter_a_year(world, client, login):
    login(world.lhasa_admin)
    assert client.get("/calendar/2026/edit/").status_code == 403
    assert client.post("/calendar/2027/edit/", {"days": TEXT_2027, "source": SOURCE_2027}).status_code == 403
    assert client.get("/calendar/enter/", {"year": 2027}).status_code == 403


def test_the_region_administrator_enters_2027_and_deadlines_cross_new_year(world, client, login, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2026, 11, 29))
    login(world.region_admin)
    client.cookies["django_language"] = "en"
    listing = client.get("/calendar/").content.decode()
    assert 'href="/calendar/2027/edit/"' in listing
    assert client.get("/calendar/enter/", {"year": 2027})["Location"] == "/calendar/2027/edit/"
    assert client.get("/calendar/enter/", {"year": 1999})["Location"] == "/calendar/"
    form = client.get("/calendar/2027/edit/")
    assert form.status_code == 200 and "<textarea" in form.content.decode()
    with pytest.raises(DomainError):
        calendar.add_working_days(D(2026, 12, 30), 3)

    bad = client.post("/calendar/2027/edit/", {"days": "2027-01-01 holiday 元旦\n2027-02-30 holiday", "source": "x"})
    assert bad.status_code == 200
    assert "Line 2" in bad.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()

    saved = client.post("/calendar/2027/edit/", {"days": TEXT_2027, "source": SOURCE_2027})
    assert saved.status_code == 302 and saved["Location"] == "/calendar/2027/"
    assert calendar.add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 5)
    assert calendar.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 6)  # the working Saturday
    page = client.get("/calendar/2027/").content.decode()
    assert SOURCE_2027 in page and 'href="/calendar/2027/edit/"' in page
    assert 'href="/audit/core.calendaryear/2027/"' in page
    assert client.get("/audit/core.calendaryear/2027/").status_code == 200
    assert 'href="/audit/core.calendaryear/' not in client.get("/calendar/2026/").content.decode()  # seeded
    assert "The schedule for 2027" not in client.get("/calendar/").content.decode()
    # The entry form shows the year as it is held, ready to correct.
    again = client.get("/calendar/2027/edit/").content.decode()
    assert "2027-02-06 workday 春节" in again and SOURCE_2027 in again
    assert client.get("/calendar/2101/edit/").status_code == 404


# -------------------------------------------------------------------- API


def test_the_api_lists_and_shows_years(world, api):
    caller = api(world.lhasa_inspector)
    years = caller.get("/api/v1/calendar").json()
    row = next(y for y in years if y["year"] == 2026)
    assert row["source"].startswith("chinesecalendar") and row["workdays"] == 6 and row["holidays"] == 33
    detail = caller.get("/api/v1/calendar/2026").json()
    assert detail["year"] == 2026
    assert {"date": "2026-02-14", "working": True, "name": "春节"} in detail["days"]
    assert {"date": "2026-10-07", "working": False, "name": "国庆节"} in detail["days"]
    missing = caller.get("/api/v1/calendar/2027")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert caller.get("/api/v1/calendar/99999999999999999999").status_code == 404
    assert api().get("/api/v1/calendar").status_code == 401


def body_2027(**extra):
    days = [{"date": d, "working": w, "name": n} for d, w, n in days_2027()]
    return {"source": SOURCE_2027, "days": days} | extra


def test_an_administrator_puts_a_year(world, api):
    caller = api(world.region_admin)
    response = caller.put("/api/v1/calendar/2027", body_2027(year=2027))
    assert response.status_code == 200, response.content
    assert response.json()["year"] == 2027 and len(response.json()["days"]) == 6
    assert caller.get("/api/v1/calendar/2027").json() == response.json()
    # The body read back is a body to send.
    assert caller.put("/api/v1/calendar/2027", response.json()).status_code == 200
    assert calendar.add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 5)


def test_a_put_by_anyone_else_is_refused(world, api):
    for person in (world.lhasa_admin, world.lhasa_inspector):
        response = api(person).put("/api/v1/calendar/2027", body_2027())
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_bad_put_says_what_is_wrong(world, api):
    caller = api(world.region_admin, language="en")
    body = body_2027()
    body["days"].append({"date": "2026-12-31", "working": False, "name": "元旦"})
    response = caller.put("/api/v1/calendar/2027", body)
    assert response.status_code == 400
    error = response.json()
    assert (error["field"], error["code"]) == ("days", "calendar_date_outside_year")
    assert error["message"].startswith("Line 7:")
    mismatch = caller.put("/api/v1/calendar/2027", body_2027(year=2028))
    assert (mismatch.status_code, mismatch.json()["code"]) == (400, "calendar_year_mismatch")
    unparsable = caller.put("/api/v1/calendar/2027", body_2027() | {"days": [{"date": "2027-02-30", "working": False}]})
    assert unparsable.status_code == 422 and unparsable.json()["field"] == "days.0.date"
    assert caller.put("/api/v1/calendar/2003", body_2027()).json()["code"] == "calendar_year_invalid"
    assert not CalendarYear.objects.filter(year=2027).exists()
