"""In a real browser: an examinee signs in with the admission ticket and access code, answers, loses the
connection and answers on, closes the page before it comes back, returns (the answers kept in the browser are
sent, those on the server shown again), signs in afresh from another browser, and hands the exam in. Every answer
given is on the server, none lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def exam_for(w):
    from anjian.training import exams, services
    from anjian.training.tests.test_trainees import id_number
    from conftest import make_person

    trainer = make_person("lhasa-trainer", w.lhasa, "trainer")
    for n in range(12):
        services.question_create(
            trainer,
            {"kind": "single", "operation_item": "1.2", "difficulty": 2, "text_zh": f"单选题{n}",
             "options": [{"zh": f"甲{n}"}, {"zh": f"乙{n}"}, {"zh": f"丙{n}"}], "answer": [n % 3]},
        )  # fmt: skip
    rule = services.paper_rule_create(
        trainer, name="低压电工理论", operation_item="1.2", items=[{"kind": "single", "count": 10, "points": "10"}]
    )
    now = timezone.now()
    exam = exams.exam_create(
        trainer, name="低压电工第一场", paper_rule=rule, venue="第一考场",
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
    )  # fmt: skip
    trainee = services.trainee_register(
        trainer, name="央金", id_number=id_number("54010219950101012"), audience="special_operator",
        education="junior_middle",
    )  # fmt: skip
    candidate, code = exams.candidate_admit(trainer, exam, trainee)
    return candidate, code


def sign_in(page, url, candidate, code):
    page.goto(f"{url}/exam/")
    page.fill("input[name=ticket]", candidate.ticket)
    page.fill("input[name=code]", code)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}/exam/paper/")


def answer(page, index: int, option: int) -> tuple[int, int]:
    question = page.locator("fieldset.question").nth(index)
    question.locator("input").nth(option).check()
    return int(question.get_attribute("data-question")), option


def wait_saved(page, pending: int = 0):
    page.wait_for_selector(f"[data-testid=save-state][data-pending='{pending}']", timeout=15000)


def test_lose_the_connection_come_back_and_hand_in(live_server, page, loaded_world):
    from anjian.training.models import Answer, Attempt

    candidate, code = exam_for(loaded_world)
    url = live_server.url
    given = {}
    sign_in(page, url, candidate, code)
    assert page.locator("fieldset.question").count() == 10
    for i in range(4):
        q, o = answer(page, i, i % 3)
        given[q] = o
    wait_saved(page)
    assert Answer.objects.filter(attempt__candidate=candidate).count() == 4

    # The connection breaks: answers wait in the browser, the page says so.
    context = page.context
    context.set_offline(True)
    for i in range(4, 7):
        q, o = answer(page, i, (i + 1) % 3)
        given[q] = o
    q, o = answer(page, 0, 2)  # a changed mind, offline too
    given[q] = o
    wait_saved(page, pending=4)
    assert Answer.objects.filter(attempt__candidate=candidate).count() == 4
    # The examinee closes the page before the connection returns, then comes back to it.
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"{url}/exam/paper/")
    wait_saved(page)
    saved = {a.question: a.given for a in Answer.objects.filter(attempt__candidate=candidate)}
    assert saved == {q: [o] for q, o in given.items()}

    # Another browser (the first one crashed): sign in again; the answers on the server are shown checked.
    browser = context.browser
    other = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}).new_page()
    sign_in(other, url, candidate, code)
    checked = other.locator("fieldset.question input:checked")
    assert checked.count() == 7
    q, o = answer(other, 9, 1)
    given[q] = o
    wait_saved(other)
    other.on("dialog", lambda dialog: dialog.accept())
    other.get_by_test_id("submit").click()
    other.wait_for_url(f"{url}/exam/done/")
    assert other.get_by_test_id("done").get_attribute("data-answered") == "8"

    attempt = Attempt.objects.get(candidate=candidate)
    assert attempt.submitted_at is not None and attempt.score is not None
    saved = {a.question: a.given for a in attempt.answers.all()}
    assert saved == {q: [o] for q, o in given.items()}  # nothing lost, nothing stale
    # The first browser comes back after the hand-in: it is sent to the result, nothing more accepted.
    page.goto(f"{url}/exam/paper/")
    page.wait_for_url(f"{url}/exam/done/")
