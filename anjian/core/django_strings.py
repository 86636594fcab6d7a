"""Messages of Django itself that our pages and API show.

Django ships no Tibetan catalogue, so these msgids are declared here for
`makemessages` to carry into locale/*/django.po, where they are translated
with the rest. The function is never called: it only marks the strings.
"""

from django.utils.translation import gettext, ngettext


def _declare_django_strings() -> None:  # pragma: no cover
    gettext("This field is required.")
    gettext("Enter a whole number.")
    gettext("Enter a valid email address.")
    gettext("Select a valid choice. %(value)s is not one of the available choices.")
    gettext("Ensure this value is less than or equal to %(limit_value)s.")
    gettext("Ensure this value is greater than or equal to %(limit_value)s.")
    ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        0,
    )
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        0,
    )
    gettext("The password is too similar to the %(verbose_name)s.")
    gettext("This password is too common.")
    gettext("This password is entirely numeric.")
    gettext("yes,no,maybe")
