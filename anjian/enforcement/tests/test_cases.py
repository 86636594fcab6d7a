"""Penalty cases end to end through the API: every path of due process, its deadlines against DOMAIN.md
(across the Spring Festival and National Day), bad input refused whole, and scope."""

import io
import uuid

import pytest
import time_machine
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from anjian.enforcement.models import Case, CaseStep, Document
from anjian.enforcement.tests.test_draws import certify
from conftest import make_person

TZ = "+08:00"


def at(day: str, hour: int = 10) -> str:
    return f"{day}T{hour:02d}:00:00{TZ}"


@pytest.fixture
def bureau(lhasa_world, api):
    """Lhasa with certified inspectors, a leader, a legal officer; Lhasa units and one in Shigatse."""
    world, units = lhasa_world
    certify(api, world, world.lhasa_inspector, world.lhasa_inspector_2, world.lhasa_inspector_3)
    world.lhasa_legal = make_person("lhasa-legal", world.lhasa, "legal")
    return world, units


def open_case(api, world, unit, *, fine="50000", basis="WSL2021-99", day="2026-01-05", **overrides):
    body = {
        "enterprise": unit.pk,
        "summary": "未对安全设备进行经常性维护",
        "act_date": "2026-01-04" if day >= "2026-01-05" else day,
        "investigators": ["lhasa-inspector", "lhasa-inspector-2"],
        "violations": [
            {"basis": basis, "facts": "提升机安全保护装置失效", "penalties": [{"kind": "fine", "amount": fine}]}
        ],
        "at": at(day),
    } | overrides
    response = api(world.lhasa_inspector).post("/api/v1/cases", body)
    assert response.status_code == 201, response.content
    return response.json()


def step(api, person, case_id, action, day, expect=200, **data):
    response = api(person).post(f"/api/v1/cases/{case_id}/transitions", {"action": action, "at": at(day), "data": data})
    assert response.status_code == expect, response.content
    return response.json()


def deadlines(case) -> dict:
    return {d["kind"]: (d["due"], d["met"]) for d in case["deadlines"]}


def to_notice_served(api, world, case, start="2026-01-06", served="2026-01-27"):
    """Filing approved, reviewed and notified on `start`; the notice served on `served`."""
    step(api, world.lhasa_leader, case["id"], "approve_filing", start, opinion="同意立案")
    step(api, world.lhasa_inspector, case["id"], "submit_review", start)
    step(api, world.lhasa_legal, case["id"], "review", start, opinion="事实清楚")
    step(api, world.lhasa_inspector, case["id"], "notify", start)
    return step(api, world.lhasa_inspector, case["id"], "serve_notice", served, recipient="扎西", method="直接送达")


