"""In a real browser: Beijing's aid coordinator has committed and transferred funds for Lhasa's enforcement
equipment; Lhasa's coordinator opens the item, sees the transfer in transit, tries to confirm more than was sent
(refused, nothing written), confirms the amount received with the bank reference, and the item is reconciled."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, url, username):
    from conftest import PASSWORD

    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}/")


def test_a_transfer_confirmed_by_the_receiving_bureau(live_server, page, loaded_world):
    from anjian.aid import services
    from anjian.aid.models import LedgerEntry
    from conftest import make_person

    w = loaded_world
    make_person("lhasa-aid", w.lhasa, "aid")
    today = timezone.localdate()
    plan = services.plan_create(
        w.beijing_aid, title="北京市援藏安全生产规划", starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2030, 12, 31), receivers=[w.lhasa.pk],
    )  # fmt: skip
    item = services.item_create(
        w.beijing_aid, plan, form="funds", receiver_id=w.lhasa.pk, title="执法装备购置资金", amount_yuan="800000",
        deadline=today + datetime.timedelta(days=200), supporter_contact="王强", receiver_contact="次仁",
    )  # fmt: skip
    services.ledger_post(w.beijing_aid, item, kind="commitment", amount_yuan="800000", date=today)
    services.ledger_post(w.beijing_aid, item, kind="transfer", amount_yuan="500000", date=today, evidence="京财拨-17")
    url = live_server.url

    log_in(page, url, "lhasa-aid")
    page.goto(f"{url}/aid/items/{item.pk}/")
    assert page.locator("[data-reconciliation]").get_attribute("data-reconciliation") == "in_transit"
    assert Decimal(page.locator("[data-balances]").get_attribute("data-in-transit")) == 500000

    entry = page.locator("form[data-form=entry]")
    if not entry.is_visible():
        page.locator("form[data-form=entry]").locator("xpath=ancestor::details").locator("summary").click()
    entry.locator("select[name=kind]").select_option("receipt")
    entry.locator("input[name=amount_yuan]").fill("500000.01")
    entry.locator("input[name=evidence]").fill("藏财收-0925")
    entry.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert LedgerEntry.objects.filter(kind="receipt").count() == 0  # more than was sent: refused

    entry = page.locator("form[data-form=entry]")
    if not entry.is_visible():
        entry.locator("xpath=ancestor::details").locator("summary").click()
    entry.locator("select[name=kind]").select_option("receipt")
    entry.locator("input[name=amount_yuan]").fill("500000")
    entry.locator("input[name=evidence]").fill("藏财收-0925")
    entry.locator("button[type=submit]").click()
    page.wait_for_url(f"{url}/aid/items/{item.pk}/*")
    assert page.locator("[data-reconciliation]").get_attribute("data-reconciliation") == "matched"
    assert page.locator("tr[data-entry][data-kind=receipt]").count() == 1
    receipt = LedgerEntry.objects.get(kind="receipt")
    assert receipt.recorded_org_id == w.lhasa.pk and receipt.evidence_note == "藏财收-0925"
