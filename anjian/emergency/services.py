"""Emergency services: every write of plans, registers, the duty roster, the road network, incidents, dispatches,
requests, situation reports and alerts. Each is checked, done in one transaction and audited."""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, FormErrors, NotFound
from anjian.core.models import Division, Organisation, OrganisationKind, Person
from anjian.core.scope import scope_for
from anjian.emergency import cap, network, routing, rules
from anjian.emergency import permissions as perms
from anjian.emergency.models import (
    Alert,
    Depot,
    DepotItem,
    Dispatch,
    DispatchStatus,
    Drill,
    DrillForm,
    DutyShift,
    EvaluationConclusion,
    Expert,
    FilingState,
    HelpKind,
    Incident,
    IncidentKind,
    IncidentStatus,
    Keeper,
    LogEntry,
    LogKind,
    Place,
    Plan,
    PlanEvaluation,
    PlanKind,
    Readiness,
    RequestStatus,
    RescueTeam,
    ResourceRequest,
    RoadNetwork,
    RoadSegment,
    SituationReport,
    TeamKind,
)


def _audit(actor, action, instance, *, before=None, division_code="", organisation_id=None, exclude=()):
    audit_record(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=snapshot(instance, exclude=exclude),
        division_code=division_code or getattr(instance, "division_code", ""),
        organisation_id=organisation_id or getattr(instance, "organisation_id", None),
        ip=current_ip(),
    )


FIELD_LABELS = {
    "published_on": gettext_lazy("published on"),
    "filed_on": gettext_lazy("filed on"),
    "checked_on": gettext_lazy("checked on"),
    "evaluated_on": gettext_lazy("evaluated on"),
    "held_on": gettext_lazy("held on"),
    "occurred_at": gettext_lazy("occurred at"),
    "happened_at": gettext_lazy("time of the event"),
    "at": gettext_lazy("time"),
    "members": gettext_lazy("members"),
    "deaths": gettext_lazy("deaths"),
    "missing": gettext_lazy("missing"),
    "injured": gettext_lazy("injured"),
    "trapped": gettext_lazy("trapped"),
}


def _label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


def _text(value, field: str, *, required=True, max_length=None) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise DomainError("required", field=field)
    return text[:max_length] if max_length else text


