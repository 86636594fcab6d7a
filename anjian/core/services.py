"""Every write of the foundation: validate, then one transaction with its audit entry.

Services take the acting person first and keyword-only arguments, raise
DomainError (or FormErrors) before anything is written, and audit inside the
same transaction as the change.
"""

import csv
import datetime
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import permissions as perms
from anjian.core.audit import audit_record, changed_fields, snapshot
from anjian.core.auth import new_token_key, token_hash
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, FormErrors, NotFound, PermissionDenied
from anjian.core.models import (
    ApiToken,
    AuditAction,
    CalendarDay,
    CalendarYear,
    Division,
    DivisionLevel,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)
from anjian.core.rules import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, division_level, is_division_code
from anjian.core.scope import scope_for

USERNAME_RE = re.compile(r"[A-Za-z0-9._-]{2,150}")
PERSON_AUDIT_EXCLUDE = ("password", "last_login", "failed_logins", "locked_until")


def _audit_person_scope(person: Person) -> dict:
    return {"division_code": person.organisation.division_id, "organisation_id": person.organisation_id}


def _audit_organisation_scope(organisation: Organisation) -> dict:
    return {"division_code": organisation.division_id, "organisation_id": organisation.pk}


def _check_editable(changes: dict, editable) -> None:
    """Only known fields, and no null where a value is required."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise DomainError("invalid", field=sorted(unknown)[0])
    for name, value in changes.items():
        if value is None:
            raise DomainError("required", field=name)


def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied()


# ---------------------------------------------------------------- divisions


def _decimal_or_none(raw: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return None


def division_load_file(*, actor=None, path: Path | None = None) -> dict:
    """Load the official division list (CSV, see data/README.md). Idempotent.

    New codes are created, changed names or coordinates are updated, unchanged
    rows are left alone; each create and change is an audited entry.
    """
    path = Path(path or settings.DIVISIONS_CSV)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems = []
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        if not is_division_code(code):
            problems.append(f"{path.name}:{line}: not a 6-digit code: {code!r}")
        elif (row.get("level") or "").strip() not in DivisionLevel.values:
            problems.append(f"{path.name}:{line}: unknown level {row.get('level')!r}")
    if problems:
        raise DomainError("invalid", "; ".join(problems))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {d.code: d for d in Division.objects.all()}
    with transaction.atomic():
        # Parents before children: a parent's code always sorts by level.
        order = {level: i for i, level in enumerate(DivisionLevel.values)}
        for row in sorted(rows, key=lambda r: (order[r["level"].strip()], r["code"])):
            code = row["code"].strip()
            values = {
                "parent_id": (row.get("parent_code") or "").strip() or None,
                "level": row["level"].strip(),
                "name_zh": row["name_zh"].strip(),
                "name_en": (row.get("name_en") or "").strip(),
                "name_bo": (row.get("name_bo") or "").strip(),
                "lat": _decimal_or_none(row.get("lat", "")),
                "lon": _decimal_or_none(row.get("lon", "")),
            }
            division = existing.get(code)
            if division is None:
                division = Division.objects.create(code=code, **values)
                audit_record(
                    actor=actor or "load_divisions",
                    action=AuditAction.CREATE,
                    instance=division,
                    division_code=code,
                    after=snapshot(division),
                )
                counts["created"] += 1
                continue
            before = snapshot(division)
            for name, value in values.items():
                setattr(division, name, value)
            after = snapshot(division)
            if before == after:
                counts["unchanged"] += 1
                continue
            division.save()
            old, new = changed_fields(before, after)
            audit_record(
                actor=actor or "load_divisions",
                action=AuditAction.UPDATE,
                instance=division,
                division_code=code,
                before=old,
                after=new,
            )
            counts["updated"] += 1
    return counts


def _division_or_error(code: str | None, field: str) -> Division:
    code = (code or "").strip()
    if not code:
        raise DomainError("required", field=field)
    division = Division.objects.filter(code=code).first() if is_division_code(code) else None
    if division is None:
        raise DomainError("division_unknown", field=field, code=code)
    return division


# ------------------------------------------------------------ organisations

ORGANISATION_EDITABLE = ("name_zh", "name_en", "name_bo", "support_kind", "address", "phone", "is_active")


def _validate_organisation(
    actor, *, kind: str, division: Division, support_kind: str, exclude_pk=None, check_scope: bool = True
) -> None:
    scope = scope_for(actor)
    if kind not in (OrganisationKind.BUREAU, OrganisationKind.SUPPORTING, OrganisationKind.INSTITUTION):
        raise DomainError("kind_not_allowed", field="kind")
    if check_scope and not scope.contains_division(division.code):
        raise DomainError("division_out_of_scope", field="division", code=division.code)
    if kind == OrganisationKind.BUREAU:
        taken = Organisation.objects.filter(kind=kind, division=division).exclude(pk=exclude_pk).exists()
        if taken:
            raise DomainError("bureau_exists", field="division", code=division.code)
    if kind == OrganisationKind.SUPPORTING and not support_kind:
        raise DomainError("support_kind_required", field="support_kind")
    if kind != OrganisationKind.SUPPORTING and support_kind:
        raise DomainError("support_kind_not_allowed", field="support_kind")


def _check_name(kind: str, name_zh: str, exclude_pk=None) -> str:
    name_zh = (name_zh or "").strip()
    if not name_zh:
        raise DomainError("required", field="name_zh")
    taken = Organisation.objects.filter(kind=kind, name_zh=name_zh).exclude(pk=exclude_pk).exists()
    if kind != OrganisationKind.BUREAU and taken:
        raise DomainError("name_taken", field="name_zh")
    return name_zh


def organisation_create(
    actor,
    *,
    kind: str,
    name_zh: str,
    division: str,
    name_en: str = "",
    name_bo: str = "",
    support_kind: str = "",
    home_division: str | None = None,
    address: str = "",
    phone: str = "",
) -> Organisation:
    _require(actor, perms.MANAGE_ORGANISATIONS)
    division_obj = _division_or_error(division, "division")
    home = _division_or_error(home_division, "home_division") if home_division else None
    _validate_organisation(actor, kind=kind, division=division_obj, support_kind=support_kind)
    name_zh = _check_name(kind, name_zh)
    organisation = Organisation(
        kind=kind,
        name_zh=name_zh,
        name_en=name_en.strip(),
        name_bo=name_bo.strip(),
        division=division_obj,
        home_division=home,
        support_kind=support_kind,
        address=address.strip(),
        phone=phone.strip(),
    )
    try:
        with transaction.atomic():
            organisation.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=organisation,
                after=snapshot(organisation),
                ip=current_ip(),
                **_audit_organisation_scope(organisation),
            )
    except IntegrityError:
        # Lost a race with another request creating the same thing.
        if kind == OrganisationKind.BUREAU:
            raise DomainError("bureau_exists", field="division", status=409, code=division_obj.code) from None
        raise DomainError("name_taken", field="name_zh", status=409) from None
    return organisation


def organisation_update(actor, organisation: Organisation, **changes) -> Organisation:
    """Change the editable fields; kind and division are fixed once created."""
    _require(actor, perms.MANAGE_ORGANISATIONS)
    home_division_given = "home_division" in changes
    home_division = changes.pop("home_division", None)  # null clears it
    _check_editable(changes, ORGANISATION_EDITABLE)
    if actor.organisation_id == organisation.pk and changes.get("is_active") is False:
        raise DomainError("cannot_change_self", field="is_active")
    before = snapshot(organisation)
    if home_division_given:
        organisation.home_division = _division_or_error(home_division, "home_division") if home_division else None
    for name, value in changes.items():
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    organisation.name_zh = _check_name(organisation.kind, organisation.name_zh, exclude_pk=organisation.pk)
    _validate_organisation(
        actor,
        kind=organisation.kind,
        division=organisation.division,
        support_kind=organisation.support_kind,
        exclude_pk=organisation.pk,
        check_scope=False,  # the division never changes; the caller found the record in scope
    )
    old, new = changed_fields(before, snapshot(organisation))
    if not new:
        return organisation
    try:
        with transaction.atomic():
            organisation.save()
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=organisation,
                before=old,
                after=new,
                ip=current_ip(),
                **_audit_organisation_scope(organisation),
            )
    except IntegrityError:
        raise DomainError("name_taken", field="name_zh", status=409) from None
    return organisation


def organisation_delete(actor, organisation: Organisation) -> None:
    _require(actor, perms.MANAGE_ORGANISATIONS)
    if actor.organisation_id == organisation.pk:
        raise DomainError("organisation_in_use", status=409)
    before = snapshot(organisation)
    scope = _audit_organisation_scope(organisation)
    label = str(organisation)
    pk = organisation.pk
    try:
        with transaction.atomic():
            organisation.delete()
            audit_record(
                actor=actor,
                action=AuditAction.DELETE,
                object_type=Organisation._meta.label_lower,
                object_id=str(pk),
                object_repr=label,
                before=before,
                ip=current_ip(),
                **scope,
            )
    except ProtectedError:
        raise DomainError("organisation_in_use", status=409) from None


# ------------------------------------------------------------------- people


def _validate_roles(roles) -> list[str]:
    roles = list(dict.fromkeys(roles or []))
    for role in roles:
        if role not in Role.values:
            raise DomainError("role_unknown", field="roles", role=role)
    return roles


def _validate_password(password: str, person: Person) -> None:
    try:
        password_validation.validate_password(password, person)
    except ValidationError as exc:
        raise DomainError("password_invalid", field="password", reasons=" ".join(exc.messages)) from None


def _validate_contact(email: str, language: str) -> None:
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError("invalid", field="email") from None
    if language and language not in dict(settings.LANGUAGES):
        raise DomainError("language_unknown", field="language", language=language)


def _organisation_for_person(actor, organisation_id) -> Organisation:
    from anjian.core.selectors import organisations_visible_to

    if organisation_id in (None, ""):
        raise DomainError("required", field="organisation")
    organisation = organisations_visible_to(actor).filter(pk=organisation_id).first()
    if organisation is None:
        raise DomainError("organisation_unknown", field="organisation")
    return organisation


def _set_roles(person: Person, roles: list[str]) -> None:
    person.groups.set(Group.objects.filter(name__in=roles))


def _person_snapshot(person: Person) -> dict:
    data = snapshot(person, exclude=PERSON_AUDIT_EXCLUDE)
    data["roles"] = sorted(person.groups.values_list("name", flat=True)) if person.pk else []
    return data


def person_create(
    actor,
    *,
    username: str,
    full_name: str,
    organisation: int,
    password: str,
    roles: list[str] | None = None,
    title: str = "",
    email: str = "",
    phone: str = "",
    language: str = "",
) -> Person:
    _require(actor, perms.MANAGE_PEOPLE)
    username = (username or "").strip()
    errors = []
    if not USERNAME_RE.fullmatch(username):
        errors.append(("username", "username_invalid", DomainError("username_invalid").message))
    elif Person.objects.filter(username__iexact=username).exists():
        errors.append(("username", "username_taken", DomainError("username_taken", username=username).message))
    if not (full_name or "").strip():
        errors.append(("full_name", "required", DomainError("required").message))
    if errors:
        raise FormErrors(errors)
    org = _organisation_for_person(actor, organisation)
    roles = _validate_roles(roles)
    _validate_contact(email, language)
    person = Person(
        username=username,
        full_name=full_name.strip(),
        organisation=org,
        title=title.strip(),
        email=email.strip(),
        phone=phone.strip(),
        language=language,
    )
    _validate_password(password, person)
    person.set_password(password)
    try:
        with transaction.atomic():
            person.save()
            _set_roles(person, roles)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=person,
                after=_person_snapshot(person),
                ip=current_ip(),
                **_audit_person_scope(person),
            )
    except IntegrityError:
        raise DomainError("username_taken", field="username", status=409, username=username) from None
    return person


PERSON_EDITABLE = ("full_name", "title", "email", "phone", "language", "is_active")


def person_update(actor, person: Person, *, roles: list[str] | None = None, organisation=None, **changes) -> Person:
    """Change a person's details, roles or organisation (within the actor's scope)."""
    _require(actor, perms.MANAGE_PEOPLE)
    _check_editable(changes, PERSON_EDITABLE)
    if "full_name" in changes and not changes["full_name"].strip():
        raise DomainError("required", field="full_name")
    _validate_contact(changes.get("email", ""), changes.get("language", ""))
    if roles is not None:
        roles = _validate_roles(roles)
    if person.pk == actor.pk and (
        changes.get("is_active") is False
        or (roles is not None and Role.ADMIN in person.roles and Role.ADMIN not in roles)
        or (organisation is not None and organisation != person.organisation_id)
    ):
        raise DomainError("cannot_change_self")
    before = _person_snapshot(person)
    old_scope = _audit_person_scope(person)
    if organisation is not None:
        person.organisation = _organisation_for_person(actor, organisation)
    for name, value in changes.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    with transaction.atomic():
        person.save()
        if roles is not None:
            _set_roles(person, roles)
        old, new = changed_fields(before, _person_snapshot(person))
        new_scope = _audit_person_scope(person)
        # A move is written where the person now is and where they were, so
        # that both jurisdictions see it in their log.
        anchors = [new_scope, old_scope] if old_scope != new_scope else [new_scope]
        for anchor in anchors if new else []:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=person,
                before=old,
                after=new,
                ip=current_ip(),
                **anchor,
            )
    return person


def person_deactivate(actor, person: Person) -> Person:
    """People are never deleted (the audit log names them); they are deactivated."""
    return person_update(actor, person, is_active=False)


def person_set_password(actor, person: Person, *, password: str, current_password: str | None = None) -> int:
    """An administrator resets a password, or a person changes their own (giving the current one).

    Every API token of the person is revoked with it: whoever held the old
    password must not keep access. Returns the number of tokens revoked.
    """
    if actor.pk == person.pk:
        if not current_password or not person.check_password(current_password):
            raise DomainError("password_current_wrong", field="current_password")
    else:
        _require(actor, perms.MANAGE_PEOPLE)
    _validate_password(password, person)
    person.set_password(password)
    now = timezone.now()
    with transaction.atomic():
        person.failed_logins = 0
        person.locked_until = None
        person.save(update_fields=["password", "failed_logins", "locked_until"])
        revoked = ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=person,
            before={"password": "***"},
            after={"password": "*** (changed)", "api_tokens_revoked": revoked},
            ip=current_ip(),
            **_audit_person_scope(person),
        )
    return revoked


def person_set_language(person: Person, *, language: str) -> None:
    _validate_contact("", language)
    if person.language == language:
        return
    with transaction.atomic():
        before = person.language
        person.language = language
        person.save(update_fields=["language"])
        audit_record(
            actor=person,
            action=AuditAction.UPDATE,
            instance=person,
            before={"language": before},
            after={"language": language},
            ip=current_ip(),
            **_audit_person_scope(person),
        )


def bootstrap_administrator(*, division: str, bureau_name: str, username: str, full_name: str, password: str):
    """A fresh installation's first administrator (the command line's `bootstrap_admin`).

    Creates the bureau at `division` when it has none, then an administrator
    in it; at 000000 the administrator is the platform's superuser.
    """
    division_obj = _division_or_error(division, "division")
    username = (username or "").strip()
    if not USERNAME_RE.fullmatch(username):
        raise DomainError("username_invalid", field="username")
    if Person.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", field="username", username=username)
    bureau = Organisation.objects.filter(kind=OrganisationKind.BUREAU, division=division_obj).first()
    person = Person(username=username, full_name=(full_name or "").strip() or username, is_active=True)
    _validate_password(password, person)
    with transaction.atomic():
        if bureau is None:
            bureau = Organisation.objects.create(
                kind=OrganisationKind.BUREAU,
                name_zh=_check_name(OrganisationKind.BUREAU, bureau_name),
                division=division_obj,
            )
            audit_record(
                actor="bootstrap_admin",
                action=AuditAction.CREATE,
                instance=bureau,
                after=snapshot(bureau),
                **_audit_organisation_scope(bureau),
            )
        person.organisation = bureau
        person.is_superuser = person.is_staff = division_obj.code == "000000"
        person.set_password(password)
        person.save()
        _set_roles(person, [Role.ADMIN])
        audit_record(
            actor="bootstrap_admin",
            action=AuditAction.CREATE,
            instance=person,
            after=_person_snapshot(person),
            **_audit_person_scope(person),
        )
    return person


# ----------------------------------------------------------------- accounts


def account_authenticate(request, *, username: str, password: str) -> Person:
    """Check a username and password, with lock-out, and audit the attempt.

    A failed attempt is recorded (and may lock the account) even though the
    caller then shows an error. The failure count is kept under a row lock, so
    parallel guesses count one by one.
    """
    from django.contrib.auth import authenticate

    username = (username or "").strip()[:150]
    ip = current_ip()
    person = Person.objects.select_related("organisation").filter(username__iexact=username).first()
    now = timezone.now()
    if person is not None and person.is_locked(now):
        with transaction.atomic():
            audit_record(
                actor=person,
                action=AuditAction.LOGIN_FAILED,
                instance=person,
                after={"reason": "locked"},
                ip=ip,
                **_audit_person_scope(person),
            )
        until = timezone.localtime(person.locked_until).strftime("%Y-%m-%d %H:%M")
        raise DomainError("account_locked", status=403, until=until)
    authenticated = authenticate(request, username=person.username if person else username, password=password)
    if authenticated is not None:
        with transaction.atomic():
            Person.objects.filter(pk=authenticated.pk).update(failed_logins=0, last_login=now)
            authenticated.failed_logins, authenticated.last_login = 0, now
            audit_record(
                actor=authenticated,
                action=AuditAction.LOGIN,
                instance=authenticated,
                ip=ip,
                **_audit_person_scope(authenticated),
            )
        return authenticated
    if person is None:
        with transaction.atomic():
            audit_record(
                actor="?",
                action=AuditAction.LOGIN_FAILED,
                object_type=Person._meta.label_lower,
                object_id="",
                object_repr=username[:40],
                after={"reason": "unknown username"},
                ip=ip,
            )
        raise DomainError("invalid_credentials", status=401)
    # An inactive account is named only to whoever knows its password.
    inactive = not person.is_active and person.check_password(password)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        locked.failed_logins += 1
        reason = "inactive" if inactive else "wrong password"
        if locked.failed_logins >= settings.LOGIN_FAILURE_LIMIT:
            locked.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            locked.failed_logins = 0
            reason += ", locked"
        locked.save(update_fields=["failed_logins", "locked_until"])
        audit_record(
            actor=locked,
            action=AuditAction.LOGIN_FAILED,
            instance=locked,
            after={"reason": reason},
            ip=ip,
            **_audit_person_scope(locked),
        )
    if inactive:
        raise DomainError("account_inactive", status=401)
    raise DomainError("invalid_credentials", status=401)


def account_logout_audit(person: Person) -> None:
    with transaction.atomic():
        audit_record(
            actor=person, action=AuditAction.LOGOUT, instance=person, ip=current_ip(), **_audit_person_scope(person)
        )


def token_check_request(*, name: str, days: int | None) -> tuple[str, int]:
    """The name and lifetime of a token to issue, checked before any password is."""
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError("token_expiry_invalid", field="days", max_days=settings.API_TOKEN_MAX_DAYS)
    return (name or "").strip() or _("API token"), days


def token_create(person: Person, *, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a personal API token; the key is returned once and never stored."""
    name, days = token_check_request(name=name, days=days)
    key = new_token_key()
    now = timezone.now()
    token = ApiToken(
        person=person,
        name=name[:100],
        prefix=key[:12],
        key_hash=token_hash(key),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    with transaction.atomic():
        token.save()
        audit_record(
            actor=person,
            action=AuditAction.CREATE,
            instance=token,
            after=snapshot(token, exclude=("key_hash",)),
            ip=current_ip(),
            **_audit_person_scope(person),
        )
    return token, key


def token_revoke(person: Person, token_id) -> ApiToken:
    """Revoke one of the person's own tokens."""
    token = ApiToken.objects.filter(person=person, pk=token_id).first() if str(token_id).isdigit() else None
    if token is None:
        raise NotFound()
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=person,
            action=AuditAction.UPDATE,
            instance=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
            ip=current_ip(),
            **_audit_person_scope(person),
        )
    return token


