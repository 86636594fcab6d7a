"""Training: the people trained (courses, hours, the question bank, exams and certificates are being built)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
