"""Pages: scoped like the API, navigation shows what the person may use."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.core.models import AuditEntry, Organisation, Person


def test_pages_need_a_login(client):
    for url in ("/", "/people/", "/organisations/", "/divisions/", "/audit/", "/account/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_home_shows_the_bureau_its_tree_people_and_sub_bureaus(world, client, login):
    login(world.lhasa_inspector)
    page = client.get("/").content.decode()
    assert "拉萨市安全生产监督管理局" in page
    assert "城关区" in page  # the division tree
    assert "lhasa-admin" in page  # the people of the bureau
    assert "城关区安全生产监督管理局" in page  # the bureau below
    assert "日喀则" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/people/{person}/",
        "/people/{person}/edit/",
        "/people/{person}/password/",
        "/organisations/{organisation}/",
        "/organisations/{organisation}/edit/",
        "/audit/core.person/{person}/",
    ],
)
def test_another_prefectures_pages_are_not_found(world, client, login, url):
    login(world.lhasa_admin)
    target = url.format(person=world.shigatse_inspector.pk, organisation=world.shigatse.pk)
    assert client.get(target).status_code == 404
    client.logout()
    login(world.region_admin)
    assert client.get(target).status_code == 200


def test_another_prefectures_records_cannot_be_changed_or_deleted_by_form(world, client, login):
    login(world.lhasa_admin)
    before = AuditEntry.objects.count()
    posts = [
        (f"/people/{world.shigatse_inspector.pk}/edit/", {"full_name": "x", "organisation": world.lhasa.pk}),
        (f"/people/{world.shigatse_inspector.pk}/deactivate/", {}),
        (f"/people/{world.shigatse_inspector.pk}/password/", {"password": "Xyz-98765-abc"}),
        (f"/organisations/{world.shigatse.pk}/edit/", {"name_zh": "x"}),
        (f"/organisations/{world.shigatse.pk}/delete/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert Person.objects.get(pk=world.shigatse_inspector.pk).is_active
    assert Organisation.objects.get(pk=world.shigatse.pk).name_zh == "日喀则市安全生产监督管理局"
    assert AuditEntry.objects.count() == before


def test_lists_show_only_the_scope(world, client, login):
    login(world.lhasa_inspector)
    people = client.get("/people/").content.decode()
    assert "lhasa-admin" in people and "chengguan-inspector" in people
    assert "shigatse-inspector" not in people
    organisations = client.get("/organisations/").content.decode()
    assert "城关区安全生产监督管理局" in organisations
    assert "日喀则市安全生产监督管理局" not in organisations


def test_navigation_shows_only_what_the_person_may_use(world, client, login):
    login(world.lhasa_inspector)
    page = client.get("/").content.decode()
    assert 'href="/audit/"' not in page
    assert 'href="/people/new/' not in page
    assert client.get("/audit/").status_code == 403
    assert client.get("/people/new/").status_code == 403
    client.logout()
    login(world.lhasa_admin)
    page = client.get("/").content.decode()
    assert 'href="/audit/"' in page
    assert 'href="/people/new/' in page


def test_an_administrator_creates_a_person_from_the_page(world, client, login):
    login(world.lhasa_admin)
    form = {
        "username": "norbu",
        "full_name": "诺布",
        "organisation": world.chengguan.pk,
        "roles": ["inspector"],
        "password": "Plateau-Inspector-7",
        "language": "bo",
    }
    response = client.post("/people/new/", form)
    assert response.status_code == 302
    norbu = Person.objects.get(username="norbu")
    assert norbu.roles == ["inspector"]
    assert norbu.organisation == world.chengguan
    # The same username again: a clear message on the field, nothing written.
    response = client.post("/people/new/", form | {"full_name": "另一个"})
    assert response.status_code == 200
    assert "norbu" in str(response.context["form"].errors["username"])
    assert Person.objects.filter(username="norbu").count() == 1


def test_the_person_form_offers_only_organisations_in_scope(world, client, login):
    login(world.lhasa_admin)
    choices = dict(client.get("/people/new/").context["form"].fields["organisation"].choices)
    assert world.chengguan.pk in choices
    assert world.shigatse.pk not in choices
    response = client.post(
        "/people/new/",
        {"username": "x1", "full_name": "x", "organisation": world.shigatse.pk, "password": "Plateau-Inspector-7"},
    )
    assert response.status_code == 200
    assert not Person.objects.filter(username="x1").exists()


def test_an_administrator_creates_a_bureau_below_from_the_page(world, client, login):
    login(world.lhasa_admin)
    response = client.post("/organisations/new/", {"kind": "bureau", "name_zh": "当雄县局", "division": "540122"})
    assert response.status_code == 302
    response = client.post("/organisations/new/", {"kind": "bureau", "name_zh": "萨迦县局", "division": "540223"})
    assert response.status_code == 200
    assert "540223" in str(response.context["form"].errors["division"])


def test_history_page_lists_changes(world, client, login):
    from anjian.core import services

    services.person_update(world.lhasa_admin, world.lhasa_inspector, title="副队长")
    login(world.lhasa_leader)
    page = client.get(f"/audit/core.person/{world.lhasa_inspector.pk}/").content.decode()
    assert "副队长" in page


def test_language_switch_is_remembered(world, client, login):
    login(world.lhasa_inspector)
    response = client.post("/language/", {"language": "en", "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert Person.objects.get(pk=world.lhasa_inspector.pk).language == "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert ">People<" in page
    # Not an open redirect.
    response = client.post("/language/", {"language": "bo", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_default_language_is_chinese_whatever_the_browser_says(world, client, login):
    login(world.lhasa_inspector)
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in page


def test_people_list_does_not_query_per_row(world, client, login):
    login(world.region_admin)
    client.get("/people/")
    with CaptureQueriesContext(connection) as few:
        client.get("/people/")
    for i in range(20):
        Person.objects.create(username=f"extra-{i}", full_name="x", organisation=world.lhasa)
    with CaptureQueriesContext(connection) as many:
        client.get("/people/")
    assert len(many) == len(few)


def test_static_files_come_from_the_platform(world, client, login):
    login(world.lhasa_inspector)
    page = client.get("/").content.decode()
    assert "/static/anjian/app.css" in page
    assert '<script src="/static/django_htmx/htmx' in page
    for marker in ("cdn", "googleapis", "unpkg", "jsdelivr"):
        assert marker not in page.lower()
    for url in ("/static/anjian/app.css", "/static/django_htmx/htmx-2.min.js"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)
