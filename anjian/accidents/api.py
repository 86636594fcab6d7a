"""The accident API: reports, their chain, forwarding, casualty updates, investigations."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from anjian.accidents import rules, selectors, services
from anjian.accidents.models import InvestigationState, ReportingFinding
from anjian.core.api import ERRORS, Page
from anjian.core.schemas import InputSchema
from anjian.enterprises.selectors import get_enterprise_for

router = Router(tags=["accidents"])

SectorName = Literal[rules.SECTORS]  # type: ignore[valid-type]
IndustryName = Literal[rules.INDUSTRIES + ("",)]  # type: ignore[valid-type]
CategoryCode = Literal[tuple(rules.CATEGORIES)]  # type: ignore[valid-type]
SeverityName = Literal[rules.SEVERITIES]  # type: ignore[valid-type]
Count = Field(ge=0, le=100000)


class AccidentIn(InputSchema):
    uuid: UUID | None = Field(None, description="a client-made UUID: sending the same report again records it once")
    occurred_at: datetime = Field(description="time of occurrence, ISO 8601 with offset")
    head_informed_at: datetime = Field(description="when the unit's head knew, ISO 8601 with offset")
    received_at: datetime | None = Field(
        None, description="when the first bureau received the report (default: now); the unit's hour runs to it"
    )
    division: str = Field(min_length=6, max_length=6, description="6-digit code of the county-level division")
    place: str = Field("", max_length=300, description="where, in words")
    lat: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    lon: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    enterprise: int | None = Field(None, ge=1, le=2**63 - 1, description="id of the unit in the registry")
    unit_name: str = Field("", max_length=200, description="the unit, when it is not registered")
    sector: SectorName
    industry: IndustryName = Field(
        "", description="inside `industrial`: coal_mine, metal_nonmetal_mine, construction, … (default from the unit)"
    )
    category: CategoryCode = Field(description='GB 6441 category, "01" to "20"')
    deaths: int = Count
    missing: int = Count
    serious_injuries: int = Field(ge=0, le=100000, description="acute industrial poisoning included")
    minor_injuries: int = Count
    direct_loss_yuan: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    people_involved: int | None = Field(
        None, ge=0, le=1000000, description="people involved, when known: no one is counted twice"
    )
    summary: str = Field(min_length=1, max_length=5000)
    measures: str = Field("", max_length=5000)


class StepOut(Schema):
    division: str = Field(description="6-digit code; 000000 for the national administration")
    division_name: str
    due_at: datetime
    reported_at: datetime | None
    status: Literal["pending", "on_time", "late"] = Field(
        description="on_time or late once the bureau has it; pending before, late once its time has run out"
    )
    skipped_to: bool = Field(description="reached by a report that skipped a level")


class AccidentOut(Schema):
    id: UUID = Field(description="the accident's id (the client's `uuid` when one was sent)")
    occurred_at: datetime = Field(description="time of occurrence")
    head_informed_at: datetime = Field(description="when the unit's head knew")
    received_at: datetime = Field(description="when the first bureau had the report")
    unit_report_due_at: datetime = Field(alias="unit_due_at", description="an hour after the unit's head knew")
    unit_report_late: bool = Field(alias="unit_late", description="the first bureau had the report after that hour")
    division: str = Field(alias="division_id", description="6-digit code of the county-level division")
    division_name: str = Field(alias="division.name", description="its name in the request's language")
    place: str = Field(description="where, in words")
    lat: Decimal | None = Field(description="latitude, when given")
    lon: Decimal | None = Field(description="longitude, when given")
    enterprise: int | None = Field(alias="enterprise_id", description="the unit's id in the registry, if registered")
    unit_name: str = Field(description="the unit")
    sector: str = Field(description="industrial, road_traffic, fire, railway, water_transport, …")
    industry: str = Field(description="inside industrial: coal_mine, construction, … ('' otherwise)")
    category: str = Field(description="GB 6441 category, 01–20")
    deaths: int = Field(description="the dead, as last reported inside the window")
    missing: int = Field(description="the missing (下落不明), counted with the dead for the class")
    serious_injuries: int = Field(description="seriously injured, acute industrial poisoning included")
    minor_injuries: int = Field(description="minor injuries")
    direct_loss_yuan: Decimal = Field(description="direct economic loss in yuan")
    severity: SeverityName = Field(description="the class of Decree 493 Art. 3 from the current figures")
    summary: str = Field(description="a short account (Art. 12)")
    measures: str = Field(description="measures taken")
    window_closes_at: datetime = Field(description="casualty changes after this are recorded but change nothing")
    awaiting_division: str = Field(description="the bureau that must forward next ('' once the chain is complete)")
    awaiting_due: datetime | None = Field(description="when the next bureau must have the report")
    report_chain: list[StepOut] = Field(description="one step per bureau that must receive the report, bottom up")
    created_at: datetime = Field(description="when it was recorded on the platform")

    @staticmethod
    def resolve_report_chain(accident) -> list[dict]:
        return selectors.chain_rows(accident)


class FigureOut(Schema):
    id: UUID
    kind: str
    as_of: datetime
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    direct_loss_yuan: Decimal
    severity: str
    applied: bool = Field(description="inside the window: it changed the figures")
    note: str
    recorded_by: str
    recorded_at: datetime


class ForwardIn(InputSchema):
    to: str | None = Field(
        None, min_length=6, max_length=6, description="skip levels: the bureau of the chain to send to (越级上报)"
    )
    at: datetime | None = Field(None, description="when it was sent (default: now)")


class UpdateIn(InputSchema):
    uuid: UUID | None = Field(None, description="a client-made UUID: a retry records the update once")
    as_of: datetime = Field(description="the moment the figures hold, ISO 8601 with offset")
    deaths: int = Count
    missing: int = Count
    serious_injuries: int = Count
    minor_injuries: int = Count
    direct_loss_yuan: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    people_involved: int | None = Field(None, ge=0, le=1000000)
    note: str = Field("", max_length=500)


class UpdateOut(Schema):
    update: FigureOut
    accident: AccidentOut


def figure_out(figure) -> dict:
    return {
        **{f: getattr(figure, f) for f in FigureOut.model_fields if f != "recorded_by"},
        "recorded_by": figure.recorded_by.username,
    }


def _reload(request, accident_id):
    return selectors.get_accident_for(request.auth, accident_id)


def _need_offset(value: datetime | None, field: str) -> None:
    from anjian.core.errors import DomainError

    if value is not None and timezone.is_naive(value):
        raise DomainError("time_needs_offset", field=field)


@router.post("/accidents", response={200: AccidentOut, 201: AccidentOut, **ERRORS})
def record_accident(request, payload: AccidentIn):
    """Record an accident: the class and the reporting chain are computed from the figures and the place."""
    for name in ("occurred_at", "head_informed_at", "received_at"):
        _need_offset(getattr(payload, name), name)
    data = payload.dict()
    data["id"] = data.pop("uuid")
    if payload.enterprise is not None:
        data["enterprise"] = get_enterprise_for(request.auth, payload.enterprise)
    accident, created = services.accident_record(request.auth, **data)
    return (201 if created else 200), _reload(request, accident.pk)


class AccidentFilter(Schema):
    severity: SeverityName | Literal[""] = ""
    sector: SectorName | Literal[""] = ""
    category: CategoryCode | Literal[""] = ""
    division: str = Field("", max_length=6, pattern=r"^(\d{6})?$")
    since: date | None = None
    until: date | None = None
    late: bool | None = Field(None, description="only reports with a late step")
    q: str = Field("", max_length=100)


@router.get("/accidents", response=list[AccidentOut])
@paginate(Page)
def list_accidents(request, filters: AccidentFilter = Query(...)):
    """The accidents of the caller's area, newest first."""
    qs = selectors.filter_accidents(selectors.accidents_visible_to(request.auth), **filters.dict())
    return selectors.with_chain(qs)


