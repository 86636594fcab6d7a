"""The support pool's API: technical institutions and their profiles, and engagements of experts and institutions
for the other systems' work (an investigation, an incident, an inspection, an aid item)."""

from datetime import date
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from anjian.aid import pool
from anjian.aid.models import EngagementPurpose, Service
from anjian.core.api import ERRORS, Page, Shaped
from anjian.core.schemas import InputSchema

router = Router(tags=["aid"])


class InstitutionOut(Schema):
    id: int
    name: str
    division_code: str
    services: list[str] = Field(description="testing, assessment, training, design")
    qualifications: str
    accreditation: str
    accredited_until: date | None
    accredited: bool = Field(description="an accreditation that holds today")
    engaged_now: bool


def institution_out(org) -> dict:
    profile = getattr(org, "institution_profile", None)
    until = profile.accredited_until if profile else None
    today = timezone.localdate()
    return {
        "id": org.pk,
        "name": org.name,
        "division_code": org.division_id,
        "services": profile.services if profile else [],
        "qualifications": profile.qualifications if profile else "",
        "accreditation": profile.accreditation if profile else "",
        "accredited_until": until,
        "accredited": bool(profile and profile.accreditation and (until is None or until >= today)),
        "engaged_now": pool.engaged_now(org.engagements.all(), today),
    }


@router.get("/institutions", response=list[InstitutionOut])
@paginate(Page)
def list_institutions(request, service: str = Query("", max_length=20)):
    """Technical institutions (testing, assessment, training, design) registered in your area."""
    qs = pool.institutions_visible_to(request.auth).prefetch_related("engagements").order_by("division_id", "id")
    if service:
        qs = [o for o in qs if service in (getattr(getattr(o, "institution_profile", None), "services", None) or [])]
        return [institution_out(o) for o in qs]
    return Shaped(qs, institution_out)


@router.get("/institutions/{institution_id}", response={200: InstitutionOut, **ERRORS})
def get_institution(request, institution_id: int):
    return institution_out(pool.get_institution_for(request.auth, institution_id))


class ProfileIn(InputSchema):
    services: list[Literal[tuple(Service.values)]] = Field(min_length=1, max_length=4)  # type: ignore[valid-type]
    qualifications: str = Field("", max_length=5000)
    accreditation: str = Field("", max_length=100)
    accredited_until: date | None = None


@router.put("/institutions/{institution_id}", response={200: InstitutionOut, **ERRORS})
def save_profile(request, institution_id: int, payload: ProfileIn):
    """The institution (or a bureau over it) keeps its profile."""
    institution = pool.get_institution_for(request.auth, institution_id)
    pool.profile_save(request.auth, institution, **payload.dict())
    return institution_out(pool.get_institution_for(request.auth, institution_id))


class EngagementIn(InputSchema):
    purpose: Literal[tuple(EngagementPurpose.values)]  # type: ignore[valid-type]
    target: str = Field(
        "", max_length=40, description="the accident or incident (UUID), the inspection or aid item (id) it is for"
    )
    role: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date | None = None
    note: str = Field("", max_length=5000)


class EngagementOut(Schema):
    id: int
    expert: int | None
    institution: int | None
    engaged_by: str
    purpose: str
    accident: str | None
    incident: str | None
    inspection: int | None
    item: int | None
    role: str
    starts_on: date
    ends_on: date | None
    note: str


def engagement_out(e) -> dict:
    return {
        "id": e.pk,
        "expert": e.expert_id,
        "institution": e.institution_id,
        "engaged_by": e.engaged_by.name,
        "purpose": e.purpose,
        "accident": str(e.accident_id) if e.accident_id else None,
        "incident": str(e.incident_id) if e.incident_id else None,
        "inspection": e.inspection_id,
        "item": e.item_id,
        "role": e.role,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "note": e.note,
    }


@router.get("/engagements", response=list[EngagementOut])
@paginate(Page)
def list_engagements(
    request,
    purpose: str = Query("", max_length=20),
    expert: int | None = Query(None, ge=1, le=2**63 - 1),
    institution: int | None = Query(None, ge=1, le=2**63 - 1),
):
    qs = pool.engagements_visible_to(request.auth)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if expert is not None:
        qs = qs.filter(expert_id=expert)
    if institution is not None:
        qs = qs.filter(institution_id=institution)
    return Shaped(qs.order_by("-starts_on", "id"), engagement_out)


@router.post("/experts/{expert_id}/engagements", response={201: EngagementOut, **ERRORS})
def engage_expert(request, expert_id: int, payload: EngagementIn):
    """Engage an expert of your area's pool for an investigation, an incident, an inspection, an aid item, a review
    or training (the work named by `target` must be yours to see)."""
    from anjian.aid.selectors import _get
    from anjian.emergency.selectors import experts_visible_to

    expert = _get(experts_visible_to(request.auth), expert_id)
    return 201, engagement_out(pool.engagement_create(request.auth, expert=expert, **payload.dict()))


@router.post("/institutions/{institution_id}/engagements", response={201: EngagementOut, **ERRORS})
def engage_institution(request, institution_id: int, payload: EngagementIn):
    institution = pool.get_institution_for(request.auth, institution_id)
    return 201, engagement_out(pool.engagement_create(request.auth, institution=institution, **payload.dict()))
