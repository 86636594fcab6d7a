from django.urls import path

from anjian.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("language/", views.set_language, name="set-language"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("divisions/", views.division_tree, name="division-tree"),
    path("divisions/<str:code>/", views.division_detail, name="division-detail"),
    path("divisions/<str:code>/children/", views.division_children_fragment, name="division-children"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:organisation_id>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:organisation_id>/delete/", views.organisation_delete, name="organisation-delete"),
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:person_id>/password/", views.person_password, name="person-password"),
    path("people/<int:person_id>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("calendar/", views.calendar_list, name="calendar-list"),
    path("calendar/enter/", views.calendar_pick, name="calendar-pick"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar-year"),
    path("calendar/<int:year>/edit/", views.calendar_edit, name="calendar-edit"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/<str:object_type>/<str:object_id>/", views.record_history, name="record-history"),
]
