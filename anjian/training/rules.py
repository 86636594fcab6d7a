"""Training and certificates as pure functions: hours, eligibility, exams, papers, grading, certificates, reviews.

Sources (DOMAIN.md §9): SAWS Order No. 3 (training of production units, amended 2013 and 2015) [quoted];
Order No. 30 (special operations, in force 2010-07-01, amended 2013 and 2015) [quoted]; the 2013 exam rule
[quoted]. Numbers are data by date (TrainingRules), looked up by the day they judge.
"""

import datetime
import hashlib
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from anjian.core.rules import add_months

# Who a course is for (Order 3 Arts. 9, 13; Order 30).
PRINCIPAL = "principal"
SAFETY_MANAGER = "safety_manager"
SPECIAL_OPERATOR = "special_operator"
WORKER = "worker"
AUDIENCES = (PRINCIPAL, SAFETY_MANAGER, SPECIAL_OPERATOR, WORKER)

# Units whose people need the longer training (Order 3 Art. 9, 13): mines, hazardous chemicals, fireworks,
# metal smelting, by the registry's regulated categories.
HIGH_RISK_CATEGORIES = frozenset({"coal_mine", "metal_nonmetal_mine", "hazardous_chemicals", "fireworks", "metallurgy"})

# Question kinds of the bank.
SINGLE = "single"
MULTIPLE = "multiple"
JUDGE = "judge"
PRACTICAL = "practical"
QUESTION_KINDS = (SINGLE, MULTIPLE, JUDGE, PRACTICAL)
OBJECTIVE_KINDS = (SINGLE, MULTIPLE, JUDGE)
DIFFICULTIES = (1, 2, 3, 4, 5)

# Education levels, lowest first (Order 30 Art. 4: junior middle school; senior high for hazardous chemicals).
EDUCATION = ("primary", "junior_middle", "senior_high", "college")

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "special_operations.json"


@dataclass(frozen=True)
class TrainingRules:
    since: datetime.date
    # (audience, high_risk) → (initial hours, yearly hours or None)
    hours: dict = field(default_factory=dict)
    min_age: int = 18
    education_default: str = "junior_middle"
    education_by_category: dict = field(default_factory=dict)
    pass_mark: int = 80  # of 100, theory and practical each
    full_marks: int = 100
    theory_minutes: int = 120
    retakes: int = 1  # after a failed exam, one retake; then training again
    exam_within_days: int = 60  # of the application
    result_working_days: int = 10
    pass_valid_months: int = 12  # a pass issues the certificate within
    certificate_years: int = 6
    review_years: int = 3
    extended_review_years: int = 6
    extended_after_years: int = 10  # of continuous compliant work in the same operation
    review_window_days: int = 60  # apply within this many days before the due date
    review_training_hours: int = 8
    review_violations_limit: int = 2  # two or more violations fail a review
    # The oldest statutory retirement ages (men 63, women 58, reached under the 2024 decision on raising the
    # retirement age): a person past them cannot still be at work; younger ones may be, whatever their year of birth.
    retirement_age_male: int = 63
    retirement_age_female: int = 58


ORDER_3_AND_30 = TrainingRules(
    since=datetime.date(2010, 7, 1),
    hours={
        (PRINCIPAL, False): (32, 12),
        (PRINCIPAL, True): (48, 16),
        (SAFETY_MANAGER, False): (32, 12),
        (SAFETY_MANAGER, True): (48, 16),
        (WORKER, False): (24, None),
        (WORKER, True): (72, 20),
    },
    education_by_category={"9": "senior_high"},
)

RULES = [ORDER_3_AND_30]


def rules_for(day: datetime.date) -> TrainingRules:
    found = RULES[0]
    for version in RULES:
        if version.since <= day:
            found = version
    return found


def catalogue() -> dict:
    """The special operations: categories and their items, as data."""
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def item_codes() -> dict[str, str]:
    """Operation item code → its category code ('1.2' → '1')."""
    return {item[0]: category["code"] for category in catalogue()["categories"] for item in category["items"]}


# --- hours ------------------------------------------------------------------------------------------------------


def required_hours(audience: str, high_risk: bool, kind: str, rules: TrainingRules = ORDER_3_AND_30) -> int | None:
    """The hours Order 3 requires: kind 'initial' (first training) or 'yearly' (re-training); None: no number set."""
    pair = rules.hours.get((audience, bool(high_risk)))
    if pair is None:
        return None
    return pair[0] if kind == "initial" else pair[1]


