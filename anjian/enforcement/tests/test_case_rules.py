"""The rules of penalty cases against the Administrative Penalty Law's own numbers and boundaries."""

import datetime
from decimal import Decimal

import pytest

from anjian.enforcement import rules
from anjian.enforcement.rules import CaseDates, ProposedPenalty

D = datetime.date
NEW = rules.penalty_rules_on(D(2021, 7, 15))
OLD = rules.penalty_rules_on(D(2021, 7, 14))


def fine(amount):
    return ProposedPenalty("fine", Decimal(amount))


def test_the_2021_law_applies_from_15_july_2021():
    assert NEW.hearing_request_days == 5 and OLD.hearing_request_days == 3
    assert NEW.decision_days == 90 and NEW.surcharge_capped and not OLD.surcharge_capped


@pytest.mark.parametrize(
    ("version", "party", "amount", "problem"),
    [(NEW, "unit", "3000", None), (NEW, "unit", "3000.01", "simple_limit_exceeded"),
     (NEW, "individual", "200", None), (NEW, "individual", "200.01", "simple_limit_exceeded"),
     (OLD, "unit", "1000", None), (OLD, "unit", "1000.01", "simple_limit_exceeded"),
     (OLD, "individual", "50", None), (OLD, "individual", "51", "simple_limit_exceeded")],
)  # fmt: skip
def test_simple_procedure_limits_art_51(version, party, amount, problem):
    assert rules.simple_procedure_problem([fine(amount)], party, version) == problem


def test_simple_procedure_allows_only_warnings_and_fines():
    assert rules.simple_procedure_problem([ProposedPenalty("warning")], "unit", NEW) is None
    assert rules.simple_procedure_problem([ProposedPenalty("suspension")], "unit", NEW) == "simple_kind_not_allowed"
    assert rules.simple_procedure_problem([], "unit", NEW) == "penalty_required"
    # Two fines on the spot add up against the limit.
    assert rules.simple_procedure_problem([fine("2000"), fine("1500")], "unit", NEW) == "simple_limit_exceeded"


def test_a_large_fine_or_a_heavy_kind_gives_a_hearing_art_63():
    unit, person = rules.LARGE_FINE_DEFAULT["unit"], rules.LARGE_FINE_DEFAULT["individual"]
    assert rules.hearing_eligible([fine("30000")], "unit", unit, NEW)  # 以上 includes the number
    assert not rules.hearing_eligible([fine("29999.99")], "unit", unit, NEW)
    assert rules.hearing_eligible([fine("10000")], "individual", person, NEW)
    assert rules.hearing_eligible([ProposedPenalty("closure")], "unit", unit, NEW)
    assert not rules.hearing_eligible([ProposedPenalty("closure")], "unit", unit, OLD)  # closure came in 2021
    assert rules.hearing_eligible([ProposedPenalty("confiscation", Decimal(30000))], "unit", unit, NEW)
    assert not rules.hearing_eligible([ProposedPenalty("confiscation", Decimal(30000))], "unit", unit, OLD)


def test_a_province_may_set_its_own_large_fine():
    overrides = {"54": {"unit": 50000}}
    assert rules.large_fine_threshold("540102", "unit", overrides) == 50000
    assert rules.large_fine_threshold("540102", "individual", overrides) == 10000
    assert rules.large_fine_threshold("110101", "unit", overrides) == 30000


def test_fines_against_the_range_of_their_basis():
    low, high = Decimal(20000), Decimal(50000)
    assert rules.amount_problem(Decimal(20000), low, high) is None
    assert rules.amount_problem(Decimal(50000), low, high) is None
    assert rules.amount_problem(Decimal("19999.99"), low, high) == "fine_below_range"
    assert rules.amount_problem(Decimal("50000.01"), low, high) == "fine_above_range"
    assert rules.amount_problem(Decimal(0), None, None) == "fine_amount_required"


def test_late_payment_surcharge_art_72():
    due = D(2026, 4, 1)
    assert rules.surcharge(Decimal(20000), due, due, NEW) == 0
    assert rules.surcharge(Decimal(20000), due, D(2026, 4, 2), NEW) == Decimal(600)
    assert rules.surcharge(Decimal(20000), due, D(2026, 4, 11), NEW) == Decimal(6000)
    assert rules.surcharge(Decimal(20000), due, D(2026, 5, 4), NEW) == Decimal(19800)  # day 33
    assert rules.surcharge(Decimal(20000), due, D(2026, 5, 5), NEW) == Decimal(20000)  # day 34: capped
    assert rules.surcharge(Decimal(20000), due, D(2026, 6, 1), NEW) == Decimal(20000)
    assert rules.surcharge(Decimal(20000), due, D(2026, 6, 1), OLD) == Decimal(36600)  # 61 days, no cap


