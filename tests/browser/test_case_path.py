"""In a real browser: a penalty case from opening to closing, each step taken by the role the law names."""

import datetime

import pytest
from django.db import connections

from tests.browser.test_inspection_path import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def take(page, action, **fields):
    """Open the step's panel on the case page, fill its fields, submit, and wait for the page to come back."""
    page.click(f"details:has(form[data-action={action}]) summary")
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        target = form.locator(f"[name={action}-{name}]")
        if value is True:
            target.check()
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_case_from_opening_to_closing(live_server, page, loaded_world):
    from anjian.enforcement.models import Case
    from anjian.enforcement.services import certificate_set
    from anjian.enterprises.services import enterprise_create
    from anjian.enterprises.tests.test_api import credit, unit
    from conftest import make_person

    world = loaded_world
    second = make_person("lhasa-inspector-2", world.lhasa, "inspector")
    make_person("lhasa-legal", world.lhasa, "legal")
    for i, person in enumerate((world.lhasa_inspector, second)):
        certificate_set(world.lhasa_admin, person, number=f"藏执{i}", valid_until=datetime.date(2030, 1, 1))
    enterprise = enterprise_create(world.lhasa_admin, **unit(name="浏览器案件单位", credit_code=credit(7)))
    url = live_server.url

    log_in(page, url, "lhasa-inspector")
    page.goto(f"{url}/enterprises/{enterprise.pk}/")
    page.click(f"a[href='/enterprises/{enterprise.pk}/cases/new/']")
    page.fill("input[name=summary]", "未对安全设备进行经常性维护")
    page.select_option("select[name=investigators]", ["lhasa-inspector", "lhasa-inspector-2"])
    page.select_option("select[name=basis]", "WSL2021-99")
    page.fill("textarea[name=facts]", "提升机安全保护装置失效")
    page.select_option("select[name=penalty_kind]", "fine")
    page.fill("input[name=amount]", "20000")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}/cases/**")
    case_url = page.url
    case = Case.objects.get()
    assert case.state == "filing"

    def as_(username):
        page.click("header form button.link")  # log out
        log_in(page, url, username)
        page.goto(case_url)

    as_("lhasa-leader")
    take(page, "approve_filing", opinion="同意立案")
    assert "立审〔" in page.locator("h1").inner_text()
    as_("lhasa-inspector")
    take(page, "submit_review")
    as_("lhasa-legal")
    take(page, "review", opinion="事实清楚，证据确凿")
    as_("lhasa-inspector")
    take(page, "notify")
    take(page, "serve_notice", recipient="扎西", method="直接送达")
    as_("lhasa-leader")
    take(page, "decide", waived=True)
    as_("lhasa-inspector")
    take(page, "serve", recipient="扎西")
    assert page.locator("[data-testid=case-owed]").inner_text() == "20000.00"
    take(page, "pay", amount="20000")
    take(page, "disclose")
    as_("lhasa-leader")
    take(page, "close")
    case.refresh_from_db()
    assert (case.state, case.outcome, case.paid_on is not None) == ("closed", "penalty", True)
    assert case.documents.filter(kind="penalty_decision").exists()
    # The public page shows the decision, no login needed.
    page.click("header form button.link")
    page.goto(f"{url}/public/penalties/{world.lhasa.pk}/")
    assert "浏览器案件单位" in page.locator("main").inner_text()
    connections.close_all()  # see test_login_language_scope: the test body's own connection
