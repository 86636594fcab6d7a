"""Error codes of accident reports, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "accident_id_taken": _("A different accident already has this id."),
    "occurred_in_future": _("The time of occurrence cannot be in the future."),
    "occurred_before_rules": _(
        "Accidents before %(date)s (Decree 493) are entered as aggregate returns, not as reports."
    ),
    "head_informed_before_occurred": _("The unit's head cannot have known before the accident happened."),
    "head_informed_in_future": _("The time the unit's head knew cannot be in the future."),
    "received_before_informed": _("The bureau cannot have received the report before the unit's head knew."),
    "received_in_future": _("The time the report was received cannot be in the future."),
    "time_needs_offset": _("Give the time with its offset from UTC, for example 2026-11-29T03:00:00+08:00."),
    "count_negative": _("A count or amount cannot be negative."),
    "missing_counted_twice": _(
        "The missing are counted apart from the dead: %(deaths)s dead and %(missing)s missing add up to more "
        "than the people involved (%(involved)s)."
    ),
    "division_not_county": _("An accident is placed in a county-level division (6-digit code, for example 540102)."),
    "sector_unknown": _("There is no sector %(sector)s."),
    "category_unknown": _("There is no GB 6441 category %(category)s."),
    "industry_only_industrial": _("An industry is given only for an accident in industry, mining and commerce."),
    "record_not_allowed": _(
        "Statisticians, leaders and commanders of a bureau whose area holds the place record accidents."
    ),
    "forward_not_in_chain": _("Your bureau is not in this accident's reporting chain."),
    "forward_not_your_turn": _("Your bureau has no report to forward: %(reason)s"),
    "forward_target_invalid": _("%(code)s is not a bureau above yours in this accident's chain."),
    "update_before_accident": _("An update cannot be dated before the accident."),
    "update_in_future": _("An update cannot be dated in the future."),
    "update_before_previous": _("An update cannot be dated before the last one (%(at)s)."),
    "update_id_taken": _("A different update already has this id."),
    "investigation_exists": _("This accident is already under investigation."),
    "investigation_not_yours": _(
        "The investigation of this accident is led at the level of %(division)s: its bureau (or one above) runs it."
    ),
    "investigation_state_invalid": _("The investigation cannot do this now: it is %(state)s."),
    "investigation_already_extended": _("The investigation has already been extended once (Decree 493 Art. 29)."),
    "investigation_extension_too_long": _("An extension lasts from 1 to 60 days (Decree 493 Art. 29)."),
    "date_before_accident": _("The date cannot be before the accident."),
    "date_in_future": _("The date cannot be in the future."),
    "team_required": _("Name the team leader and at least one member of the team."),
    "report_incomplete": _("The report needs its text and the direct cause (Decree 493 Art. 30)."),
    "enterprise_unknown": _("There is no production unit with this credit code in your jurisdiction."),
    "case_unknown": _("There is no penalty case %(id)s in your jurisdiction."),
}
