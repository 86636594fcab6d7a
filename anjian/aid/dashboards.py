"""Aid dashboards and the annual aid report.

The dashboard shows the aid a person sees: the region's bureau the whole region (with a drill-down per prefecture),
a prefecture's bureau its own area, a supporting unit its own aid. The annual report (print view, PDF, xlsx) gives a
year's flows by form, by receiving bureau and by supporting unit, items and projects by state, the talent of the year,
the reconciliation of transfers against receipts and the bureaus' capability gaps.

Every figure comes from anjian.aid.reports (computed in the database); this module only names, orders, converts to
ten-thousand yuan for display and draws the charts (anjian.indicators.charts)."""

import datetime
import io
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from openpyxl import Workbook

from anjian.aid import capability, oversight, reports, selectors
from anjian.aid.models import Form, ItemStatus, TalentKind
from anjian.aid.views import STATUSES, _ctx, _item_totals
from anjian.core.errors import DomainError, NotFound
from anjian.core.models import Division, DivisionLevel, Organisation, OrganisationKind
from anjian.core.rules import division_prefix, is_division_code
from anjian.core.scope import scope_for
from anjian.core.spreadsheets import safe_row
from anjian.indicators import charts
from anjian.indicators.api import xlsx_response

WAN = Decimal(10000)
MEASURES = ("committed", "transferred", "received", "spent")
TOTALS = (*MEASURES, "in_transit", "unspent")
MILESTONE_STATES = ("planned", "late", "delivered", "accepted")
LANGUAGES = ("zh-hans", "bo", "en")
FIRST_YEAR = 2000
SHEET_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _wan(value) -> Decimal:
    """Yuan as ten-thousand yuan (万元), two decimals, as the statistics pages show money."""
    return (Decimal(value or 0) / WAN).quantize(Decimal("0.01"))


def _unit() -> str:
    return _("10,000 yuan")


# --- labels ----------------------------------------------------------------------------------------------------------


def _measure_labels() -> dict:
    return {
        "committed": _("Committed"),
        "transferred": _("Transferred"),
        "received": pgettext("aid", "Received"),
        "spent": _("Spent"),
        "in_transit": _("In transit"),
        "unspent": _("Unspent"),
    }


def _milestone_labels() -> dict:
    return {
        "planned": _("Planned, not yet due"),
        "late": pgettext("aid", "Late"),
        "delivered": _("Awaiting acceptance"),
        "accepted": _("Accepted"),
    }


def _reconciliation_labels() -> dict:
    return {"matched": pgettext("reconciliation", "Matched"), "in_transit": _("In transit"),
            "overdue": _("Receipt overdue")}  # fmt: skip


def _funds_rows(rows: list[dict], group: str) -> list[dict]:
    """reports.funds_by rows with a readable label (a form's name, an organisation's name, never an id) and the
    figures in ten-thousand yuan: forms in their order, receiving bureaus by division, supporting units by what they
    committed, largest first."""
    if group == "form":
        order = {k: n for n, k in enumerate(Form.values)}
        labels = {k: str(v) for k, v in Form.choices}
        first = {k: f"{n:02d}" for k, n in order.items()}
    else:
        found = Organisation.objects.in_bulk([r["key"] for r in rows])
        labels = {pk: o.name for pk, o in found.items()}
        first = {pk: o.division_id for pk, o in found.items()} if group == "receiver" else {}
    result = []
    for r in rows:
        row = {**r, "label": labels.get(r["key"], str(r["key"]))}
        row["wan"] = {m: _wan(r[m]) for m in MEASURES}
        row["sort"] = (first.get(r["key"], ""), -r["committed"], -r["transferred"], row["label"], str(r["key"]))
        result.append(row)
    result.sort(key=lambda r: r["sort"])
    return result


def _counts(figures: dict, labels) -> list[dict]:
    return [{"key": key, "label": str(label), "count": figures.get(key, 0)} for key, label in labels]


# --- scope -----------------------------------------------------------------------------------------------------------


