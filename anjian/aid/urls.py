from django.urls import path

from anjian.aid import views

urlpatterns = [
    path("aid/", views.home, name="aid-home"),
    path("aid/plans/new/", views.plan_create, name="aid-plan-create"),
    path("aid/plans/<int:plan_id>/", views.plan_detail, name="aid-plan"),
    path("aid/items/<int:item_id>/", views.item_detail, name="aid-item"),
    path("aid/items/<int:item_id>/<str:kind>/<int:pk>/evidence/", views.evidence, name="aid-evidence"),
]
