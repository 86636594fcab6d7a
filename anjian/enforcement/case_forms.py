"""Forms of the penalty-case pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Person
from anjian.enforcement.models import EvidenceKind, LegalBasis, PartyKind, PenaltyKind, Procedure

PENALTY_KIND_CHOICES = [("", "—"), *PenaltyKind.choices]

ACTION_LABELS = {
    "approve_filing": _("Approve filing"),
    "refuse_filing": _("Refuse filing"),
    "extend": _("Extend the decision deadline"),
    "submit_review": _("Send for legal review"),
    "return_investigation": _("Return for further investigation"),
    "review": _("Complete the legal review"),
    "transfer": _("Transfer to the judicial authorities"),
    "no_penalty": _("Close without penalty"),
    "discuss": _("Record the collective discussion"),
    "notify": _("Issue the notice of proposed penalty"),
    "serve_notice": _("Record service of the notice"),
    "record_statement": _("Record the statement and defence"),
    "request_hearing": _("Record a request for a hearing"),
    "schedule_hearing": _("Schedule the hearing"),
    "hold_hearing": _("Record the hearing"),
    "decide": _("Decide the penalty"),
    "serve": _("Record service of the decision"),
    "pay": _("Record a payment"),
    "remind": _("Remind to pay"),
    "apply_enforcement": _("Apply for compulsory enforcement"),
    "close": _("Close the case"),
    "disclose": _("Disclose the decision"),
    "change_decision": _("Change the decision"),
    "revoke_decision": _("Revoke the decision"),
}

# The fields each step asks for, besides when it happened.
STEP_FIELDS = {
    "approve_filing": ["opinion"],
    "refuse_filing": ["reason"],
    "extend": ["reason"],
    "submit_review": [],
    "return_investigation": ["opinion"],
    "review": ["opinion"],
    "transfer": ["transfer_to"],
    "no_penalty": ["no_penalty_reason", "opinion"],
    "discuss": ["participants", "conclusion"],
    "notify": [],
    "serve_notice": ["recipient", "method"],
    "record_statement": ["statement"],
    "request_hearing": [],
    "schedule_hearing": ["hearing_date", "place"],
    "hold_hearing": ["record"],
    "decide": ["waived"],
    "serve": ["recipient", "method"],
    "pay": ["amount"],
    "remind": [],
    "apply_enforcement": [],
    "close": ["opinion"],
    "disclose": [],
    "change_decision": ["penalty", "fine", "reason"],
    "revoke_decision": ["reason"],
}


def _text(label, required=False, rows=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, max_length=2000, required=required, widget=widget)


class StepForm(forms.Form):
    """One step of a case; only the fields of its action are shown and sent."""

    at = forms.DateTimeField(
        label=_("When it happened (leave empty for now)"),
        required=False,
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    opinion = _text(_("Opinion"), rows=2)
    reason = _text(_("Reason"), rows=2)
    transfer_to = _text(_("Transferred to"))
    no_penalty_reason = forms.ChoiceField(
        label=_("Why no penalty"),
        required=False,
        choices=[("minor", _("Minor and corrected in time")), ("unfounded", _("Facts not established"))],
    )
    participants = _text(_("Participants"))
    conclusion = _text(_("Conclusion"), rows=2)
    recipient = _text(_("Received by"))
    method = _text(_("Manner of service"))
    statement = _text(_("Statement and defence"), rows=3)
    hearing_date = forms.DateField(
        label=_("Date of the hearing"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    place = _text(_("Place of the hearing"))
    record = _text(_("Hearing record and report"), rows=3)
    waived = forms.BooleanField(label=_("The party waived statement, defence and hearing"), required=False)
    amount = forms.DecimalField(label=_("Amount paid (yuan)"), required=False, max_digits=14, decimal_places=2)
    penalty = _text(_("Penalty as changed"))
    fine = forms.DecimalField(label=_("Fine as changed (yuan)"), required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        self.action = action
        self.label = ACTION_LABELS[action]
        keep = {"at", *STEP_FIELDS[action]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def step_data(self) -> dict:
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "at" or value in (None, "", False):
                continue
            key = "reason" if name == "no_penalty_reason" else name
            data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return data


class CaseForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"), choices=Procedure.choices)
    party_kind = forms.ChoiceField(label=_("Party"), choices=PartyKind.choices)
    party_name = forms.CharField(label=_("Name of the party (an individual)"), max_length=200, required=False)
    party_id_number = forms.CharField(label=_("ID number of the party"), max_length=18, required=False)
    party_address = forms.CharField(label=_("Address of the party"), max_length=300, required=False)
    summary = forms.CharField(label=_("Cause of the case"), max_length=300)
    act_date = forms.DateField(
        label=_("Date of the violation"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    investigators = forms.MultipleChoiceField(label=_("Investigators (at least two)"))
    basis = forms.ChoiceField(label=_("Legal basis"), required=False)
    basis_text = forms.CharField(label=_("Legal basis as written (if not in the list)"), max_length=300, required=False)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    penalty_kind = forms.ChoiceField(label=_("Penalty kind"), choices=PENALTY_KIND_CHOICES, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args, organisation, initial_summary="", **kwargs):
        super().__init__(*args, **kwargs)
        officers = Person.objects.filter(organisation=organisation, is_active=True).order_by("username")
        self.fields["investigators"].choices = [(p.username, p.full_name or p.username) for p in officers]
        self.fields["basis"].choices = [("", "—")] + [
            (b.code, f"{b.law}{b.article} · {b.summary}") for b in LegalBasis.objects.all()
        ]
        self.fields["act_date"].initial = timezone.localdate()
        if initial_summary:
            self.fields["summary"].initial = initial_summary

    def violations(self) -> list[dict]:
        data = self.cleaned_data
        if not (data.get("facts") or "").strip():
            return []
        penalties = []
        if data.get("penalty_kind"):
            penalties.append({"kind": data["penalty_kind"], "amount": data.get("amount")})
        return [
            {
                "basis": data.get("basis"),
                "basis_text": data.get("basis_text"),
                "facts": data["facts"],
                "penalties": penalties,
            }
        ]


class ViolationForm(forms.Form):
    basis = forms.ChoiceField(label=_("Legal basis"), required=False)
    basis_text = forms.CharField(label=_("Legal basis as written (if not in the list)"), max_length=300, required=False)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    penalty_kind = forms.ChoiceField(label=_("Penalty kind"), choices=PENALTY_KIND_CHOICES, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, max_digits=14, decimal_places=2)
    penalty_kind_2 = forms.ChoiceField(label=_("Second penalty kind"), choices=PENALTY_KIND_CHOICES, required=False)
    amount_2 = forms.DecimalField(label=_("Amount (yuan)"), required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="violation", **kwargs)
        self.fields["basis"].choices = [("", "—")] + [
            (b.code, f"{b.law}{b.article} · {b.summary}") for b in LegalBasis.objects.all()
        ]

    def violation(self) -> dict:
        data = self.cleaned_data
        penalties = [
            {"kind": data[k], "amount": data.get(a)}
            for k, a in (("penalty_kind", "amount"), ("penalty_kind_2", "amount_2"))
            if data.get(k)
        ]
        return {
            "basis": data.get("basis"),
            "basis_text": data.get("basis_text"),
            "facts": data["facts"],
            "penalties": penalties,
        }


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500)
    collected_on = forms.DateField(
        label=_("Collected on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="evidence", **kwargs)
