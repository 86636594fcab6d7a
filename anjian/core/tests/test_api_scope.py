"""Through the API, a Lhasa person can neither list, read, change nor delete a
Shigatse record; the region sees both. Out of scope answers 404."""

import pytest

from anjian.core.models import AuditEntry, Organisation, Person


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_lists_are_scoped(world, api):
    lhasa = api(world.lhasa_inspector)
    people = ids(lhasa.get("/api/v1/people", limit=500))
    assert world.lhasa_admin.pk in people
    assert world.chengguan_inspector.pk in people
    assert world.shigatse_inspector.pk not in people
    organisations = ids(lhasa.get("/api/v1/organisations", limit=500))
    assert world.shigatse.pk not in organisations
    assert world.chengguan.pk in organisations

    region = api(world.region_leader)
    people = ids(region.get("/api/v1/people", limit=500))
    assert {world.lhasa_inspector.pk, world.shigatse_inspector.pk} <= people
    organisations = ids(region.get("/api/v1/organisations", limit=500))
    assert {world.lhasa.pk, world.shigatse.pk} <= organisations


@pytest.mark.parametrize(
    "path",
    ["/api/v1/people/{person}", "/api/v1/organisations/{organisation}"],
)
def test_reading_another_prefecture_is_not_found(world, api, path):
    url = path.format(person=world.shigatse_inspector.pk, organisation=world.shigatse.pk)
    response = api(world.lhasa_admin).get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api(world.region_leader).get(url).status_code == 200


def test_changing_another_prefecture_is_not_found_and_changes_nothing(world, api):
    lhasa_admin = api(world.lhasa_admin)
    before = AuditEntry.objects.count()
    response = lhasa_admin.patch(f"/api/v1/people/{world.shigatse_inspector.pk}", {"full_name": "改名"})
    assert response.status_code == 404
    response = lhasa_admin.patch(f"/api/v1/organisations/{world.shigatse.pk}", {"phone": "1"})
    assert response.status_code == 404
    response = lhasa_admin.post(f"/api/v1/people/{world.shigatse_inspector.pk}/password", {"password": "Xx-1234567890"})
    assert response.status_code == 404
    assert Person.objects.get(pk=world.shigatse_inspector.pk).full_name == "shigatse-inspector"
    assert Organisation.objects.get(pk=world.shigatse.pk).phone == ""
    # Only the token issue of the fixture itself was audited.
    assert AuditEntry.objects.count() == before


def test_deleting_another_prefecture_is_not_found(world, api):
    lhasa_admin = api(world.lhasa_admin)
    assert lhasa_admin.delete(f"/api/v1/people/{world.shigatse_inspector.pk}").status_code == 404
    assert lhasa_admin.delete(f"/api/v1/organisations/{world.shigatse.pk}").status_code == 404
    assert Person.objects.get(pk=world.shigatse_inspector.pk).is_active
    assert Organisation.objects.filter(pk=world.shigatse.pk).exists()


def test_the_region_admin_changes_both(world, api):
    region_admin = api(world.region_admin)
    for person in (world.lhasa_inspector, world.shigatse_inspector):
        response = region_admin.patch(f"/api/v1/people/{person.pk}", {"title": "科长"})
        assert response.status_code == 200, response.content
        assert response.json()["title"] == "科长"


def test_creating_in_another_prefecture_is_refused(world, api):
    response = api(world.lhasa_admin).post(
        "/api/v1/people",
        {"username": "new-one", "full_name": "x", "organisation": world.shigatse.pk, "password": "Plateau-Inspector-7"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "organisation_unknown"
    response = api(world.lhasa_admin).post(
        "/api/v1/organisations", {"kind": "bureau", "name_zh": "萨迦县安全生产监督管理局", "division": "540223"}
    )
    assert response.status_code == 400
    assert response.json() | {"message": ""} == {
        "code": "division_out_of_scope",
        "message": "",
        "field": "division",
        "errors": response.json()["errors"],
    }
    assert not Person.objects.filter(username="new-one").exists()


def test_audit_is_scoped(world, api):
    from anjian.core import services

    services.person_update(world.shigatse_admin, world.shigatse_inspector, title="Shigatse only")
    services.person_update(world.lhasa_admin, world.lhasa_inspector, title="Lhasa only")
    lhasa = api(world.lhasa_leader).get("/api/v1/audit", limit=500).json()["items"]
    touched = {(entry["object_type"], entry["object_id"]) for entry in lhasa}
    assert ("core.person", str(world.lhasa_inspector.pk)) in touched
    assert ("core.person", str(world.shigatse_inspector.pk)) not in touched
    history = api(world.lhasa_leader).get(f"/api/v1/audit/core.person/{world.shigatse_inspector.pk}")
    assert history.status_code == 404
    region = api(world.region_leader).get(f"/api/v1/audit/core.person/{world.shigatse_inspector.pk}").json()
    assert [entry["after"] for entry in region if entry["action"] == "update"] == [{"title": "Shigatse only"}]


def test_supporting_unit_sees_only_itself(world, api):
    beijing = api(world.beijing_aid)
    assert ids(beijing.get("/api/v1/people")) == {world.beijing_aid.pk}
    assert ids(beijing.get("/api/v1/organisations")) == {world.beijing.pk}
    assert beijing.get(f"/api/v1/people/{world.lhasa_inspector.pk}").status_code == 404
