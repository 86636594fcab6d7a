"""Hazard services: report (idempotent by client id), move through the lifecycle. Each write audited."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, OrganisationKind
from anjian.enforcement import permissions as perms
from anjian.enforcement import rules
from anjian.enforcement.models import Hazard, HazardEvent, HazardGrade, HazardSource, HazardState
from anjian.enterprises.models import Enterprise

REPORT_FIELDS = ("enterprise_id", "source", "grade", "description", "location", "responsible_person", "measures")


def actor_kind(actor, enterprise: Enterprise) -> str:
    """'bureau' for a supervising bureau's people with the permission, 'unit' for the unit's own people."""
    organisation = actor.organisation
    if organisation.kind == OrganisationKind.BUREAU and actor.has_perm(perms.MANAGE_HAZARDS):
        return "bureau"
    if enterprise.organisation_id is not None and organisation.pk == enterprise.organisation_id:
        return "unit"
    raise PermissionDenied()


def _scope(hazard: Hazard) -> dict:
    return {"division_code": hazard.division_code, "organisation_id": hazard.organisation_id}


def hazard_report(
    actor,
    *,
    enterprise: Enterprise,
    grade: str,
    description: str,
    responsible_person: str,
    deadline: datetime.date,
    location: str = "",
    measures: str = "",
    source: str | None = None,
    inspection=None,
    id: uuid.UUID | None = None,  # noqa: A002 (the API's field name)
) -> tuple[Hazard, bool]:
    """Record a hazard. Returns (hazard, created); the same client id again returns the first one."""
    kind = actor_kind(actor, enterprise)
    source = HazardSource.SELF_REPORT if kind == "unit" else (source or HazardSource.INSPECTION)
    if grade not in HazardGrade.values:
        raise DomainError("grade_unknown_hazard", field="grade")
    for name, value in (("description", description), ("responsible_person", responsible_person)):
        if not (value or "").strip():
            raise DomainError("required", field=name)
    if deadline < timezone.localdate():
        raise DomainError("deadline_in_past", field="deadline")
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise DomainError("document_other_unit", field="inspection")
    hazard = Hazard(
        inspection=inspection,
        id=id or uuid.uuid4(),
        enterprise=enterprise,
        division_code=enterprise.division_id,
        organisation_id=enterprise.organisation_id,
        source=source,
        grade=grade,
        description=description.strip(),
        location=(location or "").strip(),
        responsible_person=responsible_person.strip(),
        measures=(measures or "").strip(),
        deadline=deadline,
        listed_supervision=grade == HazardGrade.MAJOR,  # major hazards go under listed supervision
        reported_by=actor,
    )
    existing = Hazard.objects.filter(pk=hazard.id).first()
    if existing is not None:
        return _same_or_conflict(existing, hazard), False
    try:
        with transaction.atomic():
            hazard.save(force_insert=True)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=hazard,
                after=snapshot(hazard),
                ip=current_ip(),
                **_scope(hazard),
            )
    except IntegrityError:  # the same id sent twice at once: the first one won
        return _same_or_conflict(Hazard.objects.get(pk=hazard.id), hazard), False
    return hazard, True


def _same_or_conflict(existing: Hazard, sent: Hazard) -> Hazard:
    """A retry carries the same content; anything else under the same id is a conflict."""
    same = existing.reported_by_id == sent.reported_by_id and all(
        getattr(existing, f) == getattr(sent, f) for f in REPORT_FIELDS + ("deadline",)
    )
    if not same:
        raise DomainError("hazard_id_taken", field="id", status=409)
    return existing


def hazard_transition(actor, hazard: Hazard, *, to: str, comment: str = "", plan: dict | None = None) -> Hazard:
    """Move a hazard along its lifecycle (rules.HAZARD_TRANSITIONS)."""
    kind = actor_kind(actor, hazard.enterprise)
    with transaction.atomic():
        locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
        # A plan sent with a move completes or corrects the one on file; empty parts keep what is there.
        sent = {k: str(v).strip() for k, v in (plan or {}).items() if k in rules.MAJOR_PLAN_PARTS and str(v).strip()}
        plan = dict(locked.plan or {}) | sent
        problem = rules.hazard_transition_problem(locked.grade, locked.state, to, kind, plan)
        if problem:
            labels = dict(HazardState.choices)
            raise DomainError(
                problem,
                field="to" if problem.startswith("transition") else "plan",
                status=409 if problem == "transition_not_allowed" else 400,
                state=labels.get(locked.state, locked.state),
                target=labels.get(to, to),
            )
        before = {"state": locked.state}
        locked.state = to
        if plan:
            locked.plan = plan
        locked.closed_at = timezone.now() if to == HazardState.CLOSED else None
        locked.save(update_fields=["state", "plan", "closed_at"])
        HazardEvent.objects.create(
            hazard=locked, from_state=before["state"], to_state=to, by=actor, comment=(comment or "")[:500]
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before=before,
            after={"state": to, "comment": comment or ""} | ({"plan": plan} if sent else {}),
            ip=current_ip(),
            **_scope(locked),
        )
    return locked
