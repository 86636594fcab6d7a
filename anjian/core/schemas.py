"""Typed edges of the foundation's API (pydantic via django-ninja)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from anjian.core.models import DivisionLevel, OrganisationKind, Role, SupportKind

RoleName = Literal[tuple(Role.values)]  # type: ignore[valid-type]
LanguageCode = Literal["zh-hans", "bo", "en", ""]


class InputSchema(Schema):
    """A request body: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    field: str | None
    code: str
    message: str


class ErrorOut(Schema):
    code: str = Field(description="A stable error code, e.g. `not_found`, `required`, `username_taken`.")
    message: str = Field(description="The message in the request's language.")
    field: str | None = Field(description="The field to blame, when there is one.")
    errors: list[ErrorItem]


class DivisionOut(Schema):
    code: str
    parent_code: str | None = Field(alias="parent_id")
    level: Literal[tuple(DivisionLevel.values)]  # type: ignore[valid-type]
    name: str
    name_zh: str
    name_en: str
    name_bo: str
    lat: float | None
    lon: float | None


class DivisionDetailOut(DivisionOut):
    ancestors: list[DivisionOut] = Field(alias="ancestor_list")
    children: list[DivisionOut] = Field(alias="child_list")


class OrganisationOut(Schema):
    id: int
    kind: Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]
    support_kind: str
    name: str
    name_zh: str
    name_en: str
    name_bo: str
    division_code: str = Field(alias="division_id")
    division_name: str = Field(alias="division.name")
    level: str = Field(alias="division.level")
    home_division_code: str | None = Field(alias="home_division_id")
    address: str
    phone: str
    is_active: bool
    created_at: datetime


class OrganisationIn(InputSchema):
    kind: Literal["bureau", "supporting", "institution"]
    name_zh: str = Field(min_length=1, max_length=200)
    division: str = Field(description="The 6-digit code of the division the organisation is anchored at.")
    name_en: str = Field("", max_length=200)
    name_bo: str = Field("", max_length=300)
    support_kind: Literal[tuple(SupportKind.values) + ("",)] = ""  # type: ignore[valid-type]
    home_division: str | None = None
    address: str = Field("", max_length=300)
    phone: str = Field("", max_length=50)


class OrganisationPatch(InputSchema):
    name_zh: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    name_bo: str | None = Field(None, max_length=300)
    support_kind: Literal[tuple(SupportKind.values) + ("",)] | None = None  # type: ignore[valid-type]
    home_division: str | None = None
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=50)
    is_active: bool | None = None


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    title: str
    email: str
    phone: str
    language: str
    organisation_id: int
    organisation_name: str
    division_code: str
    roles: list[str]
    is_active: bool
    date_joined: datetime
    last_login: datetime | None


class MeOut(PersonOut):
    permissions: list[str]
    scope_division_prefix: str | None
    scope_organisation_id: int | None


class PersonIn(InputSchema):
    username: str = Field(min_length=2, max_length=150)
    full_name: str = Field(min_length=1, max_length=200)
    organisation: int
    password: str = Field(min_length=1, max_length=200)
    roles: list[RoleName] = []
    title: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)
    language: LanguageCode = ""


class PersonPatch(InputSchema):
    full_name: str | None = Field(None, min_length=1, max_length=200)
    organisation: int | None = None
    roles: list[RoleName] | None = None
    title: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=50)
    language: LanguageCode | None = None
    is_active: bool | None = None


class MePatch(InputSchema):
    language: LanguageCode


class PasswordIn(InputSchema):
    password: str = Field(min_length=1, max_length=200)


class MyPasswordIn(InputSchema):
    current_password: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=200)


class TokenRequest(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=200)
    name: str = Field("", max_length=100)
    days: int | None = Field(None, ge=-(2**31), le=2**31, description="Lifetime in days (default 90, at most 365).")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(description="The key. Shown once: only its hash is stored.")


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor: str = Field(alias="actor_repr")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    division_code: str
    organisation_id: int | None
    ip: str | None
    before: dict | None
    after: dict | None
    hash: str


class CalendarYearOut(Schema):
    year: int
    source: str
    updated_at: datetime
    holidays: int = Field(alias="holiday_count", description="Days off listed (weekend days of holiday periods too).")
    workdays: int = Field(alias="workday_count", description="Adjusted working days on weekends.")


class CalendarDayOut(Schema):
    date: date
    working: bool = Field(description="true: an adjusted working day on a weekend; false: a holiday.")
    name: str


class CalendarYearDetailOut(Schema):
    year: int
    source: str
    days: list[CalendarDayOut] = Field(alias="day_list")


class CalendarDayIn(InputSchema):
    date: date
    working: bool
    name: str = Field("", max_length=50)


class CalendarYearIn(InputSchema):
    year: int | None = Field(None, description="When given, the year of the address.")
    source: str = Field(min_length=1, max_length=300, description="Where the schedule comes from.")
    days: list[CalendarDayIn] = Field(
        max_length=366,
        description="Every holiday and adjusted working day of the year; the days not listed follow the "
        "Monday–Friday rule. The list replaces the year's days.",
    )
