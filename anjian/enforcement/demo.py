"""Demo enforcement data: certified officers (two per place), a plan and a verified draw in Lhasa."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from anjian.core.demo import PLACES, demo_person
from anjian.core.models import Organisation, OrganisationKind, Person
from anjian.enforcement import services
from anjian.enforcement.models import EnforcementCertificate, InspectionPlan


def seed_demo() -> dict:
    admin = Person.objects.get(username="admin")
    counts = {"certificates": 0, "plans": 0, "draws": 0}
    valid_until = timezone.localdate() + datetime.timedelta(days=3 * 365)
    inspector = Group.objects.get(name="inspector")
    for place, code in PLACES.items():
        bureau = Organisation.objects.get(kind=OrganisationKind.BUREAU, division_id=code)
        if not Person.objects.filter(username=f"{place}-inspector-2").exists():
            demo_person(
                admin, bureau, f"{place}-inspector-2", f"{bureau.division.name_zh}执法检查员二（演示）", "inspector"
            )
        for person in Person.objects.filter(organisation=bureau, groups=inspector):
            if not EnforcementCertificate.objects.filter(person=person).exists():
                services.certificate_set(admin, person, number=f"藏{code[:4]}{person.pk:06d}", valid_until=valid_until)
                counts["certificates"] += 1
    lhasa_leader = Person.objects.get(username="lhasa-leader")
    if not InspectionPlan.objects.exists():
        plan = services.plan_create(
            lhasa_leader,
            year=timezone.localdate().year,
            name="双随机一公开抽查计划（演示）",
            strata=[{"category": "hazardous_chemicals", "count": 2}, {"category": "", "count": 4}],
        )
        draw = services.draw_commit(lhasa_leader, plan)
        draw = services.draw_perform(lhasa_leader, draw)
        services.draw_publish(lhasa_leader, draw)
        counts["plans"], counts["draws"] = 1, 1
    counts["hazards"] = _seed_hazards()
    counts["inspections"] = _seed_inspections()
    counts["cases"] = _seed_cases()
    return counts


# Demo cases: (violation basis, fine, the path as (role, action, days ago, data)). Dates are relative to
# today so that the lists always hold something due this week and something overdue.
_FILED = [("leader", "approve_filing", None, {"opinion": "同意立案"})]
_TO_NOTICE = [
    ("inspector", "submit_review", None, {}),
    ("legal", "review", None, {"opinion": "事实清楚，证据确凿，程序合法"}),
]
_HEAVY = [("leader", "discuss", None, {"participants": "局长、副局长、法制科长", "conclusion": "同意拟处罚意见"})]
_NOTICE = [
    ("inspector", "notify", None, {}),
    ("inspector", "serve_notice", None, {"recipient": "单位负责人", "method": "直接送达"}),
]
DEMO_CASES = [
    # awaiting filing approval
    ("WSL2021-99", "20000", 2, []),
    # under investigation, decision due within the week (filed 85 days ago)
    ("WSL2021-102", "30000", 86, _FILED),
    # under investigation past the 90-day decision deadline: overdue
    ("WSL2021-97", "50000", 100, _FILED),
    # hearing requested
    ("WSL2021-101-uncorrected", "150000", 30, _FILED + _TO_NOTICE + _HEAVY + _NOTICE
     + [("inspector", "request_hearing", None, {})]),
    # decided and served, not yet disclosed nor paid: disclosure and payment overdue
    ("WSL2021-102", "20000", 60, _FILED + _TO_NOTICE + _NOTICE
     + [("leader", "decide", 35, {"waived": "true"}), ("inspector", "serve", 34, {"recipient": "单位负责人"})]),
    # paid, disclosed and closed
    ("WSL2021-99", "10000", 80, _FILED + _TO_NOTICE + _NOTICE
     + [("leader", "decide", 50, {"waived": "true"}), ("inspector", "serve", 49, {"recipient": "单位负责人"}),
        ("inspector", "disclose", 45, {}), ("inspector", "pay", 40, {"amount": "10000"}),
        ("leader", "close", 39, {})]),
    # closed without penalty
    ("WSL2021-99", "5000", 40, _FILED + _TO_NOTICE + [("leader", "no_penalty", None, {"reason": "minor"})]),
]  # fmt: skip


def _seed_cases() -> int:
    from anjian.core.errors import DomainError
    from anjian.enforcement.cases import case_open, case_transition
    from anjian.enforcement.models import Case
    from anjian.enterprises.models import Enterprise

    if Case.objects.exists():
        return 0
    now = timezone.now()
    created = 0
    for place, code in PLACES.items():
        if code == "540000":
            continue
        people = {role: Person.objects.get(username=f"{place}-{role}") for role in ("inspector", "leader", "legal")}
        units = Enterprise.objects.filter(division__code__startswith=code[:4], status="operating").order_by("pk")
        units = list(units[: len(DEMO_CASES) + 1])
        for i, (basis, fine, age, path) in enumerate(DEMO_CASES):
            if i >= len(units):
                break
            opened = now - datetime.timedelta(days=age)
            case, _new = case_open(
                people["inspector"], enterprise=units[i], procedure="general", party_kind="unit",
                summary="未履行安全生产法定义务（演示）", act_date=timezone.localdate(opened),
                investigators=[f"{place}-inspector", f"{place}-inspector-2"], at=opened,
                violations=[{"basis": basis, "facts": "检查发现的违法事实（演示）",
                             "penalties": [{"kind": "fine", "amount": fine}]}],
            )  # fmt: skip
            when = opened
            try:
                for role, action, days_ago, data in path:
                    if days_ago is not None:
                        when = max(when, now - datetime.timedelta(days=days_ago))
                    else:
                        when = min(when + datetime.timedelta(days=1), now)
                    case = case_transition(people[role], case, action=action, at=when, data=data)
            except DomainError:  # e.g. the statutory calendar lacks a year: the case stays where it got to
                pass
            created += 1
        # One small fine on the spot (simple procedure), still to be paid.
        if len(units) > len(DEMO_CASES):
            case_open(
                people["inspector"], enterprise=units[len(DEMO_CASES)], procedure="simple", party_kind="unit",
                summary="未设置安全警示标志（演示）", act_date=timezone.localdate(now - datetime.timedelta(days=3)),
                investigators=[f"{place}-inspector", f"{place}-inspector-2"], at=now - datetime.timedelta(days=3),
                violations=[{"basis_text": "《安全生产法》第九十九条", "facts": "作业场所未设置安全警示标志",
                             "penalties": [{"kind": "fine", "amount": "2000"}]}],
            )  # fmt: skip
            created += 1
    return created


def _seed_inspections() -> int:
    """The demo draw carried out: each drawn unit inspected by its two officers."""
    from anjian.enforcement.inspections import inspection_record
    from anjian.enforcement.models import ChecklistTemplate, DrawAssignment, Inspection, ItemResult

    if Inspection.objects.exists():
        return 0
    template = ChecklistTemplate.objects.get(category="")
    created = 0
    for assignment in DrawAssignment.objects.select_related("enterprise").prefetch_related("inspectors"):
        officers = sorted(p.username for p in assignment.inspectors.all())
        lead = assignment.inspectors.get(username=officers[0])
        items = list(template.items.all())
        results = {item.pk: ItemResult.PASS for item in items}
        results[items[-1].pk] = ItemResult.FAIL  # drills of the emergency plan are the usual gap
        inspection_record(
            lead,
            enterprise=assignment.enterprise,
            date=timezone.localdate(),
            place=assignment.enterprise.address or assignment.enterprise.name,
            inspectors=officers,
            representatives=f"{assignment.enterprise.legal_representative}（法定代表人）",
            template=template,
            results=results,
            findings="应急救援预案未按规定组织演练（演示）",
            assignment=assignment,
        )
        created += 1
    return created


HAZARD_TEXTS = [
    ("general", "配电箱未可靠接地", "加装接地线并检测接地电阻"),
    ("general", "安全出口被货物堵塞", "清理通道，设置禁止堆放标志"),
    ("general", "特种作业人员未持证上岗", "停止作业，组织培训取证"),
    ("major", "尾矿库排洪设施损坏", "停产整改，修复排洪系统"),
    ("general", "灭火器过期未更换", "更换灭火器并建立检查台账"),
    ("major", "储罐区可燃气体报警器失效", "局部停产，更换报警装置"),
]


def _seed_hazards() -> int:
    from anjian.enforcement.hazards import hazard_report, hazard_transition
    from anjian.enforcement.models import Hazard
    from anjian.enforcement.rules import MAJOR_PLAN_PARTS
    from anjian.enterprises.models import Enterprise

    if Hazard.objects.exists():
        return 0
    plan = dict.fromkeys(MAJOR_PLAN_PARTS, "已按第16号令要求制定（演示）")
    paths = [[], ["rectifying"], ["rectifying", "submitted"], ["rectifying", "submitted", "closed"]]
    created = 0
    for place, code in PLACES.items():
        if code == "540000":
            continue
        inspector = Person.objects.get(username=f"{place}-inspector")
        units = Enterprise.objects.filter(division__code__startswith=code[:4], status="operating").order_by("pk")[:6]
        for i, unit in enumerate(units):
            grade, text, measures = HAZARD_TEXTS[i % len(HAZARD_TEXTS)]
            hazard, _created = hazard_report(
                inspector,
                enterprise=unit,
                grade=grade,
                description=text,
                location="生产现场",
                responsible_person=unit.legal_representative,
                measures=measures,
                deadline=timezone.localdate() + datetime.timedelta(days=5 + 10 * i),
            )
            for step in paths[i % len(paths)]:
                hazard = hazard_transition(inspector, hazard, to=step, comment="演示", plan=plan)
            created += 1
    return created
