from django.urls import path

from anjian.emergency import views

urlpatterns = [
    path("emergency/", views.home, name="emergency-home"),
    path("emergency/incidents/", views.incident_list, name="emergency-incidents"),
    path("emergency/incidents/<uuid:incident_id>/", views.incident_detail, name="emergency-incident"),
    path("emergency/plans/", views.plan_list, name="emergency-plans"),
    path("emergency/plans/overdue/", views.plan_overdue, name="emergency-overdue"),
    path("emergency/plans/<int:plan_id>/", views.plan_detail, name="emergency-plan"),
    path("emergency/registers/<str:name>/", views.register, name="emergency-register"),
    path("emergency/duty/", views.duty, name="emergency-duty"),
    path("emergency/roads/", views.roads, name="emergency-roads"),
    path("emergency/alerts/", views.alerts, name="emergency-alerts"),
    path("emergency/requests/", views.requests_inbox, name="emergency-requests"),
]
