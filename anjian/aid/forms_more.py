"""Forms of the capability, talent and supervision pages. They only shape input; capability.py and oversight.py
check the rules."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.aid.forms import DATE, TEXT, YUAN, _today
from anjian.aid.models import TalentKind

NUMBER = {"widget": forms.TextInput(attrs={"inputmode": "decimal"})}


def _indicator_choices(indicators) -> list[tuple[str, str]]:
    from anjian.aid.capability import indicator_name

    return [(i.code, f"{indicator_name(i)} ({i.unit})") for i in indicators]


class MeasurementForm(forms.Form):
    indicator_code = forms.ChoiceField(label=_("Indicator"))
    value = forms.DecimalField(label=_("Value"), **NUMBER)
    as_of = forms.DateField(label=_("As of"), initial=_today, **DATE)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_code"].choices = _indicator_choices(indicators)


class TargetForm(forms.Form):
    indicator_code = forms.ChoiceField(label=_("Indicator"))
    value = forms.DecimalField(label=_("Target"), **NUMBER)
    due_on = forms.DateField(label=_("Target date"), **DATE)
    baseline = forms.DecimalField(
        label=_("Baseline"),
        required=False,
        help_text=_("The value the way to the target is measured from; empty: 0."),
        **NUMBER,
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_code"].choices = _indicator_choices(indicators)


class TalentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TalentKind.choices)
    person_name = forms.CharField(
        label=_("Full name"), max_length=200, required=False, help_text=_("May be left empty when a trainee is named.")
    )
    home = forms.CharField(label=_("Home unit"), max_length=200)
    post = forms.CharField(label=_("Post or course"), max_length=200)
    starts_on = forms.DateField(label=pgettext_lazy("aid", "From"), **DATE)
    ends_on = forms.DateField(label=pgettext_lazy("aid", "Until"), required=False, **DATE)
    hours = forms.DecimalField(label=_("Training hours"), required=False, **YUAN)
    item = forms.TypedChoiceField(label=_("Item"), coerce=int, required=False, empty_value=None)
    division_code = forms.ChoiceField(label=_("Receiving division"), required=False)
    supporter_id = forms.TypedChoiceField(
        label=_("Supporting unit"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Needed unless the record belongs to an aid item."),
    )
    trainee_id_number = forms.CharField(
        label=_("Trainee's ID number"),
        max_length=18,
        required=False,
        help_text=_("For staff trained elsewhere: the trainee of the training system; the hours attended follow."),
    )
    achievements = forms.CharField(label=_("What they did"), max_length=20000, required=False, **TEXT)

    def __init__(self, *args, items=(), divisions=(), supporters=None, trainees=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—")] + [(i.pk, f"#{i.pk} {i.title}") for i in items]
        self.fields["division_code"].choices = [("", _("Your own division"))] + [
            (d.code, f"{d.code} {d.name}") for d in divisions
        ]
        if supporters is None:
            del self.fields["supporter_id"]
        else:
            self.fields["supporter_id"].choices = [("", "—")] + [(o.pk, o.name) for o in supporters]
        if not trainees:
            del self.fields["trainee_id_number"]

    def clean(self):
        data = super().clean()
        number = (data.get("trainee_id_number") or "").strip().upper()
        data["trainee_id_number"] = number
        if number and data.get("kind") != TalentKind.TRAINED:
            self.add_error("trainee_id_number", _("A trainee is named on a record of staff trained elsewhere."))
        return data


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), initial=_today, **DATE)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=300)
    item_ids = forms.TypedMultipleChoiceField(
        label=_("Items inspected"), coerce=int, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    findings = forms.CharField(label=_("Findings"), max_length=50000, widget=forms.Textarea(attrs={"rows": 5}))
    rectifications_text = forms.CharField(
        label=_("Required rectifications"),
        required=False,
        max_length=100000,
        help_text=_(
            "One per line: what is required; the due date YYYY-MM-DD; optionally the number of one of the items "
            "inspected (none: all of them)."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_ids"].choices = [
            (i.pk, f"#{i.pk} {i.title} · {i.plan.supporter.name} → {i.receiver.name}") for i in items
        ]

    def clean(self):
        data = super().clean()
        rows, lines = [], []
        for number, line in enumerate((data.get("rectifications_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("；", ";").split(";")]
            item = ""
            if len(parts) >= 3 and _date(parts[-2]) is not None:
                item = parts.pop()
            due_on = _date(parts.pop()) if len(parts) >= 2 else None
            requirement = ";".join(parts).strip()
            if not requirement or due_on is None or (item and not item.lstrip("#").isdigit()):
                self.add_error(
                    "rectifications_text",
                    _(
                        "Line %(n)s: write what is required, a semicolon, the date YYYY-MM-DD and, if it is of one "
                        "item, a semicolon and the item's number."
                    )
                    % {"n": number},
                )
                continue
            rows.append({"requirement": requirement, "due_on": due_on, "item": int(item.lstrip("#")) if item else None})
            lines.append(number)
        data["rectifications"] = rows
        self.rectification_lines = lines
        return data


class RectificationDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), **DATE)
    note = forms.CharField(label=_("What was done"), max_length=10000)


class RectificationVerifyForm(forms.Form):
    verified_on = forms.DateField(label=_("Verified on"), **DATE)
