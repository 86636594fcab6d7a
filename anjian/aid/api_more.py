"""The API of talent, supervision, what is overdue, capability and the expert pool. Thin: oversight and capability
write and read, scoped like the rest of aid; what a person may not see answers 404."""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from anjian.aid import capability, oversight, selectors
from anjian.aid.models import TalentKind
from anjian.core.api import ERRORS, Page, Shaped
from anjian.core.schemas import InputSchema

router = Router(tags=["aid"])


# --- talent ----------------------------------------------------------------------------------------------------------


class TalentIn(InputSchema):
    kind: Literal[tuple(TalentKind.values)]  # type: ignore[valid-type]
    person_name: str = Field("", max_length=200, description="may be left empty when a trainee is named")
    home: str = Field(min_length=1, max_length=200, description="where the person comes from")
    post: str = Field(min_length=1, max_length=200, description="the post held, or the course attended")
    starts_on: date
    ends_on: date | None = None
    hours: Decimal | None = Field(None, description="training hours, more than 0 and at most 10,000")
    item: int | None = Field(None, ge=1, le=2**63 - 1, description="the aid item the record belongs to")
    trainee: UUID | None = Field(None, description="the trainee of the training system (a trained record's hours)")
    achievements: str = Field("", max_length=20000)
    division_code: str = Field("", max_length=6, description="the receiving side's division (default: yours)")
    supporter_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="a bureau's record: the supporting unit (unless an item is named)"
    )


class TalentOut(Schema):
    id: int
    kind: str
    person_name: str
    home: str
    post: str
    starts_on: date
    ends_on: date | None
    hours: Decimal | None
    supporter: int
    supporter_name: str
    division_code: str
    item: int | None
    trainee: UUID | None
    achievements: str


def talent_out(t) -> dict:
    return {
        **{f: getattr(t, f) for f in ("kind", "person_name", "home", "post", "starts_on", "ends_on", "hours",
                                      "division_code", "achievements")},
        "id": t.pk,
        "supporter": t.supporter_id,
        "supporter_name": t.supporter.name,
        "item": t.item_id,
        "trainee": t.trainee_id,
    }  # fmt: skip


@router.get("/aid/talent", response=list[TalentOut])
@paginate(Page)
def list_talent(
    request,
    kind: str = Query("", max_length=10),
    division: str = Query("", max_length=6),
    item: int | None = Query(None, ge=1, le=2**63 - 1),
):
    """Cadres sent, staff trained elsewhere and exchanges: a supporting unit's own, a bureau's area's."""
    qs = selectors.talent_visible_to(request.auth)
    if kind:
        qs = qs.filter(kind=kind)
    if division:
        qs = qs.filter(division_code__startswith=division)
    if item is not None:
        qs = qs.filter(item_id=item)
    return Shaped(qs.order_by("-starts_on", "-id"), talent_out)


@router.post("/aid/talent", response={201: TalentOut, **ERRORS})
def create_talent(request, payload: TalentIn):
    return 201, talent_out(oversight.talent_record(request.auth, **payload.dict()))


# --- inspections and rectifications ----------------------------------------------------------------------------------


class RectificationIn(InputSchema):
    item: int | None = Field(None, ge=1, le=2**63 - 1, description="one of the inspected items (none: all of them)")
    requirement: str = Field(min_length=1, max_length=10000)
    due_on: date


class InspectionIn(InputSchema):
    inspected_on: date
    inspectors: str = Field(min_length=1, max_length=300)
    item_ids: list[int] = Field(min_length=1, max_length=500)
    findings: str = Field(min_length=1, max_length=50000)
    rectifications: list[RectificationIn] = Field(default_factory=list, max_length=200)


class RectificationOut(Schema):
    id: int
    inspection: int
    item: int | None
    requirement: str
    due_on: date
    state: str = Field(description="open, overdue, done (awaiting verification) or verified")
    done_on: date | None
    done_note: str
    verified_on: date | None
    verified_by: str | None


