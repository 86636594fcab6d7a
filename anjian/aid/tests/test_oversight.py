"""Talent and supervision of aid: talent records and their rules (with the hours a trainee attended taken from the
training system), an inspection → its rectification reported done → verified (not before it is done, not twice),
what is overdue grouped per supporting unit and per receiving bureau, and who sees and writes what: Beijing against a
second supporting unit of Lhasa (Jiangsu) and one of Shigatse (Shanghai), Lhasa against Shigatse."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.aid import oversight, services
from anjian.aid.models import AidItem, Inspection, Rectification, TalentRecord
from anjian.core.errors import DomainError
from anjian.core.models import Organisation, OrganisationKind, SupportKind
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


def item(actor, plan, form, receiver, title, *, steps=(), amount="100000"):
    return services.item_create(
        actor, plan, form=form, receiver_id=receiver.pk, title=title, deadline=day(300), supporter_contact="甲",
        receiver_contact="乙", amount_yuan=amount if form in ("funds", "project") else None,
        steps=[{"description": d, "due_on": due} for d, due in steps],
    )  # fmt: skip


@pytest.fixture
def aid(world, api):
    """Beijing and Jiangsu support Lhasa, Shanghai supports Shigatse, each with a plan and items; the aid
    coordinators of each, of Lhasa, Shigatse and the region."""
    w = world
    w.jiangsu = supporter("江苏省应急管理厅（援藏）", "540100", "320000")
    w.shanghai = supporter("上海市应急管理局（援藏）", "540200", "310000")
    w.jiangsu_aid = make_person("jiangsu-aid", w.jiangsu, "aid")
    w.shanghai_aid = make_person("shanghai-aid", w.shanghai, "aid")
    w.lhasa_aid = make_person("lhasa-aid", w.lhasa, "aid")
    w.shigatse_aid = make_person("shigatse-aid", w.shigatse, "aid")
    w.region_aid = make_person("xizang-aid", w.region, "aid")
    w.b_plan = services.plan_create(w.beijing_aid, title="北京援藏规划", starts_on=day(-400), ends_on=day(1400),
                                    receivers=[w.lhasa.pk])  # fmt: skip
    w.j_plan = services.plan_create(w.jiangsu_aid, title="江苏援藏规划", starts_on=day(-400), ends_on=day(1400),
                                    receivers=[w.lhasa.pk])  # fmt: skip
    w.s_plan = services.plan_create(w.shanghai_aid, title="上海援藏规划", starts_on=day(-400), ends_on=day(1400),
                                    receivers=[w.shigatse.pk])  # fmt: skip
    w.b_funds = item(w.beijing_aid, w.b_plan, "funds", w.lhasa, "执法装备资金",
                     steps=[("资金拨付", day(-5)), ("设备采购", day(60))])  # fmt: skip
    w.b_project = item(w.beijing_aid, w.b_plan, "project", w.lhasa, "指挥中心建设")
    w.j_funds = item(w.jiangsu_aid, w.j_plan, "funds", w.lhasa, "培训基地资金", steps=[("选址", day(-3))])
    w.s_project = item(w.shanghai_aid, w.s_plan, "project", w.shigatse, "救援队装备")
    for who in ("beijing_aid", "jiangsu_aid", "shanghai_aid", "lhasa_aid", "shigatse_aid", "region_aid",
                "region_leader", "lhasa_leader", "lhasa_inspector"):  # fmt: skip
        setattr(w, who.replace("_aid", "").replace("_leader", "_lead").replace("_inspector", "_insp") + "_api",
                api(getattr(w, who)))  # fmt: skip
    return w


def problem(response):
    body = response.json()
    return response.status_code, body.get("code"), body.get("field")


def code_of(call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value.status, caught.value.code, caught.value.field


# --- talent ----------------------------------------------------------------------------------------------------------


TALENT = {"kind": "sent", "person_name": "王强", "home": "北京市应急管理局", "post": "拉萨市应急管理局副局长",
          "starts_on": iso(-200), "ends_on": iso(500), "achievements": "建立执法装备标准"}  # fmt: skip


def test_a_supporting_unit_records_its_cadres_for_the_divisions_it_supports(aid):
    w = aid
    made = w.beijing_api.post(f"{API}/aid/talent", TALENT)
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["supporter"], body["division_code"], body["kind"], body["hours"]) == (w.beijing.pk, "540100", "sent",
                                                                                      None)  # fmt: skip
    # Not for a prefecture it does not support, nor for another unit's item.
    assert problem(w.beijing_api.post(f"{API}/aid/talent", TALENT | {"division_code": "540200"})) == (
        403, "division_out_of_scope", "division_code")  # fmt: skip
    assert problem(w.beijing_api.post(f"{API}/aid/talent", TALENT | {"item": w.j_funds.pk}))[:2] == (404, "not_found")
    with_item = w.jiangsu_api.post(f"{API}/aid/talent", TALENT | {"item": w.j_funds.pk, "kind": "exchange"}).json()
    assert (with_item["item"], with_item["supporter"], with_item["division_code"]) == (w.j_funds.pk, w.jiangsu.pk,
                                                                                      "540100")  # fmt: skip


def test_talent_rules(aid):
    w = aid
    post = w.beijing_api.post
    assert problem(post(f"{API}/aid/talent", TALENT | {"ends_on": iso(-201)})) == (
        400,
        "talent_period_invalid",
        "ends_on",
    )
    assert post(f"{API}/aid/talent", TALENT | {"ends_on": TALENT["starts_on"]}).status_code == 201  # one day
    for bad in ("0", "-1", "10000.5", "10001", "1.25"):
        assert problem(post(f"{API}/aid/talent", TALENT | {"kind": "trained", "hours": bad})) == (
            400, "hours_invalid", "hours")  # fmt: skip
    assert post(f"{API}/aid/talent", TALENT | {"kind": "trained", "hours": "10000"}).status_code == 201
    assert code_of(oversight.talent_record, w.beijing_aid, **{**TALENT, "kind": "visiting", "starts_on": day()})[
        :2
    ] == (400, "talent_kind_unknown")
    assert problem(post(f"{API}/aid/talent", TALENT | {"person_name": ""})) == (400, "required", "person_name")
    # Only aid coordinators keep talent records.
    assert problem(w.lhasa_insp_api.post(f"{API}/aid/talent", TALENT))[:2] == (403, "not_aid_keeper")


def test_a_bureau_records_talent_for_its_area_naming_a_supporting_unit_of_it(aid):
    w = aid
    trained = TALENT | {"kind": "trained", "person_name": "次仁", "home": "拉萨市应急管理局",
                        "post": "危化品监管培训班", "hours": "40"}  # fmt: skip
    made = w.lhasa_api.post(f"{API}/aid/talent", trained | {"supporter_id": w.beijing.pk})
    assert made.status_code == 201, made.json()
    assert (made.json()["supporter"], made.json()["division_code"]) == (w.beijing.pk, "540100")
    # Chengguan is in Lhasa's area; Shigatse is not; Shanghai does not support Lhasa; a supporter must be named.
    chengguan = trained | {"supporter_id": w.jiangsu.pk, "division_code": "540102"}
    assert w.lhasa_api.post(f"{API}/aid/talent", chengguan).status_code == 201
    shigatse = trained | {"supporter_id": w.beijing.pk, "division_code": "540200"}
    assert problem(w.lhasa_api.post(f"{API}/aid/talent", shigatse))[:2] == (403, "division_out_of_scope")
    assert problem(w.lhasa_api.post(f"{API}/aid/talent", trained | {"supporter_id": w.shanghai.pk})) == (
        400, "organisation_unknown", "supporter_id")  # fmt: skip
    assert problem(w.lhasa_api.post(f"{API}/aid/talent", trained))[:2] == (400, "organisation_unknown")
    # With an item, the item's supporter; Shigatse cannot name Lhasa's item.
    with_item = w.lhasa_api.post(f"{API}/aid/talent", trained | {"item": w.b_funds.pk}).json()
    assert with_item["supporter"] == w.beijing.pk
    assert problem(w.shigatse_api.post(f"{API}/aid/talent", trained | {"item": w.b_funds.pk}))[:2] == (404, "not_found")


def test_who_sees_which_talent(aid):
    w = aid
    w.beijing_api.post(f"{API}/aid/talent", TALENT)
    w.jiangsu_api.post(f"{API}/aid/talent", TALENT | {"person_name": "李明"})
    w.shanghai_api.post(f"{API}/aid/talent", TALENT | {"person_name": "张伟"})

    def names(caller, **params):
        return sorted(t["person_name"] for t in caller.get(f"{API}/aid/talent", **params).json()["items"])

    assert names(w.beijing_api) == ["王强"]
    assert names(w.jiangsu_api) == ["李明"]
    assert names(w.shanghai_api) == ["张伟"]
    assert names(w.lhasa_api) == ["李明", "王强"]
    assert names(w.shigatse_api) == ["张伟"]
    assert names(w.region_api) == ["张伟", "李明", "王强"]
    assert names(w.region_api, division="5402") == ["张伟"]
    assert names(w.region_api, kind="trained") == []


def make_trainee(w, division_code="540100", organisation=None, number="540102199001010011"):
    from anjian.training.models import Trainee

    return Trainee.objects.create(name="扎西", id_number=number, born_on=datetime.date(1990, 1, 1),
                                  audience="safety_manager", division_code=division_code,
                                  organisation=organisation or w.lhasa, registered_by=w.lhasa_admin)  # fmt: skip


def attend(w, trainee, on, hours):
    from anjian.training.models import Attendance, Course, CourseSession

    course = Course.objects.create(organisation=w.lhasa, division_code="540100", name=f"课程{on}",
                                   audience="safety_manager", kind="yearly", hours=hours)  # fmt: skip
    session = CourseSession.objects.create(course=course, starts_on=on, ends_on=on, venue="北京", hours=hours)
    Attendance.objects.create(session=session, trainee=trainee, hours=hours, recorded_by=w.lhasa_admin)


def test_a_trained_record_takes_the_hours_attended_in_its_period_from_the_training_system(aid):
    w = aid
    trainee = make_trainee(w)
    attend(w, trainee, day(-100), Decimal(16))
    attend(w, trainee, day(-50), Decimal("24.5"))
    attend(w, trainee, day(-300), Decimal(8))  # before the period
    attend(w, trainee, day(-5), Decimal(4))  # after it
    record = oversight.talent_record(w.lhasa_aid, kind="trained", person_name="", home="拉萨市应急管理局",
                                     post="安全管理人员培训", starts_on=day(-120), ends_on=day(-10), trainee=trainee,
                                     supporter_id=w.beijing.pk)  # fmt: skip
    assert record.hours == Decimal("40.5") and record.person_name == "扎西" and record.trainee_id == trainee.pk
    assert oversight.trainee_hours(trainee, day(-120), None) == Decimal("44.5")  # open-ended: until today
    # Hours given are kept as given.
    given = oversight.talent_record(w.lhasa_aid, kind="trained", person_name="扎西", home="拉萨", post="培训",
                                    starts_on=day(-120), ends_on=day(-10), trainee=trainee, hours="12",
                                    supporter_id=w.beijing.pk)  # fmt: skip
    assert given.hours == 12
    # Through the API, by the trainee's id; a trainee of Shigatse is not Lhasa's to name.
    body = TALENT | {"kind": "trained", "trainee": str(trainee.pk), "supporter_id": w.beijing.pk,
                     "starts_on": iso(-120), "ends_on": iso(-10)}  # fmt: skip
    assert w.lhasa_api.post(f"{API}/aid/talent", body).json()["hours"] == "40.5"
    other = make_trainee(w, "540200", w.shigatse, "540202199001010012")
    assert problem(w.lhasa_api.post(f"{API}/aid/talent", body | {"trainee": str(other.pk)}))[:2] == (404, "not_found")
    assert TalentRecord.objects.filter(trainee=other).count() == 0


# --- supervision -----------------------------------------------------------------------------------------------------


def inspect(caller, items, rectifications, inspected_on=-10):
    return caller.post(f"{API}/aid/inspections", {
        "inspected_on": iso(inspected_on), "inspectors": "自治区应急管理厅督查组", "item_ids": [i.pk for i in items],
        "findings": "资金拨付滞后；部分设备未验收。", "rectifications": rectifications,
    })  # fmt: skip


def test_inspection_then_rectification_done_then_verified(aid):
    w = aid
    made = inspect(w.region_lead_api, [w.b_funds, w.j_funds], [
        {"item": w.b_funds.pk, "requirement": "补齐拨付凭证", "due_on": iso(-2)},
        {"item": w.j_funds.pk, "requirement": "完成选址", "due_on": iso(20)},
        {"requirement": "建立资金台账", "due_on": iso(30)},
    ])  # fmt: skip
    assert made.status_code == 201, made.json()
    inspection = made.json()
    assert inspection["division_code"] == "540100" and inspection["organisation"] == w.region.pk
    states = {r["requirement"]: r["state"] for r in inspection["rectifications"]}
    assert states == {"补齐拨付凭证": "overdue", "完成选址": "open", "建立资金台账": "open"}
    first = next(r for r in inspection["rectifications"] if r["item"] == w.b_funds.pk)
    done, verify = f"{API}/aid/rectifications/{first['id']}/done", f"{API}/aid/rectifications/{first['id']}/verify"

    # Not verified before it is done.
    assert problem(w.region_lead_api.post(verify, {"verified_on": iso()}))[:2] == (409, "rectification_not_done")
    # Who may report it done: the receiving bureau or the item's supporter, aid coordinators, who see it.
    assert problem(w.shigatse_api.post(done, {"done_on": iso(), "note": "x"}))[:2] == (404, "not_found")
    assert problem(w.jiangsu_api.post(done, {"done_on": iso(), "note": "x"}))[:2] == (404, "not_found")
    assert problem(w.lhasa_insp_api.post(done, {"done_on": iso(), "note": "x"}))[:2] == (403, "not_aid_keeper")
    assert problem(w.beijing_api.post(done, {"done_on": iso(1), "note": "x"})) == (400, "date_in_future", "done_on")
    assert problem(w.beijing_api.post(done, {"done_on": iso(-11), "note": "x"})) == (
        400,
        "before_inspection",
        "done_on",
    )
    reported = w.beijing_api.post(done, {"done_on": iso(-1), "note": "凭证已补齐"})
    assert reported.status_code == 200 and reported.json()["state"] == "done"
    # The receiving bureau may report again until it is verified (the last report stands).
    assert w.lhasa_api.post(done, {"done_on": iso(), "note": "已核对凭证"}).json()["done_note"] == "已核对凭证"

    # Verified by the inspecting side (not by a bureau below it), not before it was done, once.
    assert problem(w.lhasa_lead_api.post(verify, {"verified_on": iso()}))[:2] == (403, "permission_denied")
    assert problem(w.beijing_api.post(verify, {"verified_on": iso()}))[:2] == (403, "not_aid_supervisor")
    assert problem(w.region_lead_api.post(verify, {"verified_on": iso(-1)})) == (
        400,
        "verified_before_done",
        "verified_on",
    )
    verified = w.region_lead_api.post(verify, {"verified_on": iso()})
    assert verified.status_code == 200, verified.json()
    assert verified.json()["state"] == "verified" and verified.json()["verified_by"] == w.region_leader.full_name
    again = w.region_lead_api.post(verify, {"verified_on": iso()})
    assert problem(again)[:2] == (409, "rectification_done")
    assert problem(w.lhasa_api.post(done, {"done_on": iso(), "note": "再次"}))[:2] == (409, "rectification_done")
    r = Rectification.objects.get(pk=first["id"])
    assert (r.done_note, r.verified_on, r.verified_by_id) == ("已核对凭证", day(), w.region_leader.pk)


def test_a_rectification_of_the_whole_inspection_is_answered_by_either_side_of_any_item(aid):
    w = aid
    inspection = inspect(w.region_lead_api, [w.b_funds, w.j_funds], [{"requirement": "建立资金台账",
                                                                       "due_on": iso(30)}]).json()  # fmt: skip
    whole = inspection["rectifications"][0]
    assert whole["item"] is None
    assert w.jiangsu_api.post(f"{API}/aid/rectifications/{whole['id']}/done",
                              {"done_on": iso(), "note": "台账已建"}).status_code == 200  # fmt: skip
    assert problem(w.shanghai_api.post(f"{API}/aid/rectifications/{whole['id']}/done", {"done_on": iso(),
                                                                                        "note": "x"}))[:2] == (
        404, "not_found")  # fmt: skip


def test_inspection_refusals(aid):
    w = aid
    rect = [{"item": w.b_funds.pk, "requirement": "整改", "due_on": iso(5)}]
    # Only leaders and aid coordinators of a bureau supervise; a supporting unit does not inspect itself.
    assert problem(inspect(w.lhasa_insp_api, [w.b_funds], rect))[:2] == (403, "not_aid_supervisor")
    assert problem(inspect(w.beijing_api, [w.b_funds], rect))[:2] == (403, "not_aid_supervisor")
    # Lhasa's leader inspects Lhasa's aid, not Shigatse's.
    assert inspect(w.lhasa_lead_api, [w.b_funds], rect).status_code == 201
    assert problem(inspect(w.lhasa_lead_api, [w.b_funds, w.s_project], rect)) == (404, "not_found", "item_ids")
    assert problem(inspect(w.lhasa_lead_api, [w.b_funds], rect, inspected_on=1)) == (
        400, "date_in_future", "inspected_on")  # fmt: skip
    assert problem(inspect(w.lhasa_lead_api, [w.b_funds], [rect[0] | {"item": w.j_funds.pk}])) == (
        400, "invalid", "rectifications[0].item")  # fmt: skip
    assert problem(inspect(w.lhasa_lead_api, [w.b_funds], [rect[0] | {"due_on": iso(-11)}])) == (
        400, "invalid", "rectifications[0].due_on")  # fmt: skip
    assert problem(inspect(w.lhasa_lead_api, [], rect))[:2] == (422, "invalid")
    assert Inspection.objects.count() == 1 and Rectification.objects.count() == 1


def test_an_inspection_is_anchored_where_its_items_are_received():
    assert oversight.common_division(["540100", "540100"]) == "540100"
    assert oversight.common_division(["540102", "540100"]) == "540100"
    assert oversight.common_division(["540102", "540103"]) == "540100"
    assert oversight.common_division(["540100", "540200"]) == "540000"
    assert oversight.common_division(["540100", "110000"]) == "000000"


def test_who_sees_which_inspection(aid):
    w = aid
    both = inspect(w.region_lead_api, [w.b_funds, w.j_funds], [
        {"item": w.b_funds.pk, "requirement": "北京整改", "due_on": iso(5)},
        {"item": w.j_funds.pk, "requirement": "江苏整改", "due_on": iso(5)},
        {"requirement": "共同整改", "due_on": iso(5)},
    ]).json()  # fmt: skip
    shigatse = inspect(w.region_lead_api, [w.s_project], []).json()

    def seen(caller):
        return {i["id"]: (i["items"], sorted(r["requirement"] for r in i["rectifications"]))
                for i in caller.get(f"{API}/aid/inspections").json()["items"]}  # fmt: skip

    assert seen(w.region_api) == {
        both["id"]: (sorted([w.b_funds.pk, w.j_funds.pk]), ["共同整改", "北京整改", "江苏整改"]),
        shigatse["id"]: ([w.s_project.pk], []),
    }
    assert seen(w.lhasa_api) == {
        both["id"]: (sorted([w.b_funds.pk, w.j_funds.pk]), ["共同整改", "北京整改", "江苏整改"])
    }
    assert seen(w.shigatse_api) == {shigatse["id"]: ([w.s_project.pk], [])}
    # A supporting unit sees the inspections of its aid, only its own items and rectifications in them.
    assert seen(w.beijing_api) == {both["id"]: ([w.b_funds.pk], ["共同整改", "北京整改"])}
    assert seen(w.jiangsu_api) == {both["id"]: ([w.j_funds.pk], ["共同整改", "江苏整改"])}
    assert seen(w.shanghai_api) == {shigatse["id"]: ([w.s_project.pk], [])}
    assert w.shigatse_api.get(f"{API}/aid/inspections/{both['id']}").status_code == 404
    assert w.shanghai_api.get(f"{API}/aid/inspections/{both['id']}").status_code == 404
    assert w.lhasa_api.get(f"{API}/aid/inspections/{both['id']}").status_code == 200


# --- overdue ---------------------------------------------------------------------------------------------------------


def late_world(w):
    """Late: Beijing's funds step (5 days) and Jiangsu's (3 days); a milestone of Beijing's project for Lhasa
    (7 days) and of Shanghai's for Shigatse (4 days); Beijing's rectification (2 days) and one of the whole Lhasa
    inspection (1 day). Not late: a step done, a milestone delivered, a cancelled item's, a rectification done."""
    services.milestone_add(w.beijing_aid, w.b_project, title="方案设计", planned_on=day(-7))
    delivered = services.milestone_add(w.beijing_aid, w.b_project, title="招标", planned_on=day(-6))
    services.milestone_deliver(w.beijing_aid, delivered, delivered_on=day(-6))
    services.milestone_add(w.beijing_aid, w.b_project, title="上线", planned_on=day(30))
    services.milestone_add(w.shanghai_aid, w.s_project, title="装备采购", planned_on=day(-4))
    cancelled = item(w.beijing_aid, w.b_plan, "technical", w.lhasa, "已取消的技术支持", steps=[("调研", day(-9))])
    AidItem.objects.filter(pk=cancelled.pk).update(status="cancelled")
    done_item = item(w.jiangsu_aid, w.j_plan, "talent", w.lhasa, "已完成步骤", steps=[("派员", day(-8))])
    services.step_done(w.jiangsu_aid, done_item.steps.get(), done_on=day(-8))
    inspection = oversight.inspection_create(
        w.region_leader, inspected_on=day(-10), inspectors="督查组", item_ids=[w.b_funds.pk, w.j_funds.pk],
        findings="问题", rectifications=[{"item": w.b_funds.pk, "requirement": "补凭证", "due_on": day(-2)},
                                        {"requirement": "建台账", "due_on": day(-1)},
                                        {"item": w.j_funds.pk, "requirement": "已整改", "due_on": day(-2)}],
    )  # fmt: skip
    fixed = inspection.rectifications.get(requirement="已整改")
    oversight.rectification_done(w.jiangsu_aid, fixed, done_on=day(-3), note="完成")


