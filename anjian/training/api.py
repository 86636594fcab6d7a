"""The training API: trainees, courses, hours, compliance, the question bank, papers, exams, certificates."""

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import HttpBearer

from anjian.core.api import ERRORS, Page
from anjian.core.schemas import InputSchema
from anjian.enterprises.selectors import get_enterprise_for
from anjian.training import permissions as perms
from anjian.training import rules, selectors, services
from anjian.training.models import Audience, CourseKind, Education, QuestionKind

router = Router(tags=["training"])


class TraineeIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, description="in any script; many Tibetan names have no surname")
    id_number: str = Field(min_length=1, max_length=18, description="citizen ID number, checked (GB 11643)")
    audience: Literal[tuple(Audience.values)] = Field(  # type: ignore[valid-type]
        description="trained as: principal, safety_manager, special_operator or worker"
    )
    education: Literal[tuple(Education.values) + ("",)] = ""  # type: ignore[valid-type]
    employer: int | None = Field(None, ge=1, le=2**63 - 1, description="the unit's id in the registry")
    employer_name: str = Field("", max_length=200, description="the employer, when it is not registered")
    phone: str = Field("", max_length=50)


class TraineeOut(Schema):
    id: UUID
    name: str
    id_number: str = Field(
        description="masked to the first 6 and last 4 characters, except for trainers who may see it in full"
    )
    born_on: date
    education: str
    audience: str
    employer: int | None = Field(description="the unit's id in the registry, when registered")
    employer_name: str
    division_code: str = Field(description="the employer's county, or the registering organisation's division")
    has_photo: bool
    created_at: datetime


def trainee_out(person, trainee) -> dict:
    return {
        "id": trainee.id,
        "name": trainee.name,
        "id_number": selectors.shown_id_number(person, trainee),
        "born_on": trainee.born_on,
        "education": trainee.education,
        "audience": trainee.audience,
        "employer": trainee.employer_id,
        "employer_name": trainee.employer_name,
        "division_code": trainee.division_code,
        "has_photo": bool(trainee.photo),
        "created_at": trainee.created_at,
    }


