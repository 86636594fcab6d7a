"""Plans and verifiable random draws through the API: scope, two officers, recusals, verification."""

import datetime

import pytest
from django.utils import timezone

from anjian.core.models import AuditEntry
from anjian.enforcement.models import Draw, DrawAssignment


def certify(api, world, *people, days=365):
    caller = api(world.lhasa_admin)
    for i, person in enumerate(people):
        valid_until = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
        response = caller.put(
            f"/api/v1/people/{person.pk}/enforcement-certificate",
            {"number": f"藏执{person.pk:05d}{i}", "valid_until": valid_until},
        )
        assert response.status_code == 200, response.content


def make_plan(api, world, strata=None):
    body = {"year": timezone.localdate().year, "name": "双随机抽查", "strata": strata or [{"category": "", "count": 3}]}
    response = api(world.lhasa_leader).post("/api/v1/inspection-plans", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_draw_from_commitment_to_verification(lhasa_world, api):
    world, units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2, world.lhasa_inspector_3)
    plan = make_plan(api, world, [{"category": "metal_nonmetal_mine", "count": 1}, {"category": "", "count": 2}])
    leader = api(world.lhasa_leader)
    committed = leader.post(f"/api/v1/inspection-plans/{plan['id']}/draws").json()
    assert committed["state"] == "committed"
    assert committed["seed"] is None  # secret until the draw
    assert len(committed["seed_commitment"]) == 64
    codes = {code for code, _stratum in committed["snapshot"]}
    assert codes == {u.credit_code for u in units}  # the Shigatse unit is not in Lhasa's register
    drawn = leader.post(f"/api/v1/draws/{committed['id']}/perform").json()
    assert drawn["state"] == "drawn"
    assert drawn["seed"] and drawn["seed_commitment"] == committed["seed_commitment"]
    assert [a["stratum"] for a in drawn["assignments"]].count("metal_nonmetal_mine") == 1
    assert len(drawn["assignments"]) == 3
    assert all(len(a["inspectors"]) == 2 for a in drawn["assignments"])
    assert leader.post(f"/api/v1/draws/{drawn['id']}/verify").json()["verified"] is True
    # Anyone can recompute it from what was published.
    from anjian.enforcement.rules import assign_inspectors, commitment, draw_units

    assert commitment(drawn["seed"]) == drawn["seed_commitment"]
    candidates = {}
    for code, stratum in drawn["snapshot"]:
        candidates.setdefault(stratum, []).append(code)
    recomputed = draw_units(drawn["seed"], candidates, drawn["quotas"])
    assert sorted(c for cs in recomputed.values() for c in cs) == sorted(a["credit_code"] for a in drawn["assignments"])
    assignment, _short = assign_inspectors(drawn["seed"], [a["credit_code"] for a in drawn["assignments"]],
                                           drawn["inspectors"], {})  # fmt: skip
    assert {a["credit_code"]: a["inspectors"] for a in drawn["assignments"]} == assignment
    # A second perform is refused; the audit log holds the commitment and the revealed seed.
    assert leader.post(f"/api/v1/draws/{drawn['id']}/perform").json()["code"] == "draw_state_invalid"
    entries = AuditEntry.objects.filter(object_type="enforcement.draw").order_by("seq")
    assert entries[0].after["seed_commitment"] == drawn["seed_commitment"]
    assert entries[1].after["seed"] == drawn["seed"]
    assert leader.post(f"/api/v1/draws/{drawn['id']}/publish").json()["state"] == "published"


def test_a_tampered_draw_fails_verification(lhasa_world, api):
    world, _units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2, world.lhasa_inspector_3)
    plan = make_plan(api, world)
    leader = api(world.lhasa_leader)
    draw = leader.post(f"/api/v1/inspection-plans/{plan['id']}/draws").json()
    leader.post(f"/api/v1/draws/{draw['id']}/perform")
    assignment = DrawAssignment.objects.filter(draw_id=draw["id"]).first()
    assignment.inspectors.set([world.lhasa_admin, world.lhasa_leader])  # someone rewrote who was drawn
    result = leader.post(f"/api/v1/draws/{draw['id']}/verify").json()
    assert result["selection_matches"] is False and result["verified"] is False
    Draw.objects.filter(pk=draw["id"]).update(seed="0" * 64)
    assert leader.post(f"/api/v1/draws/{draw['id']}/verify").json()["seed_matches_commitment"] is False