def hours_shortfall(required: int | None, done: Decimal | int) -> Decimal:
    """How many hours are missing (0 when met or when nothing is required)."""
    if required is None:
        return Decimal(0)
    return max(Decimal(required) - Decimal(done), Decimal(0))


# --- eligibility --------------------------------------------------------------------------------------------------


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def retirement_age(male: bool, rules: TrainingRules = ORDER_3_AND_30) -> int:
    return rules.retirement_age_male if male else rules.retirement_age_female


def eligibility_problem(
    born: datetime.date,
    education: str,
    category: str,
    on: datetime.date,
    retirement_age: int,
    rules: TrainingRules = ORDER_3_AND_30,
) -> str | None:
    """Order 30 Art. 4: from 18 to retirement age, and the schooling the category needs (none recorded: not shown)."""
    age = age_on(born, on)
    if age < rules.min_age:
        return "too_young"
    if age >= retirement_age:
        return "retirement_age"
    needed = rules.education_by_category.get(category, rules.education_default)
    if education not in EDUCATION or EDUCATION.index(education) < EDUCATION.index(needed):
        return "education_insufficient"
    return None


# --- exams -------------------------------------------------------------------------------------------------------


def passed(score: Decimal | int | None, rules: TrainingRules = ORDER_3_AND_30) -> bool | None:
    """80 of 100 passes (included); None while unscored."""
    if score is None:
        return None
    return Decimal(score) >= rules.pass_mark


def exam_result(theory: Decimal | None, practical: Decimal | None, rules: TrainingRules = ORDER_3_AND_30) -> str:
    """'pass' when both parts pass; 'fail' when either has failed; 'pending' while a part is unscored."""
    parts = [passed(theory, rules), passed(practical, rules)]
    if False in parts:
        return "fail"
    if None in parts:
        return "pending"
    return "pass"


def sitting_problem(previous_results: list[str], rules: TrainingRules = ORDER_3_AND_30) -> str | None:
    """Whether one more sitting is allowed after these results of the same application: the first exam and one
    retake; after a second failure the person trains again and applies anew."""
    if "pass" in previous_results:
        return "already_passed"
    if previous_results.count("fail") > rules.retakes:
        return "retake_used"
    return None


def exam_deadline(applied_on: datetime.date, rules: TrainingRules = ORDER_3_AND_30) -> datetime.date:
    """The exam is held within 60 days of the application."""
    return applied_on + datetime.timedelta(days=rules.exam_within_days)


def pass_valid_until(exam_day: datetime.date, rules: TrainingRules = ORDER_3_AND_30) -> datetime.date:
    """A pass issues the certificate within 12 months of the exam (the same day of the month, or the month's last)."""
    return add_months(exam_day, rules.pass_valid_months)


def attempt_ends(started_at: datetime.datetime, minutes: int) -> datetime.datetime:
    """The server's clock is the only clock: an attempt ends its duration after it started."""
    return started_at + datetime.timedelta(minutes=minutes)


def answer_accepted(now: datetime.datetime, ends_at: datetime.datetime, submitted: bool) -> bool:
    return not submitted and now < ends_at


# --- papers ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperItem:
    """One line of a paper rule: `count` questions of a kind (and tags, difficulty), `points` each."""

    kind: str
    count: int
    points: Decimal
    category: str = ""
    operation_item: str = ""
    knowledge_point: str = ""
    difficulty: int | None = None


def paper_rule_problem(items: list[PaperItem], full_marks: int = 100) -> str | None:
    if not items:
        return "paper_rule_empty"
    for item in items:
        if item.kind not in QUESTION_KINDS or item.count < 1 or item.points <= 0:
            return "paper_rule_invalid"
    if sum(Decimal(item.count) * item.points for item in items) != full_marks:
        return "paper_rule_total"
    return None


def _rng(seed: str) -> random.Random:
    # Reproducible by design (the seed is recorded); fairness comes from the seed, drawn with secrets.
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:16], "big"))  # noqa: S311


def draw_paper(seed: str, pools: list[list[tuple[int, int]]], counts: list[int]) -> list[tuple[int, list[int], int]]:
    """An examinee's paper, the same for the same seed: for each rule line, `count` questions drawn from its pool
    (question id, number of options), all shuffled together, each with its options shuffled.

    Returns [(question id, option order, line)]: option order lists the original option indexes in display order;
    line is the index of the rule line that drew the question (its points are that line's, even when the question
    also fits another line). Raises ValueError when a pool is too small (the caller checks first, naming the line).
    """
    rng = _rng(seed)
    chosen: list[tuple[int, int, int]] = []
    taken: set[int] = set()
    for line, (pool, count) in enumerate(zip(pools, counts, strict=True)):
        available = sorted(q for q in pool if q[0] not in taken)
        if len(available) < count:
            raise ValueError("pool too small")
        picked = rng.sample(available, count)
        taken.update(q for q, _options in picked)
        chosen.extend((q, options, line) for q, options in picked)
    rng.shuffle(chosen)
    paper = []
    for question_id, options, line in chosen:
        order = list(range(options))
        rng.shuffle(order)
        paper.append((question_id, order, line))
    return paper