def _year(value, today: datetime.date) -> int | None:
    """The year asked for (None: everything to date); a year that is not one is ignored."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= today.year else None


def _is_bureau(person) -> bool:
    return scope_for(person).division_prefix is not None


def _division_choices(person) -> list[Division]:
    """Where a person may drill down: a bureau, its own division and the bureaus' divisions (province, prefecture)
    right below it; a supporting unit, the divisions of the bureaus its plans support."""
    scope = scope_for(person)
    if scope.is_empty:
        return []
    if scope.division_prefix is not None:
        own = person.organisation.division
        below = Division.objects.filter(
            parent=own,
            level__in=(DivisionLevel.PROVINCE, DivisionLevel.PREFECTURE),
            organisations__kind=OrganisationKind.BUREAU,
            organisations__is_active=True,
        ).order_by("code")
        return [own, *below]
    _prefix, codes = capability.divisions_readable(person)
    return list(Division.objects.filter(code__in=codes).order_by("code"))


def _drill(person, code: str) -> str:
    """The division drilled into ("" for none); 404 for one outside what the person may see."""
    code = (code or "").strip()
    if not code:
        return ""
    if not is_division_code(code):
        raise Http404
    scope = scope_for(person)
    if scope.division_prefix is not None:
        allowed = scope.contains_division(code)
    else:
        allowed = code in capability.divisions_readable(person)[1]
    if not allowed or not Division.objects.filter(code=code).exists():
        raise Http404
    return code


# --- capability and overdue ------------------------------------------------------------------------------------------


def _gaps(person, code: str, today: datetime.date) -> list[dict]:
    """The capability gaps of the bureaus in view (bureaus only): for a division with prefectures below it (the
    region), the prefectures' table (capability.capability_table); for a prefecture, its own (capability_of). One
    row per bureau and indicator with a target: current value, target, gap and attainment."""
    if not _is_bureau(person):
        return []
    code = code or person.organisation.division_id
    division = Division.objects.filter(code=code).first()
    if division is None:
        return []
    try:
        if division.level in (DivisionLevel.NATIONAL, DivisionLevel.PROVINCE):
            table = capability.capability_table(person, code, today)
            bureaus = [(r["bureau"], r["cells"]) for r in table["rows"]]
        else:
            one = capability.capability_of(person, code, today)
            bureaus = [(one["bureau"], one["indicators"])]
    except (NotFound, DomainError):
        return []
    rows = []
    for bureau, cells in bureaus:
        for cell in cells:
            target = cell["target"]
            if target is None:
                continue
            indicator = cell["indicator"]
            rows.append(
                {
                    "bureau": bureau,
                    "division_code": bureau.division_id,
                    "indicator": indicator,
                    "indicator_name": capability.indicator_name(indicator),
                    "system": indicator.get_system_display(),
                    "unit": indicator.unit,
                    "current": cell["current"],
                    "as_of": cell["as_of"],
                    "target": target.value,
                    "due_on": target.due_on,
                    "gap": cell["gap"],
                    "attainment": cell["attainment"],
                    "percent": _percent(cell["attainment"]),
                    "open": cell["gap"] is None or cell["gap"] > 0,
                }
            )
    return rows


def _percent(share: Decimal | None) -> Decimal | None:
    return None if share is None else (share * 100).quantize(Decimal("0.1"))


def _overdue(person, today: datetime.date, prefix: str | None) -> dict:
    """The number of late steps, milestones and rectifications (oversight.overdue), within the division drilled
    into (a rectification of a whole inspection counts where the inspection is anchored)."""
    found = oversight.overdue(person, today)
    if not prefix:
        return found["counts"]
    rows = [r for r in found["rows"] if r["division_code"].startswith(prefix)]
    counts = {k: sum(1 for r in rows if r["kind"] == k) for k in oversight.KINDS}
    return counts | {"total": len(rows)}


def _reconciliation(person, today: datetime.date) -> dict:
    """How many items with a ledger are matched, in transit or overdue (the same per-item figures as the aid pages,
    one query)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in _item_totals(selectors.items_visible_to(person), today).values():
        counts[row["status"]] += 1
    return counts | {"total": sum(counts.values())}


# --- charts ----------------------------------------------------------------------------------------------------------


