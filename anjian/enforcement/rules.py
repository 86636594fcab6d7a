"""Random inspection draws (双随机一公开) as pure functions: verifiable by anyone.

The seed is committed before the draw (its SHA-256 is published), then
revealed. The selection is a deterministic function of the published register
snapshot and the seed: each candidate's key is SHA-256 of the seed, the
stratum and its credit code, and the smallest keys are drawn. Inspectors are
ranked the same way per unit. Anyone holding the snapshot and the seed can
recompute the draw with `draw_units` and `assign_inspectors`.
"""

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from anjian.core.rules import id_number_problem, mask_id_number  # noqa: F401 (citizens' ID numbers: core)

# Order 15 Art. 24–25: enforcement needs at least two officers.
MIN_INSPECTORS = 2
# The stratum of every operating unit, whatever its category.
ALL_STRATUM = "all"


def new_seed() -> str:
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    """What is published before the draw: the seed's SHA-256."""
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def _key(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode("utf-8")).hexdigest()


def snapshot_digest(rows: Iterable[tuple[str, str]]) -> str:
    """A fingerprint of the register snapshot: (credit code, stratum) pairs in code order."""
    text = "\n".join(f"{code},{stratum}" for code, stratum in sorted(rows))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw_units(seed: str, candidates: Mapping[str, list[str]], quotas: Mapping[str, int]) -> dict[str, list[str]]:
    """For each stratum, the `quota` candidates (credit codes) with the smallest keys.

    A stratum with fewer candidates than its quota draws them all. A unit
    appearing in several strata is drawn at most once: category strata are
    drawn first (in name order), the catch-all stratum "all" last, so that a
    category's quota is never eaten by the general one.
    """
    taken: set[str] = set()
    drawn: dict[str, list[str]] = {}
    for stratum in sorted(quotas, key=lambda name: (name == ALL_STRATUM, name)):
        pool = sorted(set(candidates.get(stratum, [])) - taken, key=lambda code: _key(seed, stratum, code))
        drawn[stratum] = sorted(pool[: max(quotas[stratum], 0)])
        taken.update(drawn[stratum])
    return drawn


@dataclass(frozen=True)
class Shortage:
    credit_code: str
    eligible: int


def assign_inspectors(
    seed: str, units: Iterable[str], inspectors: Iterable[str], recusals: Mapping[str, set[str]]
) -> tuple[dict[str, list[str]], list[Shortage]]:
    """Two inspectors per unit, ranked by key, skipping those recused from it.

    `inspectors` are usernames of the officers eligible on the draw's day
    (certificate valid); `recusals` maps a credit code to the usernames that
    must not inspect it. Returns the assignment and the units left short.
    """
    pool = sorted(set(inspectors))
    assignment: dict[str, list[str]] = {}
    short: list[Shortage] = []
    for code in sorted(units):
        eligible = [name for name in pool if name not in recusals.get(code, set())]
        ranked = sorted(eligible, key=lambda name: _key(seed, code, name))
        if len(ranked) < MIN_INSPECTORS:
            short.append(Shortage(code, len(ranked)))
            continue
        assignment[code] = sorted(ranked[:MIN_INSPECTORS])
    return assignment, short


# ----------------------------------------------------------------- hazards
# SAWS Order No. 16 (2007) Art. 3: general hazards can be rectified at once;
# major hazards need suspension and time, or outside help, to remove.
HAZARD_GRADES = ("general", "major")

# The lifecycle: which state may follow which, and who may move it.
#   bureau: people of a supervision bureau; unit: the unit's own people.
HAZARD_TRANSITIONS = {
    ("open", "rectifying"): {"bureau", "unit"},
    ("open", "closed"): {"bureau"},  # a general hazard rectified on the spot, seen by the inspector
    ("rectifying", "submitted"): {"bureau", "unit"},
    ("submitted", "closed"): {"bureau"},  # verified as rectified
    ("submitted", "rectifying"): {"bureau"},  # sent back
}

# Order 16: a major hazard's rectification plan holds these six parts.
MAJOR_PLAN_PARTS = ("objectives", "measures", "funds", "responsible", "time_limits", "safety_measures")


