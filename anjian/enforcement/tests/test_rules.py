"""Enforcement rules: the verifiable draw, the hazard lifecycle."""

import datetime
from collections import Counter

import pytest

from anjian.enforcement.rules import (
    MAJOR_PLAN_PARTS,
    MIN_INSPECTORS,
    assign_inspectors,
    commitment,
    draw_units,
    hazard_overdue,
    hazard_transition_problem,
    new_seed,
    snapshot_digest,
)

UNITS = {"mine": [f"M{i:03d}" for i in range(40)], "chem": [f"C{i:03d}" for i in range(10)]}


def test_the_commitment_binds_the_seed():
    seed = new_seed()
    assert len(seed) == 64
    assert commitment(seed) == commitment(seed)
    assert commitment(seed) != commitment(new_seed())


def test_the_same_seed_and_register_give_the_same_draw():
    seed = "a" * 64
    first = draw_units(seed, UNITS, {"mine": 5, "chem": 2})
    assert first == draw_units(seed, {k: list(reversed(v)) for k, v in UNITS.items()}, {"mine": 5, "chem": 2})
    assert [len(first["mine"]), len(first["chem"])] == [5, 2]
    assert draw_units("b" * 64, UNITS, {"mine": 5, "chem": 2}) != first


def test_a_small_stratum_is_drawn_whole_and_a_unit_only_once():
    drawn = draw_units("c" * 64, {"a": ["X1", "X2"], "b": ["X1", "X3"]}, {"a": 5, "b": 5})
    assert drawn == {"a": ["X1", "X2"], "b": ["X3"]}
    assert draw_units("c" * 64, UNITS, {"mine": 0})["mine"] == []


def test_every_unit_has_a_fair_chance():
    counts = Counter()
    for i in range(2000):
        counts.update(draw_units(f"{i:064x}", {"s": [f"U{j}" for j in range(10)]}, {"s": 1})["s"])
    assert set(counts) == {f"U{j}" for j in range(10)}
    assert max(counts.values()) < 2 * min(counts.values())


def test_two_inspectors_each_and_recusals_honoured():
    inspectors = ["dawa", "pema", "tashi", "wang"]
    assignment, short = assign_inspectors("d" * 64, ["M001", "M002"], inspectors, {"M001": {"dawa", "pema"}})
    assert short == []
    assert assignment["M001"] == ["tashi", "wang"]
    assert len(assignment["M002"]) == MIN_INSPECTORS


def test_a_unit_without_two_eligible_inspectors_is_reported():
    assignment, short = assign_inspectors("e" * 64, ["M001"], ["dawa", "pema"], {"M001": {"pema"}})
    assert assignment == {}
    assert [(s.credit_code, s.eligible) for s in short] == [("M001", 1)]


def test_the_snapshot_digest_ignores_order_but_not_content():
    rows = [("A", "mine"), ("B", "chem")]
    assert snapshot_digest(rows) == snapshot_digest(list(reversed(rows)))
    assert snapshot_digest(rows) != snapshot_digest([("A", "mine")])


def test_category_strata_are_drawn_before_the_catch_all():
    candidates = {"all": ["A", "B", "M1", "M2"], "mine": ["M1", "M2"]}
    for i in range(200):
        drawn = draw_units(f"{i:064x}", candidates, {"all": 3, "mine": 1})
        assert len(drawn["mine"]) == 1
        assert len(drawn["all"]) == 3
        assert not set(drawn["mine"]) & set(drawn["all"])


FULL_PLAN = dict.fromkeys(MAJOR_PLAN_PARTS, "x")


@pytest.mark.parametrize(
    ("grade", "state", "target", "kind", "plan", "problem"),
    [
        ("general", "open", "rectifying", "unit", {}, None),
        ("general", "open", "closed", "bureau", {}, None),
        ("general", "open", "closed", "unit", {}, "transition_not_yours"),
        ("general", "rectifying", "submitted", "unit", {}, None),
        ("general", "submitted", "closed", "bureau", {}, None),
        ("general", "submitted", "closed", "unit", {}, "transition_not_yours"),
        ("general", "submitted", "rectifying", "bureau", {}, None),
        ("general", "closed", "open", "bureau", {}, "transition_not_allowed"),
        ("general", "open", "submitted", "bureau", {}, "transition_not_allowed"),
        ("major", "open", "closed", "bureau", {}, "major_needs_verification"),
        ("major", "open", "rectifying", "unit", {}, "major_plan_incomplete"),
        ("major", "open", "rectifying", "unit", FULL_PLAN | {"funds": " "}, "major_plan_incomplete"),
        ("major", "open", "rectifying", "unit", FULL_PLAN, None),
        ("major", "submitted", "closed", "bureau", {}, None),
    ],
)
def test_hazard_lifecycle(grade, state, target, kind, plan, problem):
    assert hazard_transition_problem(grade, state, target, kind, plan) == problem


def test_overdue_is_derived_from_the_deadline():
    deadline = datetime.date(2026, 11, 30)
    assert not hazard_overdue(deadline, None, datetime.date(2026, 11, 30))  # the deadline day itself
    assert hazard_overdue(deadline, None, datetime.date(2026, 12, 1))
    assert not hazard_overdue(deadline, datetime.date(2026, 11, 30), datetime.date(2027, 1, 1))
    assert hazard_overdue(deadline, datetime.date(2026, 12, 2), datetime.date(2027, 1, 1))


@pytest.mark.parametrize(
    ("year", "quarter", "bounds"),
    [
        (2026, None, (datetime.date(2026, 1, 1), datetime.date(2027, 1, 1))),
        (2026, 1, (datetime.date(2026, 1, 1), datetime.date(2026, 4, 1))),
        (2026, 3, (datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))),
        (2026, 4, (datetime.date(2026, 10, 1), datetime.date(2027, 1, 1))),
    ],
)
def test_periods(year, quarter, bounds):
    from anjian.enforcement.rules import period_bounds

    assert period_bounds(year, quarter) == bounds


def test_rectification_rate():
    from decimal import Decimal

    from anjian.enforcement.rules import rectification_rate

    assert rectification_rate(0, 0) is None
    assert rectification_rate(3, 2) == Decimal("66.7")
    assert rectification_rate(8, 8) == Decimal("100.0")
    assert rectification_rate(2000, 1) == Decimal("0.1")  # 0.05 rounds half up
