"""The document engine: gapless numbers per bureau, kind and year (also under concurrency), versions, PDF."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from anjian.enforcement.models import Document
from anjian.enterprises import services as enterprise_services
from anjian.enterprises.tests.test_api import credit, unit


@pytest.fixture
def units(world):
    lhasa = enterprise_services.enterprise_create(world.lhasa_inspector, **unit())
    shigatse = enterprise_services.enterprise_create(
        world.shigatse_inspector, **unit(name="日喀则单位", credit_code=credit(2, "540202"), division="540202")
    )
    return lhasa, shigatse


def pdf_font_names(pdf: bytes) -> set[bytes]:
    """The embedded fonts' names, also from compressed object streams."""
    import re
    import zlib

    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return {name for chunk in chunks for name in re.findall(rb"/FontName\s*/([^\s/<>\[\]]+)", chunk)}


def order_body(days=10):
    deadline = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    return {"findings": "配电箱未接地", "requirements": "加装接地线", "deadline": deadline}


def issue(caller, enterprise, kind="rectification_order", body=None, **extra):
    return caller.post(
        "/api/v1/documents", {"kind": kind, "enterprise": enterprise.pk, "body": body or order_body()} | extra
    )


def test_numbers_run_per_kind_without_gaps(world, api, units):
    caller = api(world.lhasa_inspector)
    year = timezone.localdate().year
    numbers = [issue(caller, units[0]).json()["number"] for _ in range(3)]
    assert numbers == [f"540100责改〔{year}〕{n}号" for n in (1, 2, 3)]
    record = issue(caller, units[0], kind="inspection_record", body={"place": "厂区", "findings": "见附表"})
    assert record.json()["number"] == f"540100现检〔{year}〕1号"
    other_bureau = api(world.shigatse_inspector)
    assert issue(other_bureau, units[1]).json()["number"] == f"540200责改〔{year}〕1号"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"findings": "x", "requirements": "y"}, "body.deadline", "required"),
        ({"findings": "x", "requirements": "y", "deadline": "2020-01-01"}, "body.deadline", "deadline_in_past"),
        ({"findings": "x", "requirements": "y", "deadline": "soon"}, "body.deadline", "invalid"),
        ({"findings": " ", "requirements": "y", "deadline": "2099-01-01"}, "body.findings", "required"),
    ],
)
def test_bad_documents_take_no_number(world, api, units, body, field, code):
    response = issue(api(world.lhasa_inspector), units[0], body=body)
    assert (response.status_code, response.json()["field"], response.json()["code"]) == (400, field, code)
    assert not Document.objects.exists()
    assert issue(api(world.lhasa_inspector), units[0]).json()["serial"] == 1  # no number was used up


def test_a_review_opinion_needs_the_order_it_reviews(world, api, units):
    caller = api(world.lhasa_inspector)
    response = issue(caller, units[0], kind="review_opinion", body={"opinion": "已整改"})
    assert (response.status_code, response.json()["code"]) == (400, "document_needs_earlier")
    order = issue(caller, units[0]).json()
    review = issue(caller, units[0], kind="review_opinion", body={"opinion": "已整改"}, refers_to=order["id"])
    assert review.status_code == 201
    assert review.json()["refers_to_id"] == order["id"]


def test_an_issued_document_is_corrected_by_a_new_version(world, api, units):
    caller = api(world.lhasa_inspector)
    first = issue(caller, units[0]).json()
    corrected = issue(caller, units[0], body=order_body(days=20), supersedes=first["id"])
    assert corrected.status_code == 201
    assert corrected.json()["supersedes_id"] == first["id"]
    assert corrected.json()["number"] != first["number"]
    again = issue(caller, units[0], supersedes=first["id"])
    assert (again.status_code, again.json()["code"]) == (409, "document_already_superseded")
    assert Document.objects.get(pk=first["id"]).body == first["body"]  # the original is unchanged


