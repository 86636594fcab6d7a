"""Error codes of the registry, shared by pages and API (messages translated)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "credit_code_invalid": _(
        "%(code)s is not a valid unified social credit code: 18 characters from 0-9 and A-Y "
        "without I, O, Z, S, V, the last one a check character."
    ),
    "credit_code_check": _("The check character of %(code)s is wrong: the code has a typing error."),
    "credit_code_taken": _("A production unit with the credit code %(code)s is already registered."),
    "division_not_county": _("%(code)s is not a county-level division: register a unit in its county."),
    "industry_invalid": _("%(code)s is not a GB/T 4754-2017 industry code (e.g. B06, C2614)."),
    "category_unknown": _("There is no regulated category %(category)s."),
    "coordinates_invalid": _("Latitude lies between -90 and 90, longitude between -180 and 180; give both or neither."),
    "employees_invalid": _("The number of employees cannot be negative."),
    "licence_dates_invalid": _("A licence cannot expire before it was issued."),
    "licence_issued_in_future": _("A licence cannot be issued in the future."),
    "hazard_level_invalid": _("A major hazard installation has level 1, 2, 3 or 4."),
}
