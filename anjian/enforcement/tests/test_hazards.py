"""Hazards through the API: idempotent reports, the lifecycle, major hazards' plans, overdue, scope."""

import datetime
import uuid

import pytest
import time_machine
from django.utils import timezone

from anjian.core.models import AuditEntry, Organisation
from anjian.enforcement.models import Hazard
from anjian.enforcement.rules import MAJOR_PLAN_PARTS
from anjian.enterprises import services as enterprise_services
from anjian.enterprises.tests.test_api import credit, unit
from conftest import make_person


@pytest.fixture
def units(world):
    lhasa = enterprise_services.enterprise_create(world.lhasa_inspector, **unit())
    shigatse = enterprise_services.enterprise_create(
        world.shigatse_inspector, **unit(name="日喀则单位", credit_code=credit(2, "540202"), division="540202")
    )
    return lhasa, shigatse


def api_for(person):
    """A token-authenticated API client of its own, beside the page client."""
    from django.test import Client

    from anjian.core.services import token_create

    _token, key = token_create(person, name="test")
    client = Client(headers={"Authorization": f"Bearer {key}"})

    class Caller:
        def post(self, path, data):
            return client.post(path, data, content_type="application/json")

    return Caller()


def report(caller, enterprise, **overrides):
    body = {
        "enterprise": enterprise.pk,
        "grade": "general",
        "description": "配电箱未接地",
        "location": "二号车间",
        "responsible_person": "扎西",
        "measures": "加装接地线",
        "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    } | overrides
    return caller.post("/api/v1/hazards", body)


def move(caller, hazard_id, to, **extra):
    return caller.post(f"/api/v1/hazards/{hazard_id}/transitions", {"to": to} | extra)


def test_a_general_hazard_from_report_to_closed(world, api, units):
    lhasa, _ = units
    inspector = api(world.lhasa_inspector)
    created = report(inspector, lhasa)
    assert created.status_code == 201, created.content
    hazard = created.json()
    assert (hazard["state"], hazard["source"], hazard["overdue"]) == ("open", "inspection", False)
    for to in ("rectifying", "submitted", "closed"):
        response = move(inspector, hazard["id"], to, comment=f"→ {to}")
        assert response.status_code == 200, response.content
    final = inspector.get(f"/api/v1/hazards/{hazard['id']}").json()
    assert final["state"] == "closed" and final["closed_at"]
    assert [e["to_state"] for e in final["events"]] == ["rectifying", "submitted", "closed"]
    assert AuditEntry.objects.filter(object_type="enforcement.hazard", object_id=hazard["id"]).count() == 4


def test_a_retry_with_the_same_id_records_one_hazard(world, api, units):
    lhasa, _ = units
    inspector = api(world.lhasa_inspector)
    client_id = str(uuid.uuid4())
    first = report(inspector, lhasa, id=client_id)
    again = report(inspector, lhasa, id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == client_id
    assert Hazard.objects.count() == 1
    other = report(inspector, lhasa, id=client_id, description="另一处隐患")
    assert (other.status_code, other.json()["code"]) == (409, "hazard_id_taken")


@pytest.mark.parametrize(
    ("overrides", "field", "code", "status"),
    [
        ({"deadline": "2020-01-01"}, "deadline", "deadline_in_past", 400),
        ({"grade": "minor"}, "grade", "invalid", 422),
        ({"description": ""}, "description", "invalid", 422),
        ({"id": "not-a-uuid"}, "id", "invalid", 422),
    ],
)
def test_bad_reports(world, api, units, overrides, field, code, status):
    response = report(api(world.lhasa_inspector), units[0], **overrides)
    assert (response.status_code, response.json()["field"], response.json()["code"]) == (status, field, code)
    assert not Hazard.objects.exists()


def test_transitions_not_allowed_from_the_state(world, api, units):
    inspector = api(world.lhasa_inspector, language="en")
    hazard = report(inspector, units[0]).json()
    response = move(inspector, hazard["id"], "submitted")
    assert (response.status_code, response.json()["code"]) == (409, "transition_not_allowed")
    assert "Open" in response.json()["message"]
    move(inspector, hazard["id"], "closed")
    response = move(inspector, hazard["id"], "rectifying")
    assert response.json()["code"] == "transition_not_allowed"


def test_a_major_hazard_needs_its_plan_and_the_bureaus_verification(world, api, units):
    inspector = api(world.lhasa_inspector)
    hazard = report(inspector, units[0], grade="major", description="尾矿库坝体渗漏").json()
    assert hazard["listed_supervision"] is True
    assert move(inspector, hazard["id"], "closed").json()["code"] == "major_needs_verification"
    response = move(inspector, hazard["id"], "rectifying", plan={"objectives": "消除渗漏"})
    assert (response.json()["code"], response.json()["field"]) == ("major_plan_incomplete", "plan")
    plan = dict.fromkeys(MAJOR_PLAN_PARTS, "已落实")
    response = move(inspector, hazard["id"], "rectifying", plan=plan)
    assert response.status_code == 200
    assert response.json()["plan"] == plan
    move(inspector, hazard["id"], "submitted")
    back = move(inspector, hazard["id"], "rectifying", comment="复查未通过")
    assert back.json()["state"] == "rectifying"


def test_a_units_own_officer_reports_and_rectifies_but_does_not_close(world, api, units):
    lhasa, _ = units
    organisation = Organisation.objects.create(kind="enterprise", name_zh=lhasa.name, division_id=lhasa.division_id)
    lhasa.organisation = organisation
    lhasa.save()
    officer = make_person("lhasa-enterprise", organisation)
    caller = api(officer)
    hazard = report(caller, lhasa).json()
    assert hazard["source"] == "self_report"
    assert move(caller, hazard["id"], "rectifying").status_code == 200
    assert move(caller, hazard["id"], "submitted").status_code == 200
    response = move(caller, hazard["id"], "closed")
    assert (response.status_code, response.json()["code"]) == (400, "transition_not_yours")
    assert move(api(world.lhasa_inspector), hazard["id"], "closed").status_code == 200
    # The officer sees its own unit's hazards and nothing else.
    report(api(world.shigatse_inspector), units[1])
    assert {h["enterprise_id"] for h in caller.get("/api/v1/hazards").json()["items"]} == {lhasa.pk}
    assert report(caller, units[1]).status_code == 404


def test_overdue_is_derived_and_filtered(world, api, units):
    inspector = api(world.lhasa_inspector)
    hazard = report(inspector, units[0]).json()
    later = timezone.now() + datetime.timedelta(days=10)
    with time_machine.travel(later):
        assert inspector.get(f"/api/v1/hazards/{hazard['id']}").json()["overdue"] is True
        assert [h["id"] for h in inspector.get("/api/v1/hazards", overdue=True).json()["items"]] == [hazard["id"]]
        assert inspector.get("/api/v1/hazards", overdue=False).json()["count"] == 0
    assert inspector.get("/api/v1/hazards", overdue=True).json()["count"] == 0


def test_hazards_are_scoped(world, api, units):
    lhasa, shigatse = units
    theirs = report(api(world.shigatse_inspector), shigatse).json()
    lhasa_caller = api(world.lhasa_inspector)
    assert lhasa_caller.get(f"/api/v1/hazards/{theirs['id']}").status_code == 404
    assert move(lhasa_caller, theirs["id"], "closed").status_code == 404
    assert report(lhasa_caller, shigatse).status_code == 404
    assert lhasa_caller.get("/api/v1/hazards").json()["count"] == 0
    assert api(world.region_leader).get("/api/v1/hazards").json()["count"] == 1
    assert Hazard.objects.get(pk=theirs["id"]).state == "open"
    assert api(world.beijing_aid).get("/api/v1/hazards").json()["count"] == 0


def test_people_without_the_permission_do_not_report(world, api, units):
    response = report(api(world.region_leader), units[0])
    assert response.status_code == 201  # leaders follow hazards too
    statistician = make_person("lhasa-statistician", world.lhasa, "statistician")
    assert report(api(statistician), units[0]).status_code == 403


def test_hazard_pages_from_record_to_closed(world, client, login, units):
    lhasa, shigatse = units
    login(world.lhasa_inspector)
    deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        f"/enterprises/{lhasa.pk}/hazards/new/",
        {"grade": "major", "description": "储罐区防火堤破损", "responsible_person": "扎西", "deadline": deadline},
    )
    assert response.status_code == 302
    url = response["Location"]
    hazard = Hazard.objects.get()
    assert "储罐区防火堤破损" in client.get(f"/enterprises/{lhasa.pk}/").content.decode()
    # A major hazard cannot start rectifying without its plan: the message is shown, nothing changes.
    response = client.post(url, {"to": "rectifying", "comment": "开始整改"}, follow=True)
    assert "major_plan_incomplete" not in response.content.decode()
    assert Hazard.objects.get().state == "open"
    plan = dict.fromkeys(MAJOR_PLAN_PARTS, "已制定")
    client.post(url, {"to": "rectifying", **plan})
    client.post(url, {"to": "submitted"})
    client.post(url, {"to": "closed", "comment": "复查合格"})
    hazard.refresh_from_db()
    assert hazard.state == "closed" and hazard.plan == plan
    listing = client.get("/hazards/", {"state": "closed"}).content.decode()
    assert "储罐区防火堤破损" in listing
    # Another prefecture's unit and hazards stay out of reach.
    assert client.get(f"/enterprises/{shigatse.pk}/hazards/new/").status_code == 404
    theirs = report(api_for(world.shigatse_inspector), shigatse).json()
    assert client.get(f"/hazards/{theirs['id']}/").status_code == 404
    assert client.post(f"/hazards/{theirs['id']}/", {"to": "closed"}).status_code == 404


def test_the_overdue_filter_on_the_page(world, client, login, units):
    report(api_for(world.lhasa_inspector), units[0])
    login(world.lhasa_leader)
    assert client.get("/hazards/", {"overdue": "1"}).context["page"].paginator.count == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        login(world.lhasa_leader)  # a month later: a new session
        page = client.get("/hazards/", {"overdue": "1"})
        assert page.context["page"].paginator.count == 1
        assert "badge off" in page.content.decode()


def test_malformed_ids_in_page_links_are_not_found(world, client, login, units):
    login(world.lhasa_inspector)
    base = f"/enterprises/{units[0].pk}"
    assert client.get(f"{base}/hazards/new/", {"inspection": "junk"}).status_code == 404
    assert client.get(f"{base}/documents/new/", {"kind": "rectification_order", "hazard": "junk"}).status_code == 404
    assert (
        client.get(f"{base}/documents/new/", {"kind": "rectification_order", "supersedes": "junk"}).status_code == 404
    )
