"""Forms of the emergency pages. They only shape input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.accidents.models import Severity
from anjian.emergency.models import (
    DrillForm,
    EvaluationConclusion,
    IncidentKind,
    Keeper,
    PlanKind,
    Readiness,
    TeamKind,
)

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
DATETIME = {
    "widget": forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
}
TEXT = {"widget": forms.Textarea(attrs={"rows": 3})}


class PlanForm(forms.Form):
    credit_code = forms.CharField(
        label=_("Unit's credit code"), max_length=18, required=False, help_text=_("Empty for your own body's plan.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    keeper = forms.ChoiceField(label=_("Kept by"), choices=Keeper.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    published_on = forms.DateField(label=_("Published on"), **DATE)
    must_evaluate = forms.BooleanField(label=_("Evaluated every 3 years"), required=False)


class DrillRecordForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), **DATE)
    form = forms.ChoiceField(label=_("Form"), choices=DrillForm.choices)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=1_000_000)
    scenario = forms.CharField(label=_("Scenario"), **TEXT)
    findings = forms.CharField(label=_("Findings"), required=False, **TEXT)
    improvements = forms.CharField(label=_("Improvements"), required=False, **TEXT)


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), **DATE)
    conclusion = forms.ChoiceField(
        label=pgettext_lazy("evaluation", "Conclusion"), choices=EvaluationConclusion.choices
    )
    notes = forms.CharField(label=_("Notes"), required=False, **TEXT)


class ReviseForm(forms.Form):
    published_on = forms.DateField(label=_("Revised version published on"), **DATE)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class LocatedForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    division_code = forms.CharField(label=_("Division code"), max_length=6, required=False)
    lat = forms.FloatField(label=_("Latitude"))
    lon = forms.FloatField(label=_("Longitude"))
    place = forms.CharField(label=_("Place on the road network (code)"), max_length=40, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)


class TeamForm(LocatedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    professional = forms.BooleanField(label=_("Professional (not part-time)"), required=False, initial=True)
    base = forms.CharField(label=_("Base"), max_length=200)
    members = forms.IntegerField(label=_("Members"), min_value=0)
    equipment = forms.CharField(label=_("Equipment"), required=False, **TEXT)
    readiness = forms.ChoiceField(label=_("Readiness"), choices=Readiness.choices)
    on_duty = forms.BooleanField(label=_("On duty"), required=False, initial=True)


class DepotForm(LocatedForm):
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    items_text = forms.CharField(
        label=_("Items"),
        required=False,
        help_text=_("One per line: item, quantity, unit of measure."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self):
        data = super().clean()
        items = []
        for number, line in enumerate((data.get("items_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not 2 <= len(parts) <= 3:
                # "沙袋, 1,000, 条" is ambiguous: a quantity is written without thousands separators.
                self.add_error(
                    "items_text",
                    _("Line %(n)s: give the item, its quantity (digits only) and its unit.") % {"n": number},
                )
                continue
            items.append({"item": parts[0], "quantity": parts[1], "unit": parts[2] if len(parts) > 2 else ""})
        data["items"] = items
        return data


class ExpertForm(LocatedForm):
    fields_text = forms.CharField(label=_("Fields"), max_length=300, help_text=_("Separated by commas."))
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    qualifications = forms.CharField(label=_("Qualifications"), required=False, **TEXT)
    available = forms.BooleanField(label=_("Available"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        data["fields"] = [f.strip() for f in (data.get("fields_text") or "").replace("，", ",").split(",") if f.strip()]
        return data


class ShiftForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), **DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), **DATETIME)
    officer = forms.CharField(label=_("Duty officer (username)"), max_length=150)
    leader = forms.CharField(label=_("Leader on duty (username)"), max_length=150, required=False)


class NetworkImportForm(forms.Form):
    places = forms.FileField(label=_("Places (code, name, lat, lon, division_code)"))
    segments = forms.FileField(
        label=_("Road segments (from, to, length_km, speed_kmh, two_way, closed_from, closed_to, name)")
    )
    approximate = forms.BooleanField(label=_("The network is approximate"), required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("Class"), choices=[("", "—"), *Severity.choices], required=False)
    place = forms.CharField(label=_("Place"), max_length=300)
    division_code = forms.CharField(label=_("Division code"), max_length=6, required=False)
    lat = forms.FloatField(label=_("Latitude"))
    lon = forms.FloatField(label=_("Longitude"))
    occurred_at = forms.DateTimeField(label=_("Occurred at"), **DATETIME)
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, initial=0)
    injured = forms.IntegerField(label=_("Injured"), min_value=0, initial=0)
    trapped = forms.IntegerField(label=_("Trapped"), min_value=0, initial=0)


class AlertForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(v, v) for v in ("Actual", "Exercise", "Test", "Draft")], initial="Actual"
    )
    msg_type = forms.ChoiceField(label=_("Message type"), choices=[(v, v) for v in ("Alert", "Update", "Cancel")])
    references = forms.UUIDField(label=_("Replaces alert (for an update or cancellation)"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=[(v, v) for v in ("Public", "Restricted", "Private")])
    restriction = forms.CharField(label=_("Restriction (for a restricted alert)"), max_length=300, required=False)
    addresses = forms.CharField(label=_("Addresses (for a private alert)"), max_length=1000, required=False)
    category = forms.MultipleChoiceField(
        label=_("Category"),
        choices=[(v, v) for v in ("Safety", "Rescue", "Fire", "Env", "Geo", "Health", "Infra", "CBRNE", "Other")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    event = forms.CharField(label=_("Event"), max_length=200, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("", "—")] + [(v, v) for v in ("Immediate", "Expected", "Future", "Past")],
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", "—")] + [(v, v) for v in ("Extreme", "Severe", "Moderate", "Minor")],
        required=False,
    )
    certainty = forms.ChoiceField(
        label=_("Certainty"),
        choices=[("", "—")] + [(v, v) for v in ("Observed", "Likely", "Possible", "Unlikely")],
        required=False,
    )
    headline = forms.CharField(label=_("Headline"), max_length=160)
    description = forms.CharField(label=_("Description"), required=False, **TEXT)
    instruction = forms.CharField(label=_("Instruction"), required=False, **TEXT)
    headline_bo = forms.CharField(label=_("Headline (Tibetan)"), max_length=300, required=False)
    description_bo = forms.CharField(label=_("Description (Tibetan)"), required=False, **TEXT)
    instruction_bo = forms.CharField(label=_("Instruction (Tibetan)"), required=False, **TEXT)
    area_desc = forms.CharField(label=_("Area"), max_length=300, required=False)
    circle = forms.CharField(label=_("Circle: lat,lon radius_km"), max_length=100, required=False)
    expires = forms.DateTimeField(label=_("Expires"), required=False, **DATETIME)