def groups(body, side):
    return {g["name"]: (g["steps"], g["milestones"], g["rectifications"], g["total"]) for g in body[side]}


def test_overdue_is_listed_per_supporting_unit_and_per_bureau(aid):
    w = aid
    late_world(w)
    region = w.region_api.get(f"{API}/aid/overdue").json()
    assert region["counts"] == {"steps": 2, "milestones": 2, "rectifications": 2, "total": 6}
    assert [r["days_late"] for r in region["rows"]] == [7, 5, 4, 3, 2, 1]
    assert [r["kind"] for r in region["rows"]] == ["milestones", "steps", "milestones", "steps", "rectifications",
                                                   "rectifications"]  # fmt: skip
    beijing, jiangsu, shanghai = w.beijing.name, w.jiangsu.name, w.shanghai.name
    # The rectification of the whole inspection counts for Beijing and for Jiangsu.
    assert groups(region, "by_supporter") == {beijing: (1, 1, 2, 4), jiangsu: (1, 0, 1, 2), shanghai: (0, 1, 0, 1)}
    assert [g["name"] for g in region["by_supporter"]] == [beijing, jiangsu, shanghai]
    assert groups(region, "by_bureau") == {w.lhasa.name: (2, 1, 2, 5), w.shigatse.name: (0, 1, 0, 1)}
    whole = next(r for r in region["rows"] if r["what"] == "建台账")
    assert whole["item"] is None and whole["division_code"] == "540100" and whole["inspection"] is not None
    lhasa_rows = next(g for g in region["by_bureau"] if g["organisation"] == w.lhasa.pk)["rows"]
    assert {r["what"] for r in lhasa_rows} == {"资金拨付", "选址", "方案设计", "补凭证", "建台账"}

    # Each sees its own: a supporting unit its aid, a prefecture its area.
    b = w.beijing_api.get(f"{API}/aid/overdue").json()
    assert groups(b, "by_supporter") == {beijing: (1, 1, 2, 4)} and groups(b, "by_bureau") == {
        w.lhasa.name: (1, 1, 2, 4)
    }
    j = w.jiangsu_api.get(f"{API}/aid/overdue").json()
    assert groups(j, "by_supporter") == {jiangsu: (1, 0, 1, 2)}
    assert {r["what"] for r in j["rows"]} == {"选址", "建台账"}
    s = w.shanghai_api.get(f"{API}/aid/overdue").json()
    assert groups(s, "by_supporter") == {shanghai: (0, 1, 0, 1)}
    lhasa = w.lhasa_api.get(f"{API}/aid/overdue").json()
    assert groups(lhasa, "by_bureau") == {w.lhasa.name: (2, 1, 2, 5)}
    assert groups(lhasa, "by_supporter") == {beijing: (1, 1, 2, 4), jiangsu: (1, 0, 1, 2)}
    shigatse = w.shigatse_api.get(f"{API}/aid/overdue").json()
    assert groups(shigatse, "by_bureau") == {w.shigatse.name: (0, 1, 0, 1)} and shigatse["counts"]["total"] == 1


