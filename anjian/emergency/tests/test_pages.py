"""The emergency pages end to end: the command centre, opening an incident, the nearest help on the map and in the
table, dispatching and advancing a team, the log (and its refusal to change), a request answered by another bureau,
a situation report drafted, edited and sent, closing; plans filed, returned and accepted, drills, what is overdue;
the registers, the duty roster and its handover, the road network's import and a route; an alert and its CAP XML;
and a commander of one prefecture kept out of another's pages."""

import datetime
import re

import pytest
from django.utils import timezone

from anjian.emergency import cap, network, services
from anjian.emergency.models import (
    Alert,
    Dispatch,
    DispatchStatus,
    Drill,
    DutyShift,
    FilingState,
    Incident,
    LogEntry,
    Place,
    Plan,
    RescueTeam,
    ResourceRequest,
    SituationReport,
)

pytestmark = pytest.mark.django_db

# A small graph, minutes by hand: A–B 60 km at 60 km/h = 60 min; B–C 30 km at 30 = 60 min; A–C 100 km at 50 =
# 120 min; D is an island (no road). Lhasa-ish coordinates.
PLACES = (
    "code,name,lat,lon,division_code\n"
    "A,甲,29.65,91.10,540102\nB,乙,29.90,91.60,540102\nC,丙,29.80,91.20,540102\nD,丁,31.00,92.00,540100\n"
)
SEGMENTS = (
    "from,to,length_km,speed_kmh,two_way,closed_from,closed_to,name\n"
    "A,B,60,60,1,,,G318\nB,C,30,30,1,,,X1\nA,C,100,50,1,,,S5\n"
)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def cmd(world):
    from conftest import make_person

    w = world
    w.xizang_commander = make_person("xizang-commander", w.region, "commander", full_name="自治区值班员")
    w.lhasa_commander = make_person("lhasa-commander", w.lhasa, "commander", full_name="拉萨值班员")
    w.lhasa_commander2 = make_person("lhasa-commander2", w.lhasa, "commander", full_name="拉萨接班员")
    w.shigatse_commander = make_person("shigatse-commander", w.shigatse, "commander", full_name="日喀则值班员")
    services.network_import(
        w.xizang_commander,
        [line.split(",") for line in PLACES.strip().splitlines()],
        [line.split(",") for line in SEGMENTS.strip().splitlines()],
        approximate=True,
        source="test graph",
    )
    place = {p.code: p for p in Place.objects.all()}

    def team(name, code, lat, lon, by=w.lhasa_commander, division="540102", **extra):
        data = {"name": name, "division_code": division, "lat": lat, "lon": lon, "place": code, "kind": "mine_rescue",
                "base": name, "members": 12}  # fmt: skip
        return services.team_save(by, data | extra)

    w.team_b = team("乙地矿山救护队", "B", place["B"].lat, place["B"].lon)
    w.team_c = team("丙地矿山救护队", "C", place["C"].lat, place["C"].lon)
    w.team_d = team("丁地救援队", "D", place["D"].lat, place["D"].lon, division="540100")
    w.team_shigatse = team("日喀则救护队", "", 29.27, 88.88, by=w.shigatse_commander, division="540200")
    w.incident, _ = services.incident_open(
        w.lhasa_commander,
        title="甲地煤矿瓦斯爆炸",
        kind="mine",
        severity="larger",
        place="甲地煤矿",
        road_place="A",
        lat=place["A"].lat,
        lon=place["A"].lon,
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        division_code="540102",
        trapped=5,
    )
    yield w
    network.forget()