def grade_objective(kind: str, correct: list[int], given: list[int] | None, points: Decimal) -> Decimal:
    """Single choice and true/false: the one right answer; multiple choice: exactly the right set, or nothing."""
    if not given:
        return Decimal(0)
    if kind in (SINGLE, JUDGE):
        return points if len(given) == 1 and given[0] in correct and len(correct) == 1 else Decimal(0)
    if kind == MULTIPLE:
        return points if sorted(set(given)) == sorted(set(correct)) else Decimal(0)
    raise ValueError(kind)


def sheet_score(sheet: list[dict], scores: dict[str, Decimal]) -> tuple[Decimal, str | None]:
    """A practical task's score from its scoring sheet: each criterion scored from 0 to its maximum."""
    total = Decimal(0)
    for criterion in sheet:
        key, maximum = str(criterion["key"]), Decimal(str(criterion["max"]))
        if key not in scores:
            return Decimal(0), "sheet_incomplete"
        value = Decimal(str(scores[key]))
        if value < 0 or value > maximum:
            return Decimal(0), "sheet_score_out_of_range"
        total += value
    return total, None


# --- certificates --------------------------------------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    return add_months(day, 12 * years)


def certificate_valid_until(issued_on: datetime.date, rules: TrainingRules = ORDER_3_AND_30) -> datetime.date:
    """Valid 6 years nationwide (the day before the anniversary is its last)."""
    return add_years(issued_on, rules.certificate_years) - datetime.timedelta(days=1)


def review_interval(first_issued_on: datetime.date, on: datetime.date, compliant: bool, rules=ORDER_3_AND_30) -> int:
    """Every 3 years; every 6 after 10 years of continuous compliant work in the same operation."""
    long_held = add_years(first_issued_on, rules.extended_after_years) <= on
    return rules.extended_review_years if (long_held and compliant) else rules.review_years


def next_review_due(
    last_on: datetime.date, first_issued_on: datetime.date, compliant: bool, rules: TrainingRules = ORDER_3_AND_30
) -> datetime.date:
    """The next review falls due its interval after the issue or the last review."""
    return add_years(last_on, review_interval(first_issued_on, last_on, compliant, rules))


def review_window_opens(due: datetime.date, rules: TrainingRules = ORDER_3_AND_30) -> datetime.date:
    """A review is applied for within 60 days before its due date."""
    return due - datetime.timedelta(days=rules.review_window_days)


def review_failure(
    training_hours: Decimal | int,
    violations: int,
    serious_violation: bool,
    penalised: bool,
    refused_inspection: bool,
    fit: bool,
    exam_passed: bool | None,
    rules: TrainingRules = ORDER_3_AND_30,
) -> str | None:
    """Why a review fails, or None (Order 30 Art. 25 as DOMAIN.md lists it)."""
    if not fit:
        return "review_unfit"
    if violations >= rules.review_violations_limit or serious_violation:
        return "review_violations"
    if penalised:
        return "review_penalised"
    if refused_inspection:
        return "review_refused_inspection"
    if Decimal(training_hours) < rules.review_training_hours:
        return "review_training_missing"
    if exam_passed is False:
        return "review_exam_failed"
    return None


def review_problem(
    today: datetime.date,
    due: datetime.date,
    valid_until: datetime.date | None = None,
    rules: TrainingRules = ORDER_3_AND_30,
):
    """(code, params) when a review cannot be taken today: before its window opens (60 days before the due date),
    or after its last day: the due date, or the last day of validity when that comes first (the review at the end
    of the sixth year renews the certificate, so it is taken while the certificate is still valid). After it, the
    certificate is void or expired and the holder trains and sits the exam anew."""
    opens = review_window_opens(due, rules)
    last = min(due, valid_until) if valid_until is not None else due
    if today < opens:
        return "review_not_yet", {"opens": opens.isoformat()}
    if today > last:
        return "review_too_late", {"due": last.isoformat()}
    return None


# A failed review for these reasons ends the certificate at once; for missing training or a failed exam the holder
# may train or sit again and apply again before the due date.
REVIEW_FAILURES_FINAL = frozenset(
    {"review_unfit", "review_violations", "review_penalised", "review_refused_inspection"}
)


