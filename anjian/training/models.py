"""Training: trainees, courses and hours, the question bank, papers, exams and attempts, certificates and reviews."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.models import Organisation, Person
from anjian.enterprises.models import Enterprise
from anjian.training import rules


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR_MIDDLE = "junior_middle", _("Junior middle school")
    SENIOR_HIGH = "senior_high", _("Senior high school")
    COLLEGE = "college", _("College or university")


class Audience(models.TextChoices):
    PRINCIPAL = rules.PRINCIPAL, _("Principal")
    SAFETY_MANAGER = rules.SAFETY_MANAGER, _("Safety manager")
    SPECIAL_OPERATOR = rules.SPECIAL_OPERATOR, _("Special operator")
    WORKER = rules.WORKER, _("Worker")


class Trainee(models.Model):
    """A person being trained or examined. Names are free text of any script; the ID number is checked.

    `division_code` is the scope anchor: the employer's county, or the registering organisation's division.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    born_on = models.DateField(_("date of birth"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    employer = models.ForeignKey(
        Enterprise, verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    audience = models.CharField(_("trained as"), max_length=20, choices=Audience.choices)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    photo = models.FileField(_("photo"), upload_to="trainees/%Y/", blank=True)
    division_code = models.CharField(max_length=6)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="trainees")
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainee"
    )  # the examinee's own account, once one is made
    registered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["division_code", "name"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        permissions = [
            ("manage_training", "Register trainees, run courses and record attendance"),
            ("view_id_numbers", "See trainees' ID numbers in full"),
        ]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="trainee_division_prefix"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def high_risk(self) -> bool:
        return self.employer is not None and bool(
            rules.HIGH_RISK_CATEGORIES & set(self.employer.categories.values_list("category", flat=True))
        )


class CourseKind(models.TextChoices):
    INITIAL = "initial", _("First training")
    YEARLY = "yearly", _("Yearly re-training")
    REVIEW = "review", _("Review training")


class Course(models.Model):
    """A course of the catalogue: who it is for, which special operation (if any), its kind and hours."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="courses")
    division_code = models.CharField(max_length=6)
    name = models.CharField(_("name"), max_length=200)
    audience = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=CourseKind.choices)
    operation_item = models.CharField(_("special operation item"), max_length=8, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["audience", "name"]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="course_division_prefix"),
        ]

    def __str__(self) -> str:
        return self.name


class CourseSession(models.Model):
    """One running of a course: its dates, venue and the hours it gives."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    venue = models.CharField(_("venue"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["-starts_on"]


class Attendance(models.Model):
    """A trainee's hours at a session: the ledger is the sum of these."""

    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="attendance")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="attendance")
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="attendance_once")]


class QuestionKind(models.TextChoices):
    SINGLE = rules.SINGLE, _("Single choice")
    MULTIPLE = rules.MULTIPLE, _("Multiple choice")
    JUDGE = rules.JUDGE, _("True or false")
    PRACTICAL = rules.PRACTICAL, _("Practical task")


class Question(models.Model):
    """A question of the bank: its tags; its text lives in versions, so an edit never changes a finished exam."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="questions")
    division_code = models.CharField(max_length=6)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    category = models.CharField(_("special operation category"), max_length=4, blank=True)
    operation_item = models.CharField(_("special operation item"), max_length=8, blank=True)
    knowledge_point = models.CharField(_("knowledge point"), max_length=100, blank=True)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"))
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1)  # the current version's number
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "operation_item", "kind", "pk"]
        indexes = [models.Index(fields=["kind", "category", "operation_item", "difficulty"])]


class QuestionVersion(models.Model):
    """One immutable text of a question, in Chinese, Tibetan or both."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text_zh = models.TextField(_("text (Chinese)"), blank=True)
    text_bo = models.TextField(_("text (Tibetan)"), blank=True)
    options = models.JSONField(default=list)  # [{"zh": ..., "bo": ...}], in their original order
    answer = models.JSONField(default=list)  # indexes of the right options
    sheet = models.JSONField(default=list)  # practical: [{"key", "label", "max"}]
    explanation = models.TextField(_("explanation"), blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question_id", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="question_version_once")]


class PaperRule(models.Model):
    """How a theory paper is drawn: lines of (kind, tags, difficulty, count, points) totalling 100 points."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="paper_rules")
    division_code = models.CharField(max_length=6)
    name = models.CharField(_("name"), max_length=200)
    operation_item = models.CharField(_("special operation item"), max_length=8, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"))
    items = models.JSONField(default=list)  # [{"kind", "count", "points", "knowledge_point", "difficulty"}]
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["operation_item", "name"]


class ExamSession(models.Model):
    """A sitting of an exam: its paper rule, venue, the window in which examinees may start, the proctors."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="exam_sessions")
    division_code = models.CharField(max_length=6)
    name = models.CharField(_("name"), max_length=200)
    paper_rule = models.ForeignKey(PaperRule, on_delete=models.PROTECT, related_name="exams")
    venue = models.CharField(_("venue"), max_length=200)
    starts_at = models.DateTimeField(_("opens at"))
    ends_at = models.DateTimeField(_("closes at"))
    proctors = models.ManyToManyField(Person, blank=True, related_name="proctored_exams")
    # The practical task examiners score, pinned to the version of the day.
    practical = models.ForeignKey("QuestionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]


class Candidate(models.Model):
    """A trainee admitted to an exam session, with an admission ticket and an access code (kept as a hash)."""

    exam = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="candidates")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="candidacies")
    ticket = models.CharField(_("admission ticket"), max_length=40, unique=True)
    code_hash = models.CharField(max_length=64)
    sitting = models.PositiveSmallIntegerField(default=1)  # 2: the one retake
    theory_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    practical_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    result = models.CharField(max_length=10, default="pending")  # pending, pass, fail
    practical_sheet = models.JSONField(default=dict, blank=True)  # {criterion key: score}
    practical_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Wrong access codes for this ticket: after LOGIN_FAILURE_LIMIT of them, it is locked a while (guessing).
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exam", "trainee"], name="candidate_once")]


