"""The aid rules: ledger arithmetic (also property-based: whatever sequence of entries is offered, the ones accepted
keep the balances consistent, and reversing everything brings them back to zero), reconciliation first in, first
out with its overdue flag, milestones and progress, capability gaps."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anjian.aid import rules
from anjian.aid.rules import COMMITMENT, EXPENDITURE, RECEIPT, REVERSAL, TRANSFER, Entry

D = datetime.date
Y = Decimal


def ledger(*rows):
    """Entries from (kind, amount[, reverses]) rows, a day apart from 2026-01-01."""
    out = []
    for n, row in enumerate(rows):
        kind, amount, *rest = row
        out.append(Entry(n, kind, Y(amount), D(2026, 1, 1) + datetime.timedelta(days=n), rest[0] if rest else None))
    return out


def test_balances_add_each_kind_and_reversals_take_back():
    entries = ledger((COMMITMENT, "1000000"), (TRANSFER, "600000"), (RECEIPT, "600000"), (EXPENDITURE, "250000.50"),
                     (REVERSAL, "250000.50", 3))  # fmt: skip
    b = rules.balances(entries)
    assert (b.committed, b.transferred, b.received, b.spent) == (Y(1000000), Y(600000), Y(600000), Y(0))
    assert (b.untransferred, b.in_transit, b.unspent) == (Y(400000), Y(0), Y(600000))


@pytest.mark.parametrize(
    ("rows", "new", "problem"),
    [
        ([(COMMITMENT, "100")], (TRANSFER, "100.01"), "transfer_exceeds_commitment"),
        ([(COMMITMENT, "100")], (TRANSFER, "100"), None),  # the boundary: all of it
        ([(COMMITMENT, "100"), (TRANSFER, "60")], (RECEIPT, "60.01"), "receipt_exceeds_transfer"),
        ([(COMMITMENT, "100"), (TRANSFER, "60")], (RECEIPT, "60"), None),
        (
            [(COMMITMENT, "100"), (TRANSFER, "60"), (RECEIPT, "50")],
            (EXPENDITURE, "50.01"),
            "expenditure_exceeds_receipt",
        ),
        ([(COMMITMENT, "100"), (TRANSFER, "60"), (RECEIPT, "50")], (EXPENDITURE, "50"), None),
        ([], (COMMITMENT, "0"), "amount_invalid"),
        ([], (COMMITMENT, "-5"), "amount_invalid"),
        ([], (COMMITMENT, "1.005"), "amount_invalid"),  # fen at most
        ([], (COMMITMENT, "1e12"), "amount_invalid"),
        ([], ("gift", "5"), "entry_kind_unknown"),
    ],
)
def test_an_entry_is_refused_past_what_came_before(rows, new, problem):
    entries = ledger(*rows)
    entry = Entry(99, new[0], Y(new[1]), D(2026, 2, 1))
    assert rules.entry_problem(entries, entry) == problem


def test_reversals_take_back_one_entry_whole_once_and_never_break_the_balances():
    entries = ledger((COMMITMENT, "100"), (TRANSFER, "60"), (RECEIPT, "60"), (EXPENDITURE, "40"))
    later = D(2026, 3, 1)
    assert rules.entry_problem(entries, Entry(9, REVERSAL, Y("60"), later, 2)) == "reversal_breaks_balance"  # spent
    assert rules.entry_problem(entries, Entry(9, REVERSAL, Y("40"), later, 3)) is None
    assert rules.entry_problem(entries, Entry(9, REVERSAL, Y("39"), later, 3)) == "reversal_amount"
    assert rules.entry_problem(entries, Entry(9, REVERSAL, Y("40"), later, 77)) == "reversal_target_invalid"
    assert rules.entry_problem(entries, Entry(9, REVERSAL, Y("40"), D(2025, 1, 1), 3)) == "reversal_before_entry"
    taken = [*entries, Entry(9, REVERSAL, Y("40"), later, 3)]
    assert rules.entry_problem(taken, Entry(10, REVERSAL, Y("40"), later, 3)) == "already_reversed"
    assert rules.entry_problem(taken, Entry(10, REVERSAL, Y("40"), later, 9)) == "reversal_target_invalid"
    assert rules.entry_problem(entries, Entry(9, TRANSFER, Y("1"), later, 3)) == "reversal_target_invalid"


KINDS = st.sampled_from([COMMITMENT, TRANSFER, RECEIPT, EXPENDITURE, REVERSAL])
AMOUNTS = st.integers(min_value=-100, max_value=100_000).map(lambda cents: Y(cents) / 100)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(KINDS, AMOUNTS, st.integers(min_value=0, max_value=40)), max_size=40))
def test_whatever_is_offered_what_is_accepted_stays_consistent(offers):
    accepted: list[Entry] = []
    for n, (kind, amount, target) in enumerate(offers):
        reverses = accepted[target % len(accepted)].id if kind == REVERSAL and accepted else None
        if kind == REVERSAL and reverses is not None:
            amount = next(e.amount for e in accepted if e.id == reverses)  # a reversal names the whole amount
        entry = Entry(n, kind, amount, D(2026, 1, 1) + datetime.timedelta(days=n), reverses)
        if rules.entry_problem(accepted, entry) is None:
            accepted.append(entry)
            assert rules.consistent(rules.balances(accepted))
    # Reversing every live entry, spending first, then receipts, transfers and commitments, is always possible and
    # brings every balance back to zero.
    reversed_ids = {e.reverses for e in accepted if e.kind == REVERSAL}
    n = len(offers)
    order = {EXPENDITURE: 0, RECEIPT: 1, TRANSFER: 2, COMMITMENT: 3}
    live = [e for e in accepted if e.kind != REVERSAL and e.id not in reversed_ids]
    for e in sorted(live, key=lambda e: (order[e.kind], -e.id)):
        n += 1
        back = Entry(n, REVERSAL, e.amount, D(2027, 1, 1), e.id)
        assert rules.entry_problem(accepted, back) is None
        accepted.append(back)
    assert rules.balances(accepted) == rules.Balances()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10_000), max_size=12), st.integers(min_value=0, max_value=200_000))
def test_reconciliation_accounts_for_every_yuan(transfers, receipt_cap):
    rows = [(COMMITMENT, str(sum(transfers) or 1))] + [(TRANSFER, str(t)) for t in transfers]
    received = min(receipt_cap, sum(transfers))
    if received:
        rows.append((RECEIPT, str(received)))
    r = rules.reconcile(ledger(*rows), D(2026, 6, 1))
    assert r.difference == sum(t for _, t in r.unconfirmed) == Y(sum(transfers) - received)
    assert r.status == ("matched" if r.difference == 0 else "overdue")  # every transfer is months old by June


def test_reconciliation_first_in_first_out_and_the_overdue_boundary():
    entries = [
        Entry(1, COMMITMENT, Y(300), D(2026, 1, 1)),
        Entry(2, TRANSFER, Y(100), D(2026, 1, 1)),
        Entry(3, TRANSFER, Y(200), D(2026, 3, 1)),
        Entry(4, RECEIPT, Y(150), D(2026, 3, 5)),
    ]
    r = rules.reconcile(entries, D(2026, 3, 31))  # the second transfer is 30 days old: not yet overdue
    assert r.unconfirmed == [(D(2026, 3, 1), Y(150))] and r.overdue == [] and r.status == "in_transit"
    r = rules.reconcile(entries, D(2026, 4, 1))  # 31 days
    assert r.overdue == [(D(2026, 3, 1), Y(150))] and r.status == "overdue"
    taken_back = [*entries, Entry(5, REVERSAL, Y(200), D(2026, 4, 1), 3)]  # the second transfer was a mistake
    r = rules.reconcile(taken_back, D(2026, 6, 1))
    assert r.transferred == Y(100) and r.received == Y(150)  # the bureau confirmed more than is now sent


def test_a_milestone_is_accepted_only_once_delivered():
    today = D(2026, 6, 1)
    assert rules.milestone_problem(D(2026, 5, 1), None, D(2026, 5, 20), today) == "accepted_before_delivery"
    assert rules.milestone_problem(D(2026, 5, 1), D(2026, 5, 21), D(2026, 5, 20), today) == "accepted_before_delivery"
    assert rules.milestone_problem(D(2026, 5, 1), D(2026, 5, 20), D(2026, 5, 20), today) is None
    assert rules.milestone_problem(D(2026, 5, 1), D(2026, 6, 2), None, today) == "date_in_future"
    assert rules.milestone_state(D(2026, 5, 31), None, None, today) == "late"
    assert rules.milestone_state(D(2026, 6, 1), None, None, today) == "planned"  # its own day is still in time
    assert rules.milestone_state(D(2026, 5, 1), D(2026, 5, 2), None, today) == "delivered"
    assert rules.on_time(D(2026, 5, 1), D(2026, 5, 1)) is True and rules.on_time(D(2026, 5, 1), D(2026, 5, 2)) is False


def test_progress_is_the_accepted_share_of_the_weights():
    assert rules.progress([]) == 0
    assert rules.progress([(Y(1), True), (Y(1), False), (Y(2), False)]) == Y("0.25")
    assert rules.progress([(Y(3), True), (Y(1), True)]) == 1


def test_capability_gap_and_attainment():
    assert rules.gap(Y(40), Y(31)) == 9 and rules.gap(Y(40), Y(45)) == 0 and rules.gap(Y(40), None) is None
    assert rules.gap(Y(2), Y(5), higher_is_better=False) == 3  # e.g. hours to reach a site: lower is better
    assert rules.attainment(Y(40), Y(31), Y(22)) == Y("0.5") and rules.attainment(Y(40), Y(50)) == 1


def test_money_is_not_received_before_it_was_sent_nor_spent_before_it_was_received():
    entries = [
        Entry(1, COMMITMENT, Y(100), D(2026, 3, 1)),
        Entry(2, TRANSFER, Y(100), D(2026, 3, 10)),
    ]
    assert rules.entry_problem(entries, Entry(3, RECEIPT, Y(100), D(2026, 3, 9))) == "receipt_exceeds_transfer"
    assert rules.entry_problem(entries, Entry(3, RECEIPT, Y(100), D(2026, 3, 10))) is None  # the same day
    received = [*entries, Entry(3, RECEIPT, Y(100), D(2026, 3, 12))]
    assert rules.entry_problem(received, Entry(4, EXPENDITURE, Y(1), D(2026, 3, 11))) == "expenditure_exceeds_receipt"
    # Nor does a transfer dated before its commitment pass.
    assert rules.entry_problem([], Entry(1, TRANSFER, Y(1), D(2026, 1, 1))) == "transfer_exceeds_commitment"
