"""A bare Django project in one file: one view, no middleware, no database.

The yardstick of `make bench`: gunicorn serves it exactly as it serves the
platform, so the ratio shows what the platform's own work costs.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-a-secret",  # noqa: S106
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def hello(request):
    return JsonResponse({"items": [], "count": 0})


urlpatterns = [path("bare", hello)]
application = get_wsgi_application()
