"""Statistics against hand-computed tables: reports and returns combined, never twice; indicators; targets; scope."""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.accidents.services import accident_record
from anjian.indicators import rules
from anjian.indicators.models import AggregateReturn
from anjian.indicators.statistics import table
from conftest import make_person

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def stats(world):
    w = world
    w.lhasa_statistician = make_person("lhasa-statistician", w.lhasa, "statistician")
    w.region_statistician = make_person("xizang-statistician", w.region, "statistician")
    w.shigatse_statistician = make_person("shigatse-statistician", w.shigatse, "statistician")
    return w


def record(actor, when, division="540102", sector="industrial", **figures):
    occurred = datetime(*when, tzinfo=TZ)
    values = {"deaths": 0, "missing": 0, "serious_injuries": 0, "minor_injuries": 0, "direct_loss_yuan": 0}
    values.update(figures)
    industry = values.pop("industry", "")
    return accident_record(
        actor,
        occurred_at=occurred,
        head_informed_at=occurred + timedelta(minutes=5),
        received_at=occurred + timedelta(minutes=30),
        division=division,
        unit_name="单位",
        sector=sector,
        industry=industry if sector == "industrial" else "",
        category="02" if sector == "road_traffic" else "10",
        summary="事故",
        **values,
    )[0]


def test_table_by_sector_with_year_on_year(stats):
    w = stats
    s = w.lhasa_statistician
    record(s, (2026, 2, 3, 10), deaths=2, direct_loss_yuan=100)
    record(s, (2026, 3, 9, 10), deaths=1, serious_injuries=4)
    record(s, (2026, 3, 20, 10), sector="road_traffic", deaths=3)
    record(s, (2025, 2, 1, 10), deaths=4)
    record(s, (2025, 7, 1, 10), deaths=9)  # outside Jan–Mar
    result = table(s, rules.quarter(2026, 1), "sector", division="540100")
    rows = {r["key"]: r for r in result["rows"]}
    assert (rows["industrial"]["accidents"], rows["industrial"]["deaths"]) == (2, 3)
    assert rows["industrial"]["serious_injuries"] == 4
    assert rows["industrial"]["direct_loss_yuan"] == Decimal("100.00")
    assert rows["industrial"]["last_year"]["deaths"] == 4
    assert rows["industrial"]["yoy"]["deaths"] == Decimal("-25.0")
    assert (rows["road_traffic"]["deaths"], rows["road_traffic"]["larger_accidents"]) == (3, 1)
    assert rows["road_traffic"]["yoy"]["deaths"] is None  # nothing last year to compare with
    assert result["total"]["deaths"] == 6 and result["total"]["accidents"] == 3
    assert result["last_year_period"] == "2025Q1" and result["previous_period"] == "2025Q4"
    assert result["total"]["previous_period"]["deaths"] == 0


def test_missing_count_as_dead_once_the_window_closes(stats):
    s = stats.lhasa_statistician
    record(s, (2026, 1, 5, 10), deaths=1, missing=2)  # window closed long ago
    result = table(s, rules.year_period(2026), "none", division="540100")
    assert (result["total"]["deaths"], result["total"]["missing"]) == (3, 0)


def test_returns_by_old_codes_roll_up_into_todays_divisions(stats, api):
    w = stats
    body = [
        {"division": "542300", "year": 2012, "sector": "industrial", "accidents": 7, "deaths": 5},  # 日喀则地区
        {
            "division": "542301",
            "year": 2012,
            "sector": "road_traffic",
            "accidents": 3,
            "deaths": 2,
        },  # 日喀则市 → 540202
        {"division": "540100", "year": 2012, "month": 6, "sector": "industrial", "accidents": 2, "deaths": 1},
    ]
    response = api(w.region_statistician).post("/api/v1/statistics/returns", body)
    assert response.status_code == 201, response.json()
    assert [r["division"] for r in response.json()] == ["540200", "540202", "540100"]
    result = api(w.region_statistician).get("/api/v1/statistics", year=2012, group="division").json()
    rows = {r["key"]: r for r in result["rows"]}
    assert rows["540200"]["deaths"] == 7 and rows["540200"]["accidents"] == 10
    assert rows["540100"]["deaths"] == 1
    assert rows["540200"]["label"] == "日喀则市"
    # a return for the whole of 540200 and one for its county overlap only by sector: road vs industrial
    clash = api(w.region_statistician).post(
        "/api/v1/statistics/returns",
        [{"division": "540202", "year": 2012, "month": 3, "sector": "industrial", "accidents": 1, "deaths": 1}],
    )
    assert clash.status_code == 400 and clash.json()["code"] == "return_overlaps"
    assert AggregateReturn.objects.count() == 3


