"""The registry's pages: scoped, with search, filters and forms."""

import pytest

from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.test_api import credit, unit


@pytest.fixture
def units(world):
    lhasa = services.enterprise_create(world.lhasa_inspector, **unit())
    shigatse = services.enterprise_create(
        world.shigatse_inspector,
        **unit(name="日喀则桑珠孜矿业有限公司", credit_code=credit(2, "540202"), division="540202", industry="B09"),
    )
    return lhasa, shigatse


def test_list_and_detail_are_scoped(world, client, login, units):
    lhasa, shigatse = units
    login(world.lhasa_inspector)
    page = client.get("/enterprises/").content.decode()
    assert lhasa.name in page and shigatse.name not in page
    assert client.get(f"/enterprises/{lhasa.pk}/").status_code == 200
    for url in (f"/enterprises/{shigatse.pk}/", f"/enterprises/{shigatse.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/enterprises/{shigatse.pk}/edit/", {"name": "x"}).status_code == 404
    assert Enterprise.objects.get(pk=shigatse.pk).name == "日喀则桑珠孜矿业有限公司"


def test_history_of_another_prefectures_unit_is_not_found(world, client, login, units):
    _lhasa, shigatse = units
    login(world.lhasa_leader)
    assert client.get(f"/audit/enterprises.enterprise/{shigatse.pk}/").status_code == 404
    client.logout()
    login(world.region_leader)
    assert client.get(f"/audit/enterprises.enterprise/{shigatse.pk}/").status_code == 200


def test_search_by_credit_code_and_filter_by_category(world, client, login, units):
    login(world.region_leader)
    page = client.get("/enterprises/", {"q": units[1].credit_code[:12]}).content.decode()
    assert units[1].name in page and units[0].name not in page
    page = client.get("/enterprises/", {"category": "industry_trade", "division": "540100"}).content.decode()
    assert units[0].name in page and units[1].name not in page
    assert client.get("/enterprises/", {"category": "nonsense", "status": "x"}).status_code == 200


def test_register_from_the_page(world, client, login):
    login(world.lhasa_inspector)
    form = client.get("/enterprises/new/").context["form"]
    counties = dict(form.fields["division"].choices)
    assert "540102" in counties and "540202" not in counties
    data = unit(credit_code=credit(3).lower(), categories=["construction"], lat="", lon="", status="operating")
    response = client.post("/enterprises/new/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    created = Enterprise.objects.get(credit_code=credit(3))
    assert created.category_list == ["construction"]
    # The same code again: the message is on the credit code field.
    response = client.post("/enterprises/new/", data | {"name": "另一家"})
    assert response.status_code == 200
    assert credit(3) in str(response.context["form"].errors["credit_code"])


def test_edit_from_the_page(world, client, login, units):
    lhasa, _ = units
    login(world.lhasa_inspector)
    form = client.get(f"/enterprises/{lhasa.pk}/edit/").context["form"]
    assert "credit_code" not in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None} | {"status": "suspended", "employees": 90}
    data["categories"] = ["industry_trade", "metallurgy"]
    response = client.post(f"/enterprises/{lhasa.pk}/edit/", data)
    assert response.status_code == 302
    lhasa.refresh_from_db()
    assert (lhasa.status, lhasa.employees) == ("suspended", 90)


def test_a_leader_reads_but_does_not_register(world, client, login, units):
    login(world.lhasa_leader)
    assert client.get("/enterprises/").status_code == 200
    assert 'href="/enterprises/new/"' not in client.get("/enterprises/").content.decode()
    assert client.get("/enterprises/new/").status_code == 403


def test_import_from_the_pages(world, client, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anjian.enterprises.tests.test_import import HEADER, good

    login(world.lhasa_inspector)
    assert client.get("/enterprises/import/").status_code == 200
    bad = "坏单位,12345,扎西,540102,C3021,,10,正常生产经营\n"
    upload = SimpleUploadedFile("units.csv", (HEADER + good(1) + bad).encode("gb18030"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprises/import/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "12345" in page  # the bad row's reason names the code
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"] + "commit/", {"mode": "all_or_nothing"})
    assert not Enterprise.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"] + "commit/", {"mode": "good_rows"})
    assert Enterprise.objects.count() == 1
    # Polling (htmx) gets the status fragment only.
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment


def test_export_from_the_list_page_keeps_the_filters(world, client, login, units):
    import io

    from openpyxl import load_workbook

    login(world.region_leader)
    response = client.get("/enterprises/export.xlsx", {"division": "540200"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["日喀则桑珠孜矿业有限公司"]


def test_another_prefectures_import_is_not_found(world, client, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anjian.enterprises.tests.test_import import HEADER, good

    login(world.shigatse_inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/enterprises/import/", {"file": SimpleUploadedFile("u.csv", (HEADER + good(1, "540202")).encode())}
        )
    client.logout()
    login(world.lhasa_inspector)
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"] + "commit/", {"mode": "good_rows"}).status_code == 404
    assert not Enterprise.objects.exists()
