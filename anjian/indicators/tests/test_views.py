"""The statistics pages: dashboard with its charts, tables and their xlsx, indicators, returns, targets, bulletin."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.accidents.services import accident_record
from anjian.indicators.models import AggregateReturn, ControlTarget, Denominator
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(world):
    w = world
    w.lhasa_statistician = make_person("lhasa-statistician", w.lhasa, "statistician")
    w.shigatse_statistician = make_person("shigatse-statistician", w.shigatse, "statistician")
    occurred = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    accident_record(
        w.lhasa_statistician,
        occurred_at=occurred,
        head_informed_at=occurred + timedelta(minutes=5),
        received_at=occurred + timedelta(minutes=20),
        division="540102",
        unit_name="单位甲",
        sector="industrial",
        category="10",
        deaths=4,
        missing=0,
        serious_injuries=0,
        minor_injuries=0,
        direct_loss_yuan=0,
        summary="坍塌",
    )
    return w


def test_dashboard_draws_its_charts(client, login, filled):
    login(filled.lhasa_statistician)
    page = client.get("/statistics/", {"year": 2026, "through": 10}).content.decode()
    assert page.count("<svg") >= 4
    assert 'data-testid="deaths-total"' in page and ">4<" in page
    client.logout()
    login(filled.shigatse_statistician)
    page = client.get("/statistics/", {"year": 2026, "through": 10, "division": "540100"}).content.decode()
    assert 'data-testid="deaths-total">0<' in page  # another prefecture: its own figures only


def test_table_page_and_its_xlsx(client, login, filled):
    login(filled.lhasa_statistician)
    page = client.get("/statistics/table/", {"year": 2026, "period": "year", "group": "sector"}).content.decode()
    assert "工矿商贸" in page
    xlsx = client.get("/statistics/table/", {"year": 2026, "period": "year", "group": "sector", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_indicators_page_saves_denominators(client, login, filled):
    login(filled.lhasa_statistician)
    response = client.post(
        "/statistics/indicators/?year=2026", {"division": "540100", "year": 2026, "gdp_100m_yuan": "400"}
    )
    assert response.status_code == 302
    assert Denominator.objects.get().gdp_100m_yuan == 400
    page = client.get("/statistics/indicators/", {"year": 2026}).content.decode()
    assert "0.010" in page  # 4 deaths / 400 亿元
    zero = client.post("/statistics/indicators/?year=2026", {"division": "540100", "year": 2026, "motor_vehicles": "0"})
    assert zero.status_code == 200 and Denominator.objects.get().motor_vehicles is None


def test_returns_page_imports_a_spreadsheet(client, login, filled):
    login(filled.lhasa_statistician)
    content = "division,year,sector,accidents,deaths\n540100,2011,industrial,5,2\n".encode("gb18030")
    upload = SimpleUploadedFile("r.csv", content, content_type="text/csv")
    response = client.post("/statistics/returns/?year=2011", {"form": "file", "file": upload})
    assert response.status_code == 302
    assert AggregateReturn.objects.get().deaths == 2
    page = client.get("/statistics/returns/", {"year": 2011}).content.decode()
    assert "540100" in page


def test_targets_page(client, login, filled):
    login(filled.lhasa_statistician)
    response = client.post("/statistics/targets/?year=2026", {"division": "540100", "year": 2026, "max_deaths": 5})
    assert response.status_code == 302 and ControlTarget.objects.count() == 1
    page = client.get("/statistics/targets/", {"year": 2026}).content.decode()
    assert "<svg" in page and "4 / 5" in page


def test_bulletin_in_chinese_tibetan_and_pdf(client, login, filled):
    login(filled.lhasa_statistician)
    zh = client.get("/statistics/bulletin/", {"year": 2026, "through": 10}).content.decode()
    assert "2026" in zh and "<svg" in zh and "拉萨市" in zh
    bo = client.get("/statistics/bulletin/", {"year": 2026, "through": 10, "lang": "bo"}).content.decode()
    assert 'lang="bo"' in bo and bo != zh
    pdf = client.get("/statistics/bulletin.pdf", {"year": 2026, "through": 10})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_every_table_downloads(client, login, filled):
    import io

    from openpyxl import load_workbook

    from anjian.indicators.services import return_save, target_save

    s = filled.lhasa_statistician
    return_save(s, {"division": "540100", "year": 2012, "sector": "fire", "accidents": 3, "deaths": 1})
    target_save(s, division="540100", year=2026, max_deaths=9)
    login(s)

    def sheet(path, **params):
        response = client.get(path, {**params, "format": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        return [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]

    accidents = sheet("/accidents/")
    assert len(accidents) == 2 and accidents[1][3] == "单位甲" and accidents[1][8] == 4
    returns = sheet("/statistics/returns/", year=2012)
    assert returns[0][:3] == ["division", "division_code", "year"] and returns[1][7] == 1
    # the download is in the columns of the import: it goes back in unchanged
    from anjian.indicators.services import parse_returns_file

    response = client.get("/statistics/returns/", {"year": 2012, "format": "xlsx"})
    assert parse_returns_file("r.xlsx", response.content)[0]["deaths"] == 1
    targets = sheet("/statistics/targets/", year=2026)
    assert targets[1][2:4] == [4, 9]
    indicators = sheet("/statistics/indicators/", year=2026)
    assert indicators[1][1] == 4
