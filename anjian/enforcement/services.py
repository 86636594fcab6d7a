"""Every write of enforcement: validate first, then one transaction with its audit entry."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, OrganisationKind, Person, Role
from anjian.core.rules import division_prefix
from anjian.enforcement import permissions as perms
from anjian.enforcement import rules
from anjian.enforcement.models import (
    Draw,
    DrawAssignment,
    DrawState,
    EnforcementCertificate,
    InspectionPlan,
    PlanStratum,
    Recusal,
)
from anjian.enterprises.models import Enterprise, EnterpriseStatus, RegulatedCategory


def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied()


def _scope(division_code: str, organisation_id: int) -> dict:
    return {"division_code": division_code, "organisation_id": organisation_id}


def certificate_set(actor, person: Person, *, number: str, valid_until: datetime.date) -> EnforcementCertificate:
    """Record (or renew) an officer's enforcement certificate."""
    _require(actor, perms.MANAGE_PLANS)
    number = (number or "").strip()
    if not number:
        raise DomainError("required", field="number")
    if EnforcementCertificate.objects.filter(number=number).exclude(person=person).exists():
        raise DomainError("certificate_number_taken", field="number", status=409, number=number)
    certificate = EnforcementCertificate.objects.filter(person=person).first() or EnforcementCertificate(person=person)
    before = snapshot(certificate) if certificate.pk else None
    certificate.number, certificate.valid_until = number, valid_until
    with transaction.atomic():
        certificate.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            instance=certificate,
            object_repr=f"{person.username} {number}",
            before=before,
            after=snapshot(certificate),
            ip=current_ip(),
            **_scope(person.organisation.division_id, person.organisation_id),
        )
    return certificate


def recusal_add(actor, person: Person, enterprise: Enterprise, *, reason: str) -> Recusal:
    """An officer is kept away from a unit. The officer may declare it, or a manager records it."""
    if actor.pk != person.pk:
        _require(actor, perms.MANAGE_PLANS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("required", field="reason")
    recusal = Recusal(person=person, enterprise=enterprise, reason=reason)
    try:
        with transaction.atomic():
            recusal.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=recusal,
                object_repr=f"{person.username} ↛ {enterprise.name}",
                after=snapshot(recusal),
                ip=current_ip(),
                **_scope(enterprise.division_id, enterprise.organisation_id),
            )
    except IntegrityError:
        raise DomainError("recusal_exists", field="enterprise", status=409) from None
    return recusal


def plan_create(actor, *, year: int, name: str, strata: list[dict]) -> InspectionPlan:
    """A bureau's yearly plan: strata of (category or '' for all units, count)."""
    _require(actor, perms.MANAGE_PLANS)
    organisation = actor.organisation
    if organisation.kind != OrganisationKind.BUREAU:
        raise PermissionDenied()
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        raise DomainError("plan_year_invalid", field="year", low=this_year - 1, high=this_year + 1)
    if not (name or "").strip():
        raise DomainError("required", field="name")
    if not strata:
        raise DomainError("required", field="strata")
    seen = set()
    for index, stratum in enumerate(strata):
        category = stratum.get("category") or ""
        if category and category not in RegulatedCategory.values:
            raise DomainError("category_unknown", field=f"strata.{index}.category", category=category)
        if category in seen:
            raise DomainError("stratum_repeated", field=f"strata.{index}.category")
        if not isinstance(stratum.get("count"), int) or stratum["count"] < 1:
            raise DomainError("stratum_count_invalid", field=f"strata.{index}.count")
        seen.add(category)
    plan = InspectionPlan(
        organisation=organisation,
        division_code=organisation.division_id,
        year=year,
        name=name.strip(),
        created_by=actor,
    )
    with transaction.atomic():
        plan.save()
        PlanStratum.objects.bulk_create(
            [PlanStratum(plan=plan, category=s.get("category") or "", count=s["count"]) for s in strata]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=plan,
            after=snapshot(plan) | {"strata": [[s.get("category") or "", s["count"]] for s in strata]},
            ip=current_ip(),
            **_scope(plan.division_code, organisation.pk),
        )
    return plan


def _eligible_inspectors(plan: InspectionPlan, on: datetime.date) -> list[Person]:
    """The plan's bureau's active inspectors whose certificate is valid on the day."""
    return list(
        Person.objects.filter(
            organisation=plan.organisation,
            is_active=True,
            groups__name=Role.INSPECTOR,
            enforcement_certificate__valid_until__gte=on,
        ).distinct()
    )


