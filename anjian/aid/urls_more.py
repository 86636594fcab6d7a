from django.urls import path

from anjian.aid import views_more

urlpatterns = [
    path("aid/capability/", views_more.capability_table, name="aid-capability"),
    path("aid/capability/<str:division_code>/", views_more.capability_bureau, name="aid-capability-bureau"),
    path("aid/talent/", views_more.talent, name="aid-talent"),
    path("aid/inspections/", views_more.inspections, name="aid-inspections"),
    path("aid/inspections/<int:inspection_id>/", views_more.inspection_detail, name="aid-inspection"),
    path("aid/overdue/", views_more.overdue, name="aid-overdue"),
]
