"""Accident services: record (idempotent by client id), forward up the chain, casualty updates, investigations.

Every write runs in one transaction under a row lock and writes its audit entry; a refused write leaves
nothing behind. The rules themselves (classes, chain, windows, deadlines) are in rules.py.
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.accidents import permissions as perms
from anjian.accidents import rules
from anjian.accidents.models import (
    Accident,
    CasualtyUpdate,
    FigureKind,
    Investigation,
    InvestigationState,
    ReportingFinding,
    ReportStep,
)
from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, Division, DivisionLevel, Organisation, OrganisationKind
from anjian.core.rules import division_prefix
from anjian.core.scope import scope_for
from anjian.core.selectors import ancestry

FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan")
REPORT_FIELDS = (
    "occurred_at",
    "head_informed_at",
    "division_id",
    "enterprise_id",
    "unit_name",
    "sector",
    "category",
    *FIGURES,
)
MAX_LOSS = Decimal(10) ** 13  # yuan: above any loss the statistics know


def _scope(accident: Accident) -> dict:
    return {"division_code": accident.division_id, "organisation_id": None}


def _bureau(actor) -> Organisation:
    organisation = actor.organisation
    if (
        organisation is None
        or organisation.kind != OrganisationKind.BUREAU
        or not actor.has_perm(perms.RECORD_ACCIDENTS)
    ):
        raise DomainError("record_not_allowed", status=403)
    return organisation


def _has_bureau(codes: list[str]):
    held = set(
        Organisation.objects.filter(kind=OrganisationKind.BUREAU, is_active=True, division_id__in=codes).values_list(
            "division_id", flat=True
        )
    )
    return held.__contains__


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("invalid", field=field) from None
    if not amount.is_finite():
        raise DomainError("invalid", field=field)
    if amount < 0:
        raise DomainError("count_negative", field=field)
    if amount >= MAX_LOSS:
        raise DomainError("invalid", field=field)
    return amount.quantize(Decimal("0.01"))


def _check_figures(figures: dict, people_involved: int | None) -> None:
    problem = rules.figures_problem(*(figures[name] for name in FIGURES))
    if problem:
        code, field = problem
        raise DomainError(code, field=field)
    if people_involved is not None:
        if people_involved < 0:
            raise DomainError("count_negative", field="people_involved")
        counted = figures["deaths"] + figures["missing"] + figures["serious_injuries"] + figures["minor_injuries"]
        if counted > people_involved:
            raise DomainError(
                "missing_counted_twice",
                field="missing",
                deaths=figures["deaths"],
                missing=figures["missing"],
                involved=people_involved,
            )


def _aware(value: datetime.datetime, field: str) -> datetime.datetime:
    if value is None:
        raise DomainError("required", field=field)
    if timezone.is_naive(value):
        raise DomainError("time_needs_offset", field=field)
    return value


def _awaiting(steps: list[ReportStep]) -> tuple[str, datetime.datetime | None]:
    """The bureau that must forward next and the time its report is due, or ('', None)."""
    for before, step in zip(steps, steps[1:], strict=False):
        if step.reported_at is None:
            return before.division_id, step.due_at
    return "", None


def _recompute_dues(accident: Accident, steps: list[ReportStep], version) -> None:
    """The first bureau's report is due an hour after the head knew; each next one two hours after the one below
    had it (or was due to have it), counted from when the step became required."""
    previous = None
    for step in steps:
        if previous is None:
            step.due_at = rules.unit_due(accident.head_informed_at, version)
        else:
            base = max(previous.reported_at or previous.due_at, step.added_at)
            step.due_at = rules.step_due(base, version)
        previous = step


def _chain_steps(accident: Accident, since: datetime.datetime, version) -> list[ReportStep]:
    """The chain the class requires, as steps (unsaved where new): the bureaus it now reaches are required from
    `since`; those it no longer reaches that never had the report are dropped."""
    place = ancestry(accident.division)
    wanted = rules.chain(place, accident.severity, _has_bureau([code for code, _ in place]), version)
    existing = {step.division_id: step for step in accident.steps.all()} if not accident._state.adding else {}
    steps = []
    for order, code in enumerate(wanted):
        step = existing.pop(code, None)
        if step is None:
            step = ReportStep(accident=accident, division_id=code, added_at=since, due_at=since)
        step.order = order
        steps.append(step)
    for leftover in existing.values():
        if leftover.reported_at is None:
            leftover.delete()
        else:  # it had the report: it stays on record, after the chain
            leftover.order = len(steps) + 100
            leftover.save(update_fields=["order"])
    return steps


def _save_chain(accident: Accident, steps: list[ReportStep], version) -> None:
    """Recompute every due time, store the steps, and note who must forward next."""
    _recompute_dues(accident, steps, version)
    for step in steps:
        step.save()
    accident.awaiting_division, accident.awaiting_due = _awaiting(steps)


def _version(accident_or_time) -> rules.ReportingRules:
    occurred = accident_or_time if isinstance(accident_or_time, datetime.datetime) else accident_or_time.occurred_at
    version = rules.rules_for(timezone.localdate(occurred))
    if version is None:
        raise DomainError("occurred_before_rules", field="occurred_at", date=rules.RULES[0].since.isoformat())
    return version


def accident_record(
    actor,
    *,
    occurred_at: datetime.datetime,
    head_informed_at: datetime.datetime,
    division: str,
    unit_name: str = "",
    sector: str,
    category: str,
    deaths: int,
    missing: int,
    serious_injuries: int,
    minor_injuries: int,
    direct_loss_yuan,
    summary: str,
    measures: str = "",
    industry: str = "",
    enterprise=None,
    received_at: datetime.datetime | None = None,
    place: str = "",
    lat=None,
    lon=None,
    people_involved: int | None = None,
    id: uuid.UUID | None = None,  # noqa: A002 (the API's field name)
) -> tuple[Accident, bool]:
    """Record an accident report. Returns (accident, created); the same client id again returns the first one."""
    bureau = _bureau(actor)
    now = timezone.now()
    occurred_at = _aware(occurred_at, "occurred_at")
    head_informed_at = _aware(head_informed_at, "head_informed_at")
    received_at = _aware(received_at, "received_at") if received_at is not None else now
    problem = rules.times_problem(occurred_at, head_informed_at, now)
    if problem:
        raise DomainError(problem[0], field=problem[1])
    if received_at > now:
        raise DomainError("received_in_future", field="received_at")
    if received_at < head_informed_at:
        raise DomainError("received_before_informed", field="received_at")
    version = _version(occurred_at)
    place_division = Division.objects.select_related("parent__parent").filter(code=division or "").first()
    if place_division is None:
        raise DomainError("division_unknown", field="division", code=division)
    if place_division.level != DivisionLevel.COUNTY:
        raise DomainError("division_not_county", field="division")
    if not scope_for(actor).contains_division(place_division.code):
        raise DomainError("division_out_of_scope", field="division", code=division)
    if sector not in rules.SECTORS:
        raise DomainError("sector_unknown", field="sector", sector=sector)
    if category not in rules.CATEGORIES:
        raise DomainError("category_unknown", field="category", category=category)
    if industry and sector != rules.INDUSTRIAL:
        raise DomainError("industry_only_industrial", field="industry")
    if industry and industry not in rules.INDUSTRIES:
        raise DomainError("invalid", field="industry")
    if sector == rules.INDUSTRIAL and not industry:
        industry = _industry_of(enterprise)
    figures = {
        "deaths": deaths,
        "missing": missing,
        "serious_injuries": serious_injuries,
        "minor_injuries": minor_injuries,
        "direct_loss_yuan": direct_loss_yuan,
    }
    _check_figures(figures, people_involved)
    figures["direct_loss_yuan"] = _decimal(direct_loss_yuan, "direct_loss_yuan")
    unit_name = (unit_name or "").strip() or (enterprise.name if enterprise is not None else "")
    if not unit_name:
        raise DomainError("required", field="unit_name")
    if not (summary or "").strip():
        raise DomainError("required", field="summary")
    accident = Accident(
        id=id or uuid.uuid4(),
        occurred_at=occurred_at,
        head_informed_at=head_informed_at,
        received_at=received_at,
        division=place_division,
        place=(place or "").strip(),
        lat=lat,
        lon=lon,
        enterprise=enterprise,
        unit_name=unit_name[:200],
        sector=sector,
        industry=industry,
        category=category,
        severity=rules.severity(
            figures["deaths"], figures["missing"], figures["serious_injuries"], figures["direct_loss_yuan"], version
        ),
        summary=summary.strip(),
        measures=(measures or "").strip(),
        window_closes_at=rules.update_window_closes(occurred_at, sector, version),
        recorded_by=actor,
        recorded_org=bureau,
        created_at=now,
        updated_at=now,
        **figures,
    )
    existing = Accident.objects.filter(pk=accident.id).first()
    if existing is not None:
        return _same_or_conflict(existing, accident), False
    try:
        with transaction.atomic():
            # The recording bureau has the report, and so has every bureau of the chain below it
            # (a prefecture recording for a county tells the county at once).
            steps = _chain_steps(accident, received_at, version)
            below = division_prefix(bureau.division_id)
            for step in steps:
                if step.division_id.startswith(below):
                    step.reported_at = received_at
                    step.sent_by = actor
            _recompute_dues(accident, steps, version)
            accident.awaiting_division, accident.awaiting_due = _awaiting(steps)
            accident.save(force_insert=True)
            ReportStep.objects.bulk_create(steps)
            from anjian.indicators.services import mark_returns_covering

            mark_returns_covering(accident)  # a return of its cell stays the cell's figure: no double counting
            CasualtyUpdate.objects.create(
                accident=accident,
                kind=FigureKind.INITIAL,
                as_of=received_at,
                severity=accident.severity,
                applied=True,
                recorded_by=actor,
                recorded_at=now,
                **figures,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=accident,
                after=snapshot(accident, exclude=("awaiting_division", "awaiting_due")),
                ip=current_ip(),
                **_scope(accident),
            )
    except IntegrityError:  # the same id sent twice at once: the first one won
        return _same_or_conflict(Accident.objects.get(pk=accident.id), accident), False
    return accident, True


def _industry_of(enterprise) -> str:
    if enterprise is None:
        return "other_industrial"
    categories = set(enterprise.categories.values_list("category", flat=True))
    for name in rules.INDUSTRIES:
        if name in categories:
            return name
    return "other_industrial"


def _same_or_conflict(existing: Accident, sent: Accident) -> Accident:
    """A retry carries the same report; anything else under the same id is a conflict."""
    first = existing.figures.filter(kind=FigureKind.INITIAL).first()
    same = existing.recorded_by_id == sent.recorded_by_id and all(
        getattr(existing, f) == getattr(sent, f) for f in REPORT_FIELDS if f not in FIGURES
    )
    same = same and first is not None and all(getattr(first, f) == getattr(sent, f) for f in FIGURES)
    if not same:
        raise DomainError("accident_id_taken", field="uuid", status=409)
    return existing


def accident_forward(actor, accident: Accident, *, to: str | None = None, at: datetime.datetime | None = None):
    """The caller's bureau sends the report to the next bureau of the chain (or, skipping levels, to `to`)."""
    bureau = _bureau(actor)
    now = timezone.now()
    at = _aware(at, "at") if at is not None else now
    if at > now:
        raise DomainError("date_in_future", field="at")
    with transaction.atomic():
        locked = Accident.objects.select_for_update().get(pk=accident.pk)
        steps = [s for s in locked.steps.select_related("division").order_by("order") if s.order < 100]
        codes = [s.division_id for s in steps]
        if bureau.division_id not in codes:
            raise DomainError("forward_not_in_chain", status=403)
        index = codes.index(bureau.division_id)
        if index == len(steps) - 1:
            raise DomainError("forward_not_your_turn", status=409, reason=_reason("end"))
        if steps[index + 1].reported_at is not None:
            raise DomainError("forward_not_your_turn", status=409, reason=_reason("done"))
        target = index + 1 if not to else (codes.index(to) if to in codes else -1)
        if target <= index:
            raise DomainError("forward_target_invalid", field="to", status=400, code=to)
        own = steps[index]
        if own.reported_at is None:  # it learnt of the accident otherwise: it has the report now
            own.reported_at = at
            own.sent_by = actor
        if at < own.reported_at:
            raise DomainError("step_before_previous", field="at")
        for step in steps[index + 1 : target + 1]:
            step.reported_at = at
            step.sent_by = actor
            step.skipped_to = target > index + 1
        version = _version(locked)
        _recompute_dues(locked, steps, version)
        for step in steps:
            step.save(update_fields=["reported_at", "sent_by", "skipped_to", "due_at"])
        locked.awaiting_division, locked.awaiting_due = _awaiting(steps)
        locked.updated_at = now
        locked.save(update_fields=["awaiting_division", "awaiting_due", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before={"forwarded_by": bureau.division_id},
            after={"forwarded_to": codes[index + 1 : target + 1], "at": at},
            ip=current_ip(),
            **_scope(locked),
        )
    return locked


def _reason(kind: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "end": _("the chain ends at your bureau."),
        "done": _("the next bureau already has it."),
    }[kind]


def casualty_update(
    actor,
    accident: Accident,
    *,
    as_of: datetime.datetime,
    deaths: int,
    missing: int,
    serious_injuries: int,
    minor_injuries: int,
    direct_loss_yuan=None,
    note: str = "",
    people_involved: int | None = None,
    id: uuid.UUID | None = None,  # noqa: A002
) -> tuple[CasualtyUpdate, bool]:
    """Report changed figures. Inside the window they become the accident's figures and may change its class
    (and so its chain and its investigation's lead); after it they are kept on record only (Art. 13)."""
    _bureau(actor)
    now = timezone.now()
    as_of = _aware(as_of, "as_of")
    figures = {
        "deaths": deaths,
        "missing": missing,
        "serious_injuries": serious_injuries,
        "minor_injuries": minor_injuries,
        "direct_loss_yuan": accident.direct_loss_yuan if direct_loss_yuan is None else direct_loss_yuan,
    }
    _check_figures(figures, people_involved)
    figures["direct_loss_yuan"] = _decimal(figures["direct_loss_yuan"], "direct_loss_yuan")
    if as_of < accident.occurred_at:
        raise DomainError("update_before_accident", field="as_of")
    if as_of > now:
        raise DomainError("update_in_future", field="as_of")
    version = _version(accident)
    with transaction.atomic():
        locked = (
            Accident.objects.select_for_update(of=("self",))
            .select_related("division__parent__parent")
            .get(pk=accident.pk)
        )
        if id is not None:  # a retry, checked under the lock: the same update once, or a conflict
            existing = CasualtyUpdate.objects.filter(pk=id).first()
            if existing is not None:
                sent = {**figures, "as_of": as_of, "accident_id": locked.pk}
                if any(getattr(existing, name) != value for name, value in sent.items()):
                    raise DomainError("update_id_taken", field="uuid", status=409)
                return existing, False
        last = locked.figures.order_by("-as_of", "-recorded_at").first()
        # Pages give times to the minute: an update in the same minute as the last figures follows them.
        if last is not None and as_of < last.as_of.replace(second=0, microsecond=0):
            raise DomainError(
                "update_before_previous", field="as_of", at=timezone.localtime(last.as_of).strftime("%Y-%m-%d %H:%M")
            )
        applied = rules.update_in_window(locked.occurred_at, as_of, locked.sector, version)
        new_severity = rules.severity(
            figures["deaths"], figures["missing"], figures["serious_injuries"], figures["direct_loss_yuan"], version
        )
        update = CasualtyUpdate.objects.create(
            id=id or uuid.uuid4(),
            accident=locked,
            kind=FigureKind.UPDATE,
            as_of=as_of,
            severity=new_severity,
            applied=applied,
            note=(note or "").strip()[:500],
            recorded_by=actor,
            recorded_at=now,
            **figures,
        )
        before = {name: getattr(locked, name) for name in (*FIGURES, "severity")}
        if applied:
            for name, value in figures.items():
                setattr(locked, name, value)
            old_severity, locked.severity = locked.severity, new_severity
            if new_severity != old_severity:
                _save_chain(locked, _chain_steps(locked, as_of, version), version)
                _relead_investigation(locked)
            locked.updated_at = now
            locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before=before,
            after={**figures, "severity": locked.severity, "update": str(update.pk), "applied": applied},
            ip=current_ip(),
            **_scope(locked),
        )
    return update, True


