"""Emergency pages: the command centre, incidents (map, nearest help, dispatch, log, requests, reports, closing),
plans and drills with what is overdue, the registers, the duty roster, the road network, alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.selectors import accidents_visible_to, get_accident_for
from anjian.core.errors import DomainError
from anjian.core.models import Division, Organisation, OrganisationKind
from anjian.core.views import _found, service_call
from anjian.emergency import forms, maps, network, selectors, services
from anjian.emergency import permissions as perms
from anjian.emergency.models import DispatchStatus, HelpKind, IncidentStatus, Place, RoadSegment
from anjian.enterprises.selectors import enterprises_visible_to

PAGE = 50
HELP_KINDS = ("team", "depot", "expert")


def _ctx(request, active: str, **extra) -> dict:
    user = request.user
    return {
        "active": active,
        "can_command": user.has_perm(perms.COMMAND_INCIDENTS),
        "can_manage": user.has_perm(perms.MANAGE_EMERGENCY),
        **extra,
    }


# --- the command centre ----------------------------------------------------------------------------------------------


@login_required
def home(request):
    now = timezone.now()
    incidents = selectors.incidents_visible_to(request.user).filter(status=IncidentStatus.OPEN)
    overdue = selectors.overdue_plans(request.user, timezone.localdate())
    return render(
        request,
        "emergency/home.html",
        _ctx(
            request,
            "home",
            incidents=incidents,
            shift=selectors.on_duty_now(request.user, now),
            overdue_count=len(overdue),
            requests=selectors.requests_visible_to(request.user).filter(
                to_organisation_id=request.user.organisation_id, status__in=("requested", "accepted")
            ),
            network=network.network_row(),
        ),
    )


# --- incidents -------------------------------------------------------------------------------------------------------


@login_required
def incident_list(request):
    qs = selectors.incidents_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in IncidentStatus.values:
        qs = qs.filter(status=status)
    form = forms.IncidentForm(request.POST or None, initial={"occurred_at": timezone.localtime().replace(second=0)})
    if request.method == "POST":
        if request.POST.get("accident"):
            accident = _found(get_accident_for, request.user, request.POST["accident"])
            result = {}
            if service_call(
                request,
                None,
                lambda: result.update(i=services.incident_open(request.user, accident=accident)[0]),
                _("Incident opened."),
            ):
                return redirect("emergency-incident", result["i"].pk)
        elif form.is_valid():
            result = {}
            if service_call(
                request,
                form,
                lambda: result.update(i=services.incident_open(request.user, **form.cleaned_data)[0]),
                _("Incident opened."),
            ):
                return redirect("emergency-incident", result["i"].pk)
    accidents = (
        accidents_visible_to(request.user)
        .filter(incident__isnull=True, occurred_at__gte=timezone.now() - timezone.timedelta(days=7))
        .order_by("-occurred_at")[:20]
    )
    page = Paginator(qs.order_by("-opened_at"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/incident_list.html",
        _ctx(request, "incidents", page=page, form=form, accidents=accidents, status=status),
    )


def _dispatched_rows(incident) -> list[dict]:
    """The help sent and not yet released, with its route now (the chosen routes on the map): one search."""
    from anjian.emergency import routing

    sent = list(incident.dispatches.exclude(status=DispatchStatus.RELEASED).select_related("team", "depot", "expert"))
    candidates = [routing.Candidate(i, d.helper.lat, d.helper.lon, d.helper.place_id) for i, d in enumerate(sent)]
    rows = []
    for r in network.rank(services.origin_of(incident), candidates) if candidates else []:
        d = sent[r.key]
        rows.append({"id": d.helper.pk, "kind": d.kind, "name": f"{d.helper.name} · {d.get_status_display()}",
                     "lat": d.helper.lat, "lon": d.helper.lon, "route": r.route, "path": list(r.path)})  # fmt: skip
    return rows


def incident_svg(person, incident, kind: str = "team", rows=None) -> str:
    """The incident, the help sent to it and the nearest help of a kind (the first 8), with their routes, over the
    county seats and the roads around."""
    if rows is None:
        rows = services.rank_help(person, incident, kind, limit=8)
    rows = [*_dispatched_rows(incident), *rows[:8]]
    places = network.places_named({p for r in rows for p in r["path"]})
    routes = []
    for r in rows:
        if r["route"] == "road" and r["path"]:
            points = [(r["lat"], r["lon"]), *((places[p].lat, places[p].lon) for p in r["path"])]
            routes.append(maps.MapRoute((*points, (incident.lat, incident.lon)), r["name"]))
        else:
            routes.append(maps.MapRoute(((r["lat"], r["lon"]), (incident.lat, incident.lon)), r["name"], True))
    lats = [incident.lat, *(p[0] for route in routes for p in route.points)]
    lons = [incident.lon, *(p[1] for route in routes for p in route.points)]
    pad_lat = max((max(lats) - min(lats)) * 0.15, 0.3)
    pad_lon = max((max(lons) - min(lons)) * 0.15, 0.3)
    box = (min(lats) - pad_lat, max(lats) + pad_lat, min(lons) - pad_lon, max(lons) + pad_lon)

    def inside(lat, lon):
        return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]

    seats = [
        maps.MapPoint(float(d.lat), float(d.lon), d.name)
        for d in Division.objects.filter(lat__isnull=False, code__startswith=incident.division_code[:2])
        if inside(float(d.lat), float(d.lon))
    ]
    near = Q()
    for end in ("from_place", "to_place"):
        near |= Q(**{f"{end}__lat__range": box[:2], f"{end}__lon__range": box[2:]})
    roads = [
        ((a_lat, a_lon), (b_lat, b_lon))
        for a_lat, a_lon, b_lat, b_lon in RoadSegment.objects.filter(near).values_list(
            "from_place__lat", "from_place__lon", "to_place__lat", "to_place__lon"
        )
    ]
    by_kind = {k: [maps.MapPoint(r["lat"], r["lon"], r["name"], f"{k}-{r['id']}") for r in rows if r["kind"] == k]
               for k in HELP_KINDS}  # fmt: skip
    row = network.network_row()
    legend = {"incident": _("Incident")}
    legend.update({k: dict(HelpKind.choices)[k] for k in HELP_KINDS if by_kind[k]})
    return maps.incident_map(
        title=_("%(title)s: help sent and nearest help") % {"title": incident.title},
        seats=seats,
        roads=roads,
        incident=maps.MapPoint(incident.lat, incident.lon, incident.place, "incident"),
        teams=by_kind["team"],
        depots=by_kind["depot"],
        experts=by_kind["expert"],
        routes=routes,
        legend={
            **legend,
            "road": _("Route by road"),
            "great_circle": _("No road link: straight line"),
            "seat": _("County seat"),
        },
        note=_("Road network approximate: %(source)s") % {"source": row.source} if row.approximate else "",
    )


INCIDENT_ACTIONS = {}


def _action(name):
    def register(fn):
        INCIDENT_ACTIONS[name] = fn
        return fn

    return register


@_action("log")
def _log(request, incident):
    services.log_append(
        request.user,
        incident,
        text=request.POST.get("text", ""),
        kind=request.POST.get("kind") or "note",
        corrects=int(request.POST["corrects"]) if request.POST.get("corrects", "").isdigit() else None,
    )
    return _("Added to the log.")


@_action("dispatch")
def _dispatch(request, incident):
    d = services.dispatch_order(
        request.user,
        incident,
        kind=request.POST.get("kind", ""),
        helper_id=request.POST.get("id"),
        task=request.POST.get("task", ""),
    )
    return _("%(name)s dispatched.") % {"name": d.helper.name}


@_action("status")
def _status(request, incident):
    d = _found(selectors.get_dispatch_for, request.user, incident, request.POST.get("dispatch"))
    services.dispatch_advance(request.user, d, status=request.POST.get("status", ""))
    return _("Status recorded.")


@_action("figures")
def _figures(request, incident):
    figures = {f: request.POST.get(f) for f in ("deaths", "missing", "injured", "trapped") if f in request.POST}
    services.incident_figures(request.user, incident, **figures)
    return _("Figures recorded.")


@_action("request")
def _request(request, incident):
    services.request_create(
        request.user,
        incident,
        to_organisation_id=request.POST.get("to_organisation"),
        items=request.POST.get("items", ""),
    )
    return _("Request sent.")


@_action("draft_report")
def _draft(request, incident):
    report = services.report_draft(request.user, incident)
    return _("Situation report no. %(number)s drafted.") % {"number": report.number}


@_action("edit_report")
def _edit(request, incident):
    report = _found(selectors._get, incident.reports.all(), request.POST.get("report"))
    services.report_edit(request.user, report, body=request.POST.get("body", ""))
    if request.POST.get("send"):
        services.report_send(request.user, report)
        return _("Report sent.")
    return _("Report saved.")


@_action("close")
def _close(request, incident):
    services.incident_close(
        request.user, incident, review=request.POST.get("review", ""), lessons=request.POST.get("lessons", "")
    )
    return _("Incident closed.")


@login_required
def incident_detail(request, incident_id):
    incident = _found(selectors.get_incident_for, request.user, incident_id)
    commands = request.user.has_perm(perms.COMMAND_INCIDENTS) and selectors.commanded_by(request.user, incident)
    helps = not commands and services.helping(request.user, incident)
    if request.method == "POST":
        name = request.POST.get("action", "")
        action = INCIDENT_ACTIONS.get(name)
        if action is None or not (commands or (helps and name in ("dispatch", "status"))):
            raise Http404
        try:
            messages.success(request, action(request, incident))
        except DomainError as error:
            messages.error(request, error.message)
        kind = request.POST.get("help", "team")
        return redirect(f"{reverse('emergency-incident', args=[incident.pk])}?kind={kind}#{request.POST['action']}")
    kind = request.GET.get("kind", "team")
    if kind not in HELP_KINDS:
        kind = "team"
    sends = (commands or helps) and incident.status == IncidentStatus.OPEN
    rows = services.rank_help(request.user, incident, kind, limit=15) if sends else []
    dispatches = list(incident.dispatches.select_related("team", "depot", "expert", "ordered_by"))
    following = {DispatchStatus.ORDERED: DispatchStatus.EN_ROUTE, DispatchStatus.EN_ROUTE: DispatchStatus.ON_SITE}
    for d in dispatches:
        d.next_status = following.get(d.status, "")  # the one step forward offered beside "released"
        d.movable = d.status != DispatchStatus.RELEASED and (
            commands or (helps and d.ordered_by.organisation_id == request.user.organisation_id)
        )
    bureaus = Organisation.objects.filter(kind=OrganisationKind.BUREAU, is_active=True).exclude(
        pk=incident.organisation_id
    )
    return render(
        request,
        "emergency/incident_detail.html",
        _ctx(
            request,
            "incidents",
            incident=incident,
            commands=commands and incident.status == IncidentStatus.OPEN,
            kind=kind,
            kinds=[(k, dict(HelpKind.choices)[k]) for k in HELP_KINDS],
            rows=rows,
            sends=sends,
            helps=helps,
            map_svg=incident_svg(request.user, incident, kind, rows) if sends or commands else "",
            dispatches=dispatches,
            status_labels=dict(DispatchStatus.choices),
            log=incident.log.select_related("actor").order_by("-seq"),
            requests=incident.requests.select_related("to_organisation"),
            reports=incident.reports.select_related("to_division"),
            alerts=incident.alerts.all(),
            bureaus=bureaus.order_by("division_id"),
            network=network.network_row(),
        ),
    )


# --- plans -----------------------------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    qs = selectors.plans_visible_to(request.user)
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("credit_code").strip().upper()
        enterprise = None
        if code:
            enterprise = enterprises_visible_to(request.user).filter(credit_code=code).first()
            if enterprise is None:
                form.add_error("credit_code", _("There is no unit with this credit code in your jurisdiction."))
        if not form.errors:
            result = {}
            if service_call(
                request,
                form,
                lambda: result.update(p=services.plan_create(request.user, enterprise=enterprise, **data)),
                _("Plan registered."),
            ):
                return redirect("emergency-plan", result["p"].pk)
    page = Paginator(qs.order_by("division_code", "title", "pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "emergency/plan_list.html", _ctx(request, "plans", page=page, form=form, state=state))


@login_required
def plan_overdue(request):
    division = request.GET.get("division", "").strip()[:6]
    rows = selectors.overdue_plans(request.user, timezone.localdate(), division or None)
    by_duty = {}
    for r in rows:
        by_duty[r["duty"]] = by_duty.get(r["duty"], 0) + 1
    return render(
        request,
        "emergency/plan_overdue.html",
        _ctx(
            request,
            "overdue",
            rows=rows,
            by_duty=by_duty,
            division=division,
            by_bureau=selectors.overdue_by_bureau(request.user, rows),
        ),
    )


@login_required
def plan_detail(request, plan_id):
    plan = _found(selectors.get_plan_for, request.user, plan_id)
    drill_form = forms.DrillRecordForm(request.POST if request.POST.get("action") == "drill" else None)
    evaluation_form = forms.EvaluationForm(request.POST if request.POST.get("action") == "evaluate" else None)
    revise_form = forms.ReviseForm(request.POST if request.POST.get("action") == "revise" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        done = False
        if action == "file":
            done = service_call(request, None, lambda: services.plan_file(request.user, plan), _("Plan filed."))
        elif action in ("accept", "return"):
            done = service_call(
                request,
                None,
                lambda: services.plan_check(
                    request.user, plan, accept=action == "accept", reasons=request.POST.get("reasons", "")
                ),
                _("Filing checked."),
            )
        elif action == "drill" and drill_form.is_valid():
            done = service_call(
                request,
                drill_form,
                lambda: services.drill_record(request.user, plan, **drill_form.cleaned_data),
                _("Drill recorded."),
            )
        elif action == "evaluate" and evaluation_form.is_valid():
            done = service_call(
                request,
                evaluation_form,
                lambda: services.plan_evaluate(request.user, plan, **evaluation_form.cleaned_data),
                _("Evaluation recorded."),
            )
        elif action == "revise" and revise_form.is_valid():
            done = service_call(
                request,
                revise_form,
                lambda: services.plan_revise(request.user, plan, **revise_form.cleaned_data),
                _("Revision recorded: file it again."),
            )
        if done:
            return redirect("emergency-plan", plan.pk)
    return render(
        request,
        "emergency/plan_detail.html",
        _ctx(
            request,
            "plans",
            plan=plan,
            obligations=selectors.obligations_of(plan, timezone.localdate()),
            drills=plan.drills.all(),
            evaluations=plan.evaluations.all(),
            drill_form=drill_form,
            evaluation_form=evaluation_form,
            revise_form=revise_form,
            can_check=request.user.has_perm(perms.MANAGE_EMERGENCY),
            may_keep=services.may_keep_plan(request.user, plan),
            own_plan=plan.enterprise_id is None and plan.organisation_id == request.user.organisation_id,
        ),
    )


# --- registers -------------------------------------------------------------------------------------------------------

REGISTERS = {
    "teams": (forms.TeamForm, services.team_save, selectors.teams_visible_to),
    "depots": (forms.DepotForm, services.depot_save, selectors.depots_visible_to),
    "experts": (forms.ExpertForm, services.expert_save, selectors.experts_visible_to),
}


@login_required
def register(request, name):
    if name not in REGISTERS:
        raise Http404
    form_class, save, visible = REGISTERS[name]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("items_text", "fields_text")}
        if not data.get("place"):
            data.pop("place", None)
        if service_call(request, form, lambda: save(request.user, data), _("Saved.")):
            return redirect("emergency-register", name)
    q = request.GET.get("q", "").strip()[:100]
    qs = visible(request.user)
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs.order_by("division_code", "name", "pk"), PAGE).get_page(request.GET.get("page"))
    titles = {"teams": _("Rescue teams"), "depots": _("Depots and resources"), "experts": _("Experts")}
    return render(
        request,
        "emergency/register.html",
        _ctx(request, name, name=name, title=titles[name], page=page, form=form, q=q),
    )


# --- duty roster -----------------------------------------------------------------------------------------------------


@login_required
def duty(request):
    from anjian.core.models import Person

    form = forms.ShiftForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        done = False
        if action == "create" and form.is_valid():
            data = form.cleaned_data
            people = {
                p.username: p
                for p in Person.objects.filter(
                    organisation_id=request.user.organisation_id, username__in=[data["officer"], data["leader"]]
                )
            }
            if data["officer"] not in people:
                form.add_error(
                    "officer", _("There is no person %(username)s in this bureau.") % {"username": data["officer"]}
                )
            elif data["leader"] and data["leader"] not in people:
                form.add_error(
                    "leader", _("There is no person %(username)s in this bureau.") % {"username": data["leader"]}
                )
            else:
                done = service_call(
                    request,
                    form,
                    lambda: services.shift_create(
                        request.user,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        officer=people[data["officer"]],
                        leader=people.get(data["leader"]),
                    ),
                    _("Shift added."),
                )
        elif action in ("handover", "receive"):
            shift = _found(selectors._get, selectors.shifts_visible_to(request.user), request.POST.get("shift"))
            if action == "handover":
                done = service_call(
                    request,
                    None,
                    lambda: services.shift_hand_over(request.user, shift, notes=request.POST.get("notes", "")),
                    _("Shift handed over."),
                )
            else:
                done = service_call(
                    request, None, lambda: services.shift_receive(request.user, shift), _("Handover received.")
                )
        if done:
            return redirect("emergency-duty")
    shifts = selectors.shifts_visible_to(request.user).filter(ends_at__gte=timezone.now() - timezone.timedelta(days=7))[
        :60
    ]
    return render(
        request,
        "emergency/duty.html",
        _ctx(
            request,
            "duty",
            shifts=shifts,
            form=form,
            now=timezone.now(),
            current=selectors.on_duty_now(request.user, timezone.now()),
        ),
    )


# --- road network ----------------------------------------------------------------------------------------------------


@login_required
def roads(request):
    from anjian.enterprises.importing import check_small_upload, read_upload

    form = forms.NetworkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def run():
            tables = []
            for field in ("places", "segments"):
                upload = form.cleaned_data[field]
                check_small_upload(upload)
                tables.append(read_upload(upload.name, upload.read()))
            services.network_import(
                request.user,
                *tables,
                approximate=form.cleaned_data["approximate"],
                source=form.cleaned_data["source"],
            )

        if service_call(request, form, run, _("Road network imported.")):
            return redirect("emergency-roads")
    route = None
    a, b = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    if a and b:
        from anjian.emergency import routing

        ends = {p.code: p for p in Place.objects.filter(code__in=[a, b])}
        if a in ends and b in ends:
            [r] = network.rank(
                routing.Point(ends[b].lat, ends[b].lon, ends[b].pk),
                [routing.Candidate(ends[a].pk, ends[a].lat, ends[a].lon, ends[a].pk)],
            )
            names = network.places_named(r.path)
            route = {"r": r, "path": [names[p].name for p in r.path], "a": ends[a], "b": ends[b]}
        else:
            messages.error(request, _("There is no place with that code in the road network."))
    return render(
        request,
        "emergency/roads.html",
        _ctx(
            request,
            "roads",
            form=form,
            network=network.network_row(),
            places=Place.objects.count(),
            segments=RoadSegment.objects.count(),
            closed=RoadSegment.objects.exclude(closed_from="").select_related("from_place", "to_place")[:50],
            all_places=Place.objects.order_by("name").values_list("code", "name"),
            route=route,
            a=a,
            b=b,
        ),
    )


# --- alerts and requests ---------------------------------------------------------------------------------------------


@login_required
def alerts(request):
    incident = None
    if request.GET.get("incident") or request.POST.get("incident"):
        incident = _found(
            selectors.get_incident_for, request.user, request.GET.get("incident") or request.POST.get("incident")
        )
    form = forms.AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        references = data.pop("references")
        if service_call(
            request,
            form,
            lambda: services.alert_create(request.user, incident=incident, references=references, **data),
            _("Alert issued."),
        ):
            return redirect("emergency-alerts")
    page = Paginator(selectors.alerts_visible_to(request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "emergency/alerts.html", _ctx(request, "alerts", page=page, form=form, incident=incident))


@login_required
def requests_inbox(request):
    if request.method == "POST":
        r = _found(selectors.get_request_for, request.user, request.POST.get("request"))
        if service_call(
            request,
            None,
            lambda: services.request_answer(
                request.user, r, status=request.POST.get("status", ""), answer=request.POST.get("answer", "")
            ),
            _("Answer recorded."),
        ):
            return redirect("emergency-requests")
    qs = selectors.requests_visible_to(request.user)
    return render(
        request,
        "emergency/requests.html",
        _ctx(
            request,
            "requests",
            incoming=qs.filter(to_organisation_id=request.user.organisation_id),
            outgoing=qs.filter(from_organisation_id=request.user.organisation_id),
        ),
    )