def _charts(data: dict) -> dict:
    """The charts of the figures (_figures), money in ten-thousand yuan."""
    unit, empty = _unit(), _("No funds recorded.")
    by_form, by_receiver, by_supporter = data["by_form"], data["by_receiver"], data["by_supporter"]
    return {
        "by_form": charts.composition_chart(
            [(r["label"], float(r["wan"]["committed"])) for r in by_form],
            title=_("Funds committed by form of aid"),
            unit=unit,
            empty_text=empty,
        ),
        "by_receiver": charts.bar_chart(
            [(r["label"], float(r["wan"]["received"])) for r in by_receiver],
            title=_("Funds received by receiving bureau"),
            unit=unit,
            empty_text=empty,
        ),
        "by_supporter": charts.bar_chart(
            [(r["label"], float(r["wan"]["transferred"])) for r in by_supporter],
            title=_("Funds transferred by supporting unit"),
            unit=unit,
            empty_text=empty,
        ),
        "items": charts.bar_chart(
            [(r["label"], r["count"]) for r in data["items"]], title=_("Aid items by status"), horizontal=False
        ),
        "projects": charts.bar_chart(
            [(r["label"], r["count"]) for r in data["projects"]], title=_("Projects by status"), horizontal=False
        ),
        "milestones": charts.bar_chart(
            [(r["label"], r["count"]) for r in data["milestones"]], title=_("Milestones by state"), horizontal=False
        ),
    }


def _figures(raw: dict) -> dict:
    """reports.dashboard / reports.annual figures named and ordered for the pages."""
    return {
        "totals": raw["totals"],
        "totals_wan": {k: _wan(raw["totals"][k]) for k in TOTALS},
        "by_form": _funds_rows(raw["by_form"], "form"),
        "by_receiver": _funds_rows(raw["by_receiver"], "receiver"),
        "by_supporter": _funds_rows(raw["by_supporter"], "supporter"),
        "items": _counts(raw["items"], ItemStatus.choices),
        "projects": _counts(raw["projects"], ItemStatus.choices),
        "milestones": _counts(raw["milestones"], _milestone_labels().items()),
        "milestone_figures": raw["milestones"],
    }


# --- the dashboard ---------------------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """The aid dashboard of the person's scope, for a year or everything to date, drilled into a division."""
    user = request.user
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today)
    code = _drill(user, request.GET.get("division", ""))
    prefix = division_prefix(code) if code else None
    raw = reports.dashboard(user, today, year=year, division_prefix=prefix)
    data = _figures(raw)
    data["item_count"] = raw["item_count"]
    bureau = _is_bureau(user)
    gaps = _gaps(user, code, today) if bureau else []
    place = Division.objects.filter(code=code).first() if code else None
    return render(
        request,
        "aid/dashboard.html",
        _ctx(
            request,
            "dashboard",
            data=data,
            charts=_charts(data),
            labels=_measure_labels(),
            year=year,
            years=range(today.year, today.year - 15, -1),
            report_year=year or today.year,
            division=code,
            place=place,
            division_choices=_division_choices(user),
            bureau=bureau,
            gaps=gaps,
            open_gaps=sum(1 for g in gaps if g["open"]),
            overdue=_overdue(user, today, prefix),
            today=today,
        ),
    )


# --- the annual report -----------------------------------------------------------------------------------------------


def annual_report(person, year: int, today: datetime.date) -> dict:
    """The annual aid report's figures (reports.annual), named, with its charts, the reconciliation count and the
    capability gaps (bureaus), in the active language."""
    raw = reports.annual(person, year, today)
    data = _figures(raw)
    talent = raw["talent"]
    data.update(
        year=year,
        today=today,
        organisation=person.organisation,
        title=_("Annual aid report %(year)s") % {"year": year},
        talent=[{"key": k, "label": str(label), "count": talent.get(k, 0)} for k, label in TalentKind.choices],
        talent_hours=talent.get("hours") or Decimal(0),
        statuses=[
            {"key": i["key"], "label": i["label"], "items": i["count"], "projects": p["count"]}
            for i, p in zip(data["items"], data["projects"], strict=True)
        ],  # fmt: skip
        reconciliation=_reconciliation(person, today),
        reconciliation_labels=_reconciliation_labels(),
        bureau=_is_bureau(person),
        gaps=_gaps(person, "", today),
        labels=_measure_labels(),
        unit=_unit(),
    )
    data["charts"] = _charts(data)
    return data