# --- investigations -------------------------------------------------------------------------------------------


def lead_division(accident: Accident) -> str:
    """The division whose government leads the investigation of an accident of this class and place (Art. 19)."""
    level = rules.investigation_lead_level(accident.severity)
    if level == "national":
        return rules.NATIONAL
    for code, division_level in ancestry(accident.division):
        if division_level == level:
            return code
    return accident.division_id


def _relead_investigation(accident: Accident) -> None:
    investigation = Investigation.objects.filter(accident=accident, state=InvestigationState.OPEN).first()
    if investigation is not None:
        investigation.lead_division_id = lead_division(accident)
        investigation.save(update_fields=["lead_division"])


def may_investigate(actor, lead: str) -> bool:
    """The bureau at the lead level (or one above it) with the role runs the investigation (Art. 19)."""
    organisation = actor.organisation
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.BUREAU
        and actor.has_perm(perms.MANAGE_INVESTIGATIONS)
        and lead.startswith(division_prefix(organisation.division_id))
    )


def _investigator(actor, lead: str) -> None:
    if not may_investigate(actor, lead):
        organisation = actor.organisation
        if organisation is None or not actor.has_perm(perms.MANAGE_INVESTIGATIONS):
            raise PermissionDenied()
        lead_division = Division.objects.filter(code=lead).first()
        raise DomainError("investigation_not_yours", status=403, division=lead_division.name if lead_division else lead)


