"""Choose the language of each request.

The choice made with the switcher (a cookie, also kept on the person) wins;
then the person's saved language; API clients may ask with Accept-Language;
otherwise Simplified Chinese. Browsers' Accept-Language is not followed on
pages: the region's default is Chinese until the person picks another.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header


def supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return get_supported_language_variant(code)
    except LookupError:
        return None


def language_for(request) -> str:
    chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = supported(user.language)
        if chosen:
            return chosen
    if request.path.startswith("/api/"):
        for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            if code != "*":
                chosen = supported(code)
                if chosen:
                    return chosen
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        translation.deactivate()
        return response


class RejectNulMiddleware:
    """A NUL character in the path or the query string is refused up front:
    no database stores it, and no person types it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in value for _k, values in request.GET.lists() for value in values):
            from anjian.core.errors import MESSAGES
            from anjian.core.views import bad_request

            if request.path.startswith("/api/"):
                message = str(MESSAGES["text_invalid"])
                item = {"field": None, "code": "text_invalid", "message": message}
                return JsonResponse({**item, "errors": [item]}, status=400)
            return bad_request(request)
        return self.get_response(request)