def test_overdue_of_someone_outside_aid_is_empty(aid, api):
    w = aid
    late_world(w)
    enterprise_like = Organisation.objects.create(kind=OrganisationKind.INSTITUTION, name_zh="检测机构",
                                                  division_id="540100")  # fmt: skip
    body = api(make_person("lab", enterprise_like, "aid")).get(f"{API}/aid/overdue").json()
    assert body["counts"]["total"] == 0 and body["by_supporter"] == [] and body["by_bureau"] == []


def test_an_inspection_of_two_prefectures_is_answered_by_each_receiving_bureau(aid):
    w = aid
    made = inspect(w.region_lead_api, [w.b_funds, w.s_project], [
        {"item": w.s_project.pk, "requirement": "补齐装备验收记录", "due_on": iso(20)},
        {"requirement": "统一台账格式", "due_on": iso(30)},
    ])  # fmt: skip
    assert made.status_code == 201, made.json()
    rects = {r["requirement"]: r["id"] for r in made.json()["rectifications"]}
    for requirement in ("补齐装备验收记录", "统一台账格式"):
        answered = w.shigatse_api.post(
            f"{API}/aid/rectifications/{rects[requirement]}/done", {"done_on": iso(), "note": "已完成"}
        )
        assert answered.status_code == 200, (requirement, answered.json())
    # Lhasa's bureau is not the receiver of Shanghai's item: it cannot answer that one.
    assert w.lhasa_api.post(f"{API}/aid/rectifications/{rects['补齐装备验收记录']}/done",
                            {"done_on": iso(), "note": "x"}).status_code == 404  # fmt: skip
