"""Capability: the standard catalogue of indicators, targets and values with their history, gaps and attainment
against hand-computed figures, the aid behind an indicator, the table of the prefectures, the refusals (a value
in the future, two on a day, a division without a bureau, another prefecture's division, values out of bounds), who
reads what (Lhasa against Shigatse, Beijing against Jiangsu and Shanghai), and the expert pool."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.aid import capability, services
from anjian.aid.models import Indicator, Measurement, System, Target
from anjian.core.models import AuditEntry, Organisation, OrganisationKind, SupportKind
from conftest import make_person

pytestmark = pytest.mark.django_db
API = "/api/v1"


def day(offset=0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def iso(offset=0) -> str:
    return day(offset).isoformat()


def supporter(name: str, division: str, home: str) -> Organisation:
    return Organisation.objects.create(kind=OrganisationKind.SUPPORTING, support_kind=SupportKind.PROVINCE_BUREAU,
                                       name_zh=name, division_id=division, home_division_id=home)  # fmt: skip


@pytest.fixture
def cap(world, api):
    """The catalogue; Beijing and Jiangsu support Lhasa, Shanghai Shigatse, each with an item naming enforcement
    vehicles; API callers for the personas."""
    w = world
    capability.ensure_indicators()
    w.jiangsu = supporter("江苏省应急管理厅（援藏）", "540100", "320000")
    w.shanghai = supporter("上海市应急管理局（援藏）", "540200", "310000")
    w.jiangsu_aid = make_person("jiangsu-aid", w.jiangsu, "aid")
    w.shanghai_aid = make_person("shanghai-aid", w.shanghai, "aid")
    w.items = {}
    for name, person, receiver in (("beijing", w.beijing_aid, w.lhasa), ("jiangsu", w.jiangsu_aid, w.lhasa),
                                   ("shanghai", w.shanghai_aid, w.shigatse)):  # fmt: skip
        plan = services.plan_create(person, title=f"{name} 规划", starts_on=day(-400), ends_on=day(1400),
                                    receivers=[receiver.pk])  # fmt: skip
        w.items[name] = services.item_create(
            person, plan, form="funds", receiver_id=receiver.pk, title=f"{name} 执法车辆", deadline=day(200),
            supporter_contact="甲", receiver_contact="乙", amount_yuan="500000",
            indicators=["enf_vehicles", "enf_recorders"] if name == "beijing" else ["enf_vehicles"],
        )  # fmt: skip
    w.untagged = services.item_create(w.beijing_aid, w.items["beijing"].plan, form="talent", receiver_id=w.lhasa.pk,
                                      title="无指标", deadline=day(100), supporter_contact="甲",
                                      receiver_contact="乙")  # fmt: skip
    for who in ("beijing_aid", "jiangsu_aid", "shanghai_aid", "lhasa_admin", "shigatse_admin", "region_admin",
                "lhasa_inspector"):  # fmt: skip
        setattr(w, who.split("_")[0] + ("_insp" if who.endswith("inspector") else "") + "_api", api(getattr(w, who)))
    return w


def problem(response):
    body = response.json()
    return response.status_code, body.get("code"), body.get("field")


def measure(caller, code, value, offset, division="540100", **extra):
    body = {"division_code": division, "indicator_code": code, "value": str(value), "as_of": iso(offset)}
    return caller.post(f"{API}/capability/measurements", body | extra)


def target(caller, code, value, offset, division="540100", **extra):
    body = {"division_code": division, "indicator_code": code, "value": str(value), "due_on": iso(offset)}
    return caller.post(f"{API}/capability/targets", body | extra)


def by_code(body):
    return {row["indicator"]["code"]: row for row in body["indicators"]}


def test_the_standard_catalogue_is_created_once(db):
    Indicator.objects.all().delete()  # as a flushed database has it
    assert capability.ensure_indicators() == 12
    assert capability.ensure_indicators() == 0
    assert Indicator.objects.count() == 12
    assert set(Indicator.objects.values_list("system", flat=True)) == set(System.values)
    assert not Indicator.objects.filter(name_zh="").exists()
    assert not Indicator.objects.filter(name_bo="").exists() and not Indicator.objects.filter(name_en="").exists()
    assert Indicator.objects.get(code="enf_staff_ratio").unit == "%"


def test_the_indicators_in_the_readers_language(cap):
    w = cap
    english = w.lhasa_api.__class__(w.lhasa_admin, language="en").get(f"{API}/capability/indicators").json()
    assert len(english) == 12
    assert {i["code"]: i["name"] for i in english}["enf_vehicles"] == "Enforcement vehicles"
    chinese = w.lhasa_api.get(f"{API}/capability/indicators").json()
    assert {i["code"]: i["name"] for i in chinese}["enf_vehicles"] == "执法车辆"


def test_gap_and_attainment_against_hand_computed_figures(cap):
    w = cap
    # Values recorded out of order: the history is by date.
    for value, offset in (("25", -1), ("12", -60), ("18", -30)):
        assert measure(w.lhasa_api, "enf_vehicles", value, offset, source="装备台账").status_code == 201
    assert target(w.region_api, "enf_vehicles", "20", -10).status_code == 200  # past
    assert target(w.region_api, "enf_vehicles", "40", 365, baseline="10").status_code == 200  # the nearest ahead
    assert target(w.region_api, "enf_vehicles", "60", 900).status_code == 200
    measure(w.lhasa_api, "info_reports_on_time", "87.5", -3)
    target(w.region_api, "info_reports_on_time", "95", 100)
    measure(w.lhasa_api, "trn_examiners", "14", -3)
    target(w.region_api, "trn_examiners", "12", -30)  # only past targets: the latest
    target(w.region_api, "trn_examiners", "10", -90)
    measure(w.lhasa_api, "emg_command_centre", "0", -3)
    target(w.region_api, "emg_command_centre", "1", 200)

    body = w.lhasa_api.get(f"{API}/capability/540100").json()
    assert (body["division_code"], body["bureau"]) == ("540100", w.lhasa.pk)
    rows = by_code(body)
    assert len(rows) == 12
    vehicles = rows["enf_vehicles"]
    assert [(h["as_of"], Decimal(h["value"])) for h in vehicles["history"]] == [(iso(-60), 12), (iso(-30), 18),
                                                                               (iso(-1), 25)]  # fmt: skip
    assert [h["change"] and Decimal(h["change"]) for h in vehicles["history"]] == [None, 6, 7]
    assert vehicles["history"][0]["source"] == "装备台账"
    assert (Decimal(vehicles["current"]), vehicles["as_of"]) == (25, iso(-1))
    assert (Decimal(vehicles["target"]["value"]), vehicles["target"]["due_on"]) == (40, iso(365))
    assert Decimal(vehicles["gap"]) == 15  # 40 − 25
    assert Decimal(vehicles["attainment"]) == Decimal("0.5")  # (25 − 10) / (40 − 10)
    reports = rows["info_reports_on_time"]
    assert Decimal(reports["gap"]) == Decimal("7.5")  # 95 − 87.5
    assert Decimal(reports["attainment"]) == Decimal("0.9211")  # 87.5 / 95 = 0.92105…
    examiners = rows["trn_examiners"]
    assert Decimal(examiners["target"]["value"]) == 12 and Decimal(examiners["gap"]) == 0
    assert Decimal(examiners["attainment"]) == 1  # past the target: reached
    centre = rows["emg_command_centre"]
    assert (Decimal(centre["gap"]), Decimal(centre["attainment"])) == (1, 0)
    nothing = rows["sup_experts"]
    assert (nothing["current"], nothing["target"], nothing["gap"], nothing["history"]) == (None, None, None, [])


def test_a_target_set_again_for_its_date_is_replaced_and_audited(cap):
    w = cap
    target(w.region_api, "enf_vehicles", "40", 365)
    again = target(w.region_api, "enf_vehicles", "45", 365, baseline="10")
    assert again.status_code == 200 and Decimal(again.json()["value"]) == 45
    assert Target.objects.count() == 1 and Target.objects.get().baseline == 10
    actions = list(
        AuditEntry.objects.filter(object_type__icontains="target").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_the_page_of_an_indicator_shows_the_aid_behind_it(cap):
    w = cap
    lhasa = by_code(w.lhasa_api.get(f"{API}/capability/540100").json())
    behind = lhasa["enf_vehicles"]["aid"]
    assert sorted(i["supporter"] for i in behind) == sorted([w.beijing.pk, w.jiangsu.pk])
    first = next(i for i in behind if i["supporter"] == w.beijing.pk)
    assert (first["id"], first["receiver"], first["receiver_name"], first["status"], first["form"]) == (
        w.items["beijing"].pk, w.lhasa.pk, w.lhasa.name, "planned", "funds")  # fmt: skip
    assert [i["id"] for i in lhasa["enf_recorders"]["aid"]] == [w.items["beijing"].pk]
    assert lhasa["enf_staff_ratio"]["aid"] == []
    assert w.untagged.pk not in {i["id"] for row in lhasa.values() for i in row["aid"]}
    # A supporting unit reads the capability of the bureau it supports, with only its own aid behind it.
    beijing = by_code(w.beijing_api.get(f"{API}/capability/540100").json())
    assert [i["id"] for i in beijing["enf_vehicles"]["aid"]] == [w.items["beijing"].pk]
    jiangsu = by_code(w.jiangsu_api.get(f"{API}/capability/540100").json())
    assert [i["id"] for i in jiangsu["enf_vehicles"]["aid"]] == [w.items["jiangsu"].pk]
    # The region sees Shigatse's aid on Shigatse's page, not Lhasa's.
    shigatse = by_code(w.region_api.get(f"{API}/capability/540200").json())
    assert [i["id"] for i in shigatse["enf_vehicles"]["aid"]] == [w.items["shanghai"].pk]


def test_who_reads_whose_capability(cap):
    w = cap
    for caller, code, status in (
        (w.lhasa_api, "540100", 200), (w.lhasa_api, "540200", 404), (w.shigatse_api, "540100", 404),
        (w.shigatse_api, "540200", 200), (w.region_api, "540100", 200), (w.region_api, "540200", 200),
        (w.beijing_api, "540100", 200), (w.beijing_api, "540200", 404), (w.jiangsu_api, "540200", 404),
        (w.shanghai_api, "540100", 404), (w.shanghai_api, "540200", 200),
        (w.lhasa_api, "999999", 404), (w.lhasa_api, "abc", 404), (w.lhasa_api, "5401", 404),
    ):  # fmt: skip
        assert w and caller.get(f"{API}/capability/{code}").status_code == status, (code, status)
    # In scope but without a bureau: nothing is kept there.
    assert problem(w.lhasa_api.get(f"{API}/capability/540103"))[:2] == (400, "division_not_bureau")


def test_the_table_of_the_prefectures(cap):
    w = cap
    measure(w.lhasa_api, "enf_vehicles", "12", -60)
    measure(w.lhasa_api, "enf_vehicles", "25", -1)
    target(w.region_api, "enf_vehicles", "40", 365)
    for response in (
        measure(w.shigatse_api, "enf_vehicles", "8", -20, division="540200"),
        target(w.region_api, "enf_vehicles", "30", 365, division="540200"),
        measure(w.shigatse_api, "info_reports_on_time", "100", -2, division="540200"),
        target(w.region_api, "info_reports_on_time", "95", 100, division="540200"),
    ):
        assert response.status_code in (200, 201), response.json()

    table = w.region_api.get(f"{API}/capability/table", division="540000").json()
    assert table["division_code"] == "540000" and len(table["indicators"]) == 12
    # One row per prefecture bureau (Chengguan is a county, below Lhasa).
    assert [r["division_code"] for r in table["rows"]] == ["540100", "540200"]
    assert [r["bureau"] for r in table["rows"]] == [w.lhasa.pk, w.shigatse.pk]
    cells = {(r["division_code"], c["indicator"]): c for r in table["rows"] for c in r["cells"]}
    lhasa = cells[("540100", "enf_vehicles")]
    assert (Decimal(lhasa["current"]), Decimal(lhasa["target"]["value"]), Decimal(lhasa["gap"])) == (25, 40, 15)
    shigatse = cells[("540200", "enf_vehicles")]
    assert (Decimal(shigatse["current"]), Decimal(shigatse["gap"]), Decimal(shigatse["attainment"])) == (
        8, 22, Decimal("0.2667"))  # fmt: skip
    assert Decimal(cells[("540200", "info_reports_on_time")]["gap"]) == 0
    assert cells[("540100", "info_reports_on_time")]["current"] is None
    # The region's own division by default; a prefecture's table lists its county bureaus.
    assert w.region_api.get(f"{API}/capability/table").json()["division_code"] == "540000"
    assert w.region_api.get(f"{API}/capability/table", division="54").json()["division_code"] == "540000"
    lhasa_table = w.lhasa_api.get(f"{API}/capability/table").json()
    assert [r["division_code"] for r in lhasa_table["rows"]] == ["540102"]
    # Not above one's area, not another prefecture's, not for supporting units.
    assert w.lhasa_api.get(f"{API}/capability/table", division="540000").status_code == 404
    assert w.shigatse_api.get(f"{API}/capability/table", division="540100").status_code == 404
    assert w.beijing_api.get(f"{API}/capability/table", division="540100").status_code == 404
    assert w.region_api.get(f"{API}/capability/table", division="abcdef").status_code == 404


def test_bad_input_is_refused_and_nothing_is_kept(cap):
    w = cap
    assert measure(w.lhasa_api, "enf_vehicles", "20", -1).status_code == 201
    assert problem(measure(w.lhasa_api, "enf_vehicles", "20", 1)) == (400, "date_in_future", "as_of")
    assert problem(measure(w.lhasa_api, "enf_vehicles", "21", -1)) == (409, "measurement_exists", "as_of")
    assert problem(measure(w.lhasa_api, "enf_vehicles", "5", -1, division="540103")) == (
        400, "division_not_bureau", "division_code")  # fmt: skip
    assert problem(measure(w.lhasa_api, "enf_vehicles", "5", -1, division="540200")) == (
        403, "division_out_of_scope", "division_code")  # fmt: skip
    assert problem(measure(w.lhasa_api, "enf_vehicles", "5", -1, division="999999"))[:2] == (400, "division_unknown")
    assert problem(measure(w.lhasa_api, "no_such", "5", -1)) == (400, "indicator_unknown", "indicator_code")
    for code, bad in (("enf_vehicles", "-1"), ("enf_vehicles", "2.5"), ("info_reports_on_time", "100.5"),
                      ("emg_command_centre", "2"), ("enf_staff_ratio", "201"), ("info_terminals", "1e13"),
                      ("info_terminals", "3.001")):  # fmt: skip
        assert problem(measure(w.lhasa_api, code, bad, -2)) == (400, "value_invalid", "value"), (code, bad)
    assert measure(w.lhasa_api, "enf_staff_ratio", "104.5", -2).status_code == 201  # past the establishment
    assert problem(target(w.region_api, "enf_vehicles", "-3", 100)) == (400, "value_invalid", "value")
    assert problem(target(w.region_api, "enf_vehicles", "30", 100, baseline="0.5")) == (400, "value_invalid",
                                                                                       "baseline")  # fmt: skip
    assert problem(target(w.lhasa_api, "enf_vehicles", "30", 100, division="540200"))[:2] == (
        403, "division_out_of_scope")  # fmt: skip
    # Who keeps capability: administrators and aid coordinators of a bureau over the division.
    assert problem(measure(w.lhasa_insp_api, "enf_vehicles", "5", -3))[:2] == (403, "permission_denied")
    assert problem(target(w.lhasa_insp_api, "enf_vehicles", "5", 30))[:2] == (403, "permission_denied")
    # A prefecture does not set its own targets; nor does a target lie behind its baseline.
    assert problem(target(w.lhasa_api, "enf_vehicles", "5", 30))[:2] == (403, "target_own")
    assert problem(target(w.region_api, "enf_vehicles", "5", 30, baseline="10")) == (
        400,
        "target_behind_baseline",
        "value",
    )
    assert problem(measure(w.beijing_api, "enf_vehicles", "5", -3))[:2] == (403, "division_out_of_scope")
    assert problem(target(w.jiangsu_api, "enf_vehicles", "5", 30))[:2] == (403, "division_out_of_scope")
    assert measure(w.region_api, "enf_vehicles", "5", -3, division="540200").status_code == 201
    assert Measurement.objects.count() == 3 and not Target.objects.exists()
    assert list(Measurement.objects.filter(indicator__code="enf_vehicles", division_id="540100").values_list(
        "value", flat=True)) == [20]  # fmt: skip


# --- the expert pool -------------------------------------------------------------------------------------------------


def test_the_expert_pool_is_read_within_ones_area(cap):
    from anjian.emergency.models import Expert

    w = cap
    lhasa = Expert.objects.create(organisation=w.lhasa, division_code="540100", name="多吉", lat=29.65, lon=91.1,
                                  specialties="危险化学品, 矿山救援", title="高级工程师", employer="西藏矿业",
                                  phone="0891-1234")  # fmt: skip
    busy = Expert.objects.create(organisation=w.lhasa, division_code="540102", name="卓玛", lat=29.65, lon=91.1,
                                 specialties="建筑施工", available=False)  # fmt: skip
    shigatse = Expert.objects.create(organisation=w.shigatse, division_code="540200", name="平措", lat=29.2,
                                     lon=88.8, specialties="矿山救援")  # fmt: skip

    def names(caller, **params):
        return [e["name"] for e in caller.get(f"{API}/experts", **params).json()["items"]]

    assert names(w.lhasa_api) == ["多吉", "卓玛"]
    assert names(w.shigatse_api) == ["平措"]
    assert sorted(names(w.region_api)) == sorted(["多吉", "卓玛", "平措"])
    assert names(w.beijing_api) == [] and names(w.jiangsu_api) == []
    assert names(w.region_api, field="矿山") == ["多吉", "平措"]
    assert names(w.lhasa_api, available="true") == ["多吉"]
    assert names(w.region_api, division="5402") == ["平措"]
    one = w.lhasa_api.get(f"{API}/experts/{lhasa.pk}").json()
    assert one == {"id": lhasa.pk, "name": "多吉", "fields": ["危险化学品", "矿山救援"], "title": "高级工程师",
                   "employer": "西藏矿业", "qualifications": "", "available": True, "engaged_now": False,
                   "division_code": "540100", "phone": "0891-1234"}  # fmt: skip
    assert w.lhasa_api.get(f"{API}/experts/{busy.pk}").json()["available"] is False
    assert w.lhasa_api.get(f"{API}/experts/{shigatse.pk}").status_code == 404
    assert w.beijing_api.get(f"{API}/experts/{lhasa.pk}").status_code == 404
    assert w.lhasa_api.get(f"{API}/experts/999999").status_code == 404


def test_the_catalogue_is_there_on_every_installation():
    """Loaded by a migration (not only by the demo): a new platform keeps targets from its first day."""
    from anjian.aid.capability import CATALOGUE

    assert set(Indicator.objects.values_list("code", flat=True)) >= {row[0] for row in CATALOGUE}
    assert capability.ensure_indicators() == 0
