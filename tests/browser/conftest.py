"""Fixtures of the browser tests: Debian's Chromium through Playwright, and the test world."""

import os
import shutil

import pytest
from django.contrib.auth.models import Group

from anjian.core.models import Division
from anjian.core.services import division_load_file

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # database calls are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
        yield context.new_page()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def loaded_world(request):
    """A transactional test's database is emptied afterwards: put back what the
    migrations and the session set-up had loaded."""
    from importlib import import_module

    from django.apps import apps as installed_apps
    from django.db import connection

    if not Group.objects.exists():
        for migration in (
            "anjian.core.migrations.0002_roles",
            "anjian.enterprises.migrations.0002_roles",
            "anjian.enforcement.migrations.0002_roles",
            "anjian.enforcement.migrations.0004_hazard_roles",
            "anjian.enforcement.migrations.0010_case_roles_and_bases",
            "anjian.accidents.migrations.0002_roles",
            "anjian.indicators.migrations.0002_roles",
            "anjian.training.migrations.0002_roles",
            "anjian.emergency.migrations.0002_roles",
            "anjian.aid.migrations.0002_roles",
        ):
            import_module(migration).forwards(installed_apps, connection.schema_editor())
    from anjian.enforcement.models import ChecklistTemplate

    if not ChecklistTemplate.objects.exists():
        import_module("anjian.enforcement.migrations.0007_checklists").forwards(
            installed_apps, connection.schema_editor()
        )
    if not Division.objects.exists():
        division_load_file()
    return request.getfixturevalue("world")
