"""Aid to the region: plans of the supporting units, their items in four forms with steps, the funds ledger,
project milestones, talent, supervision of aid, and each bureau's capability indicators with targets and history."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.aid import rules
from anjian.core.models import Division, Organisation, Person


class Form(models.TextChoices):
    FUNDS = rules.FUNDS, _("Funds")
    PROJECT = rules.PROJECT, _("Project")
    TECHNICAL = rules.TECHNICAL, _("Technical support")
    TALENT = rules.TALENT, _("Talent")


class AidPlan(models.Model):
    """A supporting unit's plan for a period (e.g. a five-year plan) with the bureaus it supports."""

    supporter = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="aid_plans")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    summary = models.TextField(_("summary"), blank=True)
    receivers = models.ManyToManyField(Organisation, related_name="aid_received_plans", verbose_name=_("receivers"))
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "title"]
        permissions = [
            ("keep_aid", "Keep aid plans and items, post ledger entries, deliver and accept milestones"),
            ("supervise_aid", "Inspect aid funds and projects and follow up their rectification"),
            ("keep_capability", "Keep the capability indicators, targets and values of bureaus"),
        ]

    def __str__(self) -> str:
        return self.title


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class AidItem(models.Model):
    """One item of a plan: what is given to which bureau, in which form, by whom on each side, by when.

    `division_code` (the receiving bureau's division) is the scope anchor."""

    plan = models.ForeignKey(AidPlan, on_delete=models.PROTECT, related_name="items")
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    receiver = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="aid_items_received")
    division_code = models.CharField(max_length=6)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    purpose = models.CharField(_("purpose of the funds"), max_length=300, blank=True)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    supporter_contact = models.CharField(_("responsible (supporting side)"), max_length=200)
    receiver_contact = models.CharField(_("responsible (receiving side)"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    indicators = models.ManyToManyField("Indicator", blank=True, related_name="aid_items")
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "form", "title"]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="aiditem_division_prefix"),
        ]

    def __str__(self) -> str:
        return self.title


class ItemStep(models.Model):
    """An implementation step of an item with its deadline."""

    item = models.ForeignKey(AidItem, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    description = models.CharField(_("step"), max_length=300)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="aid_step_order_unique")]


class EntryKind(models.TextChoices):
    COMMITMENT = rules.COMMITMENT, _("Commitment")
    TRANSFER = rules.TRANSFER, _("Transfer")
    RECEIPT = rules.RECEIPT, _("Receipt")
    EXPENDITURE = rules.EXPENDITURE, _("Expenditure")
    REVERSAL = rules.REVERSAL, _("Reversal")


class LedgerEntry(models.Model):
    """A line of an item's funds ledger. Nothing is edited or deleted: the model refuses, a database trigger refuses
    UPDATE (and DELETE on PostgreSQL); a mistake is taken back by a reversal naming the entry."""

    item = models.ForeignKey(AidItem, on_delete=models.PROTECT, related_name="ledger")
    uuid = models.UUIDField(null=True, blank=True)  # a client's id for the entry: sent again, the same entry answers
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    evidence = models.FileField(_("evidence"), upload_to="aid/evidence/%Y/", blank=True)
    evidence_note = models.CharField(_("evidence (voucher number, bank reference)"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="aid_ledger_seq_unique"),
            models.UniqueConstraint(fields=["uuid"], name="aid_ledger_uuid_unique"),
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="aid_ledger_amount_positive"),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            from anjian.core.errors import DomainError

            raise DomainError("ledger_append_only", status=409)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from anjian.core.errors import DomainError

        raise DomainError("ledger_append_only", status=409)