def test_a_case_with_a_hearing_from_filing_to_closing(bureau, api, client):
    world, units = bureau
    case = open_case(api, world, units[0])
    assert case["state"] == "filing" and case["deadlines"] == []
    case = step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06", opinion="同意立案")
    assert case["number"].startswith("540100立审〔")
    assert deadlines(case) == {"decision": ("2026-04-06", None)}  # 90 days from filing (Art. 60)
    step(api, world.lhasa_inspector, case["id"], "submit_review", "2026-01-20")
    case = step(api, world.lhasa_legal, case["id"], "review", "2026-01-22", opinion="事实清楚，证据确凿")
    assert case["hearing_eligible"] is True  # 50,000 yuan for a unit: a large fine (≥ 30,000)
    step(api, world.lhasa_leader, case["id"], "discuss", "2026-01-23", participants="局长、副局长", conclusion="同意")
    step(api, world.lhasa_inspector, case["id"], "notify", "2026-01-26")
    case = step(api, world.lhasa_inspector, case["id"], "serve_notice", "2026-01-27", recipient="扎西")
    assert deadlines(case)["hearing_request"] == ("2026-02-01", None)  # 5 days (Art. 64)
    case = step(api, world.lhasa_inspector, case["id"], "request_hearing", "2026-01-30")
    assert deadlines(case)["hearing_request"] == ("2026-02-01", True)
    # The party is told at least 7 days before the hearing (Art. 64).
    refused = api(world.lhasa_inspector).post(
        f"/api/v1/cases/{case['id']}/transitions",
        {
            "action": "schedule_hearing",
            "at": at("2026-01-30", 11),
            "data": {"hearing_date": "2026-02-05", "place": "会议室"},
        },
    )
    assert refused.status_code == 400 and refused.json()["code"] == "hearing_notice_too_short"
    step(
        api,
        world.lhasa_inspector,
        case["id"],
        "schedule_hearing",
        "2026-01-30",
        hearing_date="2026-02-06",
        place="会议室",
    )
    step(api, world.lhasa_inspector, case["id"], "hold_hearing", "2026-02-06", record="当事人申辩，维持原意见")
    case = step(api, world.lhasa_leader, case["id"], "decide", "2026-02-12")
    # Disclosure: 7 working days after Thursday 2026-02-12 is Saturday 2026-02-28 (14 and 28 February are
    # adjusted working days; 15–23 February are the Spring Festival holidays).
    assert deadlines(case)["disclosure"] == ("2026-02-28", None)
    assert deadlines(case)["service"] == ("2026-02-19", None)  # 7 days (Art. 61)
    case = step(api, world.lhasa_inspector, case["id"], "serve", "2026-02-13", recipient="扎西")
    assert deadlines(case)["payment"] == ("2026-02-28", None)  # 15 days from receipt (Art. 67)
    case = step(api, world.lhasa_inspector, case["id"], "pay", "2026-02-27", amount="50000")
    assert case["state"] == "paid" and case["owed"] == "0.00"
    step(api, world.lhasa_inspector, case["id"], "disclose", "2026-02-27")
    case = step(api, world.lhasa_leader, case["id"], "close", "2026-03-02")
    assert case["state"] == "closed" and case["next_due"] is None
    assert deadlines(case) == {
        "hearing_request": ("2026-02-01", True),
        "decision": ("2026-04-06", True),
        "service": ("2026-02-19", True),
        "payment": ("2026-02-28", True),
        "disclosure": ("2026-02-28", True),
    }
    kinds = [d["kind"] for d in case["documents"]]
    assert kinds == [
        "case_filing", "case_handling", "collective_discussion", "penalty_notice", "service_receipt",
        "hearing_notice", "hearing_record", "penalty_decision", "service_receipt", "case_closing",
    ]  # fmt: skip
    # Each document is numbered and prints as a PDF.
    pdf = api(world.lhasa_leader).get(f"/api/v1/cases/{case['id']}/documents/{case['documents'][7]['id']}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The public sees the decision without logging in.
    client.logout()
    page = client.get(f"/public/penalties/{world.lhasa.pk}/").content.decode()
    assert units[0].name in page and "未对安全设备进行经常性维护" in page


def test_without_a_hearing_the_decision_waits_for_the_statement_window(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[1], fine="20000", basis="WSL2021-102")
    case = to_notice_served(api, world, case, served="2026-01-27")
    assert case["hearing_eligible"] is False and "hearing_request" not in deadlines(case)
    steps = CaseStep.objects.count()
    early = api(world.lhasa_leader).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "decide", "at": at("2026-01-30")}
    )
    assert early.status_code == 400 and early.json()["code"] == "decision_before_window"
    assert CaseStep.objects.count() == steps and Case.objects.get(pk=case["id"]).decided_on is None
    no_hearing = api(world.lhasa_inspector).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "request_hearing", "at": at("2026-01-28")}
    )
    assert no_hearing.json()["code"] == "hearing_not_available"
    case = step(api, world.lhasa_leader, case["id"], "decide", "2026-01-30", waived=True)
    assert case["state"] == "decided"


def test_a_decision_needs_the_notice_served_and_a_hearing_must_be_asked_in_time(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[0])
    step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")
    step(api, world.lhasa_inspector, case["id"], "submit_review", "2026-01-07")
    step(api, world.lhasa_legal, case["id"], "review", "2026-01-08", opinion="同意")
    step(api, world.lhasa_inspector, case["id"], "notify", "2026-01-09")
    refused = api(world.lhasa_leader).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "decide", "at": at("2026-01-20")}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "decision_needs_served_notice"
    step(api, world.lhasa_inspector, case["id"], "serve_notice", "2026-01-10", recipient="扎西")
    late = api(world.lhasa_inspector).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "request_hearing", "at": at("2026-01-16")}
    )
    assert late.status_code == 400 and late.json()["code"] == "hearing_request_late"
    assert "2026-01-15" in late.json()["message"]
    # A heavy penalty needs the heads' collective discussion before the decision (Art. 57).
    undiscussed = api(world.lhasa_leader).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "decide", "at": at("2026-01-20")}
    )
    assert undiscussed.json()["code"] == "discussion_required"


