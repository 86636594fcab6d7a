"""Aid to the region as pure functions: the funds ledger's arithmetic and its reconciliation, milestones and the
progress they give, capability gaps.

Sources (DOMAIN.md §11): aid takes four forms (funds, projects, technical support, talent); supporting units set
plans with responsibilities and time limits; the receiving bureaus and the supporters jointly manage funds and
projects so that funds are used safely and efficiently and projects are finished to quality, in full and on time.
Where the regulation is silent the numbers here are settings (AidRules) an auditor would expect.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# Forms of aid.
FUNDS = "funds"  # 资金
PROJECT = "project"  # 项目
TECHNICAL = "technical"  # 技术
TALENT = "talent"  # 人才
FORMS = (FUNDS, PROJECT, TECHNICAL, TALENT)

# Kinds of ledger entry. A supporting unit commits and transfers; the receiving bureau confirms receipt and records
# spending; a mistake is never edited or deleted but reversed by a new entry naming it.
COMMITMENT = "commitment"
TRANSFER = "transfer"
RECEIPT = "receipt"
EXPENDITURE = "expenditure"
REVERSAL = "reversal"
ENTRY_KINDS = (COMMITMENT, TRANSFER, RECEIPT, EXPENDITURE, REVERSAL)
SUPPORTER_KINDS = (COMMITMENT, TRANSFER)
RECEIVER_KINDS = (RECEIPT, EXPENDITURE)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e12")  # a trillion yuan: past it, a typing error


@dataclass(frozen=True)
class AidRules:
    receipt_days: int = 30  # a transfer not confirmed as received within this many days is flagged
    warn_ratio: Decimal = Decimal("0.8")  # spending at 80 % of what was received: the item is nearly spent


RULES = AidRules()


@dataclass(frozen=True)
class Entry:
    id: object
    kind: str
    amount: Decimal
    on: datetime.date
    reverses: object = None  # the id of the entry a reversal takes back


@dataclass(frozen=True)
class Balances:
    committed: Decimal = Decimal(0)
    transferred: Decimal = Decimal(0)
    received: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    @property
    def untransferred(self) -> Decimal:
        return self.committed - self.transferred

    @property
    def in_transit(self) -> Decimal:
        """Sent by the supporting unit and not (yet) confirmed by the receiving bureau."""
        return self.transferred - self.received

    @property
    def unspent(self) -> Decimal:
        return self.received - self.spent

    def add(self, kind: str, amount: Decimal) -> "Balances":
        values = {"committed": self.committed, "transferred": self.transferred, "received": self.received,
                  "spent": self.spent}  # fmt: skip
        values[BALANCE_OF[kind]] += amount
        return Balances(**values)


BALANCE_OF = {COMMITMENT: "committed", TRANSFER: "transferred", RECEIPT: "received", EXPENDITURE: "spent"}


def amount_problem(value) -> str | None:
    """An amount is a number of yuan above 0, in fen at most (two decimals), below a trillion."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return "amount_invalid"
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT or amount != amount.quantize(CENT):
        return "amount_invalid"
    return None


def balances(entries: Iterable[Entry]) -> Balances:
    """The four balances of an item's ledger: each entry adds to its kind; a reversal subtracts the entry it takes
    back from that entry's kind."""
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    result = Balances()
    for e in entries:
        if e.kind == REVERSAL:
            taken = by_id[e.reverses]
            result = result.add(taken.kind, -taken.amount)
        else:
            result = result.add(e.kind, e.amount)
    return result


def consistent(b: Balances) -> bool:
    """Nothing transferred beyond the commitment, received beyond the transfers, spent beyond the receipts."""
    return b.committed >= b.transferred >= b.received >= b.spent >= 0


PROBLEM_OF = {
    TRANSFER: "transfer_exceeds_commitment",
    RECEIPT: "receipt_exceeds_transfer",
    EXPENDITURE: "expenditure_exceeds_receipt",
}


def entry_problem(entries: Iterable[Entry], new: Entry) -> str | None:
    """Why a new entry cannot be posted to a ledger holding `entries`, or None.

    - amount above 0, in fen;
    - a transfer beyond what was committed, a receipt beyond what was transferred, spending beyond what was
      received: refused (the balances stay consistent after every entry);
    - a reversal takes back one earlier entry of this ledger, not a reversal, not already taken back, for its whole
      amount, and may not leave the balances inconsistent (a receipt that was already spent is not reversed before
      the spending is)."""
    entries = list(entries)
    problem = amount_problem(new.amount)
    if problem:
        return problem
    if new.kind not in ENTRY_KINDS:
        return "entry_kind_unknown"
    if new.kind == REVERSAL:
        taken = next((e for e in entries if e.id == new.reverses), None)
        if taken is None or taken.kind == REVERSAL:
            return "reversal_target_invalid"
        if any(e.kind == REVERSAL and e.reverses == taken.id for e in entries):
            return "already_reversed"
        if new.amount != taken.amount:
            return "reversal_amount"
        if new.on < taken.on:
            return "reversal_before_entry"
    elif new.reverses is not None:
        return "reversal_target_invalid"
    # Consistent after the entry, and at the end of every day from its date on: money is not received before it was
    # sent, nor spent before it was received (a receipt back-dated before its transfer is refused like an excessive
    # one). One pass over the ledger in date order (the order of posting within a day).
    ledger = [*entries, new]
    by_id = {e.id: e for e in ledger}
    order = sorted(ledger, key=lambda e: e.on)
    running = Balances()
    for n, e in enumerate(order):
        if e.kind == REVERSAL:
            taken = by_id[e.reverses]
            running = running.add(taken.kind, -taken.amount)
        else:
            running = running.add(e.kind, e.amount)
        end_of_day = n + 1 == len(order) or order[n + 1].on != e.on
        if end_of_day and e.on >= new.on and not consistent(running):
            if new.kind == REVERSAL:
                return "reversal_breaks_balance"
            return PROBLEM_OF.get(new.kind, "amount_invalid")
    return None


