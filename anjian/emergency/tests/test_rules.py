"""The emergency rules at their boundaries: filing in 20 working days and its check in 5, evaluation every 3 years,
drills by kind and keeper (a year; a half-year for on-site plans and the high-risk kinds; 2 years for government
bodies), coordinates inside China, road segments, seasonal closures, great-circle distances."""

import datetime

import pytest

from anjian.core import rules as core_rules
from anjian.emergency import rules

D = datetime.date


def add_working_days(start, n):
    # A week of Mondays to Fridays, with the 2026 National Day holiday (1-8 October) and its make-up Saturday.
    special = {D(2026, 10, d): False for d in range(1, 9)} | {D(2026, 10, 10): True}
    return core_rules.add_working_days(start, n, special, {2026, 2027})


def test_filing_and_its_check_count_working_days():
    assert rules.filing_due(D(2026, 11, 2), add_working_days) == D(2026, 11, 30)  # Monday + 20 working days
    # published just before the National Day week: the holiday does not count, the make-up Saturday does
    assert rules.filing_due(D(2026, 9, 25), add_working_days) == D(2026, 10, 30)
    assert rules.filing_check_due(D(2026, 11, 27), add_working_days) == D(2026, 12, 4)  # Friday + 5


def test_evaluation_every_three_years_for_those_who_must():
    assert rules.evaluation_due(D(2023, 6, 30), must_evaluate=True) == D(2026, 6, 30)
    assert rules.evaluation_due(D(2024, 2, 29), must_evaluate=True) == D(2027, 2, 28)
    assert rules.evaluation_due(D(2023, 6, 30), must_evaluate=False) is None


@pytest.mark.parametrize(
    ("kind", "keeper", "months"),
    [
        (rules.COMPREHENSIVE, rules.UNIT, 12),
        (rules.SPECIAL, rules.UNIT, 12),
        (rules.ON_SITE, rules.UNIT, 6),  # every on-site disposal plan every half-year
        (rules.COMPREHENSIVE, rules.HIGH_RISK_UNIT, 6),  # Decree 708 Art. 8
        (rules.ON_SITE, rules.HIGH_RISK_UNIT, 6),
        (rules.COMPREHENSIVE, rules.GOVERNMENT, 24),
    ],
)
def test_drill_intervals(kind, keeper, months):
    assert rules.drill_interval_months(kind, keeper) == months


def test_next_drill_and_overdue_boundaries():
    due = rules.next_drill_due(rules.ON_SITE, rules.UNIT, D(2026, 2, 28), since=D(2025, 1, 1))
    assert due == D(2026, 8, 28)
    assert rules.overdue_days(due, D(2026, 8, 28)) == 0  # the due day itself is in time
    assert rules.overdue_days(due, D(2026, 8, 29)) == 1
    # never drilled: counted from the plan's publishing; 31 August + 6 months is the end of February
    assert rules.next_drill_due(rules.ON_SITE, rules.UNIT, None, since=D(2025, 8, 31)) == D(2026, 2, 28)


def test_either_a_comprehensive_or_a_special_drill_meets_the_yearly_drill():
    last = {rules.COMPREHENSIVE: D(2025, 3, 1), rules.SPECIAL: D(2025, 10, 15), rules.ON_SITE: D(2026, 5, 1)}
    assert rules.unit_drill_due(rules.UNIT, last, since=D(2020, 1, 1)) == D(2026, 10, 15)
    assert rules.unit_drill_due(rules.UNIT, {rules.ON_SITE: D(2026, 5, 1)}, since=D(2026, 1, 10)) == D(2027, 1, 10)


@pytest.mark.parametrize(
    ("lat", "lon", "problem"),
    [
        (29.65, 91.13, None),  # Lhasa
        (32.5, 80.1, None),  # Shiquanhe, Ngari
        (51.5, -0.12, "coordinates_outside_china"),
        (29.65, 191.13, "coordinates_outside_china"),
        ("x", 91, "coordinates_invalid"),
        (float("nan"), 91, "coordinates_invalid"),
    ],
)
def test_coordinates(lat, lon, problem):
    assert rules.coordinates_problem(lat, lon) == problem


@pytest.mark.parametrize(
    ("length", "speed", "problem"),
    [(12.5, 60, None), (0, 60, "segment_length_invalid"), (-3, 60, "segment_length_invalid"),
     (10, 0, "segment_speed_invalid"), ("a", 60, "segment_invalid")],
)  # fmt: skip
def test_segments(length, speed, problem):
    assert rules.segment_problem(length, speed) == problem


def test_minutes_closures_and_great_circle():
    assert rules.segment_minutes(90, 45) == 120  # distances on the plateau are hours
    winter = ((11, 15), (4, 15))  # a pass closed over the new year
    assert rules.closed_on(D(2026, 12, 31), winter) and rules.closed_on(D(2027, 4, 15), winter)
    assert not rules.closed_on(D(2027, 4, 16), winter) and not rules.closed_on(D(2026, 11, 14), winter)
    assert rules.closed_on(D(2026, 7, 1), ((7, 1), (8, 31))) and not rules.closed_on(D(2026, 7, 1), None)
    lhasa_to_shigatse = rules.great_circle_km(29.65, 91.13, 29.27, 88.88)
    assert 220 < lhasa_to_shigatse < 224  # about 222 km as the crow flies (the road is some 270)
    assert rules.great_circle_km(29.65, 91.13, 29.65, 91.13) == 0


def test_a_stored_closure_reads_as_month_and_day_pairs():
    assert rules.closure_of("12-01", "03-31") == ((12, 1), (3, 31))
    assert rules.closure_of("", "") is None and rules.closure_of("12-01", "") is None
    assert rules.closed_on(datetime.date(2027, 1, 15), rules.closure_of("12-01", "03-31"))
