"""Emergency rescue command end to end through the API: incidents and their append-only log, the nearest help by the
fastest road on a hand-checked network, dispatches and their lifecycle, incidents opened from accident reports,
situation reports, requests between bureaus, plans and drills, the duty roster, CAP 1.2 alerts, and scope."""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from lxml import etree

from anjian.accidents.services import accident_record
from anjian.core.calendar import add_working_days
from anjian.core.models import Organisation
from anjian.core.rules import add_months
from anjian.emergency import cap, rules, services
from anjian.emergency.models import Alert, Incident, LogEntry, Place, RoadSegment
from anjian.enterprises.models import Enterprise
from conftest import make_bureau, make_person

pytestmark = pytest.mark.django_db

API = "/api/v1"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


@pytest.fixture
def people(world):
    w = world
    w.lhasa_commander = make_person("lhasa-commander", w.lhasa, "commander", full_name="拉萨值班指挥长")
    w.shigatse_commander = make_person("shigatse-commander", w.shigatse, "commander")
    w.region_commander = make_person("xizang-commander", w.region, "commander")
    w.chengguan_commander = make_person("chengguan-commander", w.chengguan, "commander")
    return w


def iso(moment):
    return timezone.localtime(moment).isoformat()


def problem(response):
    body = response.json()
    return response.status_code, body["code"], body["field"]


def same_moment(text, moment):
    """A time as the API writes it (to the millisecond) is the moment given."""
    return abs(datetime.fromisoformat(text) - moment) < timedelta(milliseconds=1)


def items(response):
    assert response.status_code == 200, response.json()
    return response.json()["items"]


def ids(response):
    return {row["id"] for row in items(response)}


# --- builders --------------------------------------------------------------------------------------------------------


def incident_body(**overrides):
    body = {
        "title": "曲水县危化品运输车泄漏",
        "kind": "hazchem",
        "severity": "general",
        "place": "G318 曲水段",
        "lat": 29.65,
        "lon": 91.10,
        "occurred_at": iso(timezone.now() - timedelta(hours=1)),
        "deaths": 1,
        "injured": 3,
        "trapped": 2,
    }
    return body | overrides


def open_incident(caller, **overrides):
    response = caller.post(f"{API}/incidents", incident_body(**overrides))
    assert response.status_code == 201, response.json()
    return response.json()


def located(name, lat, lon, place="", **overrides):
    body = {"name": name, "lat": lat, "lon": lon, "place": place, "contact_name": "次仁", "phone": "0891-6000000"}
    return body | overrides


def add_team(caller, name, lat=29.66, lon=91.14, place="", **overrides):
    body = located(name, lat, lon, place, kind="hazchem", base=f"{name}驻地", members=24) | overrides
    response = caller.post(f"{API}/emergency/teams", body)
    assert response.status_code == 201, response.json()
    return response.json()


def add_depot(caller, name, lat=29.66, lon=91.14, place="", **overrides):
    body = located(name, lat, lon, place, items=[{"item": "防化服", "quantity": 40, "unit": "套"}]) | overrides
    response = caller.post(f"{API}/emergency/depots", body)
    assert response.status_code == 201, response.json()
    return response.json()


def add_expert(caller, name, lat=29.66, lon=91.14, place="", **overrides):
    body = located(name, lat, lon, place, fields=["危险化学品", "堵漏"], title="高级工程师") | overrides
    response = caller.post(f"{API}/emergency/experts", body)
    assert response.status_code == 201, response.json()
    return response.json()


def dispatch(caller, incident, helper, kind="team", task="堵漏、洗消"):
    return caller.post(f"{API}/incidents/{incident['id']}/dispatches", {"kind": kind, "id": helper["id"], "task": task})


def advance(caller, incident, sent, status, **extra):
    return caller.post(f"{API}/incidents/{incident['id']}/dispatches/{sent['id']}/status", {"status": status} | extra)


def alert_body(**overrides):
    body = {
        "category": ["Safety", "CBRNE"],
        "event": "危险化学品泄漏",
        "response_type": ["Evacuate"],
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "headline": "曲水县G318沿线液氨泄漏，请立即撤离",
        "description": "一辆液氨运输车在G318曲水段侧翻泄漏。",
        "instruction": "下风向2公里内居民立即撤离，关闭门窗。",
        "headline_bo": "ཆུ་ཤུར་རྫོང་དུ་ཉེན་བརྡ།",
        "description_bo": "ཉེན་བརྡ།",
        "area_desc": "拉萨市曲水县G318沿线",
        "circle": "29.65,91.10 2",
    }
    return body | overrides


# --- the road network: a small graph checked by hand -----------------------------------------------------------------
#
#   B ──30 km @ 60──> J ──20 km @ 60──> INC      B→INC by J: 30 + 20 = 50 min, 50 km (the fastest)
#   B ──────── 40 km @ 30 ─────────────> INC      80 min
#   B ──────── 45 km @ 150, closed all year ──>   (would be 18 min: left out)
#   A ──────── 60 km @ 30 ─────────────> INC      120 min, although A is the nearest in a straight line (19 km)
#   INC ── 10 km @ 60, one-way ──> A              10 min from INC to A, not back
#   C: a place with no road at all                great circle at the off-road 40 km/h

PLACES = [
    ("code", "name", "lat", "lon", "division_code"),
    ("INC", "曲水路口", "29.65", "91.10", "540124"),
    ("A", "达孜山口", "29.65", "91.30", "540126"),
    ("B", "墨竹工卡", "29.65", "91.50", "540127"),
    ("J", "德庆乡", "29.80", "91.30", "540126"),
    ("C", "孤村", "29.30", "91.10", "540124"),
]
SEGMENTS = [
    ("from", "to", "length_km", "speed_kmh", "two_way", "closed_from", "closed_to", "name"),
    ("A", "INC", "60", "30", "yes", "", "", "山路"),
    ("INC", "A", "10", "60", "no", "", "", "单行隧道"),
    ("B", "J", "30", "60", "yes", "", "", "县道"),
    ("J", "INC", "20", "60", "", "", "", "县道"),
    ("B", "INC", "40", "30", "yes", "", "", "老路"),
    ("B", "INC", "45", "150", "yes", "01-01", "12-31", "封闭的新路"),
]
GREAT_CIRCLE_C_KM = rules.great_circle_km(29.30, 91.10, 29.65, 91.10)


def csv_bytes(rows, encoding="utf-8"):
    return ("\n".join(",".join(row) for row in rows) + "\n").encode(encoding)


def import_roads(client, api, person, places=PLACES, segments=SEGMENTS, *, approximate=False, encoding="utf-8"):
    files = {
        "places": SimpleUploadedFile("places.csv", csv_bytes(places, encoding), content_type="text/csv"),
        "segments": SimpleUploadedFile("segments.csv", csv_bytes(segments, encoding), content_type="text/csv"),
    }
    query = "?approximate=true" if approximate else ""
    return client.post(f"{API}/roads/import{query}", files, headers=api(person).headers)


@pytest.fixture
def roads(client, api, people):
    response = import_roads(client, api, people.region_commander, approximate=True)
    assert response.status_code == 200, response.json()
    assert (response.json()["places"], response.json()["segments"]) == (5, 6)
    return people


@pytest.fixture
def ranked(api, roads):
    """Lhasa's teams at A, B and C, and an incident at INC."""
    w = roads
    lhasa = api(w.lhasa_commander)
    w.team_a = add_team(lhasa, "达孜危化救援队", 29.65, 91.30, "A")
    w.team_b = add_team(lhasa, "墨竹工卡矿山救护队", 29.65, 91.50, "B")
    w.team_c = add_team(lhasa, "孤村民兵救援队", 29.30, 91.10, "C")
    w.incident = open_incident(lhasa, road_place="INC")
    return w


# --- 1. the issue's contract -----------------------------------------------------------------------------------------


def test_open_list_and_read_an_incident(api, people):
    w = people
    lhasa = api(w.lhasa_commander)
    incident = open_incident(lhasa)
    assert incident["status"] == "open" and incident["division_code"] == "540100"
    assert (incident["deaths"], incident["injured"], incident["trapped"]) == (1, 3, 2)
    assert incident["commanded_by"] == w.lhasa.name and incident["accident"] is None
    assert [i["id"] for i in items(lhasa.get(f"{API}/incidents"))] == [incident["id"]]
    assert items(lhasa.get(f"{API}/incidents", status="closed")) == []
    assert lhasa.get(f"{API}/incidents/{incident['id']}").json()["title"] == "曲水县危化品运输车泄漏"
    log = lhasa.get(f"{API}/incidents/{incident['id']}/log").json()
    assert [(e["seq"], e["kind"], e["actor"]) for e in log] == [(1, "status", "lhasa-commander")]
    # what a hand-opened incident needs
    missing = lhasa.post(f"{API}/incidents", incident_body(occurred_at=None))
    assert problem(missing) == (400, "required", "occurred_at")
    elsewhere = lhasa.post(f"{API}/incidents", incident_body(division_code="540202"))
    assert problem(elsewhere) == (400, "division_out_of_scope", "division_code")
    unknown = lhasa.post(f"{API}/incidents", incident_body(division_code="549999"))
    assert problem(unknown) == (400, "division_unknown", "division_code")
    assert Incident.objects.count() == 1


