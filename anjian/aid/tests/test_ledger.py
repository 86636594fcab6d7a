"""The aid ledger and milestones through the API: a plan and its funds item, commitment, transfer, the receiving
bureau's confirmation and spending, balances and reconciliation, reversals, the refusals the issue names (a receipt
larger than what was transferred, spending beyond what was received, a milestone accepted before delivery, a
supporting unit writing to another's plan, an entry edited), and who sees what."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.aid.models import AidItem, LedgerEntry
from anjian.core.errors import DomainError
from anjian.core.models import Organisation, OrganisationKind, SupportKind
from conftest import make_person

pytestmark = pytest.mark.django_db
API = "/api/v1"
TODAY = None


def day(offset=0):
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


@pytest.fixture
def aid(world, api):
    w = world
    w.jiangsu = Organisation.objects.create(
        kind=OrganisationKind.SUPPORTING, support_kind=SupportKind.PROVINCE_BUREAU, name_zh="江苏省应急管理厅（援藏）",
        division_id="540100", home_division_id="320000",
    )  # fmt: skip
    w.jiangsu_aid = make_person("jiangsu-aid", w.jiangsu, "aid")
    w.lhasa_aid = make_person("lhasa-aid", w.lhasa, "aid")
    w.shigatse_aid = make_person("shigatse-aid", w.shigatse, "aid")
    w.region_aid = make_person("xizang-aid", w.region, "aid")
    w.beijing_api, w.lhasa_api = api(w.beijing_aid), api(w.lhasa_aid)
    made = w.beijing_api.post(f"{API}/aid/plans", {"title": "北京市“十五五”援藏安全生产规划", "starts_on": "2026-01-01",
                                                   "ends_on": "2030-12-31", "receivers": [w.lhasa.pk]})  # fmt: skip
    assert made.status_code == 201, made.json()
    w.plan = made.json()
    item = w.beijing_api.post(f"{API}/aid/items", {
        "plan": w.plan["id"], "form": "funds", "receiver": w.lhasa.pk, "title": "执法装备购置资金",
        "purpose": "执法车辆与执法记录仪", "amount_yuan": "1000000", "supporter_contact": "王强 010-1234",
        "receiver_contact": "次仁 0891-6000", "deadline": day(300),
        "steps": [{"description": "资金拨付", "due_on": day(30)}, {"description": "设备采购", "due_on": day(120)}],
    })  # fmt: skip
    assert item.status_code == 201, item.json()
    w.item = item.json()
    return w


def post(caller, item, kind, amount, **extra):
    body = {"kind": kind, "amount_yuan": str(amount), "date": day(), "evidence": "凭证-001"} | extra
    return caller.post(f"{API}/aid/items/{item['id']}/ledger", body)


def problem(response):
    body = response.json()
    return response.status_code, body.get("code"), body.get("field")


def test_funds_flow_from_commitment_to_spending_with_balances(aid):
    w = aid
    assert post(w.beijing_api, w.item, "commitment", "1000000").status_code == 201
    assert post(w.beijing_api, w.item, "transfer", "600000").status_code == 201
    item = w.lhasa_api.get(f"{API}/aid/items/{w.item['id']}").json()
    assert item["reconciliation"]["status"] == "in_transit" and Decimal(item["reconciliation"]["difference"]) == 600000
    assert post(w.lhasa_api, w.item, "receipt", "600000").status_code == 201
    assert post(w.lhasa_api, w.item, "expenditure", "250000.50", note="执法记录仪 50 台").status_code == 201
    ledger = w.beijing_api.get(f"{API}/aid/items/{w.item['id']}/ledger").json()
    b = {k: Decimal(v) for k, v in ledger["balances"].items()}
    assert (b["committed"], b["transferred"], b["received"], b["spent"]) == (
        Decimal(1000000),
        Decimal(600000),
        Decimal(600000),
        Decimal("250000.50"),
    )
    assert [e["seq"] for e in ledger["entries"]] == [1, 2, 3, 4]
    item = w.beijing_api.get(f"{API}/aid/items/{w.item['id']}").json()
    assert item["reconciliation"]["status"] == "matched" and Decimal(item["balances"]["unspent"]) == Decimal(
        "349999.50"
    )


def test_the_refusals_the_issue_names(aid):
    w = aid
    post(w.beijing_api, w.item, "commitment", "1000000")
    post(w.beijing_api, w.item, "transfer", "600000")
    assert problem(post(w.lhasa_api, w.item, "receipt", "600000.01")) == (
        409,
        "receipt_exceeds_transfer",
        "amount_yuan",
    )
    post(w.lhasa_api, w.item, "receipt", "500000")
    assert problem(post(w.lhasa_api, w.item, "expenditure", "500001"))[:2] == (409, "expenditure_exceeds_receipt")
    # Each side writes its own kinds only.
    assert problem(post(w.beijing_api, w.item, "receipt", "1"))[:2] == (403, "entry_not_yours")
    assert problem(post(w.lhasa_api, w.item, "transfer", "1"))[:2] == (403, "entry_not_yours")
    # A date in the future, a negative or zero amount, more than two decimals, no voucher.
    assert problem(post(w.lhasa_api, w.item, "receipt", "1", date=day(1)))[:2] == (400, "date_in_future")
    for bad in ("-5", "0", "1.001"):
        assert problem(post(w.lhasa_api, w.item, "receipt", bad))[:2] == (400, "amount_invalid")
    assert problem(post(w.lhasa_api, w.item, "receipt", "1", evidence=""))[:2] == (400, "required")
    assert LedgerEntry.objects.count() == 3
    # An entry is never edited or deleted: through the API, the model and the database itself.
    entry = LedgerEntry.objects.get(seq=3)
    for method in ("put", "patch"):
        response = getattr(w.lhasa_api, method)(f"{API}/aid/items/{w.item['id']}/ledger/{entry.pk}", {"amount_yuan": 1})
        assert problem(response)[:2] == (409, "ledger_append_only")
    assert problem(w.lhasa_api.delete(f"{API}/aid/items/{w.item['id']}/ledger/{entry.pk}"))[:2] == (
        409,
        "ledger_append_only",
    )
    with pytest.raises(DomainError):
        entry.save()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_yuan=1)
    assert LedgerEntry.objects.get(pk=entry.pk).amount_yuan == 500000


def test_a_correction_is_a_reversal_by_the_side_that_posted(aid):
    w = aid
    post(w.beijing_api, w.item, "commitment", "1000000")
    wrong = post(w.beijing_api, w.item, "transfer", "60000").json()  # a zero short
    assert problem(post(w.lhasa_api, w.item, "reversal", "60000", reverses=wrong["id"]))[:2] == (403, "entry_not_yours")
    assert problem(post(w.beijing_api, w.item, "reversal", "6000", reverses=wrong["id"]))[:2] == (
        400,
        "reversal_amount",
    )
    taken = post(w.beijing_api, w.item, "reversal", "60000", reverses=wrong["id"])
    assert taken.status_code == 201
    assert problem(post(w.beijing_api, w.item, "reversal", "60000", reverses=wrong["id"]))[:2] == (
        409,
        "already_reversed",
    )
    post(w.beijing_api, w.item, "transfer", "600000")
    ledger = w.lhasa_api.get(f"{API}/aid/items/{w.item['id']}/ledger").json()
    assert Decimal(ledger["balances"]["transferred"]) == 600000
    assert [e["reversed_by"] for e in ledger["entries"] if e["id"] == wrong["id"]] == [taken.json()["id"]]
    # A receipt already spent is not reversed before the spending is.
    receipt = post(w.lhasa_api, w.item, "receipt", "600000").json()
    post(w.lhasa_api, w.item, "expenditure", "100")
    assert problem(post(w.lhasa_api, w.item, "reversal", "600000", reverses=receipt["id"]))[:2] == (
        409,
        "reversal_breaks_balance",
    )


def test_milestones_delivered_then_accepted(aid):
    w = aid
    project = w.beijing_api.post(f"{API}/aid/items", {
        "plan": w.plan["id"], "form": "project", "receiver": w.lhasa.pk, "title": "应急指挥中心建设",
        "amount_yuan": "3000000", "supporter_contact": "王强", "receiver_contact": "次仁", "deadline": day(400),
    }).json()  # fmt: skip
    path = f"{API}/aid/items/{project['id']}/milestones"
    first = w.beijing_api.post(path, {"title": "方案设计", "planned_on": day(-10), "weight": "1"}).json()
    w.beijing_api.post(path, {"title": "系统上线", "planned_on": day(60), "weight": "3"})
    accept = {"accepted_on": day(), "quality_ok": True, "quantity_ok": True}
    assert problem(w.lhasa_api.post(f"{path}/{first['id']}/accept", accept))[:2] == (409, "accepted_before_delivery")
    assert problem(w.lhasa_api.post(f"{path}/{first['id']}/deliver", {"delivered_on": day()}))[:2] == (
        403,
        "plan_not_yours",
    )
    assert problem(w.beijing_api.post(f"{path}/{first['id']}/accept", accept))[:2] == (403, "not_receiver")
    delivered = w.beijing_api.post(f"{path}/{first['id']}/deliver", {"delivered_on": day(-2)}).json()
    assert delivered["state"] == "delivered" and delivered["on_time"] is False  # 8 days after its date
    too_early = w.lhasa_api.post(f"{path}/{first['id']}/accept", accept | {"accepted_on": day(-3)})
    assert problem(too_early)[:2] == (409, "accepted_before_delivery")
    accepted = w.lhasa_api.post(f"{path}/{first['id']}/accept", accept).json()
    assert accepted["state"] == "accepted"
    assert Decimal(w.lhasa_api.get(f"{API}/aid/items/{project['id']}").json()["progress"]) == Decimal("0.25")


def test_a_supporting_unit_never_writes_to_another_units_plan(aid, api):
    w = aid
    jiangsu = api(w.jiangsu_aid)
    # Not even visible: 404 on the plan and its item.
    assert jiangsu.get(f"{API}/aid/plans/{w.plan['id']}").status_code == 404
    assert jiangsu.get(f"{API}/aid/items/{w.item['id']}").status_code == 404
    assert problem(post(jiangsu, w.item, "commitment", "1"))[:2] == (404, "not_found")
    body = {"plan": w.plan["id"], "form": "talent", "receiver": w.lhasa.pk, "title": "x", "supporter_contact": "a",
            "receiver_contact": "b", "deadline": day(10)}  # fmt: skip
    assert jiangsu.post(f"{API}/aid/items", body).status_code == 404
    assert AidItem.objects.count() == 1 and not LedgerEntry.objects.exists()
    assert jiangsu.get(f"{API}/aid/plans").json()["items"] == []


def test_who_sees_what(aid, api):
    w = aid
    assert [p["id"] for p in api(w.lhasa_aid).get(f"{API}/aid/plans").json()["items"]] == [w.plan["id"]]
    assert [i["id"] for i in api(w.region_aid).get(f"{API}/aid/items").json()["items"]] == [w.item["id"]]
    shigatse = api(w.shigatse_aid)
    assert shigatse.get(f"{API}/aid/items").json()["items"] == []
    assert shigatse.get(f"{API}/aid/items/{w.item['id']}").status_code == 404
    assert shigatse.get(f"{API}/aid/items/{w.item['id']}/ledger").status_code == 404
    assert problem(post(shigatse, w.item, "receipt", "1"))[:2] == (404, "not_found")
    # An item goes only to one of the plan's receivers.
    body = {"plan": w.plan["id"], "form": "talent", "receiver": w.shigatse.pk, "title": "x", "supporter_contact": "a",
            "receiver_contact": "b", "deadline": day(10)}  # fmt: skip
    assert problem(w.beijing_api.post(f"{API}/aid/items", body))[:2] == (400, "receiver_not_in_plan")
    # Funds state their amount.
    assert problem(w.beijing_api.post(f"{API}/aid/items", body | {"form": "funds", "receiver": w.lhasa.pk}))[:2] == (
        400,
        "amount_required",
    )


def test_the_dashboard_sums_the_ledger_as_the_items_do(aid):
    """reports.funds_* sum the whole ledger in the database, reversals included, and agree with each item's
    balances; the year's flows count only the entries dated in it."""
    from anjian.aid import reports, selectors

    w = aid
    post(w.beijing_api, w.item, "commitment", "1000000")
    wrong = post(w.beijing_api, w.item, "transfer", "70000").json()
    post(w.beijing_api, w.item, "reversal", "70000", reverses=wrong["id"])
    post(w.beijing_api, w.item, "transfer", "600000")
    post(w.lhasa_api, w.item, "receipt", "550000")
    post(w.lhasa_api, w.item, "expenditure", "120000")
    for person in (w.region_aid, w.lhasa_aid, w.beijing_aid):
        totals = reports.funds_total(person)
        b = selectors.item_balances(AidItem.objects.get())
        assert (totals["committed"], totals["transferred"], totals["received"], totals["spent"]) == (
            b.committed, b.transferred, b.received, b.spent
        )  # fmt: skip
        assert totals["in_transit"] == Decimal(50000)
    assert reports.funds_by(w.region_aid, "receiver") == [
        {"key": w.lhasa.pk, "committed": Decimal(1000000), "transferred": Decimal(600000),
         "received": Decimal(550000), "spent": Decimal(120000)}
    ]  # fmt: skip
    assert reports.funds_total(w.shigatse_aid)["committed"] == 0
    assert reports.funds_total(w.region_aid, year=timezone.localdate().year - 1)["committed"] == 0
    board = reports.dashboard(w.region_aid, timezone.localdate())
    assert board["item_count"] == 1 and board["by_form"][0]["key"] == "funds"
    assert reports.dashboard(w.region_aid, timezone.localdate(), division_prefix="5402")["item_count"] == 0


