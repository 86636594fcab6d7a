"""Bad input a real client sends, and the account rules around it (from a review)."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from anjian.core import services
from anjian.core.audit import audit_verify
from anjian.core.errors import DomainError
from anjian.core.models import ApiToken, AuditEntry, Person
from conftest import PASSWORD


def test_ipv4_mapped_and_zoned_addresses_keep_the_chain_intact(world):
    for address in ("::ffff:10.0.0.1", "fe80::1%eth0", "2001:db8::1"):
        Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": "lhasa-inspector", "password": PASSWORD})
    assert audit_verify()[1] is None
    addresses = list(AuditEntry.objects.filter(action="login").order_by("seq").values_list("ip", flat=True))
    assert addresses == ["10.0.0.1", "fe80::1", "2001:db8::1"]


def test_a_password_reset_revokes_the_persons_tokens(world, api):
    caller = api(world.lhasa_inspector)
    assert caller.get("/api/v1/me").status_code == 200
    services.person_set_password(world.lhasa_admin, world.lhasa_inspector, password="New-Plateau-Pass-9")
    assert caller.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.filter(person=world.lhasa_inspector, revoked_at__isnull=True).exists()


def test_changing_ones_own_password_needs_the_current_one(world, api):
    caller = api(world.lhasa_inspector, language="en")
    response = caller.post("/api/v1/me/password", {"current_password": "guess", "password": "New-Plateau-Pass-9"})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("password_current_wrong", "current_password")
    response = caller.post("/api/v1/me/password", {"current_password": PASSWORD, "password": "New-Plateau-Pass-9"})
    assert response.status_code == 204
    assert Person.objects.get(pk=world.lhasa_inspector.pk).check_password("New-Plateau-Pass-9")


@pytest.mark.parametrize("target", ["junk", "person-detail", "//evil.example/", "https://evil.example/"])
def test_next_is_a_local_path_or_nothing(world, client, target):
    response = client.post(
        "/accounts/login/?next=" + target, {"username": "lhasa-inspector", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    response = client.post("/language/", {"language": "en", "next": target})
    assert response["Location"] == "/"


@pytest.mark.parametrize("value", ["²", "9223372036854775808", "-1", "x"])
def test_odd_numbers_in_page_filters(world, client, login, value):
    login(world.lhasa_inspector)
    assert client.get("/people/", {"organisation": value}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [{"organisation": "9223372036854775808"}, {"offset": "9223372036854775808"}, {"limit": "0"}, {"offset": "-1"}],
)
def test_odd_numbers_in_api_filters(world, api, query):
    response = api(world.lhasa_inspector).get("/api/v1/people", **query)
    assert response.status_code == 422
    assert response.json()["field"] == next(iter(query))


@pytest.mark.parametrize("field", ["title", "email", "language", "is_active", "full_name"])
def test_null_where_a_value_is_required(world, api, field):
    response = api(world.lhasa_admin).patch(f"/api/v1/people/{world.lhasa_inspector.pk}", {field: None})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("required", field)


def test_null_in_an_organisation_patch(world, api):
    response = api(world.lhasa_admin).patch(f"/api/v1/organisations/{world.chengguan.pk}", {"address": None})
    assert (response.status_code, response.json()["field"]) == (400, "address")


def test_unknown_fields_are_refused(world, api):
    caller = api(world.lhasa_admin)
    response = caller.patch(f"/api/v1/people/{world.lhasa_inspector.pk}", {"is_superuser": True})
    assert response.status_code == 422
    assert response.json()["field"] == "is_superuser"
    assert caller.patch(f"/api/v1/people/{world.lhasa_inspector.pk}", [1]).status_code == 422
    assert not Person.objects.get(pk=world.lhasa_inspector.pk).is_superuser


def test_nul_characters_are_refused(world, api, client, login):
    caller = api(world.lhasa_admin, language="en")
    response = caller.patch(f"/api/v1/people/{world.lhasa_inspector.pk}", {"phone": "1\u0000"})
    assert (response.status_code, response.json()["code"]) == (400, "text_invalid")
    response = caller.get("/api/v1/people", q="\x00")
    assert (response.status_code, response.json()["code"]) == (400, "text_invalid")
    assert caller.get("/api/v1/audit/core.person/%00").status_code == 400
    login(world.lhasa_admin)
    assert client.get("/people/", {"q": "a\x00"}).status_code == 400
    assert Person.objects.get(pk=world.lhasa_inspector.pk).phone == ""


def test_a_bad_token_request_is_refused_before_the_password_is_checked(world, client):
    before = AuditEntry.objects.count()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "lhasa-inspector", "password": PASSWORD, "days": 0},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert AuditEntry.objects.count() == before


def test_a_moved_persons_history_follows_them(world, api):
    services.person_update(world.region_admin, world.lhasa_inspector, organisation=world.shigatse.pk)
    assert api(world.lhasa_leader).get(f"/api/v1/audit/core.person/{world.lhasa_inspector.pk}").status_code == 404
    lhasa_log = api(world.lhasa_leader).get("/api/v1/audit", object_id=str(world.lhasa_inspector.pk)).json()["items"]
    assert [e["after"] for e in lhasa_log] == [{"organisation_id": world.shigatse.pk}]
    shigatse = api(world.shigatse_admin).get(f"/api/v1/audit/core.person/{world.lhasa_inspector.pk}").json()
    assert shigatse[-1]["after"] == {"organisation_id": world.shigatse.pk}


def test_an_inactive_account_is_named_only_to_its_password(world):
    services.person_deactivate(world.lhasa_admin, world.lhasa_inspector)
    with pytest.raises(DomainError) as wrong:
        services.account_authenticate(None, username="lhasa-inspector", password="guess")
    assert wrong.value.code == "invalid_credentials"
    with pytest.raises(DomainError) as right:
        services.account_authenticate(None, username="lhasa-inspector", password=PASSWORD)
    assert right.value.code == "account_inactive"


def test_an_administrator_cannot_deactivate_their_own_organisation_or_move_away(world):
    with pytest.raises(DomainError) as caught:
        services.organisation_update(world.lhasa_admin, world.lhasa, is_active=False)
    assert caught.value.code == "cannot_change_self"
    with pytest.raises(DomainError):
        services.person_update(world.lhasa_admin, world.lhasa_admin, organisation=world.chengguan.pk)


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_a_lock_does_not_throw_out_the_logged_in_person(world, client, login):
    login(world.lhasa_inspector)
    stranger = Client()
    for _ in range(2):
        stranger.post("/accounts/login/", {"username": "lhasa-inspector", "password": "guess"})
    assert Person.objects.get(pk=world.lhasa_inspector.pk).is_locked()
    assert client.get("/").status_code == 200


def test_a_supporting_units_administrator_edits_their_own_unit(world):
    from conftest import make_person

    beijing_admin = make_person("beijing-admin", world.beijing, "admin")
    services.organisation_update(beijing_admin, world.beijing, phone="010-12345678")
    world.beijing.refresh_from_db()
    assert world.beijing.phone == "010-12345678"


def test_lock_out_expires(world):
    Person.objects.filter(pk=world.lhasa_inspector.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert services.account_authenticate(None, username="lhasa-inspector", password=PASSWORD)
