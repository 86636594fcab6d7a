"""Enforcement pages: a plan, a draw from commitment to verification, all scoped."""

import pytest

from anjian.enforcement.models import Draw, InspectionPlan
from anjian.enforcement.tests.test_draws import certify


def test_a_leader_plans_and_draws_from_the_pages(lhasa_world, api, client, login):
    world, _units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2, world.lhasa_inspector_3)
    login(world.lhasa_leader)
    response = client.post(
        "/inspection-plans/new/",
        {"year": 2026, "name": "二〇二六年双随机", "count_all": 2, "count_metal_nonmetal_mine": 1},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    plan = InspectionPlan.objects.get()
    assert sorted((s.category, s.count) for s in plan.strata.all()) == [("", 2), ("metal_nonmetal_mine", 1)]
    response = client.post(f"/inspection-plans/{plan.pk}/draws/")
    draw = Draw.objects.get()
    assert response["Location"] == f"/draws/{draw.pk}/"
    page = client.get(f"/draws/{draw.pk}/").content.decode()
    assert draw.seed_commitment in page and draw.seed not in page
    client.post(f"/draws/{draw.pk}/perform/")
    page = client.get(f"/draws/{draw.pk}/", {"verify": 1}).content.decode()
    assert draw.seed in page
    response = client.get(f"/draws/{draw.pk}/", {"verify": 1})
    assert response.context["verification"]["verified"] is True
    assert len(response.context["assignments"]) == 3


def test_another_prefecture_cannot_see_or_act_on_a_draw(lhasa_world, api, client, login):
    world, _units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2)
    plan = (
        api(world.lhasa_leader)
        .post("/api/v1/inspection-plans", {"year": 2026, "name": "x", "strata": [{"count": 1}]})
        .json()
    )
    draw = api(world.lhasa_leader).post(f"/api/v1/inspection-plans/{plan['id']}/draws").json()
    login(world.shigatse_admin)
    assert client.get(f"/inspection-plans/{plan['id']}/").status_code == 404
    assert client.post(f"/inspection-plans/{plan['id']}/draws/").status_code == 404
    assert client.get(f"/draws/{draw['id']}/").status_code == 404
    assert client.post(f"/draws/{draw['id']}/perform/").status_code == 404
    assert Draw.objects.get(pk=draw["id"]).state == "committed"
    assert "二〇" not in client.get("/inspection-plans/").content.decode()


def test_an_inspector_cannot_plan(world, client, login):
    login(world.lhasa_inspector)
    assert client.get("/inspection-plans/").status_code == 200
    assert client.get("/inspection-plans/new/").status_code == 403


@pytest.mark.django_db
def test_the_demo_draw_verifies(settings):
    from django.core.management import call_command

    from anjian.enforcement.services import draw_verify

    settings.EMBEDDED = True
    call_command("seed_demo")
    draw = Draw.objects.get()
    assert draw.state == "published"
    assert draw_verify(draw)["verified"] is True
    assert all(a.inspectors.count() == 2 for a in draw.assignments.all())


def test_published_draws_are_public_and_others_are_not(lhasa_world, api, client):
    world, _units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2)
    leader = api(world.lhasa_leader)
    plan = leader.post("/api/v1/inspection-plans", {"year": 2026, "name": "公开抽查", "strata": [{"count": 2}]}).json()
    draw = leader.post(f"/api/v1/inspection-plans/{plan['id']}/draws").json()
    leader.post(f"/api/v1/draws/{draw['id']}/perform")
    assert client.get(f"/public/draws/{draw['id']}/").status_code == 404  # drawn, not yet published
    leader.post(f"/api/v1/draws/{draw['id']}/publish")
    assert "公开抽查" in client.get("/public/draws/").content.decode()
    page = client.get(f"/public/draws/{draw['id']}/")
    assert page.status_code == 200
    assert page.context["verification"]["verified"] is True
