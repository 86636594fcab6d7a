"""Error codes of training and assessment, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "trainee_exists": _("A person with this ID number is already registered."),
    "name_required": _("Give the person's name."),
    "employer_unknown": _("There is no production unit with this id in your jurisdiction."),
    "education_unknown": _("Education is one of primary, junior_middle, senior_high or college."),
    "not_a_trainer": _("Only trainers of a bureau or a training institution manage training."),
}
