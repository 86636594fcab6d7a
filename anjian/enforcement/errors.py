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
    "case_id_taken": _("A different case already has this id."),
    "case_action_unknown": _("There is no step %(action)s in a penalty case."),
    "case_action_out_of_order": _("A case at the stage “%(state)s” cannot take the step %(action)s now."),
    "case_action_not_yours": _("Your role cannot take the step %(action)s on a case."),
    "step_before_previous": _("A step cannot be dated before the step before it."),
    "case_not_investigating": _("Violations and evidence are added while the case is being investigated."),
    "basis_unknown": _("There is no legal basis %(code)s."),
    "basis_not_in_force": _("This legal basis is in force from %(date)s, after the date of the violation."),
    "basis_not_for_party": _("This legal basis provides no fine for this kind of party."),
    "penalty_kind_unknown": _(
        "The penalty kind is not one of warning, fine, confiscation, suspension, licence revocation or closure."
    ),
    "penalty_kind_not_in_basis": _("This legal basis does not provide this kind of penalty."),
    "fine_amount_required": _("A fine needs its amount, greater than zero."),
    "fine_below_range": _("The fine is below the %(low)s yuan its legal basis sets as the least."),
    "fine_above_range": _("The fine is above the %(high)s yuan its legal basis allows."),
    "amount_negative": _("An amount cannot be negative."),
    "penalty_required": _("Propose at least one penalty, or close the case without penalty."),
    "violation_required": _("Record at least one violation before the case goes to review."),
    "simple_kind_not_allowed": _("On the spot only a warning or a fine can be decided (Penalty Law Art. 51)."),
    "simple_limit_exceeded": _(
        "On the spot a fine cannot exceed %(limit)s yuan for this party (Penalty Law Art. 51): use the general "
        "procedure."
    ),
    "extension_used": _("The decision deadline has already been extended once."),
    "extension_too_late": _("The decision deadline (%(due)s) has passed: it can no longer be extended."),
    "hearing_not_available": _("The proposed penalty gives no right to a hearing (Penalty Law Art. 63)."),
    "hearing_request_late": _(
        "A hearing must be requested within %(days)s days of receiving the notice, by %(due)s (Penalty Law Art. 64)."
    ),
    "hearing_before_notice": _("A hearing can be requested only once the notice of the proposed penalty is served."),
    "hearing_notice_too_short": _("The party must be told of the hearing at least %(days)s days before it."),
    "hearing_not_yet": _("The hearing is set for %(date)s: it cannot be recorded as held before then."),
    "decision_needs_served_notice": _(
        "The notice of the proposed penalty has not been served yet: no decision before the party has been told "
        "of it and of their rights (Penalty Law Art. 44, 62)."
    ),
    "decision_before_hearing": _("The party requested a hearing: decide after the hearing has been held."),
    "decision_before_window": _(
        "The party may state its case or request a hearing until %(due)s: decide after that, or record that the "
        "party waived these rights."
    ),
    "discussion_required": _(
        "A heavy penalty is decided by the bureau's heads in collective discussion (Penalty Law Art. 57): record "
        "the discussion first."
    ),
    "nothing_owed": _("Nothing is owed on this case."),
    "payment_exceeds_owed": _("The payment is more than the %(owed)s yuan owed."),
    "payment_not_overdue": _("The fine is not overdue: nothing to remind of or enforce yet."),
    "case_fine_unpaid": _("The fine has not been paid: close after payment or after applying for enforcement."),
    "disclosure_not_applicable": _("Only penalty decisions of the general procedure are disclosed."),
    "already_disclosed": _("This decision has already been disclosed."),
    "decision_revoked": _("The decision has been revoked."),
    "evidence_file_type": _("Attach evidence as a PDF, JPEG or PNG file."),
}