def test_the_pdf_embeds_chinese_and_tibetan_fonts(world, api, units):
    world.lhasa.name_bo = "ལྷ་ས་གྲོང་ཁྱེར་ཐོན་སྐྱེད་བདེ་འཇགས་ལྟ་རྟོག་དོ་དམ་ཅུས།"
    world.lhasa.save()
    caller = api(world.lhasa_inspector)
    document = issue(caller, units[0]).json()
    response = caller.get(f"/api/v1/documents/{document['id']}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    fonts = pdf_font_names(pdf)
    assert any(b"Noto-Serif-CJK" in name or b"Noto-Sans-CJK" in name for name in fonts), fonts
    assert any(b"Tibetan-Machine" in name for name in fonts), fonts


def test_documents_are_scoped(world, api, units):
    theirs = issue(api(world.shigatse_inspector), units[1]).json()
    lhasa = api(world.lhasa_inspector)
    assert lhasa.get(f"/api/v1/documents/{theirs['id']}").status_code == 404
    assert lhasa.get(f"/api/v1/documents/{theirs['id']}.pdf").status_code == 404
    assert issue(lhasa, units[1]).status_code == 404
    assert issue(lhasa, units[0], supersedes=theirs["id"]).status_code == 404
    assert lhasa.get("/api/v1/documents").json()["count"] == 0
    assert api(world.region_leader).get("/api/v1/documents").json()["count"] == 1
    assert issue(api(world.lhasa_leader), units[0]).status_code == 201
    from conftest import make_person

    statistician = make_person("lhasa-statistician", world.lhasa, "statistician")
    assert issue(api(statistician), units[0]).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections: PostgreSQL")
    from importlib import import_module

    from django.apps import apps as installed_apps

    from anjian.core.models import Organisation
    from anjian.core.services import division_load_file
    from anjian.enforcement.documents import document_issue
    from anjian.enterprises.models import Enterprise
    from conftest import make_bureau, make_person

    for migration in ("anjian.core.migrations.0002_roles", "anjian.enforcement.migrations.0004_hazard_roles"):
        import_module(migration).forwards(installed_apps, connection.schema_editor())
    if not Organisation.objects.exists():
        division_load_file()
    bureau = make_bureau("540100", "拉萨市局")
    inspectors = [make_person(f"inspector-{i}", bureau, "inspector") for i in range(8)]
    enterprise = Enterprise.objects.create(
        name="并发单位", credit_code=credit(9), legal_representative="x", division_id="540102", industry="C"
    )
    errors = []

    def work(person):
        try:
            for _ in range(5):
                document_issue(person, kind="rectification_order", enterprise=enterprise, body=order_body())
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(p,)) for p in inspectors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Document.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 41))


def test_print_view_and_pdf_from_the_pages(world, api, client, login, units):
    document = issue(api(world.lhasa_inspector), units[0]).json()
    login(world.lhasa_leader)
    page = client.get(f"/documents/{document['id']}/").content.decode()
    assert document["number"] in page and "@page" in page
    assert client.get(f"/documents/{document['id']}.pdf").content.startswith(b"%PDF")
    assert document["number"] in client.get(f"/enterprises/{units[0].pk}/").content.decode()
    client.logout()
    login(world.shigatse_admin)
    assert client.get(f"/documents/{document['id']}/").status_code == 404
    assert client.get(f"/documents/{document['id']}.pdf").status_code == 404


def test_issue_an_order_and_its_review_from_the_pages(world, api, client, login, units):
    login(world.lhasa_inspector)
    base = f"/enterprises/{units[0].pk}/documents/new/"
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        base + "?kind=rectification_order", {"findings": "未接地", "requirements": "加装接地线", "deadline": deadline}
    )
    assert response.status_code == 302
    order = Document.objects.get()
    assert response["Location"] == f"/documents/{order.pk}/"
    form = client.get(base + "?kind=review_opinion").context["form"]
    assert dict(form.fields["refers_to"].choices) == {order.pk: f"{order.number} {order.get_kind_display()}"}
    response = client.post(base + "?kind=review_opinion", {"opinion": "复查合格", "refers_to": order.pk})
    assert response.status_code == 302
    assert Document.objects.get(kind="review_opinion").refers_to == order
    past = client.post(
        base + "?kind=rectification_order", {"findings": "x", "requirements": "y", "deadline": "2020-01-01"}
    )
    assert past.status_code == 200 and Document.objects.count() == 2
    assert client.get(base + "?kind=nonsense").status_code == 404
    assert client.get(f"/enterprises/{units[1].pk}/documents/new/?kind=rectification_order").status_code == 404


def test_correct_a_document_from_the_pages(world, api, client, login, units):
    first = issue(api(world.lhasa_inspector), units[0]).json()
    login(world.lhasa_inspector)
    url = f"/enterprises/{units[0].pk}/documents/new/?kind=rectification_order&supersedes={first['id']}"
    form = client.get(url).context["form"]
    assert form.initial["findings"] == "配电箱未接地"  # the old text, to correct
    data = dict(form.initial) | {"requirements": "加装接地线并检测"}
    response = client.post(url, data)
    assert response.status_code == 302
    corrected = Document.objects.get(supersedes_id=first["id"])
    assert corrected.body["requirements"] == "加装接地线并检测"
    assert Document.objects.get(pk=first["id"]).body["requirements"] == "加装接地线"
