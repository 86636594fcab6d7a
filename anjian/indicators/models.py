"""Statistics beyond single reports: aggregate returns, denominators of the relative indicators, control targets."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.models import Sector
from anjian.core.models import Division, Organisation, Person


class AggregateReturn(models.Model):
    """Figures reported as totals, for a period and place with no individual reports (history, other provinces).

    `division_code` is the code as given (perhaps a code of its day); `division` is today's. `month` is
    empty for a whole year. A return is the official figure of its cell: it is refused where individual
    reports already exist, and a report recorded later inside its cell (an accident found late) is left
    out of the totals and sets `covers_reports`, so that nothing is counted twice; the statistician
    re-enters the return with it, or deletes the return to count the reports instead.
    """

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(_("code as given"), max_length=6)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    accidents = models.PositiveIntegerField(_("accidents"))
    larger_accidents = models.PositiveIntegerField(_("larger and above"), default=0)
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    direct_loss_yuan = models.DecimalField(_("direct economic loss (yuan)"), max_digits=16, decimal_places=2, default=0)
    coal_deaths = models.PositiveIntegerField(_("of which coal mine deaths"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)
    covers_reports = models.BooleanField(default=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "month", "division_id", "sector"]
        verbose_name = _("aggregate return")
        verbose_name_plural = _("aggregate returns")
        permissions = [("manage_statistics", "Enter returns, denominators and control targets")]
        constraints = [
            models.UniqueConstraint(fields=["division", "year", "month", "sector"], name="return_once_per_month"),
            models.UniqueConstraint(
                fields=["division", "year", "sector"],
                condition=models.Q(month__isnull=True),
                name="return_once_per_year",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "month"]),
        ]


class Denominator(models.Model):
    """What the relative indicators divide by, for a division and year."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    gdp_100m_yuan = models.DecimalField(_("GDP (100 million yuan)"), max_digits=14, decimal_places=4, null=True)
    imc_workers = models.PositiveIntegerField(_("workers in industry, mining and commerce"), null=True)
    motor_vehicles = models.PositiveIntegerField(_("motor vehicles"), null=True)
    coal_output_tonnes = models.DecimalField(_("raw coal output (tonnes)"), max_digits=16, decimal_places=2, null=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    entered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["division_id", "year"]
        constraints = [models.UniqueConstraint(fields=["division", "year"], name="denominator_once")]


class ControlTarget(models.Model):
    """A yearly cap on deaths for a division, overall (sector '') or for one sector."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True)
    max_deaths = models.PositiveIntegerField(_("deaths at most"))
    entered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "division_id", "sector"]
        constraints = [models.UniqueConstraint(fields=["division", "year", "sector"], name="target_once")]
