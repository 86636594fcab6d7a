from django.urls import path

from anjian.indicators import views

urlpatterns = [
    path("statistics/", views.dashboard, name="statistics-dashboard"),
    path("statistics/table/", views.statistics_table, name="statistics-table"),
    path("statistics/indicators/", views.indicators_page, name="statistics-indicators"),
    path("statistics/returns/", views.returns_page, name="statistics-returns"),
    path("statistics/targets/", views.targets_page, name="statistics-targets"),
    path("statistics/bulletin/", views.bulletin_page, name="statistics-bulletin"),
    path("statistics/bulletin.pdf", views.bulletin_page, {"fmt": "pdf"}, name="statistics-bulletin-pdf"),
]
