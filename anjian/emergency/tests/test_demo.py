"""The emergency demo: the approximate road graph of the region's county seats (one county left without a road),
teams, depots and experts, plans in every filing state with what is overdue, the duty roster, a past incident
commanded to its close with a full log and an open one from last night's mine explosion; seeded once."""

import csv

import pytest
from django.conf import settings
from django.utils import timezone

from anjian.accidents import demo as accidents_demo
from anjian.core import demo as core_demo
from anjian.core.audit import audit_verify
from anjian.core.models import Person
from anjian.emergency import demo, selectors, services
from anjian.emergency.models import (
    Alert,
    Depot,
    Dispatch,
    DispatchStatus,
    Drill,
    DrillForm,
    DutyShift,
    Expert,
    FilingState,
    Incident,
    IncidentStatus,
    Keeper,
    LogEntry,
    Place,
    Plan,
    PlanKind,
    Readiness,
    RequestStatus,
    RescueTeam,
    ResourceRequest,
    RoadNetwork,
    RoadSegment,
    SituationReport,
    TeamKind,
)
from anjian.enterprises import demo as enterprises_demo
from anjian.training import demo as training_demo

pytestmark = pytest.mark.django_db

MODELS = (Place, RoadSegment, RescueTeam, Depot, Expert, Plan, Drill, DutyShift, Incident, LogEntry, Dispatch, Alert)
UNLINKED = "540423"  # 墨脱县: no road in the demo graph


def seed_all() -> dict:
    core_demo.seed_demo()
    enterprises_demo.seed_demo()
    accidents_demo.seed_demo()
    training_demo.seed_demo()
    return demo.seed_demo()


def test_the_emergency_demo_fills_the_system_once():
    counts = seed_all()
    today = timezone.localdate()

    assert counts["places"] >= 74 and counts["road segments"] >= 80
    assert 20 <= counts["teams"] <= 35 and counts["depots"] >= 10 and counts["depot items"] >= 40
    assert counts["experts"] >= 15 and counts["plans"] >= 30 and counts["drills"] >= 20
    assert counts["evaluations"] >= 2 and counts["duty shifts"] == 14
    assert counts["incidents"] == 2 and counts["dispatches"] == 4 and counts["requests"] == 1
    assert counts["reports"] == 2 and counts["alerts"] == 2
    assert counts == {name: model.objects.count() for name, model in demo_models().items()}

    # The network: approximate, every county seat a place, one county without a road, a winter closure, a one-way.
    network = RoadNetwork.objects.get(pk=1)
    assert network.approximate and network.source == demo.NETWORK_SOURCE
    assert Place.objects.filter(approximate=True).count() == Place.objects.count() >= 74
    assert set(Place.objects.filter(division_code__startswith="54").values_list("division_code", flat=True)) >= {
        "540102",
        "540127",
        "542524",
        UNLINKED,
    }
    unlinked = Place.objects.get(code=UNLINKED)
    assert not RoadSegment.objects.filter(from_place=unlinked).exists()
    assert not RoadSegment.objects.filter(to_place=unlinked).exists()
    assert RoadSegment.objects.filter(closed_from="12-01", closed_to="03-31").exists()
    assert RoadSegment.objects.filter(two_way=False).count() == 1

    # Registers: every kind of team, professional and part-time, readiness in all three states, some off duty.
    teams = RescueTeam.objects.all()
    assert set(teams.values_list("kind", flat=True)) == set(TeamKind.values)
    assert set(teams.values_list("readiness", flat=True)) == set(Readiness.values)
    assert set(teams.values_list("professional", flat=True)) == {True, False}
    assert teams.filter(on_duty=False).exists() and not teams.filter(place__isnull=True).exists()
    assert all(t.place.division_code == t.division_code for t in teams.select_related("place"))
    assert (
        Expert.objects.filter(available=False).exists() and Expert.objects.filter(specialties__contains="地质").exists()
    )
    assert all(d.items.count() >= 5 for d in Depot.objects.all())

    # Plans: every kind and filing state, units and government bodies, a revision, drills of every form.
    plans = Plan.objects.all()
    assert set(plans.values_list("state", flat=True)) == set(FilingState.values)
    assert set(plans.values_list("kind", flat=True)) == set(PlanKind.values)
    assert set(plans.values_list("keeper", flat=True)) == set(Keeper.values)
    assert plans.filter(keeper=Keeper.GOVERNMENT, enterprise__isnull=True).count() == 2
    units = plans.filter(enterprise__isnull=False)
    assert len(set(units.values_list("enterprise", flat=True))) >= 18
    assert len({code[:4] for code in units.values_list("division_code", flat=True)}) == 7  # every prefecture
    assert all(p.filing_number for p in plans.filter(state=FilingState.ACCEPTED))
    assert all(p.return_reasons for p in plans.filter(state=FilingState.RETURNED))
    revised = plans.get(version=2)
    assert revised.state == FilingState.ACCEPTED and revised.filing_number.endswith("-v2")
    assert not plans.filter(published_on__gt=today).exists()
    assert set(Drill.objects.values_list("form", flat=True)) == set(DrillForm.values)

    region = Person.objects.get(username="xizang-commander")
    overdue = selectors.overdue_plans(region, today)
    assert {"filing", "check", "evaluation", "drill"} == {row["duty"] for row in overdue}
    drills_overdue = [row["plan"] for row in overdue if row["duty"] == "drill"]
    assert any(p.kind == PlanKind.ON_SITE and not p.drills.exists() for p in drills_overdue)
    assert any(p.keeper == Keeper.HIGH_RISK_UNIT and p.kind != PlanKind.ON_SITE for p in drills_overdue)
    in_time = [r for r in selectors.plan_obligations(plans, today) if r["overdue_days"] == 0]
    assert {"evaluation", "drill"} <= {row["duty"] for row in in_time}  # and some compliant

    # The roster: the shifts that ended were handed over and received.
    ended = DutyShift.objects.filter(ends_at__lte=timezone.now())
    assert ended.count() >= 4 and not ended.filter(received_at__isnull=True).exists()
    assert all(s.handover_notes for s in ended)
    assert DutyShift.objects.filter(starts_at__gt=timezone.now()).count() >= 4

    # The past incident: closed with its review, a full log, every dispatch status, a request delivered.
    closed = Incident.objects.get(status=IncidentStatus.CLOSED)
    assert closed.review and closed.lessons and closed.log.count() >= 10
    assert closed.dispatches.count() == 3
    assert not closed.dispatches.exclude(status=DispatchStatus.RELEASED).exists()
    assert not closed.dispatches.filter(en_route_at=None).exists()
    assert not closed.dispatches.filter(on_site_at=None).exists()
    assert closed.log.filter(kind="dispatch").count() == 3 * 4  # ordered, en route, on site, released
    texts = list(closed.log.values_list("text", flat=True))
    for status in (DispatchStatus.EN_ROUTE, DispatchStatus.ON_SITE, DispatchStatus.RELEASED):
        assert sum(t.endswith(f": {status.label}") for t in texts) == 3
    assert {"status", "decision", "note", "correction", "dispatch", "request", "report", "alert"} <= set(
        closed.log.values_list("kind", flat=True)
    )
    request = ResourceRequest.objects.get(incident=closed)
    assert request.status == RequestStatus.DELIVERED and request.to_organisation != request.from_organisation
    assert SituationReport.objects.filter(incident=closed, sent_at__isnull=False).count() == 2
    update = Alert.objects.get(incident=closed, msg_type="Update")
    assert update.references.incident == closed
    assert services.alert_xml(update).startswith(b"<?xml")

    # The open incident: last night's mine accident, one team on its way, a ready mine-rescue team near it free.
    live = Incident.objects.get(status=IncidentStatus.OPEN)
    assert live.division_code == "540127" and live.kind == "mine" and live.accident is not None
    assert live.log.filter(kind__in=["note", "decision"]).count() == 2
    assert list(live.dispatches.values_list("status", flat=True)) == [DispatchStatus.EN_ROUTE]
    busy = Dispatch.objects.exclude(status=DispatchStatus.RELEASED).values_list("team", flat=True)
    free = RescueTeam.objects.filter(
        kind=TeamKind.MINE_RESCUE, division_code="540127", readiness=Readiness.READY, on_duty=True
    ).exclude(pk__in=busy)
    assert free.exists()

    ranked = services.rank_help(region, live, "team", limit=None)
    routes = {row["object"].place.code: row["route"] for row in ranked}
    assert routes[UNLINKED] == "great_circle"
    assert list(routes.values()).count("road") >= 15
    assert ranked[0]["object"] in free and ranked[0]["route"] == "road"
    assert any(row["approximate"] for row in ranked if row["route"] == "road")
    lhasa = Person.objects.get(username="lhasa-commander")
    assert free.first().pk in [row["id"] for row in services.rank_help(lhasa, live, "team")]

    assert audit_verify()[1] is None

    before = [model.objects.count() for model in MODELS]
    assert set(demo.seed_demo().values()) == {0}
    assert [model.objects.count() for model in MODELS] == before


