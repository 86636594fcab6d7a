"""Accident reports end to end through the API: classes, the chain, forwarding, updates, investigations, scope."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.accidents.models import Accident, CasualtyUpdate, ReportStep
from anjian.core.models import AuditEntry
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    w = world
    w.chengguan_commander = make_person("chengguan-commander", w.chengguan, "commander")
    w.lhasa_statistician = make_person("lhasa-statistician", w.lhasa, "statistician")
    w.region_statistician = make_person("xizang-statistician", w.region, "statistician")
    w.national_statistician = make_person("national-statistician", w.national, "statistician")
    w.shigatse_statistician = make_person("shigatse-statistician", w.shigatse, "statistician")
    return w


def iso(moment):
    return timezone.localtime(moment).isoformat()


def report(hours_ago=2, **overrides):
    now = timezone.now()
    body = {
        "uuid": str(uuid.uuid4()),
        "occurred_at": iso(now - timedelta(hours=hours_ago)),
        "head_informed_at": iso(max(now - timedelta(hours=hours_ago), now - timedelta(minutes=30))),
        "division": "540102",
        "unit_name": "某矿业有限公司",
        "sector": "industrial",
        "industry": "metal_nonmetal_mine",
        "category": "15",
        "deaths": 0,
        "missing": 0,
        "serious_injuries": 0,
        "minor_injuries": 1,
        "direct_loss_yuan": "120000.00",
        "summary": "井下发生瓦斯爆炸",
    }
    body.update(overrides)
    return body


def chain_of(body):
    return [(s["division"], s["status"]) for s in body["report_chain"]]


def test_county_records_and_the_chain_follows_the_class(api, people):
    w = people
    response = api(w.chengguan_commander).post("/api/v1/accidents", report(deaths=3))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["severity"] == "larger"
    assert chain_of(body) == [("540102", "on_time"), ("540100", "pending"), ("540000", "pending")]
    first, second, third = body["report_chain"]
    assert first["reported_at"] is not None
    # the county had it within the hour; the prefecture is due two hours after the county had it
    received = timezone.datetime.fromisoformat(first["reported_at"])
    assert timezone.datetime.fromisoformat(second["due_at"]) == received + timedelta(hours=2)
    assert timezone.datetime.fromisoformat(third["due_at"]) == received + timedelta(hours=4)
    assert body["awaiting_division"] == "540102"
    assert AuditEntry.objects.filter(object_id=body["id"], action="create").exists()


@pytest.mark.parametrize(
    ("figures", "severity", "chain"),
    [
        ({"deaths": 2}, "general", ["540102", "540100"]),
        ({"serious_injuries": 10}, "larger", ["540102", "540100", "540000"]),
        ({"deaths": 9, "missing": 1}, "major", ["540102", "540100", "540000", "000000"]),
        ({"direct_loss_yuan": "100000000"}, "especially_major", ["540102", "540100", "540000", "000000"]),
    ],
)
def test_chain_for_every_class(api, people, figures, severity, chain):
    body = api(people.chengguan_commander).post("/api/v1/accidents", report(**figures)).json()
    assert body["severity"] == severity
    assert [s["division"] for s in body["report_chain"]] == chain


def test_a_district_without_its_own_bureau_starts_at_the_prefecture(api, people):
    # 540103 (堆龙德庆区) is in Lhasa's own district and has no bureau on the platform
    body = api(people.lhasa_statistician).post("/api/v1/accidents", report(division="540103", deaths=3)).json()
    assert chain_of(body) == [("540100", "on_time"), ("540000", "pending")]
    assert body["awaiting_division"] == "540100"


def test_a_prefecture_records_for_its_county(api, people):
    body = api(people.lhasa_statistician).post("/api/v1/accidents", report(deaths=3)).json()
    assert chain_of(body) == [("540102", "on_time"), ("540100", "on_time"), ("540000", "pending")]


def test_forward_up_the_chain_and_inbox(api, people):
    w = people
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(deaths=12)).json()
    path = f"/api/v1/accidents/{accident['id']}/forward"
    inbox = api(w.chengguan_commander).get("/api/v1/accidents/inbox").json()
    assert [a["id"] for a in inbox["items"]] == [accident["id"]]
    assert api(w.lhasa_statistician).get("/api/v1/accidents/inbox").json()["count"] == 0

    body = api(w.chengguan_commander).post(path, {}).json()
    assert chain_of(body)[:2] == [("540102", "on_time"), ("540100", "on_time")]
    assert api(w.chengguan_commander).get("/api/v1/accidents/inbox").json()["count"] == 0
    assert api(w.lhasa_statistician).get("/api/v1/accidents/inbox").json()["count"] == 1

    again = api(w.chengguan_commander).post(path, {})
    assert again.status_code == 409 and again.json()["code"] == "forward_not_your_turn"

    api(w.lhasa_statistician).post(path, {})
    body = api(w.region_statistician).post(path, {}).json()
    assert [s for _, s in chain_of(body)] == ["on_time"] * 4
    assert body["awaiting_division"] == ""
    end = api(w.national_statistician).post(path, {})
    assert end.status_code == 409 and end.json()["code"] == "forward_not_your_turn"


def test_skip_a_level(api, people):
    w = people
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(deaths=3)).json()
    body = api(w.chengguan_commander).post(f"/api/v1/accidents/{accident['id']}/forward", {"to": "540000"}).json()
    assert [s["skipped_to"] for s in body["report_chain"]] == [False, True, True]
    assert [s for _, s in chain_of(body)] == ["on_time"] * 3
    bad = api(w.chengguan_commander).post(f"/api/v1/accidents/{accident['id']}/forward", {"to": "540200"})
    assert bad.status_code == 409  # nothing left to forward


def test_forward_target_not_in_chain(api, people):
    accident = api(people.chengguan_commander).post("/api/v1/accidents", report(deaths=3)).json()
    bad = api(people.chengguan_commander).post(f"/api/v1/accidents/{accident['id']}/forward", {"to": "540200"})
    assert bad.status_code == 400 and bad.json()["field"] == "to"


def test_a_bureau_outside_the_chain_cannot_forward(api, people):
    w = people
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(deaths=1)).json()  # general: ends at 5401
    path = f"/api/v1/accidents/{accident['id']}/forward"
    response = api(w.region_statistician).post(path, {})
    assert response.status_code == 403 and response.json()["code"] == "forward_not_in_chain"
    assert api(w.shigatse_statistician).post(path, {}).status_code == 404  # not even visible
    assert ReportStep.objects.filter(accident_id=accident["id"], reported_at__isnull=False).count() == 1


def test_late_steps_and_late_unit_are_flagged(api, people):
    w = people
    now = timezone.now()
    body = report(
        hours_ago=8,
        deaths=3,
        head_informed_at=iso(now - timedelta(hours=7, minutes=50)),
        received_at=iso(now - timedelta(hours=5)),  # the head knew 7h50m ago: the unit reported late
    )
    accident = api(w.chengguan_commander).post("/api/v1/accidents", body).json()
    assert accident["unit_report_late"] is True
    assert chain_of(accident) == [("540102", "late"), ("540100", "late"), ("540000", "late")]
    forwarded = api(w.chengguan_commander).post(f"/api/v1/accidents/{accident['id']}/forward", {}).json()
    assert chain_of(forwarded)[1] == ("540100", "late")
    late = api(w.lhasa_statistician).get("/api/v1/accidents", late="true").json()
    assert [a["id"] for a in late["items"]] == [accident["id"]]


def test_retry_with_the_same_uuid_records_once(api, people):
    body = report()
    first = api(people.chengguan_commander).post("/api/v1/accidents", body)
    second = api(people.chengguan_commander).post("/api/v1/accidents", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] == body["uuid"]
    assert Accident.objects.count() == 1
    clash = api(people.chengguan_commander).post("/api/v1/accidents", {**body, "deaths": 4})
    assert clash.status_code == 409 and clash.json()["code"] == "accident_id_taken"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"occurred_at": "FUTURE"}, "occurred_at", "occurred_in_future"),
        ({"head_informed_at": "BEFORE"}, "head_informed_at", "head_informed_before_occurred"),
        ({"deaths": -1}, "deaths", "invalid"),
        ({"direct_loss_yuan": "-5"}, "direct_loss_yuan", "invalid"),
        ({"missing": 3, "deaths": 2, "minor_injuries": 0, "people_involved": 4}, "missing", "missing_counted_twice"),
        ({"occurred_at": "2026-11-29T03:00:00"}, "occurred_at", "time_needs_offset"),
        ({"division": "540100"}, "division", "division_not_county"),
        ({"division": "999999"}, "division", "division_unknown"),
        ({"division": "540202"}, "division", "division_out_of_scope"),
        ({"sector": "road_traffic", "industry": "coal_mine"}, "industry", "industry_only_industrial"),
        ({"category": "21"}, "category", "invalid"),
        (
            {"occurred_at": "2006-05-01T08:00:00+08:00", "head_informed_at": "2006-05-01T08:10:00+08:00"},
            "occurred_at",
            "occurred_before_rules",
        ),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_written(api, people, overrides, field, code):
    body = report(**overrides)
    now = timezone.now()
    if body["occurred_at"] == "FUTURE":
        body["occurred_at"] = iso(now + timedelta(minutes=5))
        body["head_informed_at"] = iso(now + timedelta(minutes=6))
    if body["head_informed_at"] == "BEFORE":
        body["head_informed_at"] = iso(now - timedelta(hours=3))
    response = api(people.chengguan_commander if code != "division_out_of_scope" else people.lhasa_statistician).post(
        "/api/v1/accidents", body
    )
    assert response.status_code in (400, 422), response.json()
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert Accident.objects.count() == 0 and ReportStep.objects.count() == 0


def test_messages_in_tibetan_and_english(api, people):
    body = report()
    body["head_informed_at"] = iso(timezone.now() - timedelta(hours=3))
    en = api(people.chengguan_commander, language="en").post("/api/v1/accidents", body).json()
    zh = api(people.chengguan_commander).post("/api/v1/accidents", body).json()
    assert "before the accident" in en["message"]
    assert en["message"] != zh["message"]


def test_only_recording_roles_of_a_bureau_record(api, people):
    w = people
    assert api(w.lhasa_inspector).post("/api/v1/accidents", report()).status_code == 403
    assert api(w.beijing_aid).post("/api/v1/accidents", report()).status_code == 403


def test_scope_of_reads(api, people):
    w = people
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(deaths=3)).json()
    path = f"/api/v1/accidents/{accident['id']}"
    assert api(w.lhasa_inspector).get(path).status_code == 200
    assert api(w.region_statistician).get(path).status_code == 200
    assert api(w.shigatse_statistician).get(path).status_code == 404
    assert api(w.beijing_aid).get(path).status_code == 404
    assert api(w.shigatse_statistician).get("/api/v1/accidents").json()["count"] == 0
    assert api(w.lhasa_inspector).get("/api/v1/accidents").json()["count"] == 1
    update = {"as_of": iso(timezone.now()), "deaths": 5, "missing": 0, "serious_injuries": 0, "minor_injuries": 0}
    assert api(w.shigatse_statistician).post(f"{path}/casualty-updates", update).status_code == 404
    assert api(w.shigatse_statistician).get(f"{path}/casualty-updates").status_code == 404


def test_update_inside_the_window_raises_the_class_and_grows_the_chain(api, people):
    w = people
    received = timezone.now() - timedelta(hours=29)
    body = report(hours_ago=30, deaths=2, head_informed_at=iso(received), received_at=iso(received))
    accident = api(w.chengguan_commander).post("/api/v1/accidents", body).json()
    path = f"/api/v1/accidents/{accident['id']}"
    api(w.chengguan_commander).post(f"{path}/forward", {"at": iso(timezone.now() - timedelta(hours=1))})
    as_of = timezone.now() - timedelta(minutes=30)
    body = {"as_of": iso(as_of), "deaths": 3, "missing": 0, "serious_injuries": 0, "minor_injuries": 1}
    response = api(w.lhasa_statistician).post(f"{path}/casualty-updates", body)
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["update"]["applied"] is True
    assert out["accident"]["deaths"] == 3 and out["accident"]["severity"] == "larger"
    assert [s["division"] for s in out["accident"]["report_chain"]] == ["540102", "540100", "540000"]
    region_step = out["accident"]["report_chain"][2]
    # the region's step is required from the update on: due two hours after it
    due = timezone.datetime.fromisoformat(region_step["due_at"])
    assert abs(due - (as_of + timedelta(hours=2))) < timedelta(seconds=1)
    assert out["accident"]["awaiting_division"] == "540100"
    history = api(w.lhasa_statistician).get(f"{path}/casualty-updates").json()
    assert [(h["kind"], h["deaths"], h["severity"]) for h in history] == [
        ("initial", 2, "general"),
        ("update", 3, "larger"),
    ]


@pytest.mark.parametrize(("sector", "days"), [("road_traffic", 7), ("fire", 7), ("industrial", 30)])
def test_update_windows_on_both_sides(api, people, sector, days):
    w = people
    now = timezone.now()
    occurred = now - timedelta(days=days + 3)
    body = report(
        sector=sector,
        industry="",
        category="02",
        occurred_at=iso(occurred),
        head_informed_at=iso(occurred + timedelta(minutes=5)),
        received_at=iso(occurred + timedelta(minutes=30)),
        deaths=1,
    )
    accident = api(w.chengguan_commander).post("/api/v1/accidents", body).json()
    closes = timezone.datetime.fromisoformat(accident["window_closes_at"])
    occurred_day = timezone.localdate(occurred)
    assert timezone.localtime(closes).date() == occurred_day + timedelta(days=days + 1)  # midnight after the last day
    path = f"/api/v1/accidents/{accident['id']}/casualty-updates"
    figures = {"missing": 0, "serious_injuries": 0, "minor_injuries": 0}
    inside = closes - timedelta(seconds=1)
    first = api(w.chengguan_commander).post(path, {"as_of": iso(inside), "deaths": 2, **figures}).json()
    assert first["update"]["applied"] is True and first["accident"]["deaths"] == 2
    second = api(w.chengguan_commander).post(path, {"as_of": iso(closes), "deaths": 4, **figures}).json()
    assert second["update"]["applied"] is False
    assert second["accident"]["deaths"] == 2 and second["accident"]["severity"] == "general"
    assert CasualtyUpdate.objects.filter(accident_id=accident["id"]).count() == 3


def test_bad_updates(api, people):
    w = people
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(hours_ago=5)).json()
    path = f"/api/v1/accidents/{accident['id']}/casualty-updates"
    figures = {"deaths": 1, "missing": 0, "serious_injuries": 0, "minor_injuries": 0}
    before = timezone.now() - timedelta(hours=6)
    response = api(w.chengguan_commander).post(path, {"as_of": iso(before), **figures})
    assert response.json()["code"] == "update_before_accident"
    future = timezone.now() + timedelta(hours=1)
    assert api(w.chengguan_commander).post(path, {"as_of": iso(future), **figures}).json()["code"] == "update_in_future"
    twice = {**figures, "deaths": 2, "missing": 2, "people_involved": 3, "as_of": iso(timezone.now())}
    assert api(w.chengguan_commander).post(path, twice).json()["code"] == "missing_counted_twice"
    assert CasualtyUpdate.objects.filter(accident_id=accident["id"]).count() == 1


def test_investigation_runs_against_its_deadline(api, people):
    w = people
    make_person("lhasa-leader2", w.lhasa, "leader")
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(hours_ago=30, deaths=3)).json()
    path = f"/api/v1/accidents/{accident['id']}/investigation"
    today = timezone.localdate()
    team = {"leader": "张三", "team": [{"name": "李四", "unit": "拉萨市应急管理局", "role": "组员"}]}
    opened = api(w.lhasa_leader).post(path, {**team, "started_on": today.isoformat()})
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    assert body["lead_division"] == "540100"  # a larger accident: the prefecture's government (Art. 19)
    occurred_on = timezone.localdate(timezone.datetime.fromisoformat(accident["occurred_at"]))
    assert body["due_on"] == (occurred_on + timedelta(days=60)).isoformat()
    assert api(w.lhasa_leader).post(path, {**team, "started_on": today.isoformat()}).status_code == 409

    actions = f"{path}/actions"
    extended = api(w.lhasa_leader).post(actions, {"action": "extend", "days": 30, "reason": "技术鉴定"}).json()
    assert extended["due_on"] == (occurred_on + timedelta(days=90)).isoformat()
    again = api(w.lhasa_leader).post(actions, {"action": "extend", "days": 10, "reason": "再延"})
    assert again.status_code == 409 and again.json()["code"] == "investigation_already_extended"
    too_long = api(w.lhasa_leader).post(actions, {"action": "answer"})
    assert too_long.status_code == 409
    incomplete = api(w.lhasa_leader).post(actions, {"action": "submit", "report": "报告"})
    assert incomplete.json()["code"] == "report_incomplete"
    submitted = (
        api(w.lhasa_leader)
        .post(
            actions,
            {
                "action": "submit",
                "report": "调查报告全文",
                "direct_cause": "瓦斯积聚遇电火花",
                "findings": [{"party": "某矿业有限公司", "kind": "unit", "finding": "未落实瓦斯检测"}],
                "reporting_finding": "late",
            },
        )
        .json()
    )
    assert submitted["state"] == "reported" and submitted["answer_due_on"] == (today + timedelta(days=15)).isoformat()
    assert api(w.lhasa_leader).post(actions, {"action": "answer"}).json()["state"] == "answered"
    assert api(w.lhasa_leader).post(actions, {"action": "close"}).json()["state"] == "closed"
    assert api(w.shigatse_admin).get(path).status_code == 404
    assert api(w.chengguan_commander).post(actions, {"action": "close"}).status_code == 403


def test_a_class_that_falls_drops_the_steps_not_yet_reached_and_a_rise_moves_the_investigation(api, people):
    w = people
    received = timezone.now() - timedelta(hours=3)
    body = report(hours_ago=4, deaths=8, missing=2, head_informed_at=iso(received), received_at=iso(received))
    accident = api(w.chengguan_commander).post("/api/v1/accidents", body).json()
    assert accident["severity"] == "major" and len(accident["report_chain"]) == 4
    path = f"/api/v1/accidents/{accident['id']}"
    api(w.chengguan_commander).post(f"{path}/forward", {"at": iso(received + timedelta(minutes=30))})
    # the two missing are found alive: 8 dead, a larger accident; the national step, never reached, goes
    figures = {"serious_injuries": 0, "minor_injuries": 3}
    out = api(w.chengguan_commander).post(
        f"{path}/casualty-updates", {"as_of": iso(timezone.now()), "deaths": 8, "missing": 0, **figures}
    )
    chain = out.json()["accident"]["report_chain"]
    assert out.json()["accident"]["severity"] == "larger"
    assert [s["division"] for s in chain] == ["540102", "540100", "540000"]
    team = {"leader": "张三", "team": [{"name": "李四"}], "started_on": timezone.localdate().isoformat()}
    opened = api(w.lhasa_leader).post(f"{path}/investigation", team).json()
    assert opened["lead_division"] == "540100"
    # two of the injured die in hospital: 10 dead, major again, and the province takes the investigation over
    out = api(w.chengguan_commander).post(
        f"{path}/casualty-updates", {"as_of": iso(timezone.now()), "deaths": 10, "missing": 0, **figures}
    )
    assert out.json()["accident"]["severity"] == "major"
    assert out.json()["accident"]["report_chain"][-1]["division"] == "000000"
    assert api(w.lhasa_leader).get(f"{path}/investigation").json()["lead_division"] == "540000"


def test_an_investigation_is_run_by_the_bureau_of_its_level(api, people):
    w = people
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(hours_ago=5, deaths=12)).json()
    path = f"/api/v1/accidents/{accident['id']}/investigation"
    team = {"leader": "张三", "team": [{"name": "李四"}], "started_on": timezone.localdate().isoformat()}
    refused = api(w.lhasa_leader).post(path, team)  # a major accident: the province's
    assert refused.status_code == 403 and refused.json()["code"] == "investigation_not_yours"
    assert api(w.chengguan_inspector).post(path, team).status_code == 403
    assert api(w.region_leader).post(path, team).status_code == 201
    assert (
        api(w.lhasa_leader).post(f"{path}/actions", {"action": "extend", "days": 5, "reason": "x"}).status_code == 403
    )


def test_a_retried_update_is_recorded_once_and_a_different_one_under_its_id_refused(api, people):
    w = people
    accident = api(w.chengguan_commander).post("/api/v1/accidents", report(hours_ago=5)).json()
    path = f"/api/v1/accidents/{accident['id']}/casualty-updates"
    body = {"uuid": str(uuid.uuid4()), "as_of": iso(timezone.now()), "deaths": 1, "missing": 0}
    body |= {"serious_injuries": 0, "minor_injuries": 1}
    assert api(w.chengguan_commander).post(path, body).status_code == 201
    assert api(w.chengguan_commander).post(path, body).status_code == 200
    clash = api(w.chengguan_commander).post(path, {**body, "missing": 1})
    assert clash.status_code == 409 and clash.json()["code"] == "update_id_taken"
    assert CasualtyUpdate.objects.filter(accident_id=accident["id"]).count() == 2
