"""Writes of statistics: aggregate returns (entered or imported), denominators, control targets. Each audited."""

import csv
import functools
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anjian.accidents import rules as accident_rules
from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, FormErrors, PermissionDenied
from anjian.core.models import AuditAction, Division, OrganisationKind
from anjian.core.rules import division_prefix
from anjian.core.scope import scope_for
from anjian.core.selectors import ancestry
from anjian.indicators.models import AggregateReturn, ControlTarget, Denominator

MANAGE = "indicators.manage_statistics"
FIRST_YEAR = 1949
RETURN_COUNTS = (
    "accidents",
    "larger_accidents",
    "deaths",
    "missing",
    "serious_injuries",
    "minor_injuries",
    "coal_deaths",
)
MAX_COUNT = 10**7  # people or accidents in one return: far above any real figure, within a 32-bit integer
DENOMINATOR_LIMITS = {
    "gdp_100m_yuan": Decimal(10) ** 9,
    "imc_workers": Decimal(10) ** 9,
    "motor_vehicles": Decimal(10) ** 9,
    "coal_output_tonnes": Decimal(10) ** 13,
}
RETURN_COLUMNS = ("division", "year", "month", "sector", *RETURN_COUNTS, "direct_loss_yuan", "source")


def _manager(actor):
    organisation = actor.organisation
    if organisation is None or organisation.kind != OrganisationKind.BUREAU or not actor.has_perm(MANAGE):
        raise PermissionDenied()
    return organisation


@functools.cache
def division_changes() -> dict[str, str]:
    """Old code → today's code (data/division_changes.csv beside the division list)."""
    path = Path(settings.DIVISIONS_CSV).with_name("division_changes.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["old_code"].strip(): row["new_code"].strip() for row in csv.DictReader(handle)}


def current_division(code: str, field: str = "division") -> Division:
    """Today's division for a code, old codes included: a 2012 figure of 542300 counts for 540200."""
    code = (code or "").strip()
    division = Division.objects.filter(code=division_changes().get(code, code)).first()
    if division is None:
        raise DomainError("division_unknown", field=field, code=code[:6])
    return division


def _in_scope(actor, division: Division, field: str = "division") -> None:
    if not scope_for(actor).contains_division(division.code):
        raise DomainError("division_out_of_scope", field=field, code=division.code)


def _year_month(year, month) -> tuple[int, int | None]:
    today = timezone.localdate()
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise DomainError("year_invalid", field="year", first=FIRST_YEAR, last=today.year)
    if month is not None:
        if not isinstance(month, int) or not 1 <= month <= 12:
            raise DomainError("month_invalid", field="month")
        if (year, month) > (today.year, today.month):
            raise DomainError("period_in_future", field="month")
    return year, month


def _cell_q(division: Division, year: int, month: int | None, sector: str) -> Q:
    """Returns that overlap a cell: the same sector, a division above or below, the same months."""
    prefix = division_prefix(division.code)
    ancestors = [code for code, _level in ancestry(division)]
    place = Q(division_id__in=ancestors) | Q(division__code__startswith=prefix)
    months = Q(year=year) & (Q(month__isnull=True) | Q(month=month) if month is not None else Q())
    return place & months & Q(sector=sector)


def _cell_bounds(year: int, month: int | None):
    import zoneinfo
    from datetime import datetime

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, month or 1, 1, tzinfo=tz)
    end = datetime(year + (month in (None, 12)), (month % 12 + 1) if month else 1, 1, tzinfo=tz)
    return start, end


def reports_in_cell(division_code: str, year: int, month: int | None, sector: str):
    """The individual reports inside a return's cell (its division and below, its months, its sector)."""
    from anjian.accidents.models import Accident

    start, end = _cell_bounds(year, month)
    return Accident.objects.filter(
        division__code__startswith=division_prefix(division_code),
        sector=sector,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )


