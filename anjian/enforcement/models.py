"""Enforcement: certificates and recusals of inspectors, inspection plans and their random draws."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Organisation, Person
from anjian.enforcement.rules import ALL_STRATUM
from anjian.enterprises.models import Enterprise


class EnforcementCertificate(models.Model):
    """An officer's enforcement certificate (执法证): without a valid one, no inspection."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="enforcement_certificate")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    valid_until = models.DateField(_("valid until"))

    def __str__(self) -> str:
        return self.number


class Recusal(models.Model):
    """An officer who must not inspect a unit (回避): kin, former employer, any conflict of interest."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recusals")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "enterprise"], name="recusal_once")]


class InspectionPlan(models.Model):
    """A bureau's plan for a year: how many units of which categories are drawn for inspection."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspection_plans")
    division_code = models.CharField(max_length=6)  # the bureau's division: the plan's scope anchor
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "name"]
        permissions = [("manage_plans", "Plan inspections, draw, keep certificates and recusals")]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="plan_division_prefix")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class PlanStratum(models.Model):
    """One stratum of a plan: a regulated category ('' = every operating unit) and how many to draw."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="strata")
    category = models.CharField(_("regulated category"), max_length=30, blank=True)
    count = models.PositiveIntegerField(_("units to draw"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "category"], name="stratum_once")]

    @property
    def key(self) -> str:
        return self.category or ALL_STRATUM


class DrawState(models.TextChoices):
    COMMITTED = "committed", _("Seed committed, register frozen")
    DRAWN = "drawn", _("Drawn")
    PUBLISHED = "published", _("Published")


class Draw(models.Model):
    """One random draw of a plan. The commitment and the register snapshot are fixed before the
    seed is revealed; the selection is recomputable from them."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="draws")
    division_code = models.CharField(max_length=6)
    state = models.CharField(max_length=12, choices=DrawState.choices, default=DrawState.COMMITTED)
    seed_commitment = models.CharField(max_length=64)
    seed = models.CharField(max_length=64, blank=True)  # kept secret until the draw
    snapshot = models.JSONField()  # [[credit code, stratum], ...] in code order
    snapshot_digest = models.CharField(max_length=64)
    quotas = models.JSONField()  # {stratum: count}
    inspectors = models.JSONField()  # usernames eligible on the day
    recusals = models.JSONField()  # {credit code: [usernames]}
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    committed_at = models.DateTimeField(default=timezone.now)
    drawn_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-committed_at"]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="draw_division_prefix")
        ]


class DrawAssignment(models.Model):
    """A unit drawn, with the officers drawn to inspect it."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="assignments")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="draw_assignments")
    stratum = models.CharField(max_length=30)
    inspectors = models.ManyToManyField(Person, related_name="draw_assignments")

    class Meta:
        ordering = ["stratum", "enterprise__credit_code"]


class HazardGrade(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class HazardState(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFYING = "rectifying", _("Being rectified")
    SUBMITTED = "submitted", _("Submitted for verification")
    CLOSED = "closed", _("Closed")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("Found by an inspection")
    SELF_REPORT = "self_report", _("Reported by the unit")


class Hazard(models.Model):
    """A hazard (事故隐患) of a unit, followed until verified as rectified.

    The id may be supplied by the client (a field device): the same id twice
    is one hazard. Whether it is overdue is derived from `deadline`.
    """

    id = models.UUIDField(primary_key=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="hazards")
    inspection = models.ForeignKey(
        "Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )  # the inspection that found it, if one did
    division_code = models.CharField(max_length=6)  # the unit's county: the scope anchor
    organisation_id = models.BigIntegerField(null=True, blank=True)  # the unit's own organisation, if any
    source = models.CharField(_("source"), max_length=12, choices=HazardSource.choices)
    grade = models.CharField(_("grade"), max_length=8, choices=HazardGrade.choices)
    state = models.CharField(_("status"), max_length=12, choices=HazardState.choices, default=HazardState.OPEN)
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=300, blank=True)
    responsible_person = models.CharField(_("person responsible"), max_length=100)
    measures = models.TextField(_("rectification measures"), blank=True)
    deadline = models.DateField(_("rectification deadline"))
    listed_supervision = models.BooleanField(_("under listed supervision"), default=False)
    plan = models.JSONField(default=dict, blank=True)  # a major hazard's rectification plan (six parts)
    reported_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "created_at"]
        permissions = [("manage_hazards", "Record hazards and follow their rectification")]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="hazard_division_prefix"),
            models.Index(fields=["state", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name}: {self.description[:40]}"


class HazardEvent(models.Model):
    """One move of a hazard through its lifecycle, with who, when and why."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]


