"""Emergency rescue command: plans and drills; the registers of teams, depots and experts; the duty roster; the road
network; incidents with their append-only command log, dispatches, resource requests, situation reports; alerts."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.accidents.models import Accident, Severity
from anjian.core.models import Division, Organisation, Person
from anjian.emergency import rules
from anjian.enterprises.models import Enterprise

# --- plans and drills ------------------------------------------------------------------------------------------------


class PlanKind(models.TextChoices):
    COMPREHENSIVE = rules.COMPREHENSIVE, _("Comprehensive plan")
    SPECIAL = rules.SPECIAL, _("Special plan")
    ON_SITE = rules.ON_SITE, _("On-site disposal plan")


class Keeper(models.TextChoices):
    UNIT = rules.UNIT, _("Production unit")
    HIGH_RISK_UNIT = rules.HIGH_RISK_UNIT, _("High-risk unit (Decree 708 Art. 8)")
    GOVERNMENT = rules.GOVERNMENT, _("Government body")


class FilingState(models.TextChoices):
    NOT_FILED = "not_filed", pgettext_lazy("plan", "Not filed")
    FILED = "filed", _("Filed, awaiting check")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class Plan(models.Model):
    """An emergency plan of a unit (or a government body), with its filing (备案) and evaluation cycle.

    `division_code` is the scope anchor (the unit's county); `organisation` keeps the plan. A revision raises
    `version`, takes a new publishing date and must be filed again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="emergency_plans")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=6)
    keeper = models.CharField(_("kept by"), max_length=20, choices=Keeper.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    published_on = models.DateField(_("published on"))
    must_evaluate = models.BooleanField(_("evaluated every 3 years"), default=False)
    state = models.CharField(_("filing"), max_length=10, choices=FilingState.choices, default=FilingState.NOT_FILED)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    return_reasons = models.TextField(_("reasons for return"), blank=True)
    evaluated_on = models.DateField(_("last evaluated on"), null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["division_code", "title"]
        verbose_name = _("emergency plan")
        permissions = [
            ("manage_emergency", "Keep the registers, the road network and the duty roster; check plan filings"),
            ("command_incidents", "Open and command incidents, dispatch help, send reports and alerts"),
        ]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="eplan_division_prefix"),
        ]

    def __str__(self) -> str:
        return self.title


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop")
    FUNCTIONAL = "functional", _("Functional")
    FULL_SCALE = "full_scale", _("Full-scale")