# --- reconciliation --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """What a supporting unit says it sent against what the receiving bureau confirms, for one item or many."""

    transferred: Decimal
    received: Decimal
    unconfirmed: list = field(default_factory=list)  # transfers not matched by receipts, oldest first: (on, amount)
    overdue: list = field(default_factory=list)  # of those, the ones older than receipt_days

    @property
    def difference(self) -> Decimal:
        return self.transferred - self.received

    @property
    def status(self) -> str:
        if self.difference == 0:
            return "matched"
        return "overdue" if self.overdue else "in_transit"


def reconcile(entries: Iterable[Entry], today: datetime.date, rules: AidRules = RULES) -> Reconciliation:
    """Receipts are matched against transfers first in, first out (the bureau confirms money in the order it was
    sent); what is left of the transfers is unconfirmed, and overdue once older than receipt_days."""
    entries = list(entries)
    reversed_ids = {e.reverses for e in entries if e.kind == REVERSAL}
    live = [e for e in entries if e.kind != REVERSAL and e.id not in reversed_ids]
    transfers = sorted((e for e in live if e.kind == TRANSFER), key=lambda e: (e.on, str(e.id)))
    received = sum((e.amount for e in live if e.kind == RECEIPT), Decimal(0))
    transferred = sum((e.amount for e in transfers), Decimal(0))
    left = received
    unconfirmed = []
    for t in transfers:
        matched = min(left, t.amount)
        left -= matched
        if matched < t.amount:
            unconfirmed.append((t.on, t.amount - matched))
    overdue = [(on, amount) for on, amount in unconfirmed if (today - on).days > rules.receipt_days]
    return Reconciliation(transferred, received, unconfirmed, overdue)


# --- projects and milestones -----------------------------------------------------------------------------------------


def milestone_problem(planned_on: datetime.date, delivered_on, accepted_on, today: datetime.date) -> str | None:
    """A milestone is delivered on a day not in the future; it is accepted only once delivered, not before."""
    if delivered_on is not None and delivered_on > today:
        return "date_in_future"
    if accepted_on is not None:
        if accepted_on > today:
            return "date_in_future"
        if delivered_on is None:
            return "accepted_before_delivery"
        if accepted_on < delivered_on:
            return "accepted_before_delivery"
    return None


def milestone_state(
    planned_on: datetime.date, delivered_on, accepted_on, today: datetime.date, cancelled: bool = False
) -> str:
    """planned, late (past its date, not delivered), delivered (awaiting acceptance), accepted; an undelivered
    milestone of a cancelled item is cancelled (it will not come: neither late nor planned)."""
    if accepted_on is not None:
        return "accepted"
    if delivered_on is not None:
        return "delivered"
    if cancelled:
        return "cancelled"
    return "late" if today > planned_on else "planned"


def on_time(planned_on: datetime.date, delivered_on) -> bool | None:
    return None if delivered_on is None else delivered_on <= planned_on


def progress(weights_accepted: Iterable[tuple[Decimal, bool]]) -> Decimal:
    """The share of a project done: the weights of its accepted milestones over all weights, 0 to 1 (0 with no
    milestones)."""
    pairs = list(weights_accepted)
    total = sum((w for w, _ in pairs), Decimal(0))
    if total <= 0:
        return Decimal(0)
    return (sum((w for w, accepted in pairs if accepted), Decimal(0)) / total).quantize(Decimal("0.0001"))


# --- capability ------------------------------------------------------------------------------------------------------


def gap(target: Decimal, current: Decimal | None, higher_is_better: bool = True) -> Decimal | None:
    """How far a bureau's indicator is from its target (0 once reached), None without a value."""
    if current is None:
        return None
    missing = target - current if higher_is_better else current - target
    return max(missing, Decimal(0))


def attainment(target: Decimal, current: Decimal | None, baseline: Decimal | None = None) -> Decimal | None:
    """The share of the way from the baseline (0 by default) to the target reached, 0 to 1."""
    if current is None:
        return None
    start = baseline if baseline is not None else Decimal(0)
    if target == start:
        return Decimal(1) if current == target else Decimal(0)
    share = (current - start) / (target - start)
    return min(max(share, Decimal(0)), Decimal(1)).quantize(Decimal("0.0001"))
