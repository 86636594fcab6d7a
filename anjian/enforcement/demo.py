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
        services.draw_perform(lhasa_leader, draw)
        counts["plans"], counts["draws"] = 1, 1
    return counts