def hazard_transition_problem(grade: str, state: str, target: str, actor_kind: str, plan: dict) -> str | None:
    """Why the move `state → target` by `actor_kind` is not allowed, or None."""
    allowed = HAZARD_TRANSITIONS.get((state, target))
    if allowed is None:
        return "transition_not_allowed"
    if actor_kind not in allowed:
        return "transition_not_yours"
    if grade == "major" and (state, target) == ("open", "closed"):
        return "major_needs_verification"
    if grade == "major" and target == "rectifying" and state == "open":
        missing = [part for part in MAJOR_PLAN_PARTS if not str(plan.get(part) or "").strip()]
        if missing:
            return "major_plan_incomplete"
    return None


def hazard_overdue(deadline, closed_on, today) -> bool:
    """Overdue is derived, never stored: not closed by the end of the deadline day, or closed after it."""
    if closed_on is not None:
        return closed_on > deadline
    return today > deadline


# -------------------------------------------------------------- documents
# The on-site forms (Order 15 Art. 66: the forms are set nationally). Each
# kind has its short name for the document number.
DOCUMENT_KINDS = {
    "inspection_record": "现检",  # 现场检查记录
    "rectification_order": "责改",  # 责令限期整改指令书
    "onsite_measures": "现决",  # 现场处理措施决定书
    "review_opinion": "复查",  # 整改复查意见书
    "case_filing": "立审",  # 立案审批表
    "case_handling": "处呈",  # 案件处理呈批表
    "collective_discussion": "集讨",  # 行政处罚集体讨论记录
    "penalty_notice": "罚告",  # 行政处罚告知书 (with the hearing rights when the case gives them)
    "statement_record": "陈申",  # 当事人陈述申辩笔录
    "hearing_notice": "听通",  # 听证会通知书
    "hearing_record": "听笔",  # 听证笔录 and 听证会报告书
    "penalty_decision": "罚决",  # 行政处罚决定书
    "onspot_decision": "当罚",  # 行政处罚决定书 (当场)
    "service_receipt": "送达",  # 文书送达回执
    "payment_reminder": "催缴",  # 罚款催缴通知书
    "enforcement_application": "强执",  # 强制执行申请书
    "case_transfer": "移送",  # 案件移送书
    "case_closing": "结案",  # 结案审批表
}
# A review opinion presupposes an order or a measure issued before it (DOMAIN.md §5).
DOCUMENT_REQUIRES = {"review_opinion": ("rectification_order", "onsite_measures")}


def document_number(division_code: str, kind: str, year: int, serial: int) -> str:
    """Numbers run per bureau, kind and year, without gaps: e.g. 540102现检〔2026〕7号."""
    return f"{division_code}{DOCUMENT_KINDS[kind]}〔{year}〕{serial}号"


# What each form must say (the national forms' required parts, simplified).
DOCUMENT_FIELDS = {
    "inspection_record": ("place", "findings"),
    "rectification_order": ("findings", "requirements", "deadline"),
    "onsite_measures": ("findings", "measures"),
    "review_opinion": ("opinion",),
}
# Case documents are written by the case's steps from the case itself: each names the party and the cause.
DOCUMENT_FIELDS.update({kind: ("party", "summary") for kind in DOCUMENT_KINDS if kind not in DOCUMENT_FIELDS})


