"""The aid demo: the counterpart arrangement's supporting units with their coordinators, plans with items in every
form and status, ledgers that balance with reversals and two transfers to reconcile, milestones in every state,
talent, inspections with their rectifications, and every prefecture's capability with targets and history; written
through the services (the audit chain holds) and seeded once."""

import datetime
import itertools

import pytest
from django.utils import timezone

from anjian.aid import demo, oversight, rules, selectors
from anjian.aid.models import (
    AidItem,
    AidPlan,
    Form,
    Indicator,
    Inspection,
    ItemStatus,
    ItemStep,
    LedgerEntry,
    Measurement,
    Milestone,
    Rectification,
    TalentKind,
    TalentRecord,
    Target,
)
from anjian.core import demo as core_demo
from anjian.core.audit import audit_verify
from anjian.core.models import Organisation, OrganisationKind, Person, Role, SupportKind

pytestmark = pytest.mark.django_db

MODELS = (AidPlan, AidItem, ItemStep, LedgerEntry, Milestone, TalentRecord, Inspection, Rectification, Indicator)
MODELS += (Target, Measurement)
PREFECTURES = [code for place, code in core_demo.PLACES.items() if place != "xizang"]


def test_the_aid_demo_fills_the_system_once():
    core_demo.seed_demo()
    counts = demo.seed_demo()
    today = timezone.localdate()

    # Supporting units: the core demo's four and the fifteen provinces added, each with its coordinator.
    assert counts["supporting units"] == 15 and counts["aid accounts"] == len(demo.UNITS) == 19
    for key, (name_zh, _en, home, places, *_rest) in demo.UNITS.items():
        unit = Organisation.objects.get(kind=OrganisationKind.SUPPORTING, name_zh=name_zh)
        coordinator = Person.objects.get(username=f"{key}-aid")
        assert coordinator.organisation == unit and coordinator.groups.filter(name=Role.AID).exists()
        if key not in ("beijing", "jiangsu", *demo.CENTRAL):
            assert unit.support_kind == SupportKind.PROVINCE_BUREAU and unit.home_division_id == home
            assert unit.division_id == core_demo.PLACES[places[0]]
    assert Organisation.objects.get(name_zh="上海市应急管理局（援藏）").division_id == "540200"

    # Plans: every unit's 十五五, eight finished 十四五; the central ones name the region's bureau among receivers.
    assert counts["plans"] == 27 == AidPlan.objects.count()
    current = AidPlan.objects.filter(starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2030, 12, 31))
    assert current.count() == 19 and len({p.supporter_id for p in current}) == 19
    assert AidPlan.objects.filter(starts_on=datetime.date(2021, 1, 1), ends_on=datetime.date(2025, 12, 31)).count() == 8
    for plan in AidPlan.objects.filter(
        supporter__support_kind__in=[SupportKind.CENTRAL_ENTERPRISE, SupportKind.NATIONAL_DEPARTMENT]
    ):
        assert plan.receivers.filter(division_id=core_demo.REGION).exists()
    receiving = set(AidPlan.objects.values_list("receivers__division_id", flat=True))
    assert receiving == set(core_demo.PLACES.values())

    # Items in every form and every status, each combination.
    items = AidItem.objects.all()
    assert counts["items"] == items.count() >= 60
    pairs = set(items.values_list("form", "status"))
    assert pairs == set(itertools.product(Form.values, ItemStatus.values))
    assert all(i.amount_yuan for i in items.filter(form__in=[Form.FUNDS, Form.PROJECT]))
    assert items.filter(indicators__isnull=False).distinct().count() >= 20

    # Steps: some done, some done late, some overdue.
    steps = ItemStep.objects.all()
    assert steps.filter(done_on__isnull=False).exists()
    assert any(s.done_on > s.due_on for s in steps.filter(done_on__isnull=False))
    late = steps.filter(done_on__isnull=True, due_on__lt=today).exclude(item__status=ItemStatus.CANCELLED)
    assert late.exists() and not late.filter(item__status=ItemStatus.COMPLETED).exists()

    # Ledgers from 2021 to this year, consistent, with reversals on both sides and two mismatches to reconcile.
    entries = LedgerEntry.objects.all()
    assert counts["ledger entries"] == entries.count() >= 300
    years = {d.year for d in entries.values_list("date", flat=True)}
    assert set(range(2021, today.year + 1)) <= years and max(entries.values_list("date", flat=True)) <= today
    assert not entries.filter(kind__in=[rules.TRANSFER, rules.RECEIPT, rules.EXPENDITURE], evidence_note="").exists()
    statuses = {}
    for item in items.filter(ledger__isnull=False).distinct():
        found = selectors.entries_of(item)
        assert rules.consistent(rules.balances(found)), item.title
        statuses.setdefault(rules.reconcile(found, today).status, []).append(item)
    assert {"matched", "overdue", "in_transit"} <= set(statuses)
    assert all(i.status == ItemStatus.UNDER_WAY for i in statuses["overdue"] + statuses["in_transit"])
    reversals = entries.filter(kind=rules.REVERSAL).select_related("reverses", "item__plan")
    taken_back = {(r.reverses.kind, r.recorded_org_id == r.item.plan.supporter_id) for r in reversals}
    assert (rules.TRANSFER, True) in taken_back  # a mistaken transfer, by the supporter
    assert (rules.EXPENDITURE, False) in taken_back  # a duplicated expenditure, by the bureau
    assert (rules.COMMITMENT, True) in taken_back  # a cancelled item's commitment
    done = items.filter(status=ItemStatus.COMPLETED, form=Form.FUNDS)
    assert all(selectors.item_balances(i).spent == i.amount_yuan for i in done)

    # Milestones in every state, some accepted late, one not to quality; completed projects fully accepted.
    milestones = Milestone.objects.all()
    states = {rules.milestone_state(m.planned_on, m.delivered_on, m.accepted_on, today) for m in milestones}
    assert states == {"planned", "late", "delivered", "accepted"}
    accepted = milestones.filter(accepted_on__isnull=False)
    assert any(rules.on_time(m.planned_on, m.delivered_on) is False for m in accepted)
    assert any(rules.on_time(m.planned_on, m.delivered_on) for m in accepted)
    assert accepted.filter(quality_ok=False).count() == 1
    for project in items.filter(form=Form.PROJECT, status=ItemStatus.COMPLETED):
        assert selectors.item_progress(project) == 1

    # Talent: sent, trained (with hours), exchanged.
    talent = TalentRecord.objects.all()
    assert set(talent.values_list("kind", flat=True)) == set(TalentKind.values)
    assert talent.filter(kind=TalentKind.TRAINED, hours__gt=0).exists()
    assert talent.filter(item__isnull=True).exists()

    # Supervision: a rectification verified, one overdue (and one done awaiting verification, one open).
    assert counts["inspections"] == 3 and counts["rectifications"] == 5
    states = {oversight.rectification_state(r, today) for r in Rectification.objects.all()}
    assert states == {"verified", "overdue", "done", "open"}

    # Capability: every prefecture (and the region) a target for each indicator by 2030 and a yearly history
    # since 2021 that does not fall and has risen.
    indicators = list(Indicator.objects.all())
    assert indicators and counts["targets"] == len(indicators) * 8 == Target.objects.count()
    assert not Target.objects.exclude(due_on=demo.TARGET_DAY).exists()
    for code in PREFECTURES:
        values = Measurement.objects.filter(division_id=code)
        assert {m.as_of.year for m in values} == set(range(2021, today.year + 1))
        rose = False
        for indicator in indicators:
            history = list(values.filter(indicator=indicator).order_by("as_of").values_list("value", flat=True))
            assert len(history) == today.year - 2020
            assert history == sorted(history), (code, indicator.code)
            rose |= history[-1] > history[0]
        assert rose, code

    # Through the services: the audit chain holds; seeding again adds nothing.
    assert audit_verify()[1] is None
    assert counts == {
        "supporting units": 15,
        "aid accounts": 19,
        **{name: model.objects.count() for name, model in demo_models().items()},
        "indicators": 0,  # the catalogue is loaded by a migration: the demo adds none
    }
    assert Indicator.objects.count() == 12
    before = [model.objects.count() for model in MODELS]
    assert set(demo.seed_demo().values()) == {0}
    assert [model.objects.count() for model in MODELS] == before


def demo_models() -> dict:
    return {
        "plans": AidPlan,
        "items": AidItem,
        "steps": ItemStep,
        "ledger entries": LedgerEntry,
        "milestones": Milestone,
        "talent records": TalentRecord,
        "inspections": Inspection,
        "rectifications": Rectification,
        "indicators": Indicator,
        "targets": Target,
        "measurements": Measurement,
    }
