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
from anjian.training.models import (
    Attendance,
    Audience,
    Course,
    CourseKind,
    CourseSession,
    Education,
    PaperRule,
    Question,
    QuestionVersion,
    Trainee,
)

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


# --- the question bank -----------------------------------------------------------------------------------------------

QUESTION_TAGS = ("kind", "category", "operation_item", "knowledge_point", "difficulty")


def question_clean(data: dict) -> dict:
    """A question's fields, checked; every problem names its field."""
    kind = data.get("kind")
    options = [
        {"zh": str(o.get("zh", "")).strip()[:500], "bo": str(o.get("bo", "")).strip()[:1000]}
        for o in (data.get("options") or [])
    ]
    if kind == rules.JUDGE:
        options = [dict(o) for o in rules.JUDGE_OPTIONS]
    answer = list(data.get("answer") or [])
    sheet = [
        {"key": str(c.get("key", "")).strip()[:20], "label": str(c.get("label", "")).strip()[:300], "max": c.get("max")}
        for c in (data.get("sheet") or [])
    ]
    problem = rules.question_problem(kind, data.get("text_zh", ""), data.get("text_bo", ""), options, answer, sheet)
    if problem:
        raise DomainError(problem[0], field=problem[1])
    difficulty = data.get("difficulty")
    if not isinstance(difficulty, int) or difficulty not in rules.DIFFICULTIES:
        raise DomainError("difficulty_invalid", field="difficulty")
    item = (data.get("operation_item") or "").strip()
    category = (data.get("category") or "").strip()
    items = rules.item_codes()
    if item:
        if item not in items:
            raise DomainError("operation_item_unknown", field="operation_item", item=item)
        category = category or items[item]
    if category and category not in set(items.values()) | {"11"}:
        raise DomainError("invalid", field="category")
    return {
        "kind": kind,
        "category": category,
        "operation_item": item,
        "knowledge_point": (data.get("knowledge_point") or "").strip()[:100],
        "difficulty": difficulty,
        "text_zh": (data.get("text_zh") or "").strip(),
        "text_bo": (data.get("text_bo") or "").strip(),
        "options": options if kind != rules.PRACTICAL else [],
        "answer": answer if kind != rules.PRACTICAL else [],
        "sheet": [{**c, "max": float(Decimal(str(c["max"])))} for c in sheet] if kind == rules.PRACTICAL else [],
        "explanation": (data.get("explanation") or "").strip()[:5000],
    }


def _store_question(actor, organisation, cleaned: dict) -> Question:
    question = Question.objects.create(
        organisation=organisation,
        division_code=organisation.division_id,
        **{k: cleaned[k] for k in QUESTION_TAGS},
    )
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        created_by=actor,
        **{k: cleaned[k] for k in ("text_zh", "text_bo", "options", "answer", "sheet", "explanation")},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=question,
        object_repr=(cleaned["text_zh"] or cleaned["text_bo"])[:80],
        after=snapshot(question) | {"version": snapshot(version)},
        ip=current_ip(),
        division_code=question.division_code,
        organisation_id=organisation.pk,
    )
    return question


def question_create(actor, data: dict) -> Question:
    organisation = _trainer(actor)
    cleaned = question_clean(data)
    with transaction.atomic():
        return _store_question(actor, organisation, cleaned)


def question_edit(actor, question: Question, data: dict) -> Question:
    """An edit is a new version: exams drawn before keep the text they were drawn with."""
    organisation = _trainer(actor)
    if question.organisation_id != organisation.pk:
        raise DomainError("question_not_yours", status=403)
    cleaned = question_clean({**data, "kind": question.kind})
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        before = snapshot(locked)
        for name in QUESTION_TAGS:
            setattr(locked, name, cleaned[name])
        locked.version += 1
        if "active" in data:
            locked.active = bool(data["active"])
        locked.save()
        version = QuestionVersion.objects.create(
            question=locked,
            number=locked.version,
            created_by=actor,
            **{k: cleaned[k] for k in ("text_zh", "text_bo", "options", "answer", "sheet", "explanation")},
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            object_repr=(cleaned["text_zh"] or cleaned["text_bo"])[:80],
            before=before,
            after=snapshot(locked) | {"version": snapshot(version)},
            ip=current_ip(),
            division_code=locked.division_code,
            organisation_id=organisation.pk,
        )
    return locked


