"""The aid dashboards and the annual aid report: the figures on the pages equal anjian.aid.reports for the region,
a prefecture (drilled into by the region, and seen by its own bureau) and a supporting unit; nobody sees another's
figures or drills outside their area; the charts are server-drawn SVG with a bar per row; the annual report as
print view (in three languages), PDF and xlsx (one sheet per table, a name like a formula kept as text).

Seeded with the ledger tests' `aid` fixture (Beijing supports Lhasa) and a few entries: Jiangsu supports Shigatse
with a project, a supporting unit whose name starts like a formula supports Lhasa, milestones, talent, capability
targets and values, a late step. Pages render in Chinese: the tests read data attributes."""

import contextlib
import datetime
import io
import re
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anjian.aid import capability, oversight, reports, rules, selectors, services
from anjian.aid.models import AidItem
from anjian.aid.tests.test_ledger import aid as aid  # noqa: F401
from anjian.core.models import Organisation, OrganisationKind, SupportKind
from conftest import make_person

pytestmark = pytest.mark.django_db
MEASURES = ("committed", "transferred", "received", "spent")


def day(offset=0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def attrs(body: str, marker: str) -> dict:
    """The data-* attributes of the element carrying `marker`."""
    tag = re.search(r"<[a-z]+[^>]*" + re.escape(marker) + r"[^>]*>", body)
    assert tag, marker
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(0)))


def rows(body: str, name: str) -> dict:
    """{key: attributes} of the rows carrying data-<name>."""
    found = {}
    for tag in re.findall(r"<tr[^>]*\sdata-" + name + r'="[^"]*"[^>]*>', body):
        a = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag))
        found[a[name]] = a
    return found


def chart(body: str, name: str) -> str:
    found = re.search(r'data-chart="' + name + r'"[^>]*>\s*(<svg.*?</svg>)', body, re.S)
    assert found, name
    return found.group(1)


def bars(svg: str) -> int:
    return len(re.findall(r'<rect class="bar"', svg))


def post(actor, item, kind, amount, on=None, **extra):
    return services.ledger_post(actor, item, kind=kind, amount_yuan=amount, date=on or day(), evidence="凭证", **extra)


@pytest.fixture
def as_(client, login):
    """The test client logged in as a persona (whoever was logged in before logged out)."""

    def _as(person):
        client.logout()
        return login(person)

    return _as


