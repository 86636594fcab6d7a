"""The capability, talent, inspection and overdue pages end to end: they render in Chinese for the region's and
Lhasa's aid coordinators and a supporting unit; a value and a target recorded from a bureau's page (a future day
and a second value of a day refused with their message and nothing written), the history drawn one point per
value and the aid behind it linked; talent recorded by either side (with a trainee named by ID number); an
inspection recorded from the page, its rectification reported done by the supporting unit and verified by the
bureau (verifying before it is done refused); a late milestone under its supporter and its bureau; and who is kept
out (Shigatse from Lhasa's capability and inspections, a supporting unit from another's talent)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from anjian.aid import capability, forms_more, oversight, services
from anjian.aid.models import Inspection, Measurement, Rectification, TalentRecord, Target
from anjian.aid.tests.test_oversight import aid as aid  # noqa: F401
from anjian.aid.tests.test_oversight import make_trainee
from anjian.core.errors import DomainError

pytestmark = pytest.mark.django_db


def day(offset=0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def message(error, **params) -> str:
    """A service's message as the Chinese page shows it."""
    with translation.override("zh-hans"):
        params = {k: str(v) for k, v in params.items()}
        return escape(DomainError(error, **params).message)


def attrs(body: str, marker: str) -> dict:
    """The data-* attributes of the element carrying `marker` (e.g. 'data-indicator="enf_vehicles"')."""
    tag = re.search(r"<[a-z]+[^>]*" + re.escape(marker) + r"[^>]*>", body)
    assert tag, marker
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(0)))