def demo_models() -> dict:
    from anjian.emergency import models

    return {
        "places": models.Place,
        "road segments": models.RoadSegment,
        "teams": models.RescueTeam,
        "depots": models.Depot,
        "depot items": models.DepotItem,
        "experts": models.Expert,
        "plans": models.Plan,
        "evaluations": models.PlanEvaluation,
        "drills": models.Drill,
        "duty shifts": models.DutyShift,
        "incidents": models.Incident,
        "log entries": models.LogEntry,
        "dispatches": models.Dispatch,
        "requests": models.ResourceRequest,
        "reports": models.SituationReport,
        "alerts": models.Alert,
    }


def test_the_network_files_are_the_region_county_seats():
    """places.csv holds every county seat of the region at its division's coordinates, plus passes and junctions;
    every segment joins two of its places."""
    with settings.DIVISIONS_CSV.open(encoding="utf-8-sig") as handle:
        seats = {r["code"]: r for r in csv.DictReader(handle) if r["code"][:2] == "54" and r["level"] == "county"}
    places = demo.read_table("places.csv")
    assert places[0] == ["code", "name", "lat", "lon", "division_code"]
    by_code = {row[0]: row for row in places[1:]}
    assert len(seats) == 74 and set(seats) <= set(by_code)
    for code, seat in seats.items():
        assert float(by_code[code][2]) == pytest.approx(float(seat["lat"]))
        assert float(by_code[code][3]) == pytest.approx(float(seat["lon"]))
        assert by_code[code][4] == code
    segments = demo.read_table("segments.csv")
    assert segments[0] == ["from", "to", "length_km", "speed_kmh", "two_way", "closed_from", "closed_to", "name"]
    for row in segments[1:]:
        assert row[0] in by_code and row[1] in by_code and row[0] != row[1]
        assert 30 <= float(row[3]) <= 80
