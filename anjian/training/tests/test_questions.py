"""The question bank: kinds, both languages, versions, answers kept from non-trainers, import with preview, scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.training.models import Question, QuestionVersion
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world):
    w = world
    w.lhasa_trainer = make_person("lhasa-trainer", w.lhasa, "trainer")
    w.shigatse_trainer = make_person("shigatse-trainer", w.shigatse, "trainer")
    w.region_trainer = make_person("xizang-trainer", w.region, "trainer")
    return w


SINGLE = {
    "kind": "single",
    "operation_item": "1.2",
    "knowledge_point": "触电急救",
    "difficulty": 2,
    "text_zh": "发现有人触电，首先应当：",
    "text_bo": "མི་ཞིག་གློག་གིས་ཐེབས་པ་མཐོང་ན་ཐོག་མར་ཅི་བྱེད་དགོས།",
    "options": [{"zh": "立即切断电源"}, {"zh": "用手拉开触电者"}, {"zh": "拨打电话"}],
    "answer": [0],
}


def test_every_kind(api, bank):
    t = bank.lhasa_trainer
    single = api(t).post("/api/v1/questions", SINGLE)
    assert single.status_code == 201, single.json()
    assert single.json()["category"] == "1" and single.json()["current"]["answer"] == [0]
    multiple = SINGLE | {"kind": "multiple", "answer": [0, 2]}
    assert api(t).post("/api/v1/questions", multiple).status_code == 201
    judge = {"kind": "judge", "difficulty": 1, "text_zh": "高处作业是指2米及以上的作业。", "answer": [0]}
    body = api(t).post("/api/v1/questions", judge).json()
    assert [o["zh"] for o in body["current"]["options"]] == ["正确", "错误"]
    sheet = [{"key": "a", "label": "验电", "max": 40}, {"key": "b", "label": "接线", "max": 60}]
    practical = {
        "kind": "practical",
        "operation_item": "1.2",
        "difficulty": 3,
        "text_zh": "单相电能表接线",
        "sheet": sheet,
    }
    assert api(t).post("/api/v1/questions", practical).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"answer": [0, 1]}, "answer", "question_answer_invalid"),
        ({"answer": [5]}, "answer", "question_answer_invalid"),
        ({"kind": "multiple", "answer": [1]}, "answer", "question_answer_invalid"),
        ({"options": [{"zh": "只有一个"}]}, "options", "question_options_count"),
        ({"options": [{"zh": "甲"}, {"zh": ""}]}, "options", "question_option_empty"),
        ({"text_zh": "", "text_bo": ""}, "text_zh", "question_text_required"),
        ({"operation_item": "1.9"}, "operation_item", "operation_item_unknown"),
        ({"kind": "practical", "sheet": [{"key": "a", "max": 90}]}, "sheet", "question_sheet_total"),
    ],
)
def test_bad_questions(api, bank, overrides, field, code):
    response = api(bank.lhasa_trainer).post("/api/v1/questions", SINGLE | overrides)
    assert response.status_code == 400 and (response.json()["field"], response.json()["code"]) == (field, code)
    assert Question.objects.count() == 0


def test_an_edit_is_a_new_version(api, bank):
    t = bank.lhasa_trainer
    created = api(t).post("/api/v1/questions", SINGLE).json()
    edited = api(t).put(
        f"/api/v1/questions/{created['id']}", SINGLE | {"text_zh": "发现有人触电时，首先应：", "answer": [0]}
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2 and edited.json()["versions"] == 2
    first = QuestionVersion.objects.get(question_id=created["id"], number=1)
    assert first.text_zh == "发现有人触电，首先应当："  # what an exam drew stays as it was


def test_answers_only_for_trainers_and_scope(api, bank):
    w = bank
    regional = api(w.region_trainer).post("/api/v1/questions", SINGLE).json()
    local = api(w.lhasa_trainer).post("/api/v1/questions", SINGLE).json()
    seen = {q["id"]: q for q in api(w.lhasa_inspector).get("/api/v1/questions").json()["items"]}
    assert set(seen) == {regional["id"], local["id"]}  # the region's bank serves Lhasa
    assert all(q["current"]["answer"] is None for q in seen.values())
    assert api(w.shigatse_trainer).get(f"/api/v1/questions/{local['id']}").status_code == 404
    refused = api(w.lhasa_trainer).put(f"/api/v1/questions/{regional['id']}", SINGLE)
    assert refused.status_code == 403 and refused.json()["code"] == "question_not_yours"


CSV = (
    "kind,operation_item,knowledge_point,difficulty,text_zh,text_bo,option_a,option_b,option_c,answer\n"
    "单选,1.2,安全用具,2,低压验电器的测量范围是：,,60-500V,500-1000V,1000V以上,A\n"
    "判断,3.1,高处作业,1,登高作业必须系安全带。,,,,,对\n"
    "多选,2.1,防火,3,动火作业前应：,,办理动火证,清理可燃物,无需监护,AB\n"
)


def test_import_with_preview_then_all_or_nothing(api, bank):
    t = bank.lhasa_trainer

    def send(text, preview):
        upload = SimpleUploadedFile("q.csv", text.encode("gb18030"), content_type="text/csv")
        path = f"/api/v1/questions/import?preview={'true' if preview else 'false'}"
        return api(t).client_post_file(path, upload)

    preview = send(CSV, True).json()
    assert (preview["valid"], preview["invalid"], preview["created"]) == (3, 0, 0)
    assert Question.objects.count() == 0
    bad = CSV.replace(",AB\n", ",A\n")  # multiple choice with one answer
    result = send(bad, False).json()
    assert result["invalid"] == 1 and result["created"] == 0
    assert [(r["line"], r["code"]) for r in result["rows"] if not r["ok"]] == [(4, "question_answer_invalid")]
    assert Question.objects.count() == 0
    assert send(CSV, False).json()["created"] == 3
    assert sorted(Question.objects.values_list("kind", flat=True)) == ["judge", "multiple", "single"]


def test_an_oversized_question_file_is_refused_before_it_is_read(api, login, bank, settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("q.csv", CSV.encode("gb18030"), content_type="text/csv")
    response = api(bank.lhasa_trainer).client_post_file("/api/v1/questions/import?preview=false", upload)
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    upload = SimpleUploadedFile("q.csv", CSV.encode("gb18030"), content_type="text/csv")
    page = login(bank.lhasa_trainer).post("/training/questions/import/", {"file": upload})
    assert page.status_code == 200 and 'data-testid="preview-result"' not in page.content.decode()
    assert Question.objects.count() == 0
