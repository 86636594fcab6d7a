"""Decree 493 against its own numbers, at and around every boundary."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from anjian.accidents import rules

Y = Decimal("10000")  # 万元


@pytest.mark.parametrize(
    ("deaths", "missing", "serious", "loss", "expected"),
    [
        (0, 0, 0, Decimal(0), "general"),
        (2, 0, 9, Decimal("9999999.99"), "general"),
        # deaths: 3人以上10人以下 is larger; the missing count with the dead
        (3, 0, 0, Decimal(0), "larger"),
        (2, 1, 0, Decimal(0), "larger"),
        (0, 3, 0, Decimal(0), "larger"),
        (9, 0, 0, Decimal(0), "larger"),
        (10, 0, 0, Decimal(0), "major"),
        (5, 5, 0, Decimal(0), "major"),
        (29, 0, 0, Decimal(0), "major"),
        (30, 0, 0, Decimal(0), "especially_major"),
        (29, 1, 0, Decimal(0), "especially_major"),
        # serious injuries (acute industrial poisoning included): 10 / 50 / 100
        (0, 0, 10, Decimal(0), "larger"),
        (0, 0, 49, Decimal(0), "larger"),
        (0, 0, 50, Decimal(0), "major"),
        (0, 0, 99, Decimal(0), "major"),
        (0, 0, 100, Decimal(0), "especially_major"),
        # direct loss: 1000万 / 5000万 / 1亿
        (0, 0, 0, 1000 * Y, "larger"),
        (0, 0, 0, 1000 * Y - Decimal("0.01"), "general"),
        (0, 0, 0, 5000 * Y - Decimal("0.01"), "larger"),
        (0, 0, 0, 5000 * Y, "major"),
        (0, 0, 0, 10000 * Y - Decimal("0.01"), "major"),
        (0, 0, 0, 10000 * Y, "especially_major"),
        # the highest of the three measures wins
        (1, 0, 55, 1200 * Y, "major"),
        (3, 0, 0, 20000 * Y, "especially_major"),
    ],
)
def test_severity_boundaries(deaths, missing, serious, loss, expected):
    assert rules.severity(deaths, missing, serious, loss) == expected


LHASA_COUNTY = [("540102", "county"), ("540100", "prefecture"), ("540000", "province")]


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("general", ["540102", "540100"]),
        ("larger", ["540102", "540100", "540000"]),
        ("major", ["540102", "540100", "540000", "000000"]),
        ("especially_major", ["540102", "540100", "540000", "000000"]),
    ],
)
def test_chain_ends_by_class(severity, expected):
    assert rules.chain(LHASA_COUNTY, severity, lambda code: True) == expected


def test_chain_starts_at_prefecture_without_county_bureau():
    assert rules.chain(LHASA_COUNTY, "general", lambda code: code != "540102") == ["540100"]
    assert rules.chain(LHASA_COUNTY, "major", lambda code: code != "540102") == ["540100", "540000", "000000"]


def test_chain_of_a_county_directly_under_a_province():
    # A county-level division with no prefecture above it (省直辖县): the chain goes county → province.
    place = [("429004", "county"), ("420000", "province")]
    assert rules.chain(place, "general", lambda code: True) == ["429004"]
    assert rules.chain(place, "larger", lambda code: True) == ["429004", "420000"]


def test_reporting_deadlines_one_hour_then_two_per_level():
    head = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    assert rules.unit_due(head) == head + timedelta(hours=1)
    assert rules.step_due(head) == head + timedelta(hours=2)


@pytest.mark.parametrize(
    ("reported_offset", "now_offset", "expected"),
    [
        (None, -1, "pending"),
        (None, 0, "pending"),  # at the due time, still on time
        (None, 1, "late"),
        (0, 5, "on_time"),
        (-30, 5, "on_time"),
        (1, 5, "late"),
    ],
)
def test_step_status(reported_offset, now_offset, expected):
    due = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
    reported = None if reported_offset is None else due + timedelta(seconds=reported_offset)
    assert rules.step_status(due, reported, due + timedelta(seconds=now_offset)) == expected


@pytest.mark.parametrize(
    ("sector", "days"),
    [("industrial", 30), ("road_traffic", 7), ("fire", 7), ("railway", 30), ("water_transport", 30)],
)
def test_update_window_both_sides(sector, days):
    # 10:00 on 1 October in Lhasa: the day itself is not counted; the last day runs to midnight.
    occurred = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    last_day = date(2026, 10, 1) + timedelta(days=days)
    closes = datetime(last_day.year, last_day.month, last_day.day, 16, 0, tzinfo=UTC)  # 24:00 in UTC+8
    assert rules.update_window_days(sector) == days
    assert rules.update_window_closes(occurred, sector) == closes
    assert rules.update_in_window(occurred, closes - timedelta(seconds=1), sector)
    assert rules.update_in_window(occurred, occurred + timedelta(days=days, hours=13), sector)  # afternoon, last day
    assert not rules.update_in_window(occurred, closes, sector)
    assert not rules.update_in_window(occurred, occurred - timedelta(seconds=1), sector)


def test_rules_in_force_from_decree_493():
    assert rules.rules_for(date(2007, 6, 1)) is rules.DECREE_493
    assert rules.rules_for(date(2007, 5, 31)) is None


def test_times_and_figures_problems():
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert rules.times_problem(now + timedelta(minutes=1), now, now) == ("occurred_in_future", "occurred_at")
    assert rules.times_problem(now - timedelta(hours=1), now - timedelta(hours=2), now) == (
        "head_informed_before_occurred",
        "head_informed_at",
    )
    assert rules.times_problem(now - timedelta(hours=1), now - timedelta(hours=1), now) is None
    assert rules.figures_problem(0, -1, 0, 0, 0) == ("count_negative", "missing")
    assert rules.figures_problem(0, 0, 0, 0, Decimal("-0.01")) == ("count_negative", "direct_loss_yuan")
    assert rules.figures_problem(0, 0, 0, 0, 0) is None


@pytest.mark.parametrize(
    ("severity", "level"),
    [("general", "county"), ("larger", "prefecture"), ("major", "province"), ("especially_major", "national")],
)
def test_investigation_lead(severity, level):
    assert rules.investigation_lead_level(severity) == level


def test_investigation_deadlines():
    day = date(2026, 1, 10)
    assert rules.investigation_due(day) == date(2026, 3, 11)  # 60 days
    assert rules.investigation_due(day, extension_days=60) == date(2026, 5, 10)
    assert rules.investigation_due(day, appraisal_days=12) == date(2026, 3, 23)  # appraisal not counted
    assert rules.extension_problem(60, False) is None
    assert rules.extension_problem(61, False) == "investigation_extension_too_long"
    assert rules.extension_problem(0, False) == "investigation_extension_too_long"
    assert rules.extension_problem(10, True) == "investigation_already_extended"
    assert rules.answer_due(day, "major") == date(2026, 1, 25)
    assert rules.answer_due(day, "especially_major") == date(2026, 2, 9)
    assert rules.answer_due(day, "especially_major", extended=True) == date(2026, 3, 11)