def _count(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError("count_invalid", field=field, name=_label(field)) from None
    if number < 0 or number > 1_000_000:
        raise DomainError("count_invalid", field=field, name=_label(field))
    return number


def _past_day(day, field: str) -> datetime.date:
    if not isinstance(day, datetime.date):
        raise DomainError("required", field=field)
    if day.year < 1950:
        raise DomainError("invalid", field=field)
    if day > timezone.localdate():
        raise DomainError("date_in_future", field=field, name=_label(field))
    return day


def _past_time(at, field: str) -> datetime.datetime:
    at = _aware(at, field)
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError("date_in_future", field=field, name=_label(field))
    return at


def _coordinates(lat, lon) -> tuple[float, float]:
    problem = rules.coordinates_problem(lat, lon)
    if problem:
        raise DomainError(problem, field="lat", lat=lat, lon=lon)
    return float(lat), float(lon)


# --- who may ---------------------------------------------------------------------------------------------------------


def _bureau_with(actor, perm: str, code: str) -> Organisation:
    organisation = actor.organisation
    if organisation is None or organisation.kind != OrganisationKind.BUREAU or not actor.has_perm(perm):
        raise DomainError("not_commander" if perm == perms.COMMAND_INCIDENTS else "not_emergency_manager", status=403)
    return organisation


def _manager(actor) -> Organisation:
    return _bureau_with(actor, perms.MANAGE_EMERGENCY, "")


def _commander(actor, incident: Incident | None = None) -> Organisation:
    organisation = _bureau_with(actor, perms.COMMAND_INCIDENTS, "")
    if incident is not None and not scope_for(actor).contains_division(incident.division_code):
        raise NotFound()
    return organisation


def helping(actor, incident: Incident) -> bool:
    """Whether the person's bureau accepted a request for help from this incident (and so sends its own teams)."""
    return (
        actor.has_perm(perms.COMMAND_INCIDENTS)
        and actor.organisation_id is not None
        and ResourceRequest.objects.filter(
            incident=incident,
            to_organisation_id=actor.organisation_id,
            status__in=(RequestStatus.ACCEPTED, RequestStatus.DELIVERED),
        ).exists()
    )


def _commander_or_helper(actor, incident: Incident) -> None:
    if (
        scope_for(actor).contains_division(incident.division_code)
        or not ResourceRequest.objects.filter(incident=incident, to_organisation_id=actor.organisation_id).exists()
    ):
        _commander(actor, incident)
    elif not helping(actor, incident):
        raise DomainError("help_not_asked", status=403)


def _open(incident: Incident) -> None:
    if incident.status != IncidentStatus.OPEN:
        raise DomainError("incident_closed", status=409)


# --- plans and drills ------------------------------------------------------------------------------------------------


def _may_keep_plan(actor, plan_org: Organisation, division_code: str) -> None:
    """The unit itself (a person of its own organisation, a production unit), or a bureau's manager over its division
    (a bureau's own plans: its managers)."""
    organisation = actor.organisation
    if organisation is not None and organisation.pk == plan_org.pk and organisation.kind == OrganisationKind.ENTERPRISE:
        return
    if actor.has_perm(perms.MANAGE_EMERGENCY) and scope_for(actor).contains_division(division_code):
        return
    raise DomainError("plan_not_yours", status=403)


def may_keep_plan(actor, plan: Plan) -> bool:
    try:
        _may_keep_plan(actor, plan.organisation, plan.division_code)
    except DomainError:
        return False
    return True


def plan_create(
    actor,
    *,
    kind: str,
    keeper: str,
    title: str,
    published_on: datetime.date,
    must_evaluate: bool = False,
    enterprise=None,
) -> Plan:
    if kind not in PlanKind.values:
        raise DomainError("plan_kind_unknown", field="kind")
    if keeper not in Keeper.values:
        raise DomainError("keeper_unknown", field="keeper")
    title = _text(title, "title", max_length=200)
    published_on = _past_day(published_on, "published_on")
    if enterprise is not None:
        # The unit's own people keep its plans; a bureau over it may enter them on its behalf.
        division_code = enterprise.division_id
        if enterprise.organisation_id is None or actor.organisation_id != enterprise.organisation_id:
            _may_keep_plan(actor, Organisation(pk=-1), division_code)
        organisation = enterprise.organisation or actor.organisation
    else:
        organisation = actor.organisation
        if organisation is None:
            raise DomainError("plan_not_yours", status=403)
        division_code = organisation.division_id
        _may_keep_plan(actor, organisation, division_code)
    with transaction.atomic():
        plan = Plan.objects.create(
            organisation=organisation,
            enterprise=enterprise,
            division_code=division_code,
            keeper=keeper,
            kind=kind,
            title=title,
            published_on=published_on,
            must_evaluate=bool(must_evaluate),
            created_by=actor,
        )
        _audit(actor, "create", plan)
    return plan


def _plan_locked(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_file(actor, plan: Plan, *, filed_on: datetime.date | None = None) -> Plan:
    """The unit files (备案) the plan with the bureau; a returned plan is filed again once mended."""
    plan = _plan_locked(plan)
    _may_keep_plan(actor, plan.organisation, plan.division_code)
    if plan.state not in (FilingState.NOT_FILED, FilingState.RETURNED):
        raise DomainError("plan_state", status=409, state=plan.get_state_display(), field="state")
    filed_on = _past_day(filed_on or timezone.localdate(), "filed_on")
    if filed_on < plan.published_on:
        raise DomainError("date_before_publishing", field="filed_on", name=_label("filed_on"))
    before = snapshot(plan)
    plan.state, plan.filed_on, plan.checked_on, plan.checked_by = FilingState.FILED, filed_on, None, None
    plan.save()
    _audit(actor, "update", plan, before=before)
    return plan


@transaction.atomic
def plan_check(actor, plan: Plan, *, accept: bool, reasons: str = "", checked_on=None) -> Plan:
    """The bureau accepts the filing (issuing the filing number) or returns it saying what is missing."""
    _manager(actor)
    plan = _plan_locked(plan)
    if not scope_for(actor).contains_division(plan.division_code):
        raise NotFound()
    if plan.enterprise_id is None and plan.organisation_id == actor.organisation_id:
        raise DomainError("plan_check_own", status=403)
    if plan.state != FilingState.FILED:
        raise DomainError("plan_state", status=409, state=plan.get_state_display(), field="state")
    checked_on = _past_day(checked_on or timezone.localdate(), "checked_on")
    if plan.filed_on and checked_on < plan.filed_on:
        raise DomainError("invalid", field="checked_on")
    reasons = (reasons or "").strip()
    before = snapshot(plan)
    plan.checked_on, plan.checked_by = checked_on, actor
    if accept:
        plan.state = FilingState.ACCEPTED
        plan.return_reasons = ""
        plan.filing_number = f"{plan.division_code}-{checked_on.year}-YA{plan.pk:05d}-v{plan.version}"
    else:
        if not reasons:
            raise DomainError("return_reasons_required", field="reasons")
        plan.state = FilingState.RETURNED
        plan.return_reasons = reasons
    plan.save()
    _audit(actor, "update", plan, before=before)
    return plan


@transaction.atomic
def plan_evaluate(actor, plan: Plan, *, evaluated_on, conclusion: str, notes: str = "") -> PlanEvaluation:
    plan = _plan_locked(plan)
    _may_keep_plan(actor, plan.organisation, plan.division_code)
    evaluated_on = _past_day(evaluated_on, "evaluated_on")
    if evaluated_on < plan.published_on:
        raise DomainError("date_before_publishing", field="evaluated_on", name=_label("evaluated_on"))
    if conclusion not in EvaluationConclusion.values:
        raise DomainError("invalid", field="conclusion")
    evaluation = PlanEvaluation.objects.create(
        plan=plan, evaluated_on=evaluated_on, conclusion=conclusion, notes=(notes or "").strip(), recorded_by=actor
    )
    before = snapshot(plan)
    plan.evaluated_on = max(filter(None, [plan.evaluated_on, evaluated_on]))
    plan.save(update_fields=["evaluated_on"])
    _audit(actor, "update", plan, before=before)
    return evaluation


@transaction.atomic
def plan_revise(actor, plan: Plan, *, published_on, title: str = "") -> Plan:
    """A revised plan: a new version, published anew, to be filed again."""
    plan = _plan_locked(plan)
    _may_keep_plan(actor, plan.organisation, plan.division_code)
    published_on = _past_day(published_on, "published_on")
    if published_on < plan.published_on:
        raise DomainError("date_before_publishing", field="published_on", name=_label("published_on"))
    before = snapshot(plan)
    plan.version += 1
    plan.published_on = published_on
    plan.title = _text(title, "title", required=False, max_length=200) or plan.title
    plan.state, plan.filed_on, plan.checked_on, plan.checked_by = FilingState.NOT_FILED, None, None, None
    plan.filing_number, plan.return_reasons = "", ""
    plan.evaluated_on = published_on
    plan.save()
    _audit(actor, "update", plan, before=before)
    return plan


def drill_record(
    actor, plan: Plan, *, held_on, form: str, participants, scenario: str, findings: str = "", improvements: str = ""
) -> Drill:
    _may_keep_plan(actor, plan.organisation, plan.division_code)
    held_on = _past_day(held_on, "held_on")
    if form not in DrillForm.values:
        raise DomainError("invalid", field="form")
    try:
        participants = int(participants)
    except (TypeError, ValueError):
        participants = 0
    if not 1 <= participants <= 1_000_000:
        raise DomainError("participants_invalid", field="participants")
    with transaction.atomic():
        drill = Drill.objects.create(
            plan=plan,
            held_on=held_on,
            form=form,
            participants=participants,
            scenario=_text(scenario, "scenario"),
            findings=(findings or "").strip(),
            improvements=(improvements or "").strip(),
            recorded_by=actor,
        )
        _audit(actor, "create", drill, division_code=plan.division_code, organisation_id=plan.organisation_id)
    return drill


# --- registers -------------------------------------------------------------------------------------------------------


def _place(code) -> Place | None:
    code = (code or "").strip() if isinstance(code, str) else code
    if not code:
        return None
    place = Place.objects.filter(code=code).first()
    if place is None:
        raise DomainError("segment_place_unknown", field="place", code=code)
    return place


def _located(actor, obj, data: dict) -> None:
    organisation = _manager(actor)
    division_code = (data.get("division_code") or obj.division_code or organisation.division_id or "").strip()
    if not Division.objects.filter(code=division_code).exists():
        raise DomainError("division_unknown", field="division_code", code=division_code)
    if not scope_for(actor).contains_division(division_code):
        raise DomainError("division_out_of_scope", field="division_code", code=division_code)
    obj.organisation = organisation if obj.pk is None else obj.organisation
    obj.division_code = division_code
    obj.name = _text(data.get("name", obj.name), "name", max_length=200)
    obj.lat, obj.lon = _coordinates(data.get("lat", obj.lat), data.get("lon", obj.lon))
    if "place" in data:
        obj.place = _place(data.get("place"))
    obj.contact_name = _text(data.get("contact_name", obj.contact_name), "contact_name", required=False)[:100]
    obj.phone = _text(data.get("phone", obj.phone), "phone", required=False)[:50]
    obj.updated_at = timezone.now()


def team_save(actor, data: dict, team: RescueTeam | None = None) -> RescueTeam:
    team = team or RescueTeam()
    before = snapshot(team) if team.pk else None
    _located(actor, team, data)
    team.kind = data.get("kind", team.kind)
    if team.kind not in TeamKind.values:
        raise DomainError("team_kind_unknown", field="kind")
    team.professional = bool(data.get("professional", team.professional))
    team.base = _text(data.get("base", team.base), "base", max_length=200)
    team.members = _count(data.get("members", team.members), "members")
    team.equipment = _text(data.get("equipment", team.equipment), "equipment", required=False)
    team.readiness = data.get("readiness", team.readiness) or Readiness.READY
    if team.readiness not in Readiness.values:
        raise DomainError("readiness_unknown", field="readiness")
    team.on_duty = bool(data.get("on_duty", team.on_duty))
    with transaction.atomic():
        team.save()
        _audit(actor, "update" if before else "create", team, before=before)
    return team


def depot_save(actor, data: dict, depot: Depot | None = None) -> Depot:
    depot = depot or Depot()
    before = snapshot(depot) if depot.pk else None
    _located(actor, depot, data)
    depot.address = _text(data.get("address", depot.address), "address", required=False)[:300]
    items = data.get("items")
    rows = []
    if items is not None:
        errors = []
        for i, item in enumerate(items):
            name = (item.get("item") or "").strip()
            try:
                quantity = Decimal(str(item.get("quantity")))
                bad = not quantity.is_finite() or quantity < 0 or quantity >= Decimal("1e10")
            except (InvalidOperation, ValueError):
                bad = True
            if not name:
                errors.append((f"items[{i}].item", "required", str(DomainError("required").message)))
            elif bad:
                errors.append((f"items[{i}].quantity", "quantity_invalid", DomainError("quantity_invalid").message))
            else:
                rows.append((name[:200], quantity, (item.get("unit") or "").strip()[:20]))
        if errors:
            raise FormErrors(errors)
    with transaction.atomic():
        depot.save()
        if items is not None:
            depot.items.all().delete()
            DepotItem.objects.bulk_create(DepotItem(depot=depot, item=n, quantity=q, unit=u) for n, q, u in rows)
        _audit(actor, "update" if before else "create", depot, before=before)
    return depot


def expert_save(actor, data: dict, expert: Expert | None = None) -> Expert:
    expert = expert or Expert()
    before = snapshot(expert) if expert.pk else None
    _located(actor, expert, data)
    fields = data.get("fields", expert.specialties)
    if isinstance(fields, list | tuple):
        fields = ", ".join(str(f).strip() for f in fields if str(f).strip())
    expert.specialties = _text(fields, "fields", max_length=300)
    expert.title = _text(data.get("title", expert.title), "title", required=False)[:100]
    expert.employer = _text(data.get("employer", expert.employer), "employer", required=False)[:200]
    expert.qualifications = _text(data.get("qualifications", expert.qualifications), "qualifications", required=False)
    expert.available = bool(data.get("available", expert.available))
    with transaction.atomic():
        expert.save()
        _audit(actor, "update" if before else "create", expert, before=before)
    return expert


# --- duty roster -----------------------------------------------------------------------------------------------------


def shift_create(actor, *, starts_at, ends_at, officer: Person, leader: Person | None = None) -> DutyShift:
    organisation = _manager(actor)
    starts_at, ends_at = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise DomainError("shift_times_invalid", field="ends_at")
    for person, field in ((officer, "officer"), (leader, "leader")):
        if person is not None and person.organisation_id != organisation.pk:
            raise DomainError("officer_unknown", field=field, username=person.get_username())
    with transaction.atomic():
        clash = DutyShift.objects.select_for_update().filter(
            organisation=organisation, officer=officer, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        if clash.exists():
            raise DomainError("shift_overlap", field="starts_at", status=409, name=officer.full_name)
        shift = DutyShift.objects.create(
            organisation=organisation,
            division_code=organisation.division_id,
            starts_at=starts_at,
            ends_at=ends_at,
            officer=officer,
            leader=leader,
        )
        _audit(actor, "create", shift)
    return shift


def _aware(value, field: str) -> datetime.datetime:
    """A time; one sent without an offset is read in the platform's zone (Asia/Shanghai), as a duty officer means it."""
    if not isinstance(value, datetime.datetime):
        raise DomainError("required", field=field)
    if not 1950 <= value.year <= 2100:  # a client's placeholder (0001-01-01, 9999-12-31) is not a time
        raise DomainError("invalid", field=field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def shift_hand_over(actor, shift: DutyShift, *, notes: str) -> DutyShift:
    shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
    if shift.officer_id != actor.pk:
        raise DomainError("shift_not_yours", status=403)
    if shift.handed_over_at is not None:
        raise DomainError("shift_handed_over", status=409)
    before = snapshot(shift)
    shift.handover_notes = _text(notes, "notes")
    shift.handed_over_at = timezone.now()
    shift.save()
    _audit(actor, "update", shift, before=before)
    return shift


@transaction.atomic
def shift_receive(actor, shift: DutyShift) -> DutyShift:
    """The next officer confirms having read the handover notes."""
    shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
    if actor.organisation_id != shift.organisation_id:
        raise NotFound()
    if shift.handed_over_at is None:
        raise DomainError("shift_not_handed_over", status=409)
    if shift.received_by_id is not None:
        raise DomainError("shift_already_received", status=409)
    if shift.officer_id == actor.pk:
        raise DomainError("shift_receive_own", status=409)
    before = snapshot(shift)
    shift.received_by, shift.received_at = actor, timezone.now()
    shift.save()
    _audit(actor, "update", shift, before=before)
    return shift


# --- road network ----------------------------------------------------------------------------------------------------

PLACE_COLUMNS = ("code", "name", "lat", "lon", "division_code")
SEGMENT_COLUMNS = ("from", "to", "length_km", "speed_kmh", "two_way", "closed_from", "closed_to", "name")


def _network_keeper(actor) -> None:
    _manager(actor)
    prefix = scope_for(actor).division_prefix
    if prefix is None or len(prefix) > 2:
        # The network is shared by every bureau of the province: only the provincial (or national) bureau keeps it.
        raise DomainError("not_emergency_manager", status=403)


def _closure(a: str, b: str):
    a, b = (a or "").strip(), (b or "").strip()
    if not a and not b:
        return "", ""
    try:
        for text in (a, b):
            month, day = text.split("-")
            datetime.date(2024, int(month), int(day))
    except ValueError:
        raise DomainError("segment_closure_invalid", field="closed_from") from None
    return a, b


def _rows(table: list[list[str]], columns: tuple[str, ...]) -> list[dict]:
    if not table:
        return []
    header = [h.strip().lower() for h in table[0]]
    return [
        {c: (row[header.index(c)].strip() if c in header and header.index(c) < len(row) else "") for c in columns}
        for row in table[1:]
        if any(cell.strip() for cell in row)
    ]


def _row_message(where: str, number: int, error: DomainError) -> str:
    table = _("Places") if where.startswith("places") else _("Road segments")
    return _("%(table)s, row %(row)s: %(message)s") % {"table": table, "row": number, "message": error.message}


def network_import(actor, places: list[list[str]], segments: list[list[str]], *, approximate: bool, source: str = ""):
    """Replace the province's road network (the national bureau's: the whole) with the places and segments of two
    tables (header first). Places carry their division (the keeper's by default), inside the keeper's province; the
    other provinces' places and roads are left as they are. Every row is checked first; one bad row and nothing is
    written, the errors named by table and row."""
    _network_keeper(actor)
    prefix = scope_for(actor).division_prefix or ""
    elsewhere = set(Place.objects.exclude(division_code__startswith=prefix).values_list("code", flat=True))
    errors: list[tuple[str, str, str]] = []
    place_rows, codes = [], {}
    for number, row in enumerate(_rows(places, PLACE_COLUMNS), start=2):
        where = f"places[{number}]"
        try:
            code = _text(row["code"], "code", max_length=40)
            if code in codes or code in elsewhere:
                raise DomainError("place_code_duplicate", field="code", code=code)
            division_code = (row["division_code"] or actor.organisation.division_id)[:6]
            if not division_code.startswith(prefix):
                raise DomainError("division_out_of_scope", field="division_code", code=division_code)
            lat, lon = _coordinates(row["lat"], row["lon"])
            codes[code] = len(place_rows)
            place_rows.append(
                Place(
                    code=code,
                    name=_text(row["name"], "name", max_length=200),
                    lat=lat,
                    lon=lon,
                    division_code=division_code,
                    approximate=approximate,
                )
            )
        except DomainError as error:
            errors.append((f"{where}.{error.field or ''}", error.code, _row_message(where, number, error)))
    segment_rows = []
    for number, row in enumerate(_rows(segments, SEGMENT_COLUMNS), start=2):
        where = f"segments[{number}]"
        try:
            for end in ("from", "to"):
                if row[end] not in codes:
                    raise DomainError("segment_place_unknown", field=end, code=row[end])
            if row["from"] == row["to"]:
                raise DomainError("segment_loop", field="to")
            problem = rules.segment_problem(row["length_km"], row["speed_kmh"])
            if problem:
                raise DomainError(problem, field="speed_kmh" if "speed" in problem else "length_km")
            closed_from, closed_to = _closure(row["closed_from"], row["closed_to"])
            segment_rows.append((row, closed_from, closed_to))
        except DomainError as error:
            errors.append((f"{where}.{error.field or ''}", error.code, _row_message(where, number, error)))
    if errors:
        raise FormErrors(errors[:200])
    with transaction.atomic():
        head = RoadNetwork.objects.select_for_update().get_or_create(pk=1)[0]
        mine = Place.objects.filter(division_code__startswith=prefix)
        RoadSegment.objects.filter(Q(from_place__in=mine) | Q(to_place__in=mine)).delete()
        # Places are kept by code (teams, depots, experts and incidents stay linked to a place whose code survives;
        # a place that is gone unlinks them, and they are snapped by their coordinates).
        fields = ("name", "lat", "lon", "division_code", "approximate")
        existing = {row[0]: row[1:] for row in mine.values_list("code", "pk", *fields)}
        mine.exclude(code__in=list(codes)).delete()
        changed = []
        for place in place_rows:
            known = existing.get(place.code)
            if known is not None:
                place.pk = known[0]
                if known[1:] != tuple(getattr(place, f) for f in fields):
                    changed.append(place)
        Place.objects.bulk_update(changed, fields, batch_size=2000)  # a re-import mostly changes nothing
        Place.objects.bulk_create([p for p in place_rows if not p.pk], batch_size=2000)
        ids = dict(Place.objects.values_list("code", "pk"))
        RoadSegment.objects.bulk_create(
            (
                RoadSegment(
                    from_place_id=ids[row["from"]],
                    to_place_id=ids[row["to"]],
                    name=row["name"][:100],
                    length_km=float(row["length_km"]),
                    speed_kmh=float(row["speed_kmh"]),
                    two_way=row["two_way"].strip().lower() not in ("0", "false", "no", "n", "否"),
                    closed_from=closed_from,
                    closed_to=closed_to,
                    approximate=approximate,
                )
                for row, closed_from, closed_to in segment_rows
            ),
            batch_size=5000,
        )
        head.version += 1
        head.approximate, head.source = approximate, (source or "")[:300]
        head.imported_at, head.imported_by = timezone.now(), actor
        head.save()
        audit_record(
            actor=actor,
            action="update",
            object_type="emergency.roadnetwork",
            object_id="1",
            object_repr="road network",
            after={"version": head.version, "places": len(place_rows), "segments": len(segment_rows)},
            ip=current_ip(),
        )
    network.forget()
    return head, len(place_rows), len(segment_rows)


# --- incidents -------------------------------------------------------------------------------------------------------


def _log(actor, incident: Incident, kind: str, text: str, *, happened_at=None, corrects=None) -> LogEntry:
    """Append to the incident's log under the incident's row lock (the caller's transaction)."""
    Incident.objects.filter(pk=incident.pk).update(log_count=F("log_count") + 1)
    seq = Incident.objects.filter(pk=incident.pk).values_list("log_count", flat=True).get()
    incident.log_count = seq
    return LogEntry.objects.create(
        incident=incident, seq=seq, actor=actor, kind=kind, text=text, happened_at=happened_at, corrects=corrects
    )


INCIDENT_FIELDS = ("title", "kind", "severity", "place", "lat", "lon", "occurred_at")


def incident_open(actor, *, id=None, accident=None, **data) -> tuple[Incident, bool]:
    """Open an incident by hand or from an accident report (its place, time, class and figures taken over).
    Retried with the same id, the same incident answers; a different one with that id is a conflict."""
    organisation = _commander(actor)
    incident_id = uuid.UUID(str(id)) if id else uuid.uuid4()
    if accident is not None:
        data = {
            "title": data.get("title") or f"{accident.unit_name} {accident.get_category_display()}",
            "kind": data.get("kind") or _kind_of(accident),
            "severity": accident.severity,
            "place": data.get("place") or accident.place or accident.division.name_zh,
            "lat": data.get("lat") if data.get("lat") is not None else accident.lat or accident.division.lat,
            "lon": data.get("lon") if data.get("lon") is not None else accident.lon or accident.division.lon,
            "occurred_at": accident.occurred_at,
            "division_code": accident.division_id,
            "deaths": accident.deaths,
            "missing": accident.missing,
            "injured": accident.serious_injuries + accident.minor_injuries,
            "trapped": data.get("trapped", 0),
        }
    existing = Incident.objects.filter(pk=incident_id).first()
    if existing is not None:
        if not scope_for(actor).contains_division(existing.division_code) or not _same_incident(
            existing, accident, data
        ):
            raise DomainError("incident_conflict", status=409)
        return existing, False
    if accident is not None and Incident.objects.filter(accident=accident).exists():
        raise DomainError("incident_exists", status=409, field="accident")
    title = _text(data.get("title"), "title", max_length=200)
    kind = data.get("kind")
    if kind not in IncidentKind.values:
        raise DomainError("incident_kind_unknown", field="kind")
    severity = data.get("severity") or ""
    if severity and severity not in ("general", "larger", "major", "especially_major"):
        raise DomainError("severity_unknown", field="severity")
    lat, lon = _coordinates(data.get("lat"), data.get("lon"))
    occurred_at = _past_time(data.get("occurred_at"), "occurred_at")
    division_code = (data.get("division_code") or organisation.division_id).strip()
    if not Division.objects.filter(code=division_code).exists():
        raise DomainError("division_unknown", field="division_code", code=division_code)
    if not scope_for(actor).contains_division(division_code):
        raise DomainError("division_out_of_scope", field="division_code", code=division_code)
    figures = {f: _count(data.get(f) or 0, f) for f in ("deaths", "missing", "injured", "trapped")}
    road_place = _place(data.get("road_place")) if data.get("road_place") else None
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                id=incident_id,
                accident=accident,
                organisation=organisation,
                division_code=division_code,
                title=title,
                kind=kind,
                severity=severity,
                place=_text(data.get("place"), "place", max_length=300),
                road_place=road_place,
                lat=lat,
                lon=lon,
                occurred_at=occurred_at,
                opened_by=actor,
                **figures,
            )
            _log(actor, incident, LogKind.STATUS, _("Incident opened by %(name)s.") % {"name": actor.full_name})
            _audit(actor, "create", incident)
    except IntegrityError:
        # Two retries raced: the first one won.
        existing = Incident.objects.filter(pk=incident_id).first()
        if existing is None:
            raise DomainError("incident_exists", status=409, field="accident") from None
        return existing, False
    return incident, True


def _same_incident(existing: Incident, accident, data: dict) -> bool:
    """Whether a retry carries what the first sending did (only what was sent is compared)."""
    if existing.accident_id != getattr(accident, "pk", None):
        return False
    if accident is not None:
        return True
    for field in ("title", "kind", "place"):
        if data.get(field) not in (None, "") and str(data[field]).strip() != getattr(existing, field):
            return False
    for field in ("lat", "lon"):
        try:
            if data.get(field) is not None and abs(float(data[field]) - getattr(existing, field)) > 1e-6:
                return False
        except (TypeError, ValueError):
            return False
    return True


def _kind_of(accident) -> str:
    industry, sector = accident.industry, accident.sector
    if industry in ("coal_mine", "metal_nonmetal_mine"):
        return IncidentKind.MINE
    if industry == "hazardous_chemicals":
        return IncidentKind.HAZCHEM
    if industry == "construction":
        return IncidentKind.CONSTRUCTION
    if sector == "road_traffic":
        return IncidentKind.TRAFFIC
    if sector == "fire":
        return IncidentKind.FIRE
    return IncidentKind.OTHER


def _locked_incident(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def log_append(actor, incident: Incident, *, text: str, kind: str = LogKind.NOTE, happened_at=None, corrects=None):
    """A line of the command log: what was decided or learned, by whom, when. Entries are never changed; a
    correction is a new entry naming the one it corrects."""
    _commander(actor, incident)
    text = _text(text, "text", max_length=5000)
    if kind not in (LogKind.NOTE, LogKind.DECISION, LogKind.CORRECTION):
        raise DomainError("invalid", field="kind")
    if happened_at is not None:
        happened_at = _past_time(happened_at, "happened_at")
    with transaction.atomic():
        incident = _locked_incident(incident)
        _open(incident)
        if kind == LogKind.CORRECTION or corrects is not None:
            kind = LogKind.CORRECTION
            if corrects is None or not incident.log.filter(seq=corrects).exists():
                raise DomainError("log_corrects_unknown", field="corrects", seq=corrects)
        return _log(actor, incident, kind, text, happened_at=happened_at, corrects=corrects)


def incident_figures(actor, incident: Incident, **figures) -> Incident:
    _commander(actor, incident)
    clean = {f: _count(figures[f], f) for f in ("deaths", "missing", "injured", "trapped") if f in figures}
    with transaction.atomic():
        incident = _locked_incident(incident)
        _open(incident)
        before = snapshot(incident)
        changed = [f for f, v in clean.items() if getattr(incident, f) != v]
        for f in changed:
            setattr(incident, f, clean[f])
        if changed:
            incident.save(update_fields=changed)
            _log(
                actor,
                incident,
                LogKind.STATUS,
                _("Figures now: %(deaths)s dead, %(missing)s missing, %(injured)s injured, %(trapped)s trapped.")
                % {f: getattr(incident, f) for f in ("deaths", "missing", "injured", "trapped")},
            )
            _audit(actor, "update", incident, before=before)
    return incident


def incident_close(actor, incident: Incident, *, review: str, lessons: str = "") -> Incident:
    """Close with the after-action review, once every team and expert sent has been released."""
    _commander(actor, incident)
    review = (review or "").strip()
    if not review:
        raise DomainError("review_required", field="review")
    with transaction.atomic():
        incident = _locked_incident(incident)
        _open(incident)
        active = incident.dispatches.exclude(status=DispatchStatus.RELEASED).exclude(kind=HelpKind.DEPOT).count()
        if active:
            raise DomainError("dispatches_active", status=409, count=active)
        before = snapshot(incident)
        incident.status, incident.closed_at, incident.closed_by = IncidentStatus.CLOSED, timezone.now(), actor
        incident.review, incident.lessons = review, (lessons or "").strip()
        incident.save()
        _log(actor, incident, LogKind.STATUS, _("Incident closed with its after-action review."))
        _audit(actor, "update", incident, before=before)
    return incident


# --- help: ranking and dispatch --------------------------------------------------------------------------------------


def origin_of(incident: Incident) -> routing.Point:
    return routing.Point(incident.lat, incident.lon, incident.road_place_id)


def candidates_of(qs) -> list[routing.Candidate]:
    return [
        routing.Candidate(pk, lat, lon, place) for pk, lat, lon, place in qs.values_list("pk", "lat", "lon", "place")
    ]


def rank_help(actor, incident: Incident, kind: str, *, limit: int | None = 20, include_busy=False) -> list[dict]:
    """The teams, depots or experts the person sees, ranked by travel time to the incident. Teams and experts
    already committed to an incident (this one's are in its dispatches), off duty or unavailable are left out unless
    `include_busy` (then `committed_to` names the incident that holds them)."""
    from anjian.emergency.selectors import HELP_QUERIES

    if kind not in HELP_QUERIES:
        raise DomainError("help_kind_unknown", field="kind")
    qs = HELP_QUERIES[kind](actor)
    busy: dict = {}
    if kind in ("team", "expert"):
        active = Dispatch.objects.exclude(status=DispatchStatus.RELEASED).filter(**{f"{kind}__isnull": False})
        if include_busy:
            busy = dict(active.values_list(kind, "incident_id"))
        else:
            qs = qs.exclude(pk__in=active.values(kind))
            qs = (
                qs.filter(on_duty=True).exclude(readiness=Readiness.UNAVAILABLE)
                if kind == "team"
                else qs.filter(available=True)
            )
    ranked = network.rank(origin_of(incident), candidates_of(qs), limit=limit)
    objects = qs.model.objects.in_bulk([r.key for r in ranked])
    rows = []
    for r in ranked:
        obj = objects[r.key]
        rows.append(
            {
                "id": obj.pk,
                "name": obj.name,
                "kind": kind,
                "travel_minutes": round(r.travel_minutes, 1),
                "distance_km": round(r.distance_km, 1),
                "route": r.route,
                "approximate": r.approximate,
                "eta": timezone.now() + datetime.timedelta(minutes=r.travel_minutes),
                "path": list(r.path),
                "object": obj,
                "committed_to": busy.get(obj.pk),
                "lat": obj.lat,
                "lon": obj.lon,
            }
        )
    return rows


def dispatch_order(actor, incident: Incident, *, kind: str, helper_id, task: str = "") -> Dispatch:
    """Send a team, an expert or a depot's supplies. A team or an expert already committed to another incident
    (or this one) is refused, checked under the helper's row lock and again by the database's partial unique
    index; the travel time at the moment of the order sets the ETA. A bureau that accepted the incident's request
    for help sends its own teams the same way."""
    from anjian.emergency.selectors import HELP_QUERIES

    _commander_or_helper(actor, incident)
    if kind not in HELP_QUERIES:
        raise DomainError("help_kind_unknown", field="kind")
    qs = HELP_QUERIES[kind](actor)
    try:
        helper_pk = int(helper_id)
    except (TypeError, ValueError):
        raise DomainError("not_found", field="id", status=404) from None
    with transaction.atomic():
        incident = _locked_incident(incident)
        _open(incident)
        helper = qs.select_for_update(of=("self",)).filter(pk=helper_pk).first()
        if helper is None:
            raise DomainError("not_found", field="id", status=404)
        if kind in ("team", "expert"):
            committed = (
                Dispatch.objects.exclude(status=DispatchStatus.RELEASED)
                .filter(**{kind: helper})
                .select_related("incident")
                .first()
            )
            if committed is not None:
                from anjian.emergency.selectors import incidents_visible_to

                shown = incidents_visible_to(actor).filter(pk=committed.incident_id).exists()
                raise DomainError(
                    "help_committed",
                    field="id",
                    status=409,
                    name=helper.name,
                    incident=committed.incident.title if shown else _("of another bureau"),
                )
            unavailable = (
                not helper.on_duty or helper.readiness == Readiness.UNAVAILABLE
                if kind == "team"
                else not helper.available
            )
            if unavailable:
                raise DomainError("help_unavailable", field="id", status=409, name=helper.name)
        [ranked] = network.rank(
            origin_of(incident), [routing.Candidate(helper.pk, helper.lat, helper.lon, helper.place_id)]
        )
        now = timezone.now()
        try:
            with transaction.atomic():
                dispatch = Dispatch.objects.create(
                    incident=incident,
                    kind=kind,
                    **{kind: helper},
                    task=(task or "").strip()[:500],
                    travel_minutes=round(ranked.travel_minutes, 1),
                    distance_km=round(ranked.distance_km, 1),
                    route=ranked.route,
                    ordered_at=now,
                    eta=now + datetime.timedelta(minutes=ranked.travel_minutes),
                    ordered_by=actor,
                )
        except IntegrityError:
            raise DomainError("help_committed", field="id", status=409, name=helper.name, incident="") from None
        _log(
            actor,
            incident,
            LogKind.DISPATCH,
            _("%(name)s dispatched: %(minutes)s min by %(route)s, %(km)s km. %(task)s")
            % {
                "name": helper.name,
                "minutes": round(ranked.travel_minutes),
                "route": pgettext("route", "road") if ranked.route == "road" else _("great circle (no road link)"),
                "km": round(ranked.distance_km, 1),
                "task": dispatch.task,
            },
        )
        _audit(
            actor, "create", dispatch, division_code=incident.division_code, organisation_id=incident.organisation_id
        )
    return dispatch


DISPATCH_ORDER = [DispatchStatus.ORDERED, DispatchStatus.EN_ROUTE, DispatchStatus.ON_SITE, DispatchStatus.RELEASED]
DISPATCH_TIME = {
    DispatchStatus.EN_ROUTE: "en_route_at",
    DispatchStatus.ON_SITE: "on_site_at",
    DispatchStatus.RELEASED: "released_at",
}


def dispatch_advance(actor, dispatch: Dispatch, *, status: str, at=None) -> Dispatch:
    """Ordered → en route → on site → released, each with its time (now, or the time reported); a step may be
    skipped forward (a team that reports only its arrival), never back; release is possible from any state."""
    incident = dispatch.incident
    if not (helping(actor, incident) and dispatch.ordered_by.organisation_id == actor.organisation_id):
        _commander(actor, incident)
    if status not in DISPATCH_TIME:
        raise DomainError("invalid", field="status")
    at = _past_time(at, "at") if at is not None else timezone.now()
    with transaction.atomic():
        _open(_locked_incident(incident))
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if DISPATCH_ORDER.index(status) <= DISPATCH_ORDER.index(dispatch.status):
            raise DomainError("dispatch_status", field="status", status=409, state=dispatch.get_status_display())
        previous = max(t for t in (dispatch.ordered_at, dispatch.en_route_at, dispatch.on_site_at) if t)
        if at < previous:
            tz = timezone.get_current_timezone()
            raise DomainError(
                "dispatch_time_order", field="at", previous=previous.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            )
        before = snapshot(dispatch)
        dispatch.status = status
        setattr(dispatch, DISPATCH_TIME[status], at)
        dispatch.save()
        label = dict(DispatchStatus.choices)[status]
        _log(actor, incident, LogKind.DISPATCH, f"{dispatch.helper.name}: {label}", happened_at=at)
        _audit(
            actor,
            "update",
            dispatch,
            before=before,
            division_code=incident.division_code,
            organisation_id=incident.organisation_id,
        )
    return dispatch


# --- resource requests between bureaus -------------------------------------------------------------------------------


def request_create(actor, incident: Incident, *, to_organisation_id, items: str) -> ResourceRequest:
    organisation = _commander(actor, incident)
    items = _text(items, "items", max_length=5000)
    try:
        target_id = int(to_organisation_id)
    except (TypeError, ValueError):
        target_id = None
    target = (
        Organisation.objects.filter(pk=target_id, kind=OrganisationKind.BUREAU, is_active=True).first()
        if target_id and 0 < target_id < 2**63
        else None
    )
    if target is None:
        raise DomainError("request_target_unknown", field="to_organisation", id=to_organisation_id)
    if target.pk == organisation.pk:
        raise DomainError("request_to_self", field="to_organisation")
    with transaction.atomic():
        incident = _locked_incident(incident)
        _open(incident)
        request = ResourceRequest.objects.create(
            incident=incident, from_organisation=organisation, to_organisation=target, items=items, requested_by=actor
        )
        _log(
            actor,
            incident,
            LogKind.REQUEST,
            _("Asked %(bureau)s for: %(items)s") % {"bureau": target.name, "items": items},
        )
        _audit(actor, "create", request, division_code=incident.division_code, organisation_id=organisation.pk)
    return request


REQUEST_STEPS = {
    RequestStatus.REQUESTED: (RequestStatus.ACCEPTED, RequestStatus.DECLINED),
    RequestStatus.ACCEPTED: (RequestStatus.DELIVERED,),
}


def request_answer(actor, request: ResourceRequest, *, status: str, answer: str = "") -> ResourceRequest:
    """The bureau asked accepts or declines, then reports delivery; each answer goes into the incident's log."""
    _bureau_with(actor, perms.COMMAND_INCIDENTS, "")
    if actor.organisation_id != request.to_organisation_id:
        raise DomainError("request_not_yours", status=403)
    with transaction.atomic():
        incident = _locked_incident(request.incident)
        _open(incident)
        request = ResourceRequest.objects.select_for_update().get(pk=request.pk)
        if status not in REQUEST_STEPS.get(request.status, ()):
            raise DomainError(
                "request_status",
                field="status",
                status=409,
                state=request.get_status_display(),
                to=dict(RequestStatus.choices).get(status, status),
            )
        if status == RequestStatus.DECLINED and not (answer or "").strip():
            raise DomainError("required", field="answer")
        before = snapshot(request)
        request.status, request.answer = status, (answer or "").strip()
        request.answered_by, request.answered_at = actor, timezone.now()
        request.save()
        _log(
            actor,
            incident,
            LogKind.REQUEST,
            f"{request.to_organisation.name}: {request.get_status_display()}. {request.answer}".strip(),
        )
        _audit(
            actor,
            "update",
            request,
            before=before,
            division_code=incident.division_code,
            organisation_id=request.to_organisation_id,
        )
    return request


# --- situation reports -----------------------------------------------------------------------------------------------


def report_recipient(incident: Incident) -> Division | None:
    """The next bureau up: on the accident's reporting chain when there is one (the step after the commanding
    bureau's), otherwise the commanding bureau's parent division."""
    here = incident.organisation.division_id
    if incident.accident_id:
        steps = list(incident.accident.steps.filter(order__lt=100).order_by("order").values_list("division", flat=True))
        if here in steps and steps.index(here) + 1 < len(steps):
            return Division.objects.get(pk=steps[steps.index(here) + 1])
    division = Division.objects.filter(pk=here).select_related("parent").first()
    return division.parent if division is not None else None


def report_draft_text(incident: Incident) -> tuple[str, dict]:
    """A report drafted from the figures, the help sent and the log, for the duty officer to edit."""
    tz = timezone.get_current_timezone()
    figures = {f: getattr(incident, f) for f in ("deaths", "missing", "injured", "trapped")}
    dispatches = list(incident.dispatches.select_related("team", "depot", "expert"))
    figures["dispatched"] = len(dispatches)
    figures["on_site"] = sum(1 for d in dispatches if d.status == DispatchStatus.ON_SITE)
    lines = [
        _("%(title)s, %(place)s, at %(time)s.")
        % {
            "title": incident.title,
            "place": incident.place,
            "time": incident.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        },
        _("Casualties so far: %(deaths)s dead, %(missing)s missing, %(injured)s injured, %(trapped)s trapped.")
        % figures,
        _("Help sent: %(dispatched)s, of which %(on_site)s on site.") % figures,
    ]
    for d in dispatches:
        lines.append(f"- {d.helper.name}: {d.get_status_display()} ({d.travel_minutes:.0f} min)")
    lines.append(_("Log:"))
    for entry in incident.log.order_by("-seq")[:15][::-1]:
        lines.append(f"{entry.at.astimezone(tz):%m-%d %H:%M} {entry.text}")
    return "\n".join(lines), figures


def report_draft(actor, incident: Incident) -> SituationReport:
    _commander(actor, incident)
    recipient = report_recipient(incident)
    if recipient is None:
        raise DomainError("no_recipient", status=409)
    body, figures = report_draft_text(incident)
    with transaction.atomic():
        incident = _locked_incident(incident)
        number = (incident.reports.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        report = SituationReport.objects.create(
            incident=incident, number=number, body=body, figures=figures, to_division=recipient, drafted_by=actor
        )
        _audit(actor, "create", report, division_code=incident.division_code, organisation_id=incident.organisation_id)
    return report


def report_edit(actor, report: SituationReport, *, body: str) -> SituationReport:
    _commander(actor, report.incident)
    with transaction.atomic():
        report = SituationReport.objects.select_for_update().get(pk=report.pk)
        if report.sent_at is not None:
            raise DomainError("report_sent", status=409)
        body = (body or "").strip()
        if not body:
            raise DomainError("report_empty", field="body")
        before = snapshot(report)
        report.body = body
        report.save(update_fields=["body"])
        _audit(
            actor,
            "update",
            report,
            before=before,
            division_code=report.incident.division_code,
            organisation_id=report.incident.organisation_id,
        )
    return report


def report_send(actor, report: SituationReport) -> SituationReport:
    _commander(actor, report.incident)
    with transaction.atomic():
        incident = _locked_incident(report.incident)
        report = SituationReport.objects.select_for_update().get(pk=report.pk)
        if report.sent_at is not None:
            raise DomainError("report_sent", status=409)
        before = snapshot(report)
        report.sent_at, report.sent_by = timezone.now(), actor
        report.save(update_fields=["sent_at", "sent_by"])
        _log(
            actor,
            incident,
            LogKind.REPORT,
            _("Situation report no. %(number)s sent to %(to)s.")
            % {"number": report.number, "to": report.to_division.name_zh},
        )
        _audit(
            actor,
            "update",
            report,
            before=before,
            division_code=incident.division_code,
            organisation_id=incident.organisation_id,
        )
    return report


# --- alerts (CAP 1.2) ------------------------------------------------------------------------------------------------


def alert_to_cap(alert: Alert) -> cap.CapAlert:
    """The CAP 1.2 message of an alert: one info block in Chinese, and one in Tibetan where the text is given."""
    from django.conf import settings

    sender = getattr(settings, "EMERGENCY_CAP_SENDER", "anjian@localhost")
    area = cap.CapArea(
        area_desc=alert.area_desc,
        polygons=(alert.polygon,) if alert.polygon else (),
        circles=(alert.circle,) if alert.circle else (),
        geocodes=(("GB/T 2260", alert.division_code),),
    )
    common = {
        "category": tuple(alert.category.split()),
        "event": alert.event,
        "urgency": alert.urgency,
        "severity": alert.severity,
        "certainty": alert.certainty,
        "response_type": tuple(alert.response_type.split()),
        "sender_name": alert.organisation.name_zh if alert.organisation_id else "",
        "expires": alert.expires,
        "areas": (area,),
    }
    infos = [
        cap.CapInfo(
            language="zh-CN",
            headline=alert.headline,
            description=alert.description,
            instruction=alert.instruction,
            **common,
        )
    ]
    if alert.headline_bo or alert.description_bo:
        infos.append(
            cap.CapInfo(
                language="bo",
                headline=alert.headline_bo,
                description=alert.description_bo,
                instruction=alert.instruction_bo,
                **common,
            )
        )
    references = ()
    if alert.references_id:
        ref = alert.references
        references = ((sender, str(ref.pk), ref.sent),)
    return cap.CapAlert(
        identifier=str(alert.pk),
        sender=sender,
        sent=alert.sent,
        status=alert.status,
        msg_type=alert.msg_type,
        scope=alert.scope,
        restriction=alert.restriction,
        addresses=alert.addresses,
        references=references,
        incidents=str(alert.incident_id) if alert.incident_id else "",
        infos=tuple(infos),
    )


ALERT_FIELDS = (
    "status",
    "msg_type",
    "scope",
    "restriction",
    "addresses",
    "event",
    "urgency",
    "severity",
    "certainty",
    "headline",
    "description",
    "instruction",
    "headline_bo",
    "description_bo",
    "instruction_bo",
    "area_desc",
    "circle",
    "polygon",
)


def _cap_field(path: str) -> str:
    """A CAP problem's field path, in the API's names (infos[0].areas[0].area_desc → area_desc)."""
    last = path.split(".")[-1].split("[")[0]
    return {"category": "category", "response_type": "response_type", "circles": "circle", "polygons": "polygon"}.get(
        last, last
    )


def alert_create(actor, *, incident: Incident | None = None, references=None, **data) -> Alert:
    """Issue an alert: checked against CAP 1.2's rules first (a missing required element refused, naming it), then
    its XML validated against the standard's schema before anything is stored."""
    organisation = _commander(actor, incident)
    alert = Alert(
        id=uuid.uuid4(),
        incident=incident,
        organisation=organisation,
        division_code=(
            data.get("division_code") or (incident.division_code if incident else "") or organisation.division_id
        ),
        created_by=actor,
        sent=timezone.now().replace(microsecond=0),
    )
    if not scope_for(actor).contains_division(alert.division_code):
        raise DomainError("division_out_of_scope", field="division_code", code=alert.division_code)
    for field in ALERT_FIELDS:
        value = data.get(field)
        setattr(alert, field, (value or "").strip() if isinstance(value, str) else (value or ""))
    for field, default in (("status", "Actual"), ("msg_type", "Alert"), ("scope", "Public")):
        setattr(alert, field, getattr(alert, field) or default)
    category = data.get("category") or ""
    alert.category = " ".join(category) if isinstance(category, list | tuple) else str(category).strip()
    response_type = data.get("response_type") or ""
    alert.response_type = (
        " ".join(response_type) if isinstance(response_type, list | tuple) else str(response_type).strip()
    )
    alert.expires = _aware(data["expires"], "expires") if data.get("expires") else None
    if references:
        ref = Alert.objects.filter(pk=references, organisation=organisation).first()
        if ref is None:
            raise DomainError("alert_references_unknown", field="references")
        alert.references = ref
    problems = cap.problems(alert_to_cap(alert))
    if problems:
        raise FormErrors(
            [
                (_cap_field(path), code, DomainError(code, field=path, name=_cap_field(path)).message)
                for path, code in problems
            ]
        )
    xml = cap.render(alert_to_cap(alert))
    invalid = cap.validate(xml)
    if invalid:  # the checks above should have caught it: refuse rather than store an invalid message
        raise DomainError("cap_value_invalid", field="alert", name=invalid[0][:200])
    with transaction.atomic():
        alert.save(force_insert=True)
        if incident is not None:
            locked = _locked_incident(incident)
            _log(actor, locked, LogKind.ALERT, _("Alert issued: %(headline)s") % {"headline": alert.headline})
        _audit(actor, "create", alert)
    return alert


def alert_xml(alert: Alert) -> bytes:
    return cap.render(alert_to_cap(alert))