@router.get("/accidents/inbox", response=list[AccidentOut])
@paginate(Page)
def accident_inbox(request):
    """Reports the caller's bureau has and must forward, the most urgent first."""
    return selectors.with_chain(selectors.inbox_for(request.auth))


@router.get("/accidents/{accident_id}", response={200: AccidentOut, **ERRORS})
def get_accident(request, accident_id: UUID):
    return _reload(request, accident_id)


@router.post("/accidents/{accident_id}/forward", response={200: AccidentOut, **ERRORS})
def forward_accident(request, accident_id: UUID, payload: ForwardIn | None = None):
    """The caller's bureau sends the report on to the next bureau of the chain (or, skipping levels, to `to`)."""
    payload = payload or ForwardIn()
    _need_offset(payload.at, "at")
    accident = _reload(request, accident_id)
    services.accident_forward(request.auth, accident, to=payload.to, at=payload.at)
    return _reload(request, accident_id)


@router.post("/accidents/{accident_id}/casualty-updates", response={200: UpdateOut, 201: UpdateOut, **ERRORS})
def add_casualty_update(request, accident_id: UUID, payload: UpdateIn):
    """Changed figures (续报/补报): inside the window they change the figures and perhaps the class and chain."""
    _need_offset(payload.as_of, "as_of")
    accident = _reload(request, accident_id)
    data = payload.dict()
    data["id"] = data.pop("uuid")
    update, created = services.casualty_update(request.auth, accident, **data)
    return (201 if created else 200), {
        "update": figure_out(update),
        "accident": _reload(request, accident_id),
    }