IMPORT_COLUMNS = (
    "kind",
    "category",
    "operation_item",
    "knowledge_point",
    "difficulty",
    "text_zh",
    "text_bo",
    *(f"option_{letter.lower()}" for letter in rules.LETTERS),
    *(f"option_{letter.lower()}_bo" for letter in rules.LETTERS),
    "answer",
    "explanation",
)
KIND_WORDS = {
    "单选": rules.SINGLE,
    "单选题": rules.SINGLE,
    "多选": rules.MULTIPLE,
    "多选题": rules.MULTIPLE,
    "判断": rules.JUDGE,
    "判断题": rules.JUDGE,
}


def parse_question_file(name: str, content: bytes) -> list[dict]:
    """Rows of a question spreadsheet (xlsx, or csv in UTF-8 or GB18030) with the IMPORT_COLUMNS header."""
    from anjian.enterprises.importing import read_upload

    table = read_upload(name, content)
    header = [str(h).strip().lower() for h in table[0]]
    missing = [c for c in ("kind", "difficulty", "answer") if c not in header]
    if missing or ("text_zh" not in header and "text_bo" not in header):
        raise DomainError("file_columns_missing", field="file", columns=", ".join(missing or ["text_zh"]))
    rows = []
    for values in table[1:]:
        if not any(str(v).strip() for v in values):
            continue
        raw = {h: ("" if v is None else str(v).strip()) for h, v in zip(header, values, strict=False)}
        kind = KIND_WORDS.get(raw.get("kind", ""), raw.get("kind", ""))
        options = []
        for letter in rules.LETTERS.lower():
            zh, bo = raw.get(f"option_{letter}", ""), raw.get(f"option_{letter}_bo", "")
            if zh or bo:
                options.append({"zh": zh, "bo": bo})
        difficulty = raw.get("difficulty", "")
        rows.append(
            {
                "kind": kind,
                "category": raw.get("category", "").removesuffix(".0"),
                "operation_item": raw.get("operation_item", ""),
                "knowledge_point": raw.get("knowledge_point", ""),
                "difficulty": int(float(difficulty)) if difficulty.replace(".", "", 1).isdigit() else None,
                "text_zh": raw.get("text_zh", ""),
                "text_bo": raw.get("text_bo", ""),
                "options": options,
                "answer": rules.parse_answer(kind, raw.get("answer", "")) or ["?"],
                "explanation": raw.get("explanation", ""),
            }
        )
    return rows


def questions_import(actor, rows: list[dict], *, preview: bool) -> dict:
    """Check every row; with `preview`, only say what would happen; otherwise write all or nothing."""
    organisation = _trainer(actor)
    results, cleaned_rows = [], []
    for line, row in enumerate(rows, start=2):
        try:
            cleaned_rows.append(question_clean(row))
            results.append({"line": line, "ok": True, "code": "", "field": "", "message": ""})
        except DomainError as error:
            results.append(
                {"line": line, "ok": False, "code": error.code, "field": error.field or "", "message": error.message}
            )
    bad = [r for r in results if not r["ok"]]
    created = 0
    if not preview and not bad:
        with transaction.atomic():
            for cleaned in cleaned_rows:
                _store_question(actor, organisation, cleaned)
                created += 1
    return {"rows": results, "valid": len(results) - len(bad), "invalid": len(bad), "created": created}


# --- paper rules -----------------------------------------------------------------------------------------------------


def _bank_codes(organisation_division: str) -> list[str]:
    """The divisions whose banks a keeper draws from: its own and those of the bureaus above it."""
    from anjian.core.models import Division
    from anjian.core.selectors import ancestry

    division = Division.objects.select_related("parent__parent__parent").filter(code=organisation_division).first()
    return [code for code, _level in ancestry(division)] if division else []


