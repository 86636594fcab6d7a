"""Penalty cases from the pages: open, take steps, see deadlines; the bureau's lists; the unit's page;
the public disclosure; scope."""

import datetime

from django.utils import timezone

from anjian.enforcement.models import Case
from anjian.enforcement.tests.test_cases import bureau, open_case, step  # noqa: F401 (fixture)


def test_an_inspector_opens_a_case_from_a_hazard_and_the_leader_approves_it_on_its_page(bureau, api, client, login):  # noqa: F811
    world, units = bureau
    hazard = api(world.lhasa_inspector).post("/api/v1/hazards", {
        "enterprise": units[0].pk, "grade": "general", "description": "配电箱无防护", "responsible_person": "扎西",
        "deadline": "2099-01-01",
    }).json()  # fmt: skip
    login(world.lhasa_inspector)
    page = client.get(f"/hazards/{hazard['id']}/").content.decode()
    assert f"/enterprises/{units[0].pk}/cases/new/?hazard={hazard['id']}" in page
    form = client.get(f"/enterprises/{units[0].pk}/cases/new/?hazard={hazard['id']}").content.decode()
    assert "配电箱无防护" in form  # the cause starts from the hazard
    response = client.post(f"/enterprises/{units[0].pk}/cases/new/?hazard={hazard['id']}", {
        "procedure": "general", "party_kind": "unit", "summary": "配电箱无防护", "act_date": "2026-01-04",
        "investigators": ["lhasa-inspector", "lhasa-inspector-2"], "basis": "WSL2021-99", "facts": "配电箱无防护罩",
        "penalty_kind": "fine", "amount": "60000",
    })  # fmt: skip
    assert response.status_code == 200 and "50000" in response.content.decode()  # above the basis's range
    assert not Case.objects.exists()
    response = client.post(f"/enterprises/{units[0].pk}/cases/new/?hazard={hazard['id']}", {
        "procedure": "general", "party_kind": "unit", "summary": "配电箱无防护", "act_date": "2026-01-04",
        "investigators": ["lhasa-inspector", "lhasa-inspector-2"], "basis": "WSL2021-99", "facts": "配电箱无防护罩",
        "penalty_kind": "fine", "amount": "20000",
    })  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert str(case.hazard_id) == hazard["id"]
    # The inspector may not approve filing; the leader sees the step on the page and takes it.
    assert 'value="step:approve_filing"' not in client.get(f"/cases/{case.pk}/").content.decode()
    client.logout()
    login(world.lhasa_leader)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="step:approve_filing"' in page
    response = client.post(f"/cases/{case.pk}/", {"form": "step:approve_filing", "approve_filing-opinion": "同意立案"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "investigating" and case.number.startswith("540100立审")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    due = timezone.localdate() + datetime.timedelta(days=90)
    assert due.isoformat() in page  # the decision deadline
    # A step dated in the future is refused on the form, and nothing moves.
    response = client.post(f"/cases/{case.pk}/", {"form": "step:extend", "extend-at": "2099-01-01T10:00",
                                                  "extend-reason": "x"})  # fmt: skip
    assert response.status_code == 200
    case.refresh_from_db()
    assert not case.extended
    # The unit's page lists the case and its risk level.
    unit_page = client.get(f"/enterprises/{units[0].pk}/").content.decode()
    assert case.number in unit_page and 'data-testid="risk-level"' in unit_page


def test_the_bureau_list_shows_what_is_due_and_another_prefecture_sees_nothing(bureau, api, client, login):  # noqa: F811
    world, units = bureau
    case = open_case(api, world, units[0])
    case = step(api, world.lhasa_leader, case["id"], "approve_filing", "2026-01-06")  # decision due 04-06: overdue
    login(world.lhasa_leader)
    page = client.get("/cases/?due=overdue").content.decode()
    assert case["number"] in page
    assert client.get("/cases/register.xlsx?year=2026&quarter=1").status_code == 200
    client.logout()
    login(world.shigatse_admin)
    assert client.get(f"/cases/{case['id']}/").status_code == 404
    assert case["number"] not in client.get("/cases/?state=").content.decode()
    response = client.post(f"/cases/{case['id']}/", {"form": "step:approve_filing"})
    assert response.status_code == 404


def test_only_disclosed_decisions_are_public(bureau, api, client):  # noqa: F811
    world, units = bureau
    case = open_case(api, world, units[1], fine="20000", basis="WSL2021-102")
    for person, action, day, data in [
        (world.lhasa_leader, "approve_filing", "2026-01-06", {}),
        (world.lhasa_inspector, "submit_review", "2026-01-06", {}),
        (world.lhasa_legal, "review", "2026-01-06", {"opinion": "同意"}),
        (world.lhasa_inspector, "notify", "2026-01-06", {}),
        (world.lhasa_inspector, "serve_notice", "2026-01-07", {"recipient": "扎西"}),
        (world.lhasa_leader, "decide", "2026-01-20", {}),
    ]:
        step(api, person, case["id"], action, day, **data)
    assert client.get("/public/penalties/").status_code == 200
    assert units[1].name not in client.get(f"/public/penalties/{world.lhasa.pk}/").content.decode()
    step(api, world.lhasa_inspector, case["id"], "disclose", "2026-01-21")
    assert units[1].name in client.get(f"/public/penalties/{world.lhasa.pk}/").content.decode()
    assert str(world.lhasa.name_zh) in client.get("/public/penalties/").content.decode()


def test_the_demo_has_cases_in_every_stage_and_some_late(db, settings):
    from django.core.management import call_command

    settings.EMBEDDED = True
    call_command("seed_demo", verbosity=0)
    states = set(Case.objects.values_list("state", flat=True))
    assert {"filing", "investigating", "hearing_requested", "served", "closed"} <= states
    assert Case.objects.filter(next_due__lt=timezone.localdate()).exists()
    assert Case.objects.filter(procedure="simple").exists() and Case.objects.filter(disclosed_on__isnull=False).exists()
