"""Forms of the enforcement pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.models import RegulatedCategory

STRATA_CHOICES = [("", _("Every operating unit")), *RegulatedCategory.choices]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        for value, label in STRATA_CHOICES:
            self.fields[f"count_{value or 'all'}"] = forms.IntegerField(
                label=label, min_value=0, max_value=100000, required=False
            )

    def strata(self) -> list[dict]:
        return [
            {"category": value, "count": self.cleaned_data[f"count_{value or 'all'}"]}
            for value, _label in STRATA_CHOICES
            if self.cleaned_data.get(f"count_{value or 'all'}")
        ]
