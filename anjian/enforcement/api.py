"""The enforcement API: thin handlers over selectors (reads) and services (writes)."""

from typing import Literal
from uuid import UUID

from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anjian.core.api import ERRORS, Page
from anjian.core.errors import DomainError
from anjian.core.selectors import get_person_for
from anjian.enforcement import documents, hazards, inspections, selectors, services
from anjian.enforcement.models import ChecklistTemplate, DrawAssignment, DrawState
from anjian.enforcement.schemas import (
    CertificateIn,
    CertificateOut,
    ChecklistOut,
    DocumentIn,
    DocumentOut,
    DrawOut,
    HazardDetailOut,
    HazardIn,
    HazardOut,
    InspectionIn,
    InspectionOut,
    PhotoOut,
    PlanIn,
    PlanOut,
    RecusalIn,
    RecusalOut,
    TransitionIn,
    VerifyOut,
)
from anjian.enterprises.selectors import get_enterprise_for

router = Router(tags=["enforcement"])


def _plan(plan):
    plan.stratum_list = list(plan.strata.all())
    return plan


def _draw(draw):
    """The draw as published: the seed only once it has been revealed."""
    assignments = draw.assignments.select_related("enterprise").prefetch_related("inspectors")
    draw.assignment_list = [
        {
            "enterprise_id": a.enterprise_id,
            "credit_code": a.enterprise.credit_code,
            "enterprise_name": a.enterprise.name,
            "stratum": a.stratum,
            "inspectors": sorted(p.username for p in a.inspectors.all()),
        }
        for a in assignments
    ]
    if draw.state == DrawState.COMMITTED:
        draw = _hide_seed(draw)
    return draw


def _hide_seed(draw):
    draw.seed = None
    return draw


@router.get("/inspection-plans", response=list[PlanOut])
@paginate(Page)
def list_plans(request):
    return [_plan(plan) for plan in selectors.plans_visible_to(request.auth)]


@router.post("/inspection-plans", response={201: PlanOut, **ERRORS})
def create_plan(request, payload: PlanIn):
    data = payload.dict()
    plan = services.plan_create(request.auth, year=data["year"], name=data["name"], strata=data["strata"])
    return 201, _plan(plan)