def test_a_return_is_the_figure_of_its_cell_and_nothing_counts_twice(stats, api):
    from anjian.indicators.services import return_save

    w = stats
    s = w.lhasa_statistician
    return_save(s, {"division": "540100", "year": 2025, "sector": "industrial", "accidents": 6, "deaths": 10})
    return_save(s, {"division": "540100", "year": 2025, "sector": "road_traffic", "accidents": 4, "deaths": 2})
    assert table(s, rules.year_period(2025), "none", division="540100")["total"]["deaths"] == 12
    # an accident of 2025 found late: the return stays the cell's figure, the report is not counted twice
    record(s, (2025, 5, 1, 9), deaths=1)
    assert table(s, rules.year_period(2025), "none", division="540100")["total"]["deaths"] == 12
    assert table(w.region_statistician, rules.year_period(2025), "none", division="540000")["total"]["deaths"] == 12
    industrial = AggregateReturn.objects.get(sector="industrial")
    assert industrial.covers_reports and industrial.deaths == 10
    # the statistician corrects the return to include it
    return_save(s, {"division": "540100", "year": 2025, "sector": "industrial", "accidents": 7, "deaths": 11})
    assert table(s, rules.year_period(2025), "none", division="540100")["total"]["deaths"] == 13
    # or withdraws it, and the reports count instead
    assert api(w.shigatse_statistician).delete(f"/api/v1/statistics/returns/{industrial.pk}").status_code == 404
    assert api(s).delete(f"/api/v1/statistics/returns/{industrial.pk}").status_code == 204
    assert table(s, rules.year_period(2025), "none", division="540100")["total"]["deaths"] == 3


def test_a_return_where_reports_exist_is_refused(stats, api):
    s = stats.lhasa_statistician
    record(s, (2024, 3, 1, 9), sector="fire", deaths=2)
    body = [{"division": "540100", "year": 2024, "sector": "fire", "accidents": 5, "deaths": 4}]
    response = api(s).post("/api/v1/statistics/returns", body)
    assert response.status_code == 400 and response.json()["code"] == "return_covers_reports"
    # a month without reports is fine, and so is another sector
    ok = [
        {"division": "540100", "year": 2024, "month": 4, "sector": "fire", "accidents": 1, "deaths": 1},
        {"division": "540100", "year": 2024, "sector": "road_traffic", "accidents": 9, "deaths": 7},
    ]
    assert api(s).post("/api/v1/statistics/returns", ok).status_code == 201
    assert table(s, rules.year_period(2024), "none", division="540100")["total"]["deaths"] == 10


def test_huge_counts_are_refused_clearly(stats, api):
    s = stats.lhasa_statistician
    body = [{"division": "540100", "year": 2013, "sector": "fire", "accidents": 1, "deaths": 1}]
    assert api(s).post("/api/v1/statistics/returns", [{**body[0], "deaths": 3 * 10**9}]).status_code == 422
    from anjian.indicators.services import parse_returns_file

    rows = parse_returns_file("r.csv", b"division,year,sector,accidents,deaths\n540100,2013,fire,3000000000,1\n")
    from anjian.core.errors import DomainError
    from anjian.indicators.services import returns_save_many

    with pytest.raises(DomainError) as refused:
        returns_save_many(s, rows)
    assert refused.value.errors[0][:2] == ("1.accidents", "count_too_large")
    big = api(s).post("/api/v1/indicators/denominators", {"division": "540100", "year": 2013, "imc_workers": 10**9})
    assert big.status_code in (400, 422)


def test_monthly_trend_and_quarters(stats):
    s = stats.lhasa_statistician
    record(s, (2026, 1, 5, 10), deaths=1)
    record(s, (2026, 1, 31, 23, 30), deaths=1)  # 23:30 in Lhasa's official time is still January
    record(s, (2026, 4, 1, 0, 30), deaths=2)
    months = {r["key"]: r["deaths"] for r in table(s, rules.year_period(2026), "month", division="540100")["rows"]}
    assert months == {"2026-01": 2, "2026-04": 2}
    quarters = {r["key"]: r["deaths"] for r in table(s, rules.year_period(2026), "quarter", division="540100")["rows"]}
    assert quarters == {"2026Q1": 2, "2026Q2": 2}


