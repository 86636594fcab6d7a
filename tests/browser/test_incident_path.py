"""In a real browser: on the night of a mine explosion, Lhasa's duty officer opens an incident from the accident
report, sees the rescue teams ranked by travel time on the road network (the nearest by road first, a team with no
road link marked as a straight-line estimate), dispatches the fastest team, sees it in the dispatches and the log,
and cannot send it a second time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACES = [
    ["code", "name", "lat", "lon", "division_code"],
    ["A", "甲", "29.65", "91.10", "540102"],
    ["B", "乙", "29.90", "91.60", "540102"],
    ["C", "丙", "29.80", "91.20", "540102"],
    ["D", "丁", "31.00", "92.00", "540100"],
]
# A–B 60 min, B–C 60 min, A–C 120 min; D has no road.
SEGMENTS = [
    ["from", "to", "length_km", "speed_kmh"],
    ["A", "B", "60", "60"],
    ["B", "C", "30", "30"],
    ["A", "C", "100", "50"],
]


def log_in(page, url, username):
    from conftest import PASSWORD

    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}/")


def test_open_an_incident_rank_help_and_dispatch(live_server, page, loaded_world):
    from anjian.accidents import services as accident_services
    from anjian.emergency import network, services
    from anjian.emergency.models import Dispatch, Incident
    from conftest import make_person

    w = loaded_world
    region = make_person("xizang-commander", w.region, "commander")
    lhasa = make_person("lhasa-commander", w.lhasa, "commander")
    services.network_import(region, PLACES, SEGMENTS, approximate=True, source="test graph")
    network.forget()
    teams = {}
    for name, code, lat, lon in (("乙地矿山救护队", "B", 29.9, 91.6), ("丙地矿山救护队", "C", 29.8, 91.2),
                                 ("丁地救援队", "D", 31.0, 92.0)):  # fmt: skip
        teams[code] = services.team_save(
            lhasa,
            {"name": name, "division_code": "540102", "lat": lat, "lon": lon, "place": code, "kind": "mine_rescue",
             "base": name, "members": 15},
        )  # fmt: skip
    now = timezone.now()
    accident_services.accident_record(
        lhasa,
        occurred_at=now - timedelta(minutes=50),
        head_informed_at=now - timedelta(minutes=45),
        division="540102",
        place="甲地煤矿",
        lat="29.65",
        lon="91.10",
        unit_name="甲地煤矿有限公司",
        sector="industrial",
        industry="coal_mine",
        category="15",
        deaths=1,
        missing=4,
        serious_injuries=0,
        minor_injuries=2,
        direct_loss_yuan=Decimal("0"),
        summary="井下瓦斯爆炸，4人被困",
    )
    url = live_server.url

    log_in(page, url, "lhasa-commander")
    page.goto(f"{url}/emergency/incidents/")
    page.click("button[name=from_accident]")
    page.wait_for_url(f"{url}/emergency/incidents/*-*/")
    incident = Incident.objects.get()
    assert incident.accident is not None and incident.missing == 4 and incident.kind == "mine"

    rows = page.locator("#nearest tr[data-help]")
    keys = [rows.nth(i).get_attribute("data-help") for i in range(rows.count())]
    routes = [rows.nth(i).get_attribute("data-route") for i in range(rows.count())]
    # The incident's point lies at place A: B by road in 60 min, C in 120 (either way), D only as a straight line.
    assert keys[:2] == [f"team-{teams['B'].pk}", f"team-{teams['C'].pk}"]
    assert routes[:2] == ["road", "road"] and routes[keys.index(f"team-{teams['D'].pk}")] == "great_circle"
    assert page.locator("#nearest svg [data-kind=incident]").count() == 1

    page.locator(f"tr[data-help='team-{teams['B'].pk}'] input[name=task]").fill("井下搜救被困人员")
    page.click(f"button[data-dispatch='team-{teams['B'].pk}']")
    page.wait_for_url(f"{url}/emergency/incidents/{incident.pk}/*")
    row = page.locator(f"#dispatch tr[data-dispatch-row='team-{teams['B'].pk}']")
    assert row.get_attribute("data-status") == "ordered"
    dispatch = Dispatch.objects.get()
    assert dispatch.travel_minutes == 60.0 and dispatch.task == "井下搜救被困人员"
    assert page.locator("#log tr[data-log]").count() >= 2  # opened, dispatched
    # Once committed, the team is no longer offered.
    assert page.locator(f"#nearest tr[data-help='team-{teams['B'].pk}']").count() == 0

    row.locator("button[value=en_route]").click()
    page.wait_for_url(f"{url}/emergency/incidents/{incident.pk}/*")
    assert (
        page.locator(f"#dispatch tr[data-dispatch-row='team-{teams['B'].pk}']").get_attribute("data-status")
        == "en_route"
    )
    network.forget()