@pytest.fixture
def seeded(aid):
    w = aid
    this_year = day().year
    w.b_funds = AidItem.objects.get(pk=w.item["id"])
    # Beijing → Lhasa: committed last year, transferred, received and partly spent this year; a project with three
    # milestones (one accepted, one late, one ahead).
    post(w.beijing_aid, w.b_funds, "commitment", "1000000", on=datetime.date(this_year - 1, 6, 1))
    post(w.beijing_aid, w.b_funds, "transfer", "600000")
    post(w.lhasa_aid, w.b_funds, "receipt", "600000")
    post(w.lhasa_aid, w.b_funds, "expenditure", "250000.50")
    w.b_project = services.item_create(
        w.beijing_aid, w.b_funds.plan, form="project", receiver_id=w.lhasa.pk, title="指挥中心建设",
        deadline=day(300), supporter_contact="甲", receiver_contact="乙", amount_yuan="300000",
    )  # fmt: skip
    services.item_set_status(w.beijing_aid, w.b_project, status="under_way")
    post(w.beijing_aid, w.b_project, "commitment", "300000")
    done = services.milestone_add(w.beijing_aid, w.b_project, title="方案", planned_on=day(-20))
    services.milestone_deliver(w.beijing_aid, done, delivered_on=day(-21))
    services.milestone_accept(w.lhasa_aid, done, accepted_on=day(-19), quality_ok=True, quantity_ok=True)
    services.milestone_add(w.beijing_aid, w.b_project, title="招标", planned_on=day(-5))
    services.milestone_add(w.beijing_aid, w.b_project, title="上线", planned_on=day(60))
    # Jiangsu → Shigatse: a project, a transfer reversed and sent again, part of it received; a late step.
    w.j_plan = services.plan_create(w.jiangsu_aid, title="江苏援藏规划", starts_on=day(-400), ends_on=day(1400),
                                    receivers=[w.shigatse.pk])  # fmt: skip
    w.j_project = services.item_create(
        w.jiangsu_aid, w.j_plan, form="project", receiver_id=w.shigatse.pk, title="救援队装备", deadline=day(200),
        supporter_contact="甲", receiver_contact="乙", amount_yuan="500000",
        steps=[{"description": "采购", "due_on": day(-3)}],
    )  # fmt: skip
    post(w.jiangsu_aid, w.j_project, "commitment", "500000")
    wrong = post(w.jiangsu_aid, w.j_project, "transfer", "20000")
    post(w.jiangsu_aid, w.j_project, "reversal", "20000", reverses=wrong.pk)
    post(w.jiangsu_aid, w.j_project, "transfer", "200000")
    post(w.shigatse_aid, w.j_project, "receipt", "150000")
    # A supporting unit whose name starts like a formula, for Lhasa.
    w.odd = Organisation.objects.create(kind=OrganisationKind.SUPPORTING, support_kind=SupportKind.CENTRAL_ENTERPRISE,
                                        name_zh="=1+2 <援藏>集团", division_id="540100")  # fmt: skip
    w.odd_aid = make_person("odd-aid", w.odd, "aid")
    plan = services.plan_create(w.odd_aid, title="援藏", starts_on=day(-10), ends_on=day(700), receivers=[w.lhasa.pk])
    w.odd_item = services.item_create(w.odd_aid, plan, form="technical", receiver_id=w.lhasa.pk, title="技术支持",
                                      deadline=day(90), supporter_contact="甲", receiver_contact="乙",
                                      amount_yuan="80000")  # fmt: skip
    post(w.odd_aid, w.odd_item, "commitment", "80000")
    # Talent of this year.
    oversight.talent_record(w.beijing_aid, kind="sent", person_name="王强", home="北京市应急管理局", post="副局长",
                            starts_on=day(0), division_code="540100")  # fmt: skip
    oversight.talent_record(w.jiangsu_aid, kind="trained", person_name="扎西", home="日喀则市局", post="执法培训",
                            starts_on=day(0), hours="40", item=w.j_project)  # fmt: skip
    # Capability: targets and values for both prefectures.
    capability.ensure_indicators()
    for code, division, value, target in (("enf_vehicles", "540100", "12", "20"), ("trn_examiners", "540100", "15",
                                          "10"), ("enf_vehicles", "540200", "4", "10")):  # fmt: skip
        capability.measurement_record(w.region_aid, division_code=division, indicator_code=code, value=value,
                                      as_of=day(-1))  # fmt: skip
        capability.target_set(w.region_aid, division_code=division, indicator_code=code, value=target,
                              due_on=day(365))  # fmt: skip
    capability.target_set(w.region_aid, division_code="540200", indicator_code="emg_rescue_teams", value="2",
                          due_on=day(365))  # fmt: skip
    return w


def assert_dashboard(body: str, expected: dict) -> None:
    """The page's figures are reports.dashboard's."""
    totals = attrs(body, "data-totals")
    for name in (*MEASURES, "in_transit", "unspent"):
        assert Decimal(totals[name.replace("_", "-")]) == expected["totals"][name], name
    assert int(totals["items"]) == expected["item_count"]
    for group, marker in (("by_form", "form"), ("by_receiver", "receiver"), ("by_supporter", "supporter")):
        shown = rows(body, marker)
        assert set(shown) == {str(r["key"]) for r in expected[group]}, group
        for r in expected[group]:
            for m in MEASURES:
                assert Decimal(shown[str(r["key"])][m]) == r[m], (group, m)
    for name, counts in (("items", expected["items"]), ("projects", expected["projects"])):
        shown = attrs(body, f'data-counts="{name}"')
        for status in ("planned", "under_way", "completed", "cancelled"):
            assert int(shown[status.replace("_", "")]) == counts.get(status, 0), (name, status)
    shown = attrs(body, 'data-counts="milestones"')
    m = expected["milestones"]
    assert {k: int(shown[k]) for k in ("planned", "late", "delivered", "accepted")} == {
        k: m[k] for k in ("planned", "late", "delivered", "accepted")
    }
    assert (int(shown["ontime"]), int(shown["qualityok"])) == (m["on_time"], m["quality_ok"])
    # One bar per row, drawn on the server.
    assert bars(chart(body, "by-receiver")) == len(expected["by_receiver"])
    assert bars(chart(body, "by-supporter")) == len(expected["by_supporter"])
    assert bars(chart(body, "by-form")) == sum(1 for r in expected["by_form"] if r["committed"] > 0)
    assert bars(chart(body, "items")) == bars(chart(body, "projects")) == 4
    assert bars(chart(body, "milestones")) == 4


