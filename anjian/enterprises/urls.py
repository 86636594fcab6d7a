from django.urls import path

from anjian.enterprises import views

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise-export"),
    path("enterprises/import/", views.import_upload, name="enterprise-import-upload"),
    path("enterprises/imports/<int:import_id>/", views.import_detail, name="enterprise-import"),
    path("enterprises/imports/<int:import_id>/commit/", views.import_commit, name="enterprise-import-commit"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:enterprise_id>/edit/", views.enterprise_edit, name="enterprise-edit"),
]
