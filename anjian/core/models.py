"""The foundation's tables: divisions, organisations, people, API tokens, audit."""

from django.contrib.auth.models import AbstractBaseUser, Group, PermissionsMixin, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _localised(zh: str, en: str, bo: str) -> str:
    """The name in the active language, falling back to Chinese."""
    language = get_language() or "zh-hans"
    if language.startswith("bo") and bo:
        return bo
    if language.startswith("en") and en:
        return en
    return zh


class DivisionLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Provincial")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


class Division(models.Model):
    """An administrative division under its official 6-digit code (GB/T 2260).

    Ancestry is the code prefix (rules.division_prefix), so a subtree is one
    indexed range scan.
    """

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(_("level"), max_length=12, choices=DivisionLevel.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_bo = models.CharField(_("name (Tibetan)"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return _localised(self.name_zh, self.name_en, self.name_bo)


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", _("Supervision bureau")
    SUPPORTING = "supporting", _("Supporting unit")
    INSTITUTION = "institution", _("Technical institution")
    # Production units arrive with the enforcement system; the kind is reserved
    # so that their safety officers are people of an organisation like anyone.
    ENTERPRISE = "enterprise", _("Enterprise")


class SupportKind(models.TextChoices):
    PROVINCE_BUREAU = "province_bureau", _("Bureau of a supporting province")
    CENTRAL_ENTERPRISE = "central_enterprise", _("Central state enterprise")
    NATIONAL_DEPARTMENT = "national_department", _("National department")


class Organisation(models.Model):
    """A bureau, a supporting unit, a technical institution (or an enterprise).

    `division` anchors the organisation in the jurisdiction tree: a bureau's
    area; for other kinds, the division under which it is registered on the
    platform. `home_division` is where a supporting unit itself comes from
    (a supporting province, say), which grants it nothing.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    support_kind = models.CharField(_("kind of support"), max_length=30, choices=SupportKind.choices, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_bo = models.CharField(_("name (Tibetan)"), max_length=300, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="organisations"
    )
    home_division = models.ForeignKey(
        Division,
        verbose_name=_("home division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["division_id", "kind", "name_zh"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["division"], condition=models.Q(kind="bureau"), name="one_bureau_per_division"
            ),
            models.UniqueConstraint(
                fields=["kind", "name_zh"],
                condition=~models.Q(kind="bureau"),
                name="organisation_name_unique_per_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "kind"]),
            # "Everything in Lhasa" is division_id LIKE '5401%': on PostgreSQL
            # only a pattern-ops index serves a prefix under a non-C collation.
            models.Index(fields=["division"], opclasses=["varchar_pattern_ops"], name="organisation_division_prefix"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self.name_zh, self.name_en, self.name_bo)

    @property
    def level(self) -> str:
        """A bureau's level is its division's: national, province, prefecture, county."""
        return self.division.level

    def get_level_display(self) -> str:
        return str(DivisionLevel(self.division.level).label)


class Role(models.TextChoices):
    """The roles a person can hold. Each is a Django group of permissions."""

    ADMIN = "admin", _("Administrator")
    LEADER = "leader", _("Leader")
    INSPECTOR = "inspector", _("Inspector")
    STATISTICIAN = "statistician", _("Statistician")
    TRAINER = "trainer", _("Trainer")
    COMMANDER = "commander", _("Commander")
    AID = "aid", _("Aid coordinator")
    LEGAL = "legal", _("Legal officer")
    # A production unit's own safety officer: a person of the unit's organisation.
    ENTERPRISE = "enterprise", _("Enterprise safety officer")


# The roles of a supervision bureau's people (the demo makes one account of each per place).
BUREAU_ROLES = [
    Role.ADMIN,
    Role.LEADER,
    Role.INSPECTOR,
    Role.LEGAL,
    Role.STATISTICIAN,
    Role.TRAINER,
    Role.COMMANDER,
    Role.AID,
]


class PersonManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):  # type: ignore[override]
        person = self.model(username=username, email=email or "", **extra_fields)
        person.set_password(password)
        person.save(using=self._db)
        return person


class Person(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Names are free text of any script and length."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Letters, digits and - _ . only."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PersonManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "organisation"]

    class Meta:
        ordering = ["organisation_id", "username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [
            ("manage_people", "Manage the people of the organisations in scope"),
            ("manage_organisations", "Manage the organisations in scope"),
            ("view_audit", "Read the audit log of the records in scope"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"

    @property
    def roles(self) -> list[str]:
        names = {group.name for group in self.groups.all()}
        return [role.value for role in Role if role.value in names]

    @property
    def organisation_name(self) -> str:
        return self.organisation.name

    @property
    def division_code(self) -> str:
        return self.organisation.division_id

    def get_roles_display(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


def role_group(role: str) -> Group:
    return Group.objects.get(name=role)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOGOUT = "logout", _("Logged out")


class AuditEntry(models.Model):
    """One append-only line of the audit log, chained to the one before by hash.

    `division_code` and `organisation_id` are the audited record's scope
    anchors, so the log is scoped like the records themselves.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_repr = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    division_code = models.CharField(max_length=6, blank=True, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["division_code"], opclasses=["varchar_pattern_ops"], name="audit_division_prefix"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's head: the last sequence number and hash. One row, locked on append."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)


class CalendarYear(models.Model):
    """A year of the statutory working-day calendar that the platform holds.

    A year is either held whole (its holidays and adjusted working days in
    CalendarDay) or not at all: a working-day deadline that reaches a year
    not held is refused, never guessed from weekends.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=300)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        Person, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        permissions = [("manage_calendar", "Enter the statutory calendar (region-level and national administrators)")]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a holiday, or an adjusted working day.

    Holidays that fall on a weekend inside a holiday period may be held too
    (harmless: the day is no working day either way, and the grid names it).
    """

    date = models.DateField(_("date"), primary_key=True)
    year = models.ForeignKey(CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days")
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {'workday' if self.working else 'holiday'} {self.name}".rstrip()