def options(body: str, name: str) -> list[str]:
    """The values a form's select offers."""
    select = re.search(r'<select name="' + name + r'"[^>]*>(.*?)</select>', body, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def block(body: str, marker: str, end: str = "</section>") -> str:
    """The text from the element carrying `marker` to the end of its section."""
    start = body.index(marker)
    return body[start : body.index(end, start)]


@pytest.fixture
def sign_in(client, login):
    """Log a persona in, whoever was logged in before."""

    def _sign_in(person):
        client.logout()
        return login(person)

    return _sign_in


@pytest.fixture
def cap(aid):
    """The test_oversight world with the indicator catalogue and an item of Beijing's (Lhasa) and one of
    Shanghai's (Shigatse) naming enforcement vehicles."""
    w = aid
    capability.ensure_indicators()
    w.vehicles = services.item_create(
        w.beijing_aid, w.b_plan, form="funds", receiver_id=w.lhasa.pk, title="执法车辆购置", deadline=day(200),
        supporter_contact="甲", receiver_contact="乙", amount_yuan="500000", indicators=["enf_vehicles"],
    )  # fmt: skip
    w.s_vehicles = services.item_create(
        w.shanghai_aid, w.s_plan, form="funds", receiver_id=w.shigatse.pk, title="日喀则执法车辆", deadline=day(200),
        supporter_contact="甲", receiver_contact="乙", amount_yuan="300000", indicators=["enf_vehicles"],
    )  # fmt: skip
    return w


PAGES = ("/aid/capability/", "/aid/capability/540100/", "/aid/talent/", "/aid/inspections/", "/aid/overdue/")


def test_the_pages_render_in_chinese_for_the_region_lhasa_and_a_supporting_unit(sign_in, cap):
    w = cap
    for person in (w.region_aid, w.lhasa_aid, w.beijing_aid):
        page = sign_in(person)
        for path in PAGES:
            body = text(page.get(path))
            assert 'lang="zh-hans"' in body, (person, path)
            assert 'href="/aid/capability/"' in body and 'href="/aid/overdue/"' in body  # the aid navigation
        shown = text(page.get("/aid/capability/540100/"))
        assert "执法车辆" in shown and 'data-chart="enf_vehicles"' in shown
    # The region's table: the prefectures; Lhasa's: its counties; Beijing: the bureau it supports, a link each.
    region = text(sign_in(w.region_aid).get("/aid/capability/"))
    assert 'data-bureau="540100"' in region and 'data-bureau="540200"' in region
    assert 'data-cell="540200:enf_vehicles"' in region and 'data-below="540100"' in region
    lhasa = text(sign_in(w.lhasa_aid).get("/aid/capability/"))
    assert 'data-bureau="540102"' in lhasa and 'data-bureau="540200"' not in lhasa and "data-up" not in lhasa
    beijing = text(sign_in(w.beijing_aid).get("/aid/capability/"))
    assert 'data-bureau="540100"' in beijing and 'data-bureau="540200"' not in beijing
    assert 'href="/aid/capability/540100/"' in beijing
    # The region drills down to Lhasa's counties and back up.
    down = text(sign_in(w.region_aid).get("/aid/capability/", {"division": "540100"}))
    assert 'data-bureau="540102"' in down and 'data-up="540000"' in down


def test_a_value_and_a_target_recorded_from_the_page_with_the_gap_and_the_history(sign_in, cap):
    w = cap
    page = sign_in(w.lhasa_aid)
    url = "/aid/capability/540100/"
    shown = text(page.get(url))
    assert 'data-form="measurement"' in shown and 'data-form="target"' in shown
    value = {"action": "measurement", "indicator_code": "enf_vehicles", "value": "10", "as_of": day(-30).isoformat(),
             "source": "年报"}  # fmt: skip
    made = page.post(url, value)
    assert made.status_code == 302 and made.url == f"{url}#indicator-enf_vehicles"
    assert page.post(url, value | {"value": "16", "as_of": day(-10).isoformat()}).status_code == 302
    # A day in the future, a second value of a day: refused with their message, nothing written.
    future = page.post(url, value | {"as_of": day(1).isoformat()})
    with translation.override("zh-hans"):
        label = services.field_label("as_of")
    assert message("date_in_future", name=label) in text(future)
    again = page.post(url, value | {"value": "11"})
    assert message("measurement_exists") in text(again)
    assert message("value_invalid") in text(page.post(url, value | {"value": "2.5", "as_of": day(-5).isoformat()}))
    assert list(Measurement.objects.order_by("as_of").values_list("value", flat=True)) == [10, 16]
    # A target with its baseline; a value out of the indicator's bounds refused.
    target = {"action": "target", "indicator_code": "enf_vehicles", "value": "40", "due_on": day(300).isoformat(),
              "baseline": "4"}  # fmt: skip
    assert message("target_own") in text(page.post(url, target))  # Lhasa's targets are the region's to set
    region = sign_in(w.region_aid)
    assert region.post(url, target).status_code == 302
    assert message("value_invalid") in text(region.post(url, target | {"value": "-1"}))
    assert Target.objects.get().value == 40
    shown = text(sign_in(w.lhasa_aid).get(url))
    figures = attrs(shown, 'data-indicator="enf_vehicles"')
    assert (figures["current"], figures["target"], figures["gap"], figures["points"]) == ("16.00", "40.00", "24.00",
                                                                                          "2")  # fmt: skip
    assert Decimal(figures["attainment"]) == Decimal("0.3333")  # (16 − 4) / (40 − 4)
    # The region's table shows the same figures for Lhasa.
    cell = attrs(text(sign_in(w.region_aid).get("/aid/capability/")), 'data-cell="540100:enf_vehicles"')
    assert (cell["current"], cell["target"], cell["gap"]) == ("16.00", "40.00", "24.00")


def test_the_history_is_drawn_one_point_per_value_and_the_aid_behind_it_is_linked(sign_in, cap):
    w = cap
    for offset, value in ((-90, 3), (-60, 5), (-30, 4), (-1, 9)):
        capability.measurement_record(w.lhasa_aid, division_code="540100", indicator_code="enf_vehicles", value=value,
                                      as_of=day(offset))  # fmt: skip
    capability.measurement_record(w.lhasa_aid, division_code="540100", indicator_code="trn_examiners", value=2,
                                  as_of=day(-1))  # fmt: skip
    body = text(sign_in(w.lhasa_aid).get("/aid/capability/540100/"))
    vehicles = block(body, 'data-indicator="enf_vehicles"')
    chart = block(vehicles, 'data-chart="enf_vehicles"', "</svg>")
    assert chart.count("<circle") == 4 and chart.count("<polyline") == 1
    assert attrs(body, 'data-indicator="enf_vehicles"')["points"] == "4"
    examiners = block(body, 'data-chart="trn_examiners"', "</svg>")
    assert examiners.count("<circle") == 1
    assert "<svg" not in block(body, 'data-chart="enf_recorders"', "</div>")  # nothing recorded: no chart
    # The aid behind it: the items received that name it, linked; not another prefecture's.
    assert f'href="/aid/items/{w.vehicles.pk}/"' in vehicles
    assert f'data-aid-item="{w.s_vehicles.pk}"' not in body
    # A supporting unit reads it too, without the forms.
    beijing = text(sign_in(w.beijing_aid).get("/aid/capability/540100/"))
    assert block(beijing, 'data-chart="enf_vehicles"', "</svg>").count("<circle") == 4
    assert 'data-form="measurement"' not in beijing
    assert sign_in(w.beijing_aid).post("/aid/capability/540100/", {"action": "measurement"}).status_code == 403


def test_talent_recorded_from_the_page_by_either_side(sign_in, cap):
    w = cap
    record = {"kind": "sent", "person_name": "王强", "home": "北京市应急管理局", "post": "拉萨市应急管理局副局长",
              "starts_on": day(-200).isoformat(), "ends_on": day(500).isoformat(),
              "achievements": "执法装备标准"}  # fmt: skip
    lhasa = sign_in(w.lhasa_aid)
    form = text(lhasa.get("/aid/talent/"))
    assert 'data-form="talent"' in form and 'name="supporter_id"' in form and 'name="trainee_id_number"' in form
    assert str(w.s_project.pk) not in options(form, "item") and str(w.b_funds.pk) in options(form, "item")
    made = lhasa.post("/aid/talent/", record | {"supporter_id": w.beijing.pk})
    assert made.status_code == 302 and made.url == "/aid/talent/"
    t = TalentRecord.objects.get()
    assert (t.supporter, t.division_code, t.kind, t.recorded_by) == (w.beijing, "540100", "sent", w.lhasa_aid)
    # A bureau names the supporting unit; a trainee by ID number, of its area only.
    assert message("organisation_unknown") in text(lhasa.post("/aid/talent/", record))
    trainee = make_trainee(w)
    trained = record | {"kind": "trained", "person_name": "", "post": "安全管理人员培训", "supporter_id": w.beijing.pk,
                        "trainee_id_number": trainee.id_number.lower()}  # fmt: skip
    unknown = text(lhasa.post("/aid/talent/", trained | {"trainee_id_number": "540102199001010099"}))
    assert 'class="errorlist"' in unknown and TalentRecord.objects.count() == 1
    assert lhasa.post("/aid/talent/", trained).status_code == 302
    assert TalentRecord.objects.get(kind="trained").trainee == trainee
    assert TalentRecord.objects.get(kind="trained").person_name == "扎西"
    # The supporting unit: its own items and divisions, no supporter to name, no trainees.
    beijing = sign_in(w.beijing_aid)
    form = text(beijing.get("/aid/talent/"))
    assert 'name="supporter_id"' not in form and 'name="trainee_id_number"' not in form
    assert str(w.j_funds.pk) not in options(form, "item") and str(w.b_funds.pk) in options(form, "item")
    made = beijing.post("/aid/talent/", record | {"kind": "exchange", "item": w.b_project.pk, "person_name": "李华"})
    assert made.status_code == 302
    assert TalentRecord.objects.get(person_name="李华").item == w.b_project
    assert options(form, "division_code") == ["", "540100"]  # only the divisions it supports
    assert 'class="errorlist"' in text(beijing.post("/aid/talent/", record | {"division_code": "540200"}))
    assert TalentRecord.objects.count() == 3


def test_a_supporting_unit_sees_only_its_own_talent(sign_in, cap):
    w = cap
    base = {"home": "某单位", "post": "某职", "starts_on": day(-100)}
    oversight.talent_record(w.beijing_aid, kind="sent", person_name="王强", **base)
    oversight.talent_record(w.jiangsu_aid, kind="exchange", person_name="李明", **base)
    oversight.talent_record(w.shanghai_aid, kind="sent", person_name="张伟", **base)

    def names(person, **params):
        body = text(sign_in(person).get("/aid/talent/", params))
        return sorted(re.findall(r"<tr data-talent=\"\d+\"[^>]*>\s*<td>[^<]*</td><td>([^<]*)</td>", body))

    assert names(w.beijing_aid) == ["王强"]
    assert names(w.jiangsu_aid) == ["李明"]
    assert names(w.lhasa_aid) == ["李明", "王强"]
    assert names(w.shigatse_aid) == ["张伟"]
    assert names(w.region_aid) == ["张伟", "李明", "王强"]
    assert names(w.region_aid, kind="sent") == ["张伟", "王强"]
    assert names(w.region_aid, kind="nonsense") == ["张伟", "李明", "王强"]


def test_an_inspection_from_the_pages_with_a_rectification_done_then_verified(sign_in, cap):
    w = cap
    lhasa = sign_in(w.lhasa_aid)
    form = text(lhasa.get("/aid/inspections/"))
    assert 'data-form="inspection"' in form
    offered = options(form, "item_ids")
    assert str(w.b_funds.pk) in offered and str(w.s_project.pk) not in offered
    lines = f"补齐支出凭证; {day(10)}; {w.b_funds.pk}\n完善项目台账；{day(20)}\n"
    data = {"inspected_on": day(-2).isoformat(), "inspectors": "次仁、王强", "item_ids": [w.b_funds.pk, w.b_project.pk],
            "findings": "凭证不全", "rectifications_text": lines}  # fmt: skip
    # A line without its date; a rectification of an item not inspected: refused on the line, nothing written.
    broken = data | {"rectifications_text": "补齐\n完善; 明天"}
    with translation.override("zh-hans"):
        checked = forms_more.InspectionForm(broken, items=[w.b_funds, w.b_project])
        assert not checked.is_valid()
        wanted = [escape(str(e)) for e in checked.errors["rectifications_text"]]
    refused = text(lhasa.post("/aid/inspections/", broken))
    assert len(wanted) == 2 and all(e in refused for e in wanted)
    bad = text(lhasa.post("/aid/inspections/", data | {"rectifications_text": f"\n补齐; {day(10)}; {w.j_funds.pk}"}))
    assert message("invalid") in bad and "errorlist" in bad
    assert not Inspection.objects.exists()
    made = lhasa.post("/aid/inspections/", data)
    inspection = Inspection.objects.get()
    assert made.status_code == 302 and made.url == f"/aid/inspections/{inspection.pk}/"
    funds, ledger = inspection.rectifications.order_by("due_on")
    assert (funds.item, ledger.item, funds.requirement, ledger.due_on) == (w.b_funds, None, "补齐支出凭证", day(20))
    detail = text(lhasa.get(made.url))
    assert attrs(detail, f'data-rectification="{funds.pk}"')["state"] == "open"
    assert f'data-verify="{funds.pk}"' not in detail
    # Verifying before it is done is refused, nothing written.
    refused = lhasa.post(made.url, {"action": "verify", "rectification": funds.pk, "verified_on": day().isoformat()})
    assert message("rectification_not_done") in text(refused)
    assert Rectification.objects.get(pk=funds.pk).verified_on is None
    # The supporting unit reports it done; the bureau verifies it.
    beijing = sign_in(w.beijing_aid)
    assert f'data-report-done="{funds.pk}"' in text(beijing.get(made.url))
    done = beijing.post(made.url, {"action": "done", "rectification": funds.pk, "done_on": day(-1).isoformat(),
                                   "note": "凭证已补齐"})  # fmt: skip
    assert done.status_code == 302 and done.url == f"{made.url}#rectification-{funds.pk}"
    lhasa = sign_in(w.lhasa_aid)
    detail = text(lhasa.get(made.url))
    assert (
        attrs(detail, f'data-rectification="{funds.pk}"')["state"] == "done" and f'data-verify="{funds.pk}"' in detail
    )
    assert (
        lhasa.post(
            made.url, {"action": "verify", "rectification": funds.pk, "verified_on": day().isoformat()}
        ).status_code
        == 302
    )
    r = Rectification.objects.get(pk=funds.pk)
    assert (r.verified_on, r.verified_by, r.done_note) == (day(), w.lhasa_aid, "凭证已补齐")
    detail = text(lhasa.get(made.url))
    assert attrs(detail, f'data-rectification="{funds.pk}"')["state"] == "verified"
    assert f'data-report-done="{funds.pk}"' not in detail
    listed = attrs(text(lhasa.get("/aid/inspections/")), f'data-inspection="{inspection.pk}"')
    assert (listed["open"], listed["verified"]) == ("1", "1")
    # Jiangsu's aid was not inspected: not its inspection; a supporting unit does not record inspections.
    jiangsu = sign_in(w.jiangsu_aid)
    assert jiangsu.get(made.url).status_code == 404
    assert 'data-form="inspection"' not in text(jiangsu.get("/aid/inspections/"))
    assert jiangsu.post("/aid/inspections/", data).status_code == 403
    assert sign_in(w.lhasa_inspector).post("/aid/talent/", {"kind": "sent"}).status_code == 403  # not an aid keeper


def test_overdue_lists_a_late_milestone_under_its_supporter_and_its_bureau(sign_in, cap):
    w = cap
    late = services.milestone_add(w.beijing_aid, w.b_project, title="主体完工", planned_on=day(-10))
    services.milestone_add(w.shanghai_aid, w.s_project, title="装备到位", planned_on=day(-4))
    body = text(sign_in(w.region_aid).get("/aid/overdue/"))
    marker = f'data-kind="milestones" data-id="{late.pk}"'
    supporter = block(body, f'data-side="supporter" data-organisation="{w.beijing.pk}"')
    bureau = block(body, f'data-side="bureau" data-organisation="{w.lhasa.pk}"')
    assert marker in supporter and marker in bureau
    assert attrs(supporter, marker)["days-late"] == "10"
    assert attrs(body, f'data-side="supporter" data-organisation="{w.beijing.pk}"')["milestones"] == "1"
    assert marker not in block(body, f'data-side="bureau" data-organisation="{w.shigatse.pk}"')
    assert attrs(body, "data-counts")["milestones"] == "2"
    # Shigatse sees only its own; Jiangsu none of Beijing's.
    assert marker not in text(sign_in(w.shigatse_aid).get("/aid/overdue/"))
    assert marker not in text(sign_in(w.jiangsu_aid).get("/aid/overdue/"))


def test_shigatse_is_kept_out_of_lhasa_capability_and_inspections(sign_in, cap):
    w = cap
    inspection = oversight.inspection_create(
        w.lhasa_aid, inspected_on=day(-1), inspectors="次仁", item_ids=[w.b_funds.pk], findings="无",
        rectifications=[{"requirement": "补齐", "due_on": day(5)}],
    )  # fmt: skip
    r = inspection.rectifications.get()
    page = sign_in(w.shigatse_aid)
    assert page.get("/aid/capability/540100/").status_code == 404
    assert page.get("/aid/capability/", {"division": "540100"}).status_code == 404
    value = {"action": "measurement", "indicator_code": "enf_vehicles", "value": "1", "as_of": day().isoformat()}
    assert page.post("/aid/capability/540100/", value).status_code == 404
    assert page.get(f"/aid/inspections/{inspection.pk}/").status_code == 404
    report = {"action": "done", "rectification": r.pk, "done_on": day().isoformat(), "note": "x"}
    assert page.post(f"/aid/inspections/{inspection.pk}/", report).status_code == 404
    assert f'data-inspection="{inspection.pk}"' not in text(page.get("/aid/inspections/"))
    assert text(page.get("/aid/capability/540200/"))  # its own
    assert not Measurement.objects.exists() and Rectification.objects.get().done_on is None
