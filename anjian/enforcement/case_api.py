"""The penalty-case API: the whole life of a case, its documents as PDF, the quarterly register."""

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anjian.core.api import ERRORS, Page
from anjian.core.errors import DomainError
from anjian.core.schemas import InputSchema
from anjian.enforcement import cases, documents, register, rules, selectors
from anjian.enforcement.models import Document
from anjian.enterprises.selectors import get_enterprise_for

router = Router(tags=["penalty cases"])

PenaltyKind = Literal[rules.PENALTY_KINDS]  # type: ignore[valid-type]
Action = Literal[tuple(rules.CASE_ACTIONS)]  # type: ignore[valid-type]


class PenaltyIn(InputSchema):
    kind: PenaltyKind
    amount: Decimal | None = Field(None, description="yuan; required for a fine or a confiscation")
    detail: str = Field("", max_length=300)


class ViolationIn(InputSchema):
    basis: str = Field("", max_length=40, description="code of a known legal basis (GET /legal-bases)")
    basis_text: str = Field("", max_length=300, description="the article as written, when the basis is not known")
    facts: str = Field(min_length=1, max_length=5000)
    penalties: list[PenaltyIn] = []


class CaseIn(InputSchema):
    id: UUID | None = Field(None, description="a client-made UUID: a retry opens the case once")
    enterprise: int = Field(ge=1, le=2**63 - 1)
    procedure: Literal["general", "simple"] = "general"
    party_kind: Literal["unit", "individual"] = "unit"
    party_name: str = Field("", max_length=200, description="an individual's name (a unit is named by the registry)")
    party_id_number: str = Field("", max_length=18)
    party_address: str = Field("", max_length=300)
    summary: str = Field(min_length=1, max_length=300, description="the cause of the case (案由)")
    act_date: date
    investigators: list[str] = Field(description="usernames, at least two certified officers")
    violations: list[ViolationIn] = []
    inspection: UUID | None = None
    hazard: UUID | None = None
    at: datetime | None = Field(None, description="when it happened, for a case recorded after the fact")


class TransitionIn(InputSchema):
    action: Action
    at: datetime | None = Field(None, description="when the step happened; never in the future or before the last")
    data: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="what the step needs: opinion, reason, recipient, amount, hearing_date …"
    )


class DeadlineOut(Schema):
    kind: str
    due: date
    met: bool | None
    done_on: date | None


class PenaltyOut(Schema):
    kind: str
    amount: Decimal | None
    detail: str


class ViolationOut(Schema):
    id: int
    order: int
    basis: str | None = Field(None, alias="basis.code")
    basis_text: str
    facts: str
    penalties: list[PenaltyOut]

    @staticmethod
    def resolve_penalties(violation) -> list:
        return list(violation.penalties.all())


class EvidenceOut(Schema):
    id: int
    kind: str
    description: str
    collected_on: date
    violation_id: int | None
    sha256: str


class StepOut(Schema):
    action: str
    from_state: str
    to_state: str
    at: datetime
    actor: str = Field(alias="actor.username")
    document_id: int | None
    data: dict


class CaseDocumentOut(Schema):
    id: int
    kind: str
    number: str
    issued_at: datetime
    supersedes_id: int | None


class CaseOut(Schema):
    id: UUID
    number: str
    organisation_id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    procedure: str
    party_kind: str
    party_name: str
    summary: str
    act_date: date
    state: str
    outcome: str
    decision_status: str
    fine: Decimal
    paid: Decimal
    next_due: date | None
    next_due_kind: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    party_id_number: str
    party_address: str
    inspection_id: UUID | None
    hazard_id: UUID | None
    hearing_eligible: bool
    penalty_text: str
    owed: Decimal
    surcharge: Decimal
    investigators: list[str]
    deadlines: list[DeadlineOut]
    violations: list[ViolationOut]
    evidence: list[EvidenceOut]
    steps: list[StepOut]
    documents: list[CaseDocumentOut]
    actions: list[str] = Field(description="the steps you may take now")


class _Detail:
    """The case with what its detail answer adds (its related lists under their answer names)."""

    def __init__(self, case, **extra):
        self._case = case
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._case, name)


def _detail(case, person):
    case = selectors.get_case_for(person, case.pk)
    owed, surcharge = cases.owed(case, timezone.localdate())
    return _Detail(
        case,
        owed=owed,
        surcharge=surcharge,
        deadlines=cases.deadlines(case),
        investigators=sorted(p.username for p in case.investigators.all()),
        violations=list(case.violations.select_related("basis").prefetch_related("penalties")),
        evidence=list(case.evidence.all()),
        steps=list(case.steps.select_related("actor")),
        documents=list(cases.case_documents(case)),
        actions=cases.available_actions(person, case),
    )


@router.get("/legal-bases", response=list[dict])
def legal_bases(request):
    """The articles the platform knows, with the fine ranges (yuan, both ends included) per party."""
    from anjian.enforcement.models import LegalBasis

    return list(
        LegalBasis.objects.values(
            "code", "law", "article", "summary", "kinds", "unit_min", "unit_max", "individual_min", "individual_max"
        )
    )