def _check_day(day: datetime.date | None, accident: Accident, field: str) -> datetime.date:
    if day is None:
        raise DomainError("required", field=field)
    if day > timezone.localdate():
        raise DomainError("date_in_future", field=field)
    if day < timezone.localdate(accident.occurred_at):
        raise DomainError("date_before_accident", field=field)
    return day


def _clean_team(team) -> list[dict]:
    members = []
    for member in team or []:
        name = str(member.get("name", "")).strip()
        if name:
            members.append(
                {
                    "name": name[:200],
                    "unit": str(member.get("unit", "")).strip()[:200],
                    "role": str(member.get("role", "")).strip()[:100],
                }
            )
    return members


def investigation_open(actor, accident: Accident, *, leader: str, team, started_on: datetime.date) -> Investigation:
    _investigator(actor, lead_division(accident))
    leader = (leader or "").strip()
    members = _clean_team(team)
    if not leader or not members:
        raise DomainError("team_required", field="team")
    started_on = _check_day(started_on, accident, "started_on")
    with transaction.atomic():
        Accident.objects.select_for_update().get(pk=accident.pk)
        if Investigation.objects.filter(accident=accident).exists():
            raise DomainError("investigation_exists", status=409)
        investigation = Investigation.objects.create(
            accident=accident,
            lead_division_id=lead_division(accident),
            leader=leader[:200],
            team=members,
            started_on=started_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=investigation,
            object_repr=str(accident),
            after=snapshot(investigation),
            ip=current_ip(),
            **_scope(accident),
        )
    return investigation


