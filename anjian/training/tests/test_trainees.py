"""Trainees through the API: ID numbers checked and masked, scope, photos."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.core.models import AuditEntry
from anjian.training.models import Trainee
from conftest import make_person

pytestmark = pytest.mark.django_db

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True)) % 11]


TASHI = id_number("54010219900307123")


@pytest.fixture
def trainers(world):
    w = world
    w.lhasa_trainer = make_person("lhasa-trainer", w.lhasa, "trainer")
    w.shigatse_trainer = make_person("shigatse-trainer", w.shigatse, "trainer")
    return w


def register(api, person, **overrides):
    body = {"name": "扎西次仁", "id_number": TASHI, "audience": "special_operator", "education": "senior_high"}
    return api(person).post("/api/v1/trainees", body | overrides)


def test_register_and_mask(api, trainers):
    w = trainers
    response = register(api, w.lhasa_trainer, name="བཀྲ་ཤིས་ཚེ་རིང་")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id_number"] == TASHI and body["born_on"] == "1990-03-07"  # the trainer sees it in full
    assert body["name"] == "བཀྲ་ཤིས་ཚེ་རིང་" and body["division_code"] == "540100"
    path = f"/api/v1/trainees/{body['id']}"
    masked = api(w.lhasa_inspector).get(path).json()["id_number"]
    assert masked == TASHI[:6] + "********" + TASHI[-4:]
    assert api(w.lhasa_admin).get("/api/v1/trainees").json()["items"][0]["id_number"] == masked
    entry = AuditEntry.objects.get(object_id=body["id"])
    assert TASHI not in str(entry.after)  # the audit log does not keep it in full either


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (TASHI[:-1] + ("0" if TASHI[-1] != "0" else "1"), "id_number_check"),
        ("540102199002301234", "id_number_invalid"),  # 30 February
        ("54010219900307", "id_number_invalid"),
    ],
)
def test_bad_id_numbers_are_refused(api, trainers, number, code):
    response = register(api, trainers.lhasa_trainer, id_number=number)
    assert response.status_code == 400 and (response.json()["field"], response.json()["code"]) == ("id_number", code)
    assert Trainee.objects.count() == 0


def test_a_person_is_registered_once(api, trainers):
    assert register(api, trainers.lhasa_trainer).status_code == 201
    again = register(api, trainers.shigatse_trainer, id_number=TASHI.lower())
    assert again.status_code == 409 and again.json()["code"] == "trainee_exists"


def test_scope(api, trainers):
    w = trainers
    trainee = register(api, w.lhasa_trainer).json()
    assert api(w.shigatse_trainer).get(f"/api/v1/trainees/{trainee['id']}").status_code == 404
    assert api(w.shigatse_trainer).get("/api/v1/trainees").json()["count"] == 0
    assert api(w.region_admin).get(f"/api/v1/trainees/{trainee['id']}").status_code == 200
    assert api(w.beijing_aid).get("/api/v1/trainees").json()["count"] == 0
    assert register(api, w.lhasa_inspector).status_code == 403  # not a trainer


def test_photo(api, trainers):
    from PIL import Image

    w = trainers
    trainee = register(api, w.lhasa_trainer).json()
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), "white").save(buffer, "PNG")
    upload = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
    response = api(w.lhasa_trainer).client_post_file(f"/api/v1/trainees/{trainee['id']}/photo", upload)
    assert response.status_code == 200 and response.json()["has_photo"] is True
    fake = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    bad = api(w.lhasa_trainer).client_post_file(f"/api/v1/trainees/{trainee['id']}/photo", fake)
    assert bad.status_code == 400 and bad.json()["code"] == "photo_not_image"
    other = api(w.shigatse_trainer).client_post_file(f"/api/v1/trainees/{trainee['id']}/photo", upload)
    assert other.status_code == 404