def test_the_region_sees_the_whole_region_with_its_figures(as_, seeded):
    w = seeded
    today = day()
    body = text(as_(w.region_aid).get("/aid/dashboard/"))
    expected = reports.dashboard(w.region_aid, today)
    assert_dashboard(body, expected)
    assert expected["totals"]["committed"] == Decimal("1880000")  # all three supporting units, all years
    assert {r["key"] for r in expected["by_receiver"]} == {w.lhasa.pk, w.shigatse.pk}
    # Names, never ids, in the receiving bureaus' chart; the supporting unit's odd name escaped.
    receivers = chart(body, "by-receiver")
    assert w.lhasa.name_zh in receivers and w.shigatse.name_zh in receivers
    assert "<svg" in receivers and "拉萨" in receivers
    assert "=1+2 &lt;援藏&gt;集团" in chart(body, "by-supporter") and "<援藏>" not in body
    # The aid pages link here and to the annual report.
    home = text(as_(w.region_aid).get("/aid/"))
    assert 'href="/aid/dashboard/"' in home and f'href="/aid/annual/{today.year}/"' in home
    # Overdue: the late step in Shigatse and the late milestone in Lhasa.
    overdue = attrs(body, 'data-counts="overdue"')
    counts = oversight.overdue(w.region_aid, today)["counts"]
    assert {k: int(overdue[k]) for k in ("steps", "milestones", "rectifications", "total")} == counts
    assert (counts["steps"], counts["milestones"]) == (1, 1)
    # The capability gaps of the prefectures: those with a target, Lhasa's examiners reached.
    table = capability.capability_table(w.region_aid, "", today)
    with_target = [(r["division"].code, c) for r in table["rows"] for c in r["cells"] if c["target"] is not None]
    assert len(re.findall(r"data-gap-bureau=", body)) == len(with_target) == 4
    assert attrs(body, 'data-gap-bureau="540200" data-indicator="enf_vehicles"')["gap"] == "6.00"
    assert Decimal(attrs(body, 'data-gap-bureau="540100" data-indicator="trn_examiners"')["gap"]) == 0
    assert attrs(body, 'data-gap-bureau="540200" data-indicator="emg_rescue_teams"')["gap"] == ""  # no value yet
    assert int(attrs(body, "data-open-gaps")["open-gaps"]) == 3


def test_a_year_shows_that_years_flows(as_, seeded):
    w = seeded
    today = day()
    page = as_(w.region_aid)
    for year in (today.year, today.year - 1):
        body = text(page.get("/aid/dashboard/", {"year": year}))
        assert_dashboard(body, reports.dashboard(w.region_aid, today, year=year))
    last = reports.funds_total(w.region_aid, year=today.year - 1)
    assert (last["committed"], last["transferred"]) == (Decimal("1000000"), 0)
    # A year that is not one is ignored: everything to date.
    assert_dashboard(text(page.get("/aid/dashboard/", {"year": "x"})), reports.dashboard(w.region_aid, today))


def test_a_prefecture_drilled_into_and_seen_by_its_own_bureau(as_, seeded):
    w = seeded
    today = day()
    drilled = text(as_(w.region_aid).get("/aid/dashboard/", {"division": "540100"}))
    expected = reports.dashboard(w.region_aid, today, division_prefix="5401")
    assert_dashboard(drilled, expected)
    assert {r["key"] for r in expected["by_receiver"]} == {w.lhasa.pk}
    own = text(as_(w.lhasa_aid).get("/aid/dashboard/"))
    mine = reports.dashboard(w.lhasa_aid, today)
    assert_dashboard(own, mine)
    assert mine["totals"] == expected["totals"]
    assert w.shigatse.name_zh not in own and f'data-supporter="{w.jiangsu.pk}"' not in own
    # Lhasa's own capability gaps, not Shigatse's; the late milestone is Lhasa's, the late step Shigatse's.
    for body in (drilled, own):
        assert set(re.findall(r'data-gap-bureau="(\d+)"', body)) == {"540100"}
        overdue = attrs(body, 'data-counts="overdue"')
        assert (overdue["steps"], overdue["milestones"]) == ("0", "1")


