"""Forms of the foundation's pages: types and required fields; the rules are in services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from anjian.core.errors import DomainError, FormErrors
from anjian.core.models import OrganisationKind, Role, SupportKind
from anjian.core.rules import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR

CREATABLE_KINDS = [
    (OrganisationKind.BUREAU.value, OrganisationKind.BUREAU.label),
    (OrganisationKind.SUPPORTING.value, OrganisationKind.SUPPORTING.label),
    (OrganisationKind.INSTITUTION.value, OrganisationKind.INSTITUTION.label),
]
LANGUAGE_CHOICES = [("", _("(the platform's default)")), *settings.LANGUAGES]


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error on the form, on the field it names when the form has it."""
    items = error.errors if isinstance(error, FormErrors) else [(error.field, error.code, error.message)]
    for field, _code, message in items:
        form.add_error(field if field in form.fields else None, message)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class OrganisationCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CREATABLE_KINDS)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_bo = forms.CharField(label=_("Name (Tibetan)"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    division = forms.CharField(label=_("Division code"), max_length=6, help_text=_("The 6-digit code, e.g. 540102."))
    support_kind = forms.ChoiceField(
        label=_("Kind of support"), choices=[("", "—"), *SupportKind.choices], required=False
    )
    home_division = forms.CharField(
        label=_("Home division code"),
        max_length=6,
        required=False,
        help_text=_("Where a supporting unit comes from, e.g. 320000."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)


class OrganisationEditForm(forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_bo = forms.CharField(label=_("Name (Tibetan)"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    support_kind = forms.ChoiceField(
        label=_("Kind of support"), choices=[("", "—"), *SupportKind.choices], required=False
    )
    home_division = forms.CharField(label=_("Home division code"), max_length=6, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class PersonFieldsMixin(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, f"{o.division_id} {o.name}") for o in organisations]


class PersonCreateForm(PersonFieldsMixin):
    username = forms.CharField(label=_("Username"), max_length=150, help_text=_("Letters, digits and - _ . only."))
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput(render_value=False))
    field_order = ["username", "full_name", "organisation", "roles", "title", "email", "phone", "language", "password"]


class PersonEditForm(PersonFieldsMixin):
    is_active = forms.BooleanField(label=_("Active"), required=False)


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)


class MyPasswordForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)


class CalendarYearForm(forms.Form):
    days = forms.CharField(
        label=_("Holidays and adjusted working days"),
        max_length=40000,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=_(
            "One day a line: “YYYY-MM-DD holiday Name” for a day off (the weekend days of a holiday period may be "
            "listed too), “YYYY-MM-DD workday” for an adjusted working day on a Saturday or Sunday. "
            "The days not listed follow the rule: Monday to Friday are working days."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the schedule comes from, e.g. the State Council's notice and its number."),
    )


class CalendarYearPickForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=CALENDAR_FIRST_YEAR, max_value=CALENDAR_LAST_YEAR)
