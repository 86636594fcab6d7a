"""In a real browser: a leader draws, a drawn inspector inspects the unit, records a hazard and
follows it until it is closed."""

import datetime

import pytest
from django.db import connections
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, url, username):
    from conftest import PASSWORD

    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}/")


def test_from_a_draw_to_a_closed_hazard(live_server, page, loaded_world):
    from anjian.enforcement.models import DrawAssignment, Hazard
    from anjian.enforcement.services import certificate_set
    from anjian.enterprises.services import enterprise_create
    from anjian.enterprises.tests.test_api import credit, unit
    from conftest import make_person

    world = loaded_world
    second = make_person("lhasa-inspector-2", world.lhasa, "inspector")
    for i, person in enumerate((world.lhasa_inspector, second)):
        certificate_set(world.lhasa_admin, person, number=f"藏执{i}", valid_until=datetime.date(2030, 1, 1))
    enterprise_create(world.lhasa_admin, **unit(name="浏览器测试单位", credit_code=credit(1)))

    url = live_server.url
    log_in(page, url, "lhasa-leader")
    page.goto(f"{url}/inspection-plans/new/")
    page.fill("input[name=name]", "浏览器抽查")
    page.fill("input[name=count_all]", "1")
    page.click("button[type=submit].primary")
    page.click("form.actions button[type=submit]")  # freeze the register, commit the seed
    page.click("text=公开种子并抽取")  # reveal and draw
    page.click("text=验证抽取")
    assert "验证通过" in page.locator("main").inner_text()
    page.click("header form button.link")  # log out

    assignment = DrawAssignment.objects.get()
    officers = sorted(p.username for p in assignment.inspectors.all())
    assert officers == ["lhasa-inspector", "lhasa-inspector-2"]
    log_in(page, url, "lhasa-inspector")
    page.goto(f"{url}/enterprises/{assignment.enterprise_id}/")
    page.click("text=记录检查")
    page.fill("input[name=place]", "生产车间")
    page.fill("input[name=representatives]", "扎西")
    for name in officers:
        page.check(f"input[name=inspectors][value='{name}']")
    radios = page.locator("input[type=radio][value=pass]")
    for i in range(radios.count()):
        radios.nth(i).check()
    page.locator("input[type=radio][value=fail]").first.check()
    page.click("button[type=submit].primary")
    assert "现检〔" in page.locator("main").inner_text()

    page.goto(f"{url}/enterprises/{assignment.enterprise_id}/hazards/new/")
    page.fill("textarea[name=description]", "应急预案未演练")
    page.fill("input[name=responsible_person]", "扎西")
    page.fill("input[name=deadline]", (timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    page.click("button[type=submit].primary")
    for step in ("整改中", "已提交核查", "关闭"):
        page.click(f"button[name=to]:has-text('{step}')")
        page.wait_for_load_state()
    assert Hazard.objects.get().state == "closed"
    assert "关闭" in page.locator("main dl").inner_text()
    connections.close_all()  # see test_login_language_scope: the test body's own connection
