"""Statistics pages: the dashboard, tables by period and group, indicators, returns, targets, the bulletin."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from anjian.accidents.models import Category, Industry, Sector
from anjian.core.errors import DomainError
from anjian.core.forms import apply_domain_error
from anjian.core.models import Division, OrganisationKind
from anjian.core.scope import scope_for
from anjian.indicators import bulletin, charts, exports, rules, services, statistics
from anjian.indicators.api import xlsx_response
from anjian.indicators.models import AggregateReturn, Denominator

GROUP_LABELS = {
    "division": gettext_lazy("Division"),
    "sector": gettext_lazy("Sector"),
    "industry": gettext_lazy("Industry"),
    "category": gettext_lazy("Category"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}


def _int(value, low, high, default):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _division(request) -> str:
    """The division asked for when it is in scope; else the person's own (a bureau's division)."""
    code = request.GET.get("division", "")
    scope = scope_for(request.user)
    if code and scope.contains_division(code) and Division.objects.filter(code=code).exists():
        return code
    organisation = request.user.organisation
    return organisation.division_id if organisation and organisation.kind == OrganisationKind.BUREAU else ""


def _division_choices(request) -> list:
    organisation = request.user.organisation
    if organisation is None or organisation.kind != OrganisationKind.BUREAU:
        return []
    own = organisation.division
    below = Division.objects.filter(parent=own).exclude(level="county" if own.level == "national" else "")
    return [own, *below]


def _filters(request) -> dict:
    today = timezone.localdate()
    year = _int(request.GET.get("year"), 2000, today.year, today.year)
    through = _int(request.GET.get("through"), 1, 12, 12 if year < today.year else today.month)
    return {"year": year, "through": through, "division": _division(request), "today": today}


def _common(request, f) -> dict:
    return {
        **f,
        "years": range(f["today"].year, 2005, -1),
        "months": range(1, 13),
        "division_choices": _division_choices(request),
    }


@login_required
def dashboard(request):
    f = _filters(request)
    data = statistics.dashboard(request.user, f["year"], f["division"], f["through"])
    year, through = f["year"], f["through"]
    months = data["months"]
    people = pgettext("unit of a count", "people")
    trend = charts.line_chart(
        [str(m) for m in range(1, 13)],
        [
            (str(year - 1), [months[year - 1][m]["deaths"] for m in range(1, 13)]),
            (str(year), [months[year][m]["deaths"] if m <= through else None for m in range(1, 13)]),
        ],
        title=_("Deaths by month"),
        unit=people,
    )
    names = {d.code: d for d in Division.objects.filter(code__in=[r["key"] for r in data["divisions"]])}
    points = [
        {
            "code": r["key"],
            "name": r["label"],
            "lat": float(names[r["key"]].lat) if r["key"] in names and names[r["key"]].lat is not None else None,
            "lon": float(names[r["key"]].lon) if r["key"] in names and names[r["key"]].lon is not None else None,
            "value": r["deaths"],
        }
        for r in data["divisions"]
    ]
    labels = dict(Sector.choices)
    context = {
        **_common(request, f),
        "data": data,
        "trend_chart": trend,
        "map_chart": charts.division_map(points, title=_("Deaths by division"), unit=people),
        "sector_chart": charts.composition_chart(
            [(labels.get(r["key"], r["key"]), r["deaths"]) for r in data["sectors"]],
            title=_("Deaths by sector"),
            unit=people,
            empty_text=_("No deaths."),
        ),
        "change_chart": charts.bar_chart(
            [(r["label"], float(r["yoy"]["deaths"])) for r in data["divisions"] if r["yoy"]["deaths"] is not None],
            title=_("Change in deaths on last year"),
            unit="%",
        ),
        "target_charts": [
            (
                {**t, "sector_label": labels.get(t["sector"], "")},
                charts.progress_bar(t["deaths"], t["max_deaths"], title=t["name"]),
            )
            for t in data["targets"]
        ],
    }
    return render(request, "indicators/dashboard.html", context)


@login_required
def statistics_table(request):
    f = _filters(request)
    get = request.GET
    kind = get.get("period", "through")
    if kind == "month":
        period = rules.month(f["year"], f["through"])
    elif kind == "quarter":
        period = rules.quarter(f["year"], _int(get.get("quarter"), 1, 4, 1))
    elif kind == "plan" and get.get("plan") in rules.PLAN_PERIODS:
        period = rules.plan_period(get["plan"])
    elif kind == "year":
        period = rules.year_period(f["year"])
    else:
        kind, period = "through", rules.year_to_date(f["year"], f["through"])
    group = get.get("group", "division") if get.get("group") in GROUP_LABELS else "division"
    filters = {
        "sector": get.get("sector", "") if get.get("sector") in Sector.values else "",
        "industry": get.get("industry", "") if get.get("industry") in Industry.values else "",
        "category": get.get("category", "") if get.get("category") in Category.values else "",
    }
    table = statistics.table(request.user, period, group, division=f["division"], **filters)
    if get.get("format") == "xlsx":
        return xlsx_response(exports.table_xlsx(table), f"statistics-{table['period']}.xlsx")
    context = {
        **_common(request, f),
        "table": table,
        "kind": kind,
        "group": group,
        "groups": GROUP_LABELS,
        "plans": [(k, rules.PLAN_NAMES_ZH[k]) for k in rules.PLAN_PERIODS],
        "plan": get.get("plan", ""),
        "quarter": _int(get.get("quarter"), 1, 4, 1),
        "sectors": Sector.choices,
        "industries": Industry.choices,
        "categories": Category.choices,
        "filters": filters,
        "labels": exports.measure_labels(),
        "query": get.urlencode(),
    }
    return render(request, "indicators/table.html", context)


class DenominatorForm(forms.Form):
    division = forms.CharField(label=gettext_lazy("Division code"), max_length=6)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1949, max_value=2100)
    gdp_100m_yuan = forms.DecimalField(label=gettext_lazy("GDP (100 million yuan)"), required=False, max_digits=14)
    imc_workers = forms.IntegerField(label=gettext_lazy("Workers in industry, mining and commerce"), required=False)
    motor_vehicles = forms.IntegerField(label=gettext_lazy("Motor vehicles"), required=False)
    coal_output_tonnes = forms.DecimalField(label=gettext_lazy("Raw coal output (tonnes)"), required=False)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)


@login_required
def indicators_page(request):
    f = _filters(request)
    form = DenominatorForm(request.POST or None, initial={"division": f["division"], "year": f["year"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.denominator_save(request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    data = statistics.indicators(request.user, f["year"], f["division"])
    if request.GET.get("format") == "xlsx":
        header = [_("Division"), _("Deaths"), _("Accidents"), _("Larger and above")] + [
            str(label) for label in INDICATOR_LABELS.values()
        ]
        rows = [
            [r["name"], r["deaths"], r["accidents"], r["larger_accidents"]]
            + [float(r["indicators"][k]) if r["indicators"][k] is not None else None for k in INDICATOR_LABELS]
            for r in data["rows"]
        ]
        return xlsx_response(exports.rows_xlsx(str(f["year"]), header, rows), f"indicators-{f['year']}.xlsx")
    denominators = scope_for(request.user).filter(
        Denominator.objects.select_related("division").filter(year=f["year"]),
        division="division__code",
        organisation=None,
    )
    context = {
        **_common(request, f),
        "data": data,
        "form": form,
        "labels": INDICATOR_LABELS,
        "denominators": denominators,
    }
    return render(request, "indicators/indicators.html", context)


INDICATOR_LABELS = {
    "per_100m_gdp": gettext_lazy("Deaths per 100 million yuan of GDP"),
    "per_100k_imc_workers": gettext_lazy("Deaths per 100,000 workers in industry, mining and commerce"),
    "per_10k_vehicles": gettext_lazy("Road deaths per 10,000 motor vehicles"),
    "per_mt_coal": gettext_lazy("Coal mine deaths per million tonnes"),
}


class ReturnForm(forms.Form):
    division = forms.CharField(label=gettext_lazy("Division code"), max_length=6)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1949, max_value=2100)
    month = forms.IntegerField(
        label=gettext_lazy("Month"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=gettext_lazy("Empty: the whole year."),
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), choices=Sector.choices)
    accidents = forms.IntegerField(label=gettext_lazy("Accidents"), min_value=0)
    larger_accidents = forms.IntegerField(label=gettext_lazy("Larger and above"), min_value=0, initial=0)
    deaths = forms.IntegerField(label=gettext_lazy("Deaths"), min_value=0)
    missing = forms.IntegerField(label=gettext_lazy("Missing"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label=gettext_lazy("Serious injuries"), min_value=0, initial=0)
    minor_injuries = forms.IntegerField(label=gettext_lazy("Minor injuries"), min_value=0, initial=0)
    direct_loss_yuan = forms.DecimalField(label=gettext_lazy("Direct economic loss (yuan)"), min_value=0, initial=0)
    coal_deaths = forms.IntegerField(label=gettext_lazy("Of which coal mine deaths"), min_value=0, initial=0)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (xlsx or csv)"))


@login_required
def returns_page(request):
    f = _filters(request)
    form = ReturnForm(request.POST if request.POST.get("form") == "one" else None)
    upload = ImportForm(
        request.POST if request.POST.get("form") == "file" else None,
        request.FILES if request.POST.get("form") == "file" else None,
    )
    if request.method == "POST" and request.POST.get("form") == "delete":
        record = (
            scope_for(request.user)
            .filter(AggregateReturn.objects.all(), division="division__code", organisation="organisation_id")
            .filter(pk=_int(request.POST.get("return"), 1, 2**63 - 1, 0))
            .first()
        )
        if record is None:
            raise Http404
        try:
            services.return_delete(request.user, record)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The return has been deleted."))
        return redirect(request.get_full_path())
    if request.method == "POST":
        chosen = form if request.POST.get("form") == "one" else upload
        if chosen.is_valid():
            try:
                if chosen is form:
                    services.return_save(request.user, dict(form.cleaned_data))
                else:
                    from anjian.enterprises.importing import check_small_upload

                    file = upload.cleaned_data["file"]
                    check_small_upload(file)
                    rows = services.parse_returns_file(file.name, file.read())
                    saved = services.returns_save_many(request.user, rows)
                    messages.success(request, _("%(count)s returns imported.") % {"count": len(saved)})
            except DomainError as error:
                apply_domain_error(chosen, error)
                for field, _code, message in getattr(error, "errors", [(error.field, error.code, error.message)]):
                    messages.error(request, f"{field}: {message}" if field else message)
            else:
                if chosen is form:
                    messages.success(request, _("Saved."))
                return redirect(request.get_full_path())
    returns = scope_for(request.user).filter(
        AggregateReturn.objects.select_related("division").filter(year=f["year"]),
        division="division__code",
        organisation="organisation_id",
    )
    if request.GET.get("format") == "xlsx":
        header = ["division", "division_code", "year", "month", "sector", "accidents", "larger_accidents", "deaths"]
        header += ["missing", "serious_injuries", "minor_injuries", "direct_loss_yuan", "coal_deaths", "source"]
        rows = [
            [r.division_id, r.division_code, r.year, r.month, r.sector, r.accidents, r.larger_accidents, r.deaths]
            + [r.missing, r.serious_injuries, r.minor_injuries, float(r.direct_loss_yuan), r.coal_deaths, r.source]
            for r in returns
        ]
        # The columns of the import: a downloaded year can be corrected and imported again.
        return xlsx_response(exports.rows_xlsx(str(f["year"]), header, rows), f"returns-{f['year']}.xlsx")
    context = {**_common(request, f), "returns": returns, "form": form, "upload": upload}
    return render(request, "indicators/returns.html", context)


class TargetForm(forms.Form):
    division = forms.CharField(label=gettext_lazy("Division code"), max_length=6)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1949, max_value=2100)
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector"), choices=[("", gettext_lazy("All sectors")), *Sector.choices], required=False
    )
    max_deaths = forms.IntegerField(label=gettext_lazy("Deaths at most"), min_value=0)


@login_required
def targets_page(request):
    f = _filters(request)
    form = TargetForm(request.POST or None, initial={"division": f["division"], "year": f["year"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    progress = statistics.target_progress(request.user, f["year"], f["division"])
    labels = dict(Sector.choices)
    rows = [
        (
            t,
            labels.get(t["sector"], _("All sectors")),
            charts.progress_bar(t["deaths"], t["max_deaths"], title=t["name"]),
        )
        for t in progress
    ]
    if request.GET.get("format") == "xlsx":
        header = [_("Division"), _("Sector"), _("Deaths"), _("Cap"), _("Share of the cap"), _("Share of the year gone")]
        lines = [
            [t["name"], sector, t["deaths"], t["max_deaths"], float(t["share"] or 0), float(t["elapsed"])]
            for t, sector, _svg in rows
        ]
        return xlsx_response(exports.rows_xlsx(str(f["year"]), header, lines), f"targets-{f['year']}.xlsx")
    return render(request, "indicators/targets.html", {**_common(request, f), "rows": rows, "form": form})


@login_required
def bulletin_page(request, fmt: str = "html"):
    f = _filters(request)
    language = request.GET.get("lang", "zh-hans")
    if language not in ("zh-hans", "bo", "en"):
        raise Http404
    draft = bulletin.draft(request.user, f["year"], f["through"], f["division"], language)
    html = render_to_string("indicators/bulletin.html", {"b": draft, "f": f}, request=request)
    if fmt == "pdf":
        from weasyprint import HTML

        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="bulletin-{f["year"]}-{f["through"]:02d}.pdf"'
        return response
    return HttpResponse(html)
