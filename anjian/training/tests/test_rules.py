"""Orders 3 and 30 against their own numbers, at and around every boundary."""

import datetime
from decimal import Decimal

import pytest

from anjian.training import rules

D = datetime.date


@pytest.mark.parametrize(
    ("audience", "high_risk", "initial", "yearly"),
    [
        ("principal", False, 32, 12),
        ("principal", True, 48, 16),
        ("safety_manager", False, 32, 12),
        ("safety_manager", True, 48, 16),
        ("worker", False, 24, None),
        ("worker", True, 72, 20),
        ("special_operator", False, None, None),
    ],
)
def test_required_hours(audience, high_risk, initial, yearly):
    assert rules.required_hours(audience, high_risk, "initial") == initial
    assert rules.required_hours(audience, high_risk, "yearly") == yearly


def test_hours_shortfall():
    assert rules.hours_shortfall(12, Decimal("11.5")) == Decimal("0.5")
    assert rules.hours_shortfall(12, 12) == 0
    assert rules.hours_shortfall(None, 0) == 0


@pytest.mark.parametrize(
    ("born", "education", "category", "expected"),
    [
        (D(2008, 3, 2), "junior_middle", "1", None),  # 18 on the day
        (D(2008, 3, 3), "junior_middle", "1", "too_young"),  # 18 tomorrow
        (D(1966, 3, 3), "junior_middle", "1", None),  # 59
        (D(1966, 3, 2), "junior_middle", "1", "retirement_age"),  # 60 on the day
        (D(1990, 1, 1), "primary", "1", "education_insufficient"),
        (D(1990, 1, 1), "junior_middle", "9", "education_insufficient"),  # hazardous chemicals: senior high
        (D(1990, 1, 1), "senior_high", "9", None),
    ],
)
def test_eligibility(born, education, category, expected):
    assert rules.eligibility_problem(born, education, category, D(2026, 3, 2), retirement_age=60) == expected


@pytest.mark.parametrize(
    ("theory", "practical", "result"),
    [
        (Decimal(80), Decimal(80), "pass"),
        (Decimal("79.5"), Decimal(100), "fail"),
        (Decimal(100), Decimal(79), "fail"),
        (Decimal(90), None, "pending"),
        (Decimal(70), None, "fail"),
        (None, None, "pending"),
    ],
)
def test_exam_result_needs_80_in_each_part(theory, practical, result):
    assert rules.exam_result(theory, practical) == result


def test_one_retake_then_training_again():
    assert rules.sitting_problem([]) is None
    assert rules.sitting_problem(["fail"]) is None  # the one retake
    assert rules.sitting_problem(["fail", "fail"]) == "retake_used"
    assert rules.sitting_problem(["pass"]) == "already_passed"
    assert rules.exam_deadline(D(2026, 1, 1)) == D(2026, 3, 2)


def test_the_clock():
    start = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)
    ends = rules.attempt_ends(start, 120)
    assert ends == start + datetime.timedelta(hours=2)
    assert rules.answer_accepted(ends - datetime.timedelta(seconds=1), ends, False)
    assert not rules.answer_accepted(ends, ends, False)
    assert not rules.answer_accepted(start, ends, True)


def test_paper_rule_totals_100():
    items = [rules.PaperItem("judge", 20, Decimal(1)), rules.PaperItem("single", 60, Decimal(1))]
    items.append(rules.PaperItem("multiple", 10, Decimal(2)))
    assert rules.paper_rule_problem(items) is None
    assert rules.paper_rule_problem(items[:2]) == "paper_rule_total"
    assert rules.paper_rule_problem([]) == "paper_rule_empty"


def test_papers_are_reproducible_and_shuffled():
    pools = [[(i, 2) for i in range(1, 51)], [(i, 4) for i in range(100, 200)]]
    first = rules.draw_paper("seed-a", pools, [10, 20])
    assert first == rules.draw_paper("seed-a", pools, [10, 20])
    assert first != rules.draw_paper("seed-b", pools, [10, 20])
    ids = [q for q, _, _ in first]
    assert len(ids) == len(set(ids)) == 30
    assert len([q for q in ids if q < 100]) == 10
    assert list(ids) != sorted(ids)  # question order shuffled
    assert any(order != sorted(order) for _, order, _ in first)  # option order shuffled
    assert all(sorted(order) == list(range(len(order))) for _, order, _ in first)
    assert all((line == 0) == (q < 100) for q, _, line in first)  # each question knows the line that drew it