def test_late_payment_surcharge_enforcement_and_an_undisclosed_decision_left_overdue(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[1], fine="20000", basis="WSL2021-102", day="2026-03-02")
    step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-03-03")
    step(api, world.lhasa_inspector, case["id"], "submit_review", "2026-03-04")
    step(api, world.lhasa_legal, case["id"], "review", "2026-03-05", opinion="同意")
    step(api, world.lhasa_inspector, case["id"], "notify", "2026-03-06")
    step(api, world.lhasa_inspector, case["id"], "serve_notice", "2026-03-09", recipient="扎西")
    case = step(api, world.lhasa_leader, case["id"], "decide", "2026-03-16")
    assert deadlines(case)["disclosure"] == ("2026-03-25", None)
    case = step(api, world.lhasa_inspector, case["id"], "serve", "2026-03-17", recipient="扎西")
    assert deadlines(case)["payment"] == ("2026-04-01", None)
    early = api(world.lhasa_inspector).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "remind", "at": at("2026-03-20")}
    )
    assert early.json()["code"] == "payment_not_overdue"
    # 10 days late: 20,000 + 3 % × 20,000 × 10 = 26,000 owed (Art. 72).
    step(api, world.lhasa_inspector, case["id"], "remind", "2026-04-11")
    too_much = api(world.lhasa_inspector).post(
        f"/api/v1/cases/{case['id']}/transitions",
        {"action": "pay", "at": at("2026-04-11", 11), "data": {"amount": "26000.01"}},
    )
    assert too_much.status_code == 400 and too_much.json()["code"] == "payment_exceeds_owed"
    assert "26,000.00" in too_much.json()["message"]
    case = step(api, world.lhasa_inspector, case["id"], "pay", "2026-04-11", amount="6000")
    assert case["paid"] == "6000.00" and case["state"] == "served"
    # 49 days late: the surcharge stops at the fine itself: 40,000 − 6,000 paid.
    case = step(api, world.lhasa_leader, case["id"], "apply_enforcement", "2026-05-20")
    assert case["state"] == "enforcement"
    enforcement = Document.objects.get(case_id=case["id"], kind="enforcement_application")
    assert enforcement.body["owed"] == "34,000.00" and enforcement.body["surcharge"] == "20,000.00"
    case = step(api, world.lhasa_leader, case["id"], "close", "2026-06-01")
    assert deadlines(case)["payment"] == ("2026-04-01", None)
    # Closed, but the decision was never disclosed: it stays on the bureau's overdue list.
    assert case["next_due"] == "2026-03-25" and case["next_due_kind"] == "disclosure"
    overdue = api(world.lhasa_leader).get("/api/v1/cases", due="overdue").json()["items"]
    assert [c["id"] for c in overdue] == [case["id"]]


def test_simple_procedure_on_the_spot_within_its_limits(bureau, api):
    world, units = bureau
    violation = {"basis_text": "《安全生产法》第九十九条", "facts": "未设置安全警示标志",
                 "penalties": [{"kind": "fine", "amount": "3000"}]}  # fmt: skip
    body = {"procedure": "simple", "violations": [violation]}
    case = open_case(api, world, units[2], day="2026-06-01", **body)
    assert case["state"] == "served" and case["documents"][0]["kind"] == "onspot_decision"
    assert deadlines(case) == {"service": ("2026-06-08", True), "payment": ("2026-06-16", None)}
    case = step(api, world.lhasa_inspector, case["id"], "pay", "2026-06-01", amount="3000")
    case = step(api, world.lhasa_leader, case["id"], "close", "2026-06-02")
    assert case["state"] == "closed"
    for overrides, code in (
        ({"party_kind": "unit", "amount": "3000.01"}, "simple_limit_exceeded"),
        ({"party_kind": "individual", "amount": "200.01"}, "simple_limit_exceeded"),
        ({"party_kind": "unit", "kind": "suspension", "amount": None}, "simple_kind_not_allowed"),
    ):
        violation = {"basis_text": "第九十九条", "facts": "同上", "penalties": [
            {"kind": overrides.get("kind", "fine"), "amount": overrides["amount"]}
        ]}  # fmt: skip
        response = api(world.lhasa_inspector).post("/api/v1/cases", {
            "enterprise": units[2].pk, "procedure": "simple", "party_kind": overrides["party_kind"],
            "party_name": "次仁", "summary": "现场处罚", "act_date": "2026-06-01",
            "investigators": ["lhasa-inspector", "lhasa-inspector-2"], "violations": [violation],
        })  # fmt: skip
        assert response.status_code == 400 and response.json()["code"] == code, response.content
    assert Case.objects.count() == 1


