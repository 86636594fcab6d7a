"""Test personas and the shared database set-up.

The suite runs on PostgreSQL (DATABASE_URL) and, its fast part, on SQLite.
Personas follow one pattern: a person of one prefecture must never see another
prefecture's records; the region sees both.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from anjian.core.models import Division, Organisation, OrganisationKind, Person, SupportKind
from anjian.core.services import division_load_file

PASSWORD = "Correct-Horse-42"  # noqa: S105


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Division.objects.exists():
            division_load_file()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run in the test's own thread, as soon as they are queued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def make_person(username: str, organisation: Organisation, *roles: str, **extra) -> Person:
    person = Person(username=username, full_name=extra.pop("full_name", username), organisation=organisation, **extra)
    person.set_password(PASSWORD)
    person.save()
    person.groups.set(Group.objects.filter(name__in=roles))
    return person


def make_bureau(code: str, name: str) -> Organisation:
    return Organisation.objects.create(kind=OrganisationKind.BUREAU, name_zh=name, division_id=code)


def _ensure_calendar():
    """The statutory calendar is seeded by a migration; a transactional test before this one may have
    flushed it."""
    from anjian.core.models import CalendarYear
    from anjian.core.services import calendar_load_package

    if not CalendarYear.objects.exists():
        calendar_load_package()


@pytest.fixture
def world(db):
    """The region, two prefectures, a county, a supporting unit, and their people."""
    w = SimpleNamespace()
    _ensure_calendar()
    w.national = make_bureau("000000", "应急管理部")
    w.region = make_bureau("540000", "西藏自治区安全生产监督管理局")
    w.lhasa = make_bureau("540100", "拉萨市安全生产监督管理局")
    w.shigatse = make_bureau("540200", "日喀则市安全生产监督管理局")
    w.chengguan = make_bureau("540102", "城关区安全生产监督管理局")
    w.beijing = Organisation.objects.create(
        kind=OrganisationKind.SUPPORTING,
        support_kind=SupportKind.PROVINCE_BUREAU,
        name_zh="北京市应急管理局（援藏）",
        division_id="540100",
        home_division_id="110000",
    )
    w.platform_admin = make_person("admin", w.national, "admin", is_superuser=True, is_staff=True)
    w.region_admin = make_person("xizang-admin", w.region, "admin")
    w.region_leader = make_person("xizang-leader", w.region, "leader")
    w.lhasa_admin = make_person("lhasa-admin", w.lhasa, "admin")
    w.lhasa_inspector = make_person("lhasa-inspector", w.lhasa, "inspector")
    w.lhasa_leader = make_person("lhasa-leader", w.lhasa, "leader")
    w.chengguan_inspector = make_person("chengguan-inspector", w.chengguan, "inspector")
    w.shigatse_admin = make_person("shigatse-admin", w.shigatse, "admin")
    w.shigatse_inspector = make_person("shigatse-inspector", w.shigatse, "inspector")
    w.beijing_aid = make_person("beijing-aid", w.beijing, "aid")
    return w


@pytest.fixture
def login(client):
    """Log a persona in on the test client (through the real login page)."""

    def _login(person):
        response = client.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
        assert response.status_code == 302, response.content
        return client

    return _login


@pytest.fixture
def api(client):
    """A JSON client authenticated with a real API token of the persona."""
    from anjian.core.services import token_create

    class Api:
        def __init__(self, person=None, language="zh-hans"):
            self.headers = {"Accept-Language": language}
            if person is not None:
                _token, key = token_create(person, name="test")
                self.headers["Authorization"] = f"Bearer {key}"

        def get(self, path, **params):
            return client.get(path, params, headers=self.headers)

        def post(self, path, data=None, raw=None):
            body = raw if raw is not None else data
            return client.post(path, body, content_type="application/json", headers=self.headers)

        def patch(self, path, data):
            return client.patch(path, data, content_type="application/json", headers=self.headers)

        def put(self, path, data):
            return client.put(path, data, content_type="application/json", headers=self.headers)

        def delete(self, path):
            return client.delete(path, headers=self.headers)

        def client_post_file(self, path, upload):
            return client.post(path, {"file": upload}, headers=self.headers)

    return Api
