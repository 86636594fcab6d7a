"""The registry through the API: scoped, validated, audited."""

import pytest

from anjian.core.models import AuditEntry
from anjian.enterprises.models import Enterprise
from anjian.enterprises.rules import credit_check_character


def credit(serial: int, area: str = "540102") -> str:
    body = f"91{area}MA6T{serial:05d}"[:17]
    return body + credit_check_character(body)


def unit(**overrides):
    return {
        "name": "拉萨城关建材有限公司",
        "credit_code": credit(1),
        "legal_representative": "扎西",
        "division": "540102",
        "industry": "C3021",
        "categories": ["industry_trade"],
        "employees": 85,
        "address": "拉萨市城关区金珠西路",
    } | overrides


@pytest.fixture
def units(world):
    """One unit in Lhasa's Chengguan district, one in Shigatse's Samzhubze district."""
    from anjian.enterprises import services

    lhasa = services.enterprise_create(world.lhasa_inspector, **unit())
    shigatse = services.enterprise_create(
        world.shigatse_inspector,
        **unit(name="日喀则桑珠孜矿业有限公司", credit_code=credit(2, "540202"), division="540202",
               industry="B09", categories=["metal_nonmetal_mine"]),
    )  # fmt: skip
    return lhasa, shigatse


def test_register_a_unit(world, api):
    response = api(world.lhasa_inspector).post("/api/v1/enterprises", unit(lat="29.654838", lon="91.140552"))
    assert response.status_code == 201, response.content
    body = response.json()
    for field in ("id", "name", "credit_code", "division", "industry", "categories", "employees",
                  "legal_representative", "address", "status"):  # fmt: skip
        assert field in body
    assert body["division"] == "540102"
    assert body["categories"] == ["industry_trade"]
    assert body["status"] == "operating"
    entry = AuditEntry.objects.get(object_type="enterprises.enterprise", object_id=str(body["id"]))
    assert entry.division_code == "540102"
    assert entry.after["categories"] == ["industry_trade"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"credit_code": credit(1)[:-1] + ("0" if credit(1)[-1] != "0" else "1")}, "credit_code", "credit_code_check"),
        ({"credit_code": "12345"}, "credit_code", "credit_code_invalid"),
        ({"division": "540100"}, "division", "division_not_county"),
        ({"division": "549999"}, "division", "division_unknown"),
        ({"division": "540202"}, "division", "division_out_of_scope"),
        ({"industry": "B13"}, "industry", "industry_invalid"),
        ({"lat": "95", "lon": "91"}, "lat", "coordinates_invalid"),
        ({"lat": "29.6"}, "lon", "coordinates_invalid"),
    ],
)
def test_bad_units_are_refused_and_nothing_is_written(world, api, overrides, field, code):
    response = api(world.lhasa_inspector, language="en").post("/api/v1/enterprises", unit(**overrides))
    assert response.status_code == 400, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert not Enterprise.objects.exists()


def test_schema_level_refusals(world, api):
    caller = api(world.lhasa_inspector)
    assert caller.post("/api/v1/enterprises", unit(employees=-3)).json()["field"] == "employees"
    assert caller.post("/api/v1/enterprises", unit(categories=["casino"])).json()["field"] == "categories.0"
    assert not Enterprise.objects.exists()


def test_the_same_credit_code_cannot_be_registered_twice(world, api, units):
    lhasa, _ = units
    response = api(world.lhasa_inspector, language="en").post(
        "/api/v1/enterprises", unit(name="另一家", credit_code=" " + lhasa.credit_code.lower())
    )
    assert response.status_code == 409
    assert response.json()["code"] == "credit_code_taken"
    assert Enterprise.objects.count() == 2


def test_lists_and_records_are_scoped(world, api, units):
    lhasa, shigatse = units
    caller = api(world.lhasa_inspector)
    assert {e["id"] for e in caller.get("/api/v1/enterprises").json()["items"]} == {lhasa.pk}
    assert caller.get(f"/api/v1/enterprises/{shigatse.pk}").status_code == 404
    assert caller.patch(f"/api/v1/enterprises/{shigatse.pk}", {"employees": 1}).status_code == 404
    assert caller.post(f"/api/v1/enterprises/{shigatse.pk}/major-hazards", {"name": "x", "level": 2}).status_code == 404
    assert Enterprise.objects.get(pk=shigatse.pk).employees == 85
    region = api(world.region_leader)
    assert {e["id"] for e in region.get("/api/v1/enterprises").json()["items"]} == {lhasa.pk, shigatse.pk}
    assert api(world.chengguan_inspector).get(f"/api/v1/enterprises/{lhasa.pk}").status_code == 200
    assert api(world.beijing_aid).get("/api/v1/enterprises").json()["count"] == 0


