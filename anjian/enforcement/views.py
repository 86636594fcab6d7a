"""Enforcement pages: plans, draws and their verification. Thin over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError, NotFound
from anjian.core.views import forbidden, form_page
from anjian.enforcement import permissions as perms
from anjian.enforcement import selectors, services
from anjian.enforcement.forms import PlanForm
from anjian.enforcement.models import DrawState


def _get(getter, person, pk):
    try:
        return getter(person, pk)
    except NotFound:
        raise Http404 from None


@login_required
def plan_list(request):
    context = {
        "plans": selectors.plans_visible_to(request.user),
        "can_manage": request.user.has_perm(perms.MANAGE_PLANS),
    }
    return render(request, "enforcement/plan_list.html", context)


@login_required
def plan_create(request):
    if not request.user.has_perm(perms.MANAGE_PLANS):
        return forbidden(request)
    form = PlanForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("New inspection plan"),
        save=lambda data: services.plan_create(
            request.user, year=data["year"], name=data["name"], strata=form.strata()
        ),
        done=lambda plan: ("plan-detail", plan.pk),
        done_message=_("The plan has been saved."),
    )


@login_required
def plan_detail(request, plan_id):
    plan = _get(selectors.get_plan_for, request.user, plan_id)
    context = {
        "plan": plan,
        "draws": plan.draws.all(),
        "can_manage": request.user.has_perm(perms.MANAGE_PLANS),
    }
    return render(request, "enforcement/plan_detail.html", context)


@login_required
@require_POST
def draw_commit(request, plan_id):
    plan = _get(selectors.get_plan_for, request.user, plan_id)
    if not request.user.has_perm(perms.MANAGE_PLANS):
        return forbidden(request)
    try:
        draw = services.draw_commit(request.user, plan)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("plan-detail", plan.pk)
    return redirect("draw-detail", draw.pk)


@login_required
def draw_detail(request, draw_id):
    draw = _get(selectors.get_draw_for, request.user, draw_id)
    verification = None
    if request.GET.get("verify") and draw.state != DrawState.COMMITTED:
        verification = services.draw_verify(draw)
    assignments = draw.assignments.select_related("enterprise", "enterprise__division").prefetch_related("inspectors")
    context = {
        "draw": draw,
        "assignments": assignments,
        "verification": verification,
        "revealed": draw.state != DrawState.COMMITTED,
        "can_manage": request.user.has_perm(perms.MANAGE_PLANS),
    }
    return render(request, "enforcement/draw_detail.html", context)


@login_required
@require_POST
def draw_action(request, draw_id, action):
    draw = _get(selectors.get_draw_for, request.user, draw_id)
    if not request.user.has_perm(perms.MANAGE_PLANS):
        return forbidden(request)
    service = {"perform": services.draw_perform, "publish": services.draw_publish}.get(action)
    if service is None:
        raise Http404
    try:
        service(request.user, draw)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("draw-detail", draw.pk)
