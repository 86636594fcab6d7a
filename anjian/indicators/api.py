"""The statistics API: tables by period and group, relative indicators, denominators, returns, control targets."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anjian.accidents import rules as accident_rules
from anjian.core.api import ERRORS, Page
from anjian.core.errors import DomainError
from anjian.core.schemas import InputSchema
from anjian.indicators import exports, rules, services, statistics

router = Router(tags=["statistics"])

SectorName = Literal[accident_rules.SECTORS]  # type: ignore[valid-type]
Group = Literal[statistics.GROUPS]  # type: ignore[valid-type]


class PeriodQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="the year (default: this year)")
    month: int | None = Field(None, ge=1, le=12, description="one month of the year")
    quarter: int | None = Field(None, ge=1, le=4, description="one quarter of the year")
    through: int | None = Field(None, ge=1, le=12, description="the year to date, through this month")
    plan: Literal[tuple(rules.PLAN_PERIODS)] | None = Field(  # type: ignore[valid-type]
        None, description="a five-year plan period: 11th (2006–2010) … 15th (2026–2030)"
    )
    group: Group = Field("division", description="rows by division (the level below), sector, … or time")
    division: str = Field("", pattern=r"^(\d{6})?$", description="a division in scope (default: the caller's)")
    sector: SectorName | Literal[""] = ""
    industry: Literal[accident_rules.INDUSTRIES + ("",)] = ""  # type: ignore[valid-type]
    category: Literal[tuple(accident_rules.CATEGORIES) + ("",)] = ""  # type: ignore[valid-type]


def period_of(query) -> rules.Period:
    if query.plan:
        return rules.plan_period(query.plan)
    year = query.year or timezone.localdate().year
    chosen = [name for name in ("month", "quarter", "through") if getattr(query, name)]
    if len(chosen) > 1:
        raise DomainError("period_invalid", field=chosen[1], reason="month, quarter or through: one only")
    if query.month:
        return rules.month(year, query.month)
    if query.quarter:
        return rules.quarter(year, query.quarter)
    if query.through:
        return rules.year_to_date(year, query.through)
    return rules.year_period(year)


def division_of(request, code: str) -> str:
    """The division asked for, in the caller's scope; default: the caller's bureau's division."""
    from anjian.core.scope import scope_for

    scope = scope_for(request.auth)
    if not code:
        organisation = request.auth.organisation
        return organisation.division_id if organisation is not None and organisation.kind == "bureau" else ""
    if not scope.contains_division(code):
        raise DomainError("division_out_of_scope", field="division", code=code)
    return code


class Measures(Schema):
    accidents: int
    larger_accidents: int = Field(description="larger, major and especially major accidents")
    deaths: int = Field(description="the dead, and the missing once their window has closed")
    missing: int = Field(description="missing while their window is open")
    serious_injuries: int
    minor_injuries: int
    direct_loss_yuan: Decimal
    coal_deaths: int


class Changes(Schema):
    accidents: Decimal | None
    larger_accidents: Decimal | None
    deaths: Decimal | None
    missing: Decimal | None
    serious_injuries: Decimal | None
    minor_injuries: Decimal | None
    direct_loss_yuan: Decimal | None
    coal_deaths: Decimal | None


class Row(Measures):
    key: str = Field(description="division code, sector, industry, category code, or 2026-03 / 2026Q1 / 2026")
    label: str
    last_year: Measures = Field(description="the same period (and key) a year before")
    yoy: Changes = Field(description="year-on-year change in percent (null: nothing to compare with)")
    previous_period: Measures | None = Field(description="total only: the period just before")
    pop: Changes | None = Field(description="total only: period-on-period change in percent")


class TableOut(Schema):
    period: str
    last_year_period: str
    previous_period: str
    group: str
    rows: list[Row]
    total: Row


@router.get("/statistics", response={200: TableOut, **ERRORS})
def get_statistics(request, query: PeriodQuery = Query(...)):
    """Accidents, deaths, missing, injuries and loss, reports and returns combined, with year-on-year change."""
    filters = query.dict(include={"sector", "industry", "category"})
    return statistics.table(
        request.auth, period_of(query), query.group, division=division_of(request, query.division), **filters
    )


