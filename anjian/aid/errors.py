"""Error codes of support and aid, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "not_aid_keeper": _("Only aid coordinators keep aid plans, items and ledgers."),
    "not_a_supporter": _("Aid plans are kept by supporting units."),
    "receiver_not_bureau": _("The receiving side is a supervision bureau."),
    "not_receiver": _("Only the receiving bureau's aid coordinators do this."),
    "plan_not_yours": _("Only the supporting unit that keeps this plan changes it."),
    "plan_period_invalid": _("A plan ends after it starts."),
    "form_unknown": _("Aid takes the form of funds, a project, technical support or talent."),
    "receiver_not_in_plan": _("The receiving bureau is not one of the plan's receivers."),
    "amount_required": _("Funds and projects state their amount in yuan."),
    "amount_invalid": _("An amount is more than 0 yuan and less than a trillion, in fen at most."),
    "entry_kind_unknown": _("A ledger entry is a commitment, transfer, receipt, expenditure or reversal."),
    "entry_not_yours": _("Each side posts its own kinds of entry: this one is the other side's."),
    "commitment_exceeds_amount": _("The commitments would exceed the item's amount (%(limit)s yuan left)."),
    "transfer_exceeds_commitment": _("The transfers would exceed what was committed (%(limit)s yuan left)."),
    "receipt_exceeds_transfer": _("The receipts would exceed what was transferred (%(limit)s yuan not yet received)."),
    "expenditure_exceeds_receipt": _("The spending would exceed what was received (%(limit)s yuan unspent)."),
    "reversal_target_invalid": _("A reversal names an earlier entry of this ledger that is not itself a reversal."),
    "already_reversed": _("This entry has already been reversed."),
    "reversal_amount": _("A reversal takes back the whole amount of the entry it names."),
    "reversal_before_entry": _("A reversal is dated on or after the entry it takes back."),
    "reversal_breaks_balance": _(
        "Reversing this entry would leave more transferred, received or spent than is left before it: reverse the "
        "later entries first."
    ),
    "entry_conflict": _("An entry with this id was posted with other content."),
    "ledger_append_only": _("Ledger entries are never changed or deleted: post a reversal instead."),
    "accepted_before_delivery": _("A milestone is accepted only after it has been delivered."),
    "milestone_accepted": _("This milestone has been accepted: it cannot change."),
    "milestone_not_delivered": _("This milestone has not been delivered yet."),
    "date_in_future": _("%(name)s cannot be in the future."),
    "weight_invalid": _("A milestone's weight is more than 0."),
    "item_status": _("The item is %(state)s: it moves planned → under way → completed, or is cancelled."),
    "milestones_open": _("A project is completed once every milestone has been accepted."),
    "talent_period_invalid": _("A term ends on or after the day it starts."),
    "not_aid_supervisor": _(
        "Only the leaders and aid coordinators of a supervision bureau inspect aid and verify rectifications."
    ),
    "rectification_not_yours": _(
        "Only the receiving bureau or the supporting unit of the inspected aid reports a rectification done."
    ),
    "before_inspection": _("%(name)s cannot be before the inspection."),
    "verified_before_done": _("A rectification is verified on or after the day it was done."),
    "item_closed": _("The item is %(state)s: nothing more is committed, transferred or delivered on it."),
    "target_own": _("A prefecture's or county's targets are set by the bureau above it."),
    "target_behind_baseline": _("A target lies beyond its baseline in the direction the indicator improves."),
    "step_done": _("This step is already done."),
    "talent_kind_unknown": _("Talent is a cadre sent, staff trained elsewhere, or an exchange."),
    "hours_invalid": _("Hours are more than 0 and at most 10,000."),
    "rectification_done": _("This rectification has already been verified."),
    "rectification_not_done": _("Record what was done before verifying the rectification."),
    "indicator_unknown": _("There is no indicator %(code)s."),
    "value_invalid": _("A value is a number between -1,000,000,000,000 and 1,000,000,000,000."),
    "measurement_exists": _("There is already a value of this indicator for this day: correct it by a new day."),
    "division_not_bureau": _("Capability is kept for the divisions that have a supervision bureau."),
}
