"""The training demo: a bank of a few hundred questions (some in Tibetan), hours that meet Order 3 and hours that
fall short, a finished exam with passes, failures and a time-out, its retake, certificates in every state and
what falls due in 90 days across the prefectures; seeded once."""

import pytest
from django.utils import timezone

from anjian.core import demo as core_demo
from anjian.core.audit import audit_verify
from anjian.core.models import Person
from anjian.enterprises import demo as enterprises_demo
from anjian.training import demo, selectors
from anjian.training.models import (
    Attempt,
    Attendance,
    Candidate,
    Certificate,
    CertificateReview,
    ExamSession,
    PaperRule,
    Question,
    QuestionVersion,
    Trainee,
)

pytestmark = pytest.mark.django_db

STATUSES = {"valid", "review_due", "void", "expired", "suspended", "revoked"}
MODELS = (Question, QuestionVersion, PaperRule, Trainee, Attendance, ExamSession, Candidate, Certificate)


def tibetan(text: str) -> bool:
    return any("\u0f00" <= ch <= "\u0fff" for ch in text)


def test_the_training_demo_fills_the_system_once():
    core_demo.seed_demo()
    enterprises_demo.seed_demo()
    counts = demo.seed_demo()
    today = timezone.localdate()

    assert counts["questions"] >= 300 and counts["practical tasks"] == 3
    assert Question.objects.filter(kind="practical").count() == 3
    assert {"single", "multiple", "judge"} <= set(Question.objects.values_list("kind", flat=True))
    assert {"1.2", "2.1", "3.1", "3.2", "6.3", "9.16", ""} <= set(
        Question.objects.values_list("operation_item", flat=True)
    )
    assert set(Question.objects.values_list("difficulty", flat=True)) == {1, 2, 3, 4, 5}
    in_tibetan = QuestionVersion.objects.exclude(text_bo="")
    assert in_tibetan.count() >= 40 and all(tibetan(v.text_bo) for v in in_tibetan)
    assert any(tibetan(o["bo"]) for v in in_tibetan.filter(question__kind="single") for o in v.options)
    assert PaperRule.objects.filter(operation_item="1.2", duration_minutes=120, pass_mark=80).exists()

    assert {c.status(today) for c in Certificate.objects.all()} == STATUSES
    assert CertificateReview.objects.filter(reviewed_on=today, outcome="passed", long_compliant=True).exists()
    assert CertificateReview.objects.filter(reviewed_on=today, failure="review_violations").exists()

    region = Person.objects.get(username="xizang-trainer")
    rows = selectors.compliance(region, today.year)
    assert {r["compliant"] for r in rows} == {True, False}
    assert any(r["high_risk"] and r["shortfall"] == 4 for r in rows)  # 12 hours where 16 are due
    due = selectors.certificates_due(region, today)
    assert {"540100", "540200", "540500"} <= {row["division"] for row in due["by_division"]}
    assert {"review", "expiry"} == {item["kind"] for item in due["items"]}

    finished = ExamSession.objects.get(ends_at__lt=timezone.now())
    results = list(finished.candidates.values_list("result", flat=True))
    assert results.count("pass") == 7 and results.count("fail") == 5
    assert Attempt.objects.filter(candidate__exam=finished, timed_out=True).count() == 1
    assert Certificate.objects.filter(candidate__exam=finished).count() == 7
    coming = ExamSession.objects.get(starts_at__gt=timezone.now())
    retake = coming.candidates.get(sitting=2)
    assert finished.candidates.get(trainee=retake.trainee).result == "fail"
    assert audit_verify()[1] is None

    before = [model.objects.count() for model in MODELS]
    assert set(demo.seed_demo().values()) == {0}
    assert [model.objects.count() for model in MODELS] == before


def test_the_training_demo_needs_no_production_units():
    core_demo.seed_demo()
    counts = demo.seed_demo()
    assert counts["trainees"] > 40 and counts["certificates"] > 20
    assert not Trainee.objects.filter(employer__isnull=False).exists()
    assert not Trainee.objects.filter(employer_name="").exists()
