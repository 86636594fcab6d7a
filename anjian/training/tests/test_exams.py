"""The online exam: admission tickets, the server's clock, idempotent autosave, submission and time-out,
grading against the versions drawn, the one retake, and examinees kept to their own attempt."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.training import exams, services
from anjian.training.models import Attempt, Candidate, QuestionVersion
from anjian.training.tests.test_papers import RULE
from anjian.training.tests.test_papers import bank as bank  # noqa: F401 (the fixture)
from anjian.training.tests.test_trainees import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(api, bank):  # noqa: F811
    w = bank
    rule = api(w.lhasa_trainer).post("/api/v1/papers", RULE).json()
    now = timezone.now()
    body = {
        "name": "低压电工作业理论考试（第一场）",
        "paper_rule": rule["id"],
        "venue": "拉萨市考试中心第一考场",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=3)).isoformat(),
    }
    w.exam = api(w.lhasa_trainer).post("/api/v1/exams", body).json()
    w.rule = rule
    people = []
    for n, name in enumerate(("央金", "次仁")):
        trainee = {"name": name, "id_number": id_number(f"54010219950101{n}12"), "audience": "special_operator",
                   "education": "junior_middle"}  # fmt: skip
        people.append(api(w.lhasa_trainer).post("/api/v1/trainees", trainee).json())
    admitted = api(w.lhasa_trainer).post(
        f"/api/v1/exams/{w.exam['id']}/candidates", [{"trainee": p["id"]} for p in people]
    )
    assert admitted.status_code == 201, admitted.json()
    w.tickets = admitted.json()
    return w


def examinee(client, ticket):
    token = client.post(
        "/api/v1/exam-tokens", {"ticket": ticket["ticket"], "code": ticket["code"]}, content_type="application/json"
    ).json()["token"]

    class Examinee:
        headers = {"Authorization": f"Bearer {token}"}

        def post(self, path, body=None):
            return client.post(path, body or {}, content_type="application/json", headers=self.headers)

        def put(self, path, body):
            return client.put(path, body, content_type="application/json", headers=self.headers)

        def get(self, path):
            return client.get(path, headers=self.headers)

    return Examinee()


def right_positions(attempt_id):
    attempt = Attempt.objects.get(pk=attempt_id)
    versions = QuestionVersion.objects.in_bulk([line["version"] for line in attempt.paper])
    return {
        line["question"]: sorted(line["order"].index(a) for a in versions[line["version"]].answer)
        for line in attempt.paper
    }


def test_an_examinee_takes_the_exam(client, exam):
    me = examinee(client, exam.tickets[0])
    started = me.post(f"/api/v1/exams/{exam.exam['id']}/attempts")
    assert started.status_code == 201, started.json()
    attempt = started.json()
    assert len(attempt["questions"]) == 30 and attempt["seconds_left"] > 115 * 60
    assert "answer" not in attempt["questions"][0]
    # a lost connection: coming back gives the same attempt, not a second one
    again = me.post(f"/api/v1/exams/{exam.exam['id']}/attempts")
    assert again.status_code == 200 and again.json()["id"] == attempt["id"]
    right = right_positions(attempt["id"])
    path = f"/api/v1/attempts/{attempt['id']}/answers"
    for seq, (question, positions) in enumerate(right.items(), start=1):
        assert me.put(f"{path}/{question}", {"answer": positions, "seq": seq}).status_code == 200
    question, positions = next(iter(right.items()))
    options = next(len(q["options"]) for q in attempt["questions"] if q["question"] == question)
    wrong = [(positions[0] + 1) % options]
    # a retry of the same save, and an older save arriving late, change nothing
    assert me.put(f"{path}/{question}", {"answer": positions, "seq": 1}).json()["answer"] == positions
    assert me.put(f"{path}/{question}", {"answer": wrong, "seq": 0}).json()["answer"] == positions
    stray = me.put(f"{path}/999999", {"answer": [0], "seq": 99})
    assert stray.status_code == 404 and stray.json()["code"] == "question_not_on_paper"
    bad = me.put(f"{path}/{question}", {"answer": [7], "seq": 99})
    assert bad.status_code == 400 and bad.json()["code"] == "answer_invalid"
    submitted = me.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert submitted.status_code == 200 and float(submitted.json()["score"]) == 100
    replay = me.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert replay.status_code == 409 and replay.json()["code"] == "attempt_already_submitted"
    late = me.put(f"{path}/{question}", {"answer": wrong, "seq": 500})
    assert late.status_code == 409 and late.json()["code"] == "attempt_closed"
    candidate = Candidate.objects.get(ticket=exam.tickets[0]["ticket"])
    assert candidate.theory_score == 100 and candidate.result == "pending"  # the practical part is still to score
    assert me.post(f"/api/v1/exams/{exam.exam['id']}/attempts").json()["code"] == "attempt_finished"


def test_time_out_on_the_servers_clock(client, exam):
    me = examinee(client, exam.tickets[0])
    attempt = me.post(f"/api/v1/exams/{exam.exam['id']}/attempts").json()
    right = right_positions(attempt["id"])
    saved = list(right.items())[:5]
    for seq, (question, positions) in enumerate(saved, start=1):
        me.put(f"/api/v1/attempts/{attempt['id']}/answers/{question}", {"answer": positions, "seq": seq})
    Attempt.objects.filter(pk=attempt["id"]).update(ends_at=timezone.now() - timedelta(seconds=1))
    question = list(right)[6]
    refused = me.put(f"/api/v1/attempts/{attempt['id']}/answers/{question}", {"answer": [0], "seq": 50})
    assert refused.status_code == 409 and refused.json()["code"] == "attempt_closed"
    # the late save handed the attempt in as it stood at its end, kept although the save was refused
    closed = Attempt.objects.select_related("candidate").get(pk=attempt["id"])
    assert closed.timed_out and closed.submitted_at == closed.ends_at
    assert closed.candidate.theory_score == closed.score is not None
    late = me.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert late.status_code == 409 and late.json()["code"] == "attempt_already_submitted"
    view = me.get(f"/api/v1/attempts/{attempt['id']}").json()
    assert view["status"] == "submitted" and view["timed_out"] is True
    points = {line["question"]: float(line["points"]) for line in Attempt.objects.get(pk=attempt["id"]).paper}
    assert float(view["score"]) == sum(points[q] for q, _ in saved)  # the honest answers saved before the end count
    assert len(view["answers"]) == 5


def test_examinees_are_kept_apart(client, exam, api):
    w = exam
    me, other = examinee(client, w.tickets[0]), examinee(client, w.tickets[1])
    mine = me.post(f"/api/v1/exams/{w.exam['id']}/attempts").json()
    assert other.get(f"/api/v1/attempts/{mine['id']}").status_code == 404
    question = mine["questions"][0]["question"]
    assert other.put(f"/api/v1/attempts/{mine['id']}/answers/{question}", {"answer": [0], "seq": 1}).status_code == 404
    assert other.post(f"/api/v1/attempts/{mine['id']}/submit").status_code == 404
    wrong = client.post(
        "/api/v1/exam-tokens", {"ticket": w.tickets[0]["ticket"], "code": "00000000"}, content_type="application/json"
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "ticket_invalid"
    # a staff token opens no attempt
    assert api(w.lhasa_trainer).get(f"/api/v1/attempts/{mine['id']}").status_code == 401


def test_one_retake_then_training_again(api, exam):
    w = exam
    trainee = Candidate.objects.get(ticket=w.tickets[0]["ticket"]).trainee
    Candidate.objects.filter(trainee=trainee).update(result="fail")

    def new_exam():
        now = timezone.now()
        return exams.exam_create(
            w.lhasa_trainer,
            name="补考",
            paper_rule=services.PaperRule.objects.get(pk=w.rule["id"]),
            venue="考场",
            starts_at=now,
            ends_at=now + timedelta(hours=2),
        )

    retake, _code = exams.candidate_admit(w.lhasa_trainer, new_exam(), trainee)
    assert retake.sitting == 2
    Candidate.objects.filter(pk=retake.pk).update(result="fail")
    response = api(w.lhasa_trainer).post(f"/api/v1/exams/{new_exam().pk}/candidates", [{"trainee": str(trainee.pk)}])
    assert response.status_code == 409 and response.json()["code"] == "retake_used"


def test_one_sitting_at_a_time(api, exam):
    w = exam
    trainee = Candidate.objects.get(ticket=w.tickets[0]["ticket"]).trainee  # admitted, result pending
    now = timezone.now()
    body = {"name": "第二场", "paper_rule": w.rule["id"], "venue": "考场", "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat()}  # fmt: skip
    other = api(w.lhasa_trainer).post("/api/v1/exams", body).json()
    response = api(w.lhasa_trainer).post(f"/api/v1/exams/{other['id']}/candidates", [{"trainee": str(trainee.pk)}])
    assert response.status_code == 409 and response.json()["code"] == "candidate_undecided"
    # an exam that ended without the person sitting it does not hold them back
    from anjian.training.models import ExamSession

    ExamSession.objects.filter(pk=w.exam["id"]).update(
        starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )
    response = api(w.lhasa_trainer).post(f"/api/v1/exams/{other['id']}/candidates", [{"trainee": str(trainee.pk)}])
    assert response.status_code == 201 and response.json()[0]["sitting"] == 1


def test_practical_result_certificate_and_its_public_check(client, api, exam):
    from anjian.training.models import Certificate, ExamSession, Question

    w = exam
    sheet = [{"key": "a", "label": "验电", "max": 40}, {"key": "b", "label": "接线", "max": 60}]
    task = services.question_create(
        w.lhasa_trainer,
        {"kind": "practical", "operation_item": "1.2", "difficulty": 3, "text_zh": "单相电能表接线", "sheet": sheet},
    )
    ExamSession.objects.filter(pk=w.exam["id"]).update(practical=QuestionVersion.objects.get(question=task, number=1))
    me = examinee(client, w.tickets[0])
    attempt = me.post(f"/api/v1/exams/{w.exam['id']}/attempts").json()
    for seq, (question, positions) in enumerate(right_positions(attempt["id"]).items(), start=1):
        me.put(f"/api/v1/attempts/{attempt['id']}/answers/{question}", {"answer": positions, "seq": seq})
    me.post(f"/api/v1/attempts/{attempt['id']}/submit")
    candidate = Candidate.objects.get(ticket=w.tickets[0]["ticket"])
    path = f"/api/v1/exams/{w.exam['id']}/candidates/{candidate.pk}/practical"
    over = api(w.lhasa_trainer).post(path, {"scores": {"a": 41, "b": 50}})
    assert over.status_code == 400 and over.json()["code"] == "sheet_score_out_of_range"
    early = api(w.lhasa_trainer).post("/api/v1/certificates", {"candidate": candidate.pk})
    assert early.status_code == 409 and early.json()["code"] == "certificate_needs_pass"
    scored = api(w.lhasa_trainer).post(path, {"scores": {"a": 32, "b": 48}}).json()
    assert (float(scored["practical_score"]), scored["result"]) == (80, "pass")  # 80 passes, both parts
    assert api(w.shigatse_trainer).post("/api/v1/certificates", {"candidate": candidate.pk}).status_code == 404
    issued = api(w.lhasa_trainer).post("/api/v1/certificates", {"candidate": candidate.pk})
    assert issued.status_code == 201, issued.json()
    cert = issued.json()
    today = timezone.localdate()
    assert (cert["category"], cert["operation_item"], cert["status"]) == ("1", "1.2", "valid")
    assert cert["number"] == f"T54{timezone.localdate():%Y}000001"  # numbered per province and year
    assert cert["valid_until"] == (rules_add_years(today, 6) - timedelta(days=1)).isoformat()
    assert cert["next_review_due"] == rules_add_years(today, 3).isoformat()
    twice = api(w.lhasa_trainer).post("/api/v1/certificates", {"candidate": candidate.pk})
    assert twice.status_code == 409
    # the public check, no login
    ok = client.get("/api/v1/certificates/verify", {"number": cert["number"], "name": "央金"})
    assert ok.status_code == 200 and ok.json()["valid"] is True and ok.json()["holder"] == "央*"
    wrong_name = client.get("/api/v1/certificates/verify", {"number": cert["number"], "name": "次仁"})
    unknown = client.get("/api/v1/certificates/verify", {"number": "T542026999999", "name": "央金"})
    assert wrong_name.status_code == unknown.status_code == 404 and wrong_name.json() == unknown.json()
    Certificate.objects.filter(number=cert["number"]).update(suspended=True)
    suspended = client.get("/api/v1/certificates/verify", {"number": cert["number"], "name": "央金"}).json()
    assert (suspended["valid"], suspended["status"]) == (False, "suspended")
    assert Question.objects.filter(kind="practical").count() == 1


def rules_add_years(day, years):
    from anjian.training import rules

    return rules.add_years(day, years)


def test_an_unknown_proctor_is_named_and_nothing_scheduled(api, exam):
    from anjian.training.models import ExamSession

    body = {"name": "第三场", "paper_rule": exam.rule["id"], "venue": "考场", "proctors": ["lhasa-trainer", "nobody"],
            "starts_at": "2026-12-01T09:00:00+08:00", "ends_at": "2026-12-01T11:00:00+08:00"}  # fmt: skip
    before = ExamSession.objects.count()
    response = api(exam.lhasa_trainer).post("/api/v1/exams", body)
    assert response.status_code == 400 and response.json()["field"] == "proctors"
    assert "nobody" in response.json()["message"] and ExamSession.objects.count() == before
    body["proctors"] = ["lhasa-trainer"]
    made = api(exam.lhasa_trainer).post("/api/v1/exams", body)
    assert made.status_code == 201 and ExamSession.objects.get(pk=made.json()["id"]).proctors.count() == 1


def test_an_exam_time_without_offset_is_refused(api, exam):
    body = {"name": "x", "paper_rule": exam.rule["id"], "venue": "y"}
    body |= {"starts_at": "2026-12-01T09:00:00", "ends_at": "2026-12-01T11:00:00+08:00"}
    response = api(exam.lhasa_trainer).post("/api/v1/exams", body)
    assert response.status_code == 400 and (response.json()["field"], response.json()["code"]) == (
        "starts_at",
        "time_needs_offset",
    )


def test_a_late_hand_in_is_kept_as_timed_out(client, exam):
    me = examinee(client, exam.tickets[0])
    attempt = me.post(f"/api/v1/exams/{exam.exam['id']}/attempts").json()
    Attempt.objects.filter(pk=attempt["id"]).update(ends_at=timezone.now() - timedelta(seconds=1))
    late = me.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert late.status_code == 409 and late.json()["code"] == "attempt_closed"
    closed = Attempt.objects.get(pk=attempt["id"])
    assert closed.timed_out and closed.score == 0


def test_many_attempts_graded_at_once_agree_with_one_by_one(client, exam):
    ids = []
    for ticket in exam.tickets:
        me = examinee(client, ticket)
        attempt = me.post(f"/api/v1/exams/{exam.exam['id']}/attempts").json()
        for seq, (question, positions) in enumerate(list(right_positions(attempt["id"]).items())[: 7 + 3 * len(ids)]):
            me.put(f"/api/v1/attempts/{attempt['id']}/answers/{question}", {"answer": positions, "seq": seq + 1})
        ids.append(attempt["id"])
    import uuid

    many = exams.grade_many([uuid.UUID(i) for i in ids])
    one = {a.pk: exams.grade(a) for a in Attempt.objects.filter(pk__in=ids)}
    assert many == one and len(set(many.values())) == 2  # different scores, the same either way


def test_abandoned_attempts_are_closed_when_the_results_are_read(client, api, exam):
    me = examinee(client, exam.tickets[0])
    attempt = me.post(f"/api/v1/exams/{exam.exam['id']}/attempts").json()
    question, positions = next(iter(right_positions(attempt["id"]).items()))
    me.put(f"/api/v1/attempts/{attempt['id']}/answers/{question}", {"answer": positions, "seq": 1})
    Attempt.objects.filter(pk=attempt["id"]).update(ends_at=timezone.now() - timedelta(minutes=1))
    # the examinee never comes back; the trainer reads the results
    rows = api(exam.lhasa_trainer).get(f"/api/v1/exams/{exam.exam['id']}/candidates").json()
    row = next(r for r in rows if r["ticket"] == exam.tickets[0]["ticket"])
    line = next(line for line in Attempt.objects.get(pk=attempt["id"]).paper if line["question"] == question)
    assert float(row["theory_score"]) == float(line["points"])
    assert Attempt.objects.get(pk=attempt["id"]).timed_out


def test_guessing_access_codes_locks_the_ticket(client, api, exam, settings):
    ticket = exam.tickets[0]

    def sign_in(number, code):
        return client.post("/api/v1/exam-tokens", {"ticket": number, "code": code}, content_type="application/json")

    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        wrong = sign_in(ticket["ticket"], "00000000")
        assert wrong.status_code == 401 and wrong.json()["code"] == "ticket_invalid"
    # now even the right code is refused, with the answer an unknown ticket gets (nothing tells a ticket exists)
    right = sign_in(ticket["ticket"], ticket["code"])
    unknown = sign_in("209901010001000000", "00000000")
    assert right.status_code == unknown.status_code == 401 and right.json() == unknown.json()
    assert sign_in(exam.tickets[1]["ticket"], exam.tickets[1]["code"]).status_code == 201  # others are not held back
    # the proctor gives a new code: the lock is lifted, the old code ends
    candidate = Candidate.objects.get(ticket=ticket["ticket"])
    renewed = api(exam.lhasa_trainer).post(f"/api/v1/exams/{exam.exam['id']}/candidates/{candidate.pk}/code")
    assert renewed.status_code == 200
    assert sign_in(ticket["ticket"], ticket["code"]).status_code == 401
    assert sign_in(ticket["ticket"], renewed.json()["code"]).status_code == 201
    assert (
        api(exam.shigatse_trainer).post(f"/api/v1/exams/{exam.exam['id']}/candidates/{candidate.pk}/code").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("years", "serial", "education", "code"),
    [
        (17, "112", "junior_middle", "too_young"),
        (30, "112", "", "education_insufficient"),  # no schooling on record
        (30, "112", "primary", "education_insufficient"),
        (59, "122", "junior_middle", "retirement_age"),  # a woman (even sequence digit) past 58
        (59, "113", "junior_middle", None),  # a man (odd sequence digit) of 59 may still work
    ],
)
def test_order_30_eligibility_on_admission(api, exam, years, serial, education, code):
    from anjian.training.models import Trainee

    born = timezone.localdate(timezone.now()) - timedelta(days=365 * years + 30)
    trainee = api(exam.lhasa_trainer).post(
        "/api/v1/trainees",
        {"name": "洛桑", "id_number": id_number(f"540102{born:%Y%m%d}{serial}"), "audience": "special_operator",
         "education": education},
    ).json()  # fmt: skip
    response = api(exam.lhasa_trainer).post(f"/api/v1/exams/{exam.exam['id']}/candidates", [{"trainee": trainee["id"]}])
    if code is None:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400 and response.json()["code"] == code
        assert "洛桑" in response.json()["message"] and not Trainee.objects.get(pk=trainee["id"]).candidacies.exists()
