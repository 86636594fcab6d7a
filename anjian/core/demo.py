"""Demo data: the region's bureaus, a few supporting units, one account per place and role.

Everything is written through the services, so the demo has an audit trail
like real data. Idempotent: what exists is left alone.
"""

from django.db import transaction

from anjian.core import services
from anjian.core.audit import audit_record, snapshot
from anjian.core.models import (
    BUREAU_ROLES,
    AuditAction,
    Division,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    SupportKind,
)
from anjian.core.rules import NATIONAL_CODE

DEMO_PASSWORD = "anjian-demo"  # noqa: S105 (the published demo password)

# Account prefix → division code of the place's bureau.
PLACES = {
    "xizang": "540000",
    "lhasa": "540100",
    "shigatse": "540200",
    "chamdo": "540300",
    "nyingchi": "540400",
    "shannan": "540500",
    "nagqu": "540600",
    "ngari": "542500",
}
REGION = "540000"

ROLE_NAMES_ZH = {
    Role.ADMIN: "管理员",
    Role.LEADER: "局领导",
    Role.INSPECTOR: "执法检查员",
    Role.LEGAL: "法制审核员",
    Role.STATISTICIAN: "统计员",
    Role.TRAINER: "培训考核员",
    Role.COMMANDER: "应急指挥员",
    Role.AID: "援藏协调员",
}

BUREAU_ZH = "安全生产监督管理局"
BUREAU_EN = "Work Safety Supervision Bureau of "
BUREAU_BO = "ཐོན་སྐྱེད་བདེ་འཇགས་ལྟ་རྟོག་དོ་དམ་ཅུས།"

SUPPORTING_UNITS = [
    # (kind, support kind, name zh, name en, registered at, home division)
    (
        OrganisationKind.SUPPORTING,
        SupportKind.PROVINCE_BUREAU,
        "北京市应急管理局（援藏）",
        "Beijing Municipal Emergency Management Bureau (aid to Tibet)",
        "540100",
        "110000",
    ),
    (
        OrganisationKind.SUPPORTING,
        SupportKind.PROVINCE_BUREAU,
        "江苏省应急管理厅（援藏）",
        "Jiangsu Provincial Emergency Management Department (aid to Tibet)",
        "540100",  # Lhasa's counterparts are Beijing and Jiangsu (DOMAIN.md §11)
        "320000",
    ),
    (
        OrganisationKind.SUPPORTING,
        SupportKind.CENTRAL_ENTERPRISE,
        "中国华能集团有限公司（援藏）",
        "China Huaneng Group (aid to Tibet)",
        REGION,
        None,
    ),
    (
        OrganisationKind.SUPPORTING,
        SupportKind.NATIONAL_DEPARTMENT,
        "国家矿山安全监察局（援藏）",
        "National Mine Safety Administration (aid to Tibet)",
        REGION,
        None,
    ),
    (
        OrganisationKind.INSTITUTION,
        "",
        "西藏自治区安全生产技术服务中心",
        "Tibet Work Safety Technical Service Centre",
        REGION,
        None,
    ),
]


def _bureau_names(division: Division) -> dict:
    names = {"name_zh": division.name_zh + BUREAU_ZH}
    if division.name_en:
        names["name_en"] = BUREAU_EN + division.name_en
    if division.name_bo:
        names["name_bo"] = division.name_bo.rstrip("།") + "་" + BUREAU_BO
    return names


def _national_bureau_and_admin() -> Person:
    """The national bureau and the platform administrator: the roots of everything else."""
    admin = Person.objects.filter(username="admin").first()
    if admin is not None:
        return admin
    with transaction.atomic():
        national = Organisation.objects.filter(kind=OrganisationKind.BUREAU, division_id=NATIONAL_CODE).first()
        if national is None:
            national = Organisation.objects.create(
                kind=OrganisationKind.BUREAU,
                name_zh="应急管理部",
                name_en="Ministry of Emergency Management",
                name_bo="ཛ་དྲག་དོ་དམ་པུའུ།",
                division_id=NATIONAL_CODE,
            )
            audit_record(
                actor="seed_demo",
                action=AuditAction.CREATE,
                instance=national,
                division_code=NATIONAL_CODE,
                organisation_id=national.pk,
                after=snapshot(national),
            )
        admin = Person(
            username="admin",
            full_name="平台管理员",
            organisation=national,
            is_staff=True,
            is_superuser=True,
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        admin.groups.add(*services.Group.objects.filter(name=Role.ADMIN))
        audit_record(
            actor="seed_demo",
            action=AuditAction.CREATE,
            instance=admin,
            division_code=NATIONAL_CODE,
            organisation_id=national.pk,
            after=snapshot(admin, exclude=services.PERSON_AUDIT_EXCLUDE),
        )
    return admin


def demo_person(admin: Person, bureau: Organisation, username: str, full_name: str, role: str) -> Person:
    """A demo account with the demo password, audited like any new person."""
    person = Person(username=username, full_name=full_name, organisation=bureau)
    person.set_password(DEMO_PASSWORD)
    with transaction.atomic():
        person.save()
        person.groups.add(*services.Group.objects.filter(name=role))
        audit_record(
            actor=admin,
            action=AuditAction.CREATE,
            instance=person,
            division_code=bureau.division_id,
            organisation_id=bureau.pk,
            after=snapshot(person, exclude=services.PERSON_AUDIT_EXCLUDE) | {"roles": [role]},
        )
    return person


def seed_demo() -> dict:
    services.division_load_file()
    counts = {"organisations": 0, "people": 0}
    if not Person.objects.filter(username="admin").exists():
        counts["organisations"] += int(not Organisation.objects.filter(division_id=NATIONAL_CODE).exists())
        counts["people"] += 1
    admin = _national_bureau_and_admin()

    bureaus = {o.division_id: o for o in Organisation.objects.filter(kind=OrganisationKind.BUREAU)}
    region_divisions = Division.objects.filter(code__startswith=REGION[:2]).order_by("code")
    for division in region_divisions:
        if division.code in bureaus:
            continue
        bureaus[division.code] = services.organisation_create(
            admin, kind=OrganisationKind.BUREAU, division=division.code, **_bureau_names(division)
        )
        counts["organisations"] += 1

    for kind, support_kind, name_zh, name_en, division, home in SUPPORTING_UNITS:
        if Organisation.objects.filter(kind=kind, name_zh=name_zh).exists():
            continue
        services.organisation_create(
            admin,
            kind=kind,
            support_kind=support_kind,
            name_zh=name_zh,
            name_en=name_en,
            division=division,
            home_division=home,
        )
        counts["organisations"] += 1

    existing = set(Person.objects.values_list("username", flat=True))
    for place, code in PLACES.items():
        bureau = bureaus[code]
        for role in BUREAU_ROLES:
            username = f"{place}-{role.value}"
            if username not in existing:
                demo_person(admin, bureau, username, f"{bureau.division.name_zh}{ROLE_NAMES_ZH[role]}（演示）", role)
                counts["people"] += 1
    return counts
