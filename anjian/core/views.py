"""The foundation's pages: thin views over selectors (reads) and services (writes)."""

import re

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core import calendar, selectors, services
from anjian.core import permissions as perms
from anjian.core.errors import DomainError, NotFound
from anjian.core.forms import (
    CalendarYearForm,
    CalendarYearPickForm,
    LoginForm,
    MyPasswordForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    PasswordForm,
    PersonCreateForm,
    PersonEditForm,
    TokenForm,
    apply_domain_error,
)
from anjian.core.middleware import supported
from anjian.core.models import AuditAction, OrganisationKind, Role
from anjian.core.rules import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def form_page(request, form, *, title, save, done, done_message):
    """The one shape of every form page: valid input goes to a service; the
    service's error lands on the form; success says so and moves on."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(dict(form.cleaned_data))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, done_message)
            return redirect(*done(result))
    return render(request, "core/form.html", {"form": form, "title": title})


def service_call(request, form, call, success: str) -> bool:
    """Run a service; its error lands on the form (or, without one, in the messages). True when it worked."""
    try:
        call()
    except DomainError as error:
        if form is not None:
            apply_domain_error(form, error)
        else:
            messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _found(getter, *args):
    try:
        return getter(*args)
    except NotFound:
        raise Http404 from None


# ------------------------------------------------------------ error pages


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        message = _("Not found.")
        body = {
            "code": "not_found",
            "message": message,
            "field": None,
            "errors": [{"field": None, "code": "not_found", "message": message}],
        }
        return JsonResponse(body, status=404)
    return render(request, "core/error.html", {"title": _("Not found"), "message": _("Not found.")}, status=404)


def forbidden(request, exception=None):
    message = _("You do not have permission to do this.")
    return render(request, "core/error.html", {"title": _("Forbidden"), "message": message}, status=403)


def bad_request(request, exception=None):
    message = _("The request could not be understood.")
    return render(request, "core/error.html", {"title": _("Bad request"), "message": message}, status=400)


def csrf_failure(request, reason=""):
    message = _("The form has expired or did not come from this site: reload the page and try again.")
    return render(request, "core/error.html", {"title": _("Forbidden"), "message": message}, status=403)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


# --------------------------------------------------------------- accounts


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.account_authenticate(request, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            login(request, person)
            response = HttpResponseRedirect(_safe_next(request) or reverse("home"))
            if person.language and supported(person.language):
                response.set_cookie("django_language", person.language, samesite="Lax")
            return response
    return render(request, "core/login.html", {"form": form})


def _safe_next(request):
    """A local path to go on to, or None: never another site, never a URL name."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.account_logout_audit(request.user)
    logout(request)
    return redirect("login")


@require_POST
def set_language(request):
    """The switcher on every page: remember the choice in a cookie and on the person."""
    language = supported(request.POST.get("language"))
    response = HttpResponseRedirect(_safe_next(request) or reverse("home"))
    if language:
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
        if request.user.is_authenticated:
            services.person_set_language(request.user, language=language)
    return response


@login_required
def account(request):
    password_form = MyPasswordForm()
    token_form = TokenForm()
    new_key = None
    if request.method == "POST" and "password" in request.POST:
        password_form = MyPasswordForm(request.POST)
        if password_form.is_valid():
            try:
                services.person_set_password(request.user, request.user, **password_form.cleaned_data)
            except DomainError as error:
                apply_domain_error(password_form, error)
            else:
                login(request, request.user, backend="anjian.core.auth.PersonBackend")
                messages.success(request, _("Your password has been changed and your API tokens revoked."))
                return redirect("account")
    elif request.method == "POST":
        token_form = TokenForm(request.POST)
        if token_form.is_valid():
            try:
                _token, new_key = services.token_create(request.user, **token_form.cleaned_data)
            except DomainError as error:
                apply_domain_error(token_form, error)
            else:
                token_form = TokenForm()
    context = {
        "password_form": password_form,
        "token_form": token_form,
        "new_key": new_key,
        "tokens": request.user.api_tokens.all(),
    }
    return render(request, "core/account.html", context)