def test_two_certified_officers_are_needed(lhasa_world, api):
    world, _units = lhasa_world
    certify(api, world, world.lhasa_inspector)
    plan = make_plan(api, world)
    response = api(world.lhasa_leader, language="en").post(f"/api/v1/inspection-plans/{plan['id']}/draws")
    assert response.status_code == 409
    assert response.json()["code"] == "draw_short_of_inspectors"
    assert "Art. 24" in response.json()["message"]
    assert not Draw.objects.exists()


def test_an_expired_certificate_does_not_count(lhasa_world, api):
    world, _units = lhasa_world
    certify(api, world, world.lhasa_inspector)
    certify(api, world, world.lhasa_inspector_2, days=-1)
    plan = make_plan(api, world)
    response = api(world.lhasa_leader).post(f"/api/v1/inspection-plans/{plan['id']}/draws")
    assert response.json()["code"] == "draw_short_of_inspectors"


def test_a_recused_officer_is_never_drawn_for_that_unit(lhasa_world, api):
    world, units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2, world.lhasa_inspector_3)
    response = api(world.lhasa_inspector).post(
        "/api/v1/recusals",
        {"person": world.lhasa_inspector.pk, "enterprise": units[0].pk, "reason": "亲属任法定代表人"},
    )
    assert response.status_code == 201
    plan = make_plan(api, world, [{"category": "", "count": 6}])
    leader = api(world.lhasa_leader)
    draw = leader.post(f"/api/v1/inspection-plans/{plan['id']}/draws").json()
    assert draw["recusals"] == {units[0].credit_code: ["lhasa-inspector"]}
    drawn = leader.post(f"/api/v1/draws/{draw['id']}/perform").json()
    first = next(a for a in drawn["assignments"] if a["credit_code"] == units[0].credit_code)
    assert "lhasa-inspector" not in first["inspectors"]
    assert first["inspectors"] == ["lhasa-inspector-2", "lhasa-inspector-3"]


def test_plans_and_draws_are_scoped(lhasa_world, api):
    world, _units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2)
    plan = make_plan(api, world)
    draw = api(world.lhasa_leader).post(f"/api/v1/inspection-plans/{plan['id']}/draws").json()
    shigatse = api(world.shigatse_admin)
    assert shigatse.get(f"/api/v1/inspection-plans/{plan['id']}").status_code == 404
    assert shigatse.post(f"/api/v1/inspection-plans/{plan['id']}/draws").status_code == 404
    for action in ("perform", "verify", "publish"):
        assert shigatse.post(f"/api/v1/draws/{draw['id']}/{action}").status_code == 404
    assert shigatse.get(f"/api/v1/draws/{draw['id']}").status_code == 404
    assert (
        shigatse.put(
            f"/api/v1/people/{world.lhasa_inspector.pk}/enforcement-certificate",
            {"number": "X", "valid_until": "2030-01-01"},
        ).status_code
        == 404
    )
    assert api(world.region_leader).get(f"/api/v1/draws/{draw['id']}").status_code == 200
    assert Draw.objects.get(pk=draw["id"]).state == "committed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 1990, "name": "x", "strata": [{"count": 1}]}, "year"),
        ({"year": 2026, "name": "x", "strata": []}, "strata"),
        ({"year": 2026, "name": "x", "strata": [{"category": "casino", "count": 1}]}, "strata.0.category"),
        ({"year": 2026, "name": "x", "strata": [{"count": 0}]}, "strata.0.count"),
    ],
)
def test_bad_plans_are_refused(world, api, body, field):
    response = api(world.lhasa_leader).post("/api/v1/inspection-plans", body)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_a_plan_for_a_far_year_or_by_an_inspector_is_refused(world, api):
    far = {"year": timezone.localdate().year + 5, "name": "x", "strata": [{"count": 1}]}
    assert api(world.lhasa_leader).post("/api/v1/inspection-plans", far).json()["code"] == "plan_year_invalid"
    body = {"year": timezone.localdate().year, "name": "x", "strata": [{"count": 1}]}
    assert api(world.lhasa_inspector).post("/api/v1/inspection-plans", body).status_code == 403
