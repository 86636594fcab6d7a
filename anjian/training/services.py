"""Training services: register trainees (ID numbers checked), their photo. Each write audited."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, OrganisationKind
from anjian.core.photos import check_photo
from anjian.core.rules import id_number_birth_date, id_number_problem
from anjian.training import permissions as perms
from anjian.training import rules
from anjian.training.models import Attendance, Audience, Course, CourseKind, CourseSession, Education, Trainee

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


# --- courses, sessions, attendance ---------------------------------------------------------------------------------

MAX_HOURS = Decimal(1000)


def _hours(value, field: str, maximum: Decimal = MAX_HOURS) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError("invalid", field=field) from None
    if not hours.is_finite() or hours <= 0 or hours > maximum:
        raise DomainError("hours_invalid", field=field, max=maximum)
    return hours.quantize(Decimal("0.1"))


def course_create(actor, *, name: str, audience: str, kind: str, hours, operation_item: str = "") -> Course:
    organisation = _trainer(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("required", field="name")
    if audience not in Audience.values:
        raise DomainError("invalid", field="audience")
    if kind not in CourseKind.values:
        raise DomainError("invalid", field="kind")
    if operation_item:
        if audience != Audience.SPECIAL_OPERATOR:
            raise DomainError("operation_item_only_special", field="operation_item")
        if operation_item not in rules.item_codes():
            raise DomainError("operation_item_unknown", field="operation_item", item=operation_item)
    course = Course(
        organisation=organisation,
        division_code=organisation.division_id,
        name=name[:200],
        audience=audience,
        kind=kind,
        operation_item=operation_item,
        hours=_hours(hours, "hours"),
    )
    with transaction.atomic():
        course.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=course,
            after=snapshot(course),
            ip=current_ip(),
            division_code=course.division_code,
            organisation_id=organisation.pk,
        )
    return course


def session_create(actor, course: Course, *, starts_on, ends_on, venue: str, hours=None) -> CourseSession:
    organisation = _trainer(actor)
    if course.organisation_id != organisation.pk:
        raise PermissionDenied()
    if ends_on < starts_on:
        raise DomainError("session_dates_invalid", field="ends_on")
    if not (venue or "").strip():
        raise DomainError("required", field="venue")
    session = CourseSession(
        course=course,
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue.strip()[:200],
        hours=_hours(course.hours if hours is None else hours, "hours"),
    )
    with transaction.atomic():
        session.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=session,
            object_repr=f"{course.name} {starts_on.isoformat()}",
            after=snapshot(session),
            ip=current_ip(),
            division_code=course.division_code,
            organisation_id=organisation.pk,
        )
    return session


def attendance_record(actor, session: CourseSession, entries: list[tuple[Trainee, object]]) -> list[Attendance]:
    """Credit trainees with their hours at a session, all or nothing; recording a trainee again corrects it."""
    organisation = _trainer(actor)
    if session.course.organisation_id != organisation.pk:
        raise PermissionDenied()
    if session.starts_on > timezone.localdate():
        raise DomainError("attendance_before_session", field="session")
    cleaned = []
    for trainee, hours in entries:
        value = _hours(hours if hours is not None else session.hours, "hours")
        if value > session.hours:
            raise DomainError("attendance_hours_exceed", field="hours", name=trainee.name, hours=session.hours)
        cleaned.append((trainee, value))
    saved = []
    with transaction.atomic():
        for trainee, hours in cleaned:
            record, created = Attendance.objects.update_or_create(
                session=session, trainee=trainee, defaults={"hours": hours, "recorded_by": actor}
            )
            saved.append(record)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE if created else AuditAction.UPDATE,
                instance=record,
                object_repr=f"{session.course.name} · {trainee.name}",
                after={"session": session.pk, "trainee": str(trainee.pk), "hours": hours},
                ip=current_ip(),
                **_scope(trainee),
            )
    return saved