def return_clean(actor, data: dict) -> dict:
    """One return, checked: every problem names its field."""
    division = current_division(str(data.get("division", "")))
    _in_scope(actor, division)
    year, month = _year_month(data.get("year"), data.get("month"))
    sector = data.get("sector")
    if sector not in accident_rules.SECTORS:
        raise DomainError("sector_unknown", field="sector", sector=sector)
    cleaned = {"division": division, "division_code": str(data["division"]).strip(), "year": year, "month": month}
    cleaned["sector"] = sector
    for name in RETURN_COUNTS:
        value = data.get(name) or 0
        if not isinstance(value, int) or isinstance(value, bool):
            raise DomainError("invalid", field=name)
        if value < 0:
            raise DomainError("count_negative", field=name)
        if value > MAX_COUNT:
            raise DomainError("count_too_large", field=name, max=MAX_COUNT)
        cleaned[name] = value
    if cleaned["larger_accidents"] > cleaned["accidents"]:
        raise DomainError("larger_above_total", field="larger_accidents")
    if cleaned["coal_deaths"] > cleaned["deaths"] or (cleaned["coal_deaths"] and sector != accident_rules.INDUSTRIAL):
        raise DomainError("coal_deaths_invalid", field="coal_deaths")
    try:
        loss = Decimal(str(data.get("direct_loss_yuan") or 0))
    except InvalidOperation:
        raise DomainError("invalid", field="direct_loss_yuan") from None
    if not loss.is_finite() or loss >= Decimal(10) ** 13:
        raise DomainError("invalid", field="direct_loss_yuan")
    if loss < 0:
        raise DomainError("count_negative", field="direct_loss_yuan")
    cleaned["direct_loss_yuan"] = loss.quantize(Decimal("0.01"))
    cleaned["source"] = str(data.get("source") or "").strip()[:300]
    return cleaned


def _store_return(actor, organisation, cleaned: dict) -> tuple[AggregateReturn, bool]:
    division, year, month, sector = cleaned["division"], cleaned["year"], cleaned["month"], cleaned["sector"]
    same = AggregateReturn.objects.filter(division=division, year=year, month=month, sector=sector).first()
    overlapping = AggregateReturn.objects.filter(_cell_q(division, year, month, sector))
    if same is not None:
        overlapping = overlapping.exclude(pk=same.pk)
    clash = overlapping.first()
    if clash is not None:
        raise DomainError(
            "return_overlaps",
            field="division",
            code=clash.division_id,
            period=f"{clash.year}" + (f"-{clash.month:02d}" if clash.month else ""),
        )
    reports = reports_in_cell(division.code, year, month, sector).count()
    if reports and same is None:
        # Returns are for cells with no individual reports; a cell already returned may be corrected.
        raise DomainError("return_covers_reports", field="division", count=reports)
    fields = {k: v for k, v in cleaned.items() if k not in ("division",)}
    fields["covers_reports"] = bool(reports)
    before = snapshot(same) if same else None
    if same is None:
        record = AggregateReturn.objects.create(
            division=division, organisation=organisation, entered_by=actor, **fields
        )
    else:
        for name, value in fields.items():
            setattr(same, name, value)
        same.entered_by, same.entered_at, same.organisation = actor, timezone.now(), organisation
        same.save()
        record = same
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if same is None else AuditAction.UPDATE,
        instance=record,
        object_repr=f"{division.code} {year}-{month or ''} {sector}",
        before=before,
        after=snapshot(record),
        ip=current_ip(),
        division_code=division.code,
        organisation_id=organisation.pk,
    )
    return record, same is None


def return_save(actor, data: dict) -> tuple[AggregateReturn, bool]:
    """Enter the figures of one cell (division, year, month or whole year, sector); the same cell again replaces it."""
    organisation = _manager(actor)
    cleaned = return_clean(actor, data)
    with transaction.atomic():
        return _store_return(actor, organisation, cleaned)


def returns_save_many(actor, rows: list[dict]) -> list[AggregateReturn]:
    """Several returns, all or nothing: every bad row is reported with its line."""
    organisation = _manager(actor)
    errors, cleaned_rows = [], []
    for line, row in enumerate(rows, start=1):
        try:
            cleaned_rows.append(return_clean(actor, row))
        except DomainError as error:
            errors.append((f"{line}.{error.field}" if error.field else str(line), error.code, error.message))
    if errors:
        raise FormErrors(errors)
    saved = []
    with transaction.atomic():
        for line, cleaned in enumerate(cleaned_rows, start=1):
            try:
                saved.append(_store_return(actor, organisation, cleaned)[0])
            except DomainError as error:
                raise FormErrors([(f"{line}.{error.field}", error.code, error.message)]) from None
    return saved


