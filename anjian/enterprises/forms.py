"""Forms of the registry's pages: types and choices; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.models import EnterpriseStatus, RegulatedCategory, StandardisationGrade


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    division = forms.ChoiceField(label=_("County"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    industry = forms.CharField(
        label=_("Industry (GB/T 4754)"),
        max_length=5,
        help_text=_("A section letter and its digits, e.g. B06 or C3021."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Regulated categories"),
        choices=RegulatedCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=10**7, initial=0)
    standardisation_grade = forms.ChoiceField(
        label=_("Standardisation grade"), choices=StandardisationGrade.choices, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=EnterpriseStatus.choices, initial=EnterpriseStatus.OPERATING)
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)

    def __init__(self, *args, counties=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [(d.code, f"{d.code} {d.name}") for d in counties]
        if editing:
            del self.fields["credit_code"]  # a unit's identity never changes


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "An .xlsx file, or a .csv in UTF-8 (with or without BOM) or GB18030; the first row names the columns."
        ),
    )
