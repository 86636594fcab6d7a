"""Typed edges of the registry's API. Field names are a public contract."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from anjian.core.schemas import InputSchema
from anjian.enterprises.models import EnterpriseStatus, RegulatedCategory, StandardisationGrade

Category = Literal[tuple(RegulatedCategory.values)]  # type: ignore[valid-type]
Status = Literal[tuple(EnterpriseStatus.values)]  # type: ignore[valid-type]
Grade = Literal[tuple(StandardisationGrade.values)]  # type: ignore[valid-type]


class LicenceOut(Schema):
    id: int
    number: str
    issuer: str
    issued_on: date
    valid_until: date
    state: str = Field(description="valid, renewal_due (3 months before expiry) or expired")


class MajorHazardOut(Schema):
    id: int
    name: str
    level: int


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    division: str = Field(alias="division_id", description="6-digit county-level code")
    division_name: str
    industry: str
    categories: list[str] = Field(alias="category_list")
    employees: int
    legal_representative: str
    address: str
    status: Status
    standardisation_grade: str
    lat: float | None
    lon: float | None
    updated_at: datetime


class EnterpriseDetailOut(EnterpriseOut):
    licences: list[LicenceOut] = Field(alias="licence_list")
    major_hazards: list[MajorHazardOut] = Field(alias="major_hazard_list")
    risk: dict = Field(
        description="risk level (low, general, higher, major) and what it rests on: open major hazards, major "
        "hazard installations, penalties decided in the last three years and the heavy ones among them"
    )


class EnterpriseIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    credit_code: str = Field(min_length=1, max_length=40)
    legal_representative: str = Field(min_length=1, max_length=100)
    division: str = Field(min_length=1, max_length=6)
    industry: str = Field(min_length=1, max_length=5)
    categories: list[Category] = []
    employees: int = Field(0, ge=0, le=10**7)
    address: str = Field("", max_length=300)
    lat: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    lon: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    standardisation_grade: Grade = ""
    status: Status = "operating"


class EnterprisePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    legal_representative: str | None = Field(None, min_length=1, max_length=100)
    division: str | None = Field(None, max_length=6)
    industry: str | None = Field(None, max_length=5)
    categories: list[Category] | None = None
    employees: int | None = Field(None, ge=0, le=10**7)
    address: str | None = Field(None, max_length=300)
    lat: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    lon: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    standardisation_grade: Grade | None = None
    status: Status | None = None


class LicenceIn(InputSchema):
    number: str = Field(min_length=1, max_length=60)
    issuer: str = Field("", max_length=200)
    issued_on: date
    valid_until: date | None = Field(None, description="default: 3 years from issue (Licence Regulation Art. 9)")


class MajorHazardIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    level: int = Field(ge=1, le=4)


class ImportOut(Schema):
    id: int
    original_name: str
    state: str = Field(description="validating, validated, importing, done or refused")
    mode: str
    encoding: str
    problem_code: str
    problem: str
    total_rows: int
    checked_rows: int
    bad_rows: int
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    created_at: datetime
    finished_at: datetime | None


class ImportErrorOut(Schema):
    line: int
    field: str
    code: str
    message: str


class ImportCommitIn(InputSchema):
    mode: Literal["all_or_nothing", "good_rows"]


class OfficerIn(InputSchema):
    username: str = Field(min_length=2, max_length=150)
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=200)
