"""The foundation's API: thin handlers over selectors (reads) and services (writes)."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from anjian.core import calendar, selectors, services
from anjian.core import permissions as perms
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.rules import division_prefix, is_division_code
from anjian.core.schemas import (
    AuditEntryOut,
    CalendarYearDetailOut,
    CalendarYearIn,
    CalendarYearOut,
    DivisionDetailOut,
    DivisionOut,
    ErrorOut,
    MeOut,
    MePatch,
    MyPasswordIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PasswordIn,
    PersonIn,
    PersonOut,
    PersonPatch,
    TokenIssued,
    TokenOut,
    TokenRequest,
)
from anjian.core.scope import scope_for

router = Router()
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def _id_filter():
    return Field(None, ge=1, le=2**63 - 1)


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)


class Shaped:
    """A queryset the paginator slices in SQL, each row shaped for the answer only once it is on the page."""

    def __init__(self, qs, shape):
        self.qs, self.shape = qs, shape

    def __len__(self):
        return self.qs.count()

    def count(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [self.shape(row) for row in self.qs[item]]


# ------------------------------------------------------------------ auth


@router.post("/auth/token", auth=None, response={201: TokenIssued, **ERRORS}, tags=["auth"])
def issue_token(request, payload: TokenRequest):
    """Exchange a username and password for a personal API token (shown once)."""
    services.token_check_request(name=payload.name, days=payload.days)
    person = services.account_authenticate(request, username=payload.username, password=payload.password)
    token, key = services.token_create(person, name=payload.name, days=payload.days)
    token.token = key
    return 201, token


@router.get("/auth/tokens", response=list[TokenOut], tags=["auth"])
def list_tokens(request):
    """The caller's own tokens."""
    return request.auth.api_tokens.all()


@router.delete("/auth/tokens/{token_id}", response={204: None, **ERRORS}, tags=["auth"])
def revoke_token(request, token_id: int):
    services.token_revoke(request.auth, token_id)
    return 204, None


# -------------------------------------------------------------------- me


def _me(person):
    scope = scope_for(person)
    person.permissions = sorted(person.get_all_permissions())
    person.scope_division_prefix = scope.division_prefix
    person.scope_organisation_id = scope.organisation_id
    return person


@router.get("/me", response=MeOut, tags=["people"])
def me(request):
    """The caller: their organisation, roles, permissions and scope."""
    return _me(request.auth)


@router.patch("/me", response={200: MeOut, **ERRORS}, tags=["people"])
def me_update(request, payload: MePatch):
    services.person_set_language(request.auth, language=payload.language)
    return _me(request.auth)


@router.post("/me/password", response={204: None, **ERRORS}, tags=["people"])
def me_password(request, payload: MyPasswordIn):
    """Change your own password (the current one is required). Revokes all your API tokens."""
    services.person_set_password(
        request.auth, request.auth, password=payload.password, current_password=payload.current_password
    )
    return 204, None


# ------------------------------------------------------------- divisions


class DivisionFilter(Schema):
    parent: str | None = None
    level: str | None = None
    q: str | None = None


@router.get("/divisions", response=list[DivisionOut], tags=["divisions"])
@paginate(Page)
def list_divisions(request, filters: DivisionFilter = Query(...)):
    """The official division codes (public reference data: every person may read them)."""
    qs = selectors.divisions_all()
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.q:
        qs = qs.filter(code__startswith=filters.q) | qs.filter(name_zh__icontains=filters.q)
    return qs


@router.get("/divisions/{code}", response={200: DivisionDetailOut, **ERRORS}, tags=["divisions"])
def get_division(request, code: str):
    division = selectors.get_division(code)
    division.ancestor_list = selectors.division_ancestors(division)
    division.child_list = list(selectors.division_children(division.code))
    return division


# --------------------------------------------------------- organisations


class OrganisationFilter(Schema):
    kind: str | None = None
    division: str | None = None
    q: str | None = None
    active: bool | None = None


@router.get("/organisations", response=list[OrganisationOut], tags=["organisations"])
@paginate(Page)
def list_organisations(request, filters: OrganisationFilter = Query(...)):
    """Organisations in the caller's scope."""
    qs = selectors.search_organisations(selectors.organisations_visible_to(request.auth), filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.division:
        if not is_division_code(filters.division):
            return qs.none()
        qs = qs.filter(division__code__startswith=division_prefix(filters.division))
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS}, tags=["organisations"])
def get_organisation(request, organisation_id: int):
    return selectors.get_organisation_for(request.auth, organisation_id)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS}, tags=["organisations"])
def create_organisation(request, payload: OrganisationIn):
    organisation = services.organisation_create(request.auth, **payload.dict())
    return 201, organisation