def test_an_item_moves_on_and_a_project_completes_with_its_milestones(aid):
    w = aid
    path = f"{API}/aid/items/{w.item['id']}"
    assert problem(w.lhasa_api.post(f"{path}/status", {"status": "under_way"}))[:2] == (403, "plan_not_yours")
    assert problem(w.beijing_api.post(f"{path}/status", {"status": "completed"}))[:2] == (409, "item_status")
    assert w.beijing_api.post(f"{path}/status", {"status": "under_way"}).json()["status"] == "under_way"
    w.beijing_api.post(f"{path}/milestones", {"title": "验收", "planned_on": day(5)})
    assert problem(w.beijing_api.post(f"{path}/status", {"status": "completed"}))[:2] == (409, "milestones_open")
    assert w.beijing_api.post(f"{path}/status", {"status": "cancelled"}).json()["status"] == "cancelled"


def test_a_cancelled_item_takes_no_new_money_or_milestones_but_its_entries_can_be_taken_back(aid):
    w = aid
    commitment = post(w.beijing_api, w.item, "commitment", "1000").json()
    w.beijing_api.post(f"{API}/aid/items/{w.item['id']}/status", {"status": "cancelled"})
    assert problem(post(w.beijing_api, w.item, "transfer", "10"))[:2] == (409, "item_closed")
    assert problem(
        w.beijing_api.post(f"{API}/aid/items/{w.item['id']}/milestones", {"title": "x", "planned_on": day(5)})
    )[:2] == (409, "item_closed")
    assert post(w.beijing_api, w.item, "reversal", "1000", reverses=commitment["id"]).status_code == 201


def test_commitments_stay_within_the_item_and_weights_in_fen(aid):
    w = aid
    assert post(w.beijing_api, w.item, "commitment", "900000").status_code == 201
    assert problem(post(w.beijing_api, w.item, "commitment", "100000.01"))[:2] == (409, "commitment_exceeds_amount")
    path = f"{API}/aid/items/{w.item['id']}/milestones"
    assert problem(w.beijing_api.post(path, {"title": "x", "planned_on": day(5), "weight": "0.001"}))[:2] == (
        400,
        "weight_invalid",
    )
    assert not w.beijing_api.get(path).json()


def test_an_entry_sent_again_with_its_id_is_posted_once(aid):
    import uuid

    w = aid
    key = str(uuid.uuid4())
    first = post(w.beijing_api, w.item, "commitment", "1000", uuid=key)
    again = post(w.beijing_api, w.item, "commitment", "1000", uuid=key)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert LedgerEntry.objects.count() == 1
    assert problem(post(w.beijing_api, w.item, "commitment", "2000", uuid=key))[:2] == (409, "entry_conflict")
