"""Reads of emergency rescue command, always scoped: a bureau sees the plans, registers, incidents and alerts of its
division and below; a unit sees its own plans; a bureau asked for help sees the incident that asked it."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from anjian.core.calendar import add_working_days, working_day_adder
from anjian.core.errors import DomainError, NotFound
from anjian.core.scope import scope_for
from anjian.emergency import rules
from anjian.emergency.models import (
    Alert,
    Depot,
    Dispatch,
    DispatchStatus,
    DutyShift,
    Expert,
    FilingState,
    Incident,
    Plan,
    PlanKind,
    RescueTeam,
    ResourceRequest,
)


def _scoped(person, qs: QuerySet) -> QuerySet:
    return scope_for(person).filter(qs, division="division_code", organisation="organisation_id")


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        raise NotFound() from None


def plans_visible_to(person) -> QuerySet[Plan]:
    scope = scope_for(person)
    qs = Plan.objects.select_related("enterprise", "organisation")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        return qs.filter(division_code__startswith=scope.division_prefix)
    return qs.filter(Q(organisation_id=scope.organisation_id) | Q(enterprise__organisation_id=scope.organisation_id))


def get_plan_for(person, plan_id) -> Plan:
    return _get(plans_visible_to(person), plan_id)


def teams_visible_to(person) -> QuerySet[RescueTeam]:
    return _scoped(person, RescueTeam.objects.select_related("place"))


def depots_visible_to(person) -> QuerySet[Depot]:
    return _scoped(person, Depot.objects.select_related("place").prefetch_related("items"))


def experts_visible_to(person) -> QuerySet[Expert]:
    return _scoped(person, Expert.objects.select_related("place"))


HELP_QUERIES = {"team": teams_visible_to, "depot": depots_visible_to, "expert": experts_visible_to}


def shifts_visible_to(person) -> QuerySet[DutyShift]:
    return _scoped(person, DutyShift.objects.select_related("officer", "leader", "received_by"))


def on_duty_now(person, now) -> DutyShift | None:
    return (
        shifts_visible_to(person)
        .filter(organisation_id=person.organisation_id, starts_at__lte=now, ends_at__gt=now)
        .first()
    )


def incidents_visible_to(person) -> QuerySet[Incident]:
    scope = scope_for(person)
    qs = Incident.objects.select_related("organisation", "accident", "opened_by")
    if scope.is_empty:
        return qs.none()
    if scope.is_everything:
        return qs
    mine = scope.q(division="division_code", organisation="organisation_id")
    asked = Incident.objects.filter(requests__to_organisation_id=person.organisation_id).values("pk")
    return qs.filter(mine | Q(pk__in=asked))


def get_incident_for(person, incident_id) -> Incident:
    try:
        incident_id = uuid.UUID(str(incident_id))
    except ValueError:
        raise NotFound() from None
    return _get(incidents_visible_to(person), incident_id)


def commanded_by(person, incident: Incident) -> bool:
    """Whether the person's bureau commands the incident (its division is in scope), not only helps."""
    return scope_for(person).contains_division(incident.division_code)


def requests_visible_to(person) -> QuerySet[ResourceRequest]:
    return ResourceRequest.objects.select_related("incident", "from_organisation", "to_organisation").filter(
        Q(incident__in=incidents_visible_to(person)) | Q(to_organisation_id=person.organisation_id)
    )


def get_request_for(person, request_id) -> ResourceRequest:
    return _get(requests_visible_to(person), request_id)


def get_dispatch_for(person, incident: Incident, dispatch_id) -> Dispatch:
    return _get(incident.dispatches.select_related("team", "depot", "expert"), dispatch_id)


def active_dispatches(qs: QuerySet[Dispatch]) -> QuerySet[Dispatch]:
    return qs.exclude(status=DispatchStatus.RELEASED)


def alerts_visible_to(person) -> QuerySet[Alert]:
    return _scoped(person, Alert.objects.select_related("incident", "references"))


def get_alert_for(person, alert_id) -> Alert:
    try:
        alert_id = uuid.UUID(str(alert_id))
    except ValueError:
        raise NotFound() from None
    return _get(alerts_visible_to(person), alert_id)


# --- plan compliance -------------------------------------------------------------------------------------------------


def _working_day_row(plan, duty: str, rule, start: datetime.date, add, today: datetime.date) -> dict:
    """A deadline in working days; where the statutory calendar of a year it reaches is not loaded yet it is not
    guessed: `due` is None and `calendar_missing` names the year (an administrator loads it at /calendar/)."""
    try:
        due = rule(start, add)
    except DomainError as error:
        if error.code != "calendar_year_missing":
            raise
        return {"plan": plan, "duty": duty, "due": None, "overdue_days": 0, "calendar_missing": error.params["year"]}
    return {"plan": plan, "duty": duty, "due": due, "overdue_days": rules.overdue_days(due, today)}


def unit_of(plan: Plan) -> tuple:
    """Whose drills count together: the production unit's (a bureau may keep plans for many units), or the keeping
    body's own when the plan is not a unit's."""
    return ("enterprise", plan.enterprise_id) if plan.enterprise_id else ("organisation", plan.organisation_id)