class Drill(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="drills")
    held_on = models.DateField(_("held on"))
    form = models.CharField(_("form"), max_length=12, choices=DrillForm.choices)
    participants = models.PositiveIntegerField(_("participants"))
    scenario = models.TextField(_("scenario"))
    findings = models.TextField(_("findings"), blank=True)
    improvements = models.TextField(_("improvements"), blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on"]


class EvaluationConclusion(models.TextChoices):
    KEEP = "keep", _("Still fit: keep")
    REVISE = "revise", _("Revise")


class PlanEvaluation(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField(_("evaluated on"))
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=EvaluationConclusion.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-evaluated_on"]


# --- the road network ------------------------------------------------------------------------------------------------


class Place(models.Model):
    """A node of the road network: a county seat, a township, a junction, a pass."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    division_code = models.CharField(max_length=6, blank=True)
    approximate = models.BooleanField(_("approximate"), default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RoadSegment(models.Model):
    from_place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    to_place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("road"), max_length=100, blank=True)
    length_km = models.FloatField(_("length (km)"))
    speed_kmh = models.FloatField(_("typical speed (km/h)"))
    two_way = models.BooleanField(_("two-way"), default=True)
    closed_from = models.CharField(_("closed from (MM-DD)"), max_length=5, blank=True)
    closed_to = models.CharField(_("closed until (MM-DD)"), max_length=5, blank=True)
    approximate = models.BooleanField(_("approximate"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(length_km__gt=0), name="segment_length_positive"),
            models.CheckConstraint(condition=Q(speed_kmh__gt=0), name="segment_speed_positive"),
        ]

    @property
    def closure(self):
        return rules.closure_of(self.closed_from, self.closed_to)


class RoadNetwork(models.Model):
    """One row: the network's version (raised by every import, so cached graphs know they are stale)."""

    version = models.PositiveIntegerField(default=0)
    approximate = models.BooleanField(default=False)
    source = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


# --- registers -------------------------------------------------------------------------------------------------------


class Located(models.Model):
    """What the registers share: who keeps the record (a bureau), where it is, whom to call."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)
    name = models.CharField(_("name"), max_length=200)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place on the road network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["division_code", "name"]

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    MINE_RESCUE = "mine_rescue", _("Mine rescue")
    HAZCHEM = "hazchem", _("Hazardous chemicals")
    FIRE_RESCUE = "fire_rescue", _("Fire and rescue")
    MEDICAL = "medical", _("Medical")
    ROAD_RESCUE = "road_rescue", _("Road rescue")
    GENERAL = "general", _("General rescue")


class Readiness(models.TextChoices):
    READY = "ready", _("Ready")
    LIMITED = "limited", _("Limited")
    UNAVAILABLE = "unavailable", _("Unavailable")


class RescueTeam(Located):
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    professional = models.BooleanField(_("professional (not part-time)"), default=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    base = models.CharField(_("base"), max_length=200)
    members = models.PositiveIntegerField(_("members"))
    equipment = models.TextField(_("equipment"), blank=True)
    readiness = models.CharField(_("readiness"), max_length=12, choices=Readiness.choices, default=Readiness.READY)
    on_duty = models.BooleanField(_("on duty"), default=True)

    class Meta(Located.Meta):
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="team_division_prefix"),
        ]


class Depot(Located):
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta(Located.Meta):
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="depot_division_prefix"),
        ]


class DepotItem(models.Model):
    depot = models.ForeignKey(Depot, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit of measure"), max_length=20)

    class Meta:
        ordering = ["item"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=0), name="depot_item_quantity_nonnegative")]


class Expert(Located):
    specialties = models.CharField(_("fields"), max_length=300)  # comma-separated
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    qualifications = models.TextField(_("qualifications"), blank=True)
    available = models.BooleanField(_("available"), default=True)

    class Meta(Located.Meta):
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="expert_division_prefix"),
        ]


class DutyShift(models.Model):
    """A shift of the command centre's duty roster (值班), with the handover to the next officer."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    officer = models.ForeignKey(Person, verbose_name=_("duty officer"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        Person, verbose_name=_("leader on duty"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handover_notes = models.TextField(_("handover notes"), blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    received_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]


# --- incidents -------------------------------------------------------------------------------------------------------


class IncidentKind(models.TextChoices):
    MINE = "mine", _("Mine accident")
    HAZCHEM = "hazchem", _("Hazardous chemicals")
    FIRE = "fire", pgettext_lazy("incident", "Fire")
    TRAFFIC = "traffic", _("Road traffic")
    CONSTRUCTION = "construction", _("Construction")
    NATURAL = "natural", _("Natural disaster")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("incident", "Open")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    """An emergency being commanded. `organisation` is the commanding bureau; `division_code` the place."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    accident = models.OneToOneField(Accident, null=True, blank=True, on_delete=models.PROTECT, related_name="incident")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(_("class"), max_length=20, choices=Severity.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    place = models.CharField(_("place"), max_length=300)
    road_place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    trapped = models.PositiveIntegerField(_("trapped"), default=0)
    occurred_at = models.DateTimeField(_("occurred at"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review = models.TextField(_("after-action review"), blank=True)
    lessons = models.TextField(_("lessons and improvements"), blank=True)
    log_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="incident_division_prefix"),
            models.Index(fields=["status", "-opened_at"], name="incident_status"),
        ]

    def __str__(self) -> str:
        return self.title


class LogKind(models.TextChoices):
    NOTE = "note", _("Note")
    DECISION = "decision", pgettext_lazy("log", "Decision")
    DISPATCH = "dispatch", _("Dispatch")
    REQUEST = "request", _("Resource request")
    REPORT = "report", _("Situation report")
    ALERT = "alert", _("Alert")
    STATUS = "status", _("Status")
    CORRECTION = "correction", _("Correction")


class LogEntry(models.Model):
    """One line of an incident's command log. Append-only: the model refuses to save an existing row, and the
    database refuses UPDATE (and DELETE on PostgreSQL) with a trigger; a mistake is corrected by a new entry of kind
    `correction` that names the entry it corrects."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="log")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    happened_at = models.DateTimeField(_("time of the event"), null=True, blank=True)
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=LogKind.choices)
    text = models.TextField(_("entry"))
    corrects = models.PositiveIntegerField(null=True, blank=True)  # the seq of the entry a correction corrects

    class Meta:
        ordering = ["incident", "seq"]
        constraints = [models.UniqueConstraint(fields=["incident", "seq"], name="log_entry_seq_unique")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            from anjian.core.errors import DomainError

            raise DomainError("log_append_only", status=409)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from anjian.core.errors import DomainError

        raise DomainError("log_append_only", status=409)


class HelpKind(models.TextChoices):
    TEAM = "team", _("Rescue team")
    DEPOT = "depot", _("Depot")
    EXPERT = "expert", _("Expert")


class DispatchStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    RELEASED = "released", _("Released")


class Dispatch(models.Model):
    """An order sending a team, an expert or a depot's supplies to an incident. A team or an expert is committed to
    one incident at a time (a partial unique index: the database itself refuses a second active order)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="dispatches")
    kind = models.CharField(_("kind"), max_length=10, choices=HelpKind.choices)
    team = models.ForeignKey(RescueTeam, null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches")
    depot = models.ForeignKey(Depot, null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches")
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches")
    status = models.CharField(
        _("status"), max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.ORDERED
    )
    task = models.CharField(_("task"), max_length=500, blank=True)
    travel_minutes = models.FloatField(_("travel time (minutes)"))
    distance_km = models.FloatField(_("distance (km)"))
    route = models.CharField(max_length=12)
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    eta = models.DateTimeField(_("expected on site"))
    en_route_at = models.DateTimeField(_("left at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    ordered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ordered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"], condition=Q(team__isnull=False) & ~Q(status="released"), name="team_committed_once"
            ),
            models.UniqueConstraint(
                fields=["expert"],
                condition=Q(expert__isnull=False) & ~Q(status="released"),
                name="expert_committed_once",
            ),
        ]

    @property
    def helper(self):
        return self.team or self.depot or self.expert


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DELIVERED = "delivered", _("Delivered")


class ResourceRequest(models.Model):
    """A request from the commanding bureau to another bureau for teams or supplies."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="requests")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    items = models.TextField(_("what is asked for"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    answer = models.TextField(_("answer"), blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]


class SituationReport(models.Model):
    """A situation report (情况报告): drafted from the incident's figures and log, edited, sent to the next bureau up
    the chain; once sent it is frozen."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveSmallIntegerField()
    body = models.TextField(_("report"))
    figures = models.JSONField(default=dict)
    to_division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    drafted_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident", "number"]
        constraints = [models.UniqueConstraint(fields=["incident", "number"], name="sitrep_number_unique")]


class Alert(models.Model):
    """An alert to the public or to units, exported as OASIS CAP 1.2. Its fields follow CAP's names; the text is
    kept in Chinese and, where given, Tibetan (one CAP info block per language). Once sent it is not changed: an
    update or a cancellation is a new alert that references it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)
    references = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, default="Actual")
    msg_type = models.CharField(max_length=10, default="Alert")
    scope = models.CharField(max_length=10, default="Public")
    restriction = models.CharField(max_length=300, blank=True)
    addresses = models.CharField(max_length=1000, blank=True)
    category = models.CharField(max_length=100)  # CAP categories, space-separated
    event = models.CharField(_("event"), max_length=200)
    response_type = models.CharField(max_length=100, blank=True)  # space-separated
    urgency = models.CharField(max_length=10)
    severity = models.CharField(max_length=10)
    certainty = models.CharField(max_length=10)
    headline = models.CharField(_("headline"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    instruction = models.TextField(_("instruction"), blank=True)
    headline_bo = models.CharField(_("headline (Tibetan)"), max_length=300, blank=True)
    description_bo = models.TextField(_("description (Tibetan)"), blank=True)
    instruction_bo = models.TextField(_("instruction (Tibetan)"), blank=True)
    area_desc = models.CharField(_("area"), max_length=300)
    circle = models.CharField(max_length=100, blank=True)  # "lat,lon radius_km"
    polygon = models.TextField(blank=True)  # "lat,lon lat,lon ..."
    expires = models.DateTimeField(null=True, blank=True)
    sent = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-sent"]
        indexes = [
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="alert_division_prefix"),
        ]
