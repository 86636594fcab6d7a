"""Error codes of the foundation, shared by pages and API.

A DomainError carries a stable code (what clients and tests match on), a
translated message and, when one field is to blame, that field's name.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message=None, /, *, field: str | None = None, status: int | None = None, **params):
        self.code = code
        template = message if message is not None else message_for(code)
        self.message = str(template) % params if params else str(template)
        self.params = params
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(f"{code}: {self.message}")


class NotFound(DomainError):
    status = 404

    def __init__(self):
        super().__init__("not_found")


class PermissionDenied(DomainError):
    status = 403

    def __init__(self):
        super().__init__("permission_denied")


class FormErrors(DomainError):
    """Several field errors at once: [(field, code, message), ...]."""

    def __init__(self, errors: list[tuple[str | None, str, str]]):
        field, code, message = errors[0]
        super().__init__(code, message, field=field)
        self.errors = errors


MESSAGES = {
    "invalid": _("The value is not valid."),
    "required": _("This field is required."),
    "not_found": _("Not found."),
    "permission_denied": _("You do not have permission to do this."),
    "not_authenticated": _("Log in or send a valid API token."),
    "token_invalid": _("The API token is unknown, expired or revoked."),
    "invalid_credentials": _("The username or password is not correct."),
    "account_locked": _("Too many failed logins: the account is locked until %(until)s."),
    "account_inactive": _("This account has been deactivated."),
    "malformed_body": _("The request body is not valid JSON."),
    "request_too_large": _("The request is larger than the %(limit)s the platform accepts."),
    "division_unknown": _("There is no division with the code %(code)s."),
    "division_out_of_scope": _("The division %(code)s is outside your jurisdiction."),
    "bureau_exists": _("The division %(code)s already has a supervision bureau."),
    "name_taken": _("An organisation of this kind with this name already exists."),
    "organisation_unknown": _("There is no such organisation in your jurisdiction."),
    "organisation_in_use": _("The organisation still has people or records and cannot be deleted."),
    "support_kind_required": _("A supporting unit needs its kind of support."),
    "support_kind_not_allowed": _("Only a supporting unit has a kind of support."),
    "username_taken": _("The username %(username)s is already taken."),
    "username_invalid": _("A username has letters, digits and - _ . only."),
    "role_unknown": _("There is no role %(role)s."),
    "password_invalid": _("The password is not accepted: %(reasons)s"),
    "password_current_wrong": _("The current password is not correct."),
    "text_invalid": _("Text may not contain NUL characters."),
    "csrf_failed": _("The form has expired or did not come from this site: reload the page and try again."),
    "cannot_change_self": _(
        "You cannot deactivate your own account or organisation, move yourself elsewhere "
        "or remove your own administrator role."
    ),
    "token_expiry_invalid": _("A token lasts from 1 to %(max_days)s days."),
    "language_unknown": _("There is no language %(language)s."),
    "kind_not_allowed": _("Organisations of this kind are created with their own system."),
    "photo_too_large": _("The photo is larger than the %(limit)s allowed."),
    "photo_not_image": _("The file is not a JPEG, PNG or WebP photo."),
    "id_number_invalid": _("The ID number is not 18 characters with a valid date of birth."),
    "id_number_check": _("The ID number's check character does not match (GB 11643)."),
    "calendar_year_missing": _(
        "The statutory calendar has no schedule for %(year)s yet: an administrator must enter that year's "
        "holidays and adjusted working days before this deadline can be computed."
    ),
    "calendar_year_invalid": _("The statutory calendar holds the years %(first)s to %(last)s."),
    "calendar_year_mismatch": _("The body is for %(given)s but the address for %(year)s."),
    "calendar_year_conflict": _("Someone else saved %(year)s at the same time: reload the page and try again."),
    "calendar_days_empty": _("List the year's holidays and adjusted working days, one per line."),
    "calendar_line_invalid": _(
        "Line %(line)s: write “YYYY-MM-DD holiday Name” for a day off or “YYYY-MM-DD workday” for an adjusted "
        "working day."
    ),
    "calendar_date_invalid": _("Line %(line)s: “%(text)s” is not a date written YYYY-MM-DD."),
    "calendar_date_outside_year": _("Line %(line)s: %(date)s does not lie in %(year)s."),
    "calendar_date_repeated": _("Line %(line)s: %(date)s is already given on line %(first)s."),
    "calendar_workday_not_weekend": _(
        "Line %(line)s: %(date)s is a Monday to Friday, a working day anyway: an adjusted working day "
        "falls on a Saturday or Sunday."
    ),
    "calendar_name_too_long": _("Line %(line)s: a name has at most %(max)s characters."),
}


_APP_MESSAGES: list[dict] = []


def register_messages(messages: dict) -> None:
    """An app's error codes join the one registry (called from its AppConfig.ready)."""
    _APP_MESSAGES.append(messages)


def message_for(code: str):
    for messages in (MESSAGES, *_APP_MESSAGES):
        if code in messages:
            return messages[code]
    return MESSAGES["invalid"]
