"""The aid pages end to end: a supporting unit creates a plan and an item from the pages and marks a step done; it
commits and transfers; the receiving bureau sees the transfer in transit and confirms it, a receipt beyond the
transfer is refused with its message and nothing written, spending and a reversal; a milestone delivered and
accepted (and accepting one not yet delivered refused); the totals of the home pages against the rules; and who is
kept out (another prefecture, another supporting unit). Pages render in Chinese: the tests read data attributes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from anjian.aid import rules, selectors, services
from anjian.aid.models import AidItem, AidPlan, Indicator, ItemStep, LedgerEntry, Milestone
from anjian.aid.tests.test_ledger import aid as aid  # noqa: F401
from anjian.core.errors import DomainError

pytestmark = pytest.mark.django_db


def day(offset=0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def text(response) -> str:
    return response.content.decode()


def message(error, **params) -> str:
    """A service's message as the Chinese page shows it."""
    with translation.override("zh-hans"):
        return escape(DomainError(error, **params).message)


def attrs(body: str, marker: str) -> dict:
    """The data-* attributes of the element carrying `marker` (e.g. 'data-plan="3"')."""
    tag = re.search(r"<[a-z]+[^>]*" + re.escape(marker) + r"[^>]*>", body)
    assert tag, marker
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(0)))