def test_deadlines_appear_with_the_steps_that_start_them():
    base = CaseDates(procedure="general", outcome="", hearing_eligible=True, fine=Decimal(50000))
    assert rules.case_deadlines(base, NEW) == []
    filed = CaseDates(**{**base.__dict__, "filed_on": D(2026, 1, 6)})
    assert [(d.kind, d.due, d.met) for d in rules.case_deadlines(filed, NEW)] == [("decision", D(2026, 4, 6), None)]
    extended = CaseDates(**{**filed.__dict__, "extended": True})
    assert rules.case_deadlines(extended, NEW)[0].due == D(2026, 5, 6)
    served = CaseDates(**{
        **filed.__dict__, "outcome": "penalty", "notice_served_on": D(2026, 1, 27),
        "hearing_requested_on": D(2026, 2, 1),
        "decided_on": D(2026, 4, 7), "served_on": D(2026, 4, 15), "paid_on": D(2026, 4, 30),
        "disclosure_due": D(2026, 4, 16), "disclosed_on": D(2026, 4, 16),
    })  # fmt: skip
    assert [(d.kind, d.due, d.met) for d in rules.case_deadlines(served, NEW)] == [
        ("hearing_request", D(2026, 2, 1), True),  # the 5th day counts
        ("decision", D(2026, 4, 6), False),  # one day late
        ("service", D(2026, 4, 14), False),
        ("payment", D(2026, 4, 30), True),
        ("disclosure", D(2026, 4, 16), True),
    ]
    old = CaseDates(**{**served.__dict__, "filed_on": D(2020, 1, 6), "notice_served_on": D(2020, 1, 27)})
    assert rules.case_deadlines(old, OLD)[0].due == D(2020, 1, 30)  # 3 days before 2021


def test_the_next_deadline_ignores_the_partys_hearing_request_and_keeps_disclosure_after_closing():
    deadlines = [
        rules.Deadline("hearing_request", D(2026, 1, 1), None, None),
        rules.Deadline("payment", D(2026, 2, 1), None, None),
        rules.Deadline("disclosure", D(2026, 3, 1), None, None),
    ]
    assert rules.next_due(deadlines, closed=False).kind == "payment"
    assert rules.next_due(deadlines, closed=True).kind == "disclosure"


def test_steps_are_never_in_the_future_nor_before_the_last():
    now = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)
    hour = datetime.timedelta(hours=1)
    assert rules.step_time_problem(now + hour, None, now) == "date_in_future"
    assert rules.step_time_problem(now - 2 * hour, now - hour, now) == "step_before_previous"
    assert rules.step_time_problem(now - hour, now - hour, now) is None


def test_id_numbers_and_their_mask():
    today = D(2026, 11, 29)
    assert rules.id_number_problem("11010519491231002X", today) is None
    assert rules.id_number_problem("110105194912310021", today) == "id_number_check"
    assert rules.id_number_problem("110105204912310021", today) == "id_number_invalid"  # born in the future
    assert rules.id_number_problem("1101051949123100", today) == "id_number_invalid"
    assert rules.mask_id_number("11010519491231002X") == "110105********002X"


def test_risk_level_rises_with_penalties():
    assert rules.risk_level(0, 0, 0, 0) == "low"
    assert rules.risk_level(0, 0, 1, 0) == "general"
    assert rules.risk_level(0, 0, 2, 0) == "higher"
    assert rules.risk_level(0, 0, 1, 1) == "major"


def test_every_action_moves_only_from_its_stages():
    assert rules.case_action_problem("filing", "approve_filing", {"approve"}) is None
    assert rules.case_action_problem("filing", "approve_filing", {"handle"}) == "case_action_not_yours"
    assert rules.case_action_problem("investigating", "decide", {"approve"}) == "case_action_out_of_order"
    assert rules.case_action_problem("closed", "pay", {"handle"}) == "case_action_out_of_order"
    assert rules.case_action_problem("filing", "fly", {"approve"}) == "case_action_unknown"
    for _action, (sources, target, who, _doc) in rules.CASE_ACTIONS.items():
        assert set(sources) <= set(rules.CASE_STATES) and (target is None or target in rules.CASE_STATES)
        assert who in ("handle", "approve", "review")


def test_the_models_choices_are_the_rules_own():
    from anjian.enforcement.models import CaseState, PenaltyKind

    assert tuple(CaseState.values) == rules.CASE_STATES
    assert tuple(PenaltyKind.values) == rules.PENALTY_KINDS
    assert {
        "investigating", "reviewing", "reviewed", "notified", "notice_served", "hearing_requested",
        "hearing_scheduled", "heard",
    } == rules.BEFORE_DECISION  # fmt: skip


def test_the_statement_window_and_the_hearing_notice():
    served = D(2026, 1, 27)
    assert rules.hearing_request_due(served, NEW) == D(2026, 2, 1)
    assert rules.decision_window_problem(served, D(2026, 2, 1), False, NEW) == "decision_before_window"
    assert rules.decision_window_problem(served, D(2026, 2, 2), False, NEW) is None
    assert rules.decision_window_problem(served, D(2026, 1, 28), True, NEW) is None
    assert rules.hearing_notice_problem(D(2026, 1, 30), D(2026, 2, 5), NEW) == "hearing_notice_too_short"
    assert rules.hearing_notice_problem(D(2026, 1, 30), D(2026, 2, 6), NEW) is None
    assert rules.payment_due(D(2026, 3, 17), NEW) == D(2026, 4, 1)
    pending = rules.Deadline("payment", D(2026, 4, 1), None, None)
    assert not rules.deadline_overdue(pending, D(2026, 4, 1)) and rules.deadline_overdue(pending, D(2026, 4, 2))
    assert not rules.deadline_overdue(rules.Deadline("hearing_request", D(2026, 1, 1), None, None), D(2026, 4, 2))