# -------------------------------------------------------------- statistics
def period_bounds(year: int, quarter: int | None = None) -> tuple[datetime.date, datetime.date]:
    """[first day, first day after) of a year or of one of its quarters (1–4)."""
    if quarter is None:
        return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter is 1, 2, 3 or 4")
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def rectification_rate(found: int, rectified: int) -> Decimal | None:
    """整改率: hazards rectified (closed by the period's end) per hundred found in it; None when none found."""
    if found <= 0:
        return None
    return (Decimal(rectified) * 100 / Decimal(found)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ----------------------------------------------------------- penalty cases
# Administrative Penalty Law (2021, for acts from 2021-07-15; the 1996 law as
# amended before) and Order 15. Every number is data with its effective-from
# date (DOMAIN.md §6); a case is judged by the rules in force on its filing day
# (on-the-spot decisions: the day of the decision).
PENALTY_KINDS = ("warning", "fine", "confiscation", "suspension", "licence_revocation", "closure")
PARTY_KINDS = ("unit", "individual")


@dataclass(frozen=True)
class PenaltyRules:
    effective_from: datetime.date
    simple_limit: dict  # party kind → the largest fine on the spot (Art. 51 / old Art. 33)
    onspot_collection_limit: Decimal  # Art. 68 / old Art. 47
    hearing_request_days: int  # Art. 64 / old Art. 42
    hearing_notice_days: int  # Art. 64
    hearing_kinds: frozenset  # penalty kinds that give a right to a hearing whatever the amount (Art. 63)
    large_confiscation_gives_hearing: bool
    decision_days: int  # Art. 60 (before 2021: no national figure; 30 days [weak])
    extension_days: int  # one approved extension [weak]
    service_days: int  # Art. 61
    payment_days: int  # Art. 67
    surcharge_rate: Decimal  # Art. 72: per day, of the fine
    surcharge_capped: bool  # Art. 72: never more than the fine
    disclosure_working_days: int | None  # credit-disclosure rule [weak]


PENALTY_RULES = (
    PenaltyRules(
        effective_from=datetime.date(2021, 7, 15),
        simple_limit={"individual": Decimal(200), "unit": Decimal(3000)},
        onspot_collection_limit=Decimal(100),
        hearing_request_days=5,
        hearing_notice_days=7,
        hearing_kinds=frozenset({"suspension", "licence_revocation", "closure"}),
        large_confiscation_gives_hearing=True,
        decision_days=90,
        extension_days=30,
        service_days=7,
        payment_days=15,
        surcharge_rate=Decimal("0.03"),
        surcharge_capped=True,
        disclosure_working_days=7,
    ),
    PenaltyRules(
        effective_from=datetime.date(1996, 10, 1),
        simple_limit={"individual": Decimal(50), "unit": Decimal(1000)},
        onspot_collection_limit=Decimal(20),
        hearing_request_days=3,
        hearing_notice_days=7,
        hearing_kinds=frozenset({"suspension", "licence_revocation"}),
        large_confiscation_gives_hearing=False,
        decision_days=30,
        extension_days=30,
        service_days=7,
        payment_days=15,
        surcharge_rate=Decimal("0.03"),
        surcharge_capped=False,
        disclosure_working_days=None,
    ),
)

# "Large fine" for safety cases: a province's own figure, else these [weak]:
# at or above 10,000 yuan for an individual, 30,000 for a unit.
LARGE_FINE_DEFAULT = {"individual": Decimal(10000), "unit": Decimal(30000)}


def penalty_rules_on(day: datetime.date) -> PenaltyRules:
    for version in PENALTY_RULES:
        if day >= version.effective_from:
            return version
    return PENALTY_RULES[-1]


def large_fine_threshold(division_code: str, party_kind: str, overrides: Mapping[str, Mapping] | None = None):
    """The province's own figure where it set one (keyed by its two-digit code), else the default."""
    own = (overrides or {}).get(division_code[:2], {})
    return Decimal(own.get(party_kind, LARGE_FINE_DEFAULT[party_kind]))


@dataclass(frozen=True)
class ProposedPenalty:
    kind: str
    amount: Decimal | None = None


def fine_total(penalties: Iterable[ProposedPenalty]) -> Decimal:
    return sum((p.amount or Decimal(0) for p in penalties if p.kind == "fine"), Decimal(0))


def hearing_eligible(penalties: Iterable[ProposedPenalty], party_kind: str, threshold: Decimal, version) -> bool:
    """Art. 63: large fines, large confiscations, licence revocation, suspension, closure give a hearing."""
    penalties = list(penalties)
    if any(p.kind in version.hearing_kinds for p in penalties):
        return True
    if fine_total(penalties) >= threshold:
        return True
    confiscated = sum((p.amount or Decimal(0) for p in penalties if p.kind == "confiscation"), Decimal(0))
    return version.large_confiscation_gives_hearing and confiscated >= threshold


def amount_problem(amount: Decimal | None, low: Decimal | None, high: Decimal | None) -> str | None:
    """A fine against the range its legal basis allows (both ends included, as the Penalty Law reads)."""
    if amount is None or amount <= 0:
        return "fine_amount_required"
    if low is not None and amount < low:
        return "fine_below_range"
    if high is not None and amount > high:
        return "fine_above_range"
    return None


def simple_procedure_problem(penalties: Iterable[ProposedPenalty], party_kind: str, version) -> str | None:
    """Art. 51: on the spot only a warning, or a fine up to the limit for the party."""
    penalties = list(penalties)
    if not penalties:
        return "penalty_required"
    if any(p.kind not in ("warning", "fine") for p in penalties):
        return "simple_kind_not_allowed"
    if fine_total(penalties) > version.simple_limit[party_kind]:
        return "simple_limit_exceeded"
    return None


def surcharge(fine: Decimal, due: datetime.date, paid_on: datetime.date, version) -> Decimal:
    """Art. 72: 3 % of the fine per day after the due day, never more than the fine (2021 law)."""
    days = (paid_on - due).days
    if fine <= 0 or days <= 0:
        return Decimal(0)
    extra = (fine * version.surcharge_rate * days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(extra, fine) if version.surcharge_capped else extra


CASE_STATES = (
    "filing",
    "investigating",
    "reviewing",
    "reviewed",
    "notified",
    "notice_served",
    "hearing_requested",
    "hearing_scheduled",
    "heard",
    "decided",
    "served",
    "paid",
    "enforcement",
    "closed",
)
# The stages before a decision (the decision deadline may be extended in any of them) and after it.
BEFORE_DECISION = frozenset(CASE_STATES[1 : CASE_STATES.index("decided")])
DECIDED = frozenset({"decided", "served", "paid", "enforcement", "closed"})

# The general procedure: which action moves a case from which states to which,
# who may take it (handle: the case's officers; approve: the bureau's heads;
# review: the legal officer), and the document it writes.
CASE_ACTIONS = {
    "approve_filing": ({"filing"}, "investigating", "approve", "case_filing"),
    "refuse_filing": ({"filing"}, "closed", "approve", "case_filing"),
    "extend": (BEFORE_DECISION, None, "approve", None),
    "submit_review": ({"investigating"}, "reviewing", "handle", None),
    "return_investigation": ({"reviewing"}, "investigating", "review", None),
    "review": ({"reviewing"}, "reviewed", "review", "case_handling"),
    "transfer": ({"investigating", "reviewed"}, "closed", "approve", "case_transfer"),
    "no_penalty": ({"reviewed"}, "closed", "approve", "case_closing"),
    "discuss": ({"reviewed", "notice_served", "heard"}, None, "approve", "collective_discussion"),
    "notify": ({"reviewed"}, "notified", "handle", "penalty_notice"),
    "serve_notice": ({"notified"}, "notice_served", "handle", "service_receipt"),
    "record_statement": ({"notice_served"}, None, "handle", "statement_record"),
    "request_hearing": ({"notice_served"}, "hearing_requested", "handle", None),
    "schedule_hearing": ({"hearing_requested"}, "hearing_scheduled", "handle", "hearing_notice"),
    "hold_hearing": ({"hearing_scheduled"}, "heard", "handle", "hearing_record"),
    "decide": ({"notice_served", "heard"}, "decided", "approve", "penalty_decision"),
    "serve": ({"decided"}, "served", "handle", "service_receipt"),
    "pay": ({"served", "enforcement"}, None, "handle", None),
    "remind": ({"served"}, None, "handle", "payment_reminder"),
    "apply_enforcement": ({"served"}, "enforcement", "approve", "enforcement_application"),
    "close": ({"served", "paid", "enforcement"}, "closed", "approve", "case_closing"),
    "disclose": (DECIDED, None, "handle", None),
    "change_decision": (DECIDED, None, "approve", "penalty_decision"),
    "revoke_decision": (DECIDED, "closed", "approve", None),
}
OPEN_CASE_STATES = tuple(s for s in CASE_STATES if s != "closed")


def case_action_problem(state: str, action: str, capabilities: set[str]) -> str | None:
    """Why `action` cannot be taken on a case in `state` by someone with `capabilities`, or None."""
    rule = CASE_ACTIONS.get(action)
    if rule is None:
        return "case_action_unknown"
    from_states, _to, who, _document = rule
    if state not in from_states:
        return "case_action_out_of_order"
    if who not in capabilities:
        return "case_action_not_yours"
    return None


def step_time_problem(at: datetime.datetime, previous: datetime.datetime | None, now: datetime.datetime) -> str | None:
    """A step recorded after the fact: never in the future, never before the step before it."""
    if at > now:
        return "date_in_future"
    if previous is not None and at < previous:
        return "step_before_previous"
    return None


@dataclass(frozen=True)
class CaseDates:
    procedure: str  # general | simple
    outcome: str  # penalty | no_penalty_minor | ... | "" while undecided
    hearing_eligible: bool
    fine: Decimal
    filed_on: datetime.date | None = None
    extended: bool = False
    notice_served_on: datetime.date | None = None
    hearing_requested_on: datetime.date | None = None
    decided_on: datetime.date | None = None
    served_on: datetime.date | None = None
    paid_on: datetime.date | None = None  # the day the fine was paid in full
    disclosure_due: datetime.date | None = None  # computed on the statutory calendar when decided
    disclosed_on: datetime.date | None = None


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: datetime.date
    met: bool | None  # None: not done yet (or, for a hearing request, not made)
    done_on: datetime.date | None


def hearing_request_due(notice_served_on: datetime.date, version: PenaltyRules) -> datetime.date:
    """The last day to ask for a hearing (Art. 64), also the end of the statement and defence period."""
    return notice_served_on + datetime.timedelta(days=version.hearing_request_days)


def payment_due(served_on: datetime.date, version: PenaltyRules) -> datetime.date:
    """The last day to pay (Art. 67): the surcharge runs from the day after."""
    return served_on + datetime.timedelta(days=version.payment_days)


def hearing_notice_problem(told_on: datetime.date, hearing_date: datetime.date, version: PenaltyRules) -> str | None:
    """Art. 64: the party is told of the hearing at least 7 days before it."""
    if (hearing_date - told_on).days < version.hearing_notice_days:
        return "hearing_notice_too_short"
    return None


def decision_window_problem(
    notice_served_on: datetime.date, day: datetime.date, waived: bool, version: PenaltyRules
) -> str | None:
    """No decision while the party may still state its case or ask for a hearing, unless it waived that."""
    if day <= hearing_request_due(notice_served_on, version) and not waived:
        return "decision_before_window"
    return None


def deadline_overdue(deadline: "Deadline", today: datetime.date) -> bool:
    """Still to meet and past its day (a hearing request is the party's right, never the bureau's lateness).
    The query twin is selectors.filter_cases(due="overdue") on the stored next deadline."""
    return deadline.met is None and deadline.kind != "hearing_request" and today > deadline.due


def _deadline(kind: str, due: datetime.date, done_on: datetime.date | None) -> Deadline:
    return Deadline(kind, due, None if done_on is None else done_on <= due, done_on)


def case_deadlines(case: CaseDates, version: PenaltyRules) -> list[Deadline]:
    """Each deadline once the step that starts it has happened, and whether it was met."""
    out = []
    if case.hearing_eligible and case.notice_served_on:
        due = hearing_request_due(case.notice_served_on, version)
        out.append(_deadline("hearing_request", due, case.hearing_requested_on))
    if case.procedure == "general" and case.filed_on:
        days = version.decision_days + (version.extension_days if case.extended else 0)
        out.append(_deadline("decision", case.filed_on + datetime.timedelta(days=days), case.decided_on))
    if case.decided_on and case.outcome == "penalty":
        due = case.decided_on + datetime.timedelta(days=version.service_days)
        out.append(_deadline("service", due, case.served_on))
    if case.served_on and case.fine > 0:
        out.append(_deadline("payment", payment_due(case.served_on, version), case.paid_on))
    if case.disclosure_due:
        out.append(_deadline("disclosure", case.disclosure_due, case.disclosed_on))
    return out


def next_due(deadlines: Iterable[Deadline], closed: bool) -> Deadline | None:
    """The earliest deadline still to meet (a hearing request is the party's, not the bureau's; a closed
    case still owes its disclosure)."""
    pending = [
        d for d in deadlines if d.met is None and d.kind != "hearing_request" and (not closed or d.kind == "disclosure")
    ]
    return min(pending, key=lambda d: d.due, default=None)


def risk_level(open_major_hazards: int, major_installations: int, penalties_3y: int, heavy_penalties_3y: int) -> str:
    """A unit's risk level for supervision (four colours, 红橙黄蓝) [weak: a setting of the bureau's practice].

    Penalties decided in the last three years raise it: a heavy one (with a hearing right) or an open
    major hazard makes it "major"; two penalties or a major hazard installation, "higher"; one, "general".
    """
    if open_major_hazards or heavy_penalties_3y:
        return "major"
    if penalties_3y >= 2 or major_installations:
        return "higher"
    if penalties_3y == 1:
        return "general"
    return "low"
