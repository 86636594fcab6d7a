"""Inspections: recorded on site by at least two certified officers, with checklist results,
evidence photos and the on-site inspection record (现场检查记录) issued with them."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, OrganisationKind, Person
from anjian.core.photos import check_photo
from anjian.enforcement import permissions as perms
from anjian.enforcement import rules
from anjian.enforcement.documents import document_issue
from anjian.enforcement.models import (
    ChecklistTemplate,
    DrawAssignment,
    EvidencePhoto,
    Inspection,
    InspectionItem,
    ItemResult,
    Recusal,
)
from anjian.enterprises.models import Enterprise


def _check_inspectors(actor, enterprise: Enterprise, usernames: list[str], on: datetime.date) -> list[Person]:
    """At least two officers of the actor's bureau, certified on the day, none recused from the unit."""
    names = sorted(set(usernames or []))
    if len(names) < rules.MIN_INSPECTORS:
        raise DomainError("inspection_needs_two", field="inspectors")
    people = {
        p.username: p
        for p in Person.objects.filter(username__in=names, organisation=actor.organisation, is_active=True)
        .select_related("enforcement_certificate")
    }  # fmt: skip
    for name in names:
        person = people.get(name)
        if person is None:
            raise DomainError("inspector_unknown", field="inspectors", username=name)
        certificate = getattr(person, "enforcement_certificate", None)
        if certificate is None or certificate.valid_until < on:
            raise DomainError("inspector_not_certified", field="inspectors", username=name)
    recused = Recusal.objects.filter(person__username__in=names, enterprise=enterprise).select_related("person").first()
    if recused is not None:
        raise DomainError("inspector_recused", field="inspectors", username=recused.person.username)
    return [people[name] for name in names]


def inspection_record(
    actor,
    *,
    enterprise: Enterprise,
    date: datetime.date,
    place: str,
    inspectors: list[str],
    representatives: str,
    template: ChecklistTemplate,
    results: dict[int, str],
    findings: str = "",
    assignment: DrawAssignment | None = None,
    id: uuid.UUID | None = None,  # noqa: A002 (the API's field name)
) -> tuple[Inspection, bool]:
    """Record an inspection and issue its on-site record. Returns (inspection, created)."""
    if actor.organisation.kind != OrganisationKind.BUREAU or not actor.has_perm(perms.MANAGE_HAZARDS):
        raise PermissionDenied()
    if id is not None:
        existing = Inspection.objects.filter(pk=id).first()
        if existing is not None:
            if existing.created_by_id != actor.pk or existing.enterprise_id != enterprise.pk or existing.date != date:
                raise DomainError("inspection_id_taken", field="id", status=409)
            return existing, False
    if date > timezone.localdate():
        raise DomainError("date_in_future", field="date")
    for name, value in (("place", place), ("representatives", representatives)):
        if not (value or "").strip():
            raise DomainError("required", field=name)
    officers = _check_inspectors(actor, enterprise, inspectors, date)
    if assignment is not None and assignment.enterprise_id != enterprise.pk:
        raise DomainError("document_other_unit", field="assignment")
    items = {item.pk: item for item in template.items.all()}
    for item_id, result in results.items():
        if item_id not in items:
            raise DomainError("checklist_item_unknown", field="results", item=item_id)
        if result not in ItemResult.values:
            raise DomainError("invalid", field=f"results.{item_id}")
    missing = [item.order for item in items.values() if item.pk not in results]
    if missing:
        raise DomainError("checklist_incomplete", field="results", items=", ".join(map(str, sorted(missing))))
    inspection = Inspection(
        id=id or uuid.uuid4(),
        enterprise=enterprise,
        division_code=enterprise.division_id,
        organisation=actor.organisation,
        assignment=assignment,
        template=template,
        date=date,
        place=place.strip(),
        representatives=representatives.strip(),
        findings=(findings or "").strip(),
        created_by=actor,
    )
    failed = [items[i] for i, result in results.items() if result == ItemResult.FAIL]
    summary = "\n".join(f"{item.order}. {item.text}（{item.legal_basis}）：不符合" for item in failed)
    try:
        with transaction.atomic():
            inspection.save(force_insert=True)
            inspection.inspectors.set(officers)
            InspectionItem.objects.bulk_create(
                [InspectionItem(inspection=inspection, item=items[i], result=r) for i, r in results.items()]
            )
            body = {
                "place": inspection.place,
                "findings": "\n".join(filter(None, [inspection.findings, summary])) or "未发现问题",
            }
            inspection.record = document_issue(actor, kind="inspection_record", enterprise=enterprise, body=body)
            inspection.save(update_fields=["record"])
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=inspection,
                object_repr=f"{enterprise.name} {date.isoformat()}",
                after=snapshot(inspection) | {"inspectors": [p.username for p in officers], "results": results},
                ip=current_ip(),
                division_code=inspection.division_code,
                organisation_id=enterprise.organisation_id,
            )
    except IntegrityError:  # the same id at the same moment: the first one won
        return Inspection.objects.get(pk=inspection.pk), False
    return inspection, True


def photo_add(actor, inspection: Inspection, *, upload, caption: str = "") -> EvidencePhoto:
    """Attach an evidence photo: a real JPEG, PNG or WebP image under the size limit, kept with its hash."""
    if actor.organisation_id != inspection.organisation_id:
        raise PermissionDenied()
    content_type, sha256 = check_photo(upload)
    photo = EvidencePhoto(
        inspection=inspection,
        file=upload,
        sha256=sha256,
        content_type=content_type,
        size=upload.size,
        caption=(caption or "").strip()[:300],
        uploaded_by=actor,
    )
    with transaction.atomic():
        photo.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=photo,
            object_repr=f"{inspection.enterprise.name} {photo.sha256[:12]}",
            after=snapshot(photo),
            ip=current_ip(),
            division_code=inspection.division_code,
            organisation_id=inspection.enterprise.organisation_id,
        )
    return photo