def _pool(codes: list[str], operation_item: str, line: dict):
    """The active questions a paper line draws from, in the banks of `codes` (_bank_codes)."""
    qs = Question.objects.filter(active=True, kind=line["kind"], division_code__in=codes)
    if operation_item:
        qs = qs.filter(operation_item=operation_item)
    if line.get("knowledge_point"):
        qs = qs.filter(knowledge_point=line["knowledge_point"])
    if line.get("difficulty"):
        qs = qs.filter(difficulty=line["difficulty"])
    return qs


def paper_rule_create(
    actor, *, name: str, operation_item: str = "", items: list[dict], duration_minutes=None, pass_mark=None
) -> PaperRule:
    """A rule for drawing theory papers; every line must find enough questions in the bank now."""
    organisation = _trainer(actor)
    version = rules.rules_for(timezone.localdate())
    name = (name or "").strip()
    if not name:
        raise DomainError("required", field="name")
    if operation_item and operation_item not in rules.item_codes():
        raise DomainError("operation_item_unknown", field="operation_item", item=operation_item)
    lines = []
    for index, item in enumerate(items or [], start=1):
        if item.get("kind") not in rules.OBJECTIVE_KINDS:
            raise DomainError("paper_rule_invalid", field=f"items.{index}.kind")
        lines.append(
            rules.PaperItem(
                kind=item["kind"],
                count=int(item.get("count") or 0),
                points=Decimal(str(item.get("points") or 0)),
                knowledge_point=(item.get("knowledge_point") or "").strip(),
                difficulty=item.get("difficulty") or None,
            )
        )
    problem = rules.paper_rule_problem(lines, version.full_marks)
    if problem:
        raise DomainError(problem, field="items")
    stored = []
    codes = _bank_codes(organisation.division_id)
    for index, line in enumerate(lines, start=1):
        entry = {
            "kind": line.kind,
            "count": line.count,
            "points": str(line.points),
            "knowledge_point": line.knowledge_point,
            "difficulty": line.difficulty,
        }
        available = _pool(codes, operation_item, entry).count()
        if available < line.count:
            raise DomainError(
                "paper_pool_too_small", field=f"items.{index}", line=index, count=line.count, available=available
            )
        stored.append(entry)
    rule = PaperRule(
        organisation=organisation,
        division_code=organisation.division_id,
        name=name[:200],
        operation_item=operation_item,
        duration_minutes=duration_minutes or version.theory_minutes,
        pass_mark=pass_mark or version.pass_mark,
        items=stored,
        created_by=actor,
    )
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=rule,
            after=snapshot(rule),
            ip=current_ip(),
            division_code=rule.division_code,
            organisation_id=organisation.pk,
        )
    return rule


def paper_draw(rule: PaperRule, seed: str) -> list[dict]:
    """The paper a seed gives under a rule: each question's current version, its option order and its points.

    The same seed and bank give the same paper; an exam records the seed and the versions it drew."""
    from django.db.models import F

    codes = _bank_codes(rule.division_code)
    lines = [list(_pool(codes, rule.operation_item, line).values_list("pk", flat=True)) for line in rule.items]
    # Each question's current version: its id, kind and how many options (nothing else is read).
    current = {
        question: (version, kind, len(options))
        for version, question, kind, options in QuestionVersion.objects.filter(
            question_id__in={pk for pool in lines for pk in pool}, number=F("question__version")
        ).values_list("pk", "question_id", "question__kind", "options")
    }
    pools = [[(pk, current[pk][2]) for pk in pool if pk in current] for pool in lines]
    counts = [line["count"] for line in rule.items]
    try:
        drawn = rules.draw_paper(seed, pools, counts)
    except ValueError:  # the bank has shrunk since the rule was made: name the line that lacks
        index = next(
            (i for i, (pool, n) in enumerate(zip(pools, counts, strict=True)) if len(pool) < n), len(pools) - 1
        )
        raise DomainError(
            "paper_pool_too_small", field="items", line=index + 1, count=counts[index], available=len(pools[index])
        ) from None
    return [
        {
            "question": pk,
            "version": current[pk][0],
            "kind": current[pk][1],
            "order": order,
            "points": Decimal(rule.items[line]["points"]),
        }
        for pk, order, line in drawn
    ]
