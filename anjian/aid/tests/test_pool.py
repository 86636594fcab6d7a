"""The support pool: experts (with qualifications) and technical institutions (with their services and
accreditation), engaged by a bureau for work of the other systems it can see — an incident, an aid item — and what
that engagement shows; nobody engages or reads outside their area."""

import datetime

import pytest
from django.utils import timezone

from anjian.aid.models import Engagement
from anjian.core.models import Organisation, OrganisationKind
from anjian.emergency import services as emergency
from conftest import make_person

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def pool(world, api):
    w = world
    w.lhasa_commander = make_person("lhasa-commander", w.lhasa, "commander")
    w.shigatse_commander = make_person("shigatse-commander", w.shigatse, "commander")
    w.expert = emergency.expert_save(
        w.lhasa_commander,
        {"name": "扎西顿珠", "lat": 29.65, "lon": 91.1, "fields": ["矿山救援", "通风"], "title": "高级工程师",
         "qualifications": "注册安全工程师；矿山救护指挥员资格"},
    )  # fmt: skip
    w.institute = Organisation.objects.create(
        kind=OrganisationKind.INSTITUTION, name_zh="拉萨安全检测检验中心", division_id="540100"
    )
    w.institute_person = make_person("lhasa-lab", w.institute, "admin")
    w.incident, _ = emergency.incident_open(
        w.lhasa_commander, title="尼木县矿山透水", kind="mine", place="尼木县", lat=29.43, lon=90.16,
        occurred_at=timezone.now() - datetime.timedelta(hours=3), division_code="540100",
    )  # fmt: skip
    w.lhasa_api, w.shigatse_api = api(w.lhasa_commander), api(w.shigatse_commander)
    return w


def engagement(**overrides):
    return {"purpose": "incident", "role": "技术组组长", "starts_on": timezone.localdate().isoformat()} | overrides


def test_an_expert_of_the_pool_is_engaged_for_an_incident(pool):
    w = pool
    listed = w.lhasa_api.get(f"{API}/experts").json()["items"]
    assert [(e["id"], e["qualifications"], e["engaged_now"]) for e in listed] == [
        (w.expert.pk, "注册安全工程师；矿山救护指挥员资格", False)
    ]
    made = w.lhasa_api.post(f"{API}/experts/{w.expert.pk}/engagements", engagement(target=str(w.incident.pk)))
    assert made.status_code == 201, made.json()
    assert made.json()["incident"] == str(w.incident.pk)
    assert w.lhasa_api.get(f"{API}/experts/{w.expert.pk}").json()["engaged_now"] is True
    assert [e["id"] for e in w.lhasa_api.get(f"{API}/engagements", expert=w.expert.pk).json()["items"]] == [
        made.json()["id"]
    ]
    # The work must be named and visible.
    missing = w.lhasa_api.post(f"{API}/experts/{w.expert.pk}/engagements", engagement())
    assert missing.status_code == 400 and missing.json()["field"] == "target"
    wrong = engagement(target=str(w.incident.pk), ends_on="2000-01-01")
    assert w.lhasa_api.post(f"{API}/experts/{w.expert.pk}/engagements", wrong).json()["code"] == "talent_period_invalid"


def test_another_prefecture_neither_sees_nor_engages(pool):
    w = pool
    assert w.shigatse_api.get(f"{API}/experts").json()["items"] == []
    assert w.shigatse_api.get(f"{API}/experts/{w.expert.pk}").status_code == 404
    assert w.shigatse_api.post(f"{API}/experts/{w.expert.pk}/engagements", engagement()).status_code == 404
    assert w.shigatse_api.get(f"{API}/institutions/{w.institute.pk}").status_code == 404
    # Shigatse's own expert cannot be engaged for Lhasa's incident: the incident is not Shigatse's to see.
    theirs = emergency.expert_save(
        w.shigatse_commander, {"name": "次旦", "lat": 29.27, "lon": 88.88, "fields": ["地质"]}
    )
    refused = w.shigatse_api.post(f"{API}/experts/{theirs.pk}/engagements", engagement(target=str(w.incident.pk)))
    assert refused.status_code == 404 and refused.json()["field"] == "target"
    assert not Engagement.objects.exists()


def test_an_institution_keeps_its_profile_and_is_engaged(pool, api):
    w = pool
    own = api(w.institute_person)
    body = {"services": ["testing", "assessment"], "accreditation": "CMA-2025-0017", "accredited_until": "2030-06-30"}
    saved = own.put(f"{API}/institutions/{w.institute.pk}", body)
    assert saved.status_code == 200 and saved.json()["accredited"] is True
    assert own.put(f"{API}/institutions/{w.institute.pk}", body | {"services": ["cooking"]}).status_code == 422
    listed = w.lhasa_api.get(f"{API}/institutions", service="testing").json()
    assert [i["id"] for i in (listed["items"] if isinstance(listed, dict) else listed)] == [w.institute.pk]
    made = w.lhasa_api.post(
        f"{API}/institutions/{w.institute.pk}/engagements",
        engagement(purpose="review", role="尾矿库安全评价", target=""),
    )
    assert made.status_code == 201 and made.json()["institution"] == w.institute.pk
    # The institution sees its own engagements, not Lhasa's others.
    assert [e["id"] for e in own.get(f"{API}/engagements").json()["items"]] == [made.json()["id"]]
    assert w.shigatse_api.put(f"{API}/institutions/{w.institute.pk}", body).status_code == 404


def test_only_aid_keepers_write_the_pool(pool, api):
    w = pool
    inspector = api(w.lhasa_inspector)
    body = {"services": ["testing"], "accreditation": "FAKE", "accredited_until": "2099-01-01"}
    assert inspector.put(f"{API}/institutions/{w.institute.pk}", body).status_code == 403
    made = inspector.post(f"{API}/experts/{w.expert.pk}/engagements", engagement(target=str(w.incident.pk)))
    assert (made.status_code, made.json()["code"]) == (403, "permission_denied") and not Engagement.objects.exists()
