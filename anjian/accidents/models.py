"""Accident reports (Decree 493): the report, its chain up the bureaus, casualty updates, the investigation."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents import rules
from anjian.core.models import Division, Organisation, Person
from anjian.enterprises.models import Enterprise


class Severity(models.TextChoices):
    GENERAL = rules.GENERAL, _("General accident")
    LARGER = rules.LARGER, _("Larger accident")
    MAJOR = rules.MAJOR, _("Major accident")
    ESPECIALLY_MAJOR = rules.ESPECIALLY_MAJOR, _("Especially major accident")


class Sector(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industry, mining and commerce")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    FIRE = "fire", _("Fire")
    RAILWAY = "railway", _("Railway")
    WATER_TRANSPORT = "water_transport", _("Water transport")
    CIVIL_AVIATION = "civil_aviation", _("Civil aviation")
    AGRICULTURAL_MACHINERY = "agricultural_machinery", _("Agricultural machinery")
    FISHING_VESSEL = "fishing_vessel", _("Fishing vessels")


class Industry(models.TextChoices):
    """Inside industry, mining and commerce: what the statistics break out."""

    COAL_MINE = "coal_mine", _("Coal mine")
    METAL_NONMETAL_MINE = "metal_nonmetal_mine", _("Metal and non-metal mine")
    CONSTRUCTION = "construction", _("Construction")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
    FIREWORKS = "fireworks", _("Fireworks")
    METALLURGY = "metallurgy", _("Metal smelting")
    OTHER = "other_industrial", _("Other industry and trade")


class Category(models.TextChoices):
    """GB 6441-86."""

    C01 = "01", _("Struck by object")
    C02 = "02", _("Vehicle injury")
    C03 = "03", _("Machinery injury")
    C04 = "04", _("Lifting injury")
    C05 = "05", _("Electric shock")
    C06 = "06", _("Drowning")
    C07 = "07", _("Burns and scalds")
    C08 = "08", _("Fire")
    C09 = "09", _("Fall from height")
    C10 = "10", _("Collapse")
    C11 = "11", _("Roof and side fall")
    C12 = "12", _("Water inrush")
    C13 = "13", _("Blasting")
    C14 = "14", _("Explosive explosion")
    C15 = "15", _("Gas explosion")
    C16 = "16", _("Boiler explosion")
    C17 = "17", _("Pressure vessel explosion")
    C18 = "18", _("Other explosion")
    C19 = "19", _("Poisoning and asphyxiation")
    C20 = "20", _("Other injury")


class Accident(models.Model):
    """One accident report. The figures are the current statistical ones (the last update inside the window).

    `division` is the county-level division of the place: the scope anchor ("everything in Lhasa" is a prefix
    match, served on PostgreSQL by the pattern-ops index Django makes for the key).
    `awaiting_division`/`awaiting_due` name the bureau that must forward next
    and by when (empty once the chain is complete): the inboxes read them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(_("time of occurrence"))
    head_informed_at = models.DateTimeField(_("time the unit's head knew"))
    received_at = models.DateTimeField(_("time the first bureau received the report"))
    division = models.ForeignKey(Division, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("place"), max_length=300, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="accidents"
    )
    unit_name = models.CharField(_("unit"), max_length=200)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    category = models.CharField(_("category (GB 6441)"), max_length=2, choices=Category.choices)
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries"))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"))
    direct_loss_yuan = models.DecimalField(_("direct economic loss (yuan)"), max_digits=16, decimal_places=2)
    severity = models.CharField(_("class"), max_length=20, choices=Severity.choices)
    summary = models.TextField(_("summary"))
    measures = models.TextField(_("measures taken"), blank=True)
    window_closes_at = models.DateTimeField(_("casualty changes count until"))
    awaiting_division = models.CharField(max_length=6, blank=True)
    awaiting_due = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        permissions = [
            ("record_accidents", "Record accidents, forward them and report casualty changes"),
            ("manage_investigations", "Run accident investigations"),
        ]
        indexes = [
            models.Index(fields=["occurred_at", "division"], name="accident_occurred"),
            models.Index(
                fields=["awaiting_division", "awaiting_due"],
                condition=~models.Q(awaiting_division=""),
                name="accident_awaiting",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.occurred_at)
        return f"{local:%Y-%m-%d %H:%M} {self.unit_name}"

    @property
    def unit_due_at(self):
        return rules.unit_due(self.head_informed_at, rules.rules_for(timezone.localdate(self.occurred_at)))

    @property
    def unit_late(self) -> bool:
        """The unit's own report reached the first bureau after its hour (迟报)."""
        return self.received_at > self.unit_due_at

    @property
    def larger_and_above(self) -> bool:
        return self.severity in rules.LARGER_AND_ABOVE


class ReportStep(models.Model):
    """One bureau of the chain: when it had to have the report, and when it had it."""

    # The unique (accident, division) index serves the accident's steps: no index of its own.
    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="steps", db_index=False)
    order = models.PositiveSmallIntegerField()
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("due"))
    reported_at = models.DateTimeField(_("received"), null=True, blank=True)
    sent_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    skipped_to = models.BooleanField(default=False)  # reached by a report that skipped a level (越级上报)
    added_at = models.DateTimeField(default=timezone.now)  # when the step became required (a class that rose)

    class Meta:
        ordering = ["accident_id", "order"]
        constraints = [models.UniqueConstraint(fields=["accident", "division"], name="report_step_once")]

    def status(self, now=None) -> str:
        return rules.step_status(self.due_at, self.reported_at, now or timezone.now())


