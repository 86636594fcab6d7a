"""Capability, talent and supervision pages: each bureau's capability against its targets (the table of the bureaus
one level below, a bureau's indicators with their history and the aid behind them), talent records, inspections of
aid with their rectifications followed up, and what is overdue per supporting unit and per receiving bureau."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.aid import capability, forms_more, oversight, selectors
from anjian.aid import permissions as perms
from anjian.aid.models import AidPlan, Form, ItemStatus, System, TalentKind
from anjian.aid.views import _ctx, _row_form
from anjian.core.errors import DomainError, FormErrors
from anjian.core.models import Division, DivisionLevel, Organisation, OrganisationKind
from anjian.core.scope import scope_for
from anjian.core.views import _found, _page, service_call
from anjian.indicators import charts

# --- capability ------------------------------------------------------------------------------------------------------


def _attainment_bar(figures: dict, title: str) -> str:
    """The way from the baseline (0 by default) to the target as a bar: "done / needed (share)". progress_bar
    colours a cap (red once reached); attainment is the other way round, so its green and red change places:
    reached is green, under half the way red."""
    target, current = figures["target"], figures["current"]
    if target is None or current is None:
        return ""
    start = target.baseline if target.baseline is not None else 0
    done, needed = current - start, target.value - start
    if needed < 0:  # a target below the baseline: the way goes down
        done, needed = -done, -needed
    if needed == 0:
        done, needed = (1, 1) if figures["attainment"] else (0, 1)
    svg = charts.progress_bar(float(done), float(needed), title=title, warn_at=0.5, width=200, height=20)
    red, green = f'fill="{charts.RED}"', f'fill="{charts.GREEN}"'
    return svg.replace(red, "\0").replace(green, red).replace("\0", green)


def _by_system(indicators) -> list:
    """The indicators in the order of the five systems, then by code."""
    order = {code: n for n, code in enumerate(System.values)}
    return sorted(indicators, key=lambda i: (order.get(i.system, len(order)), i.code))


def _history_chart(row: dict, name: str) -> str:
    history = row["history"]
    if not history:
        return ""
    return charts.line_chart(
        [h["as_of"].isoformat() for h in history],
        [(name, [h["value"] for h in history])],
        title=name,
        unit=row["indicator"].unit,
        height=220,
    )


def _keeps_capability(user, division_code: str) -> bool:
    return (
        user.organisation is not None
        and user.has_perm(perms.KEEP_CAPABILITY)
        and scope_for(user).contains_division(division_code)
    )


@login_required
def capability_table(request):
    """A bureau: the bureaus one level below a division of its area × the indicators. A supporting unit: the
    bureaus it supports, each a link to its own page."""
    user = request.user
    today = timezone.localdate()
    scope = scope_for(user)
    if scope.division_prefix is None:
        _prefix, codes = capability.divisions_readable(user)
        bureaus = (
            Organisation.objects.filter(kind=OrganisationKind.BUREAU, is_active=True, division_id__in=codes)
            .select_related("division")
            .order_by("division_id")
        )
        return render(request, "aid/capability_table.html", _ctx(request, "capability", supported=list(bureaus)))
    try:
        table = capability.capability_table(user, request.GET.get("division", ""), today)
    except DomainError:
        raise Http404 from None
    division = table["division"]
    for row in table["rows"]:
        row["below"] = row["division"].level not in (DivisionLevel.COUNTY,)
        for cell in row["cells"]:
            cell["bar"] = _attainment_bar(
                cell, f"{row['bureau'].name} · {capability.indicator_name(cell['indicator'])}"
            )
    column = {indicator.pk: n for n, indicator in enumerate(table["indicators"])}
    catalogue = _by_system(table["indicators"])
    by_indicator = [
        {
            "indicator": indicator,
            "name": capability.indicator_name(indicator),
            "rows": [
                {"bureau": row["bureau"], "below": row["below"], **row["cells"][column[indicator.pk]]}
                for row in table["rows"]
            ],
        }
        for indicator in catalogue
    ]
    up = division.parent_id if division.parent_id and scope.contains_division(division.parent_id) else ""
    own = Organisation.objects.filter(kind=OrganisationKind.BUREAU, is_active=True, division=division).exists()
    return render(
        request,
        "aid/capability_table.html",
        _ctx(
            request,
            "capability",
            division=division,
            own=own,
            up=up,
            bureaus=table["rows"],
            by_indicator=by_indicator,
            systems=_systems(catalogue),
        ),
    )


def _systems(indicators) -> list:
    labels = dict(System.choices)
    return [(code, labels[code]) for code in dict.fromkeys(i.system for i in indicators)]


@login_required
def capability_bureau(request, division_code):
    """A bureau's indicators: current value, target and gap, the history as a line chart, and the aid items meant
    to move each; those who keep capability record a value and set a target."""
    user = request.user
    try:
        data = capability.capability_of(user, division_code)
    except DomainError:
        raise Http404 from None
    division = data["division"]
    keeps = _keeps_capability(user, division.code)
    catalogue = _by_system(row["indicator"] for row in data["indicators"])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    measurement_form = forms_more.MeasurementForm(
        request.POST if action == "measurement" else None, indicators=catalogue
    )
    target_form = forms_more.TargetForm(request.POST if action == "target" else None, indicators=catalogue)
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied
        done, form = False, None
        if action == "measurement":
            form = measurement_form
            if form.is_valid():
                done = service_call(
                    request,
                    form,
                    lambda: capability.measurement_record(user, division_code=division.code, **form.cleaned_data),
                    _("Value recorded."),
                )
        elif action == "target":
            form = target_form
            if form.is_valid():
                done = service_call(
                    request,
                    form,
                    lambda: capability.target_set(user, division_code=division.code, **form.cleaned_data),
                    _("Target set."),
                )
        else:
            raise Http404
        if done:
            code = form.cleaned_data["indicator_code"]
            return redirect(f"{reverse('aid-capability-bureau', args=[division.code])}#indicator-{code}")
    forms_labels, status_labels = dict(Form.choices), dict(ItemStatus.choices)
    rows = []
    order = {indicator.pk: n for n, indicator in enumerate(catalogue)}
    for row in sorted(data["indicators"], key=lambda r: order[r["indicator"].pk]):
        name = capability.indicator_name(row["indicator"])
        for a in row["aid"]:
            a["form_label"], a["status_label"] = forms_labels.get(a["form"], a["form"]), status_labels.get(a["status"])
        rows.append(row | {"name": name, "chart": _history_chart(row, name), "bar": _attainment_bar(row, name)})
    return render(
        request,
        "aid/capability_bureau.html",
        _ctx(
            request,
            "capability",
            division=division,
            bureau=data["bureau"],
            rows=rows,
            keeps=keeps,
            measurement_form=measurement_form,
            target_form=target_form,
            parent=division.parent_id
            if division.parent_id and scope_for(user).contains_division(division.parent_id)
            else "",
        ),
    )


# --- talent ----------------------------------------------------------------------------------------------------------


def _talent_choices(user) -> dict:
    """What the talent form offers: the items in scope, the receiving divisions, a bureau's supporting units and
    whether a trainee of the training system may be named (a bureau sees the trainees of its area)."""
    organisation = user.organisation
    scope = scope_for(user)
    items = selectors.items_visible_to(user).order_by("plan__supporter__name_zh", "title", "pk")
    if organisation.kind == OrganisationKind.SUPPORTING:
        codes = oversight._supporter_divisions(organisation)
        return {"items": items, "divisions": Division.objects.filter(code__in=codes).order_by("code")}
    bureaus = Organisation.objects.filter(
        kind=OrganisationKind.BUREAU, is_active=True, division__code__startswith=scope.division_prefix
    ).values("division_id")
    supporting_here = AidPlan.objects.filter(
        receivers__kind=OrganisationKind.BUREAU, receivers__division__code__startswith=scope.division_prefix
    ).values("supporter_id")
    return {
        "items": items,
        "divisions": Division.objects.filter(code__in=bureaus).order_by("code"),
        "supporters": Organisation.objects.filter(kind=OrganisationKind.SUPPORTING, pk__in=supporting_here).order_by(
            "name_zh"
        ),
        "trainees": True,
    }


def _records_talent(user) -> bool:
    organisation = user.organisation
    return (
        organisation is not None
        and organisation.kind in (OrganisationKind.SUPPORTING, OrganisationKind.BUREAU)
        and user.has_perm(perms.KEEP_AID)
    )


@login_required
def talent(request):
    """Talent records in scope by kind; the aid coordinators of either side record one."""
    user = request.user
    records = _records_talent(user)
    form = forms_more.TalentForm(request.POST or None, **_talent_choices(user)) if records else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            number = data.pop("trainee_id_number", "")
            trainee = None
            if number:
                from anjian.training.selectors import trainees_visible_to

                trainee = trainees_visible_to(user).filter(id_number=number).first()
                if trainee is None:
                    form.add_error("trainee_id_number", _("There is no trainee with this ID number in your area."))
            if not form.errors and service_call(
                request, form, lambda: oversight.talent_record(user, trainee=trainee, **data), _("Talent recorded.")
            ):
                return redirect("aid-talent")
    kind = request.GET.get("kind", "")
    qs = selectors.talent_visible_to(user)
    if kind in TalentKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    page = _page(request, qs.order_by("-starts_on", "-pk"))
    names = {d.code: d.name for d in Division.objects.filter(code__in={t.division_code for t in page})}
    for t in page:
        t.division_name = names.get(t.division_code, t.division_code)
    return render(
        request,
        "aid/talent.html",
        _ctx(request, "talent", page=page, kind=kind, kinds=TalentKind.choices, form=form),
    )


# --- inspections -----------------------------------------------------------------------------------------------------


def _supervises(user) -> bool:
    organisation = user.organisation
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.BUREAU
        and organisation.is_active
        and user.has_perm(perms.SUPERVISE_AID)
    )


def _inspection_errors(form, error: DomainError) -> None:
    """The service's errors on the form; a rectification's on the text, by the line it came from."""
    items = error.errors if isinstance(error, FormErrors) else [(error.field, error.code, error.message)]
    for field, _code, message in items:
        found = re.match(r"rectifications\[(\d+)\]", field or "")
        if found:
            n = int(found.group(1))
            lines = getattr(form, "rectification_lines", [])
            line = lines[n] if n < len(lines) else n + 1
            form.add_error("rectifications_text", _("Line %(n)s: %(message)s") % {"n": line, "message": message})
        else:
            form.add_error(field if field in form.fields else None, message)


@login_required
def inspections(request):
    """The inspections of the aid a person sees; a bureau's leaders and aid coordinators record one."""
    user = request.user
    supervises = _supervises(user)
    form = None
    if supervises:
        items = selectors.items_visible_to(user).order_by("plan__supporter__name_zh", "title", "pk")
        form = forms_more.InspectionForm(request.POST or None, items=items)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("inspected_on", "inspectors", "item_ids", "findings")}
            try:
                inspection = oversight.inspection_create(
                    user, **data, rectifications=form.cleaned_data["rectifications"]
                )
            except DomainError as error:
                _inspection_errors(form, error)
            else:
                messages.success(request, _("Inspection recorded."))
                return redirect("aid-inspection", inspection.pk)
    today = timezone.localdate()
    visible = set(selectors.items_visible_to(user).values_list("pk", flat=True))
    page = _page(
        request,
        selectors.inspections_visible_to(user)
        .prefetch_related("items", "rectifications")
        .order_by("-inspected_on", "-pk"),
    )
    names = {d.code: d.name for d in Division.objects.filter(code__in={i.division_code for i in page})}
    for i in page:
        i.division_name = names.get(i.division_code, i.division_code)
        i.shown_items = [x for x in i.items.all() if x.pk in visible]
        states = [
            oversight.rectification_state(r, today)
            for r in i.rectifications.all()
            if r.item_id is None or r.item_id in visible
        ]
        i.states = {s: states.count(s) for s in ("open", "overdue", "done", "verified")}
        i.rectification_count = len(states)
    return render(
        request, "aid/inspections.html", _ctx(request, "inspections", page=page, form=form, supervises=supervises)
    )


