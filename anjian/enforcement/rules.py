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