def draw_commit(actor, plan: InspectionPlan) -> Draw:
    """Freeze the register and the officers, and commit to a secret seed (its hash is published)."""
    _require(actor, perms.MANAGE_PLANS)
    today = timezone.localdate()
    # The register: the operating units of the plan's bureau's jurisdiction.
    units = Enterprise.objects.filter(
        division__code__startswith=division_prefix(plan.division_code), status=EnterpriseStatus.OPERATING
    ).prefetch_related("categories")
    strata = list(plan.strata.all())
    rows = []
    for unit in units:
        categories = {c.category for c in unit.categories.all()}
        for stratum in strata:
            if not stratum.category or stratum.category in categories:
                rows.append((unit.credit_code, stratum.key))
    if not rows:
        raise DomainError("draw_register_empty")
    inspectors = _eligible_inspectors(plan, today)
    usernames = sorted(p.username for p in inspectors)
    codes = {code for code, _stratum in rows}
    recusals: dict[str, list[str]] = {}
    for recusal in Recusal.objects.filter(person__in=inspectors, enterprise__credit_code__in=codes).select_related(
        "person", "enterprise"
    ):
        recusals.setdefault(recusal.enterprise.credit_code, []).append(recusal.person.username)
    # Every unit that may be drawn must have two officers free to inspect it.
    for code in sorted(codes):
        free = len(set(usernames) - set(recusals.get(code, [])))
        if free < rules.MIN_INSPECTORS:
            raise DomainError("draw_short_of_inspectors", code=code, count=free, status=409)
    seed = rules.new_seed()
    snapshot_rows = sorted(rows)
    draw = Draw(
        plan=plan,
        division_code=plan.division_code,
        seed_commitment=rules.commitment(seed),
        seed=seed,
        snapshot=[list(row) for row in snapshot_rows],
        snapshot_digest=rules.snapshot_digest(snapshot_rows),
        quotas={stratum.key: stratum.count for stratum in strata},
        inspectors=usernames,
        recusals={code: sorted(names) for code, names in recusals.items()},
        created_by=actor,
    )
    with transaction.atomic():
        draw.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=draw,
            object_repr=f"{plan}",
            after={
                "seed_commitment": draw.seed_commitment,
                "snapshot_digest": draw.snapshot_digest,
                "units": len(codes),
                "inspectors": usernames,
            },
            ip=current_ip(),
            **_scope(draw.division_code, plan.organisation_id),
        )
    return draw


def _compute(draw: Draw) -> dict[str, tuple[str, list[str]]]:
    """credit code → (stratum, inspectors), recomputed from what the draw froze and its seed."""
    candidates: dict[str, list[str]] = {}
    for code, stratum in draw.snapshot:
        candidates.setdefault(stratum, []).append(code)
    drawn = rules.draw_units(draw.seed, candidates, draw.quotas)
    codes = [code for stratum_codes in drawn.values() for code in stratum_codes]
    assignment, _short = rules.assign_inspectors(
        draw.seed, codes, draw.inspectors, {code: set(names) for code, names in draw.recusals.items()}
    )
    return {code: (stratum, assignment[code]) for stratum, codes_ in drawn.items() for code in codes_}


def draw_perform(actor, draw: Draw) -> Draw:
    """Reveal the seed and draw: units per stratum, two officers per unit."""
    _require(actor, perms.MANAGE_PLANS)
    with transaction.atomic():
        locked = Draw.objects.select_for_update().get(pk=draw.pk)
        if locked.state != DrawState.COMMITTED:
            raise DomainError("draw_state_invalid", status=409, state=DrawState(locked.state).label)
        result = _compute(locked)
        units = {u.credit_code: u for u in Enterprise.objects.filter(credit_code__in=result)}
        people = {p.username: p for p in Person.objects.filter(username__in=locked.inspectors)}
        for code, (stratum, names) in sorted(result.items()):
            assignment = DrawAssignment.objects.create(draw=locked, enterprise=units[code], stratum=stratum)
            assignment.inspectors.set([people[name] for name in names])
        locked.state = DrawState.DRAWN
        locked.drawn_at = timezone.now()
        locked.save(update_fields=["state", "drawn_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            object_repr=str(locked.plan),
            before={"state": DrawState.COMMITTED},
            after={"state": DrawState.DRAWN, "seed": locked.seed, "drawn": {c: v[1] for c, v in result.items()}},
            ip=current_ip(),
            **_scope(locked.division_code, locked.plan.organisation_id),
        )
    return locked


def draw_verify(draw: Draw) -> dict:
    """Anyone's check of a revealed draw: the seed matches its commitment, the register its digest,
    and recomputing gives exactly the recorded units and officers."""
    if draw.state == DrawState.COMMITTED:
        raise DomainError("draw_state_invalid", status=409, state=DrawState(draw.state).label)
    rows = [tuple(row) for row in draw.snapshot]
    recorded = {
        a.enterprise.credit_code: (a.stratum, sorted(p.username for p in a.inspectors.all()))
        for a in draw.assignments.select_related("enterprise").prefetch_related("inspectors")
    }
    seed_ok = rules.commitment(draw.seed) == draw.seed_commitment
    snapshot_ok = rules.snapshot_digest(rows) == draw.snapshot_digest
    selection_ok = _compute(draw) == recorded
    return {
        "seed_matches_commitment": seed_ok,
        "snapshot_matches_digest": snapshot_ok,
        "selection_matches": selection_ok,
        "verified": seed_ok and snapshot_ok and selection_ok,
    }


def draw_publish(actor, draw: Draw) -> Draw:
    _require(actor, perms.MANAGE_PLANS)
    if draw.state != DrawState.DRAWN:
        raise DomainError("draw_state_invalid", status=409, state=DrawState(draw.state).label)
    with transaction.atomic():
        draw.state = DrawState.PUBLISHED
        draw.published_at = timezone.now()
        draw.save(update_fields=["state", "published_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=draw,
            object_repr=str(draw.plan),
            before={"state": DrawState.DRAWN},
            after={"state": DrawState.PUBLISHED},
            ip=current_ip(),
            **_scope(draw.division_code, draw.plan.organisation_id),
        )
    return draw
