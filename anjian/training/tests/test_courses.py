"""Courses, sessions and attendance; each person's hours against Order 3; compliance lists; scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.enterprises.tests.test_api import credit, unit
from anjian.training.models import Attendance
from anjian.training.tests.test_trainees import id_number
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(world, api):
    from anjian.enterprises import services

    w = world
    w.lhasa_trainer = make_person("lhasa-trainer", w.lhasa, "trainer")
    w.shigatse_trainer = make_person("shigatse-trainer", w.shigatse, "trainer")
    w.mine = services.enterprise_create(
        w.lhasa_inspector,
        **unit(name="墨竹工卡矿业有限公司", credit_code=credit(7, "540127"), division="540127",
               industry="B09", categories=["metal_nonmetal_mine"]),
    )  # fmt: skip
    body = {"name": "次仁多吉", "id_number": id_number("54012719800101123"), "audience": "principal"}
    w.principal = api(w.lhasa_trainer).post("/api/v1/trainees", body | {"employer": w.mine.pk}).json()
    return w


def course(api, trainer, **overrides):
    body = {"name": "主要负责人初次培训（矿山）", "audience": "principal", "kind": "initial", "hours": "48"}
    response = api(trainer).post("/api/v1/courses", body | overrides)
    assert response.status_code == 201, response.json()
    return response.json()


def session(api, trainer, course_id, days_ago=10, **overrides):
    start = timezone.localdate() - timedelta(days=days_ago)
    body = {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=5)).isoformat(), "venue": "拉萨培训中心"}
    response = api(trainer).post(f"/api/v1/courses/{course_id}/sessions", body | overrides)
    assert response.status_code == 201, response.json()
    return response.json()


def test_hours_against_order_3(api, centre):
    w = centre
    first = course(api, w.lhasa_trainer)
    part = session(api, w.lhasa_trainer, first["id"], hours="32")
    attend = f"/api/v1/sessions/{part['id']}/attendance"
    assert api(w.lhasa_trainer).post(attend, [{"trainee": w.principal["id"]}]).status_code == 200
    ledger = api(w.lhasa_trainer).get(f"/api/v1/trainees/{w.principal['id']}/hours").json()
    assert ledger["high_risk"] is True  # a mine: 48 hours first, 16 a year (Order 3)
    assert (ledger["required_initial"], ledger["required_yearly"]) == (48, 16)
    assert float(ledger["initial_done"]) == 32
    rows = api(w.lhasa_inspector).get("/api/v1/training/compliance").json()["items"]
    assert [(r["name"], r["basis"], r["required"], float(r["shortfall"])) for r in rows] == [
        ("次仁多吉", "initial", 48, 16.0)
    ]
    rest = session(api, w.lhasa_trainer, first["id"], days_ago=3, hours="16")
    api(w.lhasa_trainer).post(f"/api/v1/sessions/{rest['id']}/attendance", [{"trainee": w.principal["id"]}])
    row = api(w.lhasa_inspector).get("/api/v1/training/compliance").json()["items"][0]
    assert row["compliant"] is True
    # the year after: 16 hours of re-training
    next_year = api(w.lhasa_inspector).get("/api/v1/training/compliance", year=timezone.localdate().year + 1)
    assert (next_year.json()["items"][0]["basis"], next_year.json()["items"][0]["required"]) == ("yearly", 16)
    assert next_year.json()["items"][0]["compliant"] is False
    # the year before: the first training had not been done yet (later hours do not count back)
    last_year = api(w.lhasa_inspector).get("/api/v1/training/compliance", year=timezone.localdate().year - 1)
    row = last_year.json()["items"][0]
    assert (row["basis"], float(row["done"]), row["compliant"]) == ("initial", 0.0, False)


def test_bad_attendance_and_courses(api, centre):
    w = centre
    first = course(api, w.lhasa_trainer)
    part = session(api, w.lhasa_trainer, first["id"], hours="8")
    attend = f"/api/v1/sessions/{part['id']}/attendance"
    too_many = api(w.lhasa_trainer).post(attend, [{"trainee": w.principal["id"], "hours": "9"}])
    assert too_many.status_code == 400 and too_many.json()["code"] == "attendance_hours_exceed"
    later = session(api, w.lhasa_trainer, first["id"], days_ago=-5)
    early = api(w.lhasa_trainer).post(f"/api/v1/sessions/{later['id']}/attendance", [{"trainee": w.principal["id"]}])
    assert early.json()["code"] == "attendance_before_session"
    assert Attendance.objects.count() == 0
    body = {"name": "电工", "audience": "special_operator", "kind": "initial", "hours": "40", "operation_item": "1.9"}
    assert api(w.lhasa_trainer).post("/api/v1/courses", body).json()["code"] == "operation_item_unknown"
    body["operation_item"] = "1.2"
    assert api(w.lhasa_trainer).post("/api/v1/courses", body).status_code == 201
    wrong = {"starts_on": "2026-05-05", "ends_on": "2026-05-01", "venue": "x"}
    response = api(w.lhasa_trainer).post(f"/api/v1/courses/{first['id']}/sessions", wrong)
    assert response.json()["code"] == "session_dates_invalid"


def test_scope_of_courses_and_attendance(api, centre):
    w = centre
    first = course(api, w.lhasa_trainer)
    part = session(api, w.lhasa_trainer, first["id"])
    attend = f"/api/v1/sessions/{part['id']}/attendance"
    assert api(w.shigatse_trainer).post(attend, [{"trainee": w.principal["id"]}]).status_code == 404
    assert api(w.shigatse_trainer).get(f"/api/v1/courses/{first['id']}").status_code == 404
    assert api(w.shigatse_trainer).get(f"/api/v1/trainees/{w.principal['id']}/hours").status_code == 404
    assert api(w.shigatse_trainer).get("/api/v1/training/compliance").json()["count"] == 0
    assert api(w.region_admin).get("/api/v1/training/compliance").json()["count"] == 1
