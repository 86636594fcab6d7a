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
    "document_other_unit": _("The documents named must concern the same production unit."),
    "document_needs_earlier": _(
        "A rectification review opinion names the order or on-site measure it reviews, issued before it."
    ),
    "document_already_superseded": _("This document has already been replaced by a corrected version."),
    "inspection_needs_two": _("An inspection is made by at least two officers (Order 15 Art. 24)."),
    "inspector_unknown": _("%(username)s is not an active officer of your bureau."),
    "inspector_not_certified": _("%(username)s has no enforcement certificate valid on the day of the inspection."),
    "inspector_recused": _("%(username)s is recused from this unit and cannot inspect it."),
    "inspection_id_taken": _("A different inspection already has this id."),
    "date_in_future": _("The date cannot be in the future."),
    "checklist_item_unknown": _("Item %(item)s is not on this checklist."),
    "checklist_incomplete": _("Give a result for every item of the checklist; missing: %(items)s."),
    "photo_too_large": _("The photo is larger than the %(limit)s allowed."),
    "photo_not_image": _("The file is not a JPEG, PNG or WebP photo."),
    "deadline_in_past": _("The rectification deadline cannot be in the past."),
    "hazard_id_taken": _("A different hazard already has this id."),
    "grade_unknown_hazard": _("A hazard is general or major (Order 16 Art. 3)."),
    "transition_not_allowed": _("A hazard that is %(state)s cannot become %(target)s."),
    "transition_not_yours": _("Only the supervising bureau can make this change."),
    "major_needs_verification": _("A major hazard is closed only after the bureau has verified its rectification."),
    "major_plan_incomplete": _(
        "A major hazard's rectification plan needs its objectives, measures, funds, people responsible, "
        "time limits and safety measures (Order 16)."
    ),
}