def test_overlapping_lines_keep_each_lines_points():
    # line 0 draws from questions 1-10, line 1 from 1-40 (it contains line 0's pool): a question drawn by line 1
    # belongs to line 1 even when line 0's pool also holds it.
    pools = [[(i, 4) for i in range(1, 11)], [(i, 4) for i in range(1, 41)]]
    for seed in ("a", "b", "c", "d"):
        paper = rules.draw_paper(seed, pools, [5, 20])
        assert [line for _, _, line in paper].count(0) == 5 and [line for _, _, line in paper].count(1) == 20
    with pytest.raises(ValueError):
        rules.draw_paper("x", pools, [51, 0])


def test_grading():
    p = Decimal(2)
    assert rules.grade_objective("single", [2], [2], p) == p
    assert rules.grade_objective("single", [2], [1], p) == 0
    assert rules.grade_objective("judge", [0], [0], p) == p
    assert rules.grade_objective("multiple", [0, 2], [2, 0], p) == p
    assert rules.grade_objective("multiple", [0, 2], [0], p) == 0  # all or nothing
    assert rules.grade_objective("multiple", [0, 2], [0, 1, 2], p) == 0
    assert rules.grade_objective("single", [1], None, p) == 0
    sheet = [{"key": "a", "max": 40}, {"key": "b", "max": 60}]
    assert rules.sheet_score(sheet, {"a": Decimal(35), "b": Decimal(50)}) == (Decimal(85), None)
    assert rules.sheet_score(sheet, {"a": Decimal(41), "b": Decimal(50)})[1] == "sheet_score_out_of_range"
    assert rules.sheet_score(sheet, {"a": Decimal(40)})[1] == "sheet_incomplete"


def test_certificate_validity_and_reviews():
    issued = D(2020, 2, 29)
    assert rules.certificate_valid_until(issued) == D(2026, 2, 27)  # 2026-02-28 is the anniversary
    assert rules.certificate_valid_until(D(2020, 5, 10)) == D(2026, 5, 9)
    assert rules.next_review_due(D(2020, 5, 10), D(2020, 5, 10), compliant=True) == D(2023, 5, 10)
    # 10 years of continuous compliant work: every 6 years
    first = D(2014, 5, 10)
    assert rules.next_review_due(D(2024, 5, 10), first, compliant=True) == D(2030, 5, 10)
    assert rules.next_review_due(D(2024, 5, 9), first, compliant=True) == D(2027, 5, 9)  # a day short of 10 years
    assert rules.next_review_due(D(2024, 5, 10), first, compliant=False) == D(2027, 5, 10)
    assert rules.review_window_opens(D(2026, 3, 1)) == D(2025, 12, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 3, 1), "valid"),
        (D(2026, 3, 2), "review_due"),  # 60 days before 2026-05-01
        (D(2026, 5, 1), "review_due"),
        (D(2026, 5, 2), "void"),  # not reviewed in time
        (D(2027, 1, 1), "expired"),
    ],
)
def test_certificate_status(today, expected):
    assert rules.certificate_status(today, D(2026, 12, 31), D(2026, 5, 1)) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 3, 1), ("review_not_yet", {"opens": "2026-03-02"})),  # the day before the window
        (D(2026, 3, 2), None),  # 60 days before the due date
        (D(2026, 5, 1), None),  # the due date itself
        (D(2026, 5, 2), ("review_too_late", {"due": "2026-05-01"})),
    ],
)
def test_review_window(today, expected):
    assert rules.review_problem(today, D(2026, 5, 1)) == expected