# ------------------------------------------------------ statutory calendar

CALENDAR_NAME_MAX = 50
CALENDAR_SOURCE_MAX = 300
_CALENDAR_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
# The words of a line of the calendar's text: English, and the marks of Chinese wall calendars.
_CALENDAR_HOLIDAY_WORDS = {"holiday", "休"}
_CALENDAR_WORKDAY_WORDS = {"workday", "班"}


def calendar_can_edit(person) -> bool:
    """Whether the person may enter the statutory calendar.

    It is the whole country's calendar: an administrator of a region-level
    (province-level) or of the national bureau, or the platform's superuser.
    """
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if person.is_superuser:
        return True
    if not person.has_perm(perms.MANAGE_CALENDAR):
        return False
    organisation = person.organisation
    return (
        organisation.is_active
        and organisation.kind == OrganisationKind.BUREAU
        and division_level(organisation.division_id) in (DivisionLevel.NATIONAL, DivisionLevel.PROVINCE)
    )


def _calendar_year_number(year) -> int:
    try:
        number = int(year)
    except (TypeError, ValueError):
        number = 0
    if not CALENDAR_FIRST_YEAR <= number <= CALENDAR_LAST_YEAR:
        raise DomainError("calendar_year_invalid", field="year", first=CALENDAR_FIRST_YEAR, last=CALENDAR_LAST_YEAR)
    return number


