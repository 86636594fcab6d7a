"""Error codes of statistics and indicators, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "year_invalid": _("The year must lie from %(first)s to %(last)s."),
    "month_invalid": _("A month is a number from 1 to 12, or empty for the whole year."),
    "period_in_future": _("Figures cannot be entered for a month that has not yet begun."),
    "larger_above_total": _("Larger-and-above accidents cannot outnumber all accidents."),
    "coal_deaths_invalid": _("Coal mine deaths belong to industry, mining and commerce and cannot exceed all deaths."),
    "return_overlaps": _(
        "A return for %(code)s in %(period)s already covers part of this place and period: "
        "enter figures for one level and one span only, so that nothing is counted twice."
    ),
    "return_covers_reports": _(
        "%(count)s individual reports already lie in this place, period and sector: they are counted as they are, "
        "and a return is for figures with no reports."
    ),
    "count_too_large": _("The number is larger than the %(max)s the platform accepts here."),
    "file_columns_missing": _("The file lacks the columns: %(columns)s."),
    "denominator_empty": _("Give at least one denominator."),
    "denominator_not_positive": _("A denominator must be greater than zero: an indicator cannot divide by zero."),
    "period_invalid": _("The period is not valid: %(reason)s"),
}