def test_the_sixth_year_review_is_taken_while_the_certificate_is_valid():
    # due on the sixth anniversary, valid until the day before: the review's last day is the last day of validity
    assert rules.review_problem(D(2026, 5, 9), D(2026, 5, 10), D(2026, 5, 9)) is None
    assert rules.review_problem(D(2026, 5, 10), D(2026, 5, 10), D(2026, 5, 9)) == (
        "review_too_late",
        {"due": "2026-05-09"},
    )
    assert rules.review_problem(D(2026, 3, 11), D(2026, 5, 10), D(2026, 5, 9)) is None  # opens 60 days before


def test_review_renewal_every_three_years_then_renewed():
    first = D(2020, 5, 10)  # valid until 2026-05-09, first review 2023-05-10
    # the third-year review: next due at the sixth anniversary, the certificate keeps its end
    assert rules.review_renewal(D(2023, 5, 10), D(2026, 5, 9), first, False) == (D(2026, 5, 10), D(2026, 5, 9))
    # the sixth-year review renews it for another 6 years from the day after its end
    assert rules.review_renewal(D(2026, 5, 10), D(2026, 5, 9), first, False) == (D(2029, 5, 10), D(2032, 5, 9))


def test_review_renewal_extended_after_ten_compliant_years():
    first = D(2010, 5, 10)
    # due 2020-05-10: held exactly 10 years, compliant → 6 years; renewed to cover it
    assert rules.review_renewal(D(2020, 5, 10), D(2022, 5, 9), first, True) == (D(2026, 5, 10), D(2028, 5, 9))
    assert rules.review_renewal(D(2020, 5, 10), D(2022, 5, 9), first, False) == (D(2023, 5, 10), D(2028, 5, 9))
    # a day short of 10 years: still 3
    assert rules.review_renewal(D(2020, 5, 9), D(2022, 5, 9), D(2010, 5, 10), True)[0] == D(2023, 5, 9)


def test_a_review_failed_for_violations_voids_at_once():
    assert rules.certificate_status(D(2026, 1, 1), D(2030, 1, 1), D(2027, 1, 1), voided_on=D(2026, 1, 1)) == "void"
    assert rules.certificate_status(D(2025, 12, 31), D(2030, 1, 1), D(2027, 1, 1), voided_on=D(2026, 1, 1)) == "valid"
    assert "review_training_missing" not in rules.REVIEW_FAILURES_FINAL  # train and apply again
    assert "review_violations" in rules.REVIEW_FAILURES_FINAL


def test_suspended_and_revoked_win():
    assert rules.certificate_status(D(2026, 1, 1), D(2030, 1, 1), None, suspended=True) == "suspended"
    assert rules.certificate_status(D(2026, 1, 1), D(2030, 1, 1), None, suspended=True, revoked=True) == "revoked"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, None),
        ({"training_hours": 7}, "review_training_missing"),
        ({"violations": 2}, "review_violations"),
        ({"violations": 1}, None),
        ({"serious_violation": True}, "review_violations"),
        ({"penalised": True}, "review_penalised"),
        ({"refused_inspection": True}, "review_refused_inspection"),
        ({"fit": False}, "review_unfit"),
        ({"exam_passed": False}, "review_exam_failed"),
    ],
)
def test_review_failures(kwargs, expected):
    base = {
        "training_hours": 8,
        "violations": 0,
        "serious_violation": False,
        "penalised": False,
        "refused_inspection": False,
        "fit": True,
        "exam_passed": True,
    }
    assert rules.review_failure(**(base | kwargs)) == expected


def test_catalogue_and_masks():
    items = rules.item_codes()
    assert items["1.2"] == "1" and items["9.16"] == "9" and items["5.10"] == "5"
    assert len(rules.catalogue()["categories"]) == 11
    assert rules.mask_name("张三丰") == "张**"
    assert rules.mask_name("བཀྲ་ཤིས") == "བ" + "*" * 6


def test_a_pass_issues_the_certificate_within_12_months():
    assert rules.pass_valid_until(D(2026, 3, 15)) == D(2027, 3, 15)
    assert rules.pass_valid_until(D(2024, 2, 29)) == D(2025, 2, 28)
    assert rules.pass_valid_until(D(2026, 12, 31)) == D(2027, 12, 31)