@router.get("/statistics.xlsx", response={200: None, **ERRORS})
def get_statistics_xlsx(request, query: PeriodQuery = Query(...)):
    filters = query.dict(include={"sector", "industry", "category"})
    table = statistics.table(
        request.auth, period_of(query), query.group, division=division_of(request, query.division), **filters
    )
    return xlsx_response(exports.table_xlsx(table), f"statistics-{table['period']}.xlsx")


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class Rates(Schema):
    per_100m_gdp: Decimal | None = Field(description="deaths per 100 million yuan of GDP")
    per_100k_imc_workers: Decimal | None = Field(description="IMC deaths per 100,000 IMC workers")
    per_10k_vehicles: Decimal | None = Field(description="road deaths per 10,000 motor vehicles")
    per_mt_coal: Decimal | None = Field(description="coal mine deaths per million tonnes of raw coal")


class Declines(Schema):
    deaths: bool | None
    accidents: bool | None
    larger_accidents: bool | None
    per_100m_gdp: bool | None
    per_100k_imc_workers: bool | None
    per_10k_vehicles: bool | None
    per_mt_coal: bool | None


class IndicatorRow(Schema):
    division: str
    name: str
    whole: bool = Field(description="the chosen division as a whole (the others are the divisions below it)")
    accidents: int
    larger_accidents: int
    deaths: int
    imc_deaths: int
    road_deaths: int
    coal_deaths: int
    last_year: dict
    indicators: Rates
    last_year_indicators: Rates
    declines: Declines = Field(description="the four declines: lower than last year (null: unknown)")
    denominators: dict | None


class IndicatorsOut(Schema):
    year: int
    division: str
    rows: list[IndicatorRow]


@router.get("/indicators", response={200: IndicatorsOut, **ERRORS})
def get_indicators(
    request,
    year: int = Query(None, ge=1950, le=2100),
    division: str = Query("", pattern=r"^(\d{6})?$"),
):
    """The relative indicators of a year from the denominators entered, and the four declines against last year."""
    year = year or timezone.localdate().year
    return statistics.indicators(request.auth, year, division_of(request, division))


class DenominatorIn(InputSchema):
    division: str = Field(pattern=r"^\d{6}$")
    year: int = Field(ge=1949, le=2100)
    gdp_100m_yuan: Decimal | None = Field(None, max_digits=14, decimal_places=4, description="GDP in 亿元")
    imc_workers: int | None = Field(None, le=10**9, description="workers in industry, mining and commerce")
    motor_vehicles: int | None = Field(None, le=10**9)
    coal_output_tonnes: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    source: str = Field("", max_length=300)


class DenominatorOut(Schema):
    division: str = Field(alias="division_id")
    year: int
    gdp_100m_yuan: Decimal | None
    imc_workers: int | None
    motor_vehicles: int | None
    coal_output_tonnes: Decimal | None
    source: str


@router.post("/indicators/denominators", response={200: DenominatorOut, **ERRORS})
def save_denominators(request, payload: DenominatorIn):
    """Enter a division's denominators for a year (a value left out keeps what is there; zero is refused)."""
    return services.denominator_save(request.auth, **payload.dict())


@router.get("/indicators/denominators", response=list[DenominatorOut])
@paginate(Page)
def list_denominators(request, year: int | None = Query(None, ge=1949, le=2100)):
    from anjian.core.scope import scope_for
    from anjian.indicators.models import Denominator

    qs = scope_for(request.auth).filter(
        Denominator.objects.order_by("division_id", "year"), division="division__code", organisation=None
    )
    return qs.filter(year=year) if year else qs