@login_required
@require_POST
def token_revoke(request, token_id):
    _found(services.token_revoke, request.user, token_id)
    messages.success(request, _("The token has been revoked."))
    return redirect("account")


# ------------------------------------------------------------------- home


@login_required
def home(request):
    organisation = request.user.organisation
    context = {
        "organisation": organisation,
        "people": selectors.people_visible_to(request.user).filter(organisation=organisation)[:PAGE_SIZE],
        "people_count": selectors.people_visible_to(request.user).filter(organisation=organisation).count(),
        "sub_bureaus": selectors.sub_bureaus_of(request.user, organisation)
        if organisation.kind == OrganisationKind.BUREAU
        else [],
        "tree_root": selectors.home_division_for(request.user),
        "tree_children": selectors.division_children(organisation.division_id),
    }
    return render(request, "core/home.html", context)


# -------------------------------------------------------------- divisions


@login_required
def division_tree(request):
    code = request.GET.get("root") or request.user.organisation.division_id
    root = _found(selectors.get_division, code)
    context = {
        "root": root,
        "ancestors": selectors.division_ancestors(root),
        "children": selectors.division_children(root.code),
    }
    return render(request, "core/division_tree.html", context)


@login_required
def division_children_fragment(request, code):
    """htmx: the children of one node of the tree."""
    division = _found(selectors.get_division, code)
    return render(request, "core/_division_nodes.html", {"children": selectors.division_children(division.code)})


@login_required
def division_detail(request, code):
    division = _found(selectors.get_division, code)
    context = {
        "division": division,
        "ancestors": selectors.division_ancestors(division),
        "children": selectors.division_children(division.code),
        "organisations": selectors.organisations_visible_to(request.user).filter(division=division),
    }
    return render(request, "core/division_detail.html", context)


# ---------------------------------------------------------- organisations


