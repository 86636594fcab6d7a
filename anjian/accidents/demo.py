"""Demo accident reports: several years of the region's accidents by the shape of its economy, told through the
services (recorded, forwarded up the chain, updated, investigated), and tonight's mine accident still on its way up.

Deterministic (a fixed random seed) and idempotent: nothing is added once the demo has accidents.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from anjian.accidents import rules, services
from anjian.accidents.models import Accident
from anjian.core.demo import PLACES, demo_person
from anjian.core.models import Division, Organisation, OrganisationKind, Person
from anjian.enterprises.models import Enterprise

FIRST_YEAR = 2019
PER_YEAR = 130  # reports a year across the region, falling a little each year
# Accounts of a few county bureaus: <place>-<role>.
COUNTY_PLACES = {"chengguan": "540102", "maizhokunggar": "540127", "samzhubze": "540202", "karub": "540302"}
COUNTY_ROLES = {"commander": "应急值班员", "statistician": "统计员", "leader": "局领导"}
PREFECTURE_WEIGHTS = {
    "540100": 30,
    "540200": 18,
    "540300": 15,
    "540400": 10,
    "540500": 10,
    "540600": 10,
    "542500": 7,
}
SECTOR_WEIGHTS = {
    "road_traffic": 55,
    "industrial": 33,
    "fire": 7,
    "agricultural_machinery": 3,
    "water_transport": 1,
    "railway": 1,
}
INDUSTRY_WEIGHTS = {
    "construction": 50,
    "metal_nonmetal_mine": 22,
    "other_industrial": 18,
    "hazardous_chemicals": 5,
    "coal_mine": 3,
    "metallurgy": 2,
}
INDUSTRY_CATEGORIES = {
    "construction": ["09", "10", "04", "01", "05"],
    "metal_nonmetal_mine": ["10", "11", "13", "03", "06"],
    "coal_mine": ["15", "11", "12", "19"],
    "hazardous_chemicals": ["19", "17", "07", "08"],
    "metallurgy": ["07", "03", "17"],
    "other_industrial": ["03", "01", "05", "19", "20"],
}
SECTOR_CATEGORY = {
    "road_traffic": "02",
    "fire": "08",
    "agricultural_machinery": "02",
    "water_transport": "06",
    "railway": "02",
}
SUMMARIES = {
    "road_traffic": [
        "国道318线一辆货车与客车相撞",
        "省道一辆越野车翻坠山崖",
        "一辆农用车在乡道侧翻",
        "县道一辆面包车与摩托车相撞",
    ],
    "construction": ["在建住宅楼外脚手架坍塌", "施工人员在屋面作业时坠落", "塔吊吊运钢筋时吊物坠落", "基坑边坡坍塌"],
    "metal_nonmetal_mine": ["采场发生片帮", "井下爆破作业后冒顶", "运输巷道发生车辆伤害", "尾矿库巡查人员溺水"],
    "coal_mine": ["井下发生瓦斯爆炸", "采煤工作面冒顶", "井下局部透水"],
    "hazardous_chemicals": ["加油站储罐清洗时中毒窒息", "液化气储罐阀门泄漏引发爆炸"],
    "metallurgy": ["熔炼炉喷溅造成灼烫"],
    "other_industrial": ["水泥厂输送带卷入伤人", "砂石料场机械伤害", "配电室检修触电", "污水池清淤中毒窒息"],
    "fire": ["商铺电气线路故障引发火灾", "民宅取暖引发火灾"],
    "agricultural_machinery": ["拖拉机在机耕道翻车"],
    "water_transport": ["渡船在江面侧翻"],
    "railway": ["行人在铁路线路上被列车撞击"],
}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _figures(rng: random.Random, sector: str) -> dict:
    roll = rng.random()
    if roll < 0.006:
        deaths, serious = rng.randint(10, 13), rng.randint(5, 20)
    elif roll < 0.04:
        deaths, serious = rng.randint(3, 6), rng.randint(0, 8)
    else:
        deaths = rng.choices([0, 1, 2], weights=[35, 55, 10])[0]
        serious = rng.choices([0, 1, 2, 3], weights=[55, 25, 12, 8])[0]
    minor = rng.randint(0, 4)
    loss = Decimal(rng.randint(20, 400) * 1000 * (1 + deaths))
    if sector == "fire":
        loss *= 3
    return {
        "deaths": deaths,
        "missing": 0,
        "serious_injuries": serious,
        "minor_injuries": minor,
        "direct_loss_yuan": loss,
    }


def _county_people(admin) -> dict:
    people = {}
    for place, code in COUNTY_PLACES.items():
        bureau = Organisation.objects.filter(kind=OrganisationKind.BUREAU, division_id=code).first()
        if bureau is None:
            continue
        for role, title in COUNTY_ROLES.items():
            username = f"{place}-{role}"
            person = Person.objects.filter(username=username).first()
            if person is None:
                person = demo_person(admin, bureau, username, f"{bureau.division.name_zh}{title}（演示）", role)
            people[(code, role)] = person
    return people


def _recorder(code: str, people: dict, fallback: dict):
    return people.get((code, "commander")) or fallback[code[:4] + "00"]


def _forward_all(accident, rng: random.Random, now) -> None:
    """Each bureau forwards in turn, mostly on time, sometimes late; what would lie in the future stays pending."""
    while accident.awaiting_division:
        last = max(s.reported_at for s in accident.steps.all() if s.reported_at is not None)
        at = last + timedelta(minutes=rng.choice([25, 40, 70, 95, 110, 150, 200]))
        if at > now:
            return
        bureau = Organisation.objects.get(kind=OrganisationKind.BUREAU, division_id=accident.awaiting_division)
        sender = bureau.people.filter(groups__name__in=["statistician", "commander", "leader"]).first()
        if sender is None:
            return
        accident = services.accident_forward(sender, accident, at=at)


def _record(
    person, rng, when, code, sector, figures, now, enterprise=None, industry="", summary="", category="", unit=""
):
    category = category or SECTOR_CATEGORY.get(sector) or rng.choice(INDUSTRY_CATEGORIES[industry])
    head = when + timedelta(minutes=rng.choice([3, 8, 15, 25, 40]))
    received = head + timedelta(minutes=rng.choice([15, 25, 35, 50, 55, 80]))  # now and then the unit is late
    received = min(received, now)
    accident, _created = services.accident_record(
        person,
        occurred_at=when,
        head_informed_at=min(head, received),
        received_at=received,
        division=code,
        enterprise=enterprise,
        unit_name=enterprise.name if enterprise else (unit or ("个人" if sector == "road_traffic" else "某个体经营户")),
        sector=sector,
        industry=industry,
        category=category,
        summary=summary or rng.choice(SUMMARIES[industry or sector]),
        measures="接报后立即组织救援，封锁现场，开展事故原因初步调查。",
        **figures,
    )
    return accident


def seed_demo() -> dict:
    counts = {"accidents": 0, "updates": 0, "investigations": 0}
    if Accident.objects.exists():
        return counts
    admin = Person.objects.get(username="admin")
    people = _county_people(admin)
    fallback = {code: Person.objects.get(username=f"{place}-statistician") for place, code in PLACES.items()}
    counties = {
        code: list(Division.objects.filter(parent_id=code, level="county").values_list("code", flat=True))
        for code in PREFECTURE_WEIGHTS
    }
    units = {}
    for enterprise in Enterprise.objects.all():
        units.setdefault(enterprise.division_id, []).append(enterprise)
    rng = random.Random(493)
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    today = timezone.localdate()
    for year in range(FIRST_YEAR, today.year + 1):
        total = int(PER_YEAR * (0.96 ** (year - FIRST_YEAR)))
        days = (min(today, date(year, 12, 31)) - date(year, 1, 1)).days
        if year == today.year:
            total = total * days // 365
        for _ in range(total):
            day = date(year, 1, 1) + timedelta(days=rng.randint(0, max(days - 1, 0)))
            when = datetime.combine(day, time(rng.randint(6, 21), rng.randint(0, 59)), tzinfo=tz)
            if when > now - timedelta(days=2):
                continue
            prefecture = _pick(rng, PREFECTURE_WEIGHTS)
            code = rng.choice(counties[prefecture])
            sector = _pick(rng, SECTOR_WEIGHTS)
            industry = _pick(rng, INDUSTRY_WEIGHTS) if sector == "industrial" else ""
            figures = _figures(rng, sector)
            local_units = units.get(code, [])
            enterprise = (
                rng.choice(local_units) if sector == "industrial" and local_units and rng.random() < 0.6 else None
            )
            accident = _record(
                _recorder(code, people, fallback), rng, when, code, sector, figures, now, enterprise, industry
            )
            _forward_all(accident, rng, now)
            counts["accidents"] += 1
            if figures["serious_injuries"] and rng.random() < 0.25:
                # A seriously injured person dies in hospital a few days later (续报, inside the window).
                window = rules.update_window_days(sector)
                as_of = when + timedelta(days=rng.randint(1, window - 1), hours=3)
                services.casualty_update(
                    _recorder(code, people, fallback),
                    Accident.objects.get(pk=accident.pk),
                    as_of=as_of,
                    deaths=figures["deaths"] + 1,
                    missing=0,
                    serious_injuries=figures["serious_injuries"] - 1,
                    minor_injuries=figures["minor_injuries"],
                    note="伤员经抢救无效死亡",
                )
                counts["updates"] += 1
            accident = Accident.objects.get(pk=accident.pk)
            if accident.severity != rules.GENERAL or (
                sector == "industrial" and accident.deaths and rng.random() < 0.5
            ):
                counts["investigations"] += _investigate(accident, rng, today)
    counts["accidents"] += _tonight(people, fallback, units, tz, now)
    return counts


def _investigate(accident, rng, today) -> int:
    lead = services.lead_division(accident)
    # The bureau of the lead level (or the prefecture, for a county's investigation) runs it.
    bureau_code = lead if lead in PLACES.values() else accident.division_id[:4] + "00"
    leader = Person.objects.filter(username=next(p for p, c in PLACES.items() if c == bureau_code) + "-leader").first()
    if leader is None:
        return 0
    occurred_on = timezone.localdate(accident.occurred_at)
    started = occurred_on + timedelta(days=1)
    if started > today:
        return 0
    team = [
        {"name": "调查组成员（演示）", "unit": "应急管理局", "role": "组员"},
        {"name": "技术专家（演示）", "unit": "安全生产技术服务中心", "role": "专家"},
    ]
    investigation = services.investigation_open(
        accident=accident, actor=leader, leader="调查组组长（演示）", team=team, started_on=started
    )
    submitted = occurred_on + timedelta(days=rng.randint(35, 70))
    if submitted > today:
        return 1
    if submitted > occurred_on + timedelta(days=60):
        investigation = services.investigation_act(leader, investigation, "extend", days=30, reason="需进行技术鉴定")
    investigation = services.investigation_act(
        leader,
        investigation,
        "submit",
        report=f"{accident.unit_name}“{accident.summary}”事故调查报告（演示）。调查组由{lead}级人民政府组织。",
        direct_cause="作业人员违章作业，现场安全防护措施缺失。",
        indirect_causes="企业安全生产主体责任不落实，安全教育培训不到位，隐患排查治理不彻底。",
        findings=[
            {
                "party": accident.unit_name,
                "kind": "unit",
                "finding": "未落实安全生产主体责任",
                "recommendation": "依法给予行政处罚",
            }
        ],
        on=submitted,
    )
    answered = submitted + timedelta(days=rng.randint(5, 14))
    if answered <= today:
        investigation = services.investigation_act(leader, investigation, "answer", on=answered)
        if answered + timedelta(days=20) <= today:
            services.investigation_act(leader, investigation, "close", on=answered + timedelta(days=20))
    return 1


def _tonight(people, fallback, units, tz, now) -> int:
    """03:00 last night: a gas explosion in a mine of 墨竹工卡县, recorded by the county, forwarded to Lhasa, still
    to go on to the region; and a road accident an hour ago that the county has not forwarded yet."""
    rng = random.Random(3)
    night = datetime.combine(timezone.localdate(), time(3, 0), tzinfo=tz)
    if night > now - timedelta(hours=1):
        night -= timedelta(days=1)
    code = "540127"
    person = _recorder(code, people, fallback)
    mines = [e for e in units.get(code, []) if "metal_nonmetal_mine" in e.category_list]
    accident = _record(
        person,
        rng,
        night,
        code,
        "industrial",
        {"deaths": 3, "missing": 2, "serious_injuries": 4, "minor_injuries": 6, "direct_loss_yuan": Decimal("8600000")},
        now,
        enterprise=mines[0] if mines else None,
        unit="墨竹工卡某矿业有限公司",
        industry="metal_nonmetal_mine",
        category="15",
        summary="凌晨3时许，井下发生瓦斯爆炸，3人死亡、2人下落不明，救援正在进行。",
    )
    services.accident_forward(person, accident, at=min(accident.received_at + timedelta(minutes=35), now))
    road = now - timedelta(hours=1)
    _record(
        _recorder("540102", people, fallback),
        rng,
        road,
        "540102",
        "road_traffic",
        {"deaths": 1, "missing": 0, "serious_injuries": 2, "minor_injuries": 1, "direct_loss_yuan": Decimal("60000")},
        now,
        summary="城区一辆出租车与行人相撞",
    )
    return 2