def test_another_prefecture_cannot_drill_into_lhasa(as_, seeded, client):
    w = seeded
    for path in ("/aid/dashboard/", f"/aid/annual/{day().year}/", f"/aid/annual/{day().year}.xlsx"):
        assert client.get(path).status_code == 302  # to the login page
    page = as_(w.shigatse_aid)
    for code in ("540100", "540000", "110000", "5401", "abcdef", "999999"):
        assert page.get("/aid/dashboard/", {"division": code}).status_code == 404, code
    body = text(page.get("/aid/dashboard/"))
    expected = reports.dashboard(w.shigatse_aid, day())
    assert_dashboard(body, expected)
    assert {r["key"] for r in expected["by_receiver"]} == {w.shigatse.pk}
    assert w.lhasa.name_zh not in body and "=1+2" not in body
    assert_dashboard(text(page.get("/aid/dashboard/", {"division": "540200"})), expected)


def test_a_supporting_unit_sees_its_own_aid_only(as_, seeded):
    w = seeded
    today = day()
    page = as_(w.beijing_aid)
    body = text(page.get("/aid/dashboard/"))
    expected = reports.dashboard(w.beijing_aid, today)
    assert_dashboard(body, expected)
    assert [r["key"] for r in expected["by_supporter"]] == [w.beijing.pk]
    assert expected["totals"]["committed"] == Decimal("1300000")
    assert w.jiangsu.name_zh not in body and "=1+2" not in body and w.shigatse.name_zh not in body
    assert 'id="capability"' not in body  # capability gaps are the bureaus'
    # It drills only into the divisions it supports.
    assert_dashboard(text(page.get("/aid/dashboard/", {"division": "540100"})),
                     reports.dashboard(w.beijing_aid, today, division_prefix="5401"))  # fmt: skip
    assert page.get("/aid/dashboard/", {"division": "540200"}).status_code == 404
    jiangsu = text(as_(w.jiangsu_aid).get("/aid/dashboard/"))
    assert_dashboard(jiangsu, reports.dashboard(w.jiangsu_aid, today))
    assert w.beijing.name_zh not in jiangsu and w.lhasa.name_zh not in jiangsu


def test_the_annual_report_print_view(as_, seeded):
    w = seeded
    today = day()
    page = as_(w.region_aid)
    body = text(page.get(f"/aid/annual/{today.year}/"))
    assert '<html lang="zh-hans">' in body and f"{today.year}" in body
    expected = reports.annual(w.region_aid, today.year, today)
    totals = attrs(body, "data-totals")
    for name in (*MEASURES, "in_transit", "unspent"):
        assert Decimal(totals[name.replace("_", "-")]) == expected["totals"][name]
    assert expected["totals"]["committed"] == Decimal("880000")  # last year's commitment left out
    for group, marker in (("by_form", "form"), ("by_receiver", "receiver"), ("by_supporter", "supporter")):
        shown = rows(body, marker)
        assert set(shown) == {str(r["key"]) for r in expected[group]}
        for r in expected[group]:
            assert all(Decimal(shown[str(r["key"])][m]) == r[m] for m in MEASURES)
    statuses = rows(body, "status")
    for status in ("planned", "under_way", "completed", "cancelled"):
        assert int(statuses[status]["items"]) == expected["items"].get(status, 0)
        assert int(statuses[status]["projects"]) == expected["projects"].get(status, 0)
    assert int(rows(body, "milestones")["late"]["count"]) == expected["milestones"]["late"] == 1
    talent = rows(body, "talent")
    assert (int(talent["sent"]["count"]), int(talent["trained"]["count"]), int(talent["exchange"]["count"])) == (
        expected["talent"].get("sent", 0), expected["talent"].get("trained", 0), 0) == (1, 1, 0)  # fmt: skip
    assert Decimal(talent["hours"]["count"]) == expected["talent"]["hours"] == 40
    # The reconciliation count against rules.reconcile item by item.
    counts = {"matched": 0, "in_transit": 0, "overdue": 0}
    for item in selectors.items_visible_to(w.region_aid):
        entries = selectors.entries_of(item)
        if entries:
            counts[rules.reconcile(entries, today).status] += 1
    shown = attrs(body, "data-reconciliation")
    assert {k: int(shown[k.replace("_", "-")]) for k in counts} == counts == {"matched": 3, "in_transit": 1,
                                                                               "overdue": 0}  # fmt: skip
    assert len(re.findall(r"data-gap-bureau=", body)) == 4
    assert bars(chart(body, "by-receiver")) == len(expected["by_receiver"])
    assert bars(chart(body, "projects")) == 4
    # In Tibetan or English on asking; nothing else.
    english = text(page.get(f"/aid/annual/{today.year}/", {"lang": "en"}))
    assert '<html lang="en">' in english and "Annual aid report" in english
    assert '<html lang="bo">' in text(page.get(f"/aid/annual/{today.year}/", {"lang": "bo"}))
    assert page.get(f"/aid/annual/{today.year}/", {"lang": "fr"}).status_code == 404
    assert page.get(f"/aid/annual/{today.year + 1}/").status_code == 404
    assert page.get("/aid/annual/1999/").status_code == 404


