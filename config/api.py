"""The JSON API root at /api/v1: authentication and the one error shape.

Every error answers

    {"code": "<stable code>", "message": "<translated>", "field": "<name or null>",
     "errors": [{"field": ..., "code": ..., "message": ...}, ...]}
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import SessionAuth

from anjian.accidents.api import router as accidents_router
from anjian.aid.api import router as aid_router
from anjian.aid.api_more import router as aid_more_router
from anjian.aid.api_pool import router as aid_pool_router
from anjian.core.api import router as core_router
from anjian.core.auth import TokenAuth
from anjian.core.errors import MESSAGES, DomainError, FormErrors
from anjian.emergency.api import router as emergency_router
from anjian.enforcement.api import router as enforcement_router
from anjian.enforcement.case_api import router as case_router
from anjian.enterprises.api import router as enterprises_router
from anjian.indicators.api import router as indicators_router
from anjian.training.api import router as training_router


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


class JsonParser(Parser):
    """JSON bodies; text with NUL characters is refused (PostgreSQL cannot store it)."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if _contains_nul(data):
            raise DomainError("text_invalid")
        return data


api = NinjaAPI(
    parser=JsonParser(),
    title="Anjian API",
    version="1",
    description="The JSON API of Anjian, the work-safety supervision platform. "
    "Authenticate with a session cookie (and CSRF token) or with `Authorization: Bearer <token>`; "
    "tokens are issued by POST /api/v1/auth/token.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", enterprises_router)
api.add_router("/", enforcement_router)
api.add_router("/", case_router)
api.add_router("/", accidents_router)
api.add_router("/", indicators_router)
api.add_router("/", training_router)
api.add_router("/", emergency_router)
api.add_router("/", aid_router)
api.add_router("/", aid_more_router)
api.add_router("/", aid_pool_router)


def error_response(request, status: int, errors: list[tuple[str | None, str, str]]):
    field, code, message = errors[0]
    body = {
        "code": code,
        "message": message,
        "field": field,
        "errors": [{"field": f, "code": c, "message": m} for f, c, m in errors],
    }
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    if isinstance(exc, FormErrors):
        return error_response(request, exc.status, exc.errors)
    return error_response(request, exc.status, [(exc.field, exc.code, exc.message)])


def _pydantic_message(error: dict) -> tuple[str, str]:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required", str(MESSAGES["required"])
    if kind == "json_invalid":
        return "malformed_body", str(MESSAGES["malformed_body"])
    texts = {
        "string_too_long": _("Use at most %(max_length)s characters."),
        "string_too_short": _("Use at least %(min_length)s characters."),
        "string_type": _("Send text."),
        "int_parsing": _("Send a whole number."),
        "int_type": _("Send a whole number."),
        "int_from_float": _("Send a whole number."),
        "bool_parsing": _("Send true or false."),
        "bool_type": _("Send true or false."),
        "greater_than_equal": _("Send a number of at least %(ge)s."),
        "less_than_equal": _("Send a number of at most %(le)s."),
        "greater_than": _("Send a number greater than %(gt)s."),
        "literal_error": _("Send one of: %(expected)s."),
        "enum": _("Send one of: %(expected)s."),
        "list_type": _("Send a list."),
        "dict_type": _("Send a JSON object."),
        "model_attributes_type": _("Send a JSON object."),
        "model_type": _("Send a JSON object."),
        "extra_forbidden": _("This field is not accepted here."),
        "value_error": _("The value is not valid."),
    }
    template = texts.get(kind)
    if template is None:
        return "invalid", str(MESSAGES["invalid"])
    try:
        return "invalid", template % dict(ctx.items())
    except (KeyError, TypeError):
        return "invalid", str(MESSAGES["invalid"])


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        field = ".".join(loc) or None
        code, message = _pydantic_message(error)
        errors.append((field, code, message))
    if not errors:
        errors = [(None, "invalid", str(MESSAGES["invalid"]))]
    status = 400 if errors[0][1] == "malformed_body" else 422
    return error_response(request, status, errors)


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    code = "token_invalid" if request.headers.get("Authorization", "").startswith("Bearer") else "not_authenticated"
    return error_response(request, 401, [(None, code, str(MESSAGES[code]))])


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):
        return _domain_error(request, exc.__cause__)
    if exc.status_code == 403 and "CSRF" in str(exc):
        return error_response(request, 403, [(None, "csrf_failed", str(MESSAGES["csrf_failed"]))])
    if exc.status_code == 400 and isinstance(exc.__cause__, (ValueError, json.JSONDecodeError)):
        return error_response(request, 400, [(None, "malformed_body", str(MESSAGES["malformed_body"]))])
    code = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}.get(exc.status_code, "invalid")
    return error_response(request, exc.status_code, [(None, code, str(MESSAGES[code]))])


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, [(None, "not_found", str(MESSAGES["not_found"]))])


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    from django.conf import settings

    limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KiB"
    return error_response(
        request, 413, [(None, "request_too_large", str(MESSAGES["request_too_large"]) % {"limit": limit})]
    )
