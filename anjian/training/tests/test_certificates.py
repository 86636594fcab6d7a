"""Certificates after issue: reviews in their window, with review training from the ledger, the extended interval,
renewal; failures that void at once and those that may be retried; suspension, its lifting, revocation; lists of
what falls due in 90 days per bureau and per unit; scope."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.training import rules
from anjian.training.models import (
    Attendance,
    Certificate,
    CertificateReview,
    Course,
    CourseKind,
    CourseSession,
    Trainee,
)
from anjian.training.tests.test_courses import centre as centre  # noqa: F401 (the fixture)
from anjian.training.tests.test_trainees import id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def holder(w, name: str, serial: str, employer=None) -> Trainee:
    from anjian.training import services

    return services.trainee_register(
        w.lhasa_trainer,
        name=name,
        id_number=id_number(f"54010219900101{serial}"),
        audience="special_operator",
        education="senior_high",
        employer=employer,
    )


def certificate(w, trainee, number: str, *, due_in: int, issued_years_ago: int = 3, **extra) -> Certificate:
    """A certificate whose next review falls due `due_in` days from today."""
    due = TODAY() + timedelta(days=due_in)
    issued = rules.add_years(due, -issued_years_ago)
    return Certificate.objects.create(
        number=number,
        trainee=trainee,
        category="1",
        operation_item="1.2",
        issued_on=issued,
        first_issued_on=extra.pop("first_issued_on", issued),
        valid_until=extra.pop("valid_until", rules.certificate_valid_until(issued)),
        next_review_due=due,
        organisation=w.lhasa,
        division_code=trainee.division_code,
        **extra,
    )


def review_training(w, trainee, hours: str, days_ago: int = 20, item: str = "1.2") -> None:
    course = Course.objects.create(
        organisation=w.lhasa, division_code="540100", name="低压电工复审培训", audience="special_operator",
        kind=CourseKind.REVIEW, operation_item=item, hours=Decimal(hours),
    )  # fmt: skip
    start = TODAY() - timedelta(days=days_ago)
    session = CourseSession.objects.create(
        course=course, starts_on=start, ends_on=start, venue="拉萨培训中心", hours=Decimal(hours)
    )
    Attendance.objects.create(session=session, trainee=trainee, hours=Decimal(hours), recorded_by=w.lhasa_trainer)


@pytest.fixture
def held(centre):  # noqa: F811
    w = centre
    w.yangjin = holder(w, "央金", "112", employer=w.mine)
    w.cert = certificate(w, w.yangjin, "T542023000001", due_in=30)
    return w


def test_a_review_in_its_window_with_eight_hours(api, held):
    w = held
    review_training(w, w.yangjin, "8")
    response = api(w.lhasa_trainer).post(f"/api/v1/certificates/{w.cert.number}/reviews", {})
    assert response.status_code == 201, response.json()
    body = response.json()
    due = w.cert.next_review_due
    assert (body["outcome"], body["failure"], float(body["training_hours"])) == ("passed", "", 8.0)
    # the third-year review: next due at the sixth anniversary; the certificate keeps its end
    assert body["next_review_due"] == rules.add_years(due, 3).isoformat()
    assert body["valid_until"] == w.cert.valid_until.isoformat()
    detail = api(w.lhasa_trainer).get(f"/api/v1/certificates/{w.cert.number}").json()
    assert (detail["status"], detail["last_review_on"]) == ("valid", TODAY().isoformat())
    # the same due date cannot be reviewed twice: the next window is years away
    again = api(w.lhasa_trainer).post(f"/api/v1/certificates/{w.cert.number}/reviews", {})
    assert again.status_code == 409 and again.json()["code"] == "review_not_yet"


def test_a_review_at_the_sixth_year_renews_and_a_long_compliant_holder_waits_six(api, held):
    w = held
    first = rules.add_years(TODAY() + timedelta(days=10), -12)
    long_held = holder(w, "次仁", "213")
    valid_until = TODAY() + timedelta(days=9)  # ends the day before its sixth-year review is due
    cert = certificate(w, long_held, "T542014000007", due_in=10, first_issued_on=first, valid_until=valid_until)
    review_training(w, long_held, "8")
    body = api(w.lhasa_trainer).post(f"/api/v1/certificates/{cert.number}/reviews", {"long_compliant": True}).json()
    due = cert.next_review_due
    assert body["next_review_due"] == rules.add_years(due, 6).isoformat()  # 12 years compliant: every 6
    assert body["valid_until"] == (rules.add_years(due, 6) - timedelta(days=1)).isoformat()  # renewed


def test_the_sixth_year_review_on_the_last_day_of_validity(api, held):
    w = held
    trainee = holder(w, "次仁", "213")
    # due tomorrow (the sixth anniversary), valid until today
    cert = certificate(w, trainee, "T542020000009", due_in=1, issued_years_ago=6, valid_until=TODAY())
    review_training(w, trainee, "8")
    body = api(w.lhasa_trainer).post(f"/api/v1/certificates/{cert.number}/reviews", {}).json()
    assert (body["outcome"], body["status"]) == ("passed", "valid")
    assert body["valid_until"] == (rules.add_years(cert.next_review_due, 6) - timedelta(days=1)).isoformat()


def test_the_six_year_interval_needs_a_clean_record(api, held):
    w = held
    trainee = holder(w, "次仁", "213")
    first = rules.add_years(TODAY(), -13)
    cert = certificate(w, trainee, "T542013000007", due_in=10, first_issued_on=first)
    CertificateReview.objects.create(
        certificate=cert, due_on=rules.add_years(cert.next_review_due, -3), reviewed_on=rules.add_years(TODAY(), -3),
        training_hours=8, violations=1, outcome="passed", reviewer=w.lhasa_trainer, organisation=w.lhasa,
    )  # fmt: skip
    review_training(w, trainee, "8")
    body = api(w.lhasa_trainer).post(f"/api/v1/certificates/{cert.number}/reviews", {"long_compliant": True}).json()
    assert body["next_review_due"] == rules.add_years(cert.next_review_due, 3).isoformat()  # a violation 3 years ago


def test_review_refused_outside_its_window(api, held):
    w = held
    early = certificate(w, holder(w, "卓玛", "314"), "T542023000002", due_in=61)
    response = api(w.lhasa_trainer).post(f"/api/v1/certificates/{early.number}/reviews", {})
    assert response.status_code == 409 and response.json()["code"] == "review_not_yet"
    assert (TODAY() + timedelta(days=1)).isoformat() in response.json()["message"]
    late = certificate(w, holder(w, "达瓦", "415"), "T542023000003", due_in=-1)
    response = api(w.lhasa_trainer).post(f"/api/v1/certificates/{late.number}/reviews", {})
    assert response.status_code == 409 and response.json()["code"] == "review_too_late"
    assert api(w.lhasa_trainer).get(f"/api/v1/certificates/{late.number}").json()["status"] == "void"


def test_missing_training_fails_but_may_be_retried(api, held):
    w = held
    review_training(w, w.yangjin, "7.5")
    path = f"/api/v1/certificates/{w.cert.number}/reviews"
    failed = api(w.lhasa_trainer).post(path, {}).json()
    assert (failed["outcome"], failed["failure"], failed["status"]) == (
        "failed",
        "review_training_missing",
        "review_due",
    )
    review_training(w, w.yangjin, "4", days_ago=2)  # trains again within the window
    passed = api(w.lhasa_trainer).post(path, {}).json()
    assert (passed["outcome"], float(passed["training_hours"])) == ("passed", 11.5)
    assert len(api(w.lhasa_trainer).get(path).json()) == 2


def test_training_for_another_operation_does_not_count(api, held):
    w = held
    review_training(w, w.yangjin, "8", item="2.1")
    assert api(w.lhasa_trainer).post(f"/api/v1/certificates/{w.cert.number}/reviews", {}).json()["failure"] == (
        "review_training_missing"
    )


def test_two_violations_void_the_certificate_at_once(api, client, held):
    w = held
    review_training(w, w.yangjin, "8")
    body = api(w.lhasa_trainer).post(f"/api/v1/certificates/{w.cert.number}/reviews", {"violations": 2}).json()
    assert (body["outcome"], body["failure"], body["status"]) == ("failed", "review_violations", "void")
    public = client.get("/api/v1/certificates/verify", {"number": w.cert.number, "name": "央金"}).json()
    assert (public["valid"], public["status"]) == (False, "void")
    again = api(w.lhasa_trainer).post(f"/api/v1/certificates/{w.cert.number}/reviews", {})
    assert again.status_code == 409 and again.json()["code"] == "certificate_void"


def test_suspend_reinstate_revoke(api, client, held):
    w = held
    base = f"/api/v1/certificates/{w.cert.number}"
    missing = api(w.lhasa_trainer).post(f"{base}/suspend", {"reason": "  "})
    assert missing.status_code == 400 and missing.json()["field"] == "reason"
    assert Certificate.objects.get(pk=w.cert.pk).suspended is False
    suspended = api(w.lhasa_trainer).post(f"{base}/suspend", {"reason": "违章作业，暂扣 6 个月"})
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    assert api(w.lhasa_trainer).post(f"{base}/suspend", {"reason": "x"}).json()["code"] == "certificate_suspended"
    review_training(w, w.yangjin, "8")
    blocked = api(w.lhasa_trainer).post(f"{base}/reviews", {})
    assert blocked.status_code == 409 and blocked.json()["code"] == "certificate_suspended"
    assert client.get("/api/v1/certificates/verify", {"number": w.cert.number, "name": "央金"}).json()["valid"] is False
    lifted = api(w.lhasa_trainer).post(f"{base}/reinstate", {"reason": "暂扣期满"}).json()
    assert lifted["status"] == "review_due"
    revoked = api(w.lhasa_trainer).post(f"{base}/revoke", {"reason": "弄虚作假取得证书"}).json()
    assert (revoked["status"], revoked["status_reason"]) == ("revoked", "弄虚作假取得证书")
    assert api(w.lhasa_trainer).post(f"{base}/reinstate", {"reason": "x"}).json()["code"] == "certificate_revoked"
    kinds = list(Certificate.objects.get(pk=w.cert.pk).actions.values_list("kind", flat=True))
    assert kinds == ["revoke", "reinstate", "suspend"]


def test_scope(api, held):
    w = held
    base = f"/api/v1/certificates/{w.cert.number}"
    assert api(w.shigatse_trainer).get(base).status_code == 404
    assert api(w.shigatse_trainer).post(f"{base}/reviews", {}).status_code == 404
    assert api(w.shigatse_trainer).post(f"{base}/revoke", {"reason": "x"}).status_code == 404
    assert api(w.shigatse_trainer).get("/api/v1/certificates").json()["count"] == 0
    assert api(w.region_admin).get("/api/v1/certificates").json()["count"] == 1
    # an inspector of Lhasa sees it but does not manage training
    assert api(w.lhasa_inspector).get(base).status_code == 200
    assert api(w.lhasa_inspector).post(f"{base}/revoke", {"reason": "x"}).json()["code"] == "not_a_trainer"
    # the unit's own officer sees its employees' certificates, not others'
    from anjian.enterprises.services import enterprise_officer_create

    certificate(w, holder(w, "达瓦", "415"), "T542023000005", due_in=120)  # no employer
    officer = enterprise_officer_create(
        w.lhasa_admin, w.mine, username="mine-officer", full_name="安全员", password="Anjian-demo-2026"
    )
    assert [c["number"] for c in api(officer).get("/api/v1/certificates").json()["items"]] == [w.cert.number]
    assert api(officer).post(f"{base}/revoke", {"reason": "x"}).json()["code"] == "not_a_trainer"
    assert Certificate.objects.get(pk=w.cert.pk).revoked is False


def test_lists_of_what_falls_due_in_90_days(api, held):
    w = held  # 央金: review due in 30 days
    soon = certificate(w, holder(w, "卓玛", "314"), "T542021000004", due_in=200, issued_years_ago=6,
                       valid_until=TODAY() + timedelta(days=80))  # fmt: skip
    certificate(w, holder(w, "达瓦", "415"), "T542023000005", due_in=120)  # outside 90 days
    certificate(w, holder(w, "拉姆", "516"), "T542023000006", due_in=10, revoked=True)
    certificate(w, holder(w, "普布", "617"), "T542023000008", due_in=90)  # the 90th day counts
    due = api(w.region_admin).get("/api/v1/certificates/due").json()
    assert [(i["number"], i["kind"], i["days_left"]) for i in due["items"]] == [
        ("T542023000001", "review", 30),
        (soon.number, "expiry", 80),
        ("T542023000008", "review", 90),
    ]
    assert [(r["division"], r["review"], r["expiry"]) for r in due["by_division"]] == [("540100", 2, 1)]
    units = {r["name"]: (r["review"], r["expiry"]) for r in due["by_unit"]}
    assert units == {"墨竹工卡矿业有限公司": (1, 0), "": (1, 1)}
    by_unit = api(w.region_admin).get("/api/v1/certificates/due", enterprise=w.mine.pk).json()
    assert [i["number"] for i in by_unit["items"]] == ["T542023000001"]
    assert api(w.region_admin).get("/api/v1/certificates/due", within=29).json()["items"] == []
    assert api(w.shigatse_trainer).get("/api/v1/certificates/due").json()["items"] == []


def test_list_filters_by_status(api, held):
    w = held
    certificate(w, holder(w, "达瓦", "415"), "T542023000005", due_in=120)
    certificate(w, holder(w, "拉姆", "516"), "T542023000006", due_in=10, revoked=True)
    certificate(w, holder(w, "普布", "617"), "T542023000008", due_in=-3)
    statuses = {}
    for status in ("valid", "review_due", "void", "expired", "suspended", "revoked"):
        items = api(w.lhasa_trainer).get("/api/v1/certificates", status=status).json()["items"]
        statuses[status] = [i["number"] for i in items]
        assert all(i["status"] == status for i in items)
    assert statuses == {
        "valid": ["T542023000005"],
        "review_due": ["T542023000001"],
        "void": ["T542023000008"],
        "expired": [],
        "suspended": [],
        "revoked": ["T542023000006"],
    }
    assert [i["number"] for i in api(w.lhasa_trainer).get("/api/v1/certificates", q="央金").json()["items"]] == [
        "T542023000001"
    ]