INVESTIGATION_ACTIONS = ("extend", "appraisal", "submit", "answer", "close", "team")


def investigation_act(actor, investigation: Investigation, action: str, **data) -> Investigation:
    """One step of an investigation: extend (once), add appraisal days, submit the report, record the answer, close."""
    accident = investigation.accident
    _investigator(actor, investigation.lead_division_id)
    with transaction.atomic():
        locked = Investigation.objects.select_for_update().select_related("accident").get(pk=investigation.pk)
        before = snapshot(locked)
        state = locked.state

        def need(*states):
            if state not in states:
                raise DomainError("investigation_state_invalid", status=409, state=InvestigationState(state).label)

        if action == "team":
            need(InvestigationState.OPEN)
            leader = (data.get("leader") or "").strip()
            members = _clean_team(data.get("team"))
            if not leader or not members:
                raise DomainError("team_required", field="team")
            locked.leader, locked.team = leader[:200], members
        elif action == "extend":
            need(InvestigationState.OPEN)
            days = _int(data.get("days"), "days")
            problem = rules.extension_problem(days, locked.extension_days > 0)
            if problem:
                raise DomainError(problem, field="days", status=409 if "already" in problem else 400)
            reason = (data.get("reason") or "").strip()
            if not reason:
                raise DomainError("required", field="reason")
            locked.extension_days, locked.extension_reason = days, reason[:500]
        elif action == "appraisal":
            need(InvestigationState.OPEN)
            days = _int(data.get("days"), "days")
            if not 0 <= days <= 3650:
                raise DomainError("invalid", field="days")
            locked.appraisal_days = days
        elif action == "submit":
            need(InvestigationState.OPEN)
            for name in ("report", "direct_cause", "indirect_causes"):
                setattr(locked, name, (data.get(name) or "").strip())
            if not locked.report or not locked.direct_cause:
                raise DomainError("report_incomplete", field="report" if not locked.report else "direct_cause")
            locked.liability_accident = bool(data.get("liability_accident", True))
            finding = data.get("reporting_finding") or ""
            if finding not in ReportingFinding.values:
                raise DomainError("invalid", field="reporting_finding")
            locked.reporting_finding = finding
            locked.findings = _clean_findings(data.get("findings"))
            locked.submitted_on = _check_day(data.get("on") or timezone.localdate(), accident, "on")
            locked.state = InvestigationState.REPORTED
            cases = _cases_for(actor, data.get("cases") or [])
        elif action == "answer":
            need(InvestigationState.REPORTED)
            on = _check_day(data.get("on") or timezone.localdate(), accident, "on")
            if on < locked.submitted_on:
                raise DomainError("step_before_previous", field="on")
            locked.answered_on = on
            locked.answer_extended = bool(data.get("extended", False)) and accident.severity == rules.ESPECIALLY_MAJOR
            locked.state = InvestigationState.ANSWERED
        elif action == "close":
            need(InvestigationState.ANSWERED)
            on = _check_day(data.get("on") or timezone.localdate(), accident, "on")
            if on < locked.answered_on:
                raise DomainError("step_before_previous", field="on")
            locked.closed_on = on
            locked.state = InvestigationState.CLOSED
        else:
            raise DomainError("invalid", field="action")
        locked.save()
        if action == "submit":
            locked.cases.set(cases)
        after = snapshot(locked)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            object_repr=str(accident),
            before={k: before.get(k) for k in changed},
            after={**changed, "action": action},
            ip=current_ip(),
            **_scope(accident),
        )
    return locked


def _int(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("invalid", field=field) from None


def _clean_findings(findings) -> list[dict]:
    cleaned = []
    for item in findings or []:
        party = str(item.get("party", "")).strip()
        if party:
            cleaned.append(
                {
                    "party": party[:200],
                    "kind": "unit" if item.get("kind") == "unit" else "person",
                    "finding": str(item.get("finding", "")).strip()[:2000],
                    "recommendation": str(item.get("recommendation", "")).strip()[:2000],
                }
            )
    return cleaned


def _cases_for(actor, ids) -> list:
    from anjian.enforcement.selectors import cases_visible_to

    found = []
    for raw in ids:
        try:
            found.append(cases_visible_to(actor).get(pk=raw))
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):  # unknown, malformed or out of scope
            raise DomainError("case_unknown", field="cases", id=str(raw)[:40]) from None
    return found