def _verifies(user, inspection) -> bool:
    if not _supervises(user):
        return False
    inspecting = inspection.organisation
    return user.organisation_id == inspecting.pk or scope_for(user).contains_division(inspecting.division_id)


@login_required
def inspection_detail(request, inspection_id):
    """An inspection, its findings and the rectifications it requires: the receiving bureau or the supporting unit
    reports one done, the inspecting side verifies it."""
    user = request.user
    inspection = _found(oversight.get_inspection_for, user, inspection_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        r = _found(oversight.get_rectification_for, user, request.POST.get("rectification"))
        if r.inspection_id != inspection.pk:
            raise Http404
        done = False
        if action == "done":
            form = _row_form(request, forms_more.RectificationDoneForm)
            done = form is not None and service_call(
                request,
                None,
                lambda: oversight.rectification_done(user, r, **form.cleaned_data),
                _("Rectification reported done."),
            )
        elif action == "verify":
            form = _row_form(request, forms_more.RectificationVerifyForm)
            done = form is not None and service_call(
                request,
                None,
                lambda: oversight.rectification_verify(user, r, **form.cleaned_data),
                _("Rectification verified."),
            )
        else:
            raise Http404
        if done:
            return redirect(f"{reverse('aid-inspection', args=[inspection.pk])}#rectification-{r.pk}")
    today = timezone.localdate()
    visible = set(selectors.items_visible_to(user).values_list("pk", flat=True))
    items = [
        i for i in inspection.items.select_related("plan__supporter", "receiver").order_by("pk") if i.pk in visible
    ]
    keeps = user.has_perm(perms.KEEP_AID)
    verifies = _verifies(user, inspection)
    rectifications = []
    for r in inspection.rectifications.select_related("item", "verified_by", "inspection__organisation"):
        if r.item_id is not None and r.item_id not in visible:
            continue
        r.state = oversight.rectification_state(r, today)
        r.can_report = keeps and r.state != "verified" and user.organisation_id in oversight._parties(r)
        r.can_verify = verifies and r.state == "done"
        rectifications.append(r)
    division = Division.objects.filter(code=inspection.division_code).first()
    return render(
        request,
        "aid/inspection_detail.html",
        _ctx(
            request,
            "inspections",
            inspection=inspection,
            division=division,
            items=items,
            rectifications=rectifications,
            today=today,
        ),
    )


# --- overdue ---------------------------------------------------------------------------------------------------------


@login_required
def overdue(request):
    """Late steps, late milestones and rectifications past due in the aid a person sees, per supporting unit and per
    receiving bureau."""
    data = oversight.overdue(request.user, timezone.localdate())
    sides = [("supporter", data["by_supporter"]), ("bureau", data["by_bureau"])]
    return render(request, "aid/overdue.html", _ctx(request, "overdue", data=data, sides=sides))