class FigureKind(models.TextChoices):
    INITIAL = "initial", _("First report")
    UPDATE = "update", _("Casualty update")


class CasualtyUpdate(models.Model):
    """The figures as of a moment: the first report, then each update (续报/补报).

    An update inside the window (`applied`) changes the accident's figures and
    class; one after it is kept on record and changes nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=10, choices=FigureKind.choices)
    as_of = models.DateTimeField(_("as of"))
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries"))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"))
    direct_loss_yuan = models.DecimalField(_("direct economic loss (yuan)"), max_digits=16, decimal_places=2)
    severity = models.CharField(_("class"), max_length=20, choices=Severity.choices)
    applied = models.BooleanField(_("counts"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["accident_id", "as_of", "recorded_at"]


class InvestigationState(models.TextChoices):
    OPEN = "open", _("Under investigation")
    REPORTED = "reported", _("Report submitted")
    ANSWERED = "answered", _("Report answered")
    CLOSED = "closed", _("Closed")


class ReportingFinding(models.TextChoices):
    """What the investigation found of the unit's reporting (Order 13 Art. 5, as amended by Order 42)."""

    NONE = "", _("Reported properly")
    LATE = "late", _("Reported late (迟报)")
    OMITTED = "omitted", _("Omitted (漏报)")
    FALSE = "false", _("Falsely reported (谎报)")
    CONCEALED = "concealed", _("Concealed (瞒报)")


class Investigation(models.Model):
    """The investigation of one accident (Arts. 19–32)."""

    accident = models.OneToOneField(Accident, on_delete=models.CASCADE, related_name="investigation")
    lead_division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=InvestigationState.choices, default=InvestigationState.OPEN)
    leader = models.CharField(_("team leader"), max_length=200)
    team = models.JSONField(_("team"), default=list)  # [{"name", "unit", "role"}]
    started_on = models.DateField(_("started on"))
    extension_days = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.CharField(max_length=500, blank=True)
    appraisal_days = models.PositiveSmallIntegerField(default=0)
    report = models.TextField(_("report"), blank=True)
    direct_cause = models.TextField(_("direct cause"), blank=True)
    indirect_causes = models.TextField(_("indirect causes"), blank=True)
    liability_accident = models.BooleanField(_("a liability accident"), null=True)
    reporting_finding = models.CharField(max_length=10, choices=ReportingFinding.choices, blank=True)
    findings = models.JSONField(
        _("responsibility findings"), default=list
    )  # [{"party", "kind", "finding", "recommendation"}]
    cases = models.ManyToManyField("enforcement.Case", blank=True, related_name="investigations")
    submitted_on = models.DateField(_("report submitted on"), null=True, blank=True)
    answer_extended = models.BooleanField(default=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    @property
    def due_on(self):
        occurred_on = timezone.localdate(self.accident.occurred_at)
        return rules.investigation_due(occurred_on, self.extension_days, self.appraisal_days)

    @property
    def answer_due_on(self):
        if self.submitted_on is None:
            return None
        return rules.answer_due(self.submitted_on, self.accident.severity, self.answer_extended)
