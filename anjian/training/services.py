"""Training services: register trainees (ID numbers checked), their photo. Each write audited."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError
from anjian.core.models import AuditAction, OrganisationKind
from anjian.core.photos import check_photo
from anjian.core.rules import id_number_birth_date, id_number_problem
from anjian.training import permissions as perms
from anjian.training.models import Audience, Education, Trainee

TRAINER_KINDS = (OrganisationKind.BUREAU, OrganisationKind.INSTITUTION)


def _trainer(actor):
    organisation = actor.organisation
    if organisation is None or organisation.kind not in TRAINER_KINDS or not actor.has_perm(perms.MANAGE_TRAINING):
        raise DomainError("not_a_trainer", status=403)
    return organisation


def _scope(trainee: Trainee) -> dict:
    return {"division_code": trainee.division_code, "organisation_id": trainee.organisation_id}


def trainee_register(
    actor,
    *,
    name: str,
    id_number: str,
    audience: str,
    education: str = "",
    employer=None,
    employer_name: str = "",
    phone: str = "",
) -> Trainee:
    """Register a person for training; the ID number is checked (GB 11643) and unique."""
    organisation = _trainer(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", field="name")
    id_number = (id_number or "").strip().upper()
    problem = id_number_problem(id_number, timezone.localdate())
    if problem:
        raise DomainError(problem, field="id_number")
    if audience not in Audience.values:
        raise DomainError("invalid", field="audience")
    if education and education not in Education.values:
        raise DomainError("education_unknown", field="education")
    trainee = Trainee(
        name=name[:200],
        id_number=id_number,
        born_on=id_number_birth_date(id_number),
        education=education,
        employer=employer,
        employer_name=(employer.name if employer is not None else (employer_name or "").strip())[:200],
        audience=audience,
        phone=(phone or "").strip()[:50],
        division_code=employer.division_id if employer is not None else organisation.division_id,
        organisation=organisation,
        registered_by=actor,
    )
    if Trainee.objects.filter(id_number=id_number).exists():
        raise DomainError("trainee_exists", field="id_number", status=409)
    try:
        with transaction.atomic():
            trainee.save(force_insert=True)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=trainee,
                after=snapshot(trainee, exclude=("id_number",)) | {"id_number": id_number[:6] + "…"},
                ip=current_ip(),
                **_scope(trainee),
            )
    except IntegrityError:  # the same person registered at the same moment elsewhere
        raise DomainError("trainee_exists", field="id_number", status=409) from None
    return trainee


def trainee_photo(actor, trainee: Trainee, upload) -> Trainee:
    _trainer(actor)
    _content_type, sha256 = check_photo(upload)
    with transaction.atomic():
        trainee.photo = upload
        trainee.save(update_fields=["photo"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=trainee,
            after={"photo": sha256},
            ip=current_ip(),
            **_scope(trainee),
        )
    return trainee