@router.patch("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS}, tags=["organisations"])
def update_organisation(request, organisation_id: int, payload: OrganisationPatch):
    organisation = selectors.get_organisation_for(request.auth, organisation_id)
    return services.organisation_update(request.auth, organisation, **payload.dict(exclude_unset=True))


@router.delete("/organisations/{organisation_id}", response={204: None, **ERRORS}, tags=["organisations"])
def delete_organisation(request, organisation_id: int):
    organisation = selectors.get_organisation_for(request.auth, organisation_id)
    services.organisation_delete(request.auth, organisation)
    return 204, None


# ---------------------------------------------------------------- people


class PersonFilter(Schema):
    organisation: int | None = _id_filter()
    role: str | None = None
    q: str | None = None
    active: bool | None = None


@router.get("/people", response=list[PersonOut], tags=["people"])
@paginate(Page)
def list_people(request, filters: PersonFilter = Query(...)):
    """People in the caller's scope."""
    qs = selectors.search_people(selectors.people_visible_to(request.auth), filters.q)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    if filters.role:
        qs = qs.filter(groups__name=filters.role)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, tags=["people"])
def get_person(request, person_id: int):
    return selectors.get_person_for(request.auth, person_id)


@router.post("/people", response={201: PersonOut, **ERRORS}, tags=["people"])
def create_person(request, payload: PersonIn):
    person = services.person_create(request.auth, **payload.dict())
    return 201, person


@router.patch("/people/{person_id}", response={200: PersonOut, **ERRORS}, tags=["people"])
def update_person(request, person_id: int, payload: PersonPatch):
    person = selectors.get_person_for(request.auth, person_id)
    return services.person_update(request.auth, person, **payload.dict(exclude_unset=True))


@router.delete("/people/{person_id}", response={204: None, **ERRORS}, tags=["people"])
def deactivate_person(request, person_id: int):
    """People are deactivated, never erased: the audit log keeps naming them."""
    person = selectors.get_person_for(request.auth, person_id)
    services.person_deactivate(request.auth, person)
    return 204, None


@router.post("/people/{person_id}/password", response={204: None, **ERRORS}, tags=["people"])
def set_password(request, person_id: int, payload: PasswordIn):
    person = selectors.get_person_for(request.auth, person_id)
    services.person_set_password(request.auth, person, password=payload.password)
    return 204, None


# ----------------------------------------------------------------- audit


class AuditFilter(Schema):
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None
    actor: int | None = _id_filter()


def _require_audit(person) -> None:
    if not person.has_perm(perms.VIEW_AUDIT):
        raise PermissionDenied()


@router.get("/audit", response=list[AuditEntryOut], tags=["audit"])
@paginate(Page)
def list_audit(request, filters: AuditFilter = Query(...)):
    """The audit log of the records in the caller's scope, newest first."""
    _require_audit(request.auth)
    qs = selectors.audit_visible_to(request.auth)
    for name in ("object_type", "object_id", "action"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.actor:
        qs = qs.filter(actor_id=filters.actor)
    return qs


@router.get("/audit/{object_type}/{object_id}", response={200: list[AuditEntryOut], **ERRORS}, tags=["audit"])
def record_history(request, object_type: str, object_id: str):
    """One record's history, oldest first (e.g. /audit/core.person/12).

    A record that exists but lies outside your scope answers 404."""
    _require_audit(request.auth)
    return list(selectors.history_for(request.auth, object_type, object_id))


# ----------------------------------------------------- statutory calendar


def _calendar_year_out(held):
    held.day_list = calendar.year_days(held)
    return held


@router.get("/calendar", response=list[CalendarYearOut], tags=["calendar"])
def list_calendar_years(request):
    """The years of the statutory calendar the platform holds (every person may read them)."""
    return list(calendar.years_held())


@router.get("/calendar/{year}", response={200: CalendarYearDetailOut, **ERRORS}, tags=["calendar"])
def get_calendar_year(request, year: int):
    """A year's holidays and adjusted working days (404 when the year is not held)."""
    return _calendar_year_out(calendar.get_year(year))


@router.put("/calendar/{year}", response={200: CalendarYearDetailOut, **ERRORS}, tags=["calendar"])
def put_calendar_year(request, year: int, payload: CalendarYearIn):
    """Enter or replace a year (administrators of a region-level or the national bureau).

    Errors in the days name the field `days` and the day's place in the list (from 1) as its line."""
    if not services.calendar_can_edit(request.auth):
        raise PermissionDenied()
    if payload.year is not None and payload.year != year:
        raise DomainError("calendar_year_mismatch", field="year", given=payload.year, year=year)
    days = [(day.date, day.working, day.name) for day in payload.days]
    return _calendar_year_out(services.calendar_year_save(request.auth, year, days, payload.source))
