"""Forms of the accident pages. They only shape input; the services check the rules."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.accidents.models import Category, Industry, ReportingFinding, Sector
from anjian.core.models import Division, DivisionLevel
from anjian.core.rules import division_prefix

DATETIME = {"widget": forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}


def count_field(label, required=True):
    return forms.IntegerField(label=label, min_value=0, max_value=100000, initial=0, required=required)


class AccidentForm(forms.Form):
    # Made when the form is first shown: a double submission records the accident once.
    uuid = forms.UUIDField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(label=_("Time of occurrence"), input_formats=DATETIME_FORMATS, **DATETIME)
    head_informed_at = forms.DateTimeField(
        label=_("Time the unit's head knew"), input_formats=DATETIME_FORMATS, **DATETIME
    )
    received_at = forms.DateTimeField(
        label=_("Time your bureau received the report"),
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Leave empty for now."),
        **DATETIME,
    )
    division = forms.ChoiceField(label=_("County-level division"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    lat = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    lon = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code of the unit"),
        max_length=18,
        required=False,
        help_text=_("For a unit in the registry; otherwise give its name below."),
    )
    unit_name = forms.CharField(label=_("Unit"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False)
    category = forms.ChoiceField(label=_("Category (GB 6441)"), choices=Category.choices)
    deaths = count_field(_("Deaths"))
    missing = count_field(_("Missing"))
    serious_injuries = count_field(_("Serious injuries (acute industrial poisoning included)"))
    minor_injuries = count_field(_("Minor injuries"))
    direct_loss_yuan = forms.DecimalField(
        label=_("Direct economic loss (yuan)"), min_value=0, max_digits=16, decimal_places=2, initial=0
    )
    people_involved = forms.IntegerField(
        label=_("People involved"), min_value=0, required=False, help_text=_("When known: no one is counted twice.")
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    measures = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )

    def __init__(self, *args, division_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        counties = Division.objects.filter(
            level=DivisionLevel.COUNTY, code__startswith=division_prefix(division_code)
        ).select_related("parent")
        self.fields["division"].choices = [
            (d.code, f"{d.code} {d.parent.name if d.parent else ''} {d.name}") for d in counties
        ]
        if not self.is_bound:
            self.initial.setdefault("uuid", uuid.uuid4())


class ForwardForm(forms.Form):
    to = forms.ChoiceField(label=_("Send to"), required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = list(targets)


class UpdateForm(forms.Form):
    uuid = forms.UUIDField(widget=forms.HiddenInput)
    as_of = forms.DateTimeField(label=_("Figures as of"), input_formats=DATETIME_FORMATS, **DATETIME)
    deaths = count_field(_("Deaths"))
    missing = count_field(_("Missing"))
    serious_injuries = count_field(_("Serious injuries"))
    minor_injuries = count_field(_("Minor injuries"))
    direct_loss_yuan = forms.DecimalField(
        label=_("Direct economic loss (yuan)"), min_value=0, max_digits=16, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("uuid", uuid.uuid4())


class InvestigationForm(forms.Form):
    leader = forms.CharField(label=_("Team leader"), max_length=200)
    team = forms.CharField(
        label=_("Team members"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name, unit, role."),
    )
    started_on = forms.DateField(label=_("Started on"), **DATE)

    def members(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data["team"].splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                rows.append({"name": parts[0], "unit": parts[1] if len(parts) > 1 else "", "role": ",".join(parts[2:])})
        return rows


class InvestigationActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Step"),
        choices=[
            ("extend", _("Extend the deadline (once, at most 60 days)")),
            ("appraisal", _("Days of technical appraisal (not counted)")),
            ("submit", _("Submit the report")),
            ("answer", _("The report has been answered")),
            ("close", _("Close")),
        ],
    )
    days = forms.IntegerField(label=_("Days"), min_value=0, max_value=3650, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    report = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    direct_cause = forms.CharField(label=_("Direct cause"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    indirect_causes = forms.CharField(
        label=_("Indirect causes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    liability_accident = forms.BooleanField(label=_("A liability accident"), required=False, initial=True)
    reporting_finding = forms.ChoiceField(
        label=_("Reporting by the unit"), choices=ReportingFinding.choices, required=False
    )
    findings = forms.CharField(
        label=_("Responsibility findings"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line: party, finding, recommended penalty."),
    )
    cases = forms.CharField(
        label=_("Penalty cases"), required=False, help_text=_("Ids of the penalty cases opened, separated by spaces.")
    )
    on = forms.DateField(label=_("Date"), required=False, **DATE)

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        findings = []
        for line in (data.pop("findings") or "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                findings.append(
                    {
                        "party": parts[0],
                        "finding": parts[1] if len(parts) > 1 else "",
                        "recommendation": ",".join(parts[2:]),
                    }
                )
        data["findings"] = findings
        data["cases"] = (data.get("cases") or "").split()
        data.pop("action")
        return data
