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
    return counts


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
