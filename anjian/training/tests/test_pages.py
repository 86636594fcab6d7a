"""The training pages end to end: registering, courses and attendance, hours, the question bank and its import
preview, paper rules, scheduling an exam and admitting examinees, the examinee's exam without JavaScript, the
practical score, the certificate, its review, suspension, print and PDF, the lists due, the public check; and a
trainer of one prefecture kept out of another's pages."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anjian.training.models import Candidate, Certificate, Question, QuestionVersion, Trainee
from anjian.training.tests.test_certificates import certificate, holder, review_training
from anjian.training.tests.test_papers import bank as bank  # noqa: F401 (the fixture)
from anjian.training.tests.test_trainees import id_number

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_register_a_person(login, bank):  # noqa: F811
    page = login(bank.lhasa_trainer)
    bad = page.post(
        "/training/trainees/new/", {"name": "次仁", "id_number": "540102199001011234", "audience": "worker"}
    )
    assert bad.status_code == 200 and "身份证" in text(bad) and not Trainee.objects.exists()
    good = page.post(
        "/training/trainees/new/", {"name": "次仁", "id_number": id_number("54010219900101123"), "audience": "worker"}
    )
    trainee = Trainee.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/training/trainees/{trainee.pk}/"
    assert trainee.id_number in text(page.get(good["Location"]))  # a trainer sees it in full


def test_an_inspector_sees_masked_id_numbers(login, bank):  # noqa: F811
    w = bank
    trainee = holder(w, "央金", "112")
    page = login(w.lhasa_inspector)
    listed = text(page.get("/training/"))
    assert "央金" in listed and trainee.id_number not in listed and trainee.id_number[:6] + "********" in listed
    assert trainee.id_number not in text(page.get(f"/training/trainees/{trainee.pk}/"))


def test_courses_attendance_and_hours(login, bank):  # noqa: F811
    w = bank
    trainee = holder(w, "央金", "112")
    page = login(w.lhasa_trainer)
    made = page.post(
        "/training/courses/", {"name": "低压电工复审培训", "audience": "special_operator", "kind": "review",
                               "operation_item": "1.2", "hours": "8"},
    )  # fmt: skip
    assert made.status_code == 302
    course = made["Location"]
    start = timezone.localdate() - timedelta(days=3)
    page.post(course, {"form": "session", "starts_on": start, "ends_on": start, "venue": "拉萨培训中心"})
    session = w.lhasa_trainer.organisation.courses.get().sessions.get()
    unknown = page.post(course, {"form": "attendance", "session": session.pk, "id_numbers": "110101199003070014"})
    assert "第 1 行" in text(unknown) and not session.attendance.exists()
    page.post(course, {"form": "attendance", "session": session.pk, "id_numbers": f"{trainee.id_number} 6"})
    assert session.attendance.get().hours == 6
    assert "低压电工复审培训" in text(page.get(f"/training/trainees/{trainee.pk}/"))


def test_the_compliance_page_per_division_and_unit(login, bank):  # noqa: F811
    from anjian.training import services

    w = bank
    services.trainee_register(
        w.lhasa_trainer, name="次仁多吉", id_number=id_number("54010219800101123"), audience="principal",
        employer_name="拉萨某建筑公司",
    )  # fmt: skip
    body = text(login(w.region_admin).get("/training/compliance/"))
    assert 'data-division="540100" data-short="1"' in body and "拉萨某建筑公司" in body
    other = Client()
    other.force_login(w.shigatse_trainer)
    assert "次仁多吉" not in text(other.get("/training/compliance/"))


def test_question_bank_form_versions_and_import_preview(login, bank):  # noqa: F811
    w = bank
    page = login(w.lhasa_trainer)
    made = page.post(
        "/training/questions/new/",
        {"kind": "single", "operation_item": "1.2", "difficulty": "2", "text_zh": "我国安全电压额定值的等级不包括",
         "options": "42V\n36V\n24V\n60V|ཝོལ་ཊ་ 60", "answer": "D"},
    )  # fmt: skip
    assert made.status_code == 302, text(made)
    question = Question.objects.get(pk=int(made["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert question.versions.get().options[3] == {"zh": "60V", "bo": "ཝོལ་ཊ་ 60"}
    edited = page.post(
        made["Location"],
        {"kind": "single", "operation_item": "1.2", "difficulty": "2", "text_zh": "安全电压额定值的等级不包括",
         "options": "42V\n36V\n24V\n60V", "answer": "D"},
    )  # fmt: skip
    assert edited.status_code == 302 and question.versions.count() == 2
    assert 'data-version="1"' in text(page.get(made["Location"]))  # the old version stays for finished exams
    before = Question.objects.count()
    bad = "kind,difficulty,text_zh,option_a,option_b,answer\n单选,2,题一,甲,乙,A\n单选,9,题二,甲,乙,A\n".encode(
        "gb18030"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = page.post("/training/questions/import/", {"file": SimpleUploadedFile("q.csv", bad, "text/csv")})
    body = text(preview)
    assert 'data-invalid="1"' in body and "difficulty" in body and 'data-testid="confirm"' not in body
    assert Question.objects.count() == before
    good = bad.replace("单选,9,".encode("gb18030"), "单选,3,".encode("gb18030"))
    preview = page.post("/training/questions/import/", {"file": SimpleUploadedFile("q.csv", good, "text/csv")})
    assert 'data-valid="2"' in text(preview) and Question.objects.count() == before
    done = page.post("/training/questions/import/", {"confirm": "1"})
    assert done.status_code == 302 and Question.objects.count() == before + 2
    again = page.post("/training/questions/import/", {"confirm": "1"})  # a replayed confirmation imports nothing
    assert again.status_code == 302 and Question.objects.count() == before + 2


def test_an_exam_from_the_pages(login, bank):  # noqa: F811
    w = bank
    trainee = holder(w, "央金", "112")
    trainer = login(w.lhasa_trainer)
    rule = trainer.post(
        "/training/papers/",
        {"name": "低压电工理论", "operation_item": "1.2", "duration_minutes": "120", "pass_mark": "80",
         "lines": "judge 10 2\nsingle 20 4"},
    )  # fmt: skip
    assert rule.status_code == 302, text(rule)
    too_many = trainer.post(
        "/training/papers/",
        {"name": "x", "operation_item": "1.2", "duration_minutes": "120", "pass_mark": "80", "lines": "single 50 2"},
    )
    assert "50" in text(too_many) and "30" in text(too_many)  # the line and what the bank holds
    now = timezone.localtime()
    from anjian.training.models import PaperRule

    scheduled = trainer.post(
        "/training/exams/",
        {"name": "低压电工第一场", "paper_rule": PaperRule.objects.get().pk, "venue": "第一考场",
         "starts_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
         "ends_at": (now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    assert scheduled.status_code == 302, text(scheduled)
    admitted = text(trainer.post(scheduled["Location"], {"form": "admit", "id_numbers": trainee.id_number}))
    ticket = re.search(r"<td data-ticket>([^<]+)</td>", admitted).group(1)
    code = re.search(r"<td data-code>([^<]+)</td>", admitted).group(1)
    assert code not in text(trainer.get(scheduled["Location"]))  # the code is shown once
    for bad in ("x", "99999999999999999999", ""):  # a mangled form answers 404, not an error page
        assert trainer.post(scheduled["Location"], {"form": "new-code", "candidate": bad}).status_code == 404
    # the examinee, no login
    examinee = Client()
    wrong = examinee.post("/exam/", {"ticket": ticket, "code": "nope"})
    assert wrong.status_code == 200 and "exam-token" not in examinee.session
    assert examinee.post("/exam/", {"ticket": ticket, "code": code})["Location"] == "/exam/paper/"
    paper = text(examinee.get("/exam/paper/"))
    assert paper.count('class="card question"') == 30 and 'data-testid="clock"' in paper
    attempt = Candidate.objects.get(ticket=ticket).attempt
    versions = QuestionVersion.objects.in_bulk([line["version"] for line in attempt.paper])
    answers = {
        f"q{line['question']}": line["order"].index(versions[line["version"]].answer[0]) for line in attempt.paper
    }
    first = attempt.paper[0]
    answers[f"q{first['question']}"] = ["²", "9"]  # a value no option has is dropped, the rest handed in
    done = examinee.post("/exam/paper/", answers)  # without JavaScript the form hands everything in
    assert done["Location"] == "/exam/done/"
    score = 100 - int(first["points"])  # all right but the one sent a bad value
    assert f'data-score="{score}.00"' in text(examinee.get("/exam/done/"))
    assert examinee.get("/exam/paper/")["Location"] == "/exam/done/"  # no second go
    # the examiner: no practical task on this exam, so the theory decides; the certificate from the page
    candidate = Candidate.objects.get(ticket=ticket)
    Candidate.objects.filter(pk=candidate.pk).update(result="pass", practical_score=90)
    issued = trainer.post(f"{scheduled['Location']}candidates/{candidate.pk}/certificate/")
    number = Certificate.objects.get().number
    assert issued["Location"] == f"/training/certificates/{number}/"


def test_certificate_pages(login, bank):  # noqa: F811
    w = bank
    trainee = holder(w, "央金", "112")
    cert = certificate(w, trainee, "T542023000001", due_in=30)
    review_training(w, trainee, "8")
    page = login(w.lhasa_trainer)
    detail = text(page.get(f"/training/certificates/{cert.number}/"))
    assert 'data-status="review_due"' in detail
    reviewed = page.post(f"/training/certificates/{cert.number}/", {"form": "review", "violations": "0", "fit": "on"})
    assert reviewed.status_code == 302
    cert.refresh_from_db()
    assert cert.last_review_on == timezone.localdate()
    no_reason = page.post(
        f"/training/certificates/{cert.number}/", {"form": "reason", "action": "suspend", "reason": ""}
    )
    assert no_reason.status_code == 200 and not Certificate.objects.get(pk=cert.pk).suspended
    printed = text(page.get(f"/training/certificates/{cert.number}/print/?lang=bo"))
    assert 'lang="bo"' in printed and "T542023000001" in printed and trainee.id_number in printed
    assert "低压电工作业" in printed  # the official item name, whatever the page's language
    pdf = page.get(f"/training/certificates/{cert.number}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert page.get(f"/training/certificates/{cert.number}/print/?lang=fr").status_code == 404
    page.post(f"/training/certificates/{cert.number}/", {"form": "reason", "action": "suspend", "reason": "违章作业"})
    assert Certificate.objects.get(pk=cert.pk).suspended
    # a suspended certificate is not printed as if it were good
    assert (
        page.get(f"/training/certificates/{cert.number}/pdf/")["Location"] == f"/training/certificates/{cert.number}/"
    )
    listed = text(page.get("/training/certificates/?status=suspended"))
    assert cert.number in listed


def test_due_lists_and_their_spreadsheet(login, bank):  # noqa: F811
    w = bank
    certificate(w, holder(w, "央金", "112"), "T542023000001", due_in=30)
    certificate(w, holder(w, "达瓦", "415"), "T542023000005", due_in=120)
    page = login(w.region_admin)
    due = text(page.get("/training/certificates/due/"))
    assert "T542023000001" in due and "T542023000005" not in due and 'data-division="540100"' in due
    sheet = page.get("/training/certificates/due/?format=xlsx")
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats") and sheet.content[:2] == b"PK"


def test_the_public_check(client, bank):  # noqa: F811
    w = bank
    certificate(w, holder(w, "央金", "112"), "T542023000001", due_in=30)
    assert 'value="T542023000001"' in text(client.get("/verify/", {"number": "T542023000001"}))  # a link fills it in
    ok = text(client.post("/verify/", {"number": "T542023000001", "name": "央金"}))
    assert 'data-valid="true"' in ok and "央*" in ok and "央金" not in ok.split('data-testid="verify-result"')[1]
    wrong = text(client.post("/verify/", {"number": "T542023000001", "name": "卓玛"}))
    unknown = text(client.post("/verify/", {"number": "T542023999999", "name": "央金"}))
    assert 'data-testid="verify-none"' in wrong and 'data-testid="verify-none"' in unknown


def test_another_prefecture_is_kept_out(login, bank):  # noqa: F811
    w = bank
    trainee = holder(w, "央金", "112")
    cert = certificate(w, trainee, "T542023000001", due_in=30)
    question = Question.objects.first()
    page = login(w.shigatse_trainer)
    for path in (
        f"/training/trainees/{trainee.pk}/",
        f"/training/certificates/{cert.number}/",
        f"/training/certificates/{cert.number}/pdf/",
        f"/training/questions/{question.pk}/",
    ):
        assert page.get(path).status_code == 404, path
    assert page.post(f"/training/certificates/{cert.number}/", {"form": "reason", "action": "revoke",
                                                                 "reason": "x"}).status_code == 404  # fmt: skip
    assert "央金" not in text(page.get("/training/")) and cert.number not in text(page.get("/training/certificates/"))
    assert not Certificate.objects.get(pk=cert.pk).revoked
