"""Forms of the training pages. They only shape input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.training import rules
from anjian.training.models import Audience, CourseKind, Education, QuestionKind

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
DATETIME = {
    "widget": forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
}


def item_choices(blank=True):
    choices = [("", _("None"))] if blank else []
    for category in rules.catalogue()["categories"]:
        for item in category["items"]:
            choices.append((item[0], f"{item[0]} {item[1]}"))
    return choices


class TraineeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("In any script; many Tibetan names have no surname.")
    )
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    audience = forms.ChoiceField(label=_("Trained as"), choices=Audience.choices)
    education = forms.ChoiceField(label=_("Education"), choices=[("", "—"), *Education.choices], required=False)
    employer_code = forms.CharField(
        label=_("Employer's credit code"),
        max_length=18,
        required=False,
        help_text=_("When the unit is in the registry."),
    )
    employer_name = forms.CharField(label=_("Employer (not registered)"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo (JPEG, PNG or WebP)"))


class CourseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices)
    operation_item = forms.ChoiceField(label=_("Special operation item"), required=False)
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=1, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation_item"].choices = item_choices()


class SessionForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), **DATE)
    ends_on = forms.DateField(label=_("Ends on"), **DATE)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=6, decimal_places=1, required=False, help_text=_("Leave empty for the course's.")
    )


class AttendanceForm(forms.Form):
    id_numbers = forms.CharField(
        label=_("ID numbers of those who attended"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line; add hours after a space when someone was credited fewer than the session gives."),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    operation_item = forms.ChoiceField(label=_("Special operation item"), required=False)
    knowledge_point = forms.CharField(label=_("Knowledge point"), max_length=100, required=False)
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"), choices=[(d, d) for d in rules.DIFFICULTIES], coerce=int, initial=3
    )
    text_zh = forms.CharField(label=_("Question (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    text_bo = forms.CharField(
        label=_("Question (Tibetan)"), widget=forms.Textarea(attrs={"rows": 3, "lang": "bo"}), required=False
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One option per line, A first; a Tibetan text after a | on the same line."),
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=20, required=False, help_text=_("Letters (B, ACD); 对 or 错 for true or false.")
    )
    sheet = forms.CharField(
        label=_("Scoring sheet"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Practical tasks: one line per criterion, 'label | maximum'; the maxima add up to 100."),
    )
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation_item"].choices = item_choices()

    def data_for_service(self) -> dict:
        """The question as the service takes it (options, answer and sheet parsed from their text)."""
        d = self.cleaned_data
        options = []
        for line in (d.get("options") or "").splitlines():
            if line.strip():
                zh, _sep, bo = line.partition("|")
                options.append({"zh": zh.strip(), "bo": bo.strip()})
        answer = rules.parse_answer(d["kind"], d.get("answer") or "")
        sheet = []
        for n, line in enumerate((d.get("sheet") or "").splitlines(), start=1):
            if line.strip():
                label, _sep, maximum = line.rpartition("|")
                sheet.append({"key": str(n), "label": label.strip(), "max": maximum.strip() or "0"})
        return {
            "kind": d["kind"],
            "operation_item": d.get("operation_item") or "",
            "knowledge_point": d.get("knowledge_point") or "",
            "difficulty": d["difficulty"],
            "text_zh": d.get("text_zh") or "",
            "text_bo": d.get("text_bo") or "",
            "options": options,
            "answer": answer if answer is not None else [],
            "sheet": sheet,
            "explanation": d.get("explanation") or "",
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Question file (xlsx or csv)"))


class PaperRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    operation_item = forms.ChoiceField(label=_("Special operation item"), required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600, initial=120)
    pass_mark = forms.IntegerField(label=_("Pass mark"), min_value=1, max_value=100, initial=80)
    lines = forms.CharField(
        label=_("Lines"),
        widget=forms.Textarea(attrs={"rows": 5}),
        initial="single 60 1\nmultiple 10 2\njudge 20 1",
        help_text=_(
            "One line each: kind (single, multiple, judge), how many, points each, and optionally the knowledge point "
            "and the difficulty; the lines add up to 100 points."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation_item"].choices = item_choices()

    def items(self) -> list[dict]:
        items = []
        for line in self.cleaned_data["lines"].splitlines():
            parts = line.split()
            if not parts:
                continue
            item = {"kind": parts[0], "count": 0, "points": "0"}
            try:
                item["count"] = int(parts[1]) if len(parts) > 1 else 0
                item["points"] = parts[2] if len(parts) > 2 else "0"
                if len(parts) > 3:
                    item["knowledge_point"] = parts[3] if parts[3] != "-" else ""
                if len(parts) > 4:
                    item["difficulty"] = int(parts[4])
            except ValueError:
                item["count"] = 0
            items.append(item)
        return items


class ExamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    paper_rule = forms.ChoiceField(label=_("Paper rule"))
    venue = forms.CharField(label=_("Venue"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Opens at"), **DATETIME)
    ends_at = forms.DateTimeField(label=_("Closes at"), **DATETIME)
    practical = forms.ChoiceField(label=_("Practical task"), required=False)
    proctors = forms.CharField(label=_("Proctors (usernames)"), max_length=500, required=False)

    def __init__(self, *args, rules_choices=(), practical_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paper_rule"].choices = list(rules_choices)
        self.fields["practical"].choices = [("", _("None")), *practical_choices]


class AdmitForm(forms.Form):
    id_numbers = forms.CharField(
        label=_("ID numbers of the examinees"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One per line.")
    )


class PracticalForm(forms.Form):
    def __init__(self, *args, sheet=(), **kwargs):
        super().__init__(*args, **kwargs)
        for line in sheet:
            self.fields[f"s_{line['key']}"] = forms.DecimalField(
                label=f"{line['label']} (≤ {line['max']})", max_digits=5, decimal_places=2, min_value=0
            )


class ReviewForm(forms.Form):
    violations = forms.IntegerField(label=_("Violations since the last review"), min_value=0, max_value=1000, initial=0)
    serious_violation = forms.BooleanField(label=_("A serious violation"), required=False)
    penalised = forms.BooleanField(label=_("Penalised for a violation"), required=False)
    refused_inspection = forms.BooleanField(label=_("Refused inspection"), required=False)
    fit = forms.BooleanField(label=_("Fit for the work"), required=False, initial=True)
    exam_passed = forms.NullBooleanField(
        label=_("Review exam"),
        widget=forms.Select(choices=[("unknown", _("Not held")), ("true", _("Passed")), ("false", _("Failed"))]),
        required=False,
    )
    long_compliant = forms.BooleanField(
        label=_("10 years of continuous compliant work in this operation (asks the 6-year interval)"), required=False
    )


class ReasonForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("suspend", pgettext_lazy("certificate", "Suspend")),
            ("reinstate", _("Lift the suspension")),
            ("revoke", pgettext_lazy("certificate", "Revoke")),
        ]
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    name = forms.CharField(label=_("Holder's name"), max_length=200)


class SignInForm(forms.Form):
    ticket = forms.CharField(label=_("Admission ticket"), max_length=40)
    code = forms.CharField(label=_("Access code"), max_length=40, widget=forms.PasswordInput)