class ExamToken(models.Model):
    """An examinee's token for the exam API, issued for the ticket and its access code (only its hash kept)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)


class Attempt(models.Model):
    """An examinee's online theory exam: the paper drawn from a recorded seed, the server's clock, the answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="attempt")
    seed = models.CharField(max_length=64)
    paper = models.JSONField(default=list)  # [{"question", "version", "kind", "order", "points"}]
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)


class Answer(models.Model):
    """The latest answer to one question of an attempt; `seq` orders retries, so an old one never wins."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.PositiveIntegerField()
    given = models.JSONField(default=list)  # positions in the order the examinee saw
    seq = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="answer_once")]


class Certificate(models.Model):
    """A special operation certificate (特种作业操作证): valid 6 years, reviewed every 3 (6 for long compliant
    holders); suspension and revocation end its validity."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="certificates")
    candidate = models.OneToOneField(Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("special operation category"), max_length=4)
    operation_item = models.CharField(_("special operation item"), max_length=8)
    issued_on = models.DateField(_("issued on"))
    first_issued_on = models.DateField(_("first issued on"))
    valid_until = models.DateField(_("valid until"))
    last_review_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"))
    suspended = models.BooleanField(default=False)
    revoked = models.BooleanField(default=False)
    # A review failed for a reason that ends the certificate at once (ill health, violations, a penalty,
    # refusing inspection): void from that day.
    voided_on = models.DateField(_("void since"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "number"]
        indexes = [models.Index(fields=["next_review_due"]), models.Index(fields=["valid_until"])]

    def status(self, today) -> str:
        return rules.certificate_status(
            today, self.valid_until, self.next_review_due, self.suspended, self.revoked, self.voided_on
        )


class CertificateCounter(models.Model):
    """The last number issued under a prefix (T + province + year): its row lock serialises numbering, so numbers run
    on without gaps or collisions whichever bureau or institution of the province issues."""

    prefix = models.CharField(max_length=10, primary_key=True)
    last = models.PositiveIntegerField(default=0)


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class CertificateReview(models.Model):
    """A review (复审) of a certificate: what was found, and the outcome (Order 30 Arts. 21-25)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="reviews")
    due_on = models.DateField(_("review due on"))  # the due date this review answers
    reviewed_on = models.DateField(_("reviewed on"))
    training_hours = models.DecimalField(_("review training hours"), max_digits=6, decimal_places=1)
    violations = models.PositiveSmallIntegerField(_("violations"), default=0)
    serious_violation = models.BooleanField(_("a serious violation"), default=False)
    penalised = models.BooleanField(_("penalised"), default=False)
    refused_inspection = models.BooleanField(_("refused inspection"), default=False)
    fit = models.BooleanField(_("fit for the work"), default=True)
    exam_passed = models.BooleanField(_("review exam passed"), null=True, blank=True)
    long_compliant = models.BooleanField(_("10 years of continuous compliant work"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    failure = models.CharField(max_length=40, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]


class CertificateAction(models.Model):
    """A suspension, its end, or a revocation, with its reason (the history the certificate's page shows)."""

    class Kind(models.TextChoices):
        SUSPEND = "suspend", pgettext_lazy("certificate", "Suspended")
        REINSTATE = "reinstate", _("Suspension lifted")
        REVOKE = "revoke", pgettext_lazy("certificate", "Revoked")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