def test_the_command_centre_and_an_incident_page(login, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    home = text(page.get("/emergency/"))
    assert "甲地煤矿瓦斯爆炸" in home
    body = text(page.get(f"/emergency/incidents/{w.incident.pk}/"))
    # Ranked by road: C is 120 min (A–C direct = 120; A–B–C = 120 too), B 60 min; D has no road: great circle.
    rows = re.findall(r'data-help="team-(\d+)" data-route="(\w+)" data-minutes="([\d.]+)"', body)
    assert [int(r[0]) for r in rows][:2] == [w.team_b.pk, w.team_c.pk]
    assert {int(a): b for a, b, _ in rows}[w.team_d.pk] == "great_circle"
    assert float(rows[0][2]) == 60.0
    assert w.team_shigatse.name not in body  # another prefecture's team is not Lhasa's to send
    assert "<svg" in body and 'data-kind="incident"' in body and f'data-key="team-{w.team_b.pk}"' in body


def test_dispatch_advance_and_the_log_from_the_page(login, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    url = f"/emergency/incidents/{w.incident.pk}/"
    sent = page.post(url, {"action": "dispatch", "kind": "team", "id": w.team_b.pk, "task": "井下搜救"})
    assert sent.status_code == 302
    dispatch = Dispatch.objects.get()
    assert dispatch.team == w.team_b and dispatch.travel_minutes == 60.0 and dispatch.route == "road"
    shown = text(page.get(url))
    # No longer offered, but on the map with its route as help sent.
    assert f'data-help="team-{w.team_b.pk}"' not in shown and f'data-key="team-{w.team_b.pk}"' in shown
    assert abs((dispatch.eta - dispatch.ordered_at).total_seconds() - 3600) < 1
    # The same team again: refused, nothing added.
    page.post(url, {"action": "dispatch", "kind": "team", "id": w.team_b.pk})
    assert Dispatch.objects.count() == 1
    from django.utils import translation

    from anjian.core.errors import message_for

    with translation.override("zh-hans"):
        refused = str(message_for("help_committed")) % {"name": w.team_b.name, "incident": w.incident.title}
    assert refused in text(page.get(url))  # the refusal, named, shown on the page after the redirect
    for status in ("en_route", "on_site", "released"):
        page.post(url, {"action": "status", "dispatch": dispatch.pk, "status": status})
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.RELEASED and dispatch.on_site_at and dispatch.released_at
    page.post(url, {"action": "log", "text": "通风恢复", "kind": "decision"})
    entries = list(LogEntry.objects.filter(incident=w.incident).order_by("seq"))
    assert entries[-1].text == "通风恢复" and entries[-1].actor == w.lhasa_commander
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert "通风恢复" in text(page.get(url))


def test_request_report_and_close(login, client, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    url = f"/emergency/incidents/{w.incident.pk}/"
    page.post(url, {"action": "request", "to_organisation": w.shigatse.pk, "items": "正压氧气呼吸器 20 台"})
    request = ResourceRequest.objects.get()
    page.post(url, {"action": "draft_report"})
    report = SituationReport.objects.get()
    assert report.to_division_id == "540000" and "5" in report.body  # Lhasa commands: the region is next; 5 trapped
    page.post(url, {"action": "edit_report", "report": report.pk, "body": "第一次报告：被困5人。", "send": "1"})
    report.refresh_from_db()
    assert report.sent_at is not None and report.body == "第一次报告：被困5人。"
    client.logout()
    other = login(w.shigatse_commander)
    assert "正压氧气呼吸器" in text(other.get("/emergency/requests/"))
    other.post("/emergency/requests/", {"request": request.pk, "status": "accepted", "answer": "两小时内出发"})
    request.refresh_from_db()
    assert request.status == "accepted"
    # Shigatse sees the incident it was asked to help with and sends its own team, but commands nothing else.
    helping = text(other.get(url))
    assert f'data-dispatch="team-{w.team_shigatse.pk}"' in helping and w.team_b.name not in helping
    other.post(url, {"action": "dispatch", "kind": "team", "id": w.team_shigatse.pk})
    assert Dispatch.objects.get().team == w.team_shigatse
    assert other.post(url, {"action": "log", "text": "x"}).status_code == 404
    other.post(url, {"action": "status", "dispatch": Dispatch.objects.get().pk, "status": "released"})  # its own
    client.logout()
    page = login(w.lhasa_commander)
    page.post(url, {"action": "close", "review": ""})
    assert Incident.objects.get().status == "open"
    page.post(url, {"action": "close", "review": "救援及时，五人获救。", "lessons": "加强瓦斯监测"})
    incident = Incident.objects.get()
    assert incident.status == "closed" and incident.review.startswith("救援及时")
    assert "救援及时" in text(page.get(url))


def test_another_prefecture_is_kept_out(login, cmd):
    w = cmd
    page = login(w.shigatse_commander)
    assert page.get(f"/emergency/incidents/{w.incident.pk}/").status_code == 404
    assert "甲地煤矿" not in text(page.get("/emergency/incidents/"))
    assert w.team_b.name not in text(page.get("/emergency/registers/teams/"))
    plan = services.plan_create(
        w.lhasa_commander, kind="special", keeper="unit", title="拉萨局预案", published_on=timezone.localdate()
    )
    assert page.get(f"/emergency/plans/{plan.pk}/").status_code == 404
    assert page.post(f"/emergency/plans/{plan.pk}/", {"action": "file"}).status_code == 404


def test_open_an_incident_by_hand_with_bad_coordinates(login, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    data = {"title": "山体滑坡", "kind": "natural", "place": "某地", "division_code": "540102", "lat": "48.8",
            "lon": "2.35", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "deaths": 0, "missing": 0,
            "injured": 0, "trapped": 0}  # fmt: skip
    bad = page.post("/emergency/incidents/", data)
    assert bad.status_code == 200 and Incident.objects.count() == 1  # Paris: outside China
    good = page.post("/emergency/incidents/", data | {"lat": "29.7", "lon": "91.2"})
    assert good.status_code == 302 and Incident.objects.count() == 2


def test_plans_filed_returned_accepted_and_overdue(login, client, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    made = page.post(
        "/emergency/plans/",
        {"kind": "on_site", "keeper": "high_risk_unit", "title": "井下透水现场处置方案", "published_on": long_ago},
    )
    plan = Plan.objects.get()
    assert made.status_code == 302
    overdue = text(page.get("/emergency/plans/overdue/"))
    assert 'data-duty="filing"' in overdue and 'data-duty="drill"' in overdue
    assert 'data-bureau="540100"' in overdue  # Lhasa's own plan, counted for Lhasa's bureau
    client.logout()
    region = text(login(w.xizang_commander).get("/emergency/plans/overdue/"))
    assert 'data-bureau="540100"' in region and '?division=5401"' in region
    client.logout()
    page = login(w.lhasa_commander)
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "file"})
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "accept"})  # Lhasa's own plan: the region checks it
    assert Plan.objects.get().state == FilingState.FILED
    client.logout()
    page = login(w.xizang_commander)
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "return", "reasons": ""})
    assert Plan.objects.get().state == FilingState.FILED
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "return", "reasons": "缺风险评估报告"})
    assert Plan.objects.get().state == FilingState.RETURNED
    client.logout()
    page = login(w.lhasa_commander)
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "file"})
    client.logout()
    page = login(w.xizang_commander)
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "accept"})
    plan.refresh_from_db()
    assert plan.state == FilingState.ACCEPTED and plan.filing_number
    future = timezone.localdate() + datetime.timedelta(days=1)
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "drill", "held_on": future, "form": "tabletop",
                                              "participants": 8, "scenario": "透水"})  # fmt: skip
    assert not Drill.objects.exists()
    page.post(f"/emergency/plans/{plan.pk}/", {"action": "drill", "held_on": timezone.localdate(),
                                              "form": "tabletop", "participants": 8, "scenario": "透水"})  # fmt: skip
    assert Drill.objects.count() == 1
    assert 'data-duty="drill"' not in text(page.get("/emergency/plans/overdue/"))


