"""Enforcement pages: plans, draws and their verification. Thin over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError, NotFound
from anjian.core.views import forbidden, form_page
from anjian.enforcement import hazards, inspections, selectors, services
from anjian.enforcement import permissions as perms
from anjian.enforcement.forms import DocumentForm, HazardForm, InspectionForm, PhotoForm, PlanForm, TransitionForm
from anjian.enforcement.models import DrawState, HazardGrade, HazardState
from anjian.enforcement.rules import HAZARD_TRANSITIONS
from anjian.enterprises.selectors import get_enterprise_for


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


@login_required
def hazard_list(request):
    state = request.GET.get("state", "")
    state = state if state in HazardState.values else ""
    grade = request.GET.get("grade", "")
    grade = grade if grade in HazardGrade.values else ""
    overdue = {"1": True, "0": False}.get(request.GET.get("overdue", ""))
    listed = True if request.GET.get("listed") == "1" else None
    qs = selectors.filter_hazards(
        selectors.hazards_visible_to(request.user), state=state, grade=grade, overdue=overdue, listed=listed
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    selectors.with_overdue(page.object_list)
    context = {"page": page, "state": state, "grade": grade, "overdue": request.GET.get("overdue", ""),
               "listed": listed, "states": HazardState.choices, "grades": HazardGrade.choices}  # fmt: skip
    return render(request, "enforcement/hazard_list.html", context)


@login_required
def hazard_report(request, enterprise_id):
    enterprise = _get(get_enterprise_for, request.user, enterprise_id)
    inspection = None
    if request.GET.get("inspection"):
        inspection = _get(selectors.get_inspection_for, request.user, request.GET["inspection"])
    return form_page(
        request,
        HazardForm(request.POST or None),
        title=_("Record a hazard of %(name)s") % {"name": enterprise.name},
        save=lambda data: hazards.hazard_report(request.user, enterprise=enterprise, inspection=inspection, **data)[0],
        done=lambda hazard: ("hazard-detail", hazard.pk),
        done_message=_("The hazard has been recorded."),
    )


@login_required
def hazard_detail(request, hazard_id):
    hazard = _get(selectors.get_hazard_for, request.user, hazard_id)
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hazards.hazard_transition(
                request.user, hazard, to=form.cleaned_data["to"], comment=form.cleaned_data["comment"], plan=form.plan()
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect("hazard-detail", hazard.pk)
    selectors.with_overdue([hazard])
    labels = dict(HazardState.choices)
    moves = [(target, labels[target]) for (source, target) in HAZARD_TRANSITIONS if source == hazard.state]
    context = {
        "hazard": hazard,
        "events": hazard.events.select_related("by"),
        "moves": moves,
        "form": form,
        "needs_plan": hazard.grade == HazardGrade.MAJOR and hazard.state == HazardState.OPEN,
    }
    return render(request, "enforcement/hazard_detail.html", context)


@login_required
def document_print(request, document_id):
    """The A4 print view of an issued document (the same page the PDF is made from)."""
    from django.http import HttpResponse

    from anjian.enforcement.documents import document_html

    document = _get(selectors.get_document_for, request.user, document_id)
    return HttpResponse(document_html(document))


@login_required
def document_pdf(request, document_id):
    from anjian.enforcement.documents import pdf_response

    return pdf_response(_get(selectors.get_document_for, request.user, document_id))


@login_required
def inspection_create(request, enterprise_id):
    """Record an inspection on site: the checklist for the unit's category, two officers or more."""
    from anjian.core.models import Person
    from anjian.enforcement.models import ChecklistTemplate

    enterprise = _get(get_enterprise_for, request.user, enterprise_id)
    categories = enterprise.category_list
    template = ChecklistTemplate.objects.filter(category__in=categories).first() or ChecklistTemplate.objects.get(
        category=""
    )
    officers = Person.objects.filter(
        organisation=request.user.organisation, is_active=True, enforcement_certificate__isnull=False
    ).order_by("username")
    form = InspectionForm(request.POST or None, template=template, officers=officers)
    return form_page(
        request,
        form,
        title=_("Inspection of %(name)s") % {"name": enterprise.name},
        save=lambda data: inspections.inspection_record(
            request.user,
            enterprise=enterprise,
            template=template,
            date=data["date"],
            place=data["place"],
            inspectors=data["inspectors"],
            representatives=data["representatives"],
            findings=data["findings"],
            results=form.results(),
        )[0],
        done=lambda inspection: ("inspection-detail", inspection.pk),
        done_message=_("The inspection has been recorded and its on-site record issued."),
    )