class InspectionOut(Schema):
    id: int
    division_code: str
    organisation: int
    organisation_name: str
    inspected_on: date
    inspectors: str
    items: list[int]
    findings: str
    rectifications: list[RectificationOut]


def rectification_out(r, today=None) -> dict:
    today = today or timezone.localdate()
    return {
        **{f: getattr(r, f) for f in ("requirement", "due_on", "done_on", "done_note", "verified_on")},
        "id": r.pk,
        "inspection": r.inspection_id,
        "item": r.item_id,
        "state": oversight.rectification_state(r, today),
        "verified_by": r.verified_by.full_name if r.verified_by_id else None,
    }


def inspection_shaper(person):
    """Shapes inspections for one viewer: only the inspected items (and their rectifications) the viewer sees."""
    visible = set(selectors.items_visible_to(person).values_list("pk", flat=True))
    today = timezone.localdate()

    def shape(i) -> dict:
        return {
            **{f: getattr(i, f) for f in ("division_code", "inspected_on", "inspectors", "findings")},
            "id": i.pk,
            "organisation": i.organisation_id,
            "organisation_name": i.organisation.name,
            "items": sorted(pk for pk in (x.pk for x in i.items.all()) if pk in visible),
            "rectifications": [
                rectification_out(r, today) for r in i.rectifications.all() if r.item_id is None or r.item_id in visible
            ],
        }

    return shape


def _inspections(person):
    return selectors.inspections_visible_to(person).prefetch_related("items", "rectifications__verified_by")


@router.get("/aid/inspections", response=list[InspectionOut])
@paginate(Page)
def list_inspections(request, division: str = Query("", max_length=6)):
    qs = _inspections(request.auth)
    if division:
        qs = qs.filter(division_code__startswith=division)
    return Shaped(qs.order_by("-inspected_on", "-id"), inspection_shaper(request.auth))


@router.post("/aid/inspections", response={201: InspectionOut, **ERRORS})
def create_inspection(request, payload: InspectionIn):
    """An inspection of aid items in your area (leaders and aid coordinators of a bureau), with the rectifications
    it requires."""
    data = payload.dict()
    inspection = oversight.inspection_create(request.auth, **data)
    return 201, inspection_shaper(request.auth)(selectors._get(_inspections(request.auth), inspection.pk))


@router.get("/aid/inspections/{inspection_id}", response={200: InspectionOut, **ERRORS})
def get_inspection(request, inspection_id: int):
    return inspection_shaper(request.auth)(selectors._get(_inspections(request.auth), inspection_id))


class RectificationDoneIn(InputSchema):
    done_on: date
    note: str = Field(min_length=1, max_length=10000)


class RectificationVerifyIn(InputSchema):
    verified_on: date


@router.post("/aid/rectifications/{rectification_id}/done", response={200: RectificationOut, **ERRORS})
def rectification_done(request, rectification_id: int, payload: RectificationDoneIn):
    """The receiving bureau or the item's supporting unit reports what was done."""
    r = oversight.get_rectification_for(request.auth, rectification_id)
    return rectification_out(oversight.rectification_done(request.auth, r, **payload.dict()))


@router.post("/aid/rectifications/{rectification_id}/verify", response={200: RectificationOut, **ERRORS})
def rectification_verify(request, rectification_id: int, payload: RectificationVerifyIn):
    """The inspecting bureau verifies a rectification reported done (409 `rectification_not_done` before, 409
    `rectification_done` a second time)."""
    r = oversight.get_rectification_for(request.auth, rectification_id)
    return rectification_out(oversight.rectification_verify(request.auth, r, **payload.dict()))


# --- overdue ---------------------------------------------------------------------------------------------------------


class OverdueRow(Schema):
    kind: str = Field(description="steps, milestones or rectifications")
    id: int
    item: int | None
    item_title: str
    supporter: int | None
    supporter_name: str
    receiver: int | None
    receiver_name: str
    division_code: str
    what: str
    due_on: date
    days_late: int
    inspection: int | None


