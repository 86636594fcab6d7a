"""The registry's pages: thin views over selectors (reads) and services (writes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError, NotFound
from anjian.core.forms import apply_domain_error
from anjian.core.models import Division, DivisionLevel
from anjian.core.scope import scope_for
from anjian.core.views import forbidden, form_page
from anjian.enforcement.cases import capabilities as case_capabilities
from anjian.enforcement.selectors import cases_visible_to, enterprise_risk, with_overdue
from anjian.enterprises import importing, rules, selectors, services
from anjian.enterprises import permissions as perms
from anjian.enterprises.forms import EnterpriseForm, ImportForm
from anjian.enterprises.models import EnterpriseStatus, ImportState, RegulatedCategory

FILTERS = ("q", "division", "category", "status", "industry")


def _found(enterprise_id, person):
    try:
        return selectors.get_enterprise_for(person, enterprise_id)
    except NotFound:
        raise Http404 from None


def _counties_in_scope(person):
    scope = scope_for(person)
    counties = Division.objects.filter(level=DivisionLevel.COUNTY)
    return scope.filter(counties, division="code", organisation="") if scope.division_prefix is not None else []


def _filters(request) -> dict:
    values = {name: request.GET.get(name, "").strip()[:200] for name in FILTERS}
    if values["category"] not in RegulatedCategory.values:
        values["category"] = ""
    if values["status"] not in EnterpriseStatus.values:
        values["status"] = ""
    return values


@login_required
def enterprise_list(request):
    filters = _filters(request)
    qs = selectors.filter_enterprises(selectors.enterprises_visible_to(request.user), **filters)
    context = {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")),
        "filters": filters,
        "categories": RegulatedCategory.choices,
        "statuses": EnterpriseStatus.choices,
        "can_manage": request.user.has_perm(perms.MANAGE_ENTERPRISES),
    }
    return render(request, "enterprises/enterprise_list.html", context)


@login_required
def enterprise_detail(request, enterprise_id):
    enterprise = _found(enterprise_id, request.user)
    today = timezone.localdate()
    licences = [(licence, rules.licence_state(licence.valid_until, today)) for licence in enterprise.licences.all()]
    hazards = with_overdue(list(enterprise.hazards.all()), today)
    context = {
        "enterprise": enterprise,
        "hazards": hazards,
        "documents": enterprise.documents.order_by("-issued_at")[:50],
        "inspections": enterprise.inspections.prefetch_related("inspectors")[:50],
        "licences": licences,
        "can_manage": request.user.has_perm(perms.MANAGE_ENTERPRISES),
        "cases": cases_visible_to(request.user).filter(enterprise=enterprise)[:50],
        "can_open_case": "handle" in case_capabilities(request.user),
        "risk": _risk(enterprise, today),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


RISK_LABELS = {
    "major": gettext_lazy("Major risk (red)"),
    "higher": gettext_lazy("Higher risk (orange)"),
    "general": gettext_lazy("General risk (yellow)"),
    "low": gettext_lazy("Low risk (blue)"),
}


def _risk(enterprise, today) -> dict:
    risk = enterprise_risk(enterprise, today)
    return risk | {"label": RISK_LABELS[risk["level"]]}


@login_required
def enterprise_create(request):
    if not request.user.has_perm(perms.MANAGE_ENTERPRISES):
        return forbidden(request)
    return form_page(
        request,
        EnterpriseForm(request.POST or None, counties=_counties_in_scope(request.user)),
        title=_("Register a production unit"),
        save=lambda data: services.enterprise_create(request.user, **data),
        done=lambda enterprise: ("enterprise-detail", enterprise.pk),
        done_message=_("The production unit has been registered."),
    )


@login_required
def enterprise_edit(request, enterprise_id):
    enterprise = _found(enterprise_id, request.user)
    if not request.user.has_perm(perms.MANAGE_ENTERPRISES):
        return forbidden(request)
    fields = ("name", "legal_representative", "address", "industry", "employees", "standardisation_grade", "status")
    initial = {name: getattr(enterprise, name) for name in fields}
    initial |= {
        "division": enterprise.division_id,
        "categories": enterprise.category_list,
        "lat": enterprise.lat,
        "lon": enterprise.lon,
    }
    return form_page(
        request,
        EnterpriseForm(request.POST or None, counties=_counties_in_scope(request.user), editing=True, initial=initial),
        title=_("Edit %(name)s") % {"name": enterprise.name},
        save=lambda data: services.enterprise_update(request.user, enterprise, **data),
        done=lambda enterprise: ("enterprise-detail", enterprise.pk),
        done_message=_("The production unit has been saved."),
    )


@login_required
def enterprise_export(request):
    from anjian.enterprises.api import xlsx_response

    qs = selectors.filter_enterprises(selectors.enterprises_visible_to(request.user), **_filters(request))
    return xlsx_response(qs)


@login_required
def import_upload(request):
    if not request.user.has_perm(perms.MANAGE_ENTERPRISES):
        return forbidden(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = importing.import_start(request.user, upload=form.cleaned_data["file"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("enterprise-import", record.pk)
    context = {
        "form": form,
        "imports": selectors.imports_visible_to(request.user)[:20],
        "columns": [(headers[0], field in importing.REQUIRED) for field, headers in importing.COLUMNS.items()],
    }
    return render(request, "enterprises/import_upload.html", context)


@login_required
def import_detail(request, import_id):
    try:
        record = selectors.get_import_for(request.user, import_id)
    except NotFound:
        raise Http404 from None
    context = {
        "record": record,
        "errors": record.row_errors.all()[:200],
        "can_manage": request.user.has_perm(perms.MANAGE_ENTERPRISES),
        "running": record.state in (ImportState.VALIDATING, ImportState.IMPORTING),
    }
    template = "enterprises/_import_status.html" if request.htmx else "enterprises/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_commit(request, import_id):
    try:
        record = selectors.get_import_for(request.user, import_id)
    except NotFound:
        raise Http404 from None
    if not request.user.has_perm(perms.MANAGE_ENTERPRISES):
        return forbidden(request)
    try:
        importing.import_commit(request.user, record, mode=request.POST.get("mode", ""))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("enterprise-import", record.pk)