def test_outcomes_without_penalty(bureau, api):
    world, units = bureau
    minor = open_case(api, world, units[0])
    step(api, world.lhasa_leader, minor["id"], "approve_filing", "2026-01-06")
    step(api, world.lhasa_inspector, minor["id"], "submit_review", "2026-01-07")
    step(api, world.lhasa_legal, minor["id"], "review", "2026-01-08", opinion="情节轻微并及时改正")
    minor = step(api, world.lhasa_leader, minor["id"], "no_penalty", "2026-01-09", reason="minor")
    assert (minor["state"], minor["outcome"]) == ("closed", "no_penalty_minor")
    assert deadlines(minor) == {"decision": ("2026-04-06", True)}
    transferred = open_case(api, world, units[1])
    step(api, world.lhasa_leader, transferred["id"], "approve_filing", "2026-01-06")
    transferred = step(api, world.lhasa_leader, transferred["id"], "transfer", "2026-01-10", transfer_to="拉萨市公安局")
    assert transferred["outcome"] == "transferred"
    refused = open_case(api, world, units[2])
    refused = step(api, world.lhasa_leader, refused["id"], "refuse_filing", "2026-01-06", reason="不属于本局管辖")
    assert (refused["state"], refused["outcome"], refused["next_due"]) == ("closed", "not_filed", None)


def test_the_decision_deadline_extends_once(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[0])
    step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")
    case = step(api, world.lhasa_leader, case["id"], "extend", "2026-03-01", reason="案情复杂")
    assert deadlines(case)["decision"] == ("2026-05-06", None)  # 90 + 30 days
    again = api(world.lhasa_leader).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "extend", "at": at("2026-03-02"), "data": {"reason": "x"}}
    )
    assert again.json()["code"] == "extension_used"


@pytest.mark.parametrize(
    ("fine", "basis", "code"),
    [("100000.01", "WSL2021-97", "fine_above_range"), ("99999", "WSL2021-97-uncorrected", "fine_below_range"),
     ("0", "WSL2021-99", "fine_amount_required"), ("-5", "WSL2021-99", "amount_negative"),
     ("1000", "NO-SUCH-BASIS", "basis_unknown")],
)  # fmt: skip
def test_a_fine_outside_its_range_is_refused_and_nothing_is_written(bureau, api, fine, basis, code):
    world, units = bureau
    response = api(world.lhasa_inspector).post("/api/v1/cases", {
        "enterprise": units[0].pk, "summary": "x", "act_date": "2026-01-04",
        "investigators": ["lhasa-inspector", "lhasa-inspector-2"],
        "violations": [{"basis": basis, "facts": "y", "penalties": [{"kind": "fine", "amount": fine}]}],
    })  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == code, response.content
    assert response.json()["field"].startswith("violations[0]")
    assert not Case.objects.exists() and not Document.objects.exists()


def test_steps_out_of_order_by_the_wrong_role_or_at_the_wrong_time(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[0])
    cases = [
        (world.lhasa_inspector, "approve_filing", "2026-01-06", 403, "case_action_not_yours"),
        (world.lhasa_leader, "serve", "2026-01-06", 409, "case_action_out_of_order"),
        (world.lhasa_leader, "approve_filing", "2099-01-01", 400, "date_in_future"),
        (world.lhasa_leader, "approve_filing", "2026-01-04", 400, "step_before_previous"),
    ]
    for person, action, day, status, code in cases:
        response = api(person).post(f"/api/v1/cases/{case['id']}/transitions", {"action": action, "at": at(day)})
        assert (response.status_code, response.json()["code"]) == (status, code), (action, response.content)
    assert Case.objects.get(pk=case["id"]).state == "filing" and CaseStep.objects.count() == 1
    # Only the legal officer reviews.
    step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")
    step(api, world.lhasa_inspector, case["id"], "submit_review", "2026-01-07")
    step(api, world.lhasa_leader, case["id"], "review", "2026-01-08", expect=403, opinion="x")