class OverdueGroup(Schema):
    organisation: int
    name: str
    steps: int
    milestones: int
    rectifications: int
    total: int
    rows: list[OverdueRow]


class OverdueOut(Schema):
    today: date
    counts: dict[str, int]
    rows: list[OverdueRow]
    by_supporter: list[OverdueGroup]
    by_bureau: list[OverdueGroup]


@router.get("/aid/overdue", response=OverdueOut)
def overdue(request):
    """Late steps, late milestones and rectifications past due in the aid you see, most late first, per supporting
    unit and per receiving bureau."""
    return oversight.overdue(request.auth, timezone.localdate())


# --- capability ------------------------------------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str
    system: str
    name: str
    name_zh: str
    name_bo: str
    name_en: str
    unit: str
    higher_is_better: bool


def indicator_out(i) -> dict:
    return {f: getattr(i, f) for f in IndicatorOut.model_fields if f != "name"} | {"name": capability.indicator_name(i)}


class TargetOut(Schema):
    value: Decimal
    due_on: date
    baseline: Decimal | None


class HistoryOut(Schema):
    as_of: date
    value: Decimal
    source: str
    change: Decimal | None = Field(description="against the value before it")


class AidBehindOut(Schema):
    id: int
    title: str
    form: str
    supporter: int
    supporter_name: str
    receiver: int
    receiver_name: str
    division_code: str
    status: str
    deadline: date
    amount_yuan: Decimal | None


class FiguresOut(Schema):
    current: Decimal | None
    as_of: date | None
    target: TargetOut | None
    gap: Decimal | None = Field(description="how far from the target, 0 once reached")
    attainment: Decimal | None = Field(description="the share of the way from the baseline to the target, 0 to 1")


class IndicatorCapabilityOut(FiguresOut):
    indicator: IndicatorOut
    history: list[HistoryOut]
    aid: list[AidBehindOut] = Field(description="the aid items received that name the indicator")


class CapabilityOut(Schema):
    division_code: str
    division_name: str
    bureau: int
    bureau_name: str
    indicators: list[IndicatorCapabilityOut]


def _figures(row: dict) -> dict:
    t = row["target"]
    return {
        "current": row["current"],
        "as_of": row["as_of"],
        "target": {"value": t.value, "due_on": t.due_on, "baseline": t.baseline} if t else None,
        "gap": row["gap"],
        "attainment": row["attainment"],
    }


class CellOut(FiguresOut):
    indicator: str


class TableRowOut(Schema):
    bureau: int
    bureau_name: str
    division_code: str
    division_name: str
    cells: list[CellOut]


class TableOut(Schema):
    division_code: str
    division_name: str
    indicators: list[IndicatorOut]
    rows: list[TableRowOut]


@router.get("/capability/indicators", response=list[IndicatorOut])
def list_indicators(request):
    return [indicator_out(i) for i in capability.indicators()]


@router.get("/capability/table", response={200: TableOut, **ERRORS})
def capability_table(request, division: str = Query("", max_length=6)):
    """The bureaus one level below `division` (default: yours) × the indicators: current value, target, gap."""
    table = capability.capability_table(request.auth, division)
    return {
        "division_code": table["division"].code,
        "division_name": table["division"].name,
        "indicators": [indicator_out(i) for i in table["indicators"]],
        "rows": [
            {
                "bureau": row["bureau"].pk,
                "bureau_name": row["bureau"].name,
                "division_code": row["division"].code,
                "division_name": row["division"].name,
                "cells": [{"indicator": c["indicator"].code} | _figures(c) for c in row["cells"]],
            }
            for row in table["rows"]
        ],
    }


class TargetIn(InputSchema):
    division_code: str = Field(min_length=1, max_length=6)
    indicator_code: str = Field(min_length=1, max_length=40)
    value: Decimal
    due_on: date
    baseline: Decimal | None = None


