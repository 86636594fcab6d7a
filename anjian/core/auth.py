"""Authentication: the session backend (with lock-out) and API token auth."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from django.utils.translation import activate
from ninja.security import HttpBearer

from anjian.core.models import ApiToken

TOKEN_PREFIX = "anj_"  # noqa: S105 (a marker, not a secret)


class PersonBackend(ModelBackend):
    """Django's model backend that refuses a password while the account is locked.

    The lock applies to logging in only: a session or token already held keeps
    working, so that strangers guessing a password cannot throw the real
    person out.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        person = super().authenticate(request, username=username, password=password, **kwargs)
        if person is not None and person.is_locked():
            return None
        return person


def new_token_key() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class TokenAuth(HttpBearer):
    """`Authorization: Bearer anj_...`: a personal token, unexpired and unrevoked."""

    def authenticate(self, request, token: str):
        if not token.startswith(TOKEN_PREFIX):
            return None
        now = timezone.now()
        found = (
            ApiToken.objects.select_related("person", "person__organisation")
            .filter(key_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if found is None or not found.person.is_active:
            return None
        person = found.person
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=10):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = person
        if person.language and not request.headers.get("Accept-Language") and "lang" not in request.GET:
            activate(person.language)
        return person
