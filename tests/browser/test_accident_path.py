"""In a real browser: a county's duty officer records a mine accident at night; the county, the prefecture and
the region forward it in turn, each seeing it arrive in its inbox, until the chain is complete and on time."""

from datetime import timedelta

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


def test_record_and_forward_up_the_chain(live_server, page, loaded_world):
    from anjian.accidents.models import Accident
    from conftest import make_person

    w = loaded_world
    make_person("chengguan-commander", w.chengguan, "commander")
    make_person("lhasa-statistician", w.lhasa, "statistician")
    make_person("xizang-statistician", w.region, "statistician")
    url = live_server.url
    now = timezone.localtime()

    log_in(page, url, "chengguan-commander")
    page.goto(f"{url}/accidents/new/")
    page.fill("input[name=occurred_at]", (now - timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=head_informed_at]", (now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("select[name=division]", "540102")
    page.fill("input[name=unit_name]", "某矿业有限公司")
    page.select_option("select[name=sector]", "industrial")
    page.select_option("select[name=industry]", "coal_mine")
    page.select_option("select[name=category]", "15")
    page.fill("input[name=deaths]", "3")
    page.fill("input[name=missing]", "2")
    page.fill("textarea[name=summary]", "井下发生瓦斯爆炸，3人死亡、2人下落不明")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}/accidents/*-*/")
    assert page.get_by_test_id("severity").get_attribute("data-severity") == "larger"  # 5 dead and missing: 3–9
    chain = page.get_by_test_id("chain")
    assert [chain.locator("tr[data-division]").nth(i).get_attribute("data-division") for i in range(3)] == [
        "540102",
        "540100",
        "540000",
    ]
    accident_url = page.url
    page.get_by_test_id("forward").click()
    page.wait_for_url(accident_url)

    for username, nxt in (("lhasa-statistician", "540000"), ("xizang-statistician", None)):
        page.click("header form button.link")  # log out
        log_in(page, url, username)
        page.goto(f"{url}/accidents/")
        inbox = page.get_by_test_id("inbox")
        if nxt:
            assert "某矿业有限公司" in inbox.inner_text()
            inbox.get_by_role("link").first.click()
            page.wait_for_url(accident_url)
            page.get_by_test_id("forward").click()
            page.wait_for_url(accident_url)
        else:
            assert inbox.count() == 0  # the region is the end of a larger accident's chain
            page.goto(accident_url)
    rows = page.get_by_test_id("chain").locator("tbody tr")
    assert [rows.nth(i).get_attribute("data-status") for i in range(rows.count())] == ["on_time"] * 3
    accident = Accident.objects.get()
    assert accident.awaiting_division == "" and accident.severity == "larger"