class TargetSetOut(TargetOut):
    division_code: str
    indicator_code: str


@router.post("/capability/targets", response={200: TargetSetOut, **ERRORS})
def set_target(request, payload: TargetIn):
    """A bureau's target for an indicator by a date (the same date again replaces it)."""
    t = capability.target_set(request.auth, **payload.dict())
    return {"division_code": t.division_id, "indicator_code": t.indicator.code, "value": t.value,
            "due_on": t.due_on, "baseline": t.baseline}  # fmt: skip


class MeasurementIn(InputSchema):
    division_code: str = Field(min_length=1, max_length=6)
    indicator_code: str = Field(min_length=1, max_length=40)
    value: Decimal
    as_of: date
    source: str = Field("", max_length=300)


class MeasurementOut(Schema):
    id: int
    division_code: str
    indicator_code: str
    value: Decimal
    as_of: date
    source: str


@router.post("/capability/measurements", response={201: MeasurementOut, **ERRORS})
def record_measurement(request, payload: MeasurementIn):
    """A bureau's value of an indicator on a day (not in the future; one a day: 409 `measurement_exists`)."""
    m = capability.measurement_record(request.auth, **payload.dict())
    return 201, {"id": m.pk, "division_code": m.division_id, "indicator_code": m.indicator.code, "value": m.value,
                 "as_of": m.as_of, "source": m.source}  # fmt: skip


@router.get("/capability/{division_code}", response={200: CapabilityOut, **ERRORS})
def capability_of(request, division_code: str):
    """A bureau's capability: per indicator its current value and history, target, gap, and the aid behind it."""
    data = capability.capability_of(request.auth, division_code)
    return {
        "division_code": data["division"].code,
        "division_name": data["division"].name,
        "bureau": data["bureau"].pk,
        "bureau_name": data["bureau"].name,
        "indicators": [
            {"indicator": indicator_out(row["indicator"]), "history": row["history"], "aid": row["aid"]} | _figures(row)
            for row in data["indicators"]
        ],
    }


# --- the expert pool -------------------------------------------------------------------------------------------------


class ExpertOut(Schema):
    id: int
    name: str
    fields: list[str]
    title: str
    employer: str
    qualifications: str
    available: bool
    engaged_now: bool = Field(description="in an engagement that runs today")
    division_code: str
    phone: str


def expert_out(e) -> dict:
    from anjian.aid.pool import engaged_now

    return {
        "id": e.pk,
        "name": e.name,
        "fields": [f.strip() for f in e.specialties.split(",") if f.strip()],
        "title": e.title,
        "employer": e.employer,
        "qualifications": e.qualifications,
        "available": e.available,
        "engaged_now": engaged_now(e.engagements.all(), timezone.localdate()),
        "division_code": e.division_code,
        "phone": e.phone,
    }


def _experts(person):
    from anjian.emergency.selectors import experts_visible_to

    return experts_visible_to(person).prefetch_related("engagements")


@router.get("/experts", response=list[ExpertOut])
@paginate(Page)
def list_experts(
    request,
    q: str = Query("", max_length=100),
    field: str = Query("", max_length=100, description="a field of expertise the expert names"),
    available: bool | None = None,
    division: str = Query("", max_length=6),
):
    """The expert pool of your area, for an investigation, an inspection or an incident (kept by the emergency
    system)."""
    qs = _experts(request.auth)
    if q:
        qs = qs.filter(name__icontains=q)
    if field:
        qs = qs.filter(specialties__icontains=field)
    if available is not None:
        qs = qs.filter(available=available)
    if division:
        qs = qs.filter(division_code__startswith=division)
    return Shaped(qs.order_by("division_code", "name", "id"), expert_out)


@router.get("/experts/{expert_id}", response={200: ExpertOut, **ERRORS})
def get_expert(request, expert_id: int):
    return expert_out(selectors._get(_experts(request.auth), expert_id))