@router.get("/inspection-plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request, plan_id: int):
    return _plan(selectors.get_plan_for(request.auth, plan_id))


@router.post("/inspection-plans/{plan_id}/draws", response={201: DrawOut, **ERRORS})
def commit_draw(request, plan_id: int):
    """Freeze the register and the officers and publish the seed's commitment. Draw with /perform."""
    plan = selectors.get_plan_for(request.auth, plan_id)
    return 201, _draw(services.draw_commit(request.auth, plan))


@router.get("/draws/{draw_id}", response={200: DrawOut, **ERRORS})
def get_draw(request, draw_id: int):
    return _draw(selectors.get_draw_for(request.auth, draw_id))


@router.post("/draws/{draw_id}/perform", response={200: DrawOut, **ERRORS})
def perform_draw(request, draw_id: int):
    """Reveal the seed and draw the units and their two officers each."""
    draw = selectors.get_draw_for(request.auth, draw_id)
    return _draw(services.draw_perform(request.auth, draw))


@router.post("/draws/{draw_id}/verify", response={200: VerifyOut, **ERRORS})
def verify_draw(request, draw_id: int):
    """Recompute the draw from its published register snapshot and seed."""
    return services.draw_verify(selectors.get_draw_for(request.auth, draw_id))


@router.post("/draws/{draw_id}/publish", response={200: DrawOut, **ERRORS})
def publish_draw(request, draw_id: int):
    draw = selectors.get_draw_for(request.auth, draw_id)
    return _draw(services.draw_publish(request.auth, draw))


@router.put("/people/{person_id}/enforcement-certificate", response={200: CertificateOut, **ERRORS})
def set_certificate(request, person_id: int, payload: CertificateIn):
    person = get_person_for(request.auth, person_id)
    return services.certificate_set(request.auth, person, **payload.dict())


@router.post("/recusals", response={201: RecusalOut, **ERRORS})
def add_recusal(request, payload: RecusalIn):
    person = get_person_for(request.auth, payload.person)
    enterprise = get_enterprise_for(request.auth, payload.enterprise)
    return 201, services.recusal_add(request.auth, person, enterprise, reason=payload.reason)


class HazardFilter(Schema):
    state: str = Field("", max_length=12)
    grade: str = Field("", max_length=8)
    enterprise: int | None = Field(None, ge=1, le=2**63 - 1)
    overdue: bool | None = None
    listed: bool | None = None


def _hazard(hazard):
    hazard.event_list = list(hazard.events.select_related("by"))
    return hazard


@router.get("/hazards", response=list[HazardOut])
@paginate(Page)
def list_hazards(request, filters: HazardFilter = Query(...)):
    """Hazards in the caller's scope; `overdue=true` lists those past their deadline and not closed."""
    return selectors.filter_hazards(selectors.hazards_visible_to(request.auth), **filters.dict())


@router.post("/hazards", response={200: HazardDetailOut, 201: HazardDetailOut, **ERRORS})
def report_hazard(request, payload: HazardIn):
    """Record a hazard. With a client `id`, a retry answers 200 with the hazard already recorded."""
    data = payload.dict()
    enterprise = get_enterprise_for(request.auth, data.pop("enterprise"))
    inspection_id = data.pop("inspection")
    inspection = selectors.get_inspection_for(request.auth, inspection_id) if inspection_id else None
    hazard, created = hazards.hazard_report(request.auth, enterprise=enterprise, inspection=inspection, **data)
    return (201 if created else 200), _hazard(hazard)


@router.get("/hazards/{hazard_id}", response={200: HazardDetailOut, **ERRORS})
def get_hazard(request, hazard_id: UUID):
    return _hazard(selectors.get_hazard_for(request.auth, hazard_id))


@router.post("/hazards/{hazard_id}/transitions", response={200: HazardDetailOut, **ERRORS})
def transition_hazard(request, hazard_id: UUID, payload: TransitionIn):
    """Move the hazard: open → rectifying → submitted → closed, or sent back to rectifying."""
    hazard = selectors.get_hazard_for(request.auth, hazard_id)
    plan = payload.plan.dict() if payload.plan else None
    moved = hazards.hazard_transition(request.auth, hazard, to=payload.to, comment=payload.comment, plan=plan)
    return _hazard(moved)


@router.get("/documents", response=list[DocumentOut])
@paginate(Page)
def list_documents(request, enterprise: int | None = None):
    qs = selectors.documents_visible_to(request.auth)
    return qs.filter(enterprise_id=enterprise) if enterprise else qs


@router.post("/documents", response={201: DocumentOut, **ERRORS})
def issue_document(request, payload: DocumentIn):
    """Issue an on-site document; it is numbered per bureau, kind and year and never changes.
    To correct one, issue a new version with `supersedes`."""
    person = request.auth
    enterprise = get_enterprise_for(person, payload.enterprise)
    hazard = selectors.get_hazard_for(person, payload.hazard) if payload.hazard else None
    refers_to = selectors.get_document_for(person, payload.refers_to) if payload.refers_to else None
    supersedes = selectors.get_document_for(person, payload.supersedes) if payload.supersedes else None
    document = documents.document_issue(
        person, kind=payload.kind, enterprise=enterprise, body=payload.body, hazard=hazard,
        refers_to=refers_to, supersedes=supersedes,
    )  # fmt: skip
    return 201, document


@router.get("/documents/{document_id}.pdf", response={200: None, **ERRORS})
def document_pdf(request, document_id: int):
    """The document as an A4 PDF (Chinese and Tibetan fonts embedded)."""
    return documents.pdf_response(selectors.get_document_for(request.auth, document_id))


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def get_document(request, document_id: int):
    return selectors.get_document_for(request.auth, document_id)


@router.get("/checklists", response=list[ChecklistOut])
def list_checklists(request):
    """The checklist templates; each item cites its legal basis."""
    templates = list(ChecklistTemplate.objects.prefetch_related("items"))
    for template in templates:
        template.item_list = list(template.items.all())
    return templates


@router.get("/inspections", response=list[InspectionOut])
@paginate(Page)
def list_inspections(request, enterprise: int | None = Query(None, ge=1, le=2**63 - 1)):
    qs = selectors.inspections_visible_to(request.auth).prefetch_related("results", "photos")
    return qs.filter(enterprise_id=enterprise) if enterprise else qs


@router.post("/inspections", response={200: InspectionOut, 201: InspectionOut, **ERRORS})
def record_inspection(request, payload: InspectionIn):
    """Record an inspection (at least two certified officers, every checklist item answered); its on-site
    inspection record is issued with it. With a client `id`, a retry answers 200 with the first one."""
    person = request.auth
    data = payload.dict()
    enterprise = get_enterprise_for(person, data.pop("enterprise"))
    try:
        template = ChecklistTemplate.objects.get(pk=data.pop("template"))
    except ChecklistTemplate.DoesNotExist:
        raise DomainError("invalid", field="template") from None
    assignment_id = data.pop("assignment")
    assignment = None
    if assignment_id:
        assignment = DrawAssignment.objects.filter(
            pk=assignment_id, draw__in=selectors.draws_visible_to(person)
        ).first()
        if assignment is None:
            raise DomainError("invalid", field="assignment")
    inspection, created = inspections.inspection_record(
        person, enterprise=enterprise, template=template, assignment=assignment, **data
    )
    return (201 if created else 200), inspection


@router.get("/inspections/{inspection_id}", response={200: InspectionOut, **ERRORS})
def get_inspection(request, inspection_id: UUID):
    return selectors.get_inspection_for(request.auth, inspection_id)


@router.post("/inspections/{inspection_id}/photos", response={201: PhotoOut, **ERRORS})
def add_photo(request, inspection_id: UUID, file: UploadedFile = File(...), caption: str = Form("")):
    """An evidence photo (JPEG, PNG or WebP, checked as an image; stored with its SHA-256)."""
    inspection = selectors.get_inspection_for(request.auth, inspection_id)
    return 201, inspections.photo_add(request.auth, inspection, upload=file, caption=caption)


class StatisticsQuery(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)
    by: Literal["county", "prefecture"] = "county"


@router.get("/hazard-statistics", response={200: dict, **ERRORS})
def hazard_statistics(request, query: StatisticsQuery = Query(...)):
    """Quarterly or annual hazard statistics of your scope: per division and grade, per regulated category
    and grade; found, rectified by the period's end, still open, overdue, rectification rate (%)."""
    return selectors.hazard_statistics(request.auth, year=query.year, quarter=query.quarter, by=query.by)
