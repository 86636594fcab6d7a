"""Error codes of enforcement, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "certificate_number_taken": _("The enforcement certificate %(number)s belongs to someone else."),
    "recusal_exists": _("This officer is already recused from this unit."),
    "plan_year_invalid": _("A plan is made for a year from %(low)s to %(high)s."),
    "stratum_repeated": _("Each category appears once in a plan."),
    "stratum_count_invalid": _("Draw at least one unit in each stratum."),
    "draw_register_empty": _("No operating unit of the plan's categories is registered in this jurisdiction."),
    "draw_short_of_inspectors": _(
        "Unit %(code)s has %(count)s officer(s) free to inspect it; two with valid enforcement certificates "
        "and no recusal are needed (Order 15 Art. 24)."
    ),
    "draw_state_invalid": _("The draw cannot do this now: it is %(state)s."),
}
