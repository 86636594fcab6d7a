"""The emergency API: plans and drills, registers, the duty roster, the road network, incidents (log, nearest help,
dispatches, requests, situation reports, map) and CAP 1.2 alerts. Thin: services write, selectors read."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anjian.accidents.selectors import get_accident_for
from anjian.core.api import ERRORS, Page, Shaped
from anjian.core.errors import DomainError
from anjian.core.schemas import InputSchema
from anjian.emergency import network, selectors, services
from anjian.emergency.models import (
    DrillForm,
    EvaluationConclusion,
    IncidentKind,
    Keeper,
    PlanKind,
    Readiness,
    RequestStatus,
    TeamKind,
)
from anjian.enterprises.selectors import get_enterprise_for

router = Router(tags=["emergency"])


# --- plans -----------------------------------------------------------------------------------------------------------


class PlanIn(InputSchema):
    kind: Literal[tuple(PlanKind.values)]  # type: ignore[valid-type]
    keeper: Literal[tuple(Keeper.values)]  # type: ignore[valid-type]
    title: str = Field(min_length=1, max_length=200)
    published_on: date
    must_evaluate: bool = Field(False, description="high-risk and medium-and-larger units evaluate every 3 years")
    enterprise: int | None = Field(None, ge=1, le=2**63 - 1, description="the unit's id in the registry")


class DrillOut(Schema):
    id: int
    held_on: date
    form: str
    participants: int
    scenario: str
    findings: str
    improvements: str


class EvaluationOut(Schema):
    id: int
    evaluated_on: date
    conclusion: str
    notes: str


class ObligationOut(Schema):
    duty: str = Field(description="filing, check, evaluation or drill")
    due: date | None = Field(description="null when the statutory calendar of a year it reaches is not loaded")
    overdue_days: int
    calendar_missing: int | None = Field(
        None, description="the year whose statutory calendar the deadline needs and the platform does not hold yet"
    )


class PlanOut(Schema):
    id: int
    kind: str
    keeper: str
    title: str
    version: int
    enterprise: int | None
    division_code: str
    published_on: date
    must_evaluate: bool
    state: str = Field(description="not_filed, filed, accepted or returned")
    filed_on: date | None
    checked_on: date | None
    filing_number: str
    return_reasons: str
    evaluated_on: date | None


class PlanDetailOut(PlanOut):
    obligations: list[ObligationOut]
    drills: list[DrillOut]
    evaluations: list[EvaluationOut]


def plan_out(plan) -> dict:
    return {
        **{f: getattr(plan, f) for f in PlanOut.model_fields if f != "enterprise"},
        "enterprise": plan.enterprise_id,
    }


def plan_detail(plan) -> dict:
    today = timezone.localdate()
    return {
        **plan_out(plan),
        "obligations": [
            {k: r.get(k) for k in ("duty", "due", "overdue_days", "calendar_missing")}
            for r in selectors.obligations_of(plan, today)
        ],
        "drills": list(plan.drills.all()),
        "evaluations": list(plan.evaluations.all()),
    }


@router.get("/emergency/plans", response=list[PlanOut])
@paginate(Page)
def list_plans(
    request,
    state: str = Query("", max_length=20),
    kind: str = Query("", max_length=20),
    division: str = Query("", max_length=6),
):
    """The plans you see: a bureau's area, or a unit's own."""
    qs = selectors.plans_visible_to(request.auth)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if division:
        qs = qs.filter(division_code__startswith=division)
    return Shaped(qs.order_by("division_code", "title", "id"), plan_out)


@router.post("/emergency/plans", response={201: PlanDetailOut, **ERRORS})
def create_plan(request, payload: PlanIn):
    data = payload.dict()
    if payload.enterprise is not None:
        data["enterprise"] = get_enterprise_for(request.auth, payload.enterprise)
    plan = services.plan_create(request.auth, **data)
    return 201, plan_detail(plan)


class OverdueOut(Schema):
    plan: int
    title: str
    kind: str
    division_code: str
    duty: str
    due: date
    overdue_days: int


@router.get("/emergency/plans/overdue", response=list[OverdueOut])
def overdue(request, division: str = Query("", max_length=6)):
    """What is overdue in the plans you see (filing, the bureau's check, evaluation, drills), most overdue first."""
    rows = selectors.overdue_plans(request.auth, timezone.localdate(), division or None)
    return [
        {
            "plan": r["plan"].pk,
            "title": r["plan"].title,
            "kind": r["plan"].kind,
            "division_code": r["plan"].division_code,
            "duty": r["duty"],
            "due": r["due"],
            "overdue_days": r["overdue_days"],
        }
        for r in rows
    ]


class OverdueBureauOut(Schema):
    division: str = Field(description="the bureau's division, one level below yours")
    name: str
    total: int
    filing: int
    check: int
    evaluation: int
    drill: int


@router.get("/emergency/plans/overdue/by-bureau", response=list[OverdueBureauOut])
def overdue_by_bureau(request):
    """The overdue obligations counted per bureau one level below yours, most first."""
    rows = selectors.overdue_plans(request.auth, timezone.localdate())
    return selectors.overdue_by_bureau(request.auth, rows)


@router.get("/emergency/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS})
def get_plan(request, plan_id: int):
    return plan_detail(selectors.get_plan_for(request.auth, plan_id))


class FileIn(InputSchema):
    filed_on: date | None = None


@router.post("/emergency/plans/{plan_id}/file", response={200: PlanDetailOut, **ERRORS})
def file_plan(request, plan_id: int, payload: FileIn):
    """File (备案) the plan with the bureau."""
    plan = services.plan_file(request.auth, selectors.get_plan_for(request.auth, plan_id), filed_on=payload.filed_on)
    return plan_detail(plan)


class CheckIn(InputSchema):
    accept: bool
    reasons: str = Field("", max_length=5000, description="required when returning")


@router.post("/emergency/plans/{plan_id}/check", response={200: PlanDetailOut, **ERRORS})
def check_plan(request, plan_id: int, payload: CheckIn):
    """The bureau accepts the filing or returns it with reasons."""
    plan = selectors.get_plan_for(request.auth, plan_id)
    return plan_detail(services.plan_check(request.auth, plan, accept=payload.accept, reasons=payload.reasons))


class EvaluationIn(InputSchema):
    evaluated_on: date
    conclusion: Literal[tuple(EvaluationConclusion.values)]  # type: ignore[valid-type]
    notes: str = Field("", max_length=5000)


@router.post("/emergency/plans/{plan_id}/evaluations", response={201: PlanDetailOut, **ERRORS})
def evaluate_plan(request, plan_id: int, payload: EvaluationIn):
    plan = selectors.get_plan_for(request.auth, plan_id)
    services.plan_evaluate(request.auth, plan, **payload.dict())
    return 201, plan_detail(selectors.get_plan_for(request.auth, plan_id))


class ReviseIn(InputSchema):
    published_on: date
    title: str = Field("", max_length=200)


@router.post("/emergency/plans/{plan_id}/revise", response={200: PlanDetailOut, **ERRORS})
def revise_plan(request, plan_id: int, payload: ReviseIn):
    """A new version of the plan, published anew: it must be filed again."""
    plan = selectors.get_plan_for(request.auth, plan_id)
    return plan_detail(services.plan_revise(request.auth, plan, **payload.dict()))


class DrillIn(InputSchema):
    held_on: date
    form: Literal[tuple(DrillForm.values)]  # type: ignore[valid-type]
    participants: int = Field(ge=0, le=1_000_000)
    scenario: str = Field(min_length=1, max_length=5000)
    findings: str = Field("", max_length=5000)
    improvements: str = Field("", max_length=5000)


@router.post("/emergency/plans/{plan_id}/drills", response={201: DrillOut, **ERRORS})
def record_drill(request, plan_id: int, payload: DrillIn):
    plan = selectors.get_plan_for(request.auth, plan_id)
    return 201, services.drill_record(request.auth, plan, **payload.dict())


# --- registers -------------------------------------------------------------------------------------------------------


class LocatedIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    division_code: str = Field("", max_length=6, description="where it is kept; your bureau's division by default")
    lat: float
    lon: float
    place: str = Field("", max_length=40, description="its place on the road network (the place's code)")
    contact_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=50)


class LocatedOut(Schema):
    id: int
    name: str
    division_code: str
    lat: float
    lon: float
    place: str | None
    contact_name: str
    phone: str


def located_out(obj) -> dict:
    return {f: getattr(obj, f) for f in LocatedOut.model_fields if f != "place"} | {
        "place": obj.place.code if obj.place_id else None
    }


class TeamIn(LocatedIn):
    kind: Literal[tuple(TeamKind.values)]  # type: ignore[valid-type]
    professional: bool = True
    base: str = Field(min_length=1, max_length=200)
    members: int = Field(ge=0, le=100_000)
    equipment: str = Field("", max_length=5000)
    readiness: Literal[tuple(Readiness.values)] = "ready"  # type: ignore[valid-type]
    on_duty: bool = True


class TeamOut(LocatedOut):
    kind: str
    professional: bool
    base: str
    members: int
    equipment: str
    readiness: str
    on_duty: bool


def team_out(team) -> dict:
    return located_out(team) | {f: getattr(team, f) for f in TeamOut.model_fields if f not in LocatedOut.model_fields}


class ItemIn(InputSchema):
    item: str = Field(min_length=1, max_length=200)
    quantity: float = Field(ge=0, lt=1e10)
    unit: str = Field("", max_length=20)


class ItemOut(Schema):
    item: str
    quantity: float
    unit: str


class DepotIn(LocatedIn):
    address: str = Field("", max_length=300)
    items: list[ItemIn] = []


class DepotOut(LocatedOut):
    address: str
    items: list[ItemOut]


def depot_out(depot) -> dict:
    return located_out(depot) | {
        "address": depot.address,
        "items": [{"item": i.item, "quantity": float(i.quantity), "unit": i.unit} for i in depot.items.all()],
    }


class ExpertIn(LocatedIn):
    fields: list[str] = Field(min_length=1, max_length=20)
    title: str = Field("", max_length=100)
    employer: str = Field("", max_length=200)
    qualifications: str = Field("", max_length=5000)
    available: bool = True


class ExpertOut(LocatedOut):
    fields: list[str]
    title: str
    employer: str
    qualifications: str
    available: bool


def expert_out(expert) -> dict:
    return located_out(expert) | {
        "fields": [f.strip() for f in expert.specialties.split(",") if f.strip()],
        "title": expert.title,
        "employer": expert.employer,
        "qualifications": expert.qualifications,
        "available": expert.available,
    }


REGISTERS = {
    "teams": (TeamIn, TeamOut, team_out, services.team_save, selectors.teams_visible_to),
    "depots": (DepotIn, DepotOut, depot_out, services.depot_save, selectors.depots_visible_to),
    "experts": (ExpertIn, ExpertOut, expert_out, services.expert_save, selectors.experts_visible_to),
}


def _register_routes(name: str) -> None:
    schema_in, schema_out, shape, save, visible = REGISTERS[name]

    @router.get(f"/emergency/{name}", response=list[schema_out], operation_id=f"list_{name}")
    @paginate(Page)
    def listing(request, q: str = Query("", max_length=100)):
        qs = visible(request.auth)
        if q:
            qs = qs.filter(name__icontains=q)
        return Shaped(qs.order_by("division_code", "name", "id"), shape)

    @router.post(f"/emergency/{name}", response={201: schema_out, **ERRORS}, operation_id=f"create_{name}")
    def create(request, payload: schema_in):  # type: ignore[valid-type]
        return 201, shape(save(request.auth, payload.dict()))

    @router.get(f"/emergency/{name}/{{obj_id}}", response={200: schema_out, **ERRORS}, operation_id=f"get_{name}")
    def detail(request, obj_id: int):
        return shape(selectors._get(visible(request.auth), obj_id))

    @router.put(f"/emergency/{name}/{{obj_id}}", response={200: schema_out, **ERRORS}, operation_id=f"update_{name}")
    def update(request, obj_id: int, payload: schema_in):  # type: ignore[valid-type]
        obj = selectors._get(visible(request.auth), obj_id)
        return shape(save(request.auth, payload.dict(), obj))


for _name in REGISTERS:
    _register_routes(_name)


# --- duty roster -----------------------------------------------------------------------------------------------------


class ShiftIn(InputSchema):
    starts_at: datetime
    ends_at: datetime
    officer: str = Field(min_length=1, max_length=150, description="the duty officer's username, of your bureau")
    leader: str = Field("", max_length=150, description="the leader on duty's username")


class ShiftOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    officer: str
    leader: str | None
    handover_notes: str
    handed_over_at: datetime | None
    received_by: str | None
    received_at: datetime | None


def shift_out(shift) -> dict:
    return {
        **{f: getattr(shift, f) for f in ("id", "starts_at", "ends_at", "handover_notes", "handed_over_at")},
        "officer": shift.officer.username,
        "leader": shift.leader.username if shift.leader_id else None,
        "received_by": shift.received_by.username if shift.received_by_id else None,
        "received_at": shift.received_at,
    }


@router.get("/emergency/duty", response=list[ShiftOut])
@paginate(Page)
def list_shifts(request):
    return Shaped(selectors.shifts_visible_to(request.auth).order_by("-starts_at", "id"), shift_out)


def _colleague(actor, username: str, field: str):
    from anjian.core.models import Person

    person = Person.objects.filter(username=username, organisation_id=actor.organisation_id, is_active=True).first()
    if person is None:
        raise DomainError("officer_unknown", field=field, username=username)
    return person


@router.get("/emergency/duty/now", response={200: ShiftOut | None})
def on_duty_now(request):
    """The shift of your bureau's command centre on duty now (null when nobody is on the roster)."""
    shift = selectors.on_duty_now(request.auth, timezone.now())
    return shift_out(shift) if shift else None


@router.post("/emergency/duty", response={201: ShiftOut, **ERRORS})
def create_shift(request, payload: ShiftIn):
    officer = _colleague(request.auth, payload.officer, "officer")
    leader = _colleague(request.auth, payload.leader, "leader") if payload.leader else None
    shift = services.shift_create(
        request.auth, starts_at=payload.starts_at, ends_at=payload.ends_at, officer=officer, leader=leader
    )
    return 201, shift_out(shift)


class HandoverIn(InputSchema):
    notes: str = Field(min_length=1, max_length=10000)


@router.post("/emergency/duty/{shift_id}/handover", response={200: ShiftOut, **ERRORS})
def hand_over(request, shift_id: int, payload: HandoverIn):
    shift = selectors._get(selectors.shifts_visible_to(request.auth), shift_id)
    return shift_out(services.shift_hand_over(request.auth, shift, notes=payload.notes))


@router.post("/emergency/duty/{shift_id}/receive", response={200: ShiftOut, **ERRORS})
def receive(request, shift_id: int):
    shift = selectors._get(selectors.shifts_visible_to(request.auth), shift_id)
    return shift_out(services.shift_receive(request.auth, shift))


# --- road network ----------------------------------------------------------------------------------------------------


class NetworkOut(Schema):
    version: int
    approximate: bool
    source: str
    places: int
    segments: int
    imported_at: datetime | None


def network_out() -> dict:
    from anjian.emergency.models import Place, RoadSegment

    row = network.network_row()
    return {
        "version": row.version,
        "approximate": row.approximate,
        "source": row.source,
        "places": Place.objects.count(),
        "segments": RoadSegment.objects.count(),
        "imported_at": row.imported_at,
    }


@router.get("/roads", response=NetworkOut)
def get_network(request):
    """The road network every bureau routes on."""
    return network_out()


@router.post("/roads/import", response={200: NetworkOut, **ERRORS})
def import_network(
    request,
    places: UploadedFile = File(..., description="code,name,lat,lon[,division_code]"),
    segments: UploadedFile = File(..., description="from,to,length_km,speed_kmh[,two_way,closed_from,closed_to,name]"),
    approximate: bool = Query(False),
    source: str = Query("", max_length=300),
):
    """Replace the road network (csv in UTF-8 or GB18030, or xlsx). Every row is checked first; one bad row and
    nothing is written, the errors named `places[row].field` or `segments[row].field`."""
    from anjian.enterprises.importing import check_small_upload, read_upload

    tables = []
    for upload in (places, segments):
        check_small_upload(upload)
        tables.append(read_upload(upload.name or "", upload.read()))
    services.network_import(request.auth, *tables, approximate=approximate, source=source)
    return network_out()


class RouteOut(Schema):
    from_place: str
    to_place: str
    travel_minutes: float | None
    distance_km: float | None
    route: str
    approximate: bool
    path: list[str]


@router.get("/roads/route", response={200: RouteOut, **ERRORS})
def route(request, from_place: str = Query(..., alias="from"), to_place: str = Query(..., alias="to")):
    """The fastest road route between two places of the network today (seasonal closures applied), or the
    great-circle fallback when there is no road link."""
    from anjian.emergency import routing
    from anjian.emergency.models import Place

    ends = {p.code: p for p in Place.objects.filter(code__in=[from_place, to_place])}
    for code, field in ((from_place, "from"), (to_place, "to")):
        if code not in ends:
            raise DomainError("segment_place_unknown", field=field, code=code, status=404)
    a, b = ends[from_place], ends[to_place]
    [r] = network.rank(routing.Point(b.lat, b.lon, b.pk), [routing.Candidate(a.pk, a.lat, a.lon, a.pk)])
    codes = dict(Place.objects.filter(pk__in=r.path).values_list("pk", "code"))
    return {
        "from_place": from_place,
        "to_place": to_place,
        "travel_minutes": round(r.travel_minutes, 1),
        "distance_km": round(r.distance_km, 1),
        "route": r.route,
        "approximate": r.approximate,
        "path": [codes[p] for p in r.path],
    }


# --- incidents -------------------------------------------------------------------------------------------------------


class IncidentIn(InputSchema):
    id: UUID | None = Field(None, description="a client-made UUID: sending it again answers the same incident")
    accident: UUID | None = Field(None, description="open from this accident report: its place, time and figures")
    title: str = Field("", max_length=200)
    kind: Literal[tuple(IncidentKind.values) + ("",)] = ""  # type: ignore[valid-type]
    severity: Literal["general", "larger", "major", "especially_major", ""] = ""
    place: str = Field("", max_length=300)
    road_place: str = Field("", max_length=40, description="the nearest place of the road network, by code")
    division_code: str = Field("", max_length=6)
    lat: float | None = None
    lon: float | None = None
    occurred_at: datetime | None = None
    deaths: int = Field(0, ge=0)
    missing: int = Field(0, ge=0)
    injured: int = Field(0, ge=0)
    trapped: int = Field(0, ge=0)


class IncidentOut(Schema):
    id: UUID
    accident: UUID | None
    title: str
    kind: str
    severity: str
    status: str
    place: str
    division_code: str
    lat: float
    lon: float
    deaths: int
    missing: int
    injured: int
    trapped: int
    occurred_at: datetime
    opened_at: datetime
    closed_at: datetime | None
    review: str
    lessons: str
    commanded_by: str


def incident_out(incident) -> dict:
    return {
        **{f: getattr(incident, f) for f in IncidentOut.model_fields if f not in ("accident", "commanded_by")},
        "accident": incident.accident_id,
        "commanded_by": incident.organisation.name,
    }


@router.get("/incidents", response=list[IncidentOut])
@paginate(Page)
def list_incidents(request, status: str = Query("", max_length=10)):
    qs = selectors.incidents_visible_to(request.auth)
    if status:
        qs = qs.filter(status=status)
    return Shaped(qs.order_by("-opened_at", "id"), incident_out)


@router.post("/incidents", response={201: IncidentOut, 200: IncidentOut, **ERRORS})
def open_incident(request, payload: IncidentIn):
    """Open an incident by hand, or from an accident report (`accident`). A retry with the same `id` answers 200
    with the incident already opened."""
    data = payload.dict(exclude={"id", "accident"})
    if payload.accident is None:
        for field in ("title", "kind", "place", "lat", "lon", "occurred_at"):
            if data.get(field) in (None, ""):
                raise DomainError("required", field=field)
    accident = get_accident_for(request.auth, payload.accident) if payload.accident else None
    incident, created = services.incident_open(request.auth, id=payload.id, accident=accident, **data)
    return (201 if created else 200), incident_out(incident)


@router.get("/incidents/{incident_id}", response={200: IncidentOut, **ERRORS})
def get_incident(request, incident_id: UUID):
    return incident_out(selectors.get_incident_for(request.auth, incident_id))


class FiguresIn(InputSchema):
    deaths: int | None = Field(None, ge=0)
    missing: int | None = Field(None, ge=0)
    injured: int | None = Field(None, ge=0)
    trapped: int | None = Field(None, ge=0)


@router.post("/incidents/{incident_id}/figures", response={200: IncidentOut, **ERRORS})
def update_figures(request, incident_id: UUID, payload: FiguresIn):
    incident = selectors.get_incident_for(request.auth, incident_id)
    figures = {k: v for k, v in payload.dict().items() if v is not None}
    return incident_out(services.incident_figures(request.auth, incident, **figures))


class CloseIn(InputSchema):
    review: str = Field(min_length=1, max_length=20000)
    lessons: str = Field("", max_length=20000)


@router.post("/incidents/{incident_id}/close", response={200: IncidentOut, **ERRORS})
def close_incident(request, incident_id: UUID, payload: CloseIn):
    incident = selectors.get_incident_for(request.auth, incident_id)
    return incident_out(services.incident_close(request.auth, incident, **payload.dict()))


class NearestOut(Schema):
    id: int
    name: str
    travel_minutes: float = Field(description="by the fastest road route today, or at the off-road speed")
    distance_km: float
    route: Literal["road", "great_circle"] = Field(description="great_circle: no road link, a straight line")
    eta: datetime
    approximate: bool = Field(description="the route uses segments of an approximate road network")


@router.get("/incidents/{incident_id}/nearest", response={200: list[NearestOut], **ERRORS})
def nearest(
    request,
    incident_id: UUID,
    kind: Literal["team", "depot", "expert"] = "team",
    limit: int = Query(20, ge=1, le=500),
):
    """The teams, depots or experts you may send, ranked by travel time to the incident (fastest first). Teams and
    experts committed to another incident, off duty or unavailable are left out."""
    incident = selectors.get_incident_for(request.auth, incident_id)
    return services.rank_help(request.auth, incident, kind, limit=limit)


class LogIn(InputSchema):
    text: str = Field(min_length=1, max_length=5000)
    kind: Literal["note", "decision", "correction"] = "note"
    happened_at: datetime | None = Field(None, description="when it happened, if earlier than now")
    corrects: int | None = Field(None, ge=1, description="a correction names the seq of the entry it corrects")


class LogOut(Schema):
    seq: int
    at: datetime
    happened_at: datetime | None
    actor: str | None
    kind: str
    text: str
    corrects: int | None


def log_out(entry) -> dict:
    return {
        **{f: getattr(entry, f) for f in ("seq", "at", "happened_at", "kind", "text", "corrects")},
        "actor": entry.actor.username if entry.actor_id else None,
    }


@router.get("/incidents/{incident_id}/log", response={200: list[LogOut], **ERRORS})
def get_log(request, incident_id: UUID):
    incident = selectors.get_incident_for(request.auth, incident_id)
    return [log_out(e) for e in incident.log.select_related("actor").order_by("seq")]


@router.post("/incidents/{incident_id}/log", response={201: LogOut, **ERRORS})
def append_log(request, incident_id: UUID, payload: LogIn):
    """Add a line to the command log. The log is append-only: entries cannot be edited or deleted; send a
    `correction` naming the entry instead."""
    incident = selectors.get_incident_for(request.auth, incident_id)
    entry = services.log_append(request.auth, incident, **payload.dict())
    return 201, log_out(entry)


@router.api_operation(["PUT", "PATCH", "DELETE"], "/incidents/{incident_id}/log/{seq}", response={409: dict, **ERRORS})
def edit_log(request, incident_id: UUID, seq: int):
    """Always refused: the command log cannot be changed after the fact (409 `log_append_only`)."""
    selectors.get_incident_for(request.auth, incident_id)
    raise DomainError("log_append_only", status=409)


class DispatchIn(InputSchema):
    kind: Literal["team", "depot", "expert"]
    id: int = Field(ge=1, le=2**63 - 1, description="the team's, depot's or expert's id")
    task: str = Field("", max_length=500)


class DispatchOut(Schema):
    id: int
    kind: str
    helper: int
    name: str
    status: str = Field(description="ordered, en_route, on_site or released")
    task: str
    travel_minutes: float
    distance_km: float
    route: str
    ordered_at: datetime
    eta: datetime
    en_route_at: datetime | None
    on_site_at: datetime | None
    released_at: datetime | None


def dispatch_out(d) -> dict:
    return {
        **{f: getattr(d, f) for f in DispatchOut.model_fields if f not in ("helper", "name")},
        "helper": d.helper.pk,
        "name": d.helper.name,
    }


@router.get("/incidents/{incident_id}/dispatches", response={200: list[DispatchOut], **ERRORS})
def list_dispatches(request, incident_id: UUID):
    incident = selectors.get_incident_for(request.auth, incident_id)
    return [dispatch_out(d) for d in incident.dispatches.select_related("team", "depot", "expert")]


@router.post("/incidents/{incident_id}/dispatches", response={201: DispatchOut, **ERRORS})
def dispatch(request, incident_id: UUID, payload: DispatchIn):
    """Send a team, an expert or a depot's supplies; a team or an expert committed elsewhere is refused (409
    `help_committed`)."""
    incident = selectors.get_incident_for(request.auth, incident_id)
    d = services.dispatch_order(request.auth, incident, kind=payload.kind, helper_id=payload.id, task=payload.task)
    return 201, dispatch_out(d)


class DispatchStatusIn(InputSchema):
    status: Literal["en_route", "on_site", "released"]
    at: datetime | None = Field(None, description="when it happened, if earlier than now")


@router.post("/incidents/{incident_id}/dispatches/{dispatch_id}/status", response={200: DispatchOut, **ERRORS})
def dispatch_status(request, incident_id: UUID, dispatch_id: int, payload: DispatchStatusIn):
    incident = selectors.get_incident_for(request.auth, incident_id)
    d = selectors.get_dispatch_for(request.auth, incident, dispatch_id)
    return dispatch_out(services.dispatch_advance(request.auth, d, status=payload.status, at=payload.at))


class RequestIn(InputSchema):
    to_organisation: int = Field(ge=1, le=2**63 - 1, description="the bureau asked")
    items: str = Field(min_length=1, max_length=5000)


class RequestOut(Schema):
    id: int
    incident: UUID
    from_organisation: str
    to_organisation: str
    items: str
    status: str = Field(description="requested, accepted, declined or delivered")
    answer: str
    requested_at: datetime
    answered_at: datetime | None


def request_out(r) -> dict:
    return {
        "id": r.pk,
        "incident": r.incident_id,
        "from_organisation": r.from_organisation.name,
        "to_organisation": r.to_organisation.name,
        "items": r.items,
        "status": r.status,
        "answer": r.answer,
        "requested_at": r.requested_at,
        "answered_at": r.answered_at,
    }


@router.post("/incidents/{incident_id}/requests", response={201: RequestOut, **ERRORS})
def create_request(request, incident_id: UUID, payload: RequestIn):
    """Ask another bureau for teams or supplies."""
    incident = selectors.get_incident_for(request.auth, incident_id)
    r = services.request_create(request.auth, incident, to_organisation_id=payload.to_organisation, items=payload.items)
    return 201, request_out(r)


@router.get("/incidents/{incident_id}/requests", response={200: list[RequestOut], **ERRORS})
def incident_requests(request, incident_id: UUID):
    """The requests for help this incident made, and their answers."""
    incident = selectors.get_incident_for(request.auth, incident_id)
    return [request_out(r) for r in selectors.requests_visible_to(request.auth).filter(incident=incident)]


@router.get("/resource-requests", response=list[RequestOut])
@paginate(Page)
def list_requests(request, status: str = Query("", max_length=10)):
    """Requests your bureau made or was asked."""
    qs = selectors.requests_visible_to(request.auth)
    if status:
        qs = qs.filter(status=status)
    return Shaped(qs.order_by("-requested_at", "id"), request_out)


class AnswerIn(InputSchema):
    status: Literal[tuple(v for v in RequestStatus.values if v != "requested")]  # type: ignore[valid-type]
    answer: str = Field("", max_length=5000)


@router.post("/resource-requests/{request_id}/answer", response={200: RequestOut, **ERRORS})
def answer_request(request, request_id: int, payload: AnswerIn):
    r = selectors.get_request_for(request.auth, request_id)
    return request_out(services.request_answer(request.auth, r, **payload.dict()))


class ReportOut(Schema):
    id: int
    incident: UUID
    number: int
    body: str
    figures: dict
    to_division: str
    drafted_at: datetime
    sent_at: datetime | None


def report_out(r) -> dict:
    return {
        **{f: getattr(r, f) for f in ("id", "number", "body", "figures", "drafted_at", "sent_at")},
        "incident": r.incident_id,
        "to_division": r.to_division_id,
    }


@router.get("/incidents/{incident_id}/reports", response={200: list[ReportOut], **ERRORS})
def list_reports(request, incident_id: UUID):
    incident = selectors.get_incident_for(request.auth, incident_id)
    return [report_out(r) for r in incident.reports.all()]


@router.post("/incidents/{incident_id}/reports", response={201: ReportOut, **ERRORS})
def draft_report(request, incident_id: UUID):
    """Draft a situation report from the incident's figures, help and log, addressed to the next bureau up (on the
    accident's reporting chain when there is one)."""
    incident = selectors.get_incident_for(request.auth, incident_id)
    return 201, report_out(services.report_draft(request.auth, incident))


class ReportIn(InputSchema):
    body: str = Field(min_length=1, max_length=50000)


def _report(request, incident_id, report_id):
    incident = selectors.get_incident_for(request.auth, incident_id)
    return selectors._get(incident.reports.select_related("incident", "to_division"), report_id)


@router.put("/incidents/{incident_id}/reports/{report_id}", response={200: ReportOut, **ERRORS})
def edit_report(request, incident_id: UUID, report_id: int, payload: ReportIn):
    return report_out(services.report_edit(request.auth, _report(request, incident_id, report_id), body=payload.body))


@router.post("/incidents/{incident_id}/reports/{report_id}/send", response={200: ReportOut, **ERRORS})
def send_report(request, incident_id: UUID, report_id: int):
    return report_out(services.report_send(request.auth, _report(request, incident_id, report_id)))


@router.get("/incidents/{incident_id}/map.svg", response={200: None, **ERRORS})
def incident_map_svg(request, incident_id: UUID, kind: Literal["team", "depot", "expert"] = "team"):
    """The incident on a server-drawn SVG map with the nearest help and their routes."""
    from anjian.emergency.views import incident_svg

    incident = selectors.get_incident_for(request.auth, incident_id)
    return HttpResponse(incident_svg(request.auth, incident, kind), content_type="image/svg+xml")


# --- alerts ----------------------------------------------------------------------------------------------------------


class AlertIn(InputSchema):
    incident: UUID | None = None
    references: UUID | None = Field(None, description="the alert an Update or Cancel replaces")
    status: str = Field("Actual", max_length=10, description="CAP status: Actual, Exercise, System, Test, Draft")
    msg_type: str = Field("Alert", max_length=10, description="CAP msgType: Alert, Update, Cancel")
    scope: str = Field("Public", max_length=10, description="CAP scope: Public, Restricted, Private")
    restriction: str = Field("", max_length=300)
    addresses: str = Field("", max_length=1000)
    category: list[str] = Field(default_factory=list, max_length=12, description="CAP categories, e.g. Safety")
    event: str = Field("", max_length=200)
    response_type: list[str] = Field(default_factory=list, max_length=9)
    urgency: str = Field("", max_length=10)
    severity: str = Field("", max_length=10)
    certainty: str = Field("", max_length=10)
    headline: str = Field("", max_length=160)
    description: str = Field("", max_length=10000)
    instruction: str = Field("", max_length=10000)
    headline_bo: str = Field("", max_length=300)
    description_bo: str = Field("", max_length=10000)
    instruction_bo: str = Field("", max_length=10000)
    area_desc: str = Field("", max_length=300)
    circle: str = Field("", max_length=100, description='"lat,lon radius_km"')
    polygon: str = Field("", max_length=10000, description='"lat,lon lat,lon ..." closed')
    division_code: str = Field("", max_length=6)
    expires: datetime | None = None


class AlertOut(Schema):
    id: UUID
    incident: UUID | None
    references: UUID | None
    sent: datetime
    status: str
    msg_type: str
    scope: str
    category: list[str]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    area_desc: str
    expires: datetime | None
    cap_url: str


def alert_out(a) -> dict:
    return {
        **{
            f: getattr(a, f)
            for f in AlertOut.model_fields
            if f not in ("incident", "references", "category", "cap_url")
        },
        "incident": a.incident_id,
        "references": a.references_id,
        "category": a.category.split(),
        "cap_url": f"/api/v1/alerts/{a.pk}.cap",
    }


@router.get("/alerts", response=list[AlertOut])
@paginate(Page)
def list_alerts(request):
    return Shaped(selectors.alerts_visible_to(request.auth).order_by("-sent", "id"), alert_out)


@router.post("/alerts", response={201: AlertOut, **ERRORS})
def create_alert(request, payload: AlertIn):
    """Issue an alert. CAP 1.2's required elements are checked first (a missing one answers `cap_required` naming
    it), and the message is validated against the standard's schema before it is stored."""
    data = payload.dict(exclude={"incident", "references"})
    incident = selectors.get_incident_for(request.auth, payload.incident) if payload.incident else None
    alert = services.alert_create(request.auth, incident=incident, references=payload.references, **data)
    return 201, alert_out(alert)


@router.get("/alerts/{uuid:alert_id}.cap", response={200: None, **ERRORS})
def alert_cap(request, alert_id: UUID):
    """The alert as OASIS CAP 1.2 XML (namespace urn:oasis:names:tc:emergency:cap:1.2)."""
    alert = selectors.get_alert_for(request.auth, alert_id)
    response = HttpResponse(services.alert_xml(alert), content_type="application/cap+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{alert.pk}.cap.xml"'
    return response


@router.get("/alerts/{uuid:alert_id}", response={200: AlertOut, **ERRORS})
def get_alert(request, alert_id: UUID):
    return alert_out(selectors.get_alert_for(request.auth, alert_id))