def test_search_and_filters(world, api, units):
    region = api(world.region_leader)
    assert region.get("/api/v1/enterprises", q="矿业").json()["count"] == 1
    assert region.get("/api/v1/enterprises", q=units[0].credit_code[:10]).json()["count"] == 1
    assert region.get("/api/v1/enterprises", division="540200").json()["count"] == 1
    assert region.get("/api/v1/enterprises", category="metal_nonmetal_mine").json()["count"] == 1
    assert region.get("/api/v1/enterprises", industry="B").json()["count"] == 1
    assert region.get("/api/v1/enterprises", status="closed").json()["count"] == 0
    assert region.get("/api/v1/enterprises", division="5402").json()["count"] == 0


def test_change_a_unit(world, api, units):
    lhasa, _ = units
    caller = api(world.lhasa_inspector)
    response = caller.patch(
        f"/api/v1/enterprises/{lhasa.pk}", {"status": "suspended", "categories": ["construction", "industry_trade"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "suspended"
    assert response.json()["categories"] == ["construction", "industry_trade"]
    entry = AuditEntry.objects.filter(object_type="enterprises.enterprise", action="update").latest("seq")
    assert entry.before == {"status": "operating", "categories": ["industry_trade"]}
    # Moving it to another prefecture is out of scope; the credit code cannot be changed.
    assert caller.patch(f"/api/v1/enterprises/{lhasa.pk}", {"division": "540202"}).json()["code"] == (
        "division_out_of_scope"
    )
    assert caller.patch(f"/api/v1/enterprises/{lhasa.pk}", {"credit_code": credit(9)}).status_code == 422
    assert caller.patch(f"/api/v1/enterprises/{lhasa.pk}", {"name": None}).json()["code"] == "required"


def test_only_administrators_and_inspectors_register(world, api):
    response = api(world.lhasa_leader).post("/api/v1/enterprises", unit())
    assert response.status_code == 403


def test_licences_and_major_hazards(world, api, units):
    lhasa, _ = units
    caller = api(world.lhasa_inspector, language="en")
    response = caller.post(
        f"/api/v1/enterprises/{lhasa.pk}/licences", {"number": "(藏)FM安许证字[2024]01", "issued_on": "2024-01-10"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["valid_until"] == "2027-01-09"
    assert response.json()["state"] in ("valid", "renewal_due")
    response = caller.post(
        f"/api/v1/enterprises/{lhasa.pk}/licences",
        {"number": "X-2", "issued_on": "2024-05-01", "valid_until": "2024-01-01"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "licence_dates_invalid")
    response = caller.post(f"/api/v1/enterprises/{lhasa.pk}/licences", {"number": "X-3", "issued_on": "2099-01-01"})
    assert response.json()["code"] == "licence_issued_in_future"
    assert (
        caller.post(f"/api/v1/enterprises/{lhasa.pk}/major-hazards", {"name": "液氨储罐区", "level": 2}).status_code
        == 201
    )
    assert caller.post(f"/api/v1/enterprises/{lhasa.pk}/major-hazards", {"name": "x", "level": 5}).status_code == 422
    detail = caller.get(f"/api/v1/enterprises/{lhasa.pk}").json()
    assert [lic["number"] for lic in detail["licences"]] == ["(藏)FM安许证字[2024]01"]
    assert detail["major_hazards"] == [{"id": detail["major_hazards"][0]["id"], "name": "液氨储罐区", "level": 2}]


def test_a_units_safety_officer_sees_its_unit_only(world, api, units):
    lhasa, shigatse = units
    second = api(world.lhasa_admin).post("/api/v1/enterprises", unit(name="第二家", credit_code=credit(5)))
    response = api(world.lhasa_admin).post(
        f"/api/v1/enterprises/{lhasa.pk}/officers",
        {"username": "lhasa-enterprise", "full_name": "安全员", "password": "Plateau-Officer-7"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["roles"] == ["enterprise"]
    from anjian.core.models import Person

    officer = Person.objects.get(username="lhasa-enterprise")
    caller = api(officer)
    assert [e["id"] for e in caller.get("/api/v1/enterprises").json()["items"]] == [lhasa.pk]
    assert caller.get(f"/api/v1/enterprises/{second.json()['id']}").status_code == 404
    assert caller.get(f"/api/v1/enterprises/{shigatse.pk}").status_code == 404
    assert caller.patch(f"/api/v1/enterprises/{lhasa.pk}", {"employees": 1}).status_code == 403
    # Only the administrators of the unit's jurisdiction create its officers.
    other = {"username": "x-officer", "full_name": "x", "password": "Plateau-Officer-7"}
    assert api(world.shigatse_admin).post(f"/api/v1/enterprises/{lhasa.pk}/officers", other).status_code == 404
    assert api(world.lhasa_inspector).post(f"/api/v1/enterprises/{lhasa.pk}/officers", other).status_code == 403
    assert not Person.objects.filter(username="x-officer").exists()
