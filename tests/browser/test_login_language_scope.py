"""In a real browser (Debian's Chromium through Playwright): a prefecture
inspector logs in, switches to Tibetan, sees the translated navigation, and
gets "not found" for another prefecture's record."""

import os

import pytest
from django.db import connections
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tibetan(text):
    with translation.override("bo"):
        return translation.gettext(text)


def test_inspector_in_tibetan_cannot_open_another_prefecture(live_server, page, loaded_world):
    from conftest import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "lhasa-inspector")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "拉萨市安全生产监督管理局"

    page.click("form.lang button[value=bo]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "bo"
    nav = page.locator("nav.nav").inner_text()
    for label in ("Home", "Divisions", "Organisations", "People"):
        translated = tibetan(label)
        assert translated != label and any("\u0f00" <= ch <= "\u0fff" for ch in translated)
        assert translated in nav
    assert tibetan("Audit log") not in nav  # an inspector has no audit log

    response = page.goto(f"{live_server.url}/people/{loaded_world.shigatse_inspector.pk}/")
    assert response.status == 404
    assert tibetan("Not found.") in page.locator("main").inner_text()
    page.screenshot(path=os.path.join(os.environ.get("ANJIAN_VAR_DIR", "var"), "browser-not-found-bo.png"))

    # Its own prefecture's record opens, still in Tibetan.
    response = page.goto(f"{live_server.url}/people/{loaded_world.lhasa_admin.pk}/")
    assert response.status == 200
    assert "lhasa-admin" in page.locator("main").inner_text()
    # Under Playwright's sync API (greenlets) the test body has a database
    # connection of its own, which nothing else closes; an open one would keep
    # the test database from being dropped.
    connections.close_all()