def plan_obligations(plans, today: datetime.date) -> list[dict]:
    """What each plan owes and by when (DOMAIN.md §10), derived when read: filing within 20 working days of
    publishing; the bureau's check within 5 working days of filing; evaluation every 3 years where required; drills
    (on-site disposal plans each on their own; a unit's comprehensive and special plans together, either counting).

    Each row: plan, duty (filing | check | evaluation | drill), due, overdue_days (0 while in time)."""
    plans = list(plans)
    last_drill: dict[int, datetime.date | None] = {}
    for plan in plans:
        drills = getattr(plan, "_drill_dates", None)
        if drills is None:
            drills = [d.held_on for d in plan.drills.all()]
        last_drill[plan.pk] = max(drills) if drills else None
    # A unit's last comprehensive-or-special drill, and its earliest such plan.
    unit_last: dict[tuple, dict] = {}
    unit_since: dict[tuple, datetime.date] = {}
    unit_keeper: dict[tuple, str] = {}
    for plan in plans:
        if plan.kind == PlanKind.ON_SITE:
            continue
        unit = unit_of(plan)
        unit_last.setdefault(unit, {}).setdefault(plan.kind, None)
        known = unit_last[unit][plan.kind]
        latest = last_drill[plan.pk]
        if latest and (known is None or latest > known):
            unit_last[unit][plan.kind] = latest
        since = unit_since.get(unit)
        unit_since[unit] = min(since, plan.published_on) if since else plan.published_on
        # The strictest keeper among the unit's plans sets the interval (a high-risk unit drills every half-year).
        known_keeper = unit_keeper.get(unit)
        if known_keeper is None or rules.drill_interval_months(PlanKind.COMPREHENSIVE, plan.keeper) < (
            rules.drill_interval_months(PlanKind.COMPREHENSIVE, known_keeper)
        ):
            unit_keeper[unit] = plan.keeper
    starts = [d for p in plans for d in (p.published_on, p.filed_on) if d]
    add = working_day_adder(min(starts).year, max(starts).year + 1) if starts else add_working_days
    rows = []
    seen_units: set[tuple] = set()
    for plan in plans:
        if plan.state in (FilingState.NOT_FILED, FilingState.RETURNED):
            rows.append(_working_day_row(plan, "filing", rules.filing_due, plan.published_on, add, today))
        elif plan.state == FilingState.FILED and plan.filed_on:
            rows.append(_working_day_row(plan, "check", rules.filing_check_due, plan.filed_on, add, today))
        due = rules.evaluation_due(max(filter(None, [plan.published_on, plan.evaluated_on])), plan.must_evaluate)
        if due is not None:
            rows.append(
                {"plan": plan, "duty": "evaluation", "due": due, "overdue_days": rules.overdue_days(due, today)}
            )
        if plan.kind == PlanKind.ON_SITE:
            due = rules.next_drill_due(plan.kind, plan.keeper, last_drill[plan.pk], plan.published_on)
        else:
            unit = unit_of(plan)
            if unit in seen_units:
                continue
            seen_units.add(unit)
            due = rules.unit_drill_due(unit_keeper[unit], unit_last[unit], unit_since[unit])
        rows.append({"plan": plan, "duty": "drill", "due": due, "overdue_days": rules.overdue_days(due, today)})
    return rows


def overdue_plans(person, today: datetime.date, division_prefix: str | None = None) -> list[dict]:
    """The overdue obligations of the plans a person sees (optionally under one division), most overdue first."""
    qs = plans_visible_to(person).prefetch_related("drills")
    if division_prefix:
        qs = qs.filter(division_code__startswith=division_prefix)
    rows = [r for r in plan_obligations(qs, today) if r["overdue_days"] > 0]
    rows.sort(key=lambda r: (-r["overdue_days"], r["plan"].division_code, r["plan"].title))
    return rows


def obligations_of(plan: Plan, today: datetime.date) -> list[dict]:
    """One plan's obligations; for a comprehensive or special plan the unit's drill (any of its comprehensive or
    special plans drilled counts) is included."""
    if plan.enterprise_id:
        siblings = Plan.objects.filter(enterprise_id=plan.enterprise_id)
    else:
        siblings = Plan.objects.filter(organisation_id=plan.organisation_id, enterprise__isnull=True)
    siblings = siblings.prefetch_related("drills")
    rows = []
    for row in plan_obligations(siblings, today):
        if row["plan"].pk == plan.pk or (
            row["duty"] == "drill" and plan.kind != PlanKind.ON_SITE and row["plan"].kind != PlanKind.ON_SITE
        ):
            rows.append(row)
    return rows


def overdue_by_bureau(person, rows: list[dict]) -> list[dict]:
    """The overdue obligations counted per bureau one level below the person's (the bureaus that follow them up; a
    county bureau counts its own), each with its counts by duty."""
    from anjian.core.models import Division

    prefix = scope_for(person).division_prefix or ""
    width = min(len(prefix) + 2, 6)
    counts: dict[str, dict] = {}
    for r in rows:
        code = r["plan"].division_code[:width].ljust(6, "0")
        entry = counts.get(code)
        if entry is None:
            entry = counts[code] = {"division": code, "prefix": code[:width], "total": 0}
            entry.update(dict.fromkeys(("filing", "check", "evaluation", "drill"), 0))
        entry[r["duty"]] += 1
        entry["total"] += 1
    names = {d.code: d.name for d in Division.objects.filter(code__in=list(counts))}
    for code, entry in counts.items():
        entry["name"] = names.get(code, code)
    return sorted(counts.values(), key=lambda e: (-e["total"], e["division"]))