def test_nearest_is_ordered_by_travel_time_with_the_contracts_fields(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    response = lhasa.get(f"{API}/incidents/{w.incident['id']}/nearest", kind="team")
    assert response.status_code == 200, response.json()
    rows = response.json()
    for row in rows:
        assert {"id", "name", "travel_minutes", "distance_km", "route"} <= set(row)
        assert row["route"] in ("road", "great_circle")
    minutes = [row["travel_minutes"] for row in rows]
    assert minutes == sorted(minutes)
    assert [row["id"] for row in rows] == [w.team_b["id"], w.team_c["id"], w.team_a["id"]]
    # depots and experts are ranked the same way
    depot = add_depot(lhasa, "曲水应急物资库", 29.30, 91.10, "C")
    expert = add_expert(lhasa, "德庆化工专家", 29.80, 91.30, "J")
    [by_depot] = lhasa.get(f"{API}/incidents/{w.incident['id']}/nearest", kind="depot").json()
    assert (by_depot["id"], by_depot["name"], by_depot["route"]) == (depot["id"], "曲水应急物资库", "great_circle")
    [by_expert] = lhasa.get(f"{API}/incidents/{w.incident['id']}/nearest", kind="expert").json()
    assert (by_expert["id"], by_expert["route"], by_expert["travel_minutes"], by_expert["distance_km"]) == (
        expert["id"],
        "road",
        20.0,
        20.0,
    )
    assert lhasa.get(f"{API}/incidents/{w.incident['id']}/nearest", kind="boat").status_code == 422


def test_the_log_takes_notes_decisions_and_corrections(api, people):
    lhasa = api(people.lhasa_commander)
    incident = open_incident(lhasa)
    path = f"{API}/incidents/{incident['id']}/log"
    earlier = timezone.now() - timedelta(minutes=20)
    note = lhasa.post(path, {"text": "现场风向西北，泄漏持续", "happened_at": iso(earlier)})
    assert note.status_code == 201, note.json()
    assert (note.json()["seq"], note.json()["kind"], note.json()["actor"]) == (2, "note", "lhasa-commander")
    decision = lhasa.post(path, {"text": "划定下风向2公里警戒区", "kind": "decision"})
    assert decision.json()["seq"] == 3
    corrected = lhasa.post(path, {"text": "风向为东南，非西北", "kind": "correction", "corrects": 2})
    assert corrected.status_code == 201
    assert (corrected.json()["kind"], corrected.json()["corrects"]) == ("correction", 2)
    # naming the entry is enough to make it a correction
    implied = lhasa.post(path, {"text": "补充：时间为14:05", "corrects": 3})
    assert (implied.json()["kind"], implied.json()["corrects"]) == ("correction", 3)
    assert problem(lhasa.post(path, {"text": "更正", "corrects": 99})) == (400, "log_corrects_unknown", "corrects")
    assert problem(lhasa.post(path, {"text": "更正", "kind": "correction"})) == (
        400,
        "log_corrects_unknown",
        "corrects",
    )
    assert problem(lhasa.post(path, {"text": "   "})) == (400, "required", "text")
    log = lhasa.get(path).json()
    assert [e["seq"] for e in log] == [1, 2, 3, 4, 5]
    assert log[1]["text"] == "现场风向西北，泄漏持续"  # the corrected entry stands as it was written


def test_dispatch_takes_the_travel_time_of_the_order(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    before = timezone.now()
    response = dispatch(lhasa, w.incident, w.team_b)
    assert response.status_code == 201, response.json()
    sent = response.json()
    assert (sent["kind"], sent["helper"], sent["name"], sent["status"]) == (
        "team",
        w.team_b["id"],
        "墨竹工卡矿山救护队",
        "ordered",
    )
    assert (sent["travel_minutes"], sent["distance_km"], sent["route"], sent["task"]) == (
        50.0,
        50.0,
        "road",
        "堵漏、洗消",
    )
    eta = datetime.fromisoformat(sent["eta"])
    assert before + timedelta(minutes=50, milliseconds=-1) <= eta <= timezone.now() + timedelta(minutes=50)
    assert [d["id"] for d in lhasa.get(f"{API}/incidents/{w.incident['id']}/dispatches").json()] == [sent["id"]]
    far = dispatch(lhasa, w.incident, w.team_c).json()
    assert (far["route"], far["travel_minutes"]) == ("great_circle", round(GREAT_CIRCLE_C_KM / 40 * 60, 1))
    log = lhasa.get(f"{API}/incidents/{w.incident['id']}/log").json()
    assert [e["kind"] for e in log] == ["status", "dispatch", "dispatch"]


def test_an_alert_is_cap_1_2_and_valid_against_the_schema(api, people):
    lhasa = api(people.lhasa_commander)
    incident = open_incident(lhasa)
    response = lhasa.post(f"{API}/alerts", alert_body(incident=incident["id"]))
    assert response.status_code == 201, response.json()
    alert = response.json()
    assert (alert["incident"], alert["msg_type"], alert["status"], alert["scope"]) == (
        incident["id"],
        "Alert",
        "Actual",
        "Public",
    )
    assert alert["category"] == ["Safety", "CBRNE"]
    assert alert["cap_url"] == f"/api/v1/alerts/{alert['id']}.cap"
    xml = lhasa.get(alert["cap_url"])
    assert xml.status_code == 200
    assert xml["Content-Type"].startswith("application/cap+xml")
    assert cap.validate(xml.content) == []
    root = etree.fromstring(xml.content)  # noqa: S320 - our own output
    assert root.tag == f"{CAP}alert" and root.nsmap[None] == cap.NAMESPACE
    assert root.findtext(f"{CAP}identifier") == alert["id"]
    assert root.findtext(f"{CAP}incidents") == incident["id"]
    infos = root.findall(f"{CAP}info")
    assert [i.findtext(f"{CAP}language") for i in infos] == ["zh-CN", "bo"]  # one info block per language
    assert infos[0].findtext(f"{CAP}event") == "危险化学品泄漏"
    area = infos[0].find(f"{CAP}area")
    assert area.findtext(f"{CAP}areaDesc") == "拉萨市曲水县G318沿线"
    assert area.findtext(f"{CAP}circle") == "29.65,91.10 2"
    assert area.find(f"{CAP}geocode").findtext(f"{CAP}value") == "540100"
    assert lhasa.get(f"{API}/alerts/{alert['id']}").json()["headline"] == "曲水县G318沿线液氨泄漏，请立即撤离"
    assert [a["id"] for a in items(lhasa.get(f"{API}/alerts"))] == [alert["id"]]
    assert lhasa.get(f"{API}/incidents/{incident['id']}/log").json()[-1]["kind"] == "alert"
    # an update names the alert it replaces, and is valid too
    update = lhasa.post(
        f"{API}/alerts", alert_body(msg_type="Update", references=alert["id"], headline_bo="", description_bo="")
    )
    assert update.status_code == 201, update.json()
    assert update.json()["references"] == alert["id"]
    update_xml = lhasa.get(update.json()["cap_url"]).content
    assert cap.validate(update_xml) == []
    references = etree.fromstring(update_xml).findtext(f"{CAP}references")  # noqa: S320
    assert references.split(",")[1] == alert["id"]
    assert len(etree.fromstring(update_xml).findall(f"{CAP}info")) == 1  # noqa: S320


def test_an_update_names_an_alert_of_your_own_bureau(api, people):
    w = people
    lhasa = api(w.lhasa_commander)
    lhasa_alert = lhasa.post(f"{API}/alerts", alert_body()).json()
    unknown = lhasa.post(f"{API}/alerts", alert_body(msg_type="Update", references=str(uuid.uuid4())))
    assert problem(unknown) == (400, "alert_references_unknown", "references")
    theirs = api(w.shigatse_commander).post(
        f"{API}/alerts", alert_body(msg_type="Update", references=lhasa_alert["id"], area_desc="日喀则市")
    )
    assert problem(theirs) == (400, "alert_references_unknown", "references")
    assert Alert.objects.count() == 1


# --- 2. fastest routes on the hand-checked graph ---------------------------------------------------------------------


def test_the_fastest_road_wins_not_the_nearest_straight_line(api, ranked):
    w = ranked
    rows = api(w.lhasa_commander).get(f"{API}/incidents/{w.incident['id']}/nearest").json()
    by_id = {row["id"]: row for row in rows}
    a, b, c = by_id[w.team_a["id"]], by_id[w.team_b["id"]], by_id[w.team_c["id"]]
    # A is the nearest as the crow flies, B and C are twice as far ...
    assert rules.great_circle_km(29.65, 91.30, 29.65, 91.10) < 20 < rules.great_circle_km(29.65, 91.50, 29.65, 91.10)
    # ... but B's road through J is the fastest, and the closed new road does not count
    assert (b["travel_minutes"], b["distance_km"], b["route"], b["approximate"]) == (50.0, 50.0, "road", True)
    assert (a["travel_minutes"], a["distance_km"], a["route"]) == (120.0, 60.0, "road")  # the tunnel is one-way
    # C has no road: the straight line at the off-road speed
    assert c["route"] == "great_circle" and c["approximate"] is False
    assert (c["travel_minutes"], c["distance_km"]) == (
        round(GREAT_CIRCLE_C_KM / 40 * 60, 1),
        round(GREAT_CIRCLE_C_KM, 1),
    )
    assert rows[0]["id"] == w.team_b["id"]


def test_an_incident_off_the_network_is_snapped_to_the_nearest_place(api, ranked):
    w = ranked
    # 1.1 km north of INC, no road_place given: the access leg is driven at the off-road speed
    incident = open_incident(api(w.lhasa_commander), lat=29.66, lon=91.10)
    rows = api(w.lhasa_commander).get(f"{API}/incidents/{incident['id']}/nearest").json()
    access = rules.great_circle_km(29.66, 91.10, 29.65, 91.10)
    b = next(row for row in rows if row["id"] == w.team_b["id"])
    assert b["route"] == "road"
    assert b["travel_minutes"] == round(50 + access / 40 * 60, 1)
    assert b["distance_km"] == round(50 + access, 1)


@pytest.mark.parametrize(
    ("start", "end", "minutes", "km", "route", "path"),
    [
        ("B", "INC", 50.0, 50.0, "road", ["B", "J", "INC"]),
        ("A", "INC", 120.0, 60.0, "road", ["A", "INC"]),
        ("INC", "A", 10.0, 10.0, "road", ["INC", "A"]),  # the one-way tunnel
        ("J", "B", 30.0, 30.0, "road", ["J", "B"]),
        ("C", "INC", round(GREAT_CIRCLE_C_KM / 40 * 60, 1), round(GREAT_CIRCLE_C_KM, 1), "great_circle", []),
    ],
)
def test_a_route_between_two_places_is_hand_computed(api, roads, start, end, minutes, km, route, path):
    response = api(roads.lhasa_commander).get(f"{API}/roads/route", **{"from": start, "to": end})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["travel_minutes"], body["distance_km"], body["route"], body["path"]) == (minutes, km, route, path)
    assert body["approximate"] is (route == "road")


def test_a_route_names_known_places(api, roads):
    response = api(roads.lhasa_commander).get(f"{API}/roads/route", **{"from": "ZZZ", "to": "INC"})
    assert problem(response) == (404, "segment_place_unknown", "from")


def test_only_the_regions_bureau_keeps_the_road_network(client, api, people):
    w = people
    assert problem(import_roads(client, api, w.lhasa_commander)) == (403, "not_emergency_manager", None)
    assert problem(import_roads(client, api, w.region_leader)) == (403, "not_emergency_manager", None)
    assert Place.objects.count() == 0
    imported = import_roads(client, api, w.region_admin)
    assert imported.status_code == 200, imported.json()
    body = api(w.shigatse_commander).get(f"{API}/roads").json()
    assert (body["version"], body["places"], body["segments"], body["approximate"]) == (1, 5, 6, False)
    assert Place.objects.get(code="A").name == "达孜山口"
    tunnel = RoadSegment.objects.get(name="单行隧道")
    assert tunnel.two_way is False and (tunnel.closed_from, tunnel.closed_to) == ("", "")
    assert RoadSegment.objects.get(name="封闭的新路").closure == ((1, 1), (12, 31))


@pytest.mark.parametrize("length", ["0", "-3"])
def test_a_segment_without_length_is_refused_and_nothing_is_written(client, api, roads, length):
    w = roads
    before = api(w.region_commander).get(f"{API}/roads").json()
    segments = [*SEGMENTS[:3], ("B", "J", length, "60", "yes", "", "", "坏行"), *SEGMENTS[3:]]
    places = [*PLACES, ("D", "新地", "29.70", "91.20", "540100")]
    response = import_roads(client, api, w.region_commander, places, segments)
    assert problem(response) == (400, "segment_length_invalid", "segments[4].length_km")
    assert [e["field"] for e in response.json()["errors"]] == ["segments[4].length_km"]
    assert api(w.region_commander).get(f"{API}/roads").json() == before
    assert Place.objects.count() == 5 and not Place.objects.filter(code="D").exists()


@pytest.mark.parametrize(
    ("places", "segments", "code", "field"),
    [
        ([("X", "甲", "29.6", "abc", "")], [], "coordinates_invalid", "places[7].lat"),
        ([("X", "巴黎", "48.85", "2.35", "")], [], "coordinates_outside_china", "places[7].lat"),
        ([("A", "重复", "29.6", "91.0", "")], [], "place_code_duplicate", "places[7].code"),
        ([], [("A", "J", "x", "60")], "segment_invalid", "segments[8].length_km"),
        ([], [("A", "J", "10", "200")], "segment_speed_invalid", "segments[8].speed_kmh"),
        ([], [("A", "J", "10", "0")], "segment_speed_invalid", "segments[8].speed_kmh"),
        ([], [("A", "J", "10", "60", "", "13-01", "03-31")], "segment_closure_invalid", "segments[8].closed_from"),
        ([], [("A", "ZZZ", "10", "60")], "segment_place_unknown", "segments[8].to"),
        ([], [("A", "A", "10", "60")], "segment_loop", "segments[8].to"),
    ],
)
def test_every_bad_row_is_named(client, api, people, places, segments, code, field):
    response = import_roads(client, api, people.region_commander, [*PLACES, *places], [*SEGMENTS, *segments])
    assert problem(response) == (400, code, field)
    assert Place.objects.count() == 0 and RoadSegment.objects.count() == 0


def test_coordinates_outside_china_are_refused_on_a_team_and_an_incident(api, people):
    lhasa = api(people.lhasa_commander)
    team = lhasa.post(f"{API}/emergency/teams", located("巴黎队", 48.85, 2.35, kind="general", base="x", members=3))
    assert problem(team) == (400, "coordinates_outside_china", "lat")
    swapped = lhasa.post(f"{API}/incidents", incident_body(lat=91.10, lon=29.65))  # latitude and longitude swapped
    assert problem(swapped) == (400, "coordinates_outside_china", "lat")
    assert Incident.objects.count() == 0


def test_a_gb18030_csv_with_chinese_names_imports(client, api, people):
    places = [
        ("code", "name", "lat", "lon", "division_code"),
        ("540102-seat", "拉萨市城关区", "29.654838", "91.140552", "540102"),
        ("540127-seat", "墨竹工卡县工卡镇", "29.834", "91.731", "540127"),
    ]
    segments = [
        ("from", "to", "length_km", "speed_kmh", "two_way", "closed_from", "closed_to", "name"),
        ("540102-seat", "540127-seat", "68", "60", "是", "", "", "G318国道"),
    ]
    with pytest.raises(UnicodeDecodeError):
        csv_bytes(places, "gb18030").decode("utf-8")
    response = import_roads(client, api, people.region_commander, places, segments, encoding="gb18030")
    assert response.status_code == 200, response.json()
    assert Place.objects.get(code="540127-seat").name == "墨竹工卡县工卡镇"
    assert RoadSegment.objects.get().name == "G318国道"
    route = api(people.region_commander).get(f"{API}/roads/route", **{"from": "540127-seat", "to": "540102-seat"})
    assert (route.json()["travel_minutes"], route.json()["route"]) == (68.0, "road")


def test_a_reimport_keeps_the_registers_linked_by_code(client, api, ranked):
    w = ranked
    response = import_roads(client, api, w.region_commander, PLACES, SEGMENTS[:2])  # only A–INC
    assert response.status_code == 200
    assert response.json()["version"] == 2
    lhasa = api(w.lhasa_commander)
    assert lhasa.get(f"{API}/emergency/teams/{w.team_b['id']}").json()["place"] == "B"
    rows = lhasa.get(f"{API}/incidents/{w.incident['id']}/nearest").json()
    b = next(row for row in rows if row["id"] == w.team_b["id"])
    assert b["route"] == "great_circle"  # B lost its roads


# --- 3. bad input ----------------------------------------------------------------------------------------------------


def test_a_team_committed_elsewhere_is_refused(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    other = open_incident(lhasa, title="达孜区尾矿库险情", road_place="J", lat=29.80, lon=91.30)
    assert dispatch(lhasa, w.incident, w.team_b).status_code == 201
    assert problem(dispatch(lhasa, other, w.team_b)) == (409, "help_committed", "id")
    assert problem(dispatch(lhasa, w.incident, w.team_b)) == (409, "help_committed", "id")  # the same one twice
    # the nearest leaves the committed team out (its own incident has it in its dispatches)
    assert w.team_b["id"] not in {r["id"] for r in lhasa.get(f"{API}/incidents/{other['id']}/nearest").json()}
    assert w.team_b["id"] not in {r["id"] for r in lhasa.get(f"{API}/incidents/{w.incident['id']}/nearest").json()}
    # an expert is committed once too; a depot's supplies may go to several incidents
    expert = add_expert(lhasa, "扎西（化工）", 29.80, 91.30, "J")
    assert dispatch(lhasa, w.incident, expert, kind="expert").status_code == 201
    assert problem(dispatch(lhasa, other, expert, kind="expert")) == (409, "help_committed", "id")
    depot = add_depot(lhasa, "自治区物资库", 29.65, 91.10, "INC")
    assert dispatch(lhasa, w.incident, depot, kind="depot").status_code == 201
    assert dispatch(lhasa, other, depot, kind="depot").status_code == 201
    assert len(lhasa.get(f"{API}/incidents/{w.incident['id']}/dispatches").json()) == 3


def test_a_team_off_duty_or_unavailable_is_not_sent(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    resting = add_team(lhasa, "休整中的队伍", 29.65, 91.10, "INC", on_duty=False)
    broken = add_team(lhasa, "装备检修的队伍", 29.65, 91.10, "INC", readiness="unavailable")
    nearest = {r["id"] for r in lhasa.get(f"{API}/incidents/{w.incident['id']}/nearest").json()}
    assert resting["id"] not in nearest and broken["id"] not in nearest
    assert problem(dispatch(lhasa, w.incident, resting)) == (409, "help_unavailable", "id")
    assert problem(dispatch(lhasa, w.incident, broken)) == (409, "help_unavailable", "id")
    away = add_expert(lhasa, "出差的专家", available=False)
    assert problem(dispatch(lhasa, w.incident, away, kind="expert")) == (409, "help_unavailable", "id")
    assert problem(dispatch(lhasa, w.incident, {"id": 987654}, kind="team")) == (404, "not_found", "id")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_log_entry_cannot_be_edited_after_the_fact(api, people, method):
    lhasa = api(people.lhasa_commander)
    incident = open_incident(lhasa)
    entry = lhasa.post(f"{API}/incidents/{incident['id']}/log", {"text": "消防车3辆到场"}).json()
    path = f"{API}/incidents/{incident['id']}/log/{entry['seq']}"
    call = getattr(lhasa, method)
    response = call(path) if method == "delete" else call(path, {"text": "消防车5辆到场"})
    assert problem(response) == (409, "log_append_only", None)
    assert LogEntry.objects.get(incident_id=incident["id"], seq=entry["seq"]).text == "消防车3辆到场"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event": ""}, "event"),
        ({"urgency": ""}, "urgency"),
        ({"area_desc": ""}, "area_desc"),
        ({"category": []}, "category"),
        ({"scope": "Restricted"}, "restriction"),
        ({"scope": "Private"}, "addresses"),
        ({"msg_type": "Update"}, "references"),
    ],
)
def test_a_cap_alert_missing_a_required_element_is_refused(api, people, changes, field):
    response = api(people.lhasa_commander).post(f"{API}/alerts", alert_body(**changes))
    assert problem(response) == (400, "cap_required", field)
    assert Alert.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"urgency": "Soon"}, "urgency"),
        ({"category": ["Avalanche"]}, "category"),
        ({"polygon": "29.6,91.1 29.7,91.2 29.6,91.3"}, "polygon"),
        ({"expires": "2020-01-01T00:00:00+08:00"}, "expires"),  # before it was sent
    ],
)
def test_a_cap_value_the_standard_does_not_allow_is_refused(api, people, changes, field):
    response = api(people.lhasa_commander).post(f"{API}/alerts", alert_body(**changes))
    assert problem(response) == (400, "cap_value_invalid", field)
    assert Alert.objects.count() == 0


