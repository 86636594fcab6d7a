"""The accident pages: record, see the chain, forward, report changes, investigate; scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.accidents.models import Accident, CasualtyUpdate
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    w = world
    w.chengguan_commander = make_person("chengguan-commander", w.chengguan, "commander")
    w.lhasa_statistician = make_person("lhasa-statistician", w.lhasa, "statistician")
    w.shigatse_statistician = make_person("shigatse-statistician", w.shigatse, "statistician")
    return w


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides):
    now = timezone.now()
    data = {
        "uuid": "6f1c1c52-8a51-4b9c-9a8e-0d8d1c0f0a01",
        "occurred_at": local(now - timedelta(minutes=50)),
        "head_informed_at": local(now - timedelta(minutes=40)),
        "division": "540102",
        "unit_name": "某建筑公司",
        "sector": "industrial",
        "industry": "construction",
        "category": "09",
        "deaths": "3",
        "missing": "0",
        "serious_injuries": "0",
        "minor_injuries": "2",
        "direct_loss_yuan": "500000",
        "summary": "脚手架坍塌",
    }
    data.update(overrides)
    return data


def test_record_forward_and_update_from_the_pages(client, login, people):
    w = people
    login(w.chengguan_commander)
    page = client.get("/accidents/new/")
    assert page.status_code == 200 and 'name="uuid"' in page.content.decode()
    data = form_data()
    response = client.post("/accidents/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    again = client.post("/accidents/new/", data)  # a double click sends the same form again: the same record
    assert again.status_code == 302 and Accident.objects.count() == 1
    accident = Accident.objects.get()
    detail = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert "较大事故" in detail and 'data-division="540000"' in detail and 'data-testid="forward"' in detail
    listing = client.get("/accidents/").content.decode()
    assert 'data-testid="inbox"' in listing
    assert client.post(f"/accidents/{accident.pk}/", {"form": "forward", "to": ""}).status_code == 302
    accident.refresh_from_db()
    assert accident.awaiting_division == "540100"
    update = {
        "form": "update",
        "uuid": "0d4f5a1e-3b2c-4d5e-8f90-1a2b3c4d5e6f",
        "as_of": local(timezone.now()),
        "deaths": "10",
        "missing": "0",
        "serious_injuries": "0",
        "minor_injuries": "2",
    }
    assert client.post(f"/accidents/{accident.pk}/", update).status_code == 302
    accident.refresh_from_db()
    assert accident.severity == "major" and CasualtyUpdate.objects.count() == 2
    assert 'data-division="000000"' in client.get(f"/accidents/{accident.pk}/").content.decode()


def test_bad_input_on_the_page_names_the_field(client, login, people):
    login(people.chengguan_commander)
    bad = form_data(head_informed_at=local(timezone.now() - timedelta(hours=2)))
    response = client.post("/accidents/new/", bad)
    assert response.status_code == 200
    assert "不能早于事故发生" in response.content.decode() or "before the accident" in response.content.decode()
    assert Accident.objects.count() == 0


def test_investigation_from_the_page(client, login, people):
    w = people
    login(w.chengguan_commander)
    client.post("/accidents/new/", form_data())
    accident = Accident.objects.get()
    client.logout()
    login(w.lhasa_leader)
    opened = client.post(
        f"/accidents/{accident.pk}/",
        {
            "form": "investigation",
            "leader": "张三",
            "team": "李四, 拉萨市应急管理局, 组员",
            "started_on": timezone.localdate(),
        },
    )
    assert opened.status_code == 302
    accident.refresh_from_db()
    assert accident.investigation.team == [{"name": "李四", "unit": "拉萨市应急管理局", "role": "组员"}]
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert "张三" in page


def test_pages_are_scoped(client, login, people):
    w = people
    login(w.chengguan_commander)
    client.post("/accidents/new/", form_data())
    accident = Accident.objects.get()
    client.logout()
    login(w.shigatse_statistician)
    assert client.get(f"/accidents/{accident.pk}/").status_code == 404
    assert client.post(f"/accidents/{accident.pk}/", {"form": "forward"}).status_code == 404
    assert "某建筑公司" not in client.get("/accidents/").content.decode()
    client.logout()
    login(w.lhasa_inspector)
    assert client.get("/accidents/new/").status_code == 403