def _calendar_date(value) -> datetime.date | None:
    """A date given as a date or as YYYY-MM-DD text; None when it is no date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _CALENDAR_DATE_RE.fullmatch(str(value or "").strip())
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except (AttributeError, ValueError):
        return None


def calendar_parse_text(text: str) -> list[tuple[int, str, bool | None, str]]:
    """The calendar's text, one day a line, as (line number, date text, working, name).

    `YYYY-MM-DD holiday Name` (or 休) is a day off, `YYYY-MM-DD workday [Name]`
    (or 班) an adjusted working day. Blank lines and lines starting with # are
    skipped. A line of neither shape has `working` None (refused when saved,
    with its number, alongside every other line's error).
    """
    entries = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        words = line.split(None, 2)
        if not words or words[0].startswith("#"):
            continue
        kind = words[1].lower() if len(words) > 1 else ""
        working = True if kind in _CALENDAR_WORKDAY_WORDS else False if kind in _CALENDAR_HOLIDAY_WORDS else None
        entries.append((number, words[0], working, words[2].strip() if len(words) > 2 else ""))
    return entries


def calendar_format_text(days) -> str:
    """A year's days (CalendarDay rows) as the text calendar_parse_text reads."""
    lines = []
    for day in days:
        kind = "workday" if day.working else "holiday"
        lines.append(f"{day.date.isoformat()} {kind} {day.name}".rstrip())
    return "\n".join(lines)


def _calendar_check_days(year: int, entries) -> list[tuple[datetime.date, bool, str]]:
    """Every (line, date, working, name) checked; all the lines' errors at once."""
    days, errors, seen = [], [], {}

    def refuse(code, **params):
        errors.append(("days", code, DomainError(code, **params).message))

    for line, value, working, name in entries:
        date = _calendar_date(value)
        name = (name or "").strip()
        if working not in (True, False):
            refuse("calendar_line_invalid", line=line)
            continue
        if date is None:
            refuse("calendar_date_invalid", line=line, text=str(value or "").strip()[:40])
            continue
        if date.year != year:
            refuse("calendar_date_outside_year", line=line, date=date.isoformat(), year=year)
        elif date in seen:
            refuse("calendar_date_repeated", line=line, date=date.isoformat(), first=seen[date])
        elif working and date.weekday() < 5:
            refuse("calendar_workday_not_weekend", line=line, date=date.isoformat())
        elif len(name) > CALENDAR_NAME_MAX:
            refuse("calendar_name_too_long", line=line, max=CALENDAR_NAME_MAX)
        else:
            days.append((date, bool(working), name))
        seen.setdefault(date, line)
    if errors:
        raise FormErrors(errors)
    if not days:
        raise DomainError("calendar_days_empty", field="days")
    return sorted(days)


def _calendar_day_label(working: bool, name: str) -> str:
    return f"{'workday' if working else 'holiday'} {name}".rstrip()


def _calendar_store(actor, year: int, days: list[tuple[datetime.date, bool, str]], source: str) -> CalendarYear:
    """Replace a year's days in one transaction, with its audit entry (only what changed)."""
    organisation = getattr(actor, "organisation", None)
    anchor = {"division_code": organisation.division_id, "organisation_id": organisation.pk} if organisation else {}
    new_days = {date.isoformat(): _calendar_day_label(working, name) for date, working, name in days}
    try:
        with transaction.atomic():
            held = CalendarYear.objects.select_for_update().filter(pk=year).first()
            if held is None:
                before = None
                held = CalendarYear(year=year)
            else:
                old_days = {d.date.isoformat(): _calendar_day_label(d.working, d.name) for d in held.days.all()}
                before = {"source": held.source, "days": old_days}
            if before is not None and before == {"source": source, "days": new_days}:
                return held
            held.source = source
            held.updated_at = timezone.now()
            held.updated_by = actor if getattr(actor, "pk", None) else None
            held.save(force_insert=before is None)
            CalendarDay.objects.filter(year=held).delete()
            CalendarDay.objects.bulk_create(
                CalendarDay(date=date, year=held, working=working, name=name) for date, working, name in days
            )
            if before is None:
                audit_record(
                    actor=actor,
                    action=AuditAction.CREATE,
                    instance=held,
                    after={"source": source, "days": new_days},
                    ip=current_ip(),
                    **anchor,
                )
            else:
                changed = sorted(set(before["days"]) | set(new_days))
                changed = [d for d in changed if before["days"].get(d) != new_days.get(d)]
                old = {"days": {d: before["days"].get(d) for d in changed}}
                new = {"days": {d: new_days.get(d) for d in changed}}
                if before["source"] != source:
                    old["source"], new["source"] = before["source"], source
                audit_record(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    instance=held,
                    before=old,
                    after=new,
                    ip=current_ip(),
                    **anchor,
                )
    except IntegrityError:
        # Another administrator created the same year at the same moment.
        raise DomainError("calendar_year_conflict", status=409, year=year) from None
    return held


def _calendar_source(source) -> str:
    source = (source or "").strip()
    if not source:
        raise DomainError("required", field="source")
    if len(source) > CALENDAR_SOURCE_MAX:
        raise DomainError("invalid", field="source")
    return source


def calendar_year_save(actor, year: int, days, source: str) -> CalendarYear:
    """Replace a year's holidays and adjusted working days: `days` is [(date, working, name)].

    Dates may be given as dates or as YYYY-MM-DD text; errors name the field
    `days` and the entry's number (from 1) as its line. Nothing is written
    unless every entry is right.
    """
    if not calendar_can_edit(actor):
        raise PermissionDenied()
    year = _calendar_year_number(year)
    source = _calendar_source(source)
    entries = [(line, date, working, name) for line, (date, working, name) in enumerate(days, start=1)]
    return _calendar_store(actor, year, _calendar_check_days(year, entries), source)


def calendar_year_save_text(actor, year: int, text: str, source: str) -> CalendarYear:
    """calendar_year_save from the text of the page's form (see calendar_parse_text)."""
    if not calendar_can_edit(actor):
        raise PermissionDenied()
    year = _calendar_year_number(year)
    source = _calendar_source(source)
    return _calendar_store(actor, year, _calendar_check_days(year, calendar_parse_text(text)), source)


def calendar_load_package(*, actor="load_calendar", replace: bool = False) -> dict:
    """Enter the years of the installed chinesecalendar package that the platform lacks.

    With `replace`, the years held are brought in line with the package too
    (an administrator's own entries included). Returns {"created": [...],
    "updated": [...], "unchanged": [...]} years. Audited like an entry by hand.
    """
    from anjian.core.calendar import package_schedule

    schedule, source = package_schedule()
    held = set(CalendarYear.objects.values_list("year", flat=True))
    counts = {"created": [], "updated": [], "unchanged": []}
    for year, days in sorted(schedule.items()):
        if year in held and not replace:
            counts["unchanged"].append(year)
            continue
        before = CalendarYear.objects.filter(pk=year).values_list("updated_at", flat=True).first()
        stored = _calendar_store(actor, year, days, source)
        if year not in held:
            counts["created"].append(year)
        elif stored.updated_at != before:
            counts["updated"].append(year)
        else:
            counts["unchanged"].append(year)
    return counts