class _Out:
    """A page of trainees, each shaped for the person asking (masking is per person)."""

    def __init__(self, person, qs):
        self.person, self.qs = person, qs

    def __len__(self):
        return self.qs.count()

    def count(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [trainee_out(self.person, t) for t in self.qs[item]]


@router.get("/trainees", response=list[TraineeOut])
@paginate(Page)
def list_trainees(request, q: str = Query("", max_length=100)):
    """The trainees of your area (a bureau), your own (an institution) or your employees (a unit)."""
    qs = selectors.trainees_visible_to(request.auth)
    if q:
        qs = qs.filter(name__icontains=q)
    return _Out(request.auth, qs.order_by("name", "id"))


@router.post("/trainees", response={201: TraineeOut, **ERRORS})
def register_trainee(request, payload: TraineeIn):
    """Register a person for training (trainers of a bureau or a training institution)."""
    data = payload.dict()
    if payload.employer is not None:
        data["employer"] = get_enterprise_for(request.auth, payload.employer)
    trainee = services.trainee_register(request.auth, **data)
    return 201, trainee_out(request.auth, trainee)


@router.get("/trainees/{trainee_id}", response={200: TraineeOut, **ERRORS})
def get_trainee(request, trainee_id: UUID):
    return trainee_out(request.auth, selectors.get_trainee_for(request.auth, trainee_id))


@router.post("/trainees/{trainee_id}/photo", response={200: TraineeOut, **ERRORS})
def upload_photo(request, trainee_id: UUID, file: UploadedFile = File(...)):
    """The trainee's photo (JPEG, PNG or WebP, at most PHOTO_MAX_BYTES), for the certificate."""
    trainee = selectors.get_trainee_for(request.auth, trainee_id)
    return trainee_out(request.auth, services.trainee_photo(request.auth, trainee, file))


# --- courses, sessions, attendance, hours ----------------------------------------------------------------------------


class CourseIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    audience: Literal[tuple(Audience.values)]  # type: ignore[valid-type]
    kind: Literal[tuple(CourseKind.values)] = Field(  # type: ignore[valid-type]
        description="initial (first training), yearly (re-training) or review (a certificate's review)"
    )
    operation_item: str = Field("", max_length=8, description="a special operation item, e.g. 1.2")
    hours: Decimal = Field(gt=0, le=1000, max_digits=6, decimal_places=1)


class SessionOut(Schema):
    id: int
    starts_on: date
    ends_on: date
    venue: str
    hours: Decimal


class CourseOut(Schema):
    id: int
    name: str
    audience: str
    kind: str
    operation_item: str
    hours: Decimal
    organisation_id: int
    sessions: list[SessionOut] = []

    @staticmethod
    def resolve_sessions(course) -> list:
        return list(course.sessions.all())


class SessionIn(InputSchema):
    starts_on: date
    ends_on: date
    venue: str = Field(min_length=1, max_length=200)
    hours: Decimal | None = Field(
        None, gt=0, le=1000, max_digits=6, decimal_places=1, description="default: the course's"
    )


class AttendanceIn(InputSchema):
    trainee: UUID
    hours: Decimal | None = Field(
        None, gt=0, le=1000, max_digits=6, decimal_places=1, description="default: the session's"
    )


class AttendanceOut(Schema):
    trainee: UUID = Field(alias="trainee_id")
    hours: Decimal


class LedgerEntry(Schema):
    on: date
    course: str
    kind: str
    hours: Decimal


class LedgerOut(Schema):
    high_risk: bool = Field(description="employed by a mine, hazardous chemicals, fireworks or metal smelting unit")
    required_initial: int | None
    required_yearly: int | None
    initial_done: Decimal
    by_year: dict[int, Decimal]
    entries: list[LedgerEntry]


class ComplianceOut(Schema):
    trainee: UUID
    name: str
    employer: int | None
    employer_name: str
    division_code: str
    audience: str
    basis: Literal["initial", "yearly"]
    required: int | None
    done: Decimal
    shortfall: Decimal
    compliant: bool


@router.get("/courses", response=list[CourseOut])
@paginate(Page)
def list_courses(request):
    return selectors.courses_visible_to(request.auth).prefetch_related("sessions")


@router.post("/courses", response={201: CourseOut, **ERRORS})
def create_course(request, payload: CourseIn):
    return 201, services.course_create(request.auth, **payload.dict())


@router.get("/courses/{course_id}", response={200: CourseOut, **ERRORS})
def get_course(request, course_id: int):
    return selectors.get_course_for(request.auth, course_id)


@router.post("/courses/{course_id}/sessions", response={201: SessionOut, **ERRORS})
def create_session(request, course_id: int, payload: SessionIn):
    course = selectors.get_course_for(request.auth, course_id)
    return 201, services.session_create(request.auth, course, **payload.dict())


@router.post("/sessions/{session_id}/attendance", response={200: list[AttendanceOut], **ERRORS})
def record_attendance(request, session_id: int, payload: list[AttendanceIn]):
    """Credit trainees with their hours, all or nothing; a trainee sent again is corrected."""
    session = selectors.get_session_for(request.auth, session_id)
    entries = [(selectors.get_trainee_for(request.auth, item.trainee), item.hours) for item in payload]
    return services.attendance_record(request.auth, session, entries)


@router.get("/trainees/{trainee_id}/hours", response={200: LedgerOut, **ERRORS})
def trainee_hours(request, trainee_id: UUID):
    """The trainee's hours against the initial and yearly hours Order 3 requires."""
    return selectors.ledger(selectors.get_trainee_for(request.auth, trainee_id))


@router.get("/training/compliance", response=list[ComplianceOut])
@paginate(Page)
def training_compliance(
    request,
    year: int = Query(None, ge=2000, le=2100),
    audience: Literal["managers", "workers"] = Query("managers"),
    division: str = Query("", pattern=r"^(\d{6})?$"),
    enterprise: int | None = Query(None, ge=1, le=2**63 - 1),
):
    """Principals and safety managers (or workers) in scope with the hours the year requires of them."""
    from django.utils import timezone

    from anjian.training import rules

    unit = get_enterprise_for(request.auth, enterprise) if enterprise else None
    audiences = (rules.PRINCIPAL, rules.SAFETY_MANAGER) if audience == "managers" else (rules.WORKER,)
    rows = selectors.compliance(
        request.auth, year or timezone.localdate().year, audiences=audiences, division=division, enterprise=unit
    )
    return [
        {
            "trainee": r["trainee"].pk,
            "name": r["trainee"].name,
            "employer": r["trainee"].employer_id,
            "employer_name": r["trainee"].employer_name,
            "division_code": r["trainee"].division_code,
            "audience": r["trainee"].audience,
            **{k: r[k] for k in ("basis", "required", "done", "shortfall", "compliant")},
        }
        for r in rows
    ]


# --- the question bank -----------------------------------------------------------------------------------------------


class OptionIn(InputSchema):
    zh: str = Field("", max_length=500)
    bo: str = Field("", max_length=1000)


class CriterionIn(InputSchema):
    key: str = Field(min_length=1, max_length=20)
    label: str = Field("", max_length=300)
    max: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=1)