class ReturnIn(InputSchema):
    division: str = Field(pattern=r"^\d{6}$", description="a code of today or of its day (542300 counts for 540200)")
    year: int = Field(ge=1949, le=2100)
    month: int | None = Field(None, ge=1, le=12, description="empty: the whole year")
    sector: SectorName
    accidents: int = Field(ge=0, le=10**7)
    larger_accidents: int = Field(0, ge=0, le=10**7)
    deaths: int = Field(ge=0, le=10**7, description="the dead, the missing beyond the window included")
    missing: int = Field(0, ge=0, le=10**7)
    serious_injuries: int = Field(0, ge=0, le=10**7)
    minor_injuries: int = Field(0, ge=0, le=10**7)
    direct_loss_yuan: Decimal = Field(Decimal(0), ge=0, max_digits=16, decimal_places=2)
    coal_deaths: int = Field(0, ge=0, le=10**7)
    source: str = Field("", max_length=300)


class ReturnOut(Schema):
    id: int
    division: str = Field(alias="division_id")
    division_code: str = Field(description="the code as given")
    year: int
    month: int | None
    sector: str
    accidents: int
    larger_accidents: int
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    direct_loss_yuan: Decimal
    coal_deaths: int
    source: str
    covers_reports: bool = Field(
        description="reports were recorded inside this cell after it: the return counts, they do not"
    )
    entered_at: datetime


@router.post("/statistics/returns", response={201: list[ReturnOut], **ERRORS})
def save_returns(request, payload: list[ReturnIn]):
    """Enter aggregate returns, all or nothing; a cell entered again is replaced."""
    return 201, services.returns_save_many(request.auth, [item.dict() for item in payload])


@router.post("/statistics/returns/import", response={201: list[ReturnOut], **ERRORS})
def import_returns(request, file: UploadedFile = File(...)):
    """Import returns from xlsx or csv (UTF-8 or GB18030) with the columns of POST /statistics/returns."""
    from anjian.enterprises.importing import check_small_upload

    check_small_upload(file)
    rows = services.parse_returns_file(file.name or "", file.read())
    return 201, services.returns_save_many(request.auth, rows)


@router.get("/statistics/returns", response=list[ReturnOut])
@paginate(Page)
def list_returns(request, year: int | None = Query(None, ge=1949, le=2100)):
    """The returns of your area (paginated)."""
    qs = _returns_visible(request.auth)
    return qs.filter(year=year) if year else qs


def _returns_visible(person):
    from anjian.core.scope import scope_for
    from anjian.indicators.models import AggregateReturn

    return scope_for(person).filter(
        AggregateReturn.objects.order_by("year", "month", "division_id", "sector"),
        division="division__code",
        organisation="organisation_id",
    )


@router.delete("/statistics/returns/{return_id}", response={204: None, **ERRORS})
def delete_return(request, return_id: int):
    """Withdraw a return (a wrong cell; or reports now stand for it and should count instead)."""
    from anjian.core.errors import NotFound

    record = _returns_visible(request.auth).filter(pk=return_id).first()
    if record is None:
        raise NotFound()
    services.return_delete(request.auth, record)
    return 204, None


class TargetIn(InputSchema):
    division: str = Field(pattern=r"^\d{6}$")
    year: int = Field(ge=1949, le=2100)
    sector: SectorName | Literal[""] = Field("", description="'' for all sectors")
    max_deaths: int = Field(ge=0, le=10**7)


class TargetOut(Schema):
    division: str
    name: str
    sector: str
    max_deaths: int
    deaths: int
    share: Decimal | None
    elapsed: Decimal = Field(description="the share of the year gone")
    status: Literal["ok", "warning", "reached", "exceeded"]
    ahead_of_pace: bool = Field(description="deaths are a larger share of the cap than the year gone")


@router.post("/targets", response={200: TargetOut, **ERRORS})
def save_target(request, payload: TargetIn):
    """Set a yearly cap on deaths for a division (and a sector)."""
    target = services.target_save(request.auth, **payload.dict())
    for row in statistics.target_progress(request.auth, target.year, target.division_id):
        if row["division"] == target.division_id and row["sector"] == target.sector:
            return row
    raise DomainError("not_found", status=404)


@router.get("/targets", response=list[TargetOut])
def list_targets(request, year: int = Query(None, ge=1949, le=2100), division: str = Query("", pattern=r"^(\d{6})?$")):
    """Progress through the year against each control target in scope."""
    year = year or timezone.localdate().year
    return statistics.target_progress(request.auth, year, division_of(request, division) if division else "")