@router.get("/accidents/{accident_id}/casualty-updates", response={200: list[FigureOut], **ERRORS})
def list_casualty_updates(request, accident_id: UUID):
    """The history of the figures: the first report and every update, applied or not."""
    accident = _reload(request, accident_id)
    return [figure_out(f) for f in accident.figures.select_related("recorded_by").order_by("as_of", "recorded_at")]


# --- investigations -------------------------------------------------------------------------------------------


class TeamMember(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    unit: str = Field("", max_length=200)
    role: str = Field("", max_length=100)


class InvestigationIn(InputSchema):
    leader: str = Field(min_length=1, max_length=200)
    team: list[TeamMember] = Field(min_length=1, max_length=100)
    started_on: date


class Finding(InputSchema):
    party: str = Field(min_length=1, max_length=200)
    kind: Literal["person", "unit"] = "person"
    finding: str = Field("", max_length=2000)
    recommendation: str = Field("", max_length=2000)


class InvestigationActionIn(InputSchema):
    action: Literal["team", "extend", "appraisal", "submit", "answer", "close"]
    days: int | None = Field(None, ge=0, le=3650, description="extend: 1–60 days, once; appraisal: days not counted")
    reason: str = Field("", max_length=500)
    leader: str = Field("", max_length=200)
    team: list[TeamMember] = []
    report: str = Field("", max_length=100000)
    direct_cause: str = Field("", max_length=5000)
    indirect_causes: str = Field("", max_length=5000)
    liability_accident: bool = True
    reporting_finding: Literal[tuple(ReportingFinding.values)] = ""  # type: ignore[valid-type]
    findings: list[Finding] = []
    cases: list[UUID] = Field([], description="penalty cases opened on the findings")
    on: date | None = Field(None, description="the day of the step (default: today)")
    extended: bool = Field(False, description="answer: the especially-major answer took its one extension")


class InvestigationOut(Schema):
    accident: UUID = Field(alias="accident_id")
    lead_division: str = Field(alias="lead_division_id")
    state: Literal[tuple(InvestigationState.values)]  # type: ignore[valid-type]
    leader: str
    team: list[dict]
    started_on: date
    due_on: date = Field(description="60 days after the accident, plus the one extension and appraisal time")
    extension_days: int
    extension_reason: str
    appraisal_days: int
    overdue: bool
    report: str
    direct_cause: str
    indirect_causes: str
    liability_accident: bool | None
    reporting_finding: str
    findings: list[dict]
    cases: list[UUID]
    submitted_on: date | None
    answer_due_on: date | None
    answered_on: date | None
    closed_on: date | None


def investigation_out(investigation) -> dict:
    out = {f: getattr(investigation, f, None) for f in InvestigationOut.model_fields}
    out["accident_id"] = investigation.accident_id
    out["lead_division_id"] = investigation.lead_division_id
    out["cases"] = list(investigation.cases.values_list("pk", flat=True))
    done = investigation.submitted_on or timezone.localdate()
    out["overdue"] = (investigation.submitted_on is None and done > investigation.due_on) or (
        investigation.submitted_on is not None and investigation.submitted_on > investigation.due_on
    )
    return out


def _investigation(request, accident_id):
    from anjian.core.errors import NotFound

    accident = _reload(request, accident_id)
    investigation = getattr(accident, "investigation", None) if hasattr(accident, "investigation") else None
    if investigation is None:
        raise NotFound()
    return accident, investigation


@router.post("/accidents/{accident_id}/investigation", response={201: InvestigationOut, **ERRORS})
def open_investigation(request, accident_id: UUID, payload: InvestigationIn):
    """Open the investigation: the lead level follows the class (Art. 19), the report is due in 60 days."""
    accident = _reload(request, accident_id)
    data = payload.dict()
    investigation = services.investigation_open(request.auth, accident, **data)
    return 201, investigation_out(investigation)


@router.get("/accidents/{accident_id}/investigation", response={200: InvestigationOut, **ERRORS})
def get_investigation(request, accident_id: UUID):
    return investigation_out(_investigation(request, accident_id)[1])


@router.post("/accidents/{accident_id}/investigation/actions", response={200: InvestigationOut, **ERRORS})
def act_on_investigation(request, accident_id: UUID, payload: InvestigationActionIn):
    """extend (once, ≤ 60 days), appraisal (days not counted), submit the report, answer, close."""
    _, investigation = _investigation(request, accident_id)
    data = payload.dict()
    action = data.pop("action")
    data["cases"] = [str(c) for c in data["cases"]]
    return investigation_out(services.investigation_act(request.auth, investigation, action, **data))
