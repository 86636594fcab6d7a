"""Accident pages: the list and the inbox, recording, a report's page with its chain, updates and investigation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import permissions as perms
from anjian.accidents import selectors, services
from anjian.accidents.forms import AccidentForm, ForwardForm, InvestigationActionForm, InvestigationForm, UpdateForm
from anjian.accidents.models import Category, InvestigationState, Sector, Severity
from anjian.core.errors import DomainError, NotFound
from anjian.core.forms import apply_domain_error
from anjian.core.models import OrganisationKind
from anjian.core.views import _found, forbidden, form_page
from anjian.enterprises.selectors import enterprises_visible_to


def _can_record(person) -> bool:
    organisation = person.organisation
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.BUREAU
        and person.has_perm(perms.RECORD_ACCIDENTS)
    )


def _time_left(due, now):
    seconds = int((due - now).total_seconds())
    return {"overdue": seconds < 0, "hours": abs(seconds) // 3600, "minutes": abs(seconds) % 3600 // 60}


@login_required
def accident_list(request):
    now = timezone.now()
    visible = selectors.accidents_visible_to(request.user)
    get = request.GET
    filters = {
        "severity": get.get("severity", "") if get.get("severity", "") in Severity.values else "",
        "sector": get.get("sector", "") if get.get("sector", "") in Sector.values else "",
        "category": get.get("category", "") if get.get("category", "") in Category.values else "",
        "late": True if get.get("late") == "1" else None,
        "q": get.get("q", "").strip()[:100],
    }
    qs = selectors.filter_accidents(visible, **filters)
    if get.get("format") == "xlsx":
        return _accidents_xlsx(qs)
    page = Paginator(selectors.with_chain(qs), 50).get_page(get.get("page"))
    for accident in page:
        accident.chain = selectors.chain_rows(accident, now)
        accident.any_late = any(step["status"] == "late" for step in accident.chain)
    inbox = list(selectors.with_chain(selectors.inbox_for(request.user))[:50])
    for accident in inbox:
        accident.left = _time_left(accident.awaiting_due, now)
    context = {
        "page": page,
        "inbox": inbox,
        "filters": filters,
        "severities": Severity.choices,
        "sectors": Sector.choices,
        "categories": Category.choices,
        "can_record": _can_record(request.user),
    }
    return render(request, "accidents/accident_list.html", context)


@login_required
def accident_create(request):
    if not _can_record(request.user):
        return forbidden(request)
    form = AccidentForm(request.POST or None, division_code=request.user.organisation.division_id)

    def save(data):
        code = (data.pop("credit_code") or "").strip().upper()
        enterprise = None
        if code:
            enterprise = enterprises_visible_to(request.user).filter(credit_code=code).first()
            if enterprise is None:
                raise DomainError("enterprise_unknown", field="credit_code")
        data["id"] = data.pop("uuid")
        accident, _created = services.accident_record(request.user, enterprise=enterprise, **data)
        return accident

    return form_page(
        request,
        form,
        title=_("Record an accident"),
        save=save,
        done=lambda accident: ("accident-detail", accident.pk),
        done_message=_("The accident has been recorded; its class and reporting chain are computed."),
    )


@login_required
def accident_detail(request, accident_id):
    accident = _found(selectors.get_accident_for, request.user, accident_id)
    now = timezone.now()
    chain = selectors.chain_rows(accident, now)
    organisation = request.user.organisation
    mine = organisation.division_id if organisation.kind == OrganisationKind.BUREAU else None
    codes = [step["division"] for step in chain]
    can_forward = (
        _can_record(request.user)
        and mine in codes
        and codes.index(mine) < len(codes) - 1
        and chain[codes.index(mine) + 1]["reported_at"] is None
    )
    targets = []
    if can_forward:
        above = chain[codes.index(mine) + 1 :]
        targets = [(step["division"], f"{step['division']} {step['division_name']}") for step in above]
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    forward_form = ForwardForm(request.POST if posted == "forward" else None, targets=targets)
    update_form = UpdateForm(request.POST if posted == "update" else None)
    investigation = getattr(accident, "investigation", None) if _has_investigation(accident) else None
    open_form = InvestigationForm(request.POST if posted == "investigation" else None)
    act_form = InvestigationActionForm(request.POST if posted == "investigation-act" else None)
    forms_by_name = {
        "forward": forward_form,
        "update": update_form,
        "investigation": open_form,
        "investigation-act": act_form,
    }
    if posted in forms_by_name:
        form = forms_by_name[posted]
        if form.is_valid():
            try:
                _run(request, accident, investigation, posted, form)
            except DomainError as error:
                apply_domain_error(form, error)
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("accident-detail", accident.pk)
    figures = accident.figures.select_related("recorded_by").order_by("as_of", "recorded_at")
    context = {
        "accident": accident,
        "chain": chain,
        "awaiting_left": _time_left(accident.awaiting_due, now) if accident.awaiting_due else None,
        "figures": figures,
        "can_record": _can_record(request.user),
        "can_forward": can_forward,
        "forward_form": forward_form,
        "update_form": update_form,
        "investigation": investigation,
        "open_form": open_form,
        "act_form": act_form,
        "can_investigate": services.may_investigate(
            request.user, investigation.lead_division_id if investigation else services.lead_division(accident)
        ),
        "today": timezone.localdate(),
        "states": InvestigationState,
        "in_window": now <= accident.window_closes_at,
    }
    return render(request, "accidents/accident_detail.html", context)


def _has_investigation(accident) -> bool:
    from anjian.accidents.models import Investigation

    try:
        return accident.investigation is not None
    except Investigation.DoesNotExist:
        return False


def _run(request, accident, investigation, posted, form):
    data = dict(form.cleaned_data)
    if posted == "forward":
        services.accident_forward(request.user, accident, to=data.get("to") or None)
    elif posted == "update":
        data["id"] = data.pop("uuid")
        services.casualty_update(request.user, accident, **data)
    elif posted == "investigation":
        services.investigation_open(
            request.user, accident, leader=data["leader"], team=form.members(), started_on=data["started_on"]
        )
    elif posted == "investigation-act":
        if investigation is None:
            raise NotFound()
        services.investigation_act(request.user, investigation, form.cleaned_data["action"], **form.data_for_service())


def _accidents_xlsx(qs):
    """The filtered list as a spreadsheet, one accident a row (at most 100,000 rows)."""
    from anjian.indicators.api import xlsx_response
    from anjian.indicators.exports import rows_xlsx

    header = [
        _("Time of occurrence"),
        _("Division code"),
        _("Place"),
        _("Unit"),
        _("Sector"),
        _("Industry"),
        _("Category (GB 6441)"),
        _("Class"),
        _("Deaths"),
        _("Missing"),
        _("Serious injuries"),
        _("Minor injuries"),
        _("Direct economic loss (yuan)"),
        _("The unit reported late"),
    ]
    rows = (
        [
            timezone.localtime(a.occurred_at).strftime("%Y-%m-%d %H:%M"),
            a.division_id,
            a.division.name,
            a.unit_name,
            a.get_sector_display(),
            a.get_industry_display(),
            f"{a.category} {a.get_category_display()}",
            a.get_severity_display(),
            a.deaths,
            a.missing,
            a.serious_injuries,
            a.minor_injuries,
            float(a.direct_loss_yuan),
            _("Yes") if a.unit_late else "",
        ]
        for a in qs[:100000].iterator(chunk_size=2000)
    )
    return xlsx_response(rows_xlsx(_("Accidents"), header, rows), "accidents.xlsx")