def _sheet_title(title: str, used: set) -> str:
    base = (title.translate(SHEET_BAD).strip() or "-")[:31]
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def annual_sheets(r: dict) -> list[tuple[str, list, list]]:
    """The report's tables, one sheet each: (title, header, rows); amounts in yuan as the ledger keeps them."""
    labels = r["labels"]
    yuan = [_("%(measure)s (yuan)") % {"measure": labels[m]} for m in MEASURES]
    totals = [[labels[k], r["totals"][k]] for k in TOTALS]
    funds = [[row["label"], *(row[m] for m in MEASURES)] for row in r["by_form"]]
    receivers = [[row["label"], *(row[m] for m in MEASURES)] for row in r["by_receiver"]]
    supporters = [[row["label"], *(row[m] for m in MEASURES)] for row in r["by_supporter"]]
    count = pgettext("count", "Number")
    sheets = [
        (_("Totals"), [_("Funds"), _("Amount (yuan)")], totals),
        (_("Funds by form"), [_("Form of aid"), *yuan], funds),
        (_("Funds by receiving bureau"), [_("Receiving bureau"), *yuan], receivers),
        (_("Funds by supporting unit"), [_("Supporting unit"), *yuan], supporters),
        (_("Items by status"), [_("Status"), count], [[c["label"], c["count"]] for c in r["items"]]),
        (_("Projects by status"), [_("Status"), count], [[c["label"], c["count"]] for c in r["projects"]]),
        (_("Milestones by state"), [_("State"), count], [[c["label"], c["count"]] for c in r["milestones"]]),
        (
            _("Talent"),
            [_("Kind"), count],
            [[t["label"], t["count"]] for t in r["talent"]] + [[_("Training hours"), r["talent_hours"]]],
        ),
        (
            _("Reconciliation"),
            [_("Status"), count],
            [[str(r["reconciliation_labels"][s]), r["reconciliation"][s]] for s in STATUSES],
        ),
    ]
    if r["bureau"]:
        sheets.append(
            (
                _("Capability gaps"),
                [
                    _("Bureau"),
                    _("System"),
                    _("Indicator"),
                    _("Unit"),
                    _("Current value"),
                    _("As of"),
                    _("Target"),
                    _("Target date"),
                    _("Gap"),
                    _("Attainment %"),
                ],  # fmt: skip
                [
                    [
                        g["bureau"].name,
                        str(g["system"]),
                        g["indicator_name"],
                        g["unit"],
                        g["current"],
                        g["as_of"],
                        g["target"],
                        g["due_on"],
                        g["gap"],
                        g["percent"],
                    ]  # fmt: skip
                    for g in r["gaps"]
                ],
            )
        )
    return sheets


def annual_xlsx(r: dict) -> bytes:
    """One sheet per table, each cell through safe_row: a name starting like a formula stays text."""
    book = Workbook(write_only=True)
    used: set = set()
    for title, header, rows in annual_sheets(r):
        sheet = book.create_sheet(_sheet_title(title, used))
        sheet.append(safe_row(header))
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def annual(request, year: int, fmt: str = "html"):
    """The annual aid report of the person's scope: print view (Chinese unless ?lang=bo|en), PDF or xlsx."""
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise Http404
    language = request.GET.get("lang", "zh-hans")
    if language not in LANGUAGES:
        raise Http404
    with override(language):
        report = annual_report(request.user, year, today)
        if fmt == "xlsx":
            return xlsx_response(annual_xlsx(report), f"aid-annual-{year}.xlsx")
        html = render_to_string(
            "aid/annual.html",
            {"r": report, "language": language, "languages": LANGUAGES, "previous": year - 1 if year > FIRST_YEAR
             else None, "next": year + 1 if year < today.year else None},
            request=request,
        )  # fmt: skip
    if fmt == "pdf":
        from weasyprint import HTML

        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="aid-annual-{year}.pdf"'
        return response
    return HttpResponse(html)
