"""Typed edges of the enforcement API."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from anjian.core.schemas import InputSchema
from anjian.enterprises.models import RegulatedCategory

CategoryOrAll = Literal[tuple(RegulatedCategory.values) + ("",)]  # type: ignore[valid-type]


class StratumIn(InputSchema):
    category: CategoryOrAll = Field("", description="a regulated category, or '' for every operating unit")
    count: int = Field(ge=1, le=100000)


class PlanIn(InputSchema):
    year: int = Field(ge=2000, le=2100)
    name: str = Field(min_length=1, max_length=200)
    strata: list[StratumIn] = Field(min_length=1, max_length=20)


class StratumOut(Schema):
    category: str
    count: int


class PlanOut(Schema):
    id: int
    year: int
    name: str
    division_code: str
    organisation_id: int
    strata: list[StratumOut] = Field(alias="stratum_list")
    created_at: datetime


class AssignmentOut(Schema):
    enterprise_id: int
    credit_code: str
    enterprise_name: str
    stratum: str
    inspectors: list[str]


class DrawOut(Schema):
    id: int
    plan_id: int
    state: str
    seed_commitment: str = Field(description="SHA-256 of the seed, published before the draw")
    seed: str | None = Field(description="revealed once drawn")
    snapshot_digest: str
    snapshot: list[list[str]] = Field(description="[credit code, stratum] of every candidate, in code order")
    quotas: dict[str, int]
    inspectors: list[str]
    recusals: dict[str, list[str]]
    assignments: list[AssignmentOut] = Field(alias="assignment_list")
    committed_at: datetime
    drawn_at: datetime | None
    published_at: datetime | None


class VerifyOut(Schema):
    seed_matches_commitment: bool
    snapshot_matches_digest: bool
    selection_matches: bool
    verified: bool


class CertificateIn(InputSchema):
    number: str = Field(min_length=1, max_length=40)
    valid_until: date


class CertificateOut(Schema):
    person_id: int
    number: str
    valid_until: date


class RecusalIn(InputSchema):
    person: int = Field(ge=1, le=2**63 - 1)
    enterprise: int = Field(ge=1, le=2**63 - 1)
    reason: str = Field(min_length=1, max_length=300)


class RecusalOut(Schema):
    id: int
    person_id: int
    enterprise_id: int
    reason: str


class HazardIn(InputSchema):
    id: UUID | None = Field(None, description="a client-made UUID: sending the same hazard twice records it once")
    enterprise: int = Field(ge=1, le=2**63 - 1)
    inspection: UUID | None = Field(None, description="the inspection that found it")
    grade: Literal["general", "major"]
    source: Literal["inspection", "self_report"] | None = None
    description: str = Field(min_length=1, max_length=5000)
    location: str = Field("", max_length=300)
    responsible_person: str = Field(min_length=1, max_length=100)
    measures: str = Field("", max_length=5000)
    deadline: date


class HazardPlan(InputSchema):
    objectives: str = Field("", max_length=2000)
    measures: str = Field("", max_length=2000)
    funds: str = Field("", max_length=2000)
    responsible: str = Field("", max_length=2000)
    time_limits: str = Field("", max_length=2000)
    safety_measures: str = Field("", max_length=2000)


class TransitionIn(InputSchema):
    to: Literal["rectifying", "submitted", "closed"]
    comment: str = Field("", max_length=500)
    plan: HazardPlan | None = None


class HazardEventOut(Schema):
    from_state: str
    to_state: str
    by: str = Field(alias="by.username")
    at: datetime
    comment: str


class HazardOut(Schema):
    id: UUID
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    inspection_id: UUID | None
    division_code: str
    source: str
    grade: str
    state: str
    description: str
    location: str
    responsible_person: str
    measures: str
    deadline: date
    overdue: bool
    listed_supervision: bool
    plan: dict
    created_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_overdue(hazard) -> bool:
        """Derived when read, never stored."""
        from anjian.enforcement.selectors import with_overdue

        return with_overdue([hazard])[0].overdue


class HazardDetailOut(HazardOut):
    events: list[HazardEventOut] = Field(alias="event_list")


class DocumentIn(InputSchema):
    kind: Literal["inspection_record", "rectification_order", "onsite_measures", "review_opinion"]
    enterprise: int = Field(ge=1, le=2**63 - 1)
    hazard: UUID | None = None
    refers_to: int | None = Field(None, ge=1, le=2**63 - 1)
    supersedes: int | None = Field(None, ge=1, le=2**63 - 1)
    body: dict[str, str] = Field(description="the form's parts, e.g. place, findings, requirements, deadline")


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    year: int
    serial: int
    enterprise_id: int
    hazard_id: UUID | None
    refers_to_id: int | None
    supersedes_id: int | None
    body: dict
    issued_by: str = Field(alias="issued_by.username")
    issued_at: datetime


class ChecklistItemOut(Schema):
    id: int
    order: int
    text: str
    legal_basis: str


class ChecklistOut(Schema):
    id: int
    category: str
    name: str
    items: list[ChecklistItemOut] = Field(alias="item_list")


class InspectionIn(InputSchema):
    id: UUID | None = Field(None, description="a client-made UUID: a retry records the inspection once")
    enterprise: int = Field(ge=1, le=2**63 - 1)
    assignment: int | None = Field(None, ge=1, le=2**63 - 1, description="the draw assignment it carries out")
    template: int = Field(ge=1, le=2**63 - 1)
    date: date
    place: str = Field(min_length=1, max_length=300)
    inspectors: list[str] = Field(description="usernames, at least two")
    representatives: str = Field(min_length=1, max_length=300)
    findings: str = Field("", max_length=5000)
    results: dict[int, Literal["pass", "fail", "na"]] = Field(description="checklist item id → result")


class PhotoOut(Schema):
    id: int
    sha256: str
    content_type: str
    size: int
    caption: str
    uploaded_at: datetime


class InspectionOut(Schema):
    id: UUID
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    assignment_id: int | None
    template_id: int
    date: date
    place: str
    inspectors: list[str]
    representatives: str
    findings: str
    results: dict[int, str]
    record_id: int | None
    record_number: str | None = Field(alias="record.number")
    photos: list[PhotoOut]
    created_at: datetime

    @staticmethod
    def resolve_inspectors(inspection) -> list[str]:
        return sorted(p.username for p in inspection.inspectors.all())

    @staticmethod
    def resolve_results(inspection) -> dict[int, str]:
        return {r.item_id: r.result for r in inspection.results.all()}

    @staticmethod
    def resolve_photos(inspection) -> list:
        return list(inspection.photos.all())