def review_renewal(
    due: datetime.date,
    valid_until: datetime.date,
    first_issued_on: datetime.date,
    long_compliant: bool,
    rules: TrainingRules = ORDER_3_AND_30,
) -> tuple[datetime.date, datetime.date]:
    """After a passed review: (the next review's due date, the validity). The next review falls due its interval
    after the one just met (3 years; 6 once the certificate has been held 10 years of continuous compliant work);
    when that lies past the end of validity the certificate is renewed (换证) for another 6 years from the day after
    its old end."""
    next_due = next_review_due(due, first_issued_on, long_compliant, rules)
    until = valid_until
    while next_due > until + datetime.timedelta(days=1):
        until = certificate_valid_until(until + datetime.timedelta(days=1), rules)
    return next_due, until


def certificate_status(
    today: datetime.date,
    valid_until: datetime.date,
    review_due: datetime.date | None,
    suspended: bool = False,
    revoked: bool = False,
    voided_on: datetime.date | None = None,
) -> str:
    """revoked, suspended, expired (past its validity), void (a review failed for a reason that ends it, or not
    reviewed in time), review_due (the window is open), or valid."""
    if revoked:
        return "revoked"
    if suspended:
        return "suspended"
    if today > valid_until:
        return "expired"
    if voided_on is not None and today >= voided_on:
        return "void"
    if review_due is not None and today > review_due:
        return "void"
    if review_due is not None and today >= review_window_opens(review_due):
        return "review_due"
    return "valid"


def mask_name(name: str) -> str:
    """A holder's name on the public check: the first character, the rest starred (张**; བཀྲ་ཤིས → བ*****)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


# --- the question bank -----------------------------------------------------------------------------------------------

JUDGE_OPTIONS = ({"zh": "正确", "bo": "ཡང་དག"}, {"zh": "错误", "bo": "ནོར་བ"})
LETTERS = "ABCDEFGH"
TRUE_WORDS = {"对", "正确", "T", "TRUE", "Y", "√", "是", "A"}
FALSE_WORDS = {"错", "错误", "F", "FALSE", "N", "×", "否", "B"}


def question_problem(kind: str, text_zh: str, text_bo: str, options: list, answer: list, sheet: list):
    """(code, field) of the first thing wrong with a question, or None."""
    if kind not in QUESTION_KINDS:
        return "question_kind_unknown", "kind"
    if not (text_zh or "").strip() and not (text_bo or "").strip():
        return "question_text_required", "text_zh"
    if kind == PRACTICAL:
        if not sheet:
            return "question_sheet_required", "sheet"
        keys = [str(c.get("key", "")) for c in sheet]
        if len(set(keys)) != len(keys) or "" in keys:
            return "question_sheet_invalid", "sheet"
        try:
            total = sum(Decimal(str(c["max"])) for c in sheet)
        except (KeyError, ArithmeticError, ValueError):
            return "question_sheet_invalid", "sheet"
        if total != 100 or any(Decimal(str(c["max"])) <= 0 for c in sheet):
            return "question_sheet_total", "sheet"
        return None
    if kind == JUDGE:
        if answer not in ([0], [1]):
            return "question_answer_invalid", "answer"
        return None
    if len(options) < (2 if kind == SINGLE else 3) or len(options) > len(LETTERS):
        return "question_options_count", "options"
    if any(not (str(o.get("zh", "")).strip() or str(o.get("bo", "")).strip()) for o in options):
        return "question_option_empty", "options"
    if len(set(answer)) != len(answer) or any(not isinstance(a, int) or not 0 <= a < len(options) for a in answer):
        return "question_answer_invalid", "answer"
    if kind == SINGLE and len(answer) != 1:
        return "question_answer_invalid", "answer"
    if kind == MULTIPLE and len(answer) < 2:
        return "question_answer_invalid", "answer"
    return None


def parse_answer(kind: str, text: str) -> list[int] | None:
    """The answer as written in a spreadsheet: 'B', 'ACD', 'A,C,D'; 对/错, 正确/错误, T/F, √/× for true-or-false."""
    raw = (text or "").strip().upper().replace(",", "").replace("，", "").replace(" ", "").replace("、", "")
    if kind == JUDGE:
        if raw in TRUE_WORDS:
            return [0]
        if raw in FALSE_WORDS:
            return [1]
        return None
    if not raw or any(ch not in LETTERS for ch in raw):
        return None
    return sorted({LETTERS.index(ch) for ch in raw})
