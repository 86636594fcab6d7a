from django.urls import include, path

from config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("anjian.core.urls")),
    path("", include("anjian.enterprises.urls")),
    path("", include("anjian.enforcement.urls")),
    path("", include("anjian.accidents.urls")),
    path("", include("anjian.indicators.urls")),
    path("", include("anjian.training.urls")),
    path("", include("anjian.emergency.urls")),
    path("", include("anjian.aid.urls")),
    path("", include("anjian.aid.urls_reports")),
    path("", include("anjian.aid.urls_more")),
]

handler404 = "anjian.core.views.not_found"
handler403 = "anjian.core.views.forbidden"
handler400 = "anjian.core.views.bad_request"
