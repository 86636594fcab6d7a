"""Inspections: two certified officers, the whole checklist, evidence photos, the on-site record;
and the whole path from a draw to a closed hazard."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anjian.enforcement.models import ChecklistTemplate, Inspection
from anjian.enforcement.tests.test_draws import certify


def template_results(result="pass"):
    template = ChecklistTemplate.objects.get(category="")
    return template, {str(item.pk): result for item in template.items.all()}


def body(world, units, **overrides):
    template, results = template_results()
    return {
        "enterprise": units[0].pk,
        "template": template.pk,
        "date": timezone.localdate().isoformat(),
        "place": "生产车间",
        "inspectors": ["lhasa-inspector", "lhasa-inspector-2"],
        "representatives": "扎西（安全科长）",
        "findings": "",
        "results": results,
    } | overrides


@pytest.fixture
def ready(lhasa_world, api):
    world, units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2, world.lhasa_inspector_3)
    return world, units


def test_the_checklists_cite_their_legal_basis(world, api):
    checklists = api(world.lhasa_inspector).get("/api/v1/checklists").json()
    general = next(c for c in checklists if c["category"] == "")
    assert len(general["items"]) >= 5
    assert all("《" in item["legal_basis"] and "条" in item["legal_basis"] for item in general["items"])


def test_an_inspection_issues_its_on_site_record(ready, api):
    world, units = ready
    template, results = template_results()
    failing = next(iter(results))
    results[failing] = "fail"
    response = api(world.lhasa_inspector).post("/api/v1/inspections", body(world, units, results=results))
    assert response.status_code == 201, response.content
    inspection = response.json()
    assert inspection["inspectors"] == ["lhasa-inspector", "lhasa-inspector-2"]
    assert inspection["record_number"].startswith("540100现检〔")
    record = api(world.lhasa_inspector).get(f"/api/v1/documents/{inspection['record_id']}").json()
    assert "不符合" in record["body"]["findings"]


def test_a_retry_records_one_inspection(ready, api):
    world, units = ready
    client_id = str(uuid.uuid4())
    caller = api(world.lhasa_inspector)
    first = caller.post("/api/v1/inspections", body(world, units, id=client_id))
    again = caller.post("/api/v1/inspections", body(world, units, id=client_id))
    assert (first.status_code, again.status_code) == (201, 200)
    assert Inspection.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"inspectors": ["lhasa-inspector"]}, "inspectors", "inspection_needs_two"),
        ({"inspectors": ["lhasa-inspector", "shigatse-inspector"]}, "inspectors", "inspector_unknown"),
        ({"inspectors": ["lhasa-inspector", "lhasa-admin"]}, "inspectors", "inspector_not_certified"),
        ({"date": "2099-01-01"}, "date", "date_in_future"),
        ({"results": {}}, "results", "checklist_incomplete"),
    ],
)
def test_bad_inspections_are_refused_and_nothing_is_written(ready, api, overrides, field, code):
    world, units = ready
    response = api(world.lhasa_inspector, language="en").post("/api/v1/inspections", body(world, units, **overrides))
    assert (response.status_code, response.json()["field"], response.json()["code"]) == (400, field, code)
    assert not Inspection.objects.exists()
    from anjian.enforcement.models import Document

    assert not Document.objects.exists()


def test_a_recused_officer_cannot_inspect(ready, api):
    world, units = ready
    recusal = {"person": world.lhasa_inspector_2.pk, "enterprise": units[0].pk, "reason": "曾在该单位任职"}
    assert api(world.lhasa_inspector).post("/api/v1/recusals", recusal).status_code == 403  # not theirs to record
    assert api(world.lhasa_admin).post("/api/v1/recusals", recusal).status_code == 201
    response = api(world.lhasa_inspector).post("/api/v1/inspections", body(world, units))
    assert (response.status_code, response.json()["code"]) == (400, "inspector_recused")


def photo(fmt="JPEG", size=(40, 30)):
    handle = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(handle, format=fmt)
    return handle.getvalue()


def test_evidence_photos_are_checked_and_hashed(ready, api, client, settings):
    import hashlib

    world, units = ready
    caller = api(world.lhasa_inspector)
    inspection = caller.post("/api/v1/inspections", body(world, units)).json()
    url = f"/api/v1/inspections/{inspection['id']}/photos"
    data = photo()
    response = client.post(
        url, {"file": SimpleUploadedFile("p.jpg", data), "caption": "配电箱"}, headers=caller.headers
    )
    assert response.status_code == 201, response.content
    assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert response.json()["content_type"] == "image/jpeg"
    fake = client.post(url, {"file": SimpleUploadedFile("p.jpg", b"%PDF-1.4 not a photo")}, headers=caller.headers)
    assert (fake.status_code, fake.json()["code"]) == (400, "photo_not_image")
    settings.PHOTO_MAX_BYTES = 100
    big = client.post(url, {"file": SimpleUploadedFile("p.png", photo("PNG", (300, 300)))}, headers=caller.headers)
    assert (big.status_code, big.json()["code"]) == (400, "photo_too_large")
    assert len(caller.get(f"/api/v1/inspections/{inspection['id']}").json()["photos"]) == 1


def test_inspections_are_scoped(ready, api):
    world, units = ready
    inspection = api(world.lhasa_inspector).post("/api/v1/inspections", body(world, units)).json()
    shigatse = api(world.shigatse_inspector)
    assert shigatse.get(f"/api/v1/inspections/{inspection['id']}").status_code == 404
    assert shigatse.get("/api/v1/inspections").json()["count"] == 0
    assert shigatse.post("/api/v1/inspections", body(world, units)).status_code == 404
    assert api(world.region_leader).get("/api/v1/inspections").json()["count"] == 1


def test_from_a_draw_to_a_closed_hazard(ready, api):
    """The inspector's whole path: drawn with a colleague, inspects, finds a hazard, orders it
    rectified, follows it until it is verified and closed, and issues the review opinion."""
    world, _units = ready
    leader = api(world.lhasa_leader)
    plan = leader.post(
        "/api/v1/inspection-plans",
        {"year": timezone.localdate().year, "name": "抽查", "strata": [{"category": "", "count": 1}]},
    ).json()
    draw = leader.post(f"/api/v1/inspection-plans/{plan['id']}/draws").json()
    drawn = leader.post(f"/api/v1/draws/{draw['id']}/perform").json()
    assignment = drawn["assignments"][0]
    officer_name = assignment["inspectors"][0]
    from anjian.core.models import Person

    officer = api(Person.objects.get(username=officer_name))
    template, results = template_results()
    results[next(iter(results))] = "fail"
    inspection = officer.post(
        "/api/v1/inspections",
        {
            "enterprise": assignment["enterprise_id"],
            "assignment": _assignment_id(drawn["id"], assignment["enterprise_id"]),
            "template": template.pk,
            "date": timezone.localdate().isoformat(),
            "place": "厂区",
            "inspectors": assignment["inspectors"],
            "representatives": "安全负责人",
            "findings": "应急预案未演练",
            "results": results,
        },
    )
    assert inspection.status_code == 201, inspection.content
    deadline = (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
    hazard = officer.post(
        "/api/v1/hazards",
        {"enterprise": assignment["enterprise_id"], "grade": "general", "description": "应急预案未演练",
         "responsible_person": "安全负责人", "deadline": deadline},
    ).json()  # fmt: skip
    order = officer.post(
        "/api/v1/documents",
        {"kind": "rectification_order", "enterprise": assignment["enterprise_id"], "hazard": hazard["id"],
         "body": {"findings": "应急预案未演练", "requirements": "组织演练", "deadline": deadline}},
    ).json()  # fmt: skip
    for to in ("rectifying", "submitted", "closed"):
        assert officer.post(f"/api/v1/hazards/{hazard['id']}/transitions", {"to": to}).status_code == 200
    review = officer.post(
        "/api/v1/documents",
        {"kind": "review_opinion", "enterprise": assignment["enterprise_id"], "refers_to": order["id"],
         "body": {"opinion": "已按要求整改，复查合格"}},
    )  # fmt: skip
    assert review.status_code == 201
    assert leader.get(f"/api/v1/hazards/{hazard['id']}").json()["state"] == "closed"
    assert leader.post(f"/api/v1/draws/{drawn['id']}/verify").json()["verified"] is True


def _assignment_id(draw_id, enterprise_id):
    from anjian.enforcement.models import DrawAssignment

    return DrawAssignment.objects.get(draw_id=draw_id, enterprise_id=enterprise_id).pk


def test_an_inspection_from_the_pages_with_a_photo(ready, client, login):
    world, units = ready
    login(world.lhasa_inspector)
    url = f"/enterprises/{units[0].pk}/inspections/new/"
    form = client.get(url).context["form"]
    assert {"lhasa-inspector", "lhasa-inspector-2", "lhasa-inspector-3"} <= dict(
        form.fields["inspectors"].choices
    ).keys()
    data = {
        "date": timezone.localdate().isoformat(),
        "place": "车间",
        "inspectors": ["lhasa-inspector", "lhasa-inspector-3"],
        "representatives": "扎西",
        "findings": "",
    } | {f"item_{item.pk}": "pass" for item in form.items}
    response = client.post(url, data | {"inspectors": ["lhasa-inspector"]})
    assert response.status_code == 200  # one officer: refused on the form
    assert not Inspection.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    detail = response["Location"]
    page = client.get(detail).content.decode()
    assert "540100现检〔" in page
    client.post(detail, {"file": SimpleUploadedFile("p.png", photo("PNG")), "caption": "现场"})
    inspection = Inspection.objects.get()
    picture = inspection.photos.get()
    served = client.get(f"{detail}photos/{picture.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    client.logout()
    login(world.shigatse_admin)
    assert client.get(detail).status_code == 404
    assert client.get(f"{detail}photos/{picture.pk}/").status_code == 404
    assert client.get(url).status_code == 404


def test_a_hazard_found_by_an_inspection_names_it(ready, api):
    world, units = ready
    caller = api(world.lhasa_inspector)
    inspection = caller.post("/api/v1/inspections", body(world, units)).json()
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    hazard = caller.post(
        "/api/v1/hazards",
        {"enterprise": units[0].pk, "inspection": inspection["id"], "grade": "general", "description": "x",
         "responsible_person": "y", "deadline": deadline},
    )  # fmt: skip
    assert hazard.status_code == 201
    assert hazard.json()["inspection_id"] == inspection["id"]
    other_unit = api(world.lhasa_admin).post(
        "/api/v1/enterprises",
        {"name": "另一家", "credit_code": _credit(50), "legal_representative": "z", "division": "540102",
         "industry": "C3021"},
    ).json()  # fmt: skip
    wrong = caller.post(
        "/api/v1/hazards",
        {"enterprise": other_unit["id"], "inspection": inspection["id"], "grade": "general", "description": "x",
         "responsible_person": "y", "deadline": deadline},
    )  # fmt: skip
    assert (wrong.status_code, wrong.json()["field"]) == (400, "inspection")


def test_recusals_are_scoped(ready, api):
    world, units = ready
    recusal = {"person": world.shigatse_inspector.pk, "enterprise": units[0].pk, "reason": "x"}
    assert api(world.lhasa_admin).post("/api/v1/recusals", recusal).status_code == 404
    assert (
        api(world.shigatse_admin)
        .post("/api/v1/recusals", {"person": world.shigatse_inspector.pk, "enterprise": units[0].pk, "reason": "x"})
        .status_code
        == 404
    )


def _credit(n):
    from anjian.enterprises.tests.test_api import credit

    return credit(n)