class QuestionIn(InputSchema):
    kind: Literal[tuple(QuestionKind.values)]  # type: ignore[valid-type]
    category: str = Field("", max_length=4, description="special operation category, 1–11 (default: the item's)")
    operation_item: str = Field("", max_length=8, description="e.g. 1.2")
    knowledge_point: str = Field("", max_length=100)
    difficulty: int = Field(ge=1, le=5)
    text_zh: str = Field("", max_length=5000)
    text_bo: str = Field("", max_length=10000)
    options: list[OptionIn] = Field([], max_length=8, description="choices; true-or-false questions have their own")
    answer: list[int] = Field([], max_length=8, description="indexes of the right options (true: [0], false: [1])")
    sheet: list[CriterionIn] = Field(
        [], max_length=50, description="a practical task's scoring sheet, maxima total 100"
    )
    explanation: str = Field("", max_length=5000)
    active: bool = True


class VersionOut(Schema):
    number: int
    text_zh: str
    text_bo: str
    options: list[dict]
    answer: list[int] | None = Field(description="shown to trainers only")
    sheet: list[dict]
    explanation: str
    created_at: datetime


class QuestionOut(Schema):
    id: int
    kind: str
    category: str
    operation_item: str
    knowledge_point: str
    difficulty: int
    active: bool
    version: int
    current: VersionOut
    versions: int


def question_out(person, question) -> dict:
    versions = sorted(question.versions.all(), key=lambda v: v.number)
    current = versions[-1]
    trainer = person.has_perm(perms.MANAGE_TRAINING)
    return {
        **{f: getattr(question, f) for f in ("id", "kind", "category", "operation_item", "knowledge_point")},
        "difficulty": question.difficulty,
        "active": question.active,
        "version": question.version,
        "versions": len(versions),
        "current": {
            **{f: getattr(current, f) for f in ("number", "text_zh", "text_bo", "options", "sheet", "created_at")},
            "answer": current.answer if trainer else None,
            "explanation": current.explanation if trainer else "",
        },
    }


class QuestionFilter(Schema):
    kind: Literal[tuple(QuestionKind.values) + ("",)] = ""  # type: ignore[valid-type]
    category: str = Field("", max_length=4)
    operation_item: str = Field("", max_length=8)
    difficulty: int | None = Field(None, ge=1, le=5)
    q: str = Field("", max_length=100)


