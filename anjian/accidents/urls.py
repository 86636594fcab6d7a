from django.urls import path

from anjian.accidents import views

urlpatterns = [
    path("accidents/", views.accident_list, name="accident-list"),
    path("accidents/new/", views.accident_create, name="accident-create"),
    path("accidents/<uuid:accident_id>/", views.accident_detail, name="accident-detail"),
]