class DocumentKind(models.TextChoices):
    INSPECTION_RECORD = "inspection_record", _("On-site inspection record")
    RECTIFICATION_ORDER = "rectification_order", _("Order to rectify within a time limit")
    ONSITE_MEASURES = "onsite_measures", _("Decision on on-site measures")
    REVIEW_OPINION = "review_opinion", _("Rectification review opinion")
    CASE_FILING = "case_filing", _("Case filing approval form")
    CASE_HANDLING = "case_handling", _("Case handling approval form")
    COLLECTIVE_DISCUSSION = "collective_discussion", _("Record of the collective discussion")
    PENALTY_NOTICE = "penalty_notice", _("Notice of proposed administrative penalty")
    STATEMENT_RECORD = "statement_record", _("Record of statement and defence")
    HEARING_NOTICE = "hearing_notice", _("Notice of hearing")
    HEARING_RECORD = "hearing_record", _("Hearing record and report")
    PENALTY_DECISION = "penalty_decision", _("Decision on administrative penalty")
    ONSPOT_DECISION = "onspot_decision", _("Decision on administrative penalty (on the spot)")
    SERVICE_RECEIPT = "service_receipt", _("Receipt of service")
    PAYMENT_REMINDER = "payment_reminder", _("Reminder to pay a fine")
    ENFORCEMENT_APPLICATION = "enforcement_application", _("Application for compulsory enforcement")
    CASE_TRANSFER = "case_transfer", _("Letter transferring a case")
    CASE_CLOSING = "case_closing", _("Case closing approval form")


class DocumentCounter(models.Model):
    """The last number issued per bureau, kind and year; locked while a number is taken."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "kind", "year"], name="one_counter")]


class Document(models.Model):
    """An issued enforcement document. Never changed: a correction is a new version naming the old."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="documents")
    division_code = models.CharField(max_length=6)  # the unit's county: the scope anchor
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="documents")
    hazard = models.ForeignKey("Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    case = models.ForeignKey("Case", null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=60)
    body = models.JSONField()  # the form's fields, as issued
    refers_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followed_by"
    )  # a review opinion names the order it reviews
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    issued_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "year", "serial"], name="document_number_once")
        ]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="document_division_prefix")
        ]

    def __str__(self) -> str:
        return self.number


class ChecklistTemplate(models.Model):
    """A checklist for a regulated category ('' = every unit). Its items cite their legal basis."""

    category = models.CharField(_("regulated category"), max_length=30, unique=True, blank=True)
    name = models.CharField(_("name"), max_length=200)

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    legal_basis = models.CharField(max_length=200)

    class Meta:
        ordering = ["template", "order"]


class ItemResult(models.TextChoices):
    PASS = "pass", _("Complies")
    FAIL = "fail", _("Does not comply")
    NOT_APPLICABLE = "na", _("Not applicable")