class _Lazy:
    """A queryset that pagination slices first, each row shaped afterwards."""

    def __init__(self, qs, shape):
        self.qs, self.shape = qs, shape

    def __len__(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [self.shape(row) for row in self.qs[item]]


class _Questions:
    def __init__(self, person, qs):
        self.person, self.qs = person, qs

    def __len__(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [question_out(self.person, q) for q in self.qs[item]]


@router.get("/questions", response=list[QuestionOut])
@paginate(Page)
def list_questions(request, filters: QuestionFilter = Query(...)):
    """The question bank you may use, filtered by tags; answers are shown to trainers only."""
    from django.db.models import Q

    qs = selectors.questions_visible_to(request.auth).prefetch_related("versions")
    for name in ("kind", "category", "operation_item", "difficulty"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.q:
        qs = qs.filter(Q(versions__text_zh__icontains=filters.q) | Q(versions__text_bo__icontains=filters.q)).distinct()
    return _Questions(request.auth, qs.order_by("pk"))


@router.post("/questions", response={201: QuestionOut, **ERRORS})
def create_question(request, payload: QuestionIn):
    question = services.question_create(request.auth, payload.dict())
    return 201, question_out(request.auth, selectors.get_question_for(request.auth, question.pk))


class ImportRow(Schema):
    line: int
    ok: bool
    code: str
    field: str
    message: str


class ImportOut(Schema):
    rows: list[ImportRow]
    valid: int
    invalid: int
    created: int = Field(description="0 for a preview, or when any row is invalid (all or nothing)")


@router.post("/questions/import", response={200: ImportOut, **ERRORS})
def import_questions(request, file: UploadedFile = File(...), preview: bool = Query(True)):
    """Import questions from xlsx or csv (UTF-8 or GB18030): `preview=true` (the default) checks every row and
    writes nothing; `preview=false` writes them all, or nothing when a row is wrong."""
    from anjian.enterprises.importing import check_small_upload

    check_small_upload(file)
    rows = services.parse_question_file(file.name or "", file.read())
    return services.questions_import(request.auth, rows, preview=preview)


@router.get("/questions/{question_id}", response={200: QuestionOut, **ERRORS})
def get_question(request, question_id: int):
    return question_out(request.auth, selectors.get_question_for(request.auth, question_id))


@router.put("/questions/{question_id}", response={200: QuestionOut, **ERRORS})
def edit_question(request, question_id: int, payload: QuestionIn):
    """A new version of the question; exams already drawn keep the version they were drawn with."""
    question = selectors.get_question_for(request.auth, question_id)
    services.question_edit(request.auth, question, payload.dict())
    return question_out(request.auth, selectors.get_question_for(request.auth, question_id))


# --- paper rules -----------------------------------------------------------------------------------------------------


class PaperLineIn(InputSchema):
    kind: Literal["single", "multiple", "judge"]
    count: int = Field(ge=1, le=500)
    points: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)
    knowledge_point: str = Field("", max_length=100)
    difficulty: int | None = Field(None, ge=1, le=5)


class PaperRuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    operation_item: str = Field("", max_length=8, description="draw from the questions of this item")
    items: list[PaperLineIn] = Field(min_length=1, max_length=50, description="lines totalling 100 points")
    duration_minutes: int | None = Field(None, ge=10, le=600, description="default 120 (the theory exam)")
    pass_mark: int | None = Field(None, ge=1, le=100, description="default 80 of 100")


class PaperRuleOut(Schema):
    id: int
    name: str
    operation_item: str
    duration_minutes: int
    pass_mark: int
    items: list[dict]
    organisation_id: int


class DrawnQuestion(Schema):
    question: int
    version: int
    kind: str
    points: Decimal
    text_zh: str
    text_bo: str
    options: list[dict] = Field(description="in the order the examinee sees them")
    answer: list[int] = Field(description="positions of the right options in that order")


@router.get("/papers", response=list[PaperRuleOut])
@paginate(Page)
def list_paper_rules(request):
    return selectors.paper_rules_visible_to(request.auth)


@router.post("/papers", response={201: PaperRuleOut, **ERRORS})
def create_paper_rule(request, payload: PaperRuleIn):
    """A rule for drawing theory papers; each line must find enough questions in the bank."""
    return 201, services.paper_rule_create(request.auth, **payload.dict())


@router.get("/papers/{rule_id}", response={200: PaperRuleOut, **ERRORS})
def get_paper_rule(request, rule_id: int):
    return selectors.get_paper_rule_for(request.auth, rule_id)


@router.get("/papers/{rule_id}/draw", response={200: list[DrawnQuestion], **ERRORS})
def preview_draw(request, rule_id: int, seed: str = Query(min_length=1, max_length=100)):
    """The paper this seed gives (for trainers checking a rule): the same seed always gives the same paper."""
    from anjian.core.errors import PermissionDenied
    from anjian.training.models import QuestionVersion

    if not request.auth.has_perm(perms.MANAGE_TRAINING):
        raise PermissionDenied()
    rule = selectors.get_paper_rule_for(request.auth, rule_id)
    paper = services.paper_draw(rule, seed)
    versions = QuestionVersion.objects.in_bulk([line["version"] for line in paper])
    out = []
    for line in paper:
        version = versions[line["version"]]
        out.append(
            {
                **{k: line[k] for k in ("question", "version", "kind", "points")},
                "text_zh": version.text_zh,
                "text_bo": version.text_bo,
                "options": [version.options[i] for i in line["order"]],
                "answer": sorted(line["order"].index(a) for a in version.answer),
            }
        )
    return out


# --- exams and the online exam ---------------------------------------------------------------------------------------


class ExamTokenAuth(HttpBearer):
    """An examinee's token (POST /exam-tokens): the exam endpoints answer to it, and only for its own attempt."""

    def authenticate(self, request, token):
        from anjian.training.exams import candidate_for_token

        return candidate_for_token(token)


class ExamIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    paper_rule: int = Field(ge=1, le=2**63 - 1)
    venue: str = Field(min_length=1, max_length=200)
    starts_at: datetime = Field(description="the exam opens (examinees may start from then)")
    ends_at: datetime = Field(description="the exam closes: every attempt ends by then")
    proctors: list[str] = Field([], description="usernames of the proctors")
    practical: int | None = Field(None, ge=1, le=2**63 - 1, description="a practical question of the bank")


class ExamOut(Schema):
    id: int
    name: str
    paper_rule: int = Field(alias="paper_rule_id")
    venue: str
    starts_at: datetime
    ends_at: datetime


class CandidateIn(InputSchema):
    trainee: UUID


class CandidateOut(Schema):
    id: int
    trainee: UUID
    ticket: str = Field(description="the admission ticket number")
    code: str | None = Field(description="the access code, shown once when the candidate is admitted")
    sitting: int = Field(description="1, or 2 for the one retake")
    theory_score: Decimal | None
    practical_score: Decimal | None
    result: str


class TokenIn(InputSchema):
    ticket: str = Field(min_length=1, max_length=40)
    code: str = Field(min_length=1, max_length=20)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class PaperQuestion(Schema):
    question: int
    kind: str
    points: Decimal
    text_zh: str
    text_bo: str
    options: list[dict]


class SavedAnswer(Schema):
    answer: list[int]
    seq: int
    saved_at: datetime


class AttemptOut(Schema):
    id: UUID
    exam: int
    status: Literal["in_progress", "submitted"]
    started_at: datetime
    ends_at: datetime = Field(description="by the server's clock, the only clock")
    server_time: datetime
    seconds_left: int
    timed_out: bool
    questions: list[PaperQuestion]
    answers: dict[str, SavedAnswer]
    score: Decimal | None


class AnswerIn(InputSchema):
    answer: list[int] = Field(max_length=8, description="positions of the chosen options, as shown")
    seq: int = Field(ge=0, le=2**31 - 1, description="the client's counter: a retry sends the same, a newer save more")


def attempt_out(attempt) -> dict:
    from django.utils import timezone

    from anjian.training.models import QuestionVersion

    now = timezone.now()
    versions = QuestionVersion.objects.only("id", "text_zh", "text_bo", "options").in_bulk(
        [line["version"] for line in attempt.paper]
    )
    questions = []
    for line in attempt.paper:
        version = versions[line["version"]]
        questions.append(
            {
                "question": line["question"],
                "kind": line["kind"],
                "points": Decimal(line["points"]),
                "text_zh": version.text_zh,
                "text_bo": version.text_bo,
                "options": [version.options[i] for i in line["order"]],
            }
        )
    return {
        "id": attempt.pk,
        "exam": attempt.candidate.exam_id,
        "status": "submitted" if attempt.submitted_at else "in_progress",
        "started_at": attempt.started_at,
        "ends_at": attempt.ends_at,
        "server_time": now,
        # Rounded up: a client counting down never reaches 0 before the server's end.
        "seconds_left": 0 if attempt.submitted_at else max(math.ceil((attempt.ends_at - now).total_seconds()), 0),
        "timed_out": attempt.timed_out,
        "questions": questions,
        "answers": {
            str(a.question): {"answer": a.given, "seq": a.seq, "saved_at": a.saved_at} for a in attempt.answers.all()
        },
        "score": attempt.score,
    }


@router.post("/exams", response={201: ExamOut, **ERRORS})
def create_exam(request, payload: ExamIn):
    from django.utils import timezone as tz

    from anjian.core.errors import DomainError
    from anjian.training import exams

    for name in ("starts_at", "ends_at"):
        if tz.is_naive(getattr(payload, name)):
            raise DomainError("time_needs_offset", field=name)
    return 201, exams.exam_schedule(request.auth, **payload.dict())


@router.get("/exams", response=list[ExamOut])
@paginate(Page)
def list_exams(request):
    return selectors.exams_visible_to(request.auth)


@router.post("/exams/{exam_id}/candidates", response={201: list[CandidateOut], **ERRORS})
def admit_candidates(request, exam_id: int, payload: list[CandidateIn]):
    """Admit trainees; each gets an admission ticket and an access code, shown only in this answer."""
    from django.db import transaction

    from anjian.training import exams

    exam = selectors.get_exam_for(request.auth, exam_id)
    out = []
    with transaction.atomic():
        for item in payload:
            trainee = selectors.get_trainee_for(request.auth, item.trainee)
            candidate, code = exams.candidate_admit(request.auth, exam, trainee)
            out.append(_candidate_out(candidate, code))
    return 201, out


def _candidate_out(candidate, code=None) -> dict:
    return {
        "id": candidate.pk,
        "trainee": candidate.trainee_id,
        "ticket": candidate.ticket,
        "code": code,
        "sitting": candidate.sitting,
        "theory_score": candidate.theory_score,
        "practical_score": candidate.practical_score,
        "result": candidate.result,
    }


@router.get("/exams/{exam_id}/candidates", response={200: list[CandidateOut], **ERRORS})
def list_candidates(request, exam_id: int):
    """The candidates and their results (attempts whose time is up are handed in first)."""
    from django.utils import timezone

    from anjian.training import exams

    exam = selectors.get_exam_for(request.auth, exam_id)
    exams.close_overdue(exam, timezone.now())
    return [_candidate_out(c) for c in exam.candidates.order_by("ticket")]


class NewCodeOut(Schema):
    ticket: str
    code: str = Field(description="the new access code, shown only in this answer")


@router.post("/exams/{exam_id}/candidates/{candidate_id}/code", response={200: NewCodeOut, **ERRORS})
def new_access_code(request, exam_id: int, candidate_id: int):
    """A new access code for an examinee (a lost slip, a ticket locked after wrong codes): the old code and its
    tokens end and the lock is lifted."""
    from anjian.core.errors import NotFound
    from anjian.training import exams

    exam = selectors.get_exam_for(request.auth, exam_id)
    candidate = exam.candidates.select_related("exam", "trainee").filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound()
    return {"ticket": candidate.ticket, "code": exams.candidate_new_code(request.auth, candidate)}


@router.post("/exam-tokens", auth=None, response={201: TokenOut, **ERRORS})
def issue_exam_token(request, payload: TokenIn):
    """An examinee signs in with the admission ticket and access code; the token opens their own exam only."""
    from anjian.training import exams

    token, key = exams.token_issue(payload.ticket, payload.code)
    return 201, {"token": key, "expires_at": token.expires_at}


def _own_attempt(request, attempt_id):
    from anjian.core.errors import NotFound
    from anjian.training.models import Attempt

    attempt = next(iter(Attempt.objects.filter(pk=attempt_id, candidate=request.auth)[:1]), None)
    if attempt is None:  # unknown, or another examinee's: the same answer
        raise NotFound()
    attempt.candidate = request.auth
    return attempt


@router.post("/exams/{exam_id}/attempts", auth=ExamTokenAuth(), response={200: AttemptOut, 201: AttemptOut, **ERRORS})
def start_attempt(request, exam_id: int):
    """Start the exam, or come back to it after a lost connection: the same attempt, its answers kept."""
    from anjian.core.errors import NotFound
    from anjian.training import exams
    from anjian.training.models import Candidate

    if request.auth.exam_id != exam_id:
        raise NotFound()
    candidate = Candidate.objects.select_related("exam__paper_rule", "trainee").get(pk=request.auth.pk)
    attempt, created = exams.attempt_start(candidate)
    attempt.candidate = candidate
    return (201 if created else 200), attempt_out(attempt)


@router.get("/attempts/{attempt_id}", auth=ExamTokenAuth(), response={200: AttemptOut, **ERRORS})
def get_attempt(request, attempt_id: UUID):
    """The attempt by the server's clock: past its end, it is handed in as it stood."""
    from django.utils import timezone

    from anjian.training import exams

    attempt = _own_attempt(request, attempt_id)
    if attempt.submitted_at is None and timezone.now() >= attempt.ends_at:
        exams.time_out(attempt, timezone.now())
        attempt = _own_attempt(request, attempt_id)
    return attempt_out(attempt)


@router.put("/attempts/{attempt_id}/answers/{question}", auth=ExamTokenAuth(), response={200: SavedAnswer, **ERRORS})
def save_answer(request, attempt_id: UUID, question: int, payload: AnswerIn):
    """Autosave: idempotent (the same `seq` again changes nothing), refused after the time or the submission. The
    answer returned is the one kept: when it differs from the one sent, a newer save is on the server."""
    from anjian.training import exams

    answer = exams.answer_save(request.auth.pk, attempt_id, question, payload.answer, payload.seq)
    return {"answer": answer.given, "seq": answer.seq, "saved_at": answer.saved_at}


@router.post("/attempts/{attempt_id}/submit", auth=ExamTokenAuth(), response={200: AttemptOut, **ERRORS})
def submit_attempt(request, attempt_id: UUID):
    """Hand in the exam: objective questions are graded at once; a second submission is refused."""
    from anjian.training import exams

    exams.attempt_submit(_own_attempt(request, attempt_id))
    return attempt_out(_own_attempt(request, attempt_id))


# --- practical tasks, certificates -----------------------------------------------------------------------------------


class PracticalIn(InputSchema):
    scores: dict[str, Decimal] = Field(description="the score of each line of the task's sheet, by its key")


@router.post("/exams/{exam_id}/candidates/{candidate_id}/practical", response={200: CandidateOut, **ERRORS})
def score_practical(request, exam_id: int, candidate_id: int, payload: PracticalIn):
    """An examiner scores the practical task on its sheet; the result combines both parts, 80 of 100 each."""
    from anjian.core.errors import NotFound
    from anjian.training import exams

    exam = selectors.get_exam_for(request.auth, exam_id)
    candidate = exam.candidates.select_related("trainee", "exam__practical").filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound()
    return _candidate_out(exams.practical_score(request.auth, candidate, payload.scores))


class CertificateIn(InputSchema):
    candidate: int = Field(ge=1, le=2**63 - 1, description="the passed candidate of an exam")


class CertificateOut(Schema):
    number: str
    trainee: UUID
    name: str
    category: str
    operation_item: str
    issued_on: date
    valid_until: date
    next_review_due: date
    status: str


def certificate_out(certificate) -> dict:
    from django.utils import timezone

    return {
        **{f: getattr(certificate, f) for f in ("number", "category", "operation_item", "issued_on", "valid_until")},
        "trainee": certificate.trainee_id,
        "name": certificate.trainee.name,
        "next_review_due": certificate.next_review_due,
        "status": certificate.status(timezone.localdate()),
    }


@router.post("/certificates", response={201: CertificateOut, **ERRORS})
def issue_certificate(request, payload: CertificateIn):
    """Issue the certificate of a passed candidate (numbered, valid 6 years, reviewed every 3)."""
    from anjian.core.errors import NotFound
    from anjian.training import exams
    from anjian.training.models import Candidate

    candidate = (
        Candidate.objects.select_related("exam__paper_rule", "trainee")
        .filter(pk=payload.candidate, exam__in=selectors.exams_visible_to(request.auth))
        .first()
    )
    if candidate is None:
        raise NotFound()
    return 201, certificate_out(exams.certificate_issue(request.auth, candidate))


class VerifyOut(Schema):
    valid: bool = Field(description="the certificate may be relied on today")
    holder: str = Field(description="the holder's name, masked")
    category: str
    operation_item: str
    valid_until: date
    next_review_due: date
    status: str = Field(description="valid, review_due, void (not reviewed in time), expired, suspended or revoked")


@router.get("/certificates/verify", auth=None, response={200: VerifyOut, **ERRORS}, tags=["public"])
def verify_certificate(
    request, number: str = Query(min_length=1, max_length=40), name: str = Query(min_length=1, max_length=200)
):
    """Public, no login: check a certificate by its number and its holder's name. An unknown number and a name
    that does not match answer the same 404."""
    from django.utils import timezone

    from anjian.core.errors import NotFound
    from anjian.training import exams, rules

    certificate = exams.certificate_verify(number, name)
    if certificate is None:
        raise NotFound()
    status = certificate.status(timezone.localdate())
    return {
        "valid": status in ("valid", "review_due"),
        "holder": rules.mask_name(certificate.trainee.name),
        "category": certificate.category,
        "operation_item": certificate.operation_item,
        "valid_until": certificate.valid_until,
        "next_review_due": certificate.next_review_due,
        "status": status,
    }


class CertificateDetailOut(CertificateOut):
    first_issued_on: date
    last_review_on: date | None
    review_window_opens: date = Field(description="from this day the review may be taken (60 days before it is due)")
    employer: int | None
    employer_name: str
    division_code: str
    status_reason: str = Field(
        description="the reason given for a suspension or revocation, or the failed review's rule code (review_unfit, "
        "review_violations, review_penalised, review_refused_inspection) when a review voided it"
    )


def certificate_detail(certificate) -> dict:
    trainee = certificate.trainee
    return {
        **certificate_out(certificate),
        "first_issued_on": certificate.first_issued_on,
        "last_review_on": certificate.last_review_on,
        "review_window_opens": rules.review_window_opens(certificate.next_review_due),
        "employer": trainee.employer_id,
        "employer_name": trainee.employer.name if trainee.employer else trainee.employer_name,
        "division_code": certificate.division_code,
        "status_reason": certificate.status_reason,
    }


CertificateStatus = Literal["valid", "review_due", "void", "expired", "suspended", "revoked"]


@router.get("/certificates", response=list[CertificateDetailOut])
@paginate(Page)
def list_certificates(
    request,
    q: str = Query("", max_length=100, description="number or holder's name"),
    status: CertificateStatus | None = Query(None),  # type: ignore[valid-type]
    operation_item: str = Query("", max_length=8),
    enterprise: int | None = Query(None, ge=1, le=2**63 - 1),
):
    """Certificates in the caller's scope, newest first."""
    from django.utils import timezone

    qs = selectors.certificates_filter(
        selectors.certificates_visible_to(request.auth),
        timezone.localdate(),
        q=q,
        status=status,
        operation_item=operation_item,
        enterprise=enterprise,
    )
    return _Lazy(qs, certificate_detail)


class DueOut(Schema):
    number: str
    name: str
    operation_item: str
    employer: int | None
    employer_name: str
    division_code: str
    kind: Literal["review", "expiry"] = Field(description="review: a review falls due; expiry: its validity ends")
    due_on: date
    days_left: int
    review_window_opens: date
    status: str


class DueCountOut(Schema):
    review: int
    expiry: int


class DueDivisionOut(DueCountOut):
    division: str
    name: str


class DueUnitOut(DueCountOut):
    enterprise: int | None
    name: str


class DueListOut(Schema):
    within_days: int
    items: list[DueOut]
    by_division: list[DueDivisionOut] = Field(description="per bureau: the divisions one level below the caller's")
    by_unit: list[DueUnitOut]


@router.get("/certificates/due", response={200: DueListOut, **ERRORS})
def certificates_due(
    request,
    within: int = Query(90, ge=1, le=366, description="days ahead"),
    division: str = Query("", pattern=r"^(\d{6})?$"),
    enterprise: int | None = Query(None, ge=1, le=2**63 - 1),
):
    """Reviews and expiries falling due in the next `within` days (90 by default), soonest first, with their
    counts per bureau and per unit."""
    from django.utils import timezone

    today = timezone.localdate()
    unit = get_enterprise_for(request.auth, enterprise) if enterprise else None
    due = selectors.certificates_due(request.auth, today, within, division=division, enterprise=unit)
    return {
        "within_days": within,
        "items": [
            {
                "number": i["certificate"].number,
                "name": i["certificate"].trainee.name,
                "operation_item": i["certificate"].operation_item,
                "employer": i["certificate"].trainee.employer_id,
                "employer_name": i["certificate"].trainee.employer.name
                if i["certificate"].trainee.employer
                else i["certificate"].trainee.employer_name,
                "division_code": i["certificate"].division_code,
                "kind": i["kind"],
                "due_on": i["due_on"],
                "days_left": i["days_left"],
                "review_window_opens": i["window_opens"],
                "status": i["certificate"].status(today),
            }
            for i in due["items"]
        ],
        "by_division": due["by_division"],
        "by_unit": due["by_unit"],
    }


@router.get("/certificates/{number}", response={200: CertificateDetailOut, **ERRORS})
def get_certificate(request, number: str):
    return certificate_detail(selectors.get_certificate_for(request.auth, number))


class ReviewIn(InputSchema):
    violations: int = Field(0, ge=0, le=1000, description="violations since the last review")
    serious_violation: bool = False
    penalised: bool = Field(False, description="an administrative penalty for a violation")
    refused_inspection: bool = False
    fit: bool = Field(True, description="fit for the work (health)")
    exam_passed: bool | None = Field(None, description="the review exam, when one was held")
    long_compliant: bool = Field(
        False, description="10 years of continuous compliant work in the same operation: asks the 6-year interval"
    )


class ReviewOut(Schema):
    id: int
    number: str
    due_on: date
    reviewed_on: date
    training_hours: Decimal = Field(description="review training attended in the year before the due date")
    outcome: Literal["passed", "failed"]
    failure: str = Field(description="the rule that failed it (an error code), empty when passed")
    next_review_due: date | None
    valid_until: date | None
    status: str = Field(description="the certificate's status after the review")


def review_out(review) -> dict:
    from django.utils import timezone

    return {
        **{
            f: getattr(review, f)
            for f in ("id", "due_on", "reviewed_on", "training_hours", "outcome", "failure", "next_review_due")
        },
        "valid_until": review.valid_until,
        "number": review.certificate.number,
        "status": review.certificate.status(timezone.localdate()),
    }


@router.post("/certificates/{number}/reviews", response={201: ReviewOut, **ERRORS})
def review_certificate(request, number: str, payload: ReviewIn):
    """Record the review of the certificate, inside its window (60 days before the due date up to it)."""
    from anjian.training import certificates

    certificate = selectors.get_certificate_for(request.auth, number)
    return 201, review_out(certificates.review_record(request.auth, certificate, **payload.dict()))


@router.get("/certificates/{number}/reviews", response={200: list[ReviewOut], **ERRORS})
def list_reviews(request, number: str):
    certificate = selectors.get_certificate_for(request.auth, number)
    return [review_out(r) for r in certificate.reviews.select_related("certificate")]


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


@router.post("/certificates/{number}/suspend", response={200: CertificateDetailOut, **ERRORS})
def suspend_certificate(request, number: str, payload: ReasonIn):
    """Suspend the certificate (暂扣): not valid until lifted."""
    from anjian.training import certificates

    certificate = selectors.get_certificate_for(request.auth, number)
    return certificate_detail(certificates.certificate_suspend(request.auth, certificate, payload.reason))


@router.post("/certificates/{number}/reinstate", response={200: CertificateDetailOut, **ERRORS})
def reinstate_certificate(request, number: str, payload: ReasonIn):
    """Lift a suspension."""
    from anjian.training import certificates

    certificate = selectors.get_certificate_for(request.auth, number)
    return certificate_detail(certificates.certificate_reinstate(request.auth, certificate, payload.reason))


@router.post("/certificates/{number}/revoke", response={200: CertificateDetailOut, **ERRORS})
def revoke_certificate(request, number: str, payload: ReasonIn):
    """Revoke the certificate (吊销) for good."""
    from anjian.training import certificates

    certificate = selectors.get_certificate_for(request.auth, number)
    return certificate_detail(certificates.certificate_revoke(request.auth, certificate, payload.reason))