def test_registers_duty_and_roads(login, client, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    depot = {"name": "拉萨应急物资库", "division_code": "540102", "lat": "29.66", "lon": "91.13",
             "items_text": "帐篷, 200, 顶\n发电机, 12, 台"}  # fmt: skip
    page.post("/emergency/registers/depots/", depot)
    assert "帐篷" in text(page.get("/emergency/registers/depots/"))
    page.post("/emergency/registers/experts/", {"name": "扎西", "division_code": "540100", "lat": "29.65",
                                                "lon": "91.1", "fields_text": "矿山救援，通风"})  # fmt: skip
    assert "矿山救援" in text(page.get("/emergency/registers/experts/"))
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M"
    page.post("/emergency/duty/", {"action": "create", "starts_at": (now - datetime.timedelta(hours=1)).strftime(fmt),
                                   "ends_at": (now + datetime.timedelta(hours=7)).strftime(fmt),
                                   "officer": "lhasa-commander"})  # fmt: skip
    shift = DutyShift.objects.get()
    assert "拉萨值班员" in text(page.get("/emergency/"))
    page.post("/emergency/duty/", {"action": "handover", "shift": shift.pk, "notes": "甲地煤矿仍有5人被困"})
    client.logout()
    colleague = login(w.lhasa_commander2)
    colleague.post("/emergency/duty/", {"action": "receive", "shift": shift.pk})
    shift.refresh_from_db()
    assert shift.received_by == w.lhasa_commander2 and shift.handover_notes.startswith("甲地")
    routed = text(colleague.get("/emergency/roads/?from=B&to=A"))
    assert 'data-route="road" data-minutes="60.0"' in routed
    island = text(colleague.get("/emergency/roads/?from=D&to=A"))
    assert 'data-route="great_circle"' in island


def test_importing_the_network_from_the_page(login, client, cmd):
    w = cmd
    page = login(w.xizang_commander)
    bad = SEGMENTS + "A,D,0,40,1,,,bad\n"
    answer = page.post(
        "/emergency/roads/",
        {
            "places": _upload("places.csv", PLACES.encode("gb18030")),
            "segments": _upload("segments.csv", bad.encode()),
        },
    )
    assert answer.status_code == 200 and "路段，第 5 行" in text(answer)
    assert Place.objects.count() == 4
    good = page.post(
        "/emergency/roads/",
        {
            "places": _upload("places.csv", PLACES.encode("gb18030")),
            "segments": _upload("segments.csv", (SEGMENTS + "A,D,180,40,1,12-01,03-31,winter pass\n").encode()),
        },
    )
    assert good.status_code == 302
    assert Place.objects.get(code="A").name == "甲"  # read as GB18030
    # Teams keep their link to a place across the import.
    assert RescueTeam.objects.get(pk=w.team_b.pk).place.code == "B"
    client.logout()
    lhasa = login(w.lhasa_commander)
    refused = lhasa.post("/emergency/roads/", {"places": _upload("p.csv", PLACES.encode()),
                                               "segments": _upload("s.csv", SEGMENTS.encode())})  # fmt: skip
    assert refused.status_code == 200  # only the province's bureau keeps the network: refused on the form
    assert Place.objects.count() == 4


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_an_alert_page_and_its_cap(login, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    missing = page.post(
        f"/emergency/alerts/?incident={w.incident.pk}",
        {"incident": w.incident.pk, "status": "Actual", "msg_type": "Alert", "scope": "Public", "headline": "瓦斯爆炸"},
    )
    assert missing.status_code == 200 and not Alert.objects.exists()
    done = page.post(
        "/emergency/alerts/",
        {"incident": w.incident.pk, "status": "Actual", "msg_type": "Alert", "scope": "Public",
         "category": ["Safety", "Rescue"], "event": "煤矿瓦斯爆炸", "urgency": "Immediate", "severity": "Severe",
         "certainty": "Observed", "headline": "甲地煤矿瓦斯爆炸：周边勿近", "area_desc": "甲地煤矿周边5公里",
         "circle": "29.65,91.1 5", "headline_bo": "ཉེན་བརྡ།"},
    )  # fmt: skip
    assert done.status_code == 302
    alert = Alert.objects.get()
    xml = page.get(f"/api/v1/alerts/{alert.pk}.cap")
    assert xml.status_code == 200 and xml["Content-Type"].startswith("application/cap+xml")
    assert cap.validate(xml.content) == []
    assert b"urn:oasis:names:tc:emergency:cap:1.2" in xml.content and "ཉེན་བརྡ།".encode() in xml.content
    assert LogEntry.objects.filter(incident=w.incident, kind="alert").exists()


def test_the_svg_map_endpoint(api, cmd):
    w = cmd
    svg = api(w.lhasa_commander).get(f"/api/v1/incidents/{w.incident.pk}/map.svg?kind=team")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b'data-kind="great_circle"' in svg.content and b'data-kind="road"' in svg.content
    assert api(w.shigatse_commander).get(f"/api/v1/incidents/{w.incident.pk}/map.svg").status_code == 404


def test_one_units_drill_does_not_count_for_another_kept_by_the_same_bureau(cmd):
    """A bureau keeps the plans of two units without accounts: each unit's yearly drill is its own."""
    from anjian.core.rules import add_months
    from anjian.emergency import selectors
    from anjian.enterprises.models import Enterprise

    w = cmd
    today = timezone.localdate()
    plans = []
    for n, name in enumerate(("甲建材厂", "乙食品厂")):
        enterprise = Enterprise.objects.create(
            name=name, credit_code=f"91540102MA6T0000{n}X", legal_representative="扎西", division_id="540102",
            industry="3011",
        )  # fmt: skip
        plans.append(
            services.plan_create(
                w.lhasa_commander,
                enterprise=enterprise,
                kind="comprehensive",
                keeper="unit",
                title=f"{name}综合预案",
                published_on=today - datetime.timedelta(days=500),
            )  # fmt: skip
        )
    services.drill_record(
        w.lhasa_commander, plans[0], held_on=today - datetime.timedelta(days=30), form="tabletop", participants=9,
        scenario="火灾",
    )  # fmt: skip
    drills = {
        r["plan"].pk: r["overdue_days"]
        for r in selectors.plan_obligations(Plan.objects.filter(pk__in=[p.pk for p in plans]), today)
        if r["duty"] == "drill"
    }
    assert drills[plans[0].pk] == 0  # drilled a month ago: in time
    due = add_months(today - datetime.timedelta(days=500), 12)  # never drilled: a year after publishing
    assert drills[plans[1].pk] == (today - due).days > 0
    assert [r["duty"] for r in selectors.obligations_of(plans[1], today) if r["duty"] == "drill"] == ["drill"]


def test_a_tampered_request_form_is_refused_not_a_server_error(login, cmd):
    w = cmd
    page = login(w.lhasa_commander)
    url = f"/emergency/incidents/{w.incident.pk}/"
    for target in ("abc", "", "99999999999999999999"):
        assert page.post(url, {"action": "request", "to_organisation": target, "items": "帐篷"}).status_code == 302
    assert not ResourceRequest.objects.exists()