def test_a_case_is_opened_once_per_client_id(bureau, api):
    world, units = bureau
    case_id = str(uuid.uuid4())
    first = open_case(api, world, units[0], id=case_id)
    body = {"id": case_id, "enterprise": units[0].pk, "summary": "未对安全设备进行经常性维护", "act_date": "2026-01-04",
            "investigators": ["lhasa-inspector", "lhasa-inspector-2"], "at": at("2026-01-05")}  # fmt: skip
    again = api(world.lhasa_inspector).post("/api/v1/cases", body)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    other = api(world.lhasa_inspector).post("/api/v1/cases", body | {"summary": "另一案"})
    assert other.status_code == 409 and other.json()["code"] == "case_id_taken"
    assert Case.objects.count() == 1


def test_a_disclosure_reaching_a_year_without_its_schedule_is_refused(bureau, api):
    world, units = bureau
    with time_machine.travel("2026-12-24 10:00 +08:00", tick=False):
        case = open_case(api, world, units[0], fine="20000", basis="WSL2021-102", day="2026-12-01")
        to_notice_served(api, world, case, start="2026-12-02", served="2026-12-03")
        refused = api(world.lhasa_leader).post(
            f"/api/v1/cases/{case['id']}/transitions", {"action": "decide", "at": at("2026-12-24", 9)}
        )
    assert refused.status_code == 400 and refused.json()["code"] == "calendar_year_missing"
    assert "2027" in refused.json()["message"]
    assert Case.objects.get(pk=case["id"]).state == "notice_served"


def test_disclosure_across_national_day_counts_adjusted_working_days(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[1], fine="20000", basis="WSL2021-102", day="2025-09-01")
    to_notice_served(api, world, case, start="2025-09-02", served="2025-09-03")
    case = step(api, world.lhasa_leader, case["id"], "decide", "2025-09-30")
    # 1–8 October 2025 are holidays and Saturday 11 October an adjusted working day: the 7th working
    # day after 30 September is 16 October (weekends alone would give 9 October).
    assert deadlines(case)["disclosure"] == ("2025-10-16", None)


def test_changed_and_revoked_decisions_show_as_such_and_individuals_are_masked(bureau, api, client):
    world, units = bureau
    person = {"party_kind": "individual", "party_name": "次仁多吉", "party_id_number": "11010519491231002X",
              "party_address": "拉萨市城关区北京中路1号"}  # fmt: skip
    case = open_case(
        api,
        world,
        units[0],
        fine="30000",
        basis="WSL2021-96",
        **person,
    )  # an individual: 30,000 is a large fine (≥ 10,000)
    step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")
    step(api, world.lhasa_inspector, case["id"], "submit_review", "2026-01-07")
    step(api, world.lhasa_legal, case["id"], "review", "2026-01-08", opinion="同意")
    step(api, world.lhasa_leader, case["id"], "discuss", "2026-01-09", participants="局务会", conclusion="同意")
    step(api, world.lhasa_inspector, case["id"], "notify", "2026-01-09")
    step(api, world.lhasa_inspector, case["id"], "serve_notice", "2026-01-10", recipient="次仁多吉")
    step(api, world.lhasa_leader, case["id"], "decide", "2026-01-20")
    step(api, world.lhasa_inspector, case["id"], "disclose", "2026-01-21")
    case = step(
        api, world.lhasa_leader, case["id"], "change_decision", "2026-02-01", penalty="罚款 20,000", fine="20000",
        reason="复议决定变更",
    )  # fmt: skip
    assert case["decision_status"] == "changed" and case["fine"] == "20000.00"
    decisions = Document.objects.filter(case_id=case["id"], kind="penalty_decision").order_by("issued_at")
    assert decisions[1].supersedes_id == decisions[0].pk
    client.logout()
    page = client.get(f"/public/penalties/{world.lhasa.pk}/").content.decode()
    assert "次仁多吉" in page and "110105********002X" in page
    assert "11010519491231002X" not in page and "北京中路" not in page
    assert decisions[1].number in page
    with override("zh-hans"):
        changed, revoked = gettext("Changed"), gettext("Revoked")
    assert f'<span class="badge off">{changed}</span>' in page
    step(api, world.lhasa_leader, case["id"], "revoke_decision", "2026-02-02", reason="法院判决撤销")
    page = client.get(f"/public/penalties/{world.lhasa.pk}/").content.decode()
    assert f'<span class="badge off">{revoked}</span>' in page and changed not in page


