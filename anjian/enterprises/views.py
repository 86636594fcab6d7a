"""The registry's pages: thin views over selectors (reads) and services (writes)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.errors import NotFound
from anjian.core.models import Division, DivisionLevel
from anjian.core.scope import scope_for
from anjian.core.views import forbidden, form_page
from anjian.enterprises import permissions as perms
from anjian.enterprises import rules, selectors, services
from anjian.enterprises.forms import EnterpriseForm
from anjian.enterprises.models import EnterpriseStatus, RegulatedCategory

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
    context = {
        "enterprise": enterprise,
        "licences": licences,
        "can_manage": request.user.has_perm(perms.MANAGE_ENTERPRISES),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


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
