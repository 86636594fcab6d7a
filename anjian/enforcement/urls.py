from django.urls import path

from anjian.enforcement import case_views, views

urlpatterns = [
    path("inspection-plans/", views.plan_list, name="plan-list"),
    path("inspection-plans/new/", views.plan_create, name="plan-create"),
    path("inspection-plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("inspection-plans/<int:plan_id>/draws/", views.draw_commit, name="draw-commit"),
    path("draws/<int:draw_id>/", views.draw_detail, name="draw-detail"),
    path("draws/<int:draw_id>/<slug:action>/", views.draw_action, name="draw-action"),
    path("hazards/", views.hazard_list, name="hazard-list"),
    path("hazards/<uuid:hazard_id>/", views.hazard_detail, name="hazard-detail"),
    path("enterprises/<int:enterprise_id>/hazards/new/", views.hazard_report, name="hazard-report"),
    path("documents/<int:document_id>/", views.document_print, name="document-print"),
    path("documents/<int:document_id>.pdf", views.document_pdf, name="document-pdf"),
    path("enterprises/<int:enterprise_id>/inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<uuid:inspection_id>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<uuid:inspection_id>/photos/<int:photo_id>/", views.inspection_photo, name="inspection-photo"),
    path("public/draws/", views.public_draws, name="public-draws"),
    path("public/draws/<int:draw_id>/", views.public_draw, name="public-draw"),
    path("hazards/statistics/", views.hazard_statistics, name="hazard-statistics"),
    path("enterprises/<int:enterprise_id>/documents/new/", views.document_create, name="document-create"),
    path("cases/", case_views.case_list, name="case-list"),
    path("cases/register.xlsx", case_views.case_register, name="case-register"),
    path("cases/<uuid:case_id>/", case_views.case_detail, name="case-detail"),
    path("enterprises/<int:enterprise_id>/cases/new/", case_views.case_create, name="case-create"),
    path("public/penalties/", case_views.public_penalty_index, name="public-penalties"),
    path("public/penalties/<int:organisation_id>/", case_views.public_penalties, name="public-penalties-bureau"),
]
