"""Logins, lock-out, sessions and personal API tokens."""

from datetime import timedelta

import time_machine
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.utils import timezone

from anjian.core.models import ApiToken, AuditEntry, Person
from conftest import PASSWORD


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert make_password("anything-at-all").startswith("argon2$argon2id$")


def test_login_is_audited_with_the_address(world, client):
    response = client.post(
        "/accounts/login/", {"username": "lhasa-inspector", "password": PASSWORD}, REMOTE_ADDR="10.8.0.7"
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="login").latest("seq")
    assert entry.actor == world.lhasa_inspector
    assert entry.ip == "10.8.0.7"
    assert entry.division_code == "540100"


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_account(world, client):
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "lhasa-inspector", "password": "wrong"})
        assert response.status_code == 200
    person = Person.objects.get(username="lhasa-inspector")
    assert person.is_locked()
    # The right password does not help while locked.
    response = client.post("/accounts/login/", {"username": "lhasa-inspector", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed", actor=person).count() == 4
    # After the lock-out time, it works again.
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post("/accounts/login/", {"username": "lhasa-inspector", "password": PASSWORD})
        assert response.status_code == 302


def test_unknown_usernames_fail_like_wrong_passwords(world, client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    wrong = client.post("/accounts/login/", {"username": "lhasa-inspector", "password": "x"})
    assert response.status_code == wrong.status_code == 200
    assert response.context["form"].errors == wrong.context["form"].errors


def test_sessions_expire(world, client, login, settings):
    login(world.lhasa_inspector)
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_token_is_issued_for_a_password_and_stored_as_a_hash(world, client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "lhasa-inspector", "password": PASSWORD, "name": "field tablet", "days": 30},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    key = body["token"]
    assert key.startswith("anj_")
    stored = ApiToken.objects.get(pk=body["id"])
    assert key not in (stored.key_hash, stored.prefix)
    assert stored.expires_at - stored.created_at == timedelta(days=30)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200
    assert me.json()["username"] == "lhasa-inspector"
    assert me.json()["scope_division_prefix"] == "5401"


def test_wrong_password_gets_no_token(world, client):
    response = client.post(
        "/api/v1/auth/token", {"username": "lhasa-inspector", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_expired_and_revoked_tokens_are_refused(world, api, client):
    caller = api(world.lhasa_inspector)
    assert caller.get("/api/v1/me").status_code == 200
    token = ApiToken.objects.get(person=world.lhasa_inspector)
    with time_machine.travel(token.expires_at + timedelta(seconds=1)):
        response = caller.get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["code"] == "token_invalid"
    assert caller.delete(f"/api/v1/auth/tokens/{token.pk}").status_code == 204
    assert caller.get("/api/v1/me").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_token_lifetime_is_bounded(world, client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "lhasa-inspector", "password": PASSWORD, "days": 5000},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "days"


def test_one_cannot_revoke_anothers_token(world, api):
    api(world.shigatse_inspector)
    theirs = ApiToken.objects.get(person=world.shigatse_inspector)
    response = api(world.lhasa_inspector).delete(f"/api/v1/auth/tokens/{theirs.pk}")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_a_deactivated_persons_token_stops_working(world, api):
    caller = api(world.lhasa_inspector)
    Person.objects.filter(pk=world.lhasa_inspector.pk).update(is_active=False)
    assert caller.get("/api/v1/me").status_code == 401


def test_the_api_accepts_a_session_too(world, client, login):
    login(world.lhasa_inspector)
    assert client.get("/api/v1/me").json()["username"] == "lhasa-inspector"
    client.logout()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_logout_is_audited_and_ends_the_session(world, client, login):
    login(world.lhasa_inspector)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor=world.lhasa_inspector).count() == 1
    assert client.get("/").status_code == 302