def test_bad_party_identity_is_refused(bureau, api):
    world, units = bureau
    for number, code in (("110105194912310021", "id_number_check"), ("110105194913310021", "id_number_invalid")):
        response = api(world.lhasa_inspector).post("/api/v1/cases", {
            "enterprise": units[0].pk, "summary": "x", "act_date": "2026-01-04", "party_kind": "individual",
            "party_name": "次仁", "party_id_number": number, "investigators": ["lhasa-inspector", "lhasa-inspector-2"],
        })  # fmt: skip
        assert response.json()["code"] == code and response.json()["field"] == "party_id_number"


def test_another_prefecture_can_neither_read_nor_change_a_case(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[0])
    shigatse = api(world.shigatse_inspector)
    assert shigatse.get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert shigatse.get("/api/v1/cases").json()["count"] == 0
    response = shigatse.post(f"/api/v1/cases/{case['id']}/transitions", {"action": "approve_filing"})
    assert response.status_code == 404
    assert shigatse.post(f"/api/v1/cases/{case['id']}/violations", []).status_code == 404
    # The region reads it, but only the bureau that holds the case acts on it.
    region = api(world.region_leader)
    assert region.get(f"/api/v1/cases/{case['id']}").status_code == 200
    assert region.post(f"/api/v1/cases/{case['id']}/transitions", {"action": "approve_filing"}).status_code == 403
    assert api(world.shigatse_admin).get(f"/api/v1/cases/{case['id']}/documents/1.pdf").status_code == 404


def test_the_bureau_lists_due_this_week_and_the_quarterly_register(bureau, api):
    world, units = bureau
    with time_machine.travel("2026-04-01 09:00 +08:00", tick=False):
        case = open_case(api, world, units[0], day="2026-01-05")
        step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")  # decision due 2026-04-06
        other = open_case(api, world, units[1], day="2026-01-05")
        step(api, world.lhasa_leader, other["id"], "approve_filing", "2026-01-05")
        leader = api(world.lhasa_leader)
        week = leader.get("/api/v1/cases", due="week").json()["items"]
        assert [c["id"] for c in week] == [other["id"], case["id"]]  # due 04-05, then 04-06
        assert leader.get("/api/v1/cases", due="overdue").json()["count"] == 0
    with time_machine.travel("2026-04-07 09:00 +08:00", tick=False):
        assert leader.get("/api/v1/cases", due="overdue").json()["count"] == 2
    response = api(world.lhasa_leader).get("/api/v1/cases/register.xlsx", year=2026, quarter=1)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][1] == "案号"
    assert (
        all(r[1].startswith("540100立审〔2026〕") for r in rows[1:]) and rows[1][2].date().isoformat() == "2026-01-05"
    )
    assert api(world.shigatse_admin).get("/api/v1/cases/register.xlsx", year=2026, quarter=1).status_code == 200
    empty = load_workbook(io.BytesIO(api(world.shigatse_admin).get("/api/v1/cases/register.xlsx", year=2026).content))
    assert len(list(empty.active.iter_rows(values_only=True))) == 1  # the header alone


def test_violations_and_evidence_are_added_while_investigating_only(bureau, api, client, settings):
    world, units = bureau
    settings.PHOTO_MAX_BYTES = 1024
    case = open_case(api, world, units[0])
    step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")
    inspector = api(world.lhasa_inspector)
    violation = {
        "basis": "WSL2021-97",
        "facts": "未如实记录培训情况",
        "penalties": [{"kind": "fine", "amount": "30000"}],
    }
    added = inspector.post(f"/api/v1/cases/{case['id']}/violations", [violation])
    assert added.status_code == 201 and added.json()[0]["basis"] == "WSL2021-97"
    headers = inspector.headers
    pdf = io.BytesIO(b"%PDF-1.4\n% evidence\n")
    pdf.name = "record.pdf"
    response = client.post(
        f"/api/v1/cases/{case['id']}/evidence",
        {"kind": "documentary", "description": "培训记录复印件", "collected_on": "2026-01-07", "file": pdf},
        headers=headers,
    )
    assert response.status_code == 201 and len(response.json()["sha256"]) == 64
    for content, code in (
        (b"MZ\x90\x00 not a document", "evidence_file_type"),
        (b"%PDF-" + b"0" * 2000, "photo_too_large"),
    ):
        upload = io.BytesIO(content)
        upload.name = "x.pdf"
        response = client.post(
            f"/api/v1/cases/{case['id']}/evidence",
            {"kind": "documentary", "description": "x", "collected_on": "2026-01-07", "file": upload},
            headers=headers,
        )
        assert response.status_code == 400 and response.json()["code"] == code
    future = client.post(
        f"/api/v1/cases/{case['id']}/evidence",
        {"kind": "testimony", "description": "x", "collected_on": "2099-01-01"},
        headers=headers,
    )
    assert future.json()["code"] == "date_in_future"
    step(api, world.lhasa_inspector, case["id"], "submit_review", "2026-01-08")
    late = inspector.post(f"/api/v1/cases/{case['id']}/violations", [{"basis_text": "x", "facts": "y"}])
    assert late.status_code == 409 and late.json()["code"] == "case_not_investigating"
    detail = inspector.get(f"/api/v1/cases/{case['id']}").json()
    assert len(detail["violations"]) == 2 and len(detail["evidence"]) == 1