@router.get("/cases", response=list[CaseOut])
@paginate(Page)
def list_cases(
    request,
    state: str = "",
    due: Literal["", "week", "overdue"] = "",
    procedure: Literal["", "general", "simple"] = "",
    enterprise: int | None = Query(None, ge=1, le=2**63 - 1),
    q: str = Query("", max_length=100),
):
    """Cases of your jurisdiction. `due=week`: a deadline in the next 7 days; `due=overdue`: one passed."""
    qs = selectors.cases_visible_to(request.auth)
    return selectors.filter_cases(qs, state=state, due=due, procedure=procedure, enterprise=enterprise, q=q)


@router.post("/cases", response={200: CaseDetailOut, 201: CaseDetailOut, **ERRORS})
def open_case(request, payload: CaseIn):
    """Open a case (general procedure: it awaits filing approval) or decide one on the spot (simple
    procedure). With a client `id`, a retry answers 200 with the first one."""
    person = request.auth
    data = payload.dict()
    enterprise = get_enterprise_for(person, data.pop("enterprise"))
    inspection = selectors.get_inspection_for(person, data.pop("inspection")) if payload.inspection else None
    hazard = selectors.get_hazard_for(person, data.pop("hazard")) if payload.hazard else None
    data.pop("inspection", None)
    data.pop("hazard", None)
    case, created = cases.case_open(person, enterprise=enterprise, inspection=inspection, hazard=hazard, **data)
    return (201 if created else 200), _detail(case, person)


class RegisterQuery(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)


@router.get("/cases/register.xlsx", response={200: None, **ERRORS})
def case_register(request, query: RegisterQuery = Query(...)):
    """The quarterly (or yearly) register of penalty cases in xlsx: cases filed, decided or closed in it."""
    return register_response(request.auth, query.year, query.quarter)


def register_response(person, year: int, quarter: int | None) -> HttpResponse:
    from django.utils.translation import gettext as _

    start, end = rules.period_bounds(year, quarter)
    qs = selectors.cases_in_period(selectors.cases_visible_to(person), start, end)
    stream = io.BytesIO()
    label = f"{year}" + (f"Q{quarter}" if quarter else "")
    register.write_register(qs, stream, f"{_('Penalty cases')} {label}")
    response = HttpResponse(
        stream.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="penalty-cases-{label}.xlsx"'
    return response


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS})
def get_case(request, case_id: UUID):
    """A case with its `state` and `deadlines` ({kind, due, met}), violations, evidence, steps and documents."""
    return _detail(selectors.get_case_for(request.auth, case_id), request.auth)


@router.post("/cases/{case_id}/transitions", response={200: CaseDetailOut, **ERRORS})
def transition(request, case_id: UUID, payload: TransitionIn):
    """Take one step of due process (`action`), optionally dated `at` when recorded after the fact."""
    case = selectors.get_case_for(request.auth, case_id)
    case = cases.case_transition(request.auth, case, action=payload.action, at=payload.at, data=payload.data)
    return _detail(case, request.auth)


@router.post("/cases/{case_id}/violations", response={201: list[ViolationOut], **ERRORS})
def add_violations(request, case_id: UUID, payload: list[ViolationIn]):
    """Add violations while the case is investigated; fines are checked against their basis's range."""
    case = selectors.get_case_for(request.auth, case_id)
    added = cases.violation_add(request.auth, case, [v.dict() for v in payload])
    return 201, added


@router.delete("/cases/{case_id}/violations/{violation_id}", response={204: None, **ERRORS})
def remove_violation(request, case_id: UUID, violation_id: int):
    case = selectors.get_case_for(request.auth, case_id)
    cases.violation_remove(request.auth, case, violation_id)
    return 204, None


@router.post("/cases/{case_id}/evidence", response={201: EvidenceOut, **ERRORS})
def add_evidence(
    request,
    case_id: UUID,
    kind: str = Form(...),
    description: str = Form(..., max_length=500),
    collected_on: date = Form(...),
    violation: int | None = Form(None),
    file: UploadedFile | None = File(None),
):
    """An item of evidence, with an optional file (PDF, JPEG or PNG; its SHA-256 is kept)."""
    case = selectors.get_case_for(request.auth, case_id)
    evidence = cases.evidence_add(
        request.auth, case, kind=kind, description=description, collected_on=collected_on, upload=file,
        violation_id=violation,
    )  # fmt: skip
    return 201, evidence


@router.get("/cases/{case_id}/documents/{document_id}.pdf", response={200: None, **ERRORS})
def case_document_pdf(request, case_id: UUID, document_id: int):
    """One of the case's documents as an A4 PDF."""
    case = selectors.get_case_for(request.auth, case_id)
    document = Document.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise DomainError("not_found", status=404)
    return documents.pdf_response(document)