def test_the_annual_report_of_a_supporting_unit_and_of_a_prefecture(as_, seeded):
    w = seeded
    today = day()
    body = text(as_(w.jiangsu_aid).get(f"/aid/annual/{today.year}/"))
    expected = reports.annual(w.jiangsu_aid, today.year, today)
    assert set(rows(body, "supporter")) == {str(w.jiangsu.pk)} and w.lhasa.name_zh not in body
    assert Decimal(attrs(body, "data-totals")["received"]) == expected["totals"]["received"] == 150000
    assert "data-gap-bureau" not in body
    body = text(as_(w.shigatse_aid).get(f"/aid/annual/{today.year}/"))
    assert set(rows(body, "receiver")) == {str(w.shigatse.pk)}
    assert set(re.findall(r'data-gap-bureau="(\d+)"', body)) == {"540200"}


def test_the_annual_report_as_pdf(as_, seeded):
    w = seeded
    response = as_(w.region_aid).get(f"/aid/annual/{day().year}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The page objects sit in compressed object streams: inflate every stream and look for them.
    content = response.content
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        with contextlib.suppress(zlib.error):
            content += zlib.decompress(stream)
    assert re.search(rb"/Type\s*/Page\b", content) and re.search(rb"/Count\s+[1-9]", content)


def test_the_annual_report_as_xlsx(as_, seeded):
    w = seeded
    today = day()
    response = as_(w.region_aid).get(f"/aid/annual/{today.year}.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(response.content))
    expected = reports.annual(w.region_aid, today.year, today)
    assert len(book.sheetnames) == 10  # totals, by form, receiver, supporter, items, projects, milestones, talent,
    # reconciliation, capability gaps

    def sheet(n):
        return [list(r) for r in book.worksheets[n].iter_rows(values_only=True)]

    totals = sheet(0)
    assert [Decimal(str(v)) for _label, v in totals[1:5]] == [expected["totals"][m] for m in MEASURES]
    by_receiver = {r[0]: r[1:] for r in sheet(2)[1:]}
    names = {w.lhasa.pk: w.lhasa.name_zh, w.shigatse.pk: w.shigatse.name_zh}
    assert set(by_receiver) == {names[r["key"]] for r in expected["by_receiver"]}
    for r in expected["by_receiver"]:
        assert [Decimal(str(v)) for v in by_receiver[names[r["key"]]]] == [r[m] for m in MEASURES]
    by_form = {r[0]: r[1:] for r in sheet(1)[1:]}
    assert len(by_form) == len(expected["by_form"])
    # A name starting like a formula is stored as text, never a formula.
    cells = [c for row in book.worksheets[3].iter_rows() for c in row if isinstance(c.value, str) and "1+2" in c.value]
    assert [(c.value, c.data_type) for c in cells] == [("'=1+2 <援藏>集团", "s")]
    assert not any(c.data_type == "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
    talent = {r[0]: r[1] for r in sheet(7)[1:]}
    assert 1 in talent.values() and Decimal(str(list(talent.values())[-1])) == 40
    gaps = sheet(9)
    assert len(gaps) == 1 + 4
    # A supporting unit's workbook has no capability sheet and only its own figures.
    book = load_workbook(io.BytesIO(as_(w.beijing_aid).get(f"/aid/annual/{today.year}.xlsx").content))
    assert len(book.sheetnames) == 9
    assert [r[0] for r in list(book.worksheets[3].iter_rows(values_only=True))[1:]] == [w.beijing.name_zh]