def test_indicators_and_four_declines(stats, api):
    w = stats
    s = w.lhasa_statistician
    record(s, (2026, 2, 1, 10), deaths=3, industry="coal_mine")
    record(s, (2026, 2, 2, 10), sector="road_traffic", deaths=2)
    record(s, (2025, 2, 1, 10), deaths=10)
    denominators = {"division": "540100", "year": 2026, "gdp_100m_yuan": "250", "imc_workers": 60000}
    response = api(s).post("/api/v1/indicators/denominators", {**denominators, "motor_vehicles": 40000})
    assert response.status_code == 200, response.json()
    api(s).post(
        "/api/v1/indicators/denominators", {"division": "540100", "year": 2026, "coal_output_tonnes": "1500000"}
    )
    api(s).post("/api/v1/indicators/denominators", {"division": "540100", "year": 2025, "gdp_100m_yuan": "230"})
    body = api(s).get("/api/v1/indicators", year=2026, division="540100").json()
    whole = next(r for r in body["rows"] if r["whole"])
    assert whole["deaths"] == 5 and whole["imc_deaths"] == 3 and whole["road_deaths"] == 2
    assert Decimal(whole["indicators"]["per_100m_gdp"]) == Decimal("0.020")  # 5 / 250
    assert Decimal(whole["indicators"]["per_100k_imc_workers"]) == Decimal("5.000")  # 3 / 60000 × 1e5
    assert Decimal(whole["indicators"]["per_10k_vehicles"]) == Decimal("0.500")  # 2 / 40000 × 1e4
    assert Decimal(whole["indicators"]["per_mt_coal"]) == Decimal("2.000")  # 3 / 1.5 Mt
    assert whole["declines"]["deaths"] is True and whole["declines"]["accidents"] is False
    assert whole["declines"]["per_100m_gdp"] is True  # 0.020 < 10 / 230
    assert whole["declines"]["per_10k_vehicles"] is None  # no vehicles entered for 2025
    zero = api(s).post("/api/v1/indicators/denominators", {"division": "540100", "year": 2026, "motor_vehicles": 0})
    assert zero.status_code == 400 and zero.json()["code"] == "denominator_not_positive"


def test_indicators_of_a_county_list_it_once(stats, api):
    record(stats.lhasa_statistician, (2026, 2, 1, 10), deaths=2)
    rows = api(stats.lhasa_statistician).get("/api/v1/indicators", year=2026, division="540102").json()["rows"]
    assert [(r["division"], r["whole"], r["deaths"]) for r in rows] == [("540102", True, 2)]


def test_dashboard_targets_count_through_the_chosen_month(stats):
    from anjian.indicators.services import target_save
    from anjian.indicators.statistics import dashboard

    s = stats.lhasa_statistician
    record(s, (2026, 2, 3, 10), deaths=2)
    record(s, (2026, 9, 3, 10), deaths=5)
    target_save(s, division="540100", year=2026, max_deaths=10)
    data = dashboard(s, 2026, "540100", through=3)
    assert data["total"]["deaths"] == 2 and data["targets"][0]["deaths"] == 2
    assert dashboard(s, 2026, "540100", through=10)["targets"][0]["deaths"] == 7


def test_control_targets_warn_as_the_cap_nears(stats, api):
    s = stats.lhasa_statistician
    for day in range(1, 9):
        record(s, (2026, 3, day, 10), deaths=1)
    target = api(s).post("/api/v1/targets", {"division": "540100", "year": 2026, "max_deaths": 10}).json()
    assert (target["deaths"], target["status"]) == (8, "warning")
    target = api(s).post("/api/v1/targets", {"division": "540100", "year": 2026, "max_deaths": 8}).json()
    assert target["status"] == "reached"
    road = api(s).post(
        "/api/v1/targets", {"division": "540100", "year": 2026, "sector": "road_traffic", "max_deaths": 5}
    )
    assert (road.json()["deaths"], road.json()["status"]) == (0, "ok")
    assert rules.target_status(11, 10) == "exceeded" and rules.target_status(7, 10) == "ok"


