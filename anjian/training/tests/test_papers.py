"""Paper rules: 100 points, pools checked against the bank; papers drawn reproducibly, shuffled, with the versions."""

import pytest

from anjian.training import services
from anjian.training.models import PaperRule
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world):
    w = world
    w.lhasa_trainer = make_person("lhasa-trainer", w.lhasa, "trainer")
    w.shigatse_trainer = make_person("shigatse-trainer", w.shigatse, "trainer")
    for n in range(30):
        services.question_create(
            w.lhasa_trainer,
            {
                "kind": "single",
                "operation_item": "1.2",
                "difficulty": 1 + n % 3,
                "text_zh": f"单选题{n}",
                "options": [{"zh": f"甲{n}"}, {"zh": f"乙{n}"}, {"zh": f"丙{n}"}, {"zh": f"丁{n}"}],
                "answer": [n % 4],
            },
        )
    for n in range(12):
        services.question_create(
            w.lhasa_trainer,
            {"kind": "judge", "operation_item": "1.2", "difficulty": 1, "text_zh": f"判断题{n}", "answer": [n % 2]},
        )
    return w


RULE = {
    "name": "低压电工作业理论考试",
    "operation_item": "1.2",
    "items": [{"kind": "judge", "count": 10, "points": "2"}, {"kind": "single", "count": 20, "points": "4"}],
}


def test_a_rule_and_its_reproducible_papers(api, bank):
    t = bank.lhasa_trainer
    response = api(t).post("/api/v1/papers", RULE)
    assert response.status_code == 201, response.json()
    rule = response.json()
    assert (rule["duration_minutes"], rule["pass_mark"]) == (120, 80)  # the exam rule of Order 30
    first = api(t).get(f"/api/v1/papers/{rule['id']}/draw", seed="A-1").json()
    assert first == api(t).get(f"/api/v1/papers/{rule['id']}/draw", seed="A-1").json()
    other = api(t).get(f"/api/v1/papers/{rule['id']}/draw", seed="A-2").json()
    assert [q["question"] for q in first] != [q["question"] for q in other]
    assert len(first) == 30 and sum(float(q["points"]) for q in first) == 100
    single = next(q for q in first if q["kind"] == "single")
    # the answer follows its option wherever the shuffle put it
    number = single["text_zh"].removeprefix("单选题")
    right = ["甲", "乙", "丙", "丁"][int(number) % 4] + number
    assert single["options"][single["answer"][0]]["zh"] == right


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{"kind": "judge", "count": 10, "points": "2"}], "paper_rule_total"),
        ([{"kind": "judge", "count": 20, "points": "5"}], "paper_pool_too_small"),
    ],
)
def test_bad_rules(api, bank, items, code):
    response = api(bank.lhasa_trainer).post("/api/v1/papers", RULE | {"items": items})
    assert response.status_code == 400 and response.json()["code"] == code
    assert PaperRule.objects.count() == 0


def test_pool_message_names_the_line(api, bank):
    items = [{"kind": "judge", "count": 13, "points": "4"}, {"kind": "single", "count": 12, "points": "4"}]
    body = api(bank.lhasa_trainer, language="en").post("/api/v1/papers", RULE | {"items": items}).json()
    assert body["field"] == "items.1" and "13" in body["message"] and "12" in body["message"]


def test_scope_and_who_may_draw(api, bank):
    w = bank
    rule = api(w.lhasa_trainer).post("/api/v1/papers", RULE).json()
    assert api(w.shigatse_trainer).get(f"/api/v1/papers/{rule['id']}").status_code == 404
    assert api(w.lhasa_inspector).get(f"/api/v1/papers/{rule['id']}/draw", seed="x").status_code == 403


def test_overlapping_lines_give_full_marks(api, bank):
    # the second line (any difficulty) also holds the first line's questions: each keeps the points of its own line
    rule = {
        "name": "重叠抽题",
        "operation_item": "1.2",
        "items": [
            {"kind": "single", "count": 10, "points": "2", "difficulty": 3},
            {"kind": "single", "count": 20, "points": "4"},
        ],
    }
    made = api(bank.lhasa_trainer).post("/api/v1/papers", rule)
    assert made.status_code == 201, made.json()
    for seed in ("A", "B", "C", "D", "E"):
        paper = api(bank.lhasa_trainer).get(f"/api/v1/papers/{made.json()['id']}/draw", seed=seed).json()
        assert sum(float(q["points"]) for q in paper) == 100
