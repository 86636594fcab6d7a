"""Demo production units: a few hundred across the region, written through the services."""

import random

from anjian.core.models import Division, Person
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.enterprises.rules import credit_check_character, licence_default_expiry

UNITS_PER_COUNTY = 4
# (category, industry code, trade words, licence?)
TRADES = [
    ("industry_trade", "C3021", "水泥制品", False),
    ("industry_trade", "C1522", "天然饮用水", False),
    ("industry_trade", "C3011", "水泥", False),
    ("construction", "E4710", "建筑工程", True),
    ("construction", "E4819", "路桥工程", True),
    ("hazardous_chemicals", "F5265", "石油加油站", True),
    ("hazardous_chemicals", "F5162", "燃气", True),
    ("metal_nonmetal_mine", "B1019", "砂石料", True),
    ("metal_nonmetal_mine", "B0911", "铜矿业", True),
    ("civil_explosives", "C2671", "民爆器材", True),
    ("metallurgy", "C3216", "金属冶炼", False),
    ("fireworks", "F5149", "烟花爆竹经营", True),
]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
NAMES = ["扎西次仁", "格桑卓玛", "平措", "尼玛顿珠", "达瓦", "央金", "王建国", "李平", "次旦", "拉巴", "张伟", "德吉"]


def seed_demo() -> dict:
    counts = {"enterprises": _seed_units()}
    counts["safety officers"] = _seed_officers()
    return counts


def _seed_officers() -> int:
    """One safety officer per prefecture, `<place>-enterprise`, at the first operating unit there."""
    from anjian.core.demo import DEMO_PASSWORD, PLACES

    admin = Person.objects.get(username="admin")
    created = 0
    for place, code in PLACES.items():
        username = f"{place}-enterprise"
        if code == "540000" or Person.objects.filter(username=username).exists():
            continue
        unit = Enterprise.objects.filter(division__code__startswith=code[:4], status="operating").order_by("pk").first()
        services.enterprise_officer_create(
            admin, unit, username=username, full_name=f"{unit.name}安全员（演示）", password=DEMO_PASSWORD
        )
        created += 1
    return created


def _seed_units() -> int:
    if Enterprise.objects.exists():
        return 0
    admin = Person.objects.get(username="admin")
    rng = random.Random(540000)
    created = 0
    counties = Division.objects.filter(code__startswith="54", level="county").order_by("code")
    for county in counties:
        for i in range(UNITS_PER_COUNTY):
            category, industry, words, licensed = rng.choice(TRADES)
            body = f"91{county.code}MA6{county.code[-2:]}{i:02d}{rng.randint(10, 99)}"
            enterprise = services.enterprise_create(
                admin,
                name=f"{county.name_zh.rstrip('县区市')}{words}{SUFFIXES[i % 3]}",
                credit_code=body + credit_check_character(body),
                legal_representative=rng.choice(NAMES),
                division=county.code,
                industry=industry,
                categories=[category],
                employees=rng.randint(8, 420),
                address=f"{county.name_zh}{rng.randint(1, 99)}号",
                lat=county.lat,
                lon=county.lon,
                standardisation_grade=rng.choice(["", "", "3", "2"]),
                status=rng.choice(["operating"] * 8 + ["suspended", "closed"]),
            )
            if licensed:
                issued = (
                    services.timezone.localdate()
                    .replace(day=1, month=rng.randint(1, 12))
                    .replace(year=rng.choice([2023, 2024, 2025]))
                )
                services.licence_add(
                    admin,
                    enterprise,
                    number=f"(藏)安许证字[{issued.year}]{county.code[-4:]}{i:02d}",
                    issuer="西藏自治区安全生产监督管理局",
                    issued_on=issued,
                    valid_until=licence_default_expiry(issued),
                )
            if category in ("hazardous_chemicals", "civil_explosives") and rng.random() < 0.5:
                services.major_hazard_add(
                    admin,
                    enterprise,
                    name="储罐区" if category != "civil_explosives" else "炸药库",
                    level=rng.randint(2, 4),
                )
            created += 1
    return created