class Inspection(models.Model):
    """An on-site inspection. The id may come from a field device: the same id twice is one inspection."""

    id = models.UUIDField(primary_key=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="inspections")
    division_code = models.CharField(max_length=6)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspections")
    assignment = models.ForeignKey(
        "DrawAssignment", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300)
    inspectors = models.ManyToManyField(Person, related_name="inspections")
    representatives = models.CharField(_("the unit's representatives"), max_length=300)
    findings = models.TextField(_("findings"), blank=True)
    record = models.OneToOneField(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="inspection")
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="inspection_division_prefix")
        ]


class InspectionItem(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=4, choices=ItemResult.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["item__order"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="item_result_once")]


class EvidencePhoto(models.Model):
    """A photo taken on site: its type and size checked, its SHA-256 kept with it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="evidence/")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)


# ------------------------------------------------------------ penalty cases
class LegalBasis(models.Model):
    """An article that defines a violation and the penalties it allows, with the fine ranges where known.

    Loaded as data (data/legal_bases.json); the ranges are in yuan, both ends included.
    """

    code = models.CharField(max_length=40, unique=True)
    law = models.CharField(_("law or regulation"), max_length=100)
    article = models.CharField(_("article"), max_length=40)
    summary = models.CharField(_("violation"), max_length=300)
    kinds = models.JSONField(default=list)  # the penalty kinds the article provides
    unit_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    individual_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    individual_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    effective_from = models.DateField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.law} {self.article}"


class Procedure(models.TextChoices):
    GENERAL = "general", _("General procedure")
    SIMPLE = "simple", _("Simple procedure (on the spot)")


class PartyKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    INDIVIDUAL = "individual", _("Individual")


class CaseState(models.TextChoices):
    FILING = "filing", _("Awaiting filing approval")
    INVESTIGATING = "investigating", _("Investigation and evidence")
    REVIEWING = "reviewing", _("Legal review")
    REVIEWED = "reviewed", _("Reviewed")
    NOTIFIED = "notified", _("Notice of proposed penalty issued")
    NOTICE_SERVED = "notice_served", _("Statement and defence")
    HEARING_REQUESTED = "hearing_requested", _("Hearing requested")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    HEARD = "heard", _("Hearing held")
    DECIDED = "decided", _("Decided")
    SERVED = "served", _("Decision served")
    PAID = "paid", _("Fine paid")
    ENFORCEMENT = "enforcement", _("Compulsory enforcement applied for")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    PENDING = "", _("Not decided")
    PENALTY = "penalty", _("Penalty")
    NO_PENALTY_MINOR = "no_penalty_minor", _("No penalty: minor and corrected in time")
    NO_PENALTY_UNFOUNDED = "no_penalty_unfounded", _("No penalty: facts not established")
    TRANSFERRED = "transferred", _("Transferred to the judicial authorities")
    NOT_FILED = "not_filed", _("Not filed")


class DecisionStatus(models.TextChoices):
    NONE = "", _("No decision")
    IN_FORCE = "in_force", _("In force")
    CHANGED = "changed", _("Changed")
    REVOKED = "revoked", _("Revoked")


class Case(models.Model):
    """An administrative penalty case. Its dates are set by its steps; deadlines are derived from them.

    The id may be supplied by the client: the same id twice is one case.
    """

    id = models.UUIDField(primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    division_code = models.CharField(max_length=6)  # the unit's county: the scope anchor
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=60, blank=True)
    procedure = models.CharField(_("procedure"), max_length=8, choices=Procedure.choices)
    party_kind = models.CharField(_("party"), max_length=10, choices=PartyKind.choices)
    party_name = models.CharField(_("name of the party"), max_length=200)
    party_id_number = models.CharField(_("ID number of the party"), max_length=18, blank=True)
    party_address = models.CharField(_("address of the party"), max_length=300, blank=True)
    summary = models.CharField(_("cause of the case"), max_length=300)
    act_date = models.DateField(_("date of the violation"))
    inspection = models.ForeignKey("Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    hazard = models.ForeignKey("Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    investigators = models.ManyToManyField(Person, related_name="cases")
    state = models.CharField(_("stage"), max_length=20, choices=CaseState.choices, default=CaseState.FILING)
    outcome = models.CharField(_("outcome"), max_length=24, choices=CaseOutcome.choices, blank=True, default="")
    decision_status = models.CharField(
        _("decision"), max_length=10, choices=DecisionStatus.choices, blank=True, default=""
    )
    hearing_eligible = models.BooleanField(default=False)
    fine = models.DecimalField(_("fine"), max_digits=14, decimal_places=2, default=0)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=0)
    penalty_text = models.CharField(_("penalty"), max_length=500, blank=True)  # as decided (or as changed)
    filed_on = models.DateField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    notice_served_on = models.DateField(null=True, blank=True)
    hearing_requested_on = models.DateField(null=True, blank=True)
    hearing_date = models.DateField(null=True, blank=True)
    discussed = models.BooleanField(default=False)
    decided_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    disclosure_due = models.DateField(null=True, blank=True)
    disclosed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    next_due = models.DateField(null=True, blank=True)  # the earliest deadline still to meet
    next_due_kind = models.CharField(max_length=20, blank=True)
    last_step_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("handle_cases", "Open and handle penalty cases"),
            ("approve_cases", "Approve filing, decide and close penalty cases"),
            ("review_cases", "Review penalty cases as the legal officer"),
        ]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="case_division_prefix"),
            # The bureau's "due this week / overdue" lists: only open deadlines, the division read from the index.
            models.Index(
                fields=["next_due", "created_at"],
                include=["division_code"],
                condition=models.Q(next_due__isnull=False),
                name="case_next_due",
            ),
            models.Index(fields=["organisation", "decided_on"], name="case_decided"),
            models.Index(fields=["disclosed_on"], name="case_disclosed"),
        ]

    def __str__(self) -> str:
        return self.number or self.summary


class Violation(models.Model):
    """One violation of a case: what was done, against which article, and the penalties proposed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violations")
    order = models.PositiveSmallIntegerField(default=1)
    basis = models.ForeignKey(LegalBasis, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    basis_text = models.CharField(_("legal basis"), max_length=300)  # the article cited, as written
    facts = models.TextField(_("facts"))

    class Meta:
        ordering = ["case", "order"]


class PenaltyKind(models.TextChoices):
    """The kinds of rules.PENALTY_KINDS, with their names (Administrative Penalty Law Art. 9)."""

    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscation of illegal gains or property")
    SUSPENSION = "suspension", _("Suspension of production or business")
    LICENCE_REVOCATION = "licence_revocation", _("Suspension or revocation of a licence")
    CLOSURE = "closure", _("Closure")


class Penalty(models.Model):
    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="penalties")
    kind = models.CharField(_("penalty kind"), max_length=20, choices=PenaltyKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)


class EvidenceKind(models.TextChoices):
    DOCUMENTARY = "documentary", _("Documentary evidence")
    PHYSICAL = "physical", _("Physical evidence")
    TESTIMONY = "testimony", _("Witness testimony")
    STATEMENT = "statement", _("Statement of the party")
    EXPERT = "expert", _("Expert opinion")
    RECORD = "record", _("Inspection or on-site record")
    AUDIOVISUAL = "audiovisual", _("Photo, audio or video")
    ELECTRONIC = "electronic", _("Electronic data")


class Evidence(models.Model):
    """An item of evidence, with its file's SHA-256 when one is attached."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    violation = models.ForeignKey(Violation, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    kind = models.CharField(_("kind of evidence"), max_length=12, choices=EvidenceKind.choices)
    description = models.CharField(_("description"), max_length=500)
    collected_on = models.DateField(_("collected on"))
    file = models.FileField(upload_to="case-evidence/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    added_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["collected_on", "id"]


class CaseStep(models.Model):
    """One step of a case: what, when it happened, who recorded it, the document it wrote. Never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    at = models.DateTimeField()
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