def options(body: str, name: str) -> list[str]:
    select = re.search(r'<select name="' + name + r'"[^>]*>(.*?)</select>', body, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def entry(page, item_id, kind, amount="", **extra):
    body = {"action": "entry", "kind": kind, "amount_yuan": amount, "date": day(), "evidence": "凭证-001"} | extra
    return page.post(f"/aid/items/{item_id}/", body)


def test_a_supporting_unit_creates_a_plan_and_an_item_from_the_pages(login, aid):
    w = aid
    Indicator.objects.create(code="enf.staff", system="enforcement", name_zh="执法人员在岗率", unit="%")
    page = login(w.jiangsu_aid)
    form = text(page.get("/aid/plans/new/"))
    assert 'lang="zh-hans"' in form and 'data-form="plan"' in form
    offered = set(map(int, re.findall(r'name="receivers" value="(\d+)"', form)))
    assert offered == {w.region.pk, w.lhasa.pk, w.shigatse.pk}  # the region and prefectures, not counties or national
    data = {"title": "江苏省“十五五”援藏规划", "starts_on": "2026-01-01", "ends_on": "2025-12-31",
            "receivers": [w.shigatse.pk, w.lhasa.pk]}  # fmt: skip
    refused = page.post("/aid/plans/new/", data)
    assert refused.status_code == 200 and message("plan_period_invalid") in text(refused)
    assert not AidPlan.objects.filter(supporter=w.jiangsu).exists()
    made = page.post("/aid/plans/new/", data | {"ends_on": "2030-12-31"})
    plan = AidPlan.objects.get(supporter=w.jiangsu)
    assert made.status_code == 302 and made.url == f"/aid/plans/{plan.pk}/"
    assert set(plan.receivers.all()) == {w.lhasa, w.shigatse} and plan.created_by == w.jiangsu_aid
    shown = text(page.get(made.url))
    assert f'data-receiver="{w.shigatse.pk}"' in shown and 'data-form="item"' in shown
    item = {"form": "funds", "receiver": w.shigatse.pk, "title": "执法装备购置资金", "purpose": "执法车辆",
            "amount_yuan": "800000", "supporter_contact": "李明 025-1234", "receiver_contact": "扎西 0892-1234",
            "deadline": day(200), "steps_text": f"资金拨付; {day(30)}\n设备采购；{day(90)}\n",
            "indicators_text": "enf.staff"}  # fmt: skip
    wrong = (
        ({"steps_text": "资金拨付 明天"}, None),
        ({"indicators_text": "enf.staff, nope"}, "indicator_unknown"),
        ({"amount_yuan": ""}, "amount_required"),
    )
    for bad, code in wrong:
        response = page.post(made.url, item | bad)
        assert response.status_code == 200
        if code:
            assert message(code, code="nope") in text(response)
    assert not AidItem.objects.filter(plan=plan).exists()
    # A receiver outside the plan is not offered.
    assert str(w.region.pk) not in options(shown, "receiver")
    added = page.post(made.url, item)
    made_item = AidItem.objects.get(plan=plan)
    assert added.status_code == 302 and added.url == f"/aid/items/{made_item.pk}/"
    assert made_item.division_code == "540200" and made_item.amount_yuan == 800000
    assert [(s.order, s.description) for s in made_item.steps.all()] == [(1, "资金拨付"), (2, "设备采购")]
    assert [i.code for i in made_item.indicators.all()] == ["enf.staff"]
    body = text(page.get(added.url))
    assert 'data-step="1" data-done=""' in body and 'data-indicator="enf.staff"' in body
    page.post(added.url, {"action": "step", "step": made_item.steps.get(order=1).pk, "done_on": day()})
    assert ItemStep.objects.get(item=made_item, order=1).done_on == timezone.localdate()
    assert f'data-step="1" data-done="{day()}"' in text(page.get(added.url))
    home = text(page.get("/aid/"))
    assert attrs(home, f'data-plan="{plan.pk}"')["items"] == "1"
    assert f'data-plan="{w.plan["id"]}"' not in home  # Beijing's plan is not Jiangsu's


def test_funds_committed_transferred_confirmed_spent_and_reversed(login, client, aid):
    w = aid
    item_id = w.item["id"]
    url = f"/aid/items/{item_id}/"
    page = login(w.beijing_aid)
    body = text(page.get(url))
    assert attrs(body, "data-side=")["side"] == "supporter"
    assert options(body, "kind") == ["commitment", "transfer", "reversal"]
    assert entry(page, item_id, "commitment", "1000000", evidence="").status_code == 302
    assert entry(page, item_id, "transfer", "600000", evidence="汇款-001").status_code == 302
    too_much = entry(page, item_id, "transfer", "400000.01")
    assert too_much.status_code == 200
    assert message("transfer_exceeds_commitment", limit="400,000.00") in text(too_much)
    assert LedgerEntry.objects.count() == 2
    client.logout()

    # The receiving bureau sees the transfer in transit, and confirms it.
    page = login(w.lhasa_aid)
    body = text(page.get(url))
    assert attrs(body, "data-side=")["side"] == "receiver"
    assert options(body, "kind") == ["receipt", "expenditure", "reversal"]
    assert attrs(body, "data-reconciliation=") == {"reconciliation": "in_transit", "difference": "600000.00"}
    assert attrs(body, f'data-unconfirmed="{day()}"')["amount"] == "600000.00"
    home = attrs(text(page.get("/aid/")), f'data-supporter="{w.beijing.pk}"')
    assert (home["transferred"], home["received"], home["in-transit"]) == ("600000.00", "0.00", "1")
    beyond = entry(page, item_id, "receipt", "600000.01")
    assert beyond.status_code == 200
    assert message("receipt_exceeds_transfer", limit="600,000.00") in text(beyond)
    assert LedgerEntry.objects.count() == 2
    assert entry(page, item_id, "receipt", "600000", evidence="回单-001").status_code == 302
    body = text(page.get(url))
    assert attrs(body, "data-reconciliation=")["reconciliation"] == "matched"
    assert "data-unconfirmed=" not in body

    # Spending: with its voucher, within what was received.
    no_voucher = entry(page, item_id, "expenditure", "250000.50", evidence="")
    assert no_voucher.status_code == 200 and LedgerEntry.objects.count() == 3
    assert entry(page, item_id, "expenditure", "600000.01").status_code == 200
    assert entry(page, item_id, "expenditure", "250000.50", note="执法记录仪 50 台").status_code == 302
    spent = LedgerEntry.objects.get(kind="expenditure")

    # A reversal takes back one of the bureau's own entries, for its whole amount (filled in when left empty).
    body = text(page.get(url))
    own = options(body, "reverses")
    assert own == ["", str(LedgerEntry.objects.get(kind="receipt").pk), str(spent.pk)]  # not Beijing's entries
    assert entry(page, item_id, "reversal", "", reverses=spent.pk, evidence="").status_code == 302
    body = text(page.get(url))
    assert attrs(body, 'data-entry="4"')["reversed-by"] == "5"
    assert attrs(body, 'data-entry="5"')["reverses"] == "4"
    balances = attrs(body, "data-balances")
    assert (balances["received"], balances["spent"], balances["unspent"]) == ("600000.00", "0.00", "600000.00")
    assert str(spent.pk) not in options(body, "reverses")
    again = entry(page, item_id, "reversal", "250000.50", reverses=spent.pk)
    assert again.status_code == 200 and LedgerEntry.objects.count() == 5
    client.logout()

    # The supporting unit's overview: one item, matched.
    home = attrs(text(login(w.beijing_aid).get("/aid/")), f'data-plan="{w.plan["id"]}"')
    assert (home["committed"], home["transferred"], home["received"], home["spent"]) == (
        "1000000.00",
        "600000.00",
        "600000.00",
        "0.00",
    )
    assert (home["items"], home["matched"], home["in-transit"], home["overdue"]) == ("1", "1", "0", "0")


def test_a_milestone_is_delivered_then_accepted(login, client, aid):
    w = aid
    plan = AidPlan.objects.get(pk=w.plan["id"])
    project = services.item_create(
        w.beijing_aid, plan, form="project", receiver_id=w.lhasa.pk, title="应急指挥中心建设", amount_yuan="3000000",
        supporter_contact="王强", receiver_contact="次仁", deadline=timezone.localdate() + datetime.timedelta(days=400),
    )  # fmt: skip
    url = f"/aid/items/{project.pk}/"
    page = login(w.beijing_aid)
    added = page.post(url, {"action": "milestone", "title": "方案设计", "planned_on": day(-10), "weight": "1"})
    assert added.status_code == 302
    page.post(url, {"action": "milestone", "title": "系统上线", "planned_on": day(60), "weight": "3"})
    first, second = Milestone.objects.filter(item=project).order_by("planned_on")
    body = text(page.get(url))
    assert attrs(body, f'data-milestone="{first.pk}"')["state"] == "late"
    assert f'data-deliver="{first.pk}"' in body and f'data-accept="{first.pk}"' not in body
    client.logout()

    page = login(w.lhasa_aid)
    early = page.post(url, {"action": "accept", "milestone": first.pk, "accepted_on": day(), "quality_ok": "on",
                            "quantity_ok": "on"})  # fmt: skip
    assert early.status_code == 200 and message("accepted_before_delivery") in text(early)
    assert Milestone.objects.get(pk=first.pk).accepted_on is None
    assert page.post(url, {"action": "deliver", "milestone": first.pk, "delivered_on": day()}).status_code == 200
    assert Milestone.objects.get(pk=first.pk).delivered_on is None  # delivering is the supporting unit's
    client.logout()

    page = login(w.beijing_aid)
    assert page.post(url, {"action": "deliver", "milestone": first.pk, "delivered_on": day(-2)}).status_code == 302
    client.logout()

    page = login(w.lhasa_aid)
    body = text(page.get(url))
    assert attrs(body, f'data-milestone="{first.pk}"')["state"] == "delivered"
    assert f'data-accept="{first.pk}"' in body and f'data-accept="{second.pk}"' not in body
    accepted = page.post(url, {"action": "accept", "milestone": first.pk, "accepted_on": day(), "quality_ok": "on",
                               "note": "数量不足：少两台终端"})  # fmt: skip
    assert accepted.status_code == 302
    first.refresh_from_db()
    assert (first.accepted_by, first.quality_ok, first.quantity_ok) == (w.lhasa_aid, True, False)
    body = text(page.get(url))
    assert attrs(body, f'data-milestone="{first.pk}"')["state"] == "accepted"
    assert attrs(body, "data-progress=")["progress"] == "25.0"  # weight 1 of 4
    again = page.post(url, {"action": "accept", "milestone": first.pk, "accepted_on": day()})
    assert again.status_code == 200 and message("milestone_accepted") in text(again)
    plan_page = text(page.get(f"/aid/plans/{plan.pk}/"))
    assert attrs(plan_page, f'data-item="{project.pk}"')["progress"] == "25.0"


def test_the_home_totals_agree_with_the_rules(login, aid):
    """The overview sums in the database what the item page computes with the rules: reversals, an overdue
    transfer, a partly confirmed one."""
    w = aid
    plan = AidPlan.objects.get(pk=w.plan["id"])
    funds = AidItem.objects.get(pk=w.item["id"])
    other = services.item_create(
        w.beijing_aid, plan, form="funds", receiver_id=w.lhasa.pk, title="培训经费", amount_yuan="500000",
        supporter_contact="王强", receiver_contact="次仁", deadline=timezone.localdate() + datetime.timedelta(days=90),
    )  # fmt: skip
    long_ago = timezone.localdate() - datetime.timedelta(days=45)
    today = timezone.localdate()

    def post(by, item, kind, amount, on=today, **extra):
        return services.ledger_post(by, item, kind=kind, amount_yuan=amount, date=on, evidence="凭证", **extra)

    post(w.beijing_aid, funds, "commitment", "1000000", on=long_ago)
    post(w.beijing_aid, funds, "transfer", "300000", on=long_ago)
    wrong = post(w.beijing_aid, funds, "transfer", "20000", on=long_ago)
    post(w.beijing_aid, funds, "reversal", "20000", reverses=wrong.pk)
    post(w.beijing_aid, funds, "transfer", "200000")
    post(w.lhasa_aid, funds, "receipt", "250000")  # 50,000 of the old transfer unconfirmed after 45 days: overdue
    post(w.lhasa_aid, funds, "expenditure", "1000")
    post(w.beijing_aid, other, "commitment", "500000")
    post(w.beijing_aid, other, "transfer", "100000")  # in transit, recent
    for item, status in ((funds, "overdue"), (other, "in_transit")):
        assert rules.reconcile(selectors.entries_of(item), today).status == status
    page = login(w.beijing_aid)
    home = attrs(text(page.get("/aid/")), f'data-plan="{plan.pk}"')
    expected = [selectors.item_balances(i) for i in (funds, other)]
    for name in ("committed", "transferred", "received", "spent"):
        assert Decimal(home[name]) == sum(getattr(b, name) for b in expected), name
    assert (home["items"], home["matched"], home["in-transit"], home["overdue"]) == ("2", "0", "1", "1")
    plan_page = text(page.get(f"/aid/plans/{plan.pk}/"))
    assert attrs(plan_page, f'data-item="{funds.pk}"')["reconciliation"] == "overdue"
    assert attrs(plan_page, f'data-item="{funds.pk}"')["transferred"] == "500000.00"
    item_page = text(page.get(f"/aid/items/{funds.pk}/"))
    assert attrs(item_page, "data-reconciliation=")["reconciliation"] == "overdue"
    assert attrs(item_page, f'data-unconfirmed="{long_ago.isoformat()}"') == {
        "unconfirmed": long_ago.isoformat(),
        "amount": "50000.00",
        "overdue": "1",
    }


def test_who_is_kept_out(login, client, aid):
    w = aid
    item_url, plan_url = f"/aid/items/{w.item['id']}/", f"/aid/plans/{w.plan['id']}/"
    page = login(w.shigatse_aid)  # another prefecture's coordinator
    assert page.get(item_url).status_code == 404
    assert entry(page, w.item["id"], "receipt", "1").status_code == 404
    assert page.get("/aid/plans/new/").status_code == 403  # plans are kept by supporting units
    assert f'data-plan="{w.plan["id"]}"' not in text(page.get("/aid/"))
    client.logout()
    page = login(w.jiangsu_aid)  # a second supporting unit
    assert page.get(plan_url).status_code == 404
    assert page.get(item_url).status_code == 404
    body = {"form": "talent", "receiver": w.lhasa.pk, "title": "x", "supporter_contact": "a", "receiver_contact": "b",
            "deadline": day(10)}  # fmt: skip
    assert page.post(plan_url, body).status_code == 404
    assert AidItem.objects.count() == 1 and not LedgerEntry.objects.exists()
    client.logout()
    # The region sees the item but keeps neither side: no forms.
    page = login(w.region_aid)
    shown = text(page.get(item_url))
    assert attrs(shown, "data-side=")["side"] == "" and 'data-form="entry"' not in shown
    assert entry(page, w.item["id"], "receipt", "1").status_code == 200 and not LedgerEntry.objects.exists()
    region = text(page.get("/aid/"))
    assert attrs(region, f'data-supporter="{w.beijing.pk}"')["items"] == "1"
    # The receiving bureau sees the plan but adds no items to it.
    client.logout()
    page = login(w.lhasa_aid)
    assert 'data-form="item"' not in text(page.get(plan_url))
    assert page.post(plan_url, body).status_code == 200 and AidItem.objects.count() == 1


def test_the_pages_render_in_chinese(login, client, aid):
    w = aid
    for person, paths in (
        (w.beijing_aid, ["/aid/", "/aid/plans/new/", f"/aid/plans/{w.plan['id']}/", f"/aid/items/{w.item['id']}/"]),
        (w.lhasa_aid, ["/aid/", f"/aid/plans/{w.plan['id']}/", f"/aid/items/{w.item['id']}/"]),
    ):
        page = login(person)
        for path in paths:
            response = page.get(path)
            body = text(response)
            assert response.status_code == 200, path
            assert 'lang="zh-hans"' in body and 'href="/aid/"' in body, path
        client.logout()
    page = login(w.lhasa_aid)
    body = text(page.get(f"/aid/items/{w.item['id']}/"))
    assert attrs(body, f'data-item="{w.item["id"]}"') == {"item": str(w.item["id"]), "form": "funds",
                                                         "status": "planned", "side": "receiver"}  # fmt: skip
    assert attrs(body, "data-step=")["step"] == "1" and 'data-form="entry"' in body


def test_the_supporting_unit_moves_its_item_on_from_the_page(login, aid):
    w = aid
    page = login(w.beijing_aid)
    url = f"/aid/items/{w.item['id']}/"
    assert 'data-status-to="under_way"' in page.get(url).content.decode()
    page.post(url, {"action": "status", "status": "under_way"})
    assert AidItem.objects.get().status == "under_way"
    page.post(url, {"action": "status", "status": "planned"})  # never back
    assert AidItem.objects.get().status == "under_way"


def test_a_voucher_is_kept_with_its_entry_and_a_non_document_refused(login, client, aid):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anjian.aid import services

    w = aid
    item = AidItem.objects.get(pk=w.item["id"])
    services.ledger_post(w.beijing_aid, item, kind="commitment", amount_yuan="1000", date=item.created_at.date())
    services.ledger_post(w.beijing_aid, item, kind="transfer", amount_yuan="1000", date=item.created_at.date(),
                         evidence="京财拨-1")  # fmt: skip
    page = login(w.lhasa_aid)
    url = f"/aid/items/{item.pk}/"
    body = {"action": "entry", "kind": "receipt", "amount_yuan": "400", "date": item.created_at.date().isoformat(),
            "evidence": "藏财收-1"}  # fmt: skip
    bad = SimpleUploadedFile("voucher.pdf", b"not a document", content_type="application/pdf")
    page.post(url, body | {"evidence_file": bad})
    assert not LedgerEntry.objects.filter(kind="receipt").exists()
    pdf = SimpleUploadedFile(
        "voucher.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
    page.post(url, body | {"evidence_file": pdf})
    receipt = LedgerEntry.objects.get(kind="receipt")
    assert receipt.evidence.name.endswith(".pdf") and receipt.evidence.read().startswith(b"%PDF-")

    served = page.get(f"/aid/items/{item.pk}/entry/{receipt.pk}/evidence/")
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    assert f'data-evidence="{receipt.seq}"' in page.get(url).content.decode()
    client.logout()
    other = login(w.shigatse_aid)
    assert other.get(f"/aid/items/{item.pk}/entry/{receipt.pk}/evidence/").status_code == 404
