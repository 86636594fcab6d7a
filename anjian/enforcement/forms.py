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


class HazardForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("general", _("General hazard")), ("major", _("Major hazard"))]
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    responsible_person = forms.CharField(label=_("Person responsible"), max_length=100)
    measures = forms.CharField(
        label=_("Rectification measures"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    deadline = forms.DateField(
        label=_("Rectification deadline"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=[("rectifying", ""), ("submitted", ""), ("closed", "")])
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
    objectives = forms.CharField(label=_("Objectives and tasks"), max_length=2000, required=False)
    measures = forms.CharField(label=_("Methods and measures"), max_length=2000, required=False)
    funds = forms.CharField(label=_("Funds and materials"), max_length=2000, required=False)
    responsible = forms.CharField(label=_("Body and people responsible"), max_length=2000, required=False)
    time_limits = forms.CharField(label=_("Time limits and requirements"), max_length=2000, required=False)
    safety_measures = forms.CharField(
        label=_("Safety measures and emergency plan during rectification"), max_length=2000, required=False
    )

    def plan(self) -> dict:
        from anjian.enforcement.rules import MAJOR_PLAN_PARTS

        return {part: self.cleaned_data.get(part, "") for part in MAJOR_PLAN_PARTS}


class InspectionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=300)
    inspectors = forms.MultipleChoiceField(label=_("Officers"), widget=forms.CheckboxSelectMultiple)
    representatives = forms.CharField(label=_("The unit's representatives"), max_length=300)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, template, officers, **kwargs):
        from anjian.enforcement.models import ItemResult

        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["inspectors"].choices = [(p.username, p.full_name) for p in officers]
        self.items = list(template.items.all())
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.order}. {item.text}（{item.legal_basis}）",
                choices=ItemResult.choices,
                widget=forms.RadioSelect,
            )

    def results(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class PhotoForm(forms.Form):
    file = forms.ImageField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class DocumentForm(forms.Form):
    """The parts of one kind of on-site document (rules.DOCUMENT_FIELDS)."""

    LABELS = {
        "place": (_("Place inspected"), forms.CharField),
        "findings": (_("Findings"), forms.CharField),
        "requirements": (_("Rectification required"), forms.CharField),
        "deadline": (_("Rectification deadline"), forms.DateField),
        "measures": (_("On-site measures"), forms.CharField),
        "opinion": (_("Review opinion"), forms.CharField),
    }

    def __init__(self, *args, kind, earlier=(), **kwargs):
        from anjian.enforcement.rules import DOCUMENT_FIELDS, DOCUMENT_REQUIRES

        super().__init__(*args, **kwargs)
        for name in DOCUMENT_FIELDS[kind]:
            label, field_class = self.LABELS[name]
            if field_class is forms.DateField:
                widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
                self.fields[name] = forms.DateField(label=label, widget=widget)
            else:
                self.fields[name] = forms.CharField(
                    label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
                )
        if kind in DOCUMENT_REQUIRES:
            self.fields["refers_to"] = forms.TypedChoiceField(
                label=_("Refers to"),
                coerce=int,
                choices=[(d.pk, f"{d.number} {d.get_kind_display()}") for d in earlier],
            )

    def body(self) -> dict:
        return {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in self.cleaned_data.items()
            if k != "refers_to"
        }