def test_decided_penalties_raise_the_units_risk_level(bureau, api):
    world, units = bureau
    before = api(world.lhasa_inspector).get(f"/api/v1/enterprises/{units[1].pk}").json()["risk"]
    assert before["level"] == "low" and before["penalties_3y"] == 0
    case = open_case(api, world, units[1], fine="20000", basis="WSL2021-102", day="2026-03-02")
    to_notice_served(api, world, case, start="2026-03-03", served="2026-03-04")
    step(api, world.lhasa_leader, case["id"], "decide", "2026-03-16")
    after = api(world.lhasa_inspector).get(f"/api/v1/enterprises/{units[1].pk}").json()["risk"]
    assert after["level"] == "general" and after["penalties_3y"] == 1


def test_a_time_without_offset_is_read_in_the_platforms_zone_and_absurd_amounts_are_refused(bureau, api):
    world, units = bureau
    case = open_case(api, world, units[0])
    response = api(world.lhasa_leader).post(
        f"/api/v1/cases/{case['id']}/transitions", {"action": "approve_filing", "at": "2026-01-06T10:00:00"}
    )
    assert (
        response.status_code == 200 and response.json()["steps"][-1]["at"] == "2026-01-06T02:00:00Z"
    )  # 10:00 in Lhasa (UTC+8)
    huge = api(world.lhasa_inspector).post(
        f"/api/v1/cases/{case['id']}/violations",
        [{"basis_text": "x", "facts": "y", "penalties": [{"kind": "fine", "amount": "1e15"}]}],
    )
    assert huge.status_code == 400 and huge.json()["field"] == "violations[0].penalties[0].amount"


def test_ids_too_large_for_the_database_are_not_found(bureau, api, client):
    world, units = bureau
    case = open_case(api, world, units[0])
    huge = 2**70
    inspector = api(world.lhasa_inspector)
    assert inspector.get(f"/api/v1/cases/{case['id']}/documents/{huge}.pdf").status_code in (404, 422)
    assert inspector.delete(f"/api/v1/cases/{case['id']}/violations/{huge}").status_code in (404, 422)
    response = client.post(
        f"/api/v1/cases/{case['id']}/evidence",
        {"kind": "testimony", "description": "x", "collected_on": "2026-01-05", "violation": str(huge)},
        headers=inspector.headers,
    )
    assert response.status_code in (400, 422) and response.json()["field"]


def test_a_basis_is_judged_by_the_day_of_the_act_and_the_penalty_reads_in_chinese(bureau, api):
    world, units = bureau
    response = api(world.lhasa_inspector).post("/api/v1/cases", {
        "enterprise": units[0].pk, "summary": "x", "act_date": "2021-08-31",
        "investigators": ["lhasa-inspector", "lhasa-inspector-2"],
        "violations": [{"basis": "WSL2021-99", "facts": "y", "penalties": [{"kind": "fine", "amount": "1000"}]}],
    })  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "basis_not_in_force"
    assert response.json()["field"] == "violations[0].basis"
    case = open_case(api, world, units[0])
    step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")
    step(api, world.lhasa_inspector, case["id"], "submit_review", "2026-01-07")
    english = api(world.lhasa_legal, language="en").post(
        f"/api/v1/cases/{case['id']}/transitions",
        {"action": "review", "at": at("2026-01-08"), "data": {"opinion": "ok"}},
    )
    assert english.json()["penalty_text"] == "罚款 50,000.00"