def test_only_commanders_issue_alerts(api, people):
    w = people
    assert problem(api(w.lhasa_admin).post(f"{API}/alerts", alert_body())) == (403, "not_commander", None)
    assert problem(api(w.lhasa_inspector).post(f"{API}/alerts", alert_body())) == (403, "not_commander", None)
    away = api(w.lhasa_commander).post(f"{API}/alerts", alert_body(division_code="540202"))
    assert problem(away) == (400, "division_out_of_scope", "division_code")
    assert api(w.lhasa_leader).post(f"{API}/alerts", alert_body()).status_code == 201


# --- 4. the dispatch lifecycle and closing ---------------------------------------------------------------------------


def test_a_dispatch_moves_forward_with_its_times(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    left = timezone.now()  # reported, not now: the time sent is kept
    moving = advance(lhasa, w.incident, sent, "en_route", at=iso(left))
    assert moving.status_code == 200, moving.json()
    assert moving.json()["status"] == "en_route"
    assert same_moment(moving.json()["en_route_at"], left)
    there = advance(lhasa, w.incident, sent, "on_site").json()
    assert there["status"] == "on_site" and there["on_site_at"] is not None
    done = advance(lhasa, w.incident, sent, "released").json()
    assert done["status"] == "released" and done["released_at"] is not None
    assert same_moment(done["en_route_at"], left) and done["on_site_at"] == there["on_site_at"]  # earlier steps kept
    # a step may be skipped forward: a team that only reports its arrival
    other = dispatch(lhasa, w.incident, w.team_a).json()
    skipped = advance(lhasa, w.incident, other, "on_site").json()
    assert (skipped["status"], skipped["en_route_at"]) == ("on_site", None)
    assert advance(lhasa, w.incident, other, "ordered").status_code == 422
    texts = [e["text"] for e in lhasa.get(f"{API}/incidents/{w.incident['id']}/log").json() if e["kind"] == "dispatch"]
    assert len(texts) == 6  # two orders, four steps


def test_a_dispatch_never_goes_back(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    advance(lhasa, w.incident, sent, "on_site")
    assert problem(advance(lhasa, w.incident, sent, "en_route")) == (409, "dispatch_status", "status")
    assert problem(advance(lhasa, w.incident, sent, "on_site")) == (409, "dispatch_status", "status")
    advance(lhasa, w.incident, sent, "released")
    assert problem(advance(lhasa, w.incident, sent, "released")) == (409, "dispatch_status", "status")


def test_a_dispatch_step_cannot_be_in_the_future(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    later = advance(lhasa, w.incident, sent, "en_route", at=iso(timezone.now() + timedelta(hours=1)))
    assert problem(later) == (400, "date_in_future", "at")


def test_the_times_of_a_dispatch_do_not_run_backwards(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    left = timezone.now()
    advance(lhasa, w.incident, sent, "en_route", at=iso(left + timedelta(minutes=2)))
    earlier = advance(lhasa, w.incident, sent, "on_site", at=iso(left + timedelta(minutes=1)))
    assert problem(earlier) == (400, "dispatch_time_order", "at")


def test_a_dispatch_step_cannot_be_before_the_order(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    early = advance(lhasa, w.incident, sent, "en_route", at=iso(timezone.now() - timedelta(hours=3)))
    assert problem(early) == (400, "dispatch_time_order", "at")


def test_release_frees_the_team_for_another_incident(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    other = open_incident(lhasa, title="达孜区尾矿库险情", road_place="J", lat=29.80, lon=91.30)
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    assert dispatch(lhasa, other, w.team_b).status_code == 409
    advance(lhasa, w.incident, sent, "released")
    assert w.team_b["id"] in {r["id"] for r in lhasa.get(f"{API}/incidents/{other['id']}/nearest").json()}
    again = dispatch(lhasa, other, w.team_b)
    assert again.status_code == 201, again.json()
    assert (again.json()["travel_minutes"], again.json()["distance_km"]) == (30.0, 30.0)  # B to J


def test_closing_needs_every_team_released_and_a_review(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    path = f"{API}/incidents/{w.incident['id']}"
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    depot = add_depot(lhasa, "自治区物资库", 29.65, 91.10, "INC")
    dispatch(lhasa, w.incident, depot, kind="depot")  # supplies are not released: they do not hold the closing
    review = {"review": "泄漏于16时封堵，无次生事故", "lessons": "运输车辆应配备堵漏工具"}
    assert problem(lhasa.post(f"{path}/close", review)) == (409, "dispatches_active", None)
    assert problem(lhasa.post(f"{path}/close", {"review": "   "})) == (400, "review_required", "review")
    assert lhasa.post(f"{path}/close", {"review": ""}).status_code == 422
    advance(lhasa, w.incident, sent, "released")
    closed = lhasa.post(f"{path}/close", review)
    assert closed.status_code == 200, closed.json()
    assert (closed.json()["status"], closed.json()["review"]) == ("closed", "泄漏于16时封堵，无次生事故")
    assert closed.json()["closed_at"] is not None
    # after closing, nothing more is commanded
    assert problem(lhasa.post(f"{path}/log", {"text": "补记"})) == (409, "incident_closed", None)
    assert problem(dispatch(lhasa, w.incident, w.team_a)) == (409, "incident_closed", None)
    assert problem(lhasa.post(f"{path}/figures", {"deaths": 2})) == (409, "incident_closed", None)
    assert problem(lhasa.post(f"{path}/close", review)) == (409, "incident_closed", None)
    assert lhasa.get(f"{path}/log").json()[-1]["kind"] == "status"
    assert [i["id"] for i in items(lhasa.get(f"{API}/incidents", status="closed"))] == [w.incident["id"]]


# --- 5. opening from an accident report ------------------------------------------------------------------------------


def record_accident(actor, **overrides):
    now = timezone.now()
    data = {
        "occurred_at": now - timedelta(hours=2),
        "head_informed_at": now - timedelta(hours=1, minutes=45),
        "division": "540102",
        "unit_name": "拉萨某化工有限公司",
        "sector": "industrial",
        "industry": "hazardous_chemicals",
        "category": "19",
        "deaths": 1,
        "missing": 2,
        "serious_injuries": 3,
        "minor_injuries": 4,
        "direct_loss_yuan": Decimal("800000"),
        "summary": "储罐区氯气泄漏，多人中毒",
        "place": "城关区纳金路某化工厂储罐区",
        "lat": Decimal("29.661000"),
        "lon": Decimal("91.181000"),
    }
    accident, created = accident_record(actor, **(data | overrides))
    assert created
    return accident


def test_an_incident_opened_from_an_accident_takes_its_figures_and_place(api, people):
    w = people
    accident = record_accident(w.lhasa_commander)
    lhasa = api(w.lhasa_commander)
    client_id = str(uuid.uuid4())
    response = lhasa.post(f"{API}/incidents", {"id": client_id, "accident": str(accident.pk)})
    assert response.status_code == 201, response.json()
    incident = response.json()
    assert incident["id"] == client_id and incident["accident"] == str(accident.pk)
    assert (incident["deaths"], incident["missing"], incident["injured"]) == (1, 2, 7)
    assert (incident["place"], incident["division_code"], incident["kind"]) == (
        "城关区纳金路某化工厂储罐区",
        "540102",
        "hazchem",
    )
    assert (incident["lat"], incident["lon"]) == (29.661, 91.181)
    assert incident["severity"] == accident.severity
    assert same_moment(incident["occurred_at"], accident.occurred_at)
    assert incident["title"].startswith("拉萨某化工有限公司")
    # a retry of the same request answers the same incident, without a second log entry
    again = lhasa.post(f"{API}/incidents", {"id": client_id, "accident": str(accident.pk)})
    assert again.status_code == 200 and again.json()["id"] == client_id
    assert LogEntry.objects.filter(incident_id=client_id).count() == 1
    # a second incident for the same accident is refused
    second = lhasa.post(f"{API}/incidents", {"id": str(uuid.uuid4()), "accident": str(accident.pk)})
    assert problem(second) == (409, "incident_exists", "accident")
    assert api(w.region_commander).post(f"{API}/incidents", {"accident": str(accident.pk)}).status_code == 409
    # the same id for a different incident is a conflict
    assert problem(lhasa.post(f"{API}/incidents", incident_body(id=client_id))) == (409, "incident_conflict", None)
    # another prefecture does not see the accident
    assert api(w.shigatse_commander).post(f"{API}/incidents", {"accident": str(accident.pk)}).status_code == 404
    assert Incident.objects.count() == 1


def test_an_accident_without_coordinates_is_placed_at_its_county(api, people):
    w = people
    accident = record_accident(w.lhasa_commander, lat=None, lon=None, place="")
    incident = api(w.lhasa_commander).post(f"{API}/incidents", {"accident": str(accident.pk), "trapped": 4}).json()
    assert (incident["lat"], incident["lon"]) == (29.654838, 91.140552)  # 城关区's seat
    assert incident["place"] == "城关区" and incident["trapped"] == 4


def test_the_same_id_with_different_content_is_a_conflict(api, people):
    lhasa = api(people.lhasa_commander)
    first = open_incident(lhasa, id=str(uuid.uuid4()))
    different = lhasa.post(f"{API}/incidents", incident_body(id=first["id"], title="另一起事故", lat=29.3, lon=91.0))
    assert problem(different) == (409, "incident_conflict", None)


# --- 6. situation reports --------------------------------------------------------------------------------------------


def test_a_situation_report_is_drafted_edited_and_sent_up(api, ranked):
    w = ranked
    lhasa = api(w.lhasa_commander)
    path = f"{API}/incidents/{w.incident['id']}"
    lhasa.post(f"{path}/figures", {"deaths": 2, "missing": 1})
    sent = dispatch(lhasa, w.incident, w.team_b).json()
    advance(lhasa, w.incident, sent, "on_site")
    dispatch(lhasa, w.incident, w.team_c)
    drafted = lhasa.post(f"{path}/reports")
    assert drafted.status_code == 201, drafted.json()
    report = drafted.json()
    assert report["number"] == 1 and report["sent_at"] is None
    assert report["to_division"] == "540000"  # Lhasa reports to the region
    assert report["figures"] == {"deaths": 2, "missing": 1, "injured": 3, "trapped": 2, "dispatched": 2, "on_site": 1}
    assert "曲水县危化品运输车泄漏" in report["body"] and "墨竹工卡矿山救护队" in report["body"]
    edited = lhasa.put(f"{path}/reports/{report['id']}", {"body": report["body"] + "\n已请求日喀则市支援。"})
    assert edited.status_code == 200 and edited.json()["body"].endswith("已请求日喀则市支援。")
    assert problem(lhasa.put(f"{path}/reports/{report['id']}", {"body": "  "})) == (400, "report_empty", "body")
    done = lhasa.post(f"{path}/reports/{report['id']}/send")
    assert done.status_code == 200 and done.json()["sent_at"] is not None
    after = lhasa.put(f"{path}/reports/{report['id']}", {"body": "改动"})
    assert problem(after) == (409, "report_sent", None)
    assert problem(lhasa.post(f"{path}/reports/{report['id']}/send")) == (409, "report_sent", None)
    assert lhasa.get(f"{path}/reports").json()[0]["body"].endswith("已请求日喀则市支援。")
    assert lhasa.get(f"{path}/log").json()[-1]["kind"] == "report"
    assert lhasa.post(f"{path}/reports").json()["number"] == 2


def test_a_report_on_an_accident_goes_to_the_next_step_of_its_chain(api, people):
    w = people
    accident = record_accident(w.chengguan_commander)
    chain = list(accident.steps.order_by("order").values_list("division", flat=True))
    assert chain[:2] == ["540102", "540100"]
    county = api(w.chengguan_commander)
    incident = county.post(f"{API}/incidents", {"accident": str(accident.pk)}).json()
    report = county.post(f"{API}/incidents/{incident['id']}/reports").json()
    assert report["to_division"] == chain[chain.index("540102") + 1]


def test_the_national_bureau_commands_its_own_incident(api, people):
    w = people
    national = api(make_person("national-commander", w.national, "commander"))
    incident = open_incident(national, lat=39.9, lon=116.4)
    assert incident["division_code"] == "000000"
    assert ids(national.get(f"{API}/incidents")) == {incident["id"]}
    assert national.get(f"{API}/incidents/{incident['id']}").status_code == 200
    response = national.post(f"{API}/incidents/{incident['id']}/reports")
    assert problem(response) == (409, "no_recipient", None)  # nobody above the nation


# --- 7. resource requests between bureaus ----------------------------------------------------------------------------


def ask(w, incident, bureau, items="防化救援队1支、空气呼吸器20具"):
    """Lhasa asks a bureau for help (through the service; the API is tested on its own below)."""
    opened = Incident.objects.get(pk=incident["id"])
    return services.request_create(w.lhasa_commander, opened, to_organisation_id=bureau.pk, items=items).pk


def test_asking_another_bureau_through_the_api(api, people):
    w = people
    lhasa = api(w.lhasa_commander)
    incident = open_incident(lhasa)
    path = f"{API}/incidents/{incident['id']}/requests"
    asked = lhasa.post(path, {"to_organisation": w.shigatse.pk, "items": "防化救援队1支、空气呼吸器20具"})
    assert asked.status_code == 201, asked.json()
    assert (asked.json()["status"], asked.json()["from_organisation"], asked.json()["to_organisation"]) == (
        "requested",
        w.lhasa.name,
        w.shigatse.name,
    )
    assert problem(lhasa.post(path, {"to_organisation": w.lhasa.pk, "items": "x"})) == (
        400,
        "request_to_self",
        "to_organisation",
    )
    for target in (w.beijing.pk, 987654):
        refused = lhasa.post(path, {"to_organisation": target, "items": "x"})
        assert problem(refused) == (400, "request_target_unknown", "to_organisation")
    lhasa.post(f"{API}/incidents/{incident['id']}/close", {"review": "已处置完毕"})
    closed = lhasa.post(path, {"to_organisation": w.shigatse.pk, "items": "救护车2辆"})
    assert problem(closed) == (409, "incident_closed", None)


def test_lhasa_asks_shigatse_for_help(api, people):
    w = people
    lhasa, shigatse = api(w.lhasa_commander), api(w.shigatse_commander)
    incident = open_incident(lhasa)
    path = f"{API}/incidents/{incident['id']}"
    assert shigatse.get(path).status_code == 404  # not before being asked
    request_id = ask(w, incident, w.shigatse)
    [request] = items(shigatse.get(f"{API}/resource-requests"))
    assert (request["id"], request["incident"], request["status"]) == (request_id, incident["id"], "requested")
    assert (request["from_organisation"], request["to_organisation"]) == (w.lhasa.name, w.shigatse.name)
    assert [r["id"] for r in items(lhasa.get(f"{API}/resource-requests"))] == [request_id]
    assert [r["id"] for r in items(api(w.region_commander).get(f"{API}/resource-requests"))] == [request_id]
    # Shigatse reads the incident it is asked for, but does not command it
    assert shigatse.get(path).status_code == 200
    assert shigatse.get(f"{path}/log").status_code == 200
    assert [i["id"] for i in items(shigatse.get(f"{API}/incidents"))] == [incident["id"]]
    assert problem(shigatse.post(f"{path}/log", {"text": "我方已出发"}))[:2] == (404, "not_found")
    assert shigatse.post(f"{path}/figures", {"deaths": 0}).status_code == 404
    assert shigatse.post(f"{path}/close", {"review": "x"}).status_code == 404
    assert shigatse.post(f"{path}/reports").status_code == 404
    # only the bureau asked answers
    answer = f"{API}/resource-requests/{request_id}/answer"
    assert problem(lhasa.post(answer, {"status": "accepted"})) == (403, "request_not_yours", None)
    assert problem(api(w.region_commander).post(answer, {"status": "accepted"})) == (403, "request_not_yours", None)
    nagqu = api(make_person("nagqu-commander", make_bureau("540600", "那曲市应急管理局"), "commander"))
    assert problem(nagqu.post(answer, {"status": "accepted"})) == (404, "not_found", None)
    assert items(nagqu.get(f"{API}/resource-requests")) == []
    assert problem(api(w.shigatse_admin).post(answer, {"status": "accepted"})) == (403, "not_commander", None)
    accepted = shigatse.post(answer, {"status": "accepted", "answer": "日喀则市危化救援队已出发，预计5小时到达"})
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted" and accepted.json()["answered_at"] is not None
    delivered = shigatse.post(answer, {"status": "delivered"})
    assert delivered.json()["status"] == "delivered"
    assert items(lhasa.get(f"{API}/resource-requests", status="delivered"))[0]["id"] == request_id
    kinds = [(e["kind"], e["actor"]) for e in lhasa.get(f"{path}/log").json()]
    assert kinds[1:] == [
        ("request", "lhasa-commander"),
        ("request", "shigatse-commander"),
        ("request", "shigatse-commander"),
    ]


def test_a_decline_says_why(api, people):
    w = people
    shigatse = api(w.shigatse_commander)
    request_id = ask(w, open_incident(api(w.lhasa_commander)), w.shigatse, "救护车2辆")
    answer = f"{API}/resource-requests/{request_id}/answer"
    assert problem(shigatse.post(answer, {"status": "declined"})) == (400, "required", "answer")
    declined = shigatse.post(answer, {"status": "declined", "answer": "本市救护车均在执行任务"})
    assert (declined.json()["status"], declined.json()["answer"]) == ("declined", "本市救护车均在执行任务")
    assert items(shigatse.get(f"{API}/resource-requests", status="declined"))[0]["id"] == request_id
    assert shigatse.post(answer, {"status": "requested"}).status_code == 422


def test_a_request_answers_in_order(api, people):
    w = people
    shigatse = api(w.shigatse_commander)
    request_id = ask(w, open_incident(api(w.lhasa_commander)), w.shigatse, "救护车2辆")
    answer = f"{API}/resource-requests/{request_id}/answer"
    assert problem(shigatse.post(answer, {"status": "delivered"})) == (409, "request_status", "status")
    shigatse.post(answer, {"status": "declined", "answer": "无车"})
    assert problem(shigatse.post(answer, {"status": "accepted"})) == (409, "request_status", "status")


# --- 8. plans, filing, evaluation, drills ----------------------------------------------------------------------------


def unit(division="540102", credit="91540102MA6T00001X", name="拉萨某危化品储运有限公司"):
    """A production unit with its own organisation and safety officer (role enterprise)."""
    organisation = Organisation.objects.create(kind="enterprise", name_zh=name, division_id=division)
    enterprise = Enterprise.objects.create(
        name=name,
        credit_code=credit,
        legal_representative="扎西",
        division_id=division,
        industry="2614",
        organisation=organisation,
    )
    officer = make_person(f"officer-{credit[-5:]}", organisation, "enterprise")
    return enterprise, officer


def plan_body(**overrides):
    body = {
        "kind": "comprehensive",
        "keeper": "high_risk_unit",
        "title": "危险化学品泄漏综合应急预案",
        "published_on": (timezone.localdate() - timedelta(days=10)).isoformat(),
        "must_evaluate": True,
    }
    return body | overrides


def test_a_plan_is_filed_returned_accepted_evaluated_and_revised(api, people):
    w = people
    enterprise, officer = unit()
    mine, bureau = api(officer), api(w.lhasa_admin)
    created = mine.post(f"{API}/emergency/plans", plan_body(enterprise=enterprise.pk))
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert (plan["state"], plan["version"], plan["division_code"], plan["enterprise"]) == (
        "not_filed",
        1,
        "540102",
        enterprise.pk,
    )
    assert {o["duty"] for o in plan["obligations"]} == {"filing", "evaluation", "drill"}
    path = f"{API}/emergency/plans/{plan['id']}"
    filed = mine.post(f"{path}/file", {})
    assert (filed.json()["state"], filed.json()["filed_on"]) == ("filed", timezone.localdate().isoformat())
    assert {o["duty"] for o in filed.json()["obligations"]} == {"check", "evaluation", "drill"}
    assert problem(mine.post(f"{path}/file", {})) == (409, "plan_state", "state")
    assert problem(mine.post(f"{path}/check", {"accept": True})) == (403, "not_emergency_manager", None)
    assert problem(api(w.lhasa_leader).post(f"{path}/drills", drill_body())) == (403, "plan_not_yours", None)
    # returned without reasons: refused; with them: returned
    assert problem(bureau.post(f"{path}/check", {"accept": False})) == (400, "return_reasons_required", "reasons")
    assert mine.get(path).json()["state"] == "filed"
    returned = bureau.post(f"{path}/check", {"accept": False, "reasons": "缺少应急资源调查报告"})
    assert (returned.json()["state"], returned.json()["return_reasons"]) == ("returned", "缺少应急资源调查报告")
    assert mine.post(f"{path}/file", {}).json()["state"] == "filed"
    accepted = bureau.post(f"{path}/check", {"accept": True})
    assert accepted.status_code == 200, accepted.json()
    today = timezone.localdate()
    assert accepted.json()["state"] == "accepted" and accepted.json()["return_reasons"] == ""
    assert accepted.json()["filing_number"] == f"540102-{today.year}-YA{plan['id']:05d}-v1"
    assert problem(bureau.post(f"{path}/check", {"accept": True})) == (409, "plan_state", "state")
    # a drill and an evaluation
    drill = mine.post(f"{path}/drills", drill_body(held_on=(today - timedelta(days=1)).isoformat()))
    assert drill.status_code == 201, drill.json()
    assert problem(mine.post(f"{path}/drills", drill_body(participants=0))) == (
        400,
        "participants_invalid",
        "participants",
    )
    evaluated = mine.post(f"{path}/evaluations", {"evaluated_on": today.isoformat(), "conclusion": "revise"})
    assert evaluated.status_code == 201, evaluated.json()
    assert evaluated.json()["evaluated_on"] == today.isoformat()
    assert [e["conclusion"] for e in evaluated.json()["evaluations"]] == ["revise"]
    assert len(evaluated.json()["drills"]) == 1
    # the revision: version 2, to be filed again
    revised = mine.post(
        f"{path}/revise", {"published_on": today.isoformat(), "title": "危险化学品泄漏综合应急预案（修订）"}
    )
    assert revised.status_code == 200, revised.json()
    body = revised.json()
    assert (body["version"], body["state"], body["filing_number"], body["filed_on"]) == (2, "not_filed", "", None)
    assert body["title"] == "危险化学品泄漏综合应急预案（修订）"
    assert mine.post(f"{path}/file", {}).json()["state"] == "filed"
    assert bureau.post(f"{path}/check", {"accept": True}).json()["filing_number"].endswith("-v2")
    assert [p["id"] for p in items(mine.get(f"{API}/emergency/plans"))] == [plan["id"]]


def drill_body(**overrides):
    body = {
        "held_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "form": "functional",
        "participants": 35,
        "scenario": "储罐区液氯泄漏，启动综合预案",
        "findings": "堵漏工具取用慢",
        "improvements": "堵漏工具前移",
    }
    return body | overrides


def test_a_bureau_enters_a_plan_for_a_unit_of_its_area(api, people):
    w = people
    enterprise, officer = unit()
    created = api(w.lhasa_admin).post(f"{API}/emergency/plans", plan_body(enterprise=enterprise.pk, keeper="unit"))
    assert created.status_code == 201, created.json()
    assert created.json()["division_code"] == "540102"
    assert [p["id"] for p in items(api(officer).get(f"{API}/emergency/plans"))] == [created.json()["id"]]
    # Shigatse does not see Lhasa's unit
    assert api(w.shigatse_admin).post(f"{API}/emergency/plans", plan_body(enterprise=enterprise.pk)).status_code == 404
    # a unit person without a unit of its own files its organisation's plan
    own = api(officer).post(f"{API}/emergency/plans", plan_body(kind="on_site", title="装卸区现场处置方案"))
    assert own.status_code == 201 and own.json()["division_code"] == "540102"


@pytest.mark.parametrize("where", ["drill", "published_on", "revision", "occurred_at"])
def test_a_date_in_the_future_is_refused(api, people, where):
    w = people
    enterprise, officer = unit()
    mine = api(officer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    if where == "occurred_at":
        response = api(w.lhasa_commander).post(
            f"{API}/incidents", incident_body(occurred_at=iso(timezone.now() + timedelta(hours=2)))
        )
        assert problem(response) == (400, "date_in_future", "occurred_at")
        return
    if where == "published_on":
        response = mine.post(f"{API}/emergency/plans", plan_body(enterprise=enterprise.pk, published_on=tomorrow))
        assert problem(response) == (400, "date_in_future", "published_on")
        return
    plan = mine.post(f"{API}/emergency/plans", plan_body(enterprise=enterprise.pk)).json()
    if where == "drill":
        response = mine.post(f"{API}/emergency/plans/{plan['id']}/drills", drill_body(held_on=tomorrow))
        assert problem(response) == (400, "date_in_future", "held_on")
    else:
        response = mine.post(f"{API}/emergency/plans/{plan['id']}/revise", {"published_on": tomorrow})
        assert problem(response) == (400, "date_in_future", "published_on")


def test_a_plan_is_not_filed_before_it_is_published(api, people):
    enterprise, officer = unit()
    mine = api(officer)
    plan = mine.post(f"{API}/emergency/plans", plan_body(enterprise=enterprise.pk)).json()
    early = (timezone.localdate() - timedelta(days=20)).isoformat()
    response = mine.post(f"{API}/emergency/plans/{plan['id']}/file", {"filed_on": early})
    assert problem(response) == (400, "date_before_publishing", "filed_on")


def test_overdue_plans_and_the_obligations_use_the_rules(api, people):
    w = people
    today = timezone.localdate()
    bureau = api(w.lhasa_admin)
    # the bureau's own plan, published 45 days ago and never filed
    published = today - timedelta(days=45)
    late = bureau.post(
        f"{API}/emergency/plans",
        plan_body(
            keeper="government",
            must_evaluate=False,
            title="拉萨市安全生产事故应急预案",
            published_on=published.isoformat(),
        ),
    ).json()
    # a high-risk unit, filed and accepted, whose last drill was 7 months ago
    enterprise, officer = unit()
    mine = api(officer)
    since = add_months(today, -8)
    risky = mine.post(
        f"{API}/emergency/plans",
        plan_body(enterprise=enterprise.pk, must_evaluate=False, published_on=since.isoformat()),
    ).json()
    path = f"{API}/emergency/plans/{risky['id']}"
    assert mine.post(f"{path}/file", {"filed_on": (since + timedelta(days=3)).isoformat()}).status_code == 200
    assert bureau.post(f"{path}/check", {"accept": True}).status_code == 200
    drilled = add_months(today, -7)
    assert mine.post(f"{path}/drills", drill_body(held_on=drilled.isoformat())).status_code == 201

    filing_due = rules.filing_due(published, add_working_days)
    drill_due = rules.next_drill_due(rules.COMPREHENSIVE, rules.HIGH_RISK_UNIT, drilled, since)
    assert drill_due == add_months(drilled, 6)
    expected = [
        (risky["id"], "drill", drill_due.isoformat(), (today - drill_due).days),
        (late["id"], "filing", filing_due.isoformat(), (today - filing_due).days),
    ]
    expected.sort(key=lambda row: -row[3])
    rows = bureau.get(f"{API}/emergency/plans/overdue").json()
    assert [(r["plan"], r["duty"], r["due"], r["overdue_days"]) for r in rows] == expected
    assert all(r["overdue_days"] > 0 for r in rows)
    assert [r["plan"] for r in api(w.region_admin).get(f"{API}/emergency/plans/overdue").json()] == [
        e[0] for e in expected
    ]
    assert api(w.lhasa_admin).get(f"{API}/emergency/plans/overdue", division="540102").json()[0]["plan"] == risky["id"]
    assert [r["plan"] for r in mine.get(f"{API}/emergency/plans/overdue").json()] == [risky["id"]]
    assert api(w.shigatse_admin).get(f"{API}/emergency/plans/overdue").json() == []
    # the plan's own obligations say the same
    obligations = mine.get(path).json()["obligations"]
    assert obligations == [
        {
            "duty": "drill",
            "due": drill_due.isoformat(),
            "overdue_days": (today - drill_due).days,
            "calendar_missing": None,
        }
    ]
    filing = [
        o for o in bureau.get(f"{API}/emergency/plans/{late['id']}").json()["obligations"] if o["duty"] == "filing"
    ]
    assert filing == [
        {
            "duty": "filing",
            "due": filing_due.isoformat(),
            "overdue_days": (today - filing_due).days,
            "calendar_missing": None,
        }
    ]
    # a drill today: nothing overdue for the unit
    assert mine.post(f"{path}/drills", drill_body(held_on=today.isoformat())).status_code == 201
    assert mine.get(f"{API}/emergency/plans/overdue").json() == []
    [drill] = mine.get(path).json()["obligations"]
    assert drill["due"] == rules.next_drill_due(rules.COMPREHENSIVE, rules.HIGH_RISK_UNIT, today, since).isoformat()


def test_an_on_site_plan_is_drilled_on_its_own(api, people):
    enterprise, officer = unit()
    mine = api(officer)
    since = add_months(timezone.localdate(), -5)
    comprehensive = mine.post(
        f"{API}/emergency/plans", plan_body(enterprise=enterprise.pk, keeper="unit", published_on=since.isoformat())
    ).json()
    on_site = mine.post(
        f"{API}/emergency/plans",
        plan_body(
            enterprise=enterprise.pk,
            keeper="unit",
            kind="on_site",
            title="装车台现场处置方案",
            published_on=since.isoformat(),
        ),
    ).json()
    drilled = timezone.localdate() - timedelta(days=2)
    mine.post(f"{API}/emergency/plans/{comprehensive['id']}/drills", drill_body(held_on=drilled.isoformat()))
    due = {o["duty"]: o["due"] for o in mine.get(f"{API}/emergency/plans/{on_site['id']}").json()["obligations"]}
    assert due["drill"] == rules.next_drill_due(rules.ON_SITE, rules.UNIT, None, since).isoformat()
    due = {o["duty"]: o["due"] for o in mine.get(f"{API}/emergency/plans/{comprehensive['id']}").json()["obligations"]}
    assert due["drill"] == rules.next_drill_due(rules.COMPREHENSIVE, rules.UNIT, drilled, since).isoformat()


# --- 9. the duty roster ----------------------------------------------------------------------------------------------


def shift_body(officer="lhasa-inspector", start_hours=-1, hours=12, **overrides):
    starts = timezone.now() + timedelta(hours=start_hours)
    body = {"starts_at": iso(starts), "ends_at": iso(starts + timedelta(hours=hours)), "officer": officer}
    return body | overrides


def test_a_duty_shift_is_handed_over_and_received(api, people):
    w = people
    lhasa = api(w.lhasa_commander)
    created = lhasa.post(f"{API}/emergency/duty", shift_body(leader="lhasa-leader"))
    assert created.status_code == 201, created.json()
    shift = created.json()
    assert (shift["officer"], shift["leader"], shift["handed_over_at"]) == ("lhasa-inspector", "lhasa-leader", None)
    assert problem(lhasa.post(f"{API}/emergency/duty", shift_body("shigatse-inspector"))) == (
        400,
        "officer_unknown",
        "officer",
    )
    assert problem(lhasa.post(f"{API}/emergency/duty", shift_body(leader="xizang-leader", start_hours=30))) == (
        400,
        "officer_unknown",
        "leader",
    )
    assert problem(lhasa.post(f"{API}/emergency/duty", shift_body(start_hours=6))) == (
        409,
        "shift_overlap",
        "starts_at",
    )
    assert problem(lhasa.post(f"{API}/emergency/duty", shift_body(start_hours=20, hours=0))) == (
        400,
        "shift_times_invalid",
        "ends_at",
    )
    following = lhasa.post(f"{API}/emergency/duty", shift_body(start_hours=11))  # back to back is no overlap
    assert following.status_code == 201
    assert problem(api(w.lhasa_leader).post(f"{API}/emergency/duty", shift_body("lhasa-leader", start_hours=40))) == (
        403,
        "not_emergency_manager",
        None,
    )
    path = f"{API}/emergency/duty/{shift['id']}"
    assert problem(lhasa.post(f"{path}/receive")) == (409, "shift_not_handed_over", None)
    notes = {"notes": "曲水泄漏事件仍在处置，日喀则支援队预计22时到达"}
    assert problem(lhasa.post(f"{path}/handover", notes)) == (403, "shift_not_yours", None)
    handed = api(w.lhasa_inspector).post(f"{path}/handover", notes)
    assert handed.status_code == 200, handed.json()
    assert handed.json()["handover_notes"] == notes["notes"] and handed.json()["handed_over_at"] is not None
    received = api(w.lhasa_leader).post(f"{path}/receive")
    assert received.status_code == 200
    assert received.json()["received_by"] == "lhasa-leader" and received.json()["received_at"] is not None
    assert problem(lhasa.post(f"{path}/receive")) == (409, "shift_already_received", None)
    # the region sees the roster, but receives only its own bureau's handovers
    assert {s["id"] for s in items(api(w.region_commander).get(f"{API}/emergency/duty"))} == {
        shift["id"],
        following.json()["id"],
    }
    assert api(w.region_commander).post(f"{API}/emergency/duty/{following.json()['id']}/receive").status_code == 404


def test_the_officer_does_not_receive_his_own_handover(api, people):
    w = people
    shift = api(w.lhasa_commander).post(f"{API}/emergency/duty", shift_body()).json()
    officer = api(w.lhasa_inspector)
    officer.post(f"{API}/emergency/duty/{shift['id']}/handover", {"notes": "无异常"})
    response = officer.post(f"{API}/emergency/duty/{shift['id']}/receive")
    assert response.status_code in (400, 403, 409)
    assert items(officer.get(f"{API}/emergency/duty"))[0]["received_by"] is None


# --- registers -------------------------------------------------------------------------------------------------------


def test_the_registers_are_kept_by_managers(api, roads):
    w = roads
    lhasa = api(w.lhasa_commander)
    team = add_team(lhasa, "拉萨市危化救援队", 29.65, 91.30, "A", equipment="堵漏器材", readiness="limited")
    assert (team["division_code"], team["place"], team["readiness"]) == ("540100", "A", "limited")
    changed = lhasa.put(
        f"{API}/emergency/teams/{team['id']}",
        located("拉萨市危化救援队", 29.65, 91.5, "B", kind="hazchem", base="x", members=30),
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["members"], changed.json()["place"], changed.json()["readiness"]) == (30, "B", "ready")
    unknown_place = lhasa.put(
        f"{API}/emergency/teams/{team['id']}", located("x", 29.65, 91.5, "ZZZ", kind="hazchem", base="x", members=30)
    )
    assert problem(unknown_place) == (400, "segment_place_unknown", "place")
    depot = add_depot(lhasa, "城关区物资库", items=[{"item": "吸附棉", "quantity": 12.5, "unit": "箱"}])
    assert depot["items"] == [{"item": "吸附棉", "quantity": 12.5, "unit": "箱"}]
    expert = add_expert(lhasa, "次仁（矿山）", fields=["矿山救护", "通风"])
    assert expert["fields"] == ["矿山救护", "通风"]
    assert problem(
        api(w.lhasa_leader).post(
            f"{API}/emergency/teams", located("x", 29.6, 91.1, kind="general", base="x", members=1)
        )
    ) == (
        403,
        "not_emergency_manager",
        None,
    )
    admin_team = add_team(api(w.lhasa_admin), "城关区综合救援队", division_code="540102")
    assert admin_team["division_code"] == "540102"
    away = lhasa.post(
        f"{API}/emergency/teams", located("x", 29.3, 88.9, kind="general", base="x", members=1, division_code="540202")
    )
    assert problem(away) == (400, "division_out_of_scope", "division_code")
    assert {t["id"] for t in items(lhasa.get(f"{API}/emergency/teams"))} == {team["id"], admin_team["id"]}
    assert [t["id"] for t in items(lhasa.get(f"{API}/emergency/teams", q="综合"))] == [admin_team["id"]]


# --- 10. scope: every endpoint ---------------------------------------------------------------------------------------


@pytest.fixture
def lhasa_world(api, roads):
    """Everything Lhasa keeps: an incident with a dispatch and a report, a plan, the registers, an alert, a shift."""
    w = roads
    lhasa = api(w.lhasa_commander)
    w.team = add_team(lhasa, "拉萨市危化救援队", 29.65, 91.50, "B")
    w.depot = add_depot(lhasa, "拉萨市物资库")
    w.expert = add_expert(lhasa, "拉萨化工专家")
    w.incident = open_incident(lhasa, road_place="INC")
    w.dispatch = dispatch(lhasa, w.incident, w.team).json()
    w.report = lhasa.post(f"{API}/incidents/{w.incident['id']}/reports").json()
    w.plan = api(w.lhasa_admin).post(f"{API}/emergency/plans", plan_body(keeper="government")).json()
    w.alert = lhasa.post(f"{API}/alerts", alert_body(incident=w.incident["id"])).json()
    w.shift = lhasa.post(f"{API}/emergency/duty", shift_body()).json()
    api(w.lhasa_inspector).post(f"{API}/emergency/duty/{w.shift['id']}/handover", {"notes": "交班"})
    return w


def lhasa_reads(w):
    incident = f"{API}/incidents/{w.incident['id']}"
    return [
        incident,
        f"{incident}/nearest",
        f"{incident}/log",
        f"{incident}/dispatches",
        f"{incident}/reports",
        f"{incident}/map.svg",
        f"{API}/emergency/plans/{w.plan['id']}",
        f"{API}/emergency/teams/{w.team['id']}",
        f"{API}/emergency/depots/{w.depot['id']}",
        f"{API}/emergency/experts/{w.expert['id']}",
        f"{API}/alerts/{w.alert['id']}",
        f"{API}/alerts/{w.alert['id']}.cap",
    ]


def lhasa_writes(w):
    incident = f"{API}/incidents/{w.incident['id']}"
    plan = f"{API}/emergency/plans/{w.plan['id']}"
    today = timezone.localdate().isoformat()
    return [
        ("post", f"{incident}/log", {"text": "越权记录"}),
        ("put", f"{incident}/log/1", {"text": "x"}),
        ("post", f"{incident}/dispatches", {"kind": "team", "id": w.team["id"]}),
        ("post", f"{incident}/dispatches/{w.dispatch['id']}/status", {"status": "released"}),
        ("post", f"{incident}/reports", None),
        ("put", f"{incident}/reports/{w.report['id']}", {"body": "x"}),
        ("post", f"{incident}/reports/{w.report['id']}/send", None),
        ("post", f"{incident}/figures", {"deaths": 9}),
        ("post", f"{incident}/close", {"review": "x"}),
        ("post", f"{incident}/requests", {"to_organisation": w.region.pk, "items": "x"}),
        ("post", f"{plan}/file", {}),
        ("post", f"{plan}/check", {"accept": True}),
        ("post", f"{plan}/drills", drill_body()),
        ("post", f"{plan}/evaluations", {"evaluated_on": today, "conclusion": "keep"}),
        ("post", f"{plan}/revise", {"published_on": today}),
        ("put", f"{API}/emergency/teams/{w.team['id']}", located("x", 29.6, 91.1, kind="general", base="x", members=1)),
        ("put", f"{API}/emergency/depots/{w.depot['id']}", located("x", 29.6, 91.1)),
        ("put", f"{API}/emergency/experts/{w.expert['id']}", located("x", 29.6, 91.1, fields=["x"])),
        ("post", f"{API}/emergency/duty/{w.shift['id']}/handover", {"notes": "x"}),
        ("post", f"{API}/emergency/duty/{w.shift['id']}/receive", None),
        ("post", f"{API}/alerts", alert_body(incident=w.incident["id"])),
    ]


LISTS = [
    "/incidents",
    "/emergency/plans",
    "/emergency/teams",
    "/emergency/depots",
    "/emergency/experts",
    "/emergency/duty",
    "/alerts",
]


def listed(caller):
    return {path: {row["id"] for row in items(caller.get(f"{API}{path}"))} for path in LISTS}


def call(caller, method, path, body):
    return getattr(caller, method)(path, body)


def test_another_prefecture_gets_404_on_every_lhasa_endpoint(api, lhasa_world):
    w = lhasa_world
    shigatse = api(w.shigatse_commander)
    for path in lhasa_reads(w):
        assert problem(shigatse.get(path)) == (404, "not_found", None), path
    for method, path, body in lhasa_writes(w):
        assert call(shigatse, method, path, body).status_code == 404, (method, path)
    assert all(not found for found in listed(shigatse).values())
    assert shigatse.get(f"{API}/emergency/plans/overdue").json() == []
    # Shigatse's own incident cannot take Lhasa's team
    own = open_incident(shigatse, lat=29.27, lon=88.88, title="桑珠孜区某矿透水")
    assert problem(dispatch(shigatse, own, w.team)) == (404, "not_found", "id")
    assert w.team["id"] not in {r["id"] for r in shigatse.get(f"{API}/incidents/{own['id']}/nearest").json()}
    # nothing was changed by the attempts
    assert LogEntry.objects.filter(incident_id=w.incident["id"]).count() == 3  # opened, dispatch, alert
    assert Alert.objects.count() == 1


def test_the_region_sees_everything(api, lhasa_world):
    w = lhasa_world
    region = api(w.region_commander)
    for path in lhasa_reads(w):
        assert region.get(path).status_code == 200, path
    assert region.get(f"{API}/incidents/{w.incident['id']}/map.svg")["Content-Type"].startswith("image/svg+xml")
    seen = listed(region)
    assert w.incident["id"] in seen["/incidents"] and w.plan["id"] in seen["/emergency/plans"]
    assert w.team["id"] in seen["/emergency/teams"] and w.depot["id"] in seen["/emergency/depots"]
    assert w.expert["id"] in seen["/emergency/experts"]
    assert w.shift["id"] in seen["/emergency/duty"] and w.alert["id"] in seen["/alerts"]
    # and commands in its area
    assert region.post(f"{API}/incidents/{w.incident['id']}/log", {"text": "自治区工作组已出发"}).status_code == 201


def test_a_supporting_unit_sees_nothing(api, lhasa_world):
    w = lhasa_world
    aid = api(w.beijing_aid)
    for path in lhasa_reads(w):
        assert aid.get(path).status_code == 404, path
    assert all(not found for found in listed(aid).values())
    assert items(aid.get(f"{API}/resource-requests")) == []
    assert aid.get(f"{API}/emergency/plans/overdue").json() == []
    assert problem(aid.post(f"{API}/incidents", incident_body())) == (403, "not_commander", None)


def test_who_commands(api, people):
    w = people
    assert problem(api(w.lhasa_inspector).post(f"{API}/incidents", incident_body())) == (403, "not_commander", None)
    assert problem(api(w.lhasa_admin).post(f"{API}/incidents", incident_body())) == (403, "not_commander", None)
    assert problem(api(w.chengguan_inspector).post(f"{API}/incidents", incident_body())) == (403, "not_commander", None)
    led = api(w.lhasa_leader).post(f"{API}/incidents", incident_body())
    assert led.status_code == 201  # a leader commands
    assert api().get(f"{API}/incidents").status_code == 401
    # the county sees its own incidents, not the prefecture's
    county = open_incident(api(w.chengguan_commander), lat=29.654, lon=91.14)
    assert county["division_code"] == "540102"
    assert ids(api(w.chengguan_commander).get(f"{API}/incidents")) == {county["id"]}
    assert ids(api(w.lhasa_commander).get(f"{API}/incidents")) == {county["id"], led.json()["id"]}


# --- help from another bureau, the roster now, times without an offset, a calendar not yet loaded --------------------


def test_a_bureau_that_accepted_a_request_sends_its_own_team(api, people):
    w = people
    lhasa, shigatse = api(w.lhasa_commander), api(w.shigatse_commander)
    incident = open_incident(lhasa)
    theirs = add_team(shigatse, "日喀则危化救援队", 29.27, 88.88, division_code="540200")
    request_id = ask(w, incident, w.shigatse)
    # Asked but not yet accepted: not theirs to send to.
    assert problem(dispatch(shigatse, incident, theirs)) == (403, "help_not_asked", None)
    answered = shigatse.post(f"{API}/resource-requests/{request_id}/answer", {"status": "accepted", "answer": "出发"})
    assert answered.status_code == 200
    listed = lhasa.get(f"{API}/incidents/{incident['id']}/requests").json()
    assert [(r["id"], r["status"]) for r in listed] == [(request_id, "accepted")]
    sent = dispatch(shigatse, incident, theirs)
    assert sent.status_code == 201, sent.json()
    assert sent.json()["route"] == "great_circle" and sent.json()["travel_minutes"] > 0  # no road network here
    # Both see it; the helping bureau reports its own team's steps; the team is now committed.
    assert [d["name"] for d in lhasa.get(f"{API}/incidents/{incident['id']}/dispatches").json()] == [theirs["name"]]
    assert advance(shigatse, incident, sent.json(), "en_route").status_code == 200
    other = open_incident(lhasa, title="另一起事件")
    ask(w, other, w.shigatse)
    services.request_answer(
        w.shigatse_commander, services.ResourceRequest.objects.get(incident_id=other["id"]), status="accepted"
    )
    assert problem(dispatch(shigatse, other, theirs))[:2] == (409, "help_committed")
    # Lhasa's own team stays Lhasa's to move.
    mine = add_team(lhasa, "拉萨危化救援队")
    ours = dispatch(lhasa, incident, mine).json()
    assert advance(shigatse, incident, ours, "en_route").status_code == 404
    # And the helping bureau commands nothing else of the incident.
    assert problem(shigatse.post(f"{API}/incidents/{incident['id']}/log", {"text": "到达"}))[0] == 404


def test_who_is_on_duty_now(api, people):
    w = people
    lhasa = api(w.lhasa_commander)
    assert lhasa.get(f"{API}/emergency/duty/now").json() is None
    now = timezone.now()
    made = lhasa.post(
        f"{API}/emergency/duty",
        {"starts_at": iso(now - timedelta(hours=2)), "ends_at": iso(now + timedelta(hours=6)),
         "officer": "lhasa-commander"},
    )  # fmt: skip
    assert made.status_code == 201
    assert lhasa.get(f"{API}/emergency/duty/now").json()["officer"] == "lhasa-commander"
    assert api(w.shigatse_commander).get(f"{API}/emergency/duty/now").json() is None


def test_a_time_without_an_offset_is_read_in_the_platforms_zone(api, people):
    w = people
    lhasa = api(w.lhasa_commander)
    local = timezone.localtime(timezone.now() - timedelta(hours=3)).replace(microsecond=0, tzinfo=None)
    incident = open_incident(lhasa, occurred_at=local.isoformat())
    assert same_moment(incident["occurred_at"], timezone.make_aware(local))


def test_a_due_date_past_the_calendar_held_is_not_guessed(api, people):
    from anjian.core.models import CalendarYear

    w = people
    lhasa = api(w.lhasa_admin)
    published = timezone.localdate() - timedelta(days=3)
    CalendarYear.objects.filter(year__gte=published.year).delete()  # the year's calendar not loaded
    made = lhasa.post(f"{API}/emergency/plans", plan_body(published_on=published.isoformat()))
    assert made.status_code == 201, made.json()
    filing = [o for o in made.json()["obligations"] if o["duty"] == "filing"]
    assert filing == [{"duty": "filing", "due": None, "overdue_days": 0, "calendar_missing": published.year}]
    assert lhasa.get(f"{API}/emergency/plans/overdue").status_code == 200
