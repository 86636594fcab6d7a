from django.urls import path

from anjian.aid import dashboards

urlpatterns = [
    path("aid/dashboard/", dashboards.dashboard, name="aid-dashboard"),
    path("aid/annual/<int:year>/", dashboards.annual, name="aid-annual"),
    path("aid/annual/<int:year>.pdf", dashboards.annual, {"fmt": "pdf"}, name="aid-annual-pdf"),
    path("aid/annual/<int:year>.xlsx", dashboards.annual, {"fmt": "xlsx"}, name="aid-annual-xlsx"),
]
