"""The API: one error shape in the caller's language, documents itself offline."""

import pytest

from anjian.core.models import Organisation, Person


def test_openapi_and_docs_are_served_without_the_internet(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for path in ("/api/v1/me", "/api/v1/divisions", "/api/v1/organisations", "/api/v1/people", "/api/v1/audit"):
        assert path in paths
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    assert "http://" not in docs and "https://" not in docs.replace("https://swagger.io", "")


def test_divisions_list_and_detail(world, api):
    caller = api(world.lhasa_inspector)
    counties = caller.get("/api/v1/divisions", parent="540100", limit=100).json()
    assert counties["count"] == 8
    assert {"540102", "540127"} <= {d["code"] for d in counties["items"]}
    detail = caller.get("/api/v1/divisions/540102").json()
    assert [a["code"] for a in detail["ancestors"]] == ["000000", "540000", "540100"]
    assert detail["children"] == []
    assert caller.get("/api/v1/divisions/999999").status_code == 404
    assert caller.get("/api/v1/divisions/abc").status_code == 404


def test_divisions_in_tibetan_and_english(world, api):
    bo = api(world.lhasa_inspector, language="bo").get("/api/v1/divisions/540200").json()
    assert bo["name"].startswith("གཞིས་ཀ་རྩེ")
    en = api(world.lhasa_inspector, language="en").get("/api/v1/divisions/540200").json()
    assert en["name"] == "Shigatse"
    zh = api(world.lhasa_inspector).get("/api/v1/divisions/540200").json()
    assert zh["name"] == "日喀则市"


def test_pagination_is_bounded(world, api):
    body = api(world.region_leader).get("/api/v1/people", limit=2, offset=1).json()
    assert len(body["items"]) == 2
    assert body["count"] >= 8
    too_many = api(world.region_leader).get("/api/v1/people", limit=100000)
    assert too_many.status_code == 422
    assert too_many.json()["field"] == "limit"
    assert len(api(world.region_leader).get("/api/v1/people", limit=500).json()["items"]) <= 500


def test_malformed_json_is_refused_in_one_shape(world, api):
    response = api(world.lhasa_admin, language="en").post("/api/v1/people", raw="{not json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "malformed_body"
    assert body["message"] == "The request body is not valid JSON."
    assert body["errors"] == [{"field": None, "code": "malformed_body", "message": body["message"]}]


def test_validation_errors_name_each_field(world, api):
    response = api(world.lhasa_admin, language="en").post("/api/v1/people", {"username": "x", "organisation": "two"})
    assert response.status_code == 422
    errors = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert errors == {"username": "invalid", "full_name": "required", "organisation": "invalid", "password": "required"}


def test_an_oversized_request_is_refused(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api(world.lhasa_admin, language="en").post(
        "/api/v1/people", {"username": "big", "full_name": "x" * 5000, "organisation": 1, "password": "y"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "1 KiB" in response.json()["message"]
    assert not Person.objects.filter(username="big").exists()


def test_a_duplicate_username_is_a_clear_conflict(world, api):
    response = api(world.lhasa_admin, language="en").post(
        "/api/v1/people",
        {"username": "lhasa-inspector", "full_name": "x", "organisation": world.lhasa.pk, "password": "Xyz-98765-abc"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "username_taken"
    assert body["field"] == "username"
    assert "lhasa-inspector" in body["message"]


def test_a_refused_password_says_why(world, api):
    response = api(world.lhasa_admin, language="en").post(
        "/api/v1/people",
        {"username": "pema", "full_name": "白玛", "organisation": world.lhasa.pk, "password": "1234567890"},
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("password_invalid", "password")
    assert "too common" in body["message"] or "numeric" in body["message"]


def test_an_unknown_division_code_is_named(world, api):
    response = api(world.region_admin, language="en").post(
        "/api/v1/organisations", {"kind": "bureau", "name_zh": "x", "division": "549999"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "division_unknown"
    assert "549999" in response.json()["message"]
    assert not Organisation.objects.filter(name_zh="x").exists()


def test_permissions_answer_403_within_scope(world, api):
    response = api(world.lhasa_inspector, language="en").patch(f"/api/v1/people/{world.lhasa_admin.pk}", {"title": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert api(world.lhasa_inspector).get("/api/v1/audit").status_code == 403


def in_script(text, low, high):
    return any(low <= ch <= high for ch in text)


@pytest.mark.parametrize(
    ("language", "low", "high"),
    [("en", "A", "z"), ("zh-hans", "\u4e00", "\u9fff"), ("bo", "\u0f00", "\u0fff")],
)
def test_errors_are_translated(world, api, language, low, high):
    response = api(world.lhasa_inspector, language=language).get("/api/v1/people/999999")
    body = response.json()
    assert body["code"] == "not_found"
    assert in_script(body["message"], low, high), body["message"]
    response = api(world.lhasa_admin, language=language).post("/api/v1/people", raw="{")
    assert in_script(response.json()["message"], low, high)


def test_create_and_change_through_the_api(world, api):
    caller = api(world.lhasa_admin)
    response = caller.post(
        "/api/v1/people",
        {
            "username": "dawa",
            "full_name": "达瓦",
            "organisation": world.chengguan.pk,
            "password": "Plateau-Inspector-7",
            "roles": ["inspector", "statistician"],
            "language": "bo",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["roles"] == ["inspector", "statistician"]
    assert created["division_code"] == "540102"
    response = caller.patch(f"/api/v1/people/{created['id']}", {"roles": ["leader"], "is_active": False})
    assert response.json()["roles"] == ["leader"]
    assert response.json()["is_active"] is False
    history = caller.get(f"/api/v1/audit/core.person/{created['id']}").json()
    assert [e["action"] for e in history] == ["create", "update"]
    assert history[1]["before"]["roles"] == ["inspector", "statistician"]


def test_me_changes_language(world, api):
    caller = api(world.lhasa_inspector)
    response = caller.patch("/api/v1/me", {"language": "bo"})
    assert response.status_code == 200
    assert Person.objects.get(pk=world.lhasa_inspector.pk).language == "bo"
    assert caller.patch("/api/v1/me", {"language": "fr"}).status_code == 422


def test_session_writes_need_the_csrf_token(world):
    from django.test import Client

    from conftest import PASSWORD

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    browser.post(
        "/accounts/login/", {"username": "lhasa-inspector", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    token = browser.cookies["csrftoken"].value  # rotated by the login
    without = browser.patch("/api/v1/me", {"language": "en"}, content_type="application/json")
    assert without.status_code in (401, 403)
    with_token = browser.patch(
        "/api/v1/me", {"language": "en"}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert with_token.status_code == 200


def test_every_error_code_is_documented():
    from pathlib import Path

    from anjian.core.errors import _APP_MESSAGES, MESSAGES

    documented = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    codes = [code for messages in (MESSAGES, *_APP_MESSAGES) for code in messages]
    assert len(codes) > len(MESSAGES)  # the registry's own codes are registered too
    missing = [code for code in codes if f"`{code}`" not in documented]
    assert missing == []


def test_an_unknown_api_path_answers_in_the_error_shape(world, api):
    response = api(world.lhasa_inspector, language="en").get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_supporting_units_home_division_is_set_and_cleared(world, api):
    caller = api(world.lhasa_admin)
    url = f"/api/v1/organisations/{world.beijing.pk}"
    assert caller.patch(url, {"home_division": "120000"}).json()["home_division_code"] == "120000"
    assert caller.patch(url, {"home_division": "999999"}).json()["code"] == "division_unknown"
    assert caller.patch(url, {"home_division": None}).json()["home_division_code"] is None
