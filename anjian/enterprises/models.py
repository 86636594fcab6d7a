"""The registry of production units (生产经营单位)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Division, Organisation


class RegulatedCategory(models.TextChoices):
    """Categories that carry licences or stricter rules (Safety Licence Regulation Art. 2; high-risk units)."""

    COAL_MINE = "coal_mine", _("Coal mine")
    METAL_NONMETAL_MINE = "metal_nonmetal_mine", _("Metal and non-metal mine")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
    FIREWORKS = "fireworks", _("Fireworks")
    CIVIL_EXPLOSIVES = "civil_explosives", _("Civil explosives")
    METALLURGY = "metallurgy", _("Metal smelting")
    CONSTRUCTION = "construction", _("Construction")
    INDUSTRY_TRADE = "industry_trade", _("Other industry and trade")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class StandardisationGrade(models.TextChoices):
    NONE = "", _("Not graded")
    FIRST = "1", _("Grade 1")
    SECOND = "2", _("Grade 2")
    THIRD = "3", _("Grade 3")


class Enterprise(models.Model):
    """A production unit. Its division is the county-level division it is registered in.

    `organisation` exists once the unit has people of its own on the platform
    (its safety officers); they see this unit's records and nothing else.
    """

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+")
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    industry = models.CharField(_("industry (GB/T 4754)"), max_length=5)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    standardisation_grade = models.CharField(
        _("standardisation grade"), max_length=1, choices=StandardisationGrade.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    organisation = models.OneToOneField(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="enterprise"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["division_id", "name"]
        verbose_name = _("production unit")
        verbose_name_plural = _("production units")
        permissions = [("manage_enterprises", "Register and change the production units in scope")]
        indexes = [
            models.Index(fields=["division"], opclasses=["varchar_pattern_ops"], name="enterprise_division_prefix"),
            models.Index(fields=["status"]),
            models.Index(fields=["industry"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def division_name(self) -> str:
        return self.division.name

    @property
    def category_list(self) -> list[str]:
        return sorted(c.category for c in self.categories.all())


class EnterpriseCategory(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=30, choices=RegulatedCategory.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "category"], name="enterprise_category_once")]
        indexes = [models.Index(fields=["category"])]


class Licence(models.Model):
    """A safety production licence (安全生产许可证)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="licences")
    number = models.CharField(_("licence number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["-valid_until"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "number"], name="licence_number_once")]


class MajorHazardInstallation(models.Model):
    """A major hazard installation (重大危险源), level 1 (most severe) to 4 (GB 18218)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="major_hazards")
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        ordering = ["level", "name"]


class ImportState(models.TextChoices):
    VALIDATING = "validating", _("Checking every row")
    VALIDATED = "validated", _("Checked: choose how to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    GOOD_ROWS = "good_rows", _("The good rows only")


class EnterpriseImport(models.Model):
    """One uploaded registry file: checked row by row first, then imported as the person chooses."""

    created_by = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=6)  # the importer's scope anchor
    file = models.FileField(upload_to="imports/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=12, choices=ImportState.choices, default=ImportState.VALIDATING)
    mode = models.CharField(max_length=16, choices=ImportMode.choices, blank=True)
    problem = models.CharField(max_length=500, blank=True)  # a whole-file refusal, translated when shown
    problem_code = models.CharField(max_length=40, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class ImportRowError(models.Model):
    """A bad row of an import: its line in the file, the field and the rule it broke."""

    enterprise_import = models.ForeignKey(EnterpriseImport, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=40, blank=True)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["enterprise_import", "line"])]
