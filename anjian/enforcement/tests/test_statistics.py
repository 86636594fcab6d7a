"""Quarterly and annual hazard statistics, per division, grade and category, with rectification rates."""

import datetime

import time_machine

from anjian.enforcement.hazards import hazard_report, hazard_transition
from anjian.enterprises import services as enterprise_services
from anjian.enterprises.tests.test_api import credit, unit

FEB = datetime.datetime(2026, 2, 10, 10, 0, tzinfo=datetime.UTC)


def make_hazards(world):
    lhasa = enterprise_services.enterprise_create(world.lhasa_inspector, **unit(categories=["construction"]))
    linzhou = enterprise_services.enterprise_create(
        world.lhasa_inspector,
        **unit(name="林周单位", credit_code=credit(3), division="540121", categories=["fireworks"]),
    )
    shigatse = enterprise_services.enterprise_create(
        world.shigatse_inspector, **unit(name="日喀则单位", credit_code=credit(2, "540202"), division="540202")
    )
    with time_machine.travel(FEB, tick=False):
        deadline = datetime.date(2026, 3, 1)
        made = {}
        for key, who, where, grade in [
            ("a", world.lhasa_inspector, lhasa, "general"),
            ("b", world.lhasa_inspector, lhasa, "general"),
            ("c", world.lhasa_inspector, linzhou, "major"),
            ("d", world.shigatse_inspector, shigatse, "general"),
        ]:
            made[key], _ = hazard_report(who, enterprise=where, grade=grade, description=key,
                                         responsible_person="x", deadline=deadline)  # fmt: skip
    with time_machine.travel(datetime.datetime(2026, 2, 20, tzinfo=datetime.UTC), tick=False):
        hazard_transition(world.lhasa_inspector, made["a"], to="closed")
    with time_machine.travel(datetime.datetime(2026, 4, 20, tzinfo=datetime.UTC), tick=False):
        hazard_transition(world.lhasa_inspector, made["b"], to="closed")  # after the first quarter
    return made


def test_the_first_quarter_of_lhasa(world, api):
    make_hazards(world)
    with time_machine.travel(datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)):
        stats = api(world.lhasa_leader).get("/api/v1/hazard-statistics", year=2026, quarter=1).json()
    assert stats["total"]["found"] == 3  # Shigatse's hazard is not Lhasa's
    assert stats["total"]["rectified"] == 1
    assert stats["total"]["overdue"] == 2  # b and c were open past 1 March at the quarter's end
    assert stats["total"]["rectification_rate"] == "33.3"
    by_county = {(r["division_code"], r["grade"]): r for r in stats["by_division"]}
    assert by_county[("540102", "general")]["found"] == 2
    assert by_county[("540102", "general")]["rectification_rate"] == "50.0"
    assert by_county[("540121", "major")]["rectified"] == 0
    categories = {(r["category"], r["grade"]): r["found"] for r in stats["by_category"]}
    assert categories == {("construction", "general"): 2, ("fireworks", "major"): 1}


def test_the_year_rolled_up_to_prefectures_for_the_region(world, api):
    make_hazards(world)
    stats = api(world.region_leader).get("/api/v1/hazard-statistics", year=2026, by="prefecture").json()
    by_prefecture = {(r["division_code"], r["grade"]): r for r in stats["by_division"]}
    assert by_prefecture[("540100", "general")]["rectified"] == 2
    assert by_prefecture[("540100", "general")]["rectification_rate"] == "100.0"
    assert by_prefecture[("540200", "general")]["found"] == 1
    assert stats["total"]["found"] == 4


def test_an_empty_period_and_bad_queries(world, api):
    caller = api(world.lhasa_leader)
    empty = caller.get("/api/v1/hazard-statistics", year=2020).json()
    assert empty["total"]["found"] == 0 and empty["total"]["rectification_rate"] is None
    assert caller.get("/api/v1/hazard-statistics", year=2026, quarter=5).status_code == 422
    assert caller.get("/api/v1/hazard-statistics").status_code == 422


def test_the_statistics_page(world, client, login):
    make_hazards(world)
    login(world.region_leader)
    page = client.get("/hazards/statistics/", {"year": 2026, "by": "prefecture"})
    assert page.status_code == 200
    rows = {(r["division_code"], r["grade"]): r for r in page.context["stats"]["by_division"]}
    assert rows[("540100", "general")]["division_name"] == "拉萨市"
    assert "100.0%" in page.content.decode()
    assert client.get("/hazards/statistics/", {"year": "x", "quarter": "9"}).status_code == 200