@login_required
def organisation_list(request):
    qs = selectors.search_organisations(selectors.organisations_visible_to(request.user), request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    if kind in OrganisationKind.values:
        qs = qs.filter(kind=kind)
    context = {"page": _page(request, qs), "q": request.GET.get("q", ""), "kind": kind, "kinds": OrganisationKind}
    return render(request, "core/organisation_list.html", context)


@login_required
def organisation_detail(request, organisation_id):
    organisation = _found(selectors.get_organisation_for, request.user, organisation_id)
    people = selectors.people_visible_to(request.user).filter(organisation=organisation)
    context = {
        "organisation": organisation,
        "people": people[:PAGE_SIZE],
        "people_count": people.count(),
        "sub_bureaus": selectors.sub_bureaus_of(request.user, organisation)
        if organisation.kind == OrganisationKind.BUREAU
        else [],
        "can_manage": request.user.has_perm(perms.MANAGE_ORGANISATIONS),
    }
    return render(request, "core/organisation_detail.html", context)


@login_required
def organisation_create(request):
    if not request.user.has_perm(perms.MANAGE_ORGANISATIONS):
        return forbidden(request)
    initial = {"division": request.GET.get("division", ""), "kind": request.GET.get("kind", "bureau")}
    return form_page(
        request,
        OrganisationCreateForm(request.POST or None, initial=initial),
        title=_("New organisation"),
        save=lambda data: services.organisation_create(
            request.user, **data | {"home_division": data["home_division"] or None}
        ),
        done=lambda organisation: ("organisation-detail", organisation.pk),
        done_message=_("The organisation has been created."),
    )


@login_required
def organisation_edit(request, organisation_id):
    organisation = _found(selectors.get_organisation_for, request.user, organisation_id)
    if not request.user.has_perm(perms.MANAGE_ORGANISATIONS):
        return forbidden(request)
    fields = ("name_zh", "name_bo", "name_en", "support_kind", "address", "phone", "is_active")
    initial = {name: getattr(organisation, name) for name in fields}
    initial["home_division"] = organisation.home_division_id or ""
    return form_page(
        request,
        OrganisationEditForm(request.POST or None, initial=initial),
        title=_("Edit %(name)s") % {"name": organisation.name},
        save=lambda data: services.organisation_update(
            request.user, organisation, **data | {"home_division": data["home_division"] or None}
        ),
        done=lambda organisation: ("organisation-detail", organisation.pk),
        done_message=_("The organisation has been saved."),
    )


@login_required
@require_POST
def organisation_delete(request, organisation_id):
    organisation = _found(selectors.get_organisation_for, request.user, organisation_id)
    if not request.user.has_perm(perms.MANAGE_ORGANISATIONS):
        return forbidden(request)
    try:
        services.organisation_delete(request.user, organisation)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("organisation-detail", organisation.pk)
    messages.success(request, _("The organisation has been deleted."))
    return redirect("organisation-list")


# ----------------------------------------------------------------- people


@login_required
def person_list(request):
    qs = selectors.search_people(selectors.people_visible_to(request.user), request.GET.get("q", ""))
    role = request.GET.get("role", "")
    if role in Role.values:
        qs = qs.filter(groups__name=role)
    organisation = request.GET.get("organisation", "")
    if re.fullmatch(r"[0-9]{1,18}", organisation):
        qs = qs.filter(organisation_id=int(organisation))
    context = {
        "page": _page(request, qs),
        "q": request.GET.get("q", ""),
        "role": role,
        "roles": Role,
        "can_manage": request.user.has_perm(perms.MANAGE_PEOPLE),
    }
    return render(request, "core/person_list.html", context)


@login_required
def person_detail(request, person_id):
    person = _found(selectors.get_person_for, request.user, person_id)
    context = {"person": person, "can_manage": request.user.has_perm(perms.MANAGE_PEOPLE)}
    return render(request, "core/person_detail.html", context)


def _organisations_for_forms(user):
    return selectors.organisations_visible_to(user).filter(is_active=True)


@login_required
def person_create(request):
    if not request.user.has_perm(perms.MANAGE_PEOPLE):
        return forbidden(request)
    initial = {"organisation": request.GET.get("organisation") or request.user.organisation_id}
    return form_page(
        request,
        PersonCreateForm(request.POST or None, organisations=_organisations_for_forms(request.user), initial=initial),
        title=_("New person"),
        save=lambda data: services.person_create(request.user, **data),
        done=lambda person: ("person-detail", person.pk),
        done_message=_("The person has been created."),
    )


@login_required
def person_edit(request, person_id):
    person = _found(selectors.get_person_for, request.user, person_id)
    if not request.user.has_perm(perms.MANAGE_PEOPLE):
        return forbidden(request)
    fields = ("full_name", "title", "email", "phone", "language", "is_active")
    initial = {name: getattr(person, name) for name in fields}
    initial |= {"organisation": person.organisation_id, "roles": person.roles}
    return form_page(
        request,
        PersonEditForm(request.POST or None, organisations=_organisations_for_forms(request.user), initial=initial),
        title=_("Edit %(name)s") % {"name": person.full_name},
        save=lambda data: services.person_update(request.user, person, **data),
        done=lambda person: ("person-detail", person.pk),
        done_message=_("The person has been saved."),
    )


@login_required
def person_password(request, person_id):
    person = _found(selectors.get_person_for, request.user, person_id)
    if not request.user.has_perm(perms.MANAGE_PEOPLE):
        return forbidden(request)
    return form_page(
        request,
        PasswordForm(request.POST or None),
        title=_("Set the password of %(name)s") % {"name": person.full_name},
        save=lambda data: services.person_set_password(request.user, person, **data),
        done=lambda _revoked: ("person-detail", person.pk),
        done_message=_("The password has been set."),
    )


@login_required
@require_POST
def person_deactivate(request, person_id):
    person = _found(selectors.get_person_for, request.user, person_id)
    if not request.user.has_perm(perms.MANAGE_PEOPLE):
        return forbidden(request)
    try:
        services.person_deactivate(request.user, person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The person has been deactivated."))
    return redirect("person-detail", person.pk)


# ------------------------------------------------------------------ audit


@login_required
def audit_log(request):
    if not request.user.has_perm(perms.VIEW_AUDIT):
        return forbidden(request)
    qs = selectors.audit_visible_to(request.user)
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        qs = qs.filter(action=action)
    object_type = request.GET.get("object_type", "")
    if object_type:
        qs = qs.filter(object_type=object_type)
    context = {"page": _page(request, qs), "action": action, "actions": AuditAction, "object_type": object_type}
    return render(request, "core/audit_log.html", context)


HISTORY_TYPES = {
    "core.person": (selectors.get_person_for, "person-detail"),
    "core.organisation": (selectors.get_organisation_for, "organisation-detail"),
}


@login_required
def record_history(request, object_type, object_id):
    """One record's history. The record must be in scope (or, once deleted, its entries)."""
    if not request.user.has_perm(perms.VIEW_AUDIT):
        return forbidden(request)
    entries = list(_found(selectors.history_for, request.user, object_type, object_id))
    record_url = None
    if object_type == "core.division":
        record = _found(selectors.get_division, object_id)
        record_url = reverse("division-detail", args=[record.code])
    elif object_type in HISTORY_TYPES:
        getter, url_name = HISTORY_TYPES[object_type]
        try:
            record = getter(request.user, object_id)
            record_url = reverse(url_name, args=[record.pk])
        except NotFound:
            record = None
        if record is None and not entries:
            raise Http404
    elif not entries:
        raise Http404
    else:
        record = None
    label = str(record) if record is not None else (entries[-1].object_repr if entries else object_id)
    context = {"entries": entries, "label": label, "record_url": record_url, "object_type": object_type}
    return render(request, "core/history.html", context)


# ------------------------------------------------------ statutory calendar


@login_required
def calendar_list(request):
    """The years held; this year or the next when missing; for administrators, entering a year."""
    years = list(calendar.years_held())
    can_edit = services.calendar_can_edit(request.user)
    context = {
        "years": years,
        "missing": calendar.years_missing(timezone.localdate(), {y.year for y in years}),
        "can_edit": can_edit,
        "pick_form": CalendarYearPickForm() if can_edit else None,
    }
    return render(request, "core/calendar_list.html", context)


@login_required
def calendar_pick(request):
    """The small form of the list page: go to the entry page of any year."""
    if not services.calendar_can_edit(request.user):
        return forbidden(request)
    form = CalendarYearPickForm(request.GET or None)
    if form.is_valid():
        return redirect("calendar-edit", form.cleaned_data["year"])
    for error in form.errors.get("year", []):
        messages.error(request, error)
    return redirect("calendar-list")


@login_required
def calendar_year(request, year):
    held = _found(calendar.get_year, year)
    days = calendar.year_days(held)
    neighbours = calendar.held_among((held.year - 1, held.year + 1))
    context = {
        "held": held,
        "months": calendar.month_grids(held.year, days),
        "holiday_count": sum(1 for d in days if not d.working),
        "workday_count": sum(1 for d in days if d.working),
        "can_edit": services.calendar_can_edit(request.user),
        # The years seeded with the platform have no history; a year entered since has.
        "has_history": request.user.has_perm(perms.VIEW_AUDIT)
        and selectors.history_for(request.user, "core.calendaryear", str(held.year)).exists(),
        "previous": held.year - 1,
        "previous_held": held.year - 1 in neighbours,
        "next": held.year + 1,
        "next_held": held.year + 1 in neighbours,
    }
    return render(request, "core/calendar_year.html", context)


@login_required
def calendar_edit(request, year):
    """Enter a year (held or not yet) as text, one day a line."""
    if not services.calendar_can_edit(request.user):
        return forbidden(request)
    if not CALENDAR_FIRST_YEAR <= year <= CALENDAR_LAST_YEAR:
        raise Http404
    try:
        held = calendar.get_year(year)
    except NotFound:
        held = None
    initial = {"days": services.calendar_format_text(calendar.year_days(held)), "source": held.source} if held else {}
    title = _("Statutory calendar %(year)s: holidays and adjusted working days") % {"year": year}
    return form_page(
        request,
        CalendarYearForm(request.POST or None, initial=initial),
        title=title,
        save=lambda data: services.calendar_year_save_text(request.user, year, data["days"], data["source"]),
        done=lambda saved: ("calendar-year", saved.year),
        done_message=_("The statutory calendar of %(year)s has been saved.") % {"year": year},
    )
