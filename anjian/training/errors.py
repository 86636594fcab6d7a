"""Error codes of training and assessment, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "trainee_exists": _("A person with this ID number is already registered."),
    "name_required": _("Give the person's name."),
    "employer_unknown": _("There is no production unit with this id in your jurisdiction."),
    "education_unknown": _("Education is one of primary, junior_middle, senior_high or college."),
    "not_a_trainer": _("Only trainers of a bureau or a training institution manage training."),
    "operation_item_unknown": _("There is no special operation item %(item)s."),
    "operation_item_only_special": _("Only a course for special operators names an operation item."),
    "hours_invalid": _("Hours are more than 0 and at most %(max)s."),
    "session_dates_invalid": _("A session ends on or after the day it starts."),
    "attendance_hours_exceed": _("%(name)s cannot be credited more hours than the session gives (%(hours)s)."),
    "attendance_before_session": _("Attendance is recorded once the session has started."),
}
