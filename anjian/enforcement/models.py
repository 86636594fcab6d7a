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