def test_scope_of_statistics(stats, api):
    w = stats
    for path in ("/api/v1/statistics", "/api/v1/indicators", "/api/v1/targets"):
        assert api(w.beijing_aid).get(path, year=2026).status_code == 200  # a supporting unit: nothing, no error
    record(w.lhasa_statistician, (2026, 3, 1, 10), deaths=2)
    assert api(w.shigatse_statistician).get("/api/v1/statistics", year=2026).json()["total"]["deaths"] == 0
    refused = api(w.shigatse_statistician).get("/api/v1/statistics", year=2026, division="540100")
    assert refused.status_code == 400 and refused.json()["code"] == "division_out_of_scope"
    assert api(w.region_statistician).get("/api/v1/statistics", year=2026).json()["total"]["deaths"] == 2
    bad = api(w.shigatse_statistician).post(
        "/api/v1/statistics/returns",
        [{"division": "540100", "year": 2012, "sector": "fire", "accidents": 1, "deaths": 0}],
    )
    assert bad.status_code == 400 and bad.json()["field"] == "1.division"
    assert (
        api(w.lhasa_inspector)
        .post("/api/v1/targets", {"division": "540100", "year": 2026, "max_deaths": 3})
        .status_code
        == 403
    )


def test_import_of_a_gb18030_csv_all_or_nothing(stats, api):
    w = stats
    text = (
        "division,year,month,sector,accidents,deaths,source\n"
        "540100,2010,,industrial,4,3,年报\n"
        "540200,2010,,fire,1,1,年报\n"
    )
    upload = SimpleUploadedFile("returns.csv", text.encode("gb18030"), content_type="text/csv")
    response = api(w.region_statistician).client_post_file("/api/v1/statistics/returns/import", upload)
    assert response.status_code == 201, response.json()
    assert AggregateReturn.objects.get(division_id="540100").source == "年报"
    bad = text.replace("540200,2010,,fire,1,1", "540200,2010,,fire,1,-1")
    upload = SimpleUploadedFile("returns.csv", bad.encode("gb18030"), content_type="text/csv")
    response = api(w.region_statistician).client_post_file("/api/v1/statistics/returns/import", upload)
    assert response.status_code == 400 and response.json()["field"] == "2.deaths"
    assert AggregateReturn.objects.count() == 2


def test_statistics_xlsx(stats, api):
    from openpyxl import load_workbook

    record(stats.lhasa_statistician, (2026, 3, 1, 10), deaths=2)
    response = api(stats.lhasa_statistician).get("/api/v1/statistics.xlsx", year=2026, group="sector")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    industrial = next(row for row in values if row[0] == "industrial")
    assert industrial[2] == 1 and industrial[8] == 2  # accidents, deaths


@pytest.mark.parametrize(
    ("period", "yoy", "pop"),
    [
        (rules.month(2026, 1), "2025-01", "2025-12"),
        (rules.quarter(2026, 1), "2025Q1", "2025Q4"),
        (rules.year_period(2026), "2025", "2025"),
        (rules.plan_period("14th"), "2016–2020", "2016–2020"),
    ],
)
def test_periods(period, yoy, pop):
    assert rules.same_period_last_year(period).label() == yoy
    assert rules.previous_period(period).label() == pop


def test_plan_periods_and_changes():
    assert rules.plan_of(2010) == "11th" and rules.plan_of(2011) == "12th" and rules.plan_of(2026) == "15th"
    assert rules.change(90, 100) == Decimal("-10.0") and rules.change(5, 0) is None
    assert rules.deaths_per_10k_vehicles(1, 0) is None


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("returns.xlsx", b"PK\x03\x04 not really a workbook", "import_unreadable"),
        ("returns.pdf", b"%PDF-1.4", "import_file_type"),
        ("returns.csv", b"", "import_empty"),
    ],
)
def test_unreadable_return_files_are_refused_clearly(stats, api, name, content, code):
    upload = SimpleUploadedFile(name, content)
    response = api(stats.region_statistician).client_post_file("/api/v1/statistics/returns/import", upload)
    assert response.status_code == 400 and (response.json()["field"], response.json()["code"]) == ("file", code)
    assert AggregateReturn.objects.count() == 0


def test_a_prefecture_counts_its_reports_under_a_regional_return_it_cannot_see(stats):
    from anjian.indicators.services import return_save

    w = stats
    return_save(
        w.region_statistician, {"division": "540000", "year": 2024, "sector": "fire", "accidents": 9, "deaths": 6}
    )
    record(w.lhasa_statistician, (2024, 6, 1, 9), sector="fire", deaths=1)  # found later, inside the region's cell
    assert table(w.region_statistician, rules.year_period(2024), "none", division="540000")["total"]["deaths"] == 6
    assert table(w.lhasa_statistician, rules.year_period(2024), "none", division="540100")["total"]["deaths"] == 1