def parse_returns_file(name: str, content: bytes) -> list[dict]:
    """Rows of a returns spreadsheet: xlsx, or csv in UTF-8 or GB18030, with the RETURN_COLUMNS header."""
    from anjian.enterprises.importing import read_upload

    table = read_upload(name, content)
    header = [str(h).strip() for h in table[0]]
    missing = [c for c in ("division", "year", "sector", "accidents", "deaths") if c not in header]
    if missing:
        raise DomainError("file_columns_missing", field="file", columns=", ".join(missing))
    rows = []
    for values in table[1:]:
        if not any(str(v).strip() for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        for name in ("year", "month", *RETURN_COUNTS):
            raw = row.get(name, "")
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            text = str(raw).strip()
            row[name] = int(text) if text.lstrip("-").isdigit() else (None if text == "" else text)
        row["division"] = str(row.get("division", "")).strip().split(".")[0]
        rows.append(row)
    return rows


def mark_returns_covering(accident) -> int:
    """A report recorded inside a returned cell (an accident found late): the return stays the cell's figure and
    the report is left out of the totals; the return is marked so that the statistician sees it."""
    local = timezone.localtime(accident.occurred_at)
    ancestors = [code for code, _level in ancestry(accident.division)]
    return AggregateReturn.objects.filter(
        Q(month__isnull=True) | Q(month=local.month),
        division_id__in=ancestors,
        year=local.year,
        sector=accident.sector,
        covers_reports=False,
    ).update(covers_reports=True)


def return_delete(actor, record: AggregateReturn) -> None:
    """Withdraw a return (a wrong cell, or reports now stand for it); audited."""
    organisation = _manager(actor)
    _in_scope(actor, record.division)
    with transaction.atomic():
        before = snapshot(record)
        pk = record.pk
        record.delete()
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="indicators.aggregatereturn",
            object_id=str(pk),
            object_repr=f"{before['division_id']} {before['year']}-{before['month'] or ''} {before['sector']}",
            before=before,
            ip=current_ip(),
            division_code=before["division_id"],
            organisation_id=organisation.pk,
        )


DENOMINATOR_FIELDS = ("gdp_100m_yuan", "imc_workers", "motor_vehicles", "coal_output_tonnes")


def denominator_save(actor, *, division: str, year: int, source: str = "", **values) -> Denominator:
    """Enter the denominators of a division and year; a value left out keeps what is there; zero is refused."""
    organisation = _manager(actor)
    place = current_division(division)
    _in_scope(actor, place)
    _year_month(year, None)
    given = {k: v for k, v in values.items() if k in DENOMINATOR_FIELDS and v is not None}
    if not given:
        raise DomainError("denominator_empty", field="gdp_100m_yuan")
    for name, value in given.items():
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise DomainError("invalid", field=name) from None
        if not amount.is_finite():
            raise DomainError("invalid", field=name)
        if amount <= 0:
            raise DomainError("denominator_not_positive", field=name)
        if amount >= DENOMINATOR_LIMITS[name]:
            raise DomainError("count_too_large", field=name, max=DENOMINATOR_LIMITS[name])
        if name in ("imc_workers", "motor_vehicles") and amount != amount.to_integral_value():
            raise DomainError("invalid", field=name)

    def apply(record):
        for name, value in given.items():
            setattr(record, name, value)
        record.source = (source or record.source or "")[:300]

    return _save_keyed(
        actor, organisation, Denominator, {"division": place, "year": year}, apply, f"{place.code} {year}"
    )


def target_save(actor, *, division: str, year: int, sector: str = "", max_deaths: int) -> ControlTarget:
    organisation = _manager(actor)
    place = current_division(division)
    _in_scope(actor, place)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise DomainError("year_invalid", field="year", first=FIRST_YEAR, last=timezone.localdate().year + 1)
    if sector and sector not in accident_rules.SECTORS:
        raise DomainError("sector_unknown", field="sector", sector=sector)
    if not isinstance(max_deaths, int) or max_deaths < 0:
        raise DomainError("count_negative", field="max_deaths")
    if max_deaths > MAX_COUNT:
        raise DomainError("count_too_large", field="max_deaths", max=MAX_COUNT)
    keys = {"division": place, "year": year, "sector": sector}

    def apply(record):
        record.max_deaths = max_deaths

    return _save_keyed(actor, organisation, ControlTarget, keys, apply, f"{place.code} {year} {sector}")


def _save_keyed(actor, organisation, model, keys: dict, apply, label: str):
    """Create or change the one row of `model` with these keys, under a row lock, audited before and after."""
    with transaction.atomic():
        existing = model.objects.select_for_update().filter(**keys).first()
        before = snapshot(existing) if existing else None
        record = existing or model(**keys, entered_by=actor)
        apply(record)
        record.entered_by, record.entered_at = actor, timezone.now()
        record.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if existing else AuditAction.CREATE,
            instance=record,
            object_repr=label,
            before=before,
            after=snapshot(record),
            ip=current_ip(),
            division_code=keys["division"].code,
            organisation_id=organisation.pk,
        )
    return record
