"""Forms of the aid pages. They only shape input; the services check the rules."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.aid import rules
from anjian.aid.models import EntryKind, Form

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
TEXT = {"widget": forms.Textarea(attrs={"rows": 3})}
YUAN = {"widget": forms.TextInput(attrs={"inputmode": "decimal"})}


def _today():
    from django.utils import timezone

    return timezone.localdate()


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=pgettext_lazy("aid", "From"), **DATE)
    ends_on = forms.DateField(label=pgettext_lazy("aid", "Until"), **DATE)
    receivers = forms.TypedMultipleChoiceField(
        label=_("Receiving bureaus"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=pgettext_lazy("aid", "Summary"), required=False, **TEXT)

    def __init__(self, *args, bureaus=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receivers"].choices = [(o.pk, o.name) for o in bureaus]


class ItemForm(forms.Form):
    form = forms.ChoiceField(label=_("Form of aid"), choices=Form.choices)
    receiver = forms.TypedChoiceField(label=_("Receiving bureau"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), required=False, **TEXT)
    purpose = forms.CharField(label=_("Purpose of the funds"), max_length=300, required=False)
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), required=False, **YUAN)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, **YUAN)
    unit = forms.CharField(label=_("Unit of measure"), max_length=20, required=False)
    supporter_contact = forms.CharField(label=_("Responsible (supporting side)"), max_length=200)
    receiver_contact = forms.CharField(label=_("Responsible (receiving side)"), max_length=200)
    deadline = forms.DateField(label=pgettext_lazy("aid", "Deadline"), **DATE)
    steps_text = forms.CharField(
        label=_("Implementation steps"),
        required=False,
        help_text=_("One per line: what is done; by when (YYYY-MM-DD)."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    indicators_text = forms.CharField(
        label=_("Capability indicators it improves"),
        max_length=1000,
        required=False,
        help_text=_("Indicator codes, separated by commas."),
    )

    def __init__(self, *args, receivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].choices = [(o.pk, o.name) for o in receivers]

    def clean(self):
        data = super().clean()
        steps = []
        for number, line in enumerate((data.get("steps_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            description, _sep, due = line.replace("；", ";").rpartition(";")
            try:
                due_on = datetime.date.fromisoformat(due.strip())
            except ValueError:
                due_on = None
            if not description.strip() or due_on is None:
                self.add_error(
                    "steps_text",
                    _("Line %(n)s: write what is done, a semicolon, and the date YYYY-MM-DD.") % {"n": number},
                )
                continue
            steps.append({"description": description.strip(), "due_on": due_on})
        data["steps"] = steps
        text = (data.get("indicators_text") or "").replace("，", ",")
        data["indicators"] = list(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
        return data


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of entry"))
    amount_yuan = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        help_text=_("For a reversal, leave it empty: the whole amount of the entry taken back."),
        **YUAN,
    )
    date = forms.DateField(label=_("Date"), initial=_today, **DATE)
    evidence = forms.CharField(label=_("Evidence (voucher number, bank reference)"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    reverses = forms.TypedChoiceField(
        label=_("Entry taken back (for a reversal)"), coerce=int, required=False, empty_value=None
    )

    evidence_file = forms.FileField(label=_("Voucher (PDF or photo)"), required=False)

    def __init__(self, *args, kinds=(), reversible=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(EntryKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]
        self.fields["reverses"].choices = [("", "—")] + [
            (e.pk, f"#{e.seq} · {labels[e.kind]} · {e.amount_yuan:,.2f} · {e.date:%Y-%m-%d}") for e in reversible
        ]
        self.amounts = {e.pk: e.amount_yuan for e in reversible}

    def clean(self):
        data = super().clean()
        if data.get("kind") == rules.REVERSAL:
            if data.get("amount_yuan") is None and data.get("reverses") in self.amounts:
                data["amount_yuan"] = self.amounts[data["reverses"]]
        else:
            data["reverses"] = None
        return data


class StepDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), **DATE)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    planned_on = forms.DateField(label=_("Planned for"), **DATE)
    weight = forms.DecimalField(label=_("Weight"), initial=1, **YUAN)
    deliverables = forms.CharField(label=_("Deliverables"), required=False, **TEXT)


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), **DATE)
    note = forms.CharField(label=_("Delivery note"), max_length=10000, required=False)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("Accepted on"), **DATE)
    quality_ok = forms.BooleanField(label=_("Quality as agreed"), required=False)
    quantity_ok = forms.BooleanField(label=_("Quantity in full"), required=False)
    note = forms.CharField(label=_("Acceptance note"), max_length=10000, required=False)

    evidence_file = forms.FileField(label=_("Acceptance record (PDF or photo)"), required=False)
