"""Penalty-case pages: the bureau's list, a case's page with its steps, the register, the public disclosure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.errors import DomainError
from anjian.core.forms import apply_domain_error
from anjian.core.models import Organisation, OrganisationKind
from anjian.core.views import forbidden, form_page
from anjian.enforcement import cases, rules, selectors
from anjian.enforcement.case_api import register_response
from anjian.enforcement.case_forms import ACTION_LABELS, CaseForm, EvidenceForm, StepForm, ViolationForm
from anjian.enforcement.models import CaseState, Procedure
from anjian.enforcement.views import _get
from anjian.enterprises.selectors import get_enterprise_for

DEADLINE_LABELS = {
    "hearing_request": gettext_lazy("Hearing request"),
    "decision": gettext_lazy("Decision"),
    "service": gettext_lazy("Service of the decision"),
    "payment": gettext_lazy("Payment"),
    "disclosure": gettext_lazy("Public disclosure"),
}


@login_required
def case_list(request):
    today = timezone.localdate()
    visible = selectors.cases_visible_to(request.user)
    state = request.GET.get("state", "open")
    due = request.GET.get("due", "")
    if due not in ("", "week", "overdue"):
        due = ""
    qs = selectors.filter_cases(visible, state=state, due=due, q=request.GET.get("q", "").strip()[:100], today=today)
    page = Paginator(qs.order_by("next_due", "-created_at") if not due else qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "due": due,
        "q": request.GET.get("q", ""),
        "states": CaseState.choices,
        "count_week": selectors.filter_cases(visible, due="week", today=today).count(),
        "count_overdue": selectors.filter_cases(visible, due="overdue", today=today).count(),
        "deadline_labels": DEADLINE_LABELS,
        "today": today,
        "years": range(today.year, today.year - 6, -1),
    }
    return render(request, "enforcement/case_list.html", context)


@login_required
def case_register(request):
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
        quarter = int(request.GET["quarter"]) if request.GET.get("quarter") else None
        rules.period_bounds(year, quarter)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return register_response(request.user, year, quarter)


@login_required
def case_create(request, enterprise_id):
    """Open a case for a unit, from an inspection (`?inspection=`) or a hazard (`?hazard=`) when it starts there."""
    if "handle" not in cases.capabilities(request.user):
        return forbidden(request)
    enterprise = _get(get_enterprise_for, request.user, enterprise_id)
    inspection = hazard = None
    if request.GET.get("inspection"):
        inspection = _get(selectors.get_inspection_for, request.user, request.GET["inspection"])
    if request.GET.get("hazard"):
        hazard = _get(selectors.get_hazard_for, request.user, request.GET["hazard"])
    initial_summary = hazard.description[:300] if hazard else ""
    form = CaseForm(request.POST or None, organisation=request.user.organisation, initial_summary=initial_summary)

    def save(data):
        case, _created = cases.case_open(
            request.user, enterprise=enterprise, procedure=data["procedure"], party_kind=data["party_kind"],
            party_name=data["party_name"], party_id_number=data["party_id_number"],
            party_address=data["party_address"], summary=data["summary"], act_date=data["act_date"],
            investigators=data["investigators"], violations=form.violations(), inspection=inspection, hazard=hazard,
        )  # fmt: skip
        return case

    return form_page(
        request,
        form,
        title=f"{_('New penalty case')} · {enterprise.name}",
        save=save,
        done=lambda case: ("case-detail", case.pk),
        done_message=_("The case has been opened."),
    )


@login_required
def case_detail(request, case_id):
    case = _get(selectors.get_case_for, request.user, case_id)
    mine = cases.capabilities(request.user, case.organisation_id)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    step_forms = {
        action: StepForm(request.POST if posted == f"step:{action}" else None, action=action)
        for action in cases.available_actions(request.user, case)
    }
    violation_form = ViolationForm(request.POST if posted == "violation" else None)
    evidence_form = EvidenceForm(
        request.POST if posted == "evidence" else None, request.FILES if posted == "evidence" else None
    )
    if posted:
        if not mine:
            return forbidden(request)
        form, run = _posted(request, case, posted, step_forms, violation_form, evidence_form)
        if form is not None and form.is_valid():
            try:
                run(form)
            except DomainError as error:
                if isinstance(error.field, str) and error.field.startswith("data."):
                    error.field = error.field[5:]  # the step's own field on the form
                apply_domain_error(form, error)
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("case-detail", case.pk)
    today = timezone.localdate()
    owed, surcharge = cases.owed(case, today)
    deadlines = [
        {"kind": d.kind, "label": DEADLINE_LABELS[d.kind], "due": d.due, "met": d.met, "done_on": d.done_on,
         "overdue": rules.deadline_overdue(d, today)}
        for d in cases.deadlines(case)
    ]  # fmt: skip
    context = {
        "case": case,
        "deadlines": deadlines,
        "violations": case.violations.select_related("basis").prefetch_related("penalties"),
        "evidence": case.evidence.select_related("violation"),
        "steps": case.steps.select_related("actor", "document"),
        "documents": cases.case_documents(case),
        "step_forms": list(step_forms.values()),
        "violation_form": violation_form,
        "evidence_form": evidence_form,
        "can_add": bool(mine) and case.procedure == Procedure.GENERAL and case.state in ("filing", "investigating"),
        "can_add_evidence": bool(mine) and case.decided_on is None and case.state != CaseState.CLOSED,
        "owed": owed,
        "surcharge": surcharge,
        "action_labels": ACTION_LABELS,
    }
    return render(request, "enforcement/case_detail.html", context)


def _posted(request, case, posted, step_forms, violation_form, evidence_form):
    if posted.startswith("step:"):
        form = step_forms.get(posted[5:])
        if form is None:
            messages.error(request, _("This step cannot be taken now."))
            return None, None

        def run(f):
            cases.case_transition(request.user, case, action=f.action, at=f.cleaned_data.get("at"), data=f.step_data())

        return form, run
    if posted == "violation":
        return violation_form, lambda f: cases.violation_add(request.user, case, [f.violation()])
    if posted == "evidence":

        def add(f):
            data = f.cleaned_data
            cases.evidence_add(
                request.user, case, kind=data["kind"], description=data["description"],
                collected_on=data["collected_on"], upload=data.get("file"),
            )  # fmt: skip

        return evidence_form, add
    return None, None


# ------------------------------------------------------------------ public
def public_penalty_index(request):
    """Every bureau that has disclosed a penalty decision (no login)."""
    bureaus = (
        Organisation.objects.filter(kind=OrganisationKind.BUREAU, cases__disclosed_on__isnull=False)
        .distinct()
        .order_by("division_id")
    )
    return render(request, "enforcement/public_penalty_index.html", {"bureaus": bureaus})


def public_penalties(request, organisation_id):
    """A bureau's disclosed penalty decisions: individuals' ID numbers masked and addresses left out."""
    bureau = get_object_or_404(Organisation, pk=organisation_id, kind=OrganisationKind.BUREAU)
    today = timezone.localdate()
    page = Paginator(selectors.disclosed_penalties(bureau, today), 50).get_page(request.GET.get("page"))
    for case in page:
        case.masked_id = rules.mask_id_number(case.party_id_number) if case.party_kind == "individual" else ""
        case.decision_number = case.decisions[0].number if case.decisions else ""  # the latest, as changed
    return render(request, "enforcement/public_penalties.html", {"bureau": bureau, "page": page, "today": today})