@login_required
def inspection_detail(request, inspection_id):
    inspection = _get(selectors.get_inspection_for, request.user, inspection_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspections.photo_add(
                request.user, inspection, upload=form.cleaned_data["file"], caption=form.cleaned_data["caption"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The photo has been added."))
        return redirect("inspection-detail", inspection.pk)
    context = {
        "inspection": inspection,
        "results": inspection.results.select_related("item"),
        "photos": inspection.photos.all(),
        "form": form,
    }
    return render(request, "enforcement/inspection_detail.html", context)


@login_required
def inspection_photo(request, inspection_id, photo_id):
    """A photo, served only to those who may see its inspection."""
    from django.http import FileResponse

    inspection = _get(selectors.get_inspection_for, request.user, inspection_id)
    photo = inspection.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


def public_draws(request):
    """The published results of random inspections, for anyone (no login)."""
    return render(request, "enforcement/public_draws.html", {"draws": selectors.published_draws()[:100]})


def public_draw(request, draw_id):
    draw = selectors.published_draws().filter(pk=draw_id).first()
    if draw is None:
        raise Http404
    context = {
        "draw": draw,
        "assignments": draw.assignments.select_related("enterprise", "enterprise__division").prefetch_related(
            "inspectors"
        ),
        "verification": services.draw_verify(draw),
    }
    return render(request, "enforcement/public_draw.html", context)


@login_required
def hazard_statistics(request):
    """The quarterly or annual hazard statistics of the person's jurisdiction."""
    from anjian.core.models import Division
    from anjian.enterprises.models import RegulatedCategory

    today = timezone.localdate()
    try:
        year = min(max(int(request.GET.get("year", today.year)), 2000), 2100)
    except ValueError:
        year = today.year
    quarter = request.GET.get("quarter", "")
    quarter = int(quarter) if quarter in ("1", "2", "3", "4") else None
    by = "prefecture" if request.GET.get("by") == "prefecture" else "county"
    stats = selectors.hazard_statistics(request.user, year=year, quarter=quarter, by=by)
    names = dict(
        Division.objects.filter(code__in={r["division_code"] for r in stats["by_division"]}).values_list(
            "code", "name_zh"
        )
    )
    grades = dict(HazardGrade.choices)
    categories = dict(RegulatedCategory.choices)
    for row in stats["by_division"]:
        row["division_name"] = names.get(row["division_code"], row["division_code"])
        row["grade_label"] = grades[row["grade"]]
    for row in stats["by_category"]:
        row["category_label"] = categories.get(row["category"], row["category"])
        row["grade_label"] = grades[row["grade"]]
    context = {
        "stats": stats,
        "year": year,
        "quarter": quarter,
        "by": by,
        "years": range(today.year, today.year - 6, -1),
    }
    return render(request, "enforcement/hazard_statistics.html", context)


@login_required
def document_create(request, enterprise_id):
    """Issue an on-site document for a unit (`?kind=`, and `?hazard=` for the hazard it concerns)."""
    from anjian.enforcement.documents import ONSITE_KINDS, document_issue
    from anjian.enforcement.models import DocumentKind
    from anjian.enforcement.rules import DOCUMENT_REQUIRES

    enterprise = _get(get_enterprise_for, request.user, enterprise_id)
    kind = request.GET.get("kind", "")
    if kind not in ONSITE_KINDS:
        raise Http404
    hazard = None
    if request.GET.get("hazard"):
        hazard = _get(selectors.get_hazard_for, request.user, request.GET["hazard"])
    earlier = selectors.documents_visible_to(request.user).filter(
        enterprise=enterprise, kind__in=DOCUMENT_REQUIRES.get(kind, ())
    )
    supersedes = None
    if request.GET.get("supersedes"):
        supersedes = _get(selectors.get_document_for, request.user, request.GET["supersedes"])
    initial = dict(supersedes.body) if supersedes else None
    form = DocumentForm(request.POST or None, kind=kind, earlier=earlier, initial=initial)

    def save(data):
        refers_to = earlier.filter(pk=data.get("refers_to")).first() if data.get("refers_to") else None
        return document_issue(
            request.user, kind=kind, enterprise=enterprise, body=form.body(), hazard=hazard,
            refers_to=refers_to, supersedes=supersedes,
        )  # fmt: skip

    return form_page(
        request,
        form,
        title=f"{DocumentKind(kind).label} · {enterprise.name}",
        save=save,
        done=lambda document: ("document-print", document.pk),
        done_message=_("The document has been issued."),
    )