class Milestone(models.Model):
    """A milestone of a project (or of any item): planned, delivered by the supporting side, accepted by the
    receiving bureau (quality, quantity, on time) with evidence."""

    item = models.ForeignKey(AidItem, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    planned_on = models.DateField(_("planned for"))
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    deliverables = models.TextField(_("deliverables"), blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivery_note = models.TextField(_("delivery note"), blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quality_ok = models.BooleanField(_("quality as agreed"), null=True)
    quantity_ok = models.BooleanField(_("quantity in full"), null=True)
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="aid/milestones/%Y/", blank=True)

    class Meta:
        ordering = ["item", "planned_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="aid_milestone_weight_positive")]


class TalentKind(models.TextChoices):
    SENT = "sent", _("Cadre sent to the region")
    TRAINED = "trained", _("Regional staff trained elsewhere")
    EXCHANGE = "exchange", _("Two-way exchange")


class TalentRecord(models.Model):
    item = models.ForeignKey(AidItem, null=True, blank=True, on_delete=models.PROTECT, related_name="talent")
    supporter = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)  # the receiving side's division
    kind = models.CharField(_("kind"), max_length=10, choices=TalentKind.choices)
    person_name = models.CharField(_("name"), max_length=200)
    home = models.CharField(_("home unit"), max_length=200)
    post = models.CharField(_("post or course"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    hours = models.DecimalField(_("training hours"), max_digits=7, decimal_places=1, null=True, blank=True)
    trainee = models.ForeignKey("training.Trainee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    achievements = models.TextField(_("what they did"), blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]


class Inspection(models.Model):
    """A supervision inspection of aid funds and projects, with its findings."""

    division_code = models.CharField(max_length=6)  # where the inspected aid is received
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")  # the inspecting body
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    items = models.ManyToManyField(AidItem, related_name="inspections", verbose_name=_("items inspected"))
    findings = models.TextField(_("findings"))
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-inspected_on"]


class Rectification(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="rectifications")
    item = models.ForeignKey(AidItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requirement = models.TextField(_("required rectification"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]


class System(models.TextChoices):
    ENFORCEMENT = "enforcement", pgettext_lazy("capability", "Enforcement")
    INFORMATION = "information", pgettext_lazy("capability", "Information")
    TRAINING = "training", pgettext_lazy("capability", "Training and assessment")
    EMERGENCY = "emergency", pgettext_lazy("capability", "Emergency rescue command")
    SUPPORT = "support", pgettext_lazy("capability", "Support")


class Indicator(models.Model):
    """A capability indicator of one of the five systems, e.g. enforcement staff in post against establishment."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    system = models.CharField(_("system"), max_length=12, choices=System.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_bo = models.CharField(_("name (Tibetan)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=20)
    higher_is_better = models.BooleanField(default=True)

    class Meta:
        ordering = ["system", "code"]

    def __str__(self) -> str:
        return self.name_zh


class Target(models.Model):
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("target date"))
    set_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["division", "indicator", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["division", "indicator", "due_on"], name="aid_target_unique"),
        ]


class Measurement(models.Model):
    """A bureau's value of an indicator on a day: the history of its capability."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["division", "indicator", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["division", "indicator", "as_of"], name="aid_measurement_unique"),
        ]


class Service(models.TextChoices):
    TESTING = "testing", _("Testing")
    ASSESSMENT = "assessment", _("Safety assessment")
    TRAINING = "training", pgettext_lazy("institution", "Training")
    DESIGN = "design", _("Design")


class InstitutionProfile(models.Model):
    """What a technical institution (an organisation of kind institution) offers the systems: its services, its
    accreditation and until when it holds."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="institution_profile")
    services = models.JSONField(_("services"), default=list)  # of Service values
    qualifications = models.TextField(_("qualifications"), blank=True)
    accreditation = models.CharField(_("accreditation number"), max_length=100, blank=True)
    accredited_until = models.DateField(_("accredited until"), null=True, blank=True)
    updated_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)


class EngagementPurpose(models.TextChoices):
    INVESTIGATION = "investigation", _("Accident investigation")
    INCIDENT = "incident", _("Incident command")
    INSPECTION = "inspection", _("Enforcement inspection")
    AID = "aid", _("Aid item")
    REVIEW = "review", _("Review or assessment")
    TRAINING = "training", pgettext_lazy("engagement", "Training")


class Engagement(models.Model):
    """An expert or a technical institution engaged by a bureau for a piece of work of one of the systems."""

    expert = models.ForeignKey(
        "emergency.Expert", null=True, blank=True, on_delete=models.PROTECT, related_name="engagements"
    )
    institution = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="engagements"
    )
    engaged_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)  # the engaging bureau's: the scope anchor
    purpose = models.CharField(_("for"), max_length=20, choices=EngagementPurpose.choices)
    accident = models.ForeignKey(
        "accidents.Accident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "emergency.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        "enforcement.Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(AidItem, null=True, blank=True, on_delete=models.PROTECT, related_name="engagements")
    role = models.CharField(_("role"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(expert__isnull=False) & Q(institution__isnull=True))
                | (Q(expert__isnull=True) & Q(institution__isnull=False)),
                name="aid_engagement_one_party",
            )
        ]
