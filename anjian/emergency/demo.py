"""Demo emergency rescue command: the road network of the region's county seats (an approximate graph, committed as
data in data/demo/), the registers of rescue teams, depots and experts kept by the region and the prefectures, the
emergency plans of production units and two government bodies in every filing state with their evaluations,
a revision and drills (some units compliant, some overdue), the duty roster of the regional and Lhasa command
centres, a past incident commanded to its close with a full log, and an open incident from last night's mine
explosion in 墨竹工卡县 with one team on its way and a ready mine-rescue team near it still free.

Written through the services, so the demo has an audit trail. Dates are relative to today. The services stamp
`now` on what happens in an incident (dispatch times, answers, reports, the close): the past incident is told
today, its times of the events are kept where a service takes them (`happened_at` of log entries). Deterministic
(a fixed random seed) and idempotent: nothing is added once the region's rescue teams exist.
"""

import csv
import datetime
import random
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.core.calendar import add_working_days
from anjian.core.demo import PLACES, REGION, ROLE_NAMES_ZH, demo_person
from anjian.core.errors import DomainError
from anjian.core.models import Organisation, OrganisationKind, Person, Role
from anjian.emergency import rules, services
from anjian.emergency.models import (
    Alert,
    Depot,
    DepotItem,
    Dispatch,
    DispatchStatus,
    Drill,
    DutyShift,
    Expert,
    Incident,
    Keeper,
    LogEntry,
    Place,
    Plan,
    PlanEvaluation,
    PlanKind,
    RequestStatus,
    RescueTeam,
    ResourceRequest,
    RoadSegment,
    SituationReport,
)
from anjian.enterprises.models import Enterprise

DATA = Path(__file__).resolve().parent / "data" / "demo"
SEED = 540119
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
NETWORK_SOURCE = "approximate demo graph of county seats"

# The categories of unit Decree 708 Art. 8 names (dangerous goods, mines, metal smelting, construction): they drill
# every half-year.
HIGH_RISK = {"hazardous_chemicals", "metal_nonmetal_mine", "coal_mine", "metallurgy", "construction", "fireworks"}
HIGH_RISK |= {"civil_explosives"}
AREA_CODES = {
    "5401": "0891",
    "5402": "0892",
    "5403": "0895",
    "5404": "0894",
    "5405": "0893",
    "5406": "0896",
    "5425": "0897",
}
CONTACTS = [
    "扎西顿珠",
    "尼玛次仁",
    "格桑旺堆",
    "拉巴次仁",
    "平措扎西",
    "次仁卓玛",
    "德吉央宗",
    "索朗旺姆",
    "边巴次仁",
    "旦增曲扎",
    "王建国",
    "李志强",
    "张伟",
    "刘洋",
    "赵磊",
    "陈静",
    "黄丽华",
    "周建军",
    "བཀྲ་ཤིས་དོན་གྲུབ",
    "ཚེ་རིང་སྒྲོལ་མ",
]

# --- registers -------------------------------------------------------------------------------------------------------

# Rescue teams: (keeper place, name, kind, professional, seat (place code), members, readiness, on duty, equipment).
TEAMS = [
    (
        "xizang",
        "西藏自治区矿山救护总队",
        "mine_rescue",
        True,
        "540102",
        62,
        "ready",
        True,
        "正压氧气呼吸器40台、矿山救护车4辆、多功能气体检测仪12台、生命探测仪2台",
    ),
    (
        "xizang",
        "自治区危险化学品应急救援队",
        "hazchem",
        True,
        "540103",
        38,
        "ready",
        True,
        "重型防化服20套、堵漏器材3套、侦检车1辆、泡沫消防车2辆",
    ),
    (
        "xizang",
        "自治区消防救援总队特勤支队",
        "fire_rescue",
        True,
        "540102",
        120,
        "ready",
        True,
        "抢险救援车6辆、破拆器材8套",
    ),
    (
        "xizang",
        "西藏自治区人民医院紧急医学救援队",
        "medical",
        True,
        "540102",
        30,
        "ready",
        True,
        "高原救护车4辆、便携式制氧机10台、移动手术单元1套",
    ),
    (
        "xizang",
        "自治区公路应急保障中心那曲分队",
        "road_rescue",
        True,
        "540602",
        45,
        "limited",
        True,
        "装载机3台、除雪车2辆",
    ),
    ("xizang", "自治区地质灾害应急救援队", "general", True, "540402", 35, "ready", True, "无人机4架、边坡监测雷达1套"),
    (
        "lhasa",
        "墨竹工卡县甲玛矿区兼职矿山救护队",
        "mine_rescue",
        False,
        "540127",
        24,
        "ready",
        True,
        "正压氧气呼吸器12台、自救器60台、气体检测仪6台",
    ),
    ("lhasa", "拉萨市消防救援支队", "fire_rescue", True, "540102", 90, "ready", True, "城市主战消防车8辆、举高车2辆"),
    ("lhasa", "拉萨市120急救中心", "medical", True, "540102", 40, "ready", True, "救护车12辆、高压氧舱1台"),
    (
        "lhasa",
        "堆龙德庆区危化企业联防救援队",
        "hazchem",
        False,
        "540103",
        18,
        "limited",
        True,
        "防化服8套、洗消帐篷1顶",
    ),
    ("lhasa", "当雄县综合应急救援队", "general", False, "540122", 20, "ready", False, "越野车3辆、棉帐篷6顶"),
    (
        "shigatse",
        "日喀则市矿山救护队",
        "mine_rescue",
        True,
        "540202",
        36,
        "ready",
        True,
        "正压氧气呼吸器20台、救护车2辆",
    ),
    ("shigatse", "日喀则市消防救援支队", "fire_rescue", True, "540202", 80, "ready", True, "抢险救援车4辆、水罐车3辆"),
    (
        "shigatse",
        "日喀则市人民医院紧急医学救援队",
        "medical",
        True,
        "540202",
        22,
        "ready",
        True,
        "救护车5辆、便携式制氧机6台",
    ),
    ("shigatse", "定日县公路抢险队", "road_rescue", False, "540223", 26, "limited", True, "装载机2台、防滑链20套"),
    ("shigatse", "聂拉木县综合应急救援队", "general", False, "540235", 15, "unavailable", True, "越野车2辆"),
    ("chamdo", "江达县玉龙铜矿兼职矿山救护队", "mine_rescue", False, "540321", 20, "ready", True, "正压氧气呼吸器10台"),
    ("chamdo", "昌都市消防救援支队", "fire_rescue", True, "540302", 70, "ready", True, "抢险救援车3辆、水罐车4辆"),
    ("chamdo", "八宿县G318然乌段公路抢险队", "road_rescue", False, "540326", 28, "ready", True, "挖掘机2台、装载机2台"),
    ("nyingchi", "林芝市消防救援支队", "fire_rescue", True, "540402", 75, "ready", True, "抢险救援车4辆、冲锋舟2艘"),
    ("nyingchi", "墨脱县综合应急救援队", "general", False, "540423", 16, "ready", True, "绳索救援器材4套、卫星电话3部"),
    ("nyingchi", "波密县公路抢险保通队", "road_rescue", False, "540424", 32, "limited", True, "挖掘机3台、破冰设备1套"),
    ("nyingchi", "林芝市人民医院医疗救援队", "medical", True, "540402", 18, "ready", False, "救护车3辆"),
    ("shannan", "山南市曲松县罗布莎矿山救护队", "mine_rescue", True, "540525", 30, "ready", True, "正压氧气呼吸器16台"),
    ("shannan", "山南市消防救援支队", "fire_rescue", True, "540502", 70, "ready", True, "抢险救援车3辆、水罐车3辆"),
    (
        "shannan",
        "山南市危险化学品应急救援队",
        "hazchem",
        False,
        "540502",
        14,
        "limited",
        True,
        "防化服6套、堵漏器材1套",
    ),
    ("nagqu", "那曲市消防救援支队", "fire_rescue", True, "540602", 60, "ready", True, "抢险救援车3辆、高原供氧车1辆"),
    ("nagqu", "安多县综合应急救援队", "general", False, "540624", 12, "unavailable", False, "越野车2辆"),
    ("ngari", "阿里地区消防救援支队", "fire_rescue", True, "542523", 55, "ready", True, "抢险救援车2辆、水罐车2辆"),
    ("ngari", "普兰县综合应急救援队", "general", False, "542521", 14, "limited", True, "越野车2辆、棉帐篷4顶"),
]

# (item, unit of measure, low, high): a depot holds a random quantity of each of its items.
ITEMS = {
    "helmet": ("安全帽", "顶", 100, 600),
    "breathing": ("正压氧气呼吸器", "台", 10, 60),
    "oxygen": ("医用氧气瓶（40升）", "个", 40, 300),
    "self_rescuer": ("隔绝式压缩氧自救器", "台", 50, 400),
    "blanket": ("棉被", "床", 300, 3000),
    "tent": ("棉帐篷（12平方米）", "顶", 50, 400),
    "generator": ("柴油发电机（10千瓦）", "台", 4, 30),
    "lights": ("移动照明灯组", "套", 6, 40),
    "stretcher": ("担架", "副", 20, 150),
    "first_aid": ("急救包", "个", 100, 800),
    "hazmat": ("防化服", "套", 10, 80),
    "detector": ("多功能气体检测仪", "台", 5, 40),
    "coat": ("军用棉大衣", "件", 200, 2000),
    "food": ("方便食品", "箱", 200, 1500),
    "water": ("瓶装饮用水", "箱", 200, 1500),
    "diesel": ("柴油", "升", 2000, 20000),
    "chains": ("防滑链", "套", 20, 200),
}
# (keeper place, name, seat, address, items)
DEPOTS = [
    (
        "xizang",
        "自治区应急物资储备库",
        "540103",
        "拉萨市堆龙德庆区东嘎物流园区",
        ["tent", "blanket", "coat", "generator", "lights", "food", "water", "diesel", "oxygen"],
    ),
    (
        "xizang",
        "自治区矿山救援装备库",
        "540102",
        "拉萨市城关区金珠西路",
        ["breathing", "self_rescuer", "detector", "helmet", "oxygen", "stretcher", "lights"],
    ),
    (
        "lhasa",
        "墨竹工卡县应急物资储备点",
        "540127",
        "墨竹工卡县工卡镇",
        ["helmet", "tent", "blanket", "stretcher", "first_aid"],
    ),
    (
        "shigatse",
        "日喀则市应急物资储备库",
        "540202",
        "日喀则市桑珠孜区",
        ["tent", "blanket", "coat", "generator", "oxygen"],
    ),
    ("shigatse", "定日县应急物资储备点", "540223", "定日县协格尔镇", ["chains", "diesel", "coat", "food", "oxygen"]),
    (
        "chamdo",
        "昌都市应急物资储备库",
        "540302",
        "昌都市卡若区",
        ["tent", "blanket", "generator", "helmet", "first_aid"],
    ),
    ("nyingchi", "林芝市应急物资储备库", "540402", "林芝市巴宜区", ["tent", "blanket", "lights", "food", "water"]),
    ("shannan", "山南市应急物资储备库", "540502", "山南市乃东区", ["hazmat", "detector", "helmet", "tent", "oxygen"]),
    ("nagqu", "那曲市应急物资储备库", "540602", "那曲市色尼区", ["coat", "blanket", "oxygen", "generator", "diesel"]),
    (
        "ngari",
        "阿里地区应急物资储备库",
        "542523",
        "阿里地区噶尔县狮泉河镇",
        ["coat", "tent", "oxygen", "chains", "food"],
    ),
]
# (keeper place, name, fields, title, employer, seat, available)
EXPERTS = [
    ("xizang", "王建华", ["矿山救援", "通风"], "高级工程师", "西藏自治区矿山救护总队", "540102", True),
    ("xizang", "次仁多吉", ["矿山救援", "爆破"], "高级工程师", "西藏华泰龙矿业开发有限公司", "540127", True),
    ("xizang", "李明", ["危险化学品", "消防"], "高级工程师", "西藏自治区安全生产技术服务中心", "540102", True),
    ("xizang", "格桑卓玛", ["医疗", "高原医学"], "主任医师", "西藏自治区人民医院", "540102", True),
    ("xizang", "张建军", ["地质", "地质灾害"], "研究员", "西藏自治区地质矿产勘查开发局", "540102", False),
    ("xizang", "达瓦次仁", ["结构工程", "建筑施工"], "教授", "西藏大学工学院", "540102", True),
    ("xizang", "刘志刚", ["道路交通", "公路抢险"], "高级工程师", "西藏自治区交通运输厅", "540102", True),
    ("xizang", "བསོད་ནམས་དབང་མོ", ["医疗", "心理救援"], "副主任医师", "西藏自治区藏医院", "540102", True),
    ("shigatse", "赵伟", ["矿山救援", "地质"], "工程师", "日喀则市应急管理局", "540202", True),
    ("shigatse", "普布次仁", ["电气", "危险化学品"], "高级工程师", "日喀则市安全生产技术服务站", "540202", True),
    ("chamdo", "罗布", ["矿山救援"], "工程师", "西藏玉龙铜业股份有限公司", "540321", True),
    ("nyingchi", "周海涛", ["地质", "水文"], "高级工程师", "林芝市自然资源局", "540402", True),
    ("shannan", "尼玛扎西", ["矿山救援", "通风"], "工程师", "西藏山南罗布莎铬铁矿", "540525", False),
    ("shannan", "陈静", ["危险化学品"], "工程师", "山南市应急管理局", "540502", True),
    ("nagqu", "扎西平措", ["高原医学", "医疗"], "主任医师", "那曲市人民医院", "540602", False),
    ("ngari", "孙浩", ["道路交通", "地质"], "工程师", "阿里地区交通运输局", "542523", True),
]

# --- plans -----------------------------------------------------------------------------------------------------------

# A plan's story, days counted back from today: (kind, published, must evaluate, filing, evaluations, revision,
# drills). Filing: None (not filed), ("filed", filed), ("accepted", filed, checked), ("returned", filed, checked,
# reasons). Evaluations: [(evaluated, conclusion)]. Revision: (published anew, its filing) or None. Drills:
# [(held, form, participants)]; a drill of "late" days is held 250 days ago at a high-risk unit, 400 at another (so
# it is overdue either way).
RETURN_REASONS = [
    "未附风险评估报告和应急资源调查报告；应急响应分级与本单位实际不符，请补充完善后重新报备。",
    "现场处置方案未明确岗位人员的应急处置职责和报告程序，请修改后重新报备。",
]
RECIPES = {
    "compliant": [
        ("comprehensive", 420, True, ("accepted", 410, 405), [], None, [(75, "full_scale", 46)]),
        ("special", 420, True, ("accepted", 410, 405), [], None, [(160, "tabletop", 18)]),
        ("on_site", 420, False, ("accepted", 410, 405), [], None, [(40, "functional", 24), (220, "functional", 20)]),
    ],
    "drill_overdue": [
        ("comprehensive", 760, True, ("accepted", 748, 744), [], None, [("late", "full_scale", 60)]),
        ("special", 760, True, ("accepted", 748, 744), [], None, [(430, "functional", 22)]),
        ("on_site", 760, False, ("accepted", 748, 744), [], None, [(120, "functional", 12)]),
    ],
    "on_site_never_drilled": [
        ("comprehensive", 330, True, ("accepted", 318, 314), [], None, [(95, "full_scale", 38)]),
        ("on_site", 280, False, ("accepted", 270, 266), [], None, []),
    ],
    "not_filed_overdue": [
        ("comprehensive", 78, True, None, [], None, [(21, "tabletop", 14)]),
        ("on_site", 78, False, None, [], None, []),
    ],
    "not_filed_in_time": [
        ("comprehensive", 540, False, ("accepted", 530, 527), [], None, [(110, "functional", 30)]),
        ("special", 6, False, None, [], None, []),
    ],
    "filed_waiting": [
        ("comprehensive", 12, True, ("filed", 2), [], None, []),
        ("special", 12, True, ("filed", 2), [], None, []),
    ],
    "check_overdue": [
        ("comprehensive", 44, True, ("filed", 31), [], None, [(9, "tabletop", 16)]),
    ],
    "returned": [
        ("comprehensive", 58, True, ("returned", 47, 43, RETURN_REASONS[0]), [], None, []),
        ("on_site", 58, False, ("returned", 47, 43, RETURN_REASONS[1]), [], None, [(30, "functional", 10)]),
    ],
    "evaluation_overdue": [
        ("comprehensive", 3 * 365 + 75, True, ("accepted", 1160, 1156), [], None, [(70, "full_scale", 52)]),
        ("special", 3 * 365 + 75, True, ("accepted", 1160, 1156), [], None, [(150, "functional", 20)]),
    ],
    "evaluated": [
        ("comprehensive", 1480, True, ("accepted", 1470, 1466), [(320, "keep")], None, [(85, "full_scale", 44)]),
    ],
    "revised": [
        (
            "comprehensive",
            1290,
            True,
            ("accepted", 1282, 1279),
            [(64, "revise")],
            (33, ("accepted", 26, 22)),
            [(400, "full_scale", 40), (11, "tabletop", 19)],
        ),
    ],
    "simple": [
        ("comprehensive", 210, False, ("accepted", 200, 197), [], None, [(150, "tabletop", 12)]),
        ("on_site", 210, False, ("accepted", 200, 197), [], None, [(60, "functional", 8)]),
    ],
}
# Per prefecture, the stories of its units: the first is the unit with its own safety officer on the platform (the
# enterprises demo's `<place>-enterprise`), which keeps its plans itself; the bureau keeps the others' for them.
UNIT_STORIES = {
    "lhasa": ["drill_overdue", "check_overdue", "revised", "compliant"],
    "shigatse": ["compliant", "not_filed_overdue", "evaluation_overdue"],
    "chamdo": ["on_site_never_drilled", "returned", "evaluated"],
    "nyingchi": ["filed_waiting", "compliant", "not_filed_in_time"],
    "shannan": ["evaluated", "returned", "on_site_never_drilled"],
    "nagqu": ["simple", "not_filed_overdue"],
    "ngari": ["simple", "check_overdue"],
}
# (keeper place, title, kind, published, filing, drills)
GOVERNMENT_PLANS = [
    (
        "xizang",
        "西藏自治区生产安全事故灾难应急预案",
        "comprehensive",
        700,
        ("accepted", 690, 686),
        [(300, "full_scale", 320)],
    ),
    ("lhasa", "拉萨市非煤矿山生产安全事故应急预案", "special", 500, ("accepted", 492, 488), [(180, "tabletop", 36)]),
]
SPECIAL_TITLES = {
    "hazardous_chemicals": "危险化学品泄漏事故专项应急预案",
    "metal_nonmetal_mine": "井下透水及冒顶片帮事故专项应急预案",
    "coal_mine": "瓦斯爆炸事故专项应急预案",
    "metallurgy": "高温熔融金属喷溅事故专项应急预案",
    "construction": "高处坠落及坍塌事故专项应急预案",
    "fireworks": "火灾爆炸事故专项应急预案",
    "civil_explosives": "爆炸事故专项应急预案",
    "industry_trade": "火灾事故专项应急预案",
}
ON_SITE_TITLES = {
    "hazardous_chemicals": "储罐区泄漏现场处置方案",
    "metal_nonmetal_mine": "井下火灾现场处置方案",
    "coal_mine": "井下火灾现场处置方案",
    "metallurgy": "熔炼炉喷溅现场处置方案",
    "construction": "脚手架坍塌现场处置方案",
    "fireworks": "仓库火灾现场处置方案",
    "civil_explosives": "库区火灾现场处置方案",
    "industry_trade": "机械伤害现场处置方案",
}
SCENARIOS = {
    "hazardous_chemicals": "储罐阀门泄漏，现场人员中毒，启动应急响应、警戒疏散、堵漏洗消",
    "metal_nonmetal_mine": "井下采场冒顶，3人被困，启动应急响应、通风排险、救护队入井搜救",
    "coal_mine": "井下瓦斯超限，组织撤人、断电、救护队侦察",
    "metallurgy": "熔炼炉喷溅，2人灼烫，停炉、救治伤员、现场警戒",
    "construction": "外脚手架局部坍塌，2人坠落，组织救援、伤员转运、停工排查",
    "fireworks": "成品库火灾，组织疏散、初期灭火、报警联动",
    "civil_explosives": "库区周界火情，组织撤离、警戒、联动消防",
    "industry_trade": "生产线机械伤害，停机断电、伤员急救、事故报告",
}
FINDINGS = [
    ("通讯联络不畅，高原缺氧条件下人员行动偏慢。", "配备卫星电话，增加高原适应性训练。"),
    ("应急物资台账与实物不符，部分呼吸器气压不足。", "每月核查应急物资，专人维护保养。"),
    ("信息报告不及时，超过规定时限。", "明确值班人员报告职责，开展专项培训。"),
    ("疏散路线标识不清。", "完善疏散标识，每季度组织疏散演练。"),
]

# --- the roster and the incidents ------------------------------------------------------------------------------------

ROSTER = {
    "xizang": ["commander", "admin", "statistician"],
    "lhasa": ["commander", "admin", "statistician"],
}
HANDOVER_NOTES = [
    "值班期间接报一般事故1起，已按程序续报；气象部门发布大风蓝色预警，已转发各地市。",
    "夜间无突发事件；G318米拉山段降雪，已提醒交通运输部门做好保通。",
    "接山南市报告一起道路交通事故（1人受伤），已跟踪处置完毕；值班电话测试正常。",
    "完成应急物资储备库月度核查；自治区矿山救护总队轮换备勤，装备状态良好。",
]
# Where the past incident may come from: a past accident of a prefecture that has teams, an expert and a bureau to
# ask, tried in this order.
PAST_PREFECTURES = ["shigatse", "lhasa", "shannan"]
# GB 6441 categories of accidents that trap people: a collapse, a roof fall, a water inrush, a gas explosion (and,
# failing those, poisoning and asphyxiation).
TRAPPING = [["10", "11", "12", "15"], ["19"], None]
# The teams sent first, by the kind of incident.
FIRST_TEAMS = {"mine": ["mine_rescue", "medical"], "hazchem": ["hazchem", "fire_rescue"]}


def seed_demo() -> dict[str, int]:
    models = {
        "places": Place,
        "road segments": RoadSegment,
        "teams": RescueTeam,
        "depots": Depot,
        "depot items": DepotItem,
        "experts": Expert,
        "plans": Plan,
        "evaluations": PlanEvaluation,
        "drills": Drill,
        "duty shifts": DutyShift,
        "incidents": Incident,
        "log entries": LogEntry,
        "dispatches": Dispatch,
        "requests": ResourceRequest,
        "reports": SituationReport,
        "alerts": Alert,
    }
    if RescueTeam.objects.filter(organisation__division_id=REGION).exists():
        return dict.fromkeys(models, 0)
    before = {name: model.objects.count() for name, model in models.items()}
    with transaction.atomic():
        _Demo().run()
    return {name: model.objects.count() - before[name] for name, model in models.items()}


def read_table(name: str) -> list[list[str]]:
    """A csv file of the demo network as the import takes it: rows of str, header first."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


class _Demo:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.admin = Person.objects.get(username="admin")
        self.bureaus = {
            place: Organisation.objects.get(kind=OrganisationKind.BUREAU, division_id=code)
            for place, code in PLACES.items()
        }
        self.teams: dict[str, RescueTeam] = {}
        self.experts: dict[str, Expert] = {}

    def run(self) -> None:
        self._network()
        self._registers()
        self._plans()
        self._roster()
        self._past_incident()
        self._open_incident()

    # --- people ------------------------------------------------------------------------------------------------

    def person(self, place: str, role: str) -> Person:
        """`<place>-<role>` of the core demo; made here when missing."""
        role = Role(role)
        username = f"{place}-{role.value}"
        person = Person.objects.filter(username=username).select_related("organisation").first()
        if person is None:
            bureau = self.bureaus[place]
            full_name = f"{bureau.division.name_zh}{ROLE_NAMES_ZH[role]}（演示）"
            person = demo_person(self.admin, bureau, username, full_name, role)
        return person

    def commander(self, place: str) -> Person:
        return self.person(place, Role.COMMANDER)

    def ago(self, days: int) -> datetime.date:
        return self.today - days * DAY

    # --- the road network --------------------------------------------------------------------------------------

    def _network(self) -> None:
        """The demo graph, unless a road network has been imported already: then it is left alone, and the
        registers are linked to its places where the codes match."""
        places = read_table("places.csv")
        if not Place.objects.exists():
            services.network_import(
                self.commander("xizang"),
                places,
                read_table("segments.csv"),
                approximate=True,
                source=NETWORK_SOURCE,
            )
        self.seats = {
            row[0]: Place(code=row[0], name=row[1], lat=float(row[2]), lon=float(row[3]), division_code=row[4])
            for row in places[1:]
        }
        self.linked = set(Place.objects.filter(code__in=self.seats).values_list("code", flat=True))

    # --- registers ---------------------------------------------------------------------------------------------

    def _located(self, seat: str) -> dict:
        """Where a register entry is: at a county seat of the network, a few hundred metres off its centre."""
        place = self.seats[seat]
        return {
            "division_code": place.division_code,
            "place": place.code if place.code in self.linked else None,
            "lat": round(place.lat + self.rng.uniform(-0.01, 0.01), 6),
            "lon": round(place.lon + self.rng.uniform(-0.01, 0.01), 6),
            "contact_name": self.rng.choice(CONTACTS),
            "phone": f"{AREA_CODES[seat[:4]]}-{self.rng.randint(6000000, 6999999)}",
        }

    def _registers(self) -> None:
        for place, name, kind, professional, seat, members, readiness, on_duty, equipment in TEAMS:
            base = self.seats[seat].name
            self.teams[name] = services.team_save(
                self.commander(place),
                {
                    **self._located(seat),
                    "name": name,
                    "kind": kind,
                    "professional": professional,
                    "base": base,
                    "members": members,
                    "equipment": equipment,
                    "readiness": readiness,
                    "on_duty": on_duty,
                },
            )
        for place, name, seat, address, keys in DEPOTS:
            items = []
            for key in keys:
                item, unit, low, high = ITEMS[key]
                step = 10 if high >= 1000 else 1
                items.append(
                    {"item": item, "quantity": self.rng.randint(low // step, high // step) * step, "unit": unit}
                )
            services.depot_save(
                self.person(place, Role.ADMIN),
                {**self._located(seat), "name": name, "address": address, "items": items},
            )
        for place, name, fields, title, employer, seat, available in EXPERTS:
            located = self._located(seat)
            located["contact_name"] = name
            located["phone"] = f"1{self.rng.choice([3, 5, 8])}{self.rng.randint(100000000, 999999999)}"
            self.experts[name] = services.expert_save(
                self.commander(place),
                {
                    **located,
                    "name": name,
                    "fields": fields,
                    "title": title,
                    "employer": employer,
                    "available": available,
                },
            )

    # --- plans, evaluations and drills -------------------------------------------------------------------------

    def _units(self, place: str, count: int) -> list[Enterprise]:
        """The prefecture's operating units for the demo's plans: its unit with a safety officer first, then
        others, those of the high-risk kinds before the rest."""
        prefix = PLACES[place][:4]
        units = list(
            Enterprise.objects.filter(division__code__startswith=prefix, status="operating")
            .select_related("organisation")
            .prefetch_related("categories")
            .order_by("pk")
        )
        own = [u for u in units if u.organisation_id is not None][:1]
        others = [u for u in units if u.organisation_id is None]
        others.sort(key=lambda u: (not (set(u.category_list) & HIGH_RISK), u.pk))
        return (own + others)[:count]

    def _plans(self) -> None:
        for place, stories in UNIT_STORIES.items():
            for unit, story in zip(self._units(place, len(stories)), stories, strict=False):
                self._unit_plans(place, unit, story)
        for place, title, kind, published, filing, drills in GOVERNMENT_PLANS:
            keeper = self.commander(place)
            plan = services.plan_create(
                keeper,
                kind=kind,
                keeper=Keeper.GOVERNMENT,
                title=title,
                published_on=self.ago(published),
                must_evaluate=True,
            )
            # A bureau's own plan is checked by the bureau above (the region's by the national administration).
            above = self.person("xizang", Role.ADMIN) if place != "xizang" else Person.objects.get(username="admin")
            self._file(keeper, above, plan, filing)
            for held, form, participants in drills:
                self._drill(keeper, plan, "government", held, form, participants)

    def _unit_plans(self, place: str, unit: Enterprise, story: str) -> None:
        categories = unit.category_list
        category = next((c for c in categories if c in HIGH_RISK), categories[0] if categories else "industry_trade")
        high_risk = category in HIGH_RISK
        # The unit's safety officer keeps its plans where it has one; the prefecture's commander keeps the others'
        # on the unit's behalf; the prefecture's administrator checks the filings.
        officer = None
        if unit.organisation_id is not None:
            officer = Person.objects.filter(organisation_id=unit.organisation_id, is_active=True).order_by("pk").first()
        keeper = officer or self.commander(place)
        checker = self.person(place, Role.ADMIN)
        short = unit.name
        for kind, published, must_evaluate, filing, evaluations, revision, drills in RECIPES[story]:
            if kind == PlanKind.COMPREHENSIVE:
                title = f"{short}生产安全事故综合应急预案"
            elif kind == PlanKind.SPECIAL:
                title = f"{short}{SPECIAL_TITLES.get(category, SPECIAL_TITLES['industry_trade'])}"
            else:
                title = f"{short}{ON_SITE_TITLES.get(category, ON_SITE_TITLES['industry_trade'])}"
            shift = self._shift(published, filing)
            if shift and filing is not None:
                filing = (filing[0], *(d + shift for d in filing[1:3]), *filing[3:])
            published_on = self.ago(published + shift)
            plan = services.plan_create(
                keeper,
                kind=kind,
                keeper=Keeper.HIGH_RISK_UNIT if high_risk else Keeper.UNIT,
                title=title,
                published_on=published_on,
                must_evaluate=must_evaluate,
                enterprise=unit,
            )
            self._file(keeper, checker, plan, filing)
            for evaluated, conclusion in evaluations:
                notes = (
                    "经评估，预案内容与本单位风险和应急资源相符，继续执行。"
                    if conclusion == "keep"
                    else "单位新增生产线、组织机构调整，应急响应分级和联络方式需修订。"
                )
                services.plan_evaluate(
                    keeper, plan, evaluated_on=self.ago(evaluated), conclusion=conclusion, notes=notes
                )
            if revision is not None:
                republished, refiling = revision
                plan = services.plan_revise(
                    keeper,
                    plan,
                    published_on=self.ago(republished),
                    title=f"{title}（{self.ago(republished).year}年修订版）",
                )
                self._file(keeper, checker, plan, refiling)
            for held, form, participants in drills:
                if held == "late":
                    held = 250 if high_risk else 400
                self._drill(keeper, plan, category, held, form, participants)

    def _shift(self, published: int, filing) -> int:
        """Days to move a recent plan's dates back by where a deadline still running would fall past the
        statutory calendar the platform holds (only near the end of its last year): 0 otherwise."""
        shift = 0
        while shift < 366:
            try:
                if filing is None or filing[0] == "returned":
                    add_working_days(self.ago(published + shift), rules.ORDER_88_AND_DECREE_708.filing_working_days)
                elif filing[0] == "filed":
                    add_working_days(
                        self.ago(filing[1] + shift), rules.ORDER_88_AND_DECREE_708.filing_check_working_days
                    )
                return shift
            except DomainError:
                shift += 7
        return 0

    def _file(self, keeper: Person, checker: Person, plan: Plan, filing) -> None:
        if filing is None:
            return
        state, filed = filing[0], filing[1]
        plan = services.plan_file(keeper, plan, filed_on=max(self.ago(filed), plan.published_on))
        if state == "accepted":
            services.plan_check(checker, plan, accept=True, checked_on=self.ago(filing[2]))
        elif state == "returned":
            services.plan_check(checker, plan, accept=False, reasons=filing[3], checked_on=self.ago(filing[2]))

    def _drill(self, keeper: Person, plan: Plan, category: str, held: int, form: str, participants: int) -> None:
        finding, improvement = self.rng.choice(FINDINGS)
        scenario = (
            "自治区生产安全事故灾难应急联动演练：矿山事故多部门协同救援"
            if category == "government"
            else SCENARIOS.get(category, SCENARIOS["industry_trade"])
        )
        services.drill_record(
            keeper,
            plan,
            held_on=self.ago(held),
            form=form,
            participants=participants,
            scenario=scenario,
            findings=finding,
            improvements=improvement,
        )

    # --- the duty roster ---------------------------------------------------------------------------------------

    def _roster(self) -> None:
        """Day shifts from 08:30 for the last 3 days and the next 3 at the regional and Lhasa command centres;
        each shift that has ended was handed over with notes and received by the next officer."""
        for place, roles in ROSTER.items():
            manager = self.commander(place)
            leader = self.person(place, Role.LEADER)
            officers = [self.person(place, role) for role in roles]
            shifts = []
            for n, offset in enumerate(range(-3, 4)):
                starts = datetime.datetime.combine(self.today + offset * DAY, datetime.time(8, 30), tzinfo=self.tz)
                shifts.append(
                    services.shift_create(
                        manager,
                        starts_at=starts,
                        ends_at=starts + DAY,
                        officer=officers[n % len(officers)],
                        leader=leader,
                    )
                )
            for shift, following in zip(shifts, shifts[1:], strict=False):
                if shift.ends_at > self.now:
                    break
                shift = services.shift_hand_over(shift.officer, shift, notes=self.rng.choice(HANDOVER_NOTES))
                services.shift_receive(following.officer, shift)

    # --- incidents ---------------------------------------------------------------------------------------------

    def _past_accident(self):
        """A past accident of a prefecture the demo can command: industrial, with deaths, 1 week to 2 years ago,
        where the county's coordinates are known; one that trapped people if there is one. The most recent of the
        first prefecture that has one."""
        for categories in TRAPPING:
            for place in PAST_PREFECTURES:
                found = Accident.objects.filter(
                    division__code__startswith=PLACES[place][:4],
                    division__lat__isnull=False,
                    sector="industrial",
                    deaths__gte=1,
                    occurred_at__lt=self.now - 7 * DAY,
                    occurred_at__gte=self.now - 730 * DAY,
                    incident__isnull=True,
                )
                if categories:
                    found = found.filter(category__in=categories)
                found = found.order_by("-occurred_at").first()
                if found is not None:
                    return place, found
        return "shigatse", None

    def _past_incident(self) -> None:
        place, accident = self._past_accident()
        commander = self.commander(place)
        if accident is not None:
            incident, _ = services.incident_open(commander, accident=accident, trapped=2)
        else:
            seat = self.seats["540202"]
            incident, _ = services.incident_open(
                commander,
                title="日喀则市桑珠孜区某砂石料场边坡坍塌",
                kind="construction",
                severity="general",
                place="桑珠孜区某砂石料场",
                lat=seat.lat,
                lon=seat.lon,
                occurred_at=self.now - 20 * DAY,
                division_code="540202",
                deaths=1,
                injured=2,
                trapped=2,
            )
        at = incident.occurred_at
        prefix = PLACES[place][:4]
        services.log_append(
            commander,
            incident,
            kind="decision",
            text="启动本级生产安全事故应急响应，成立现场指挥部，指挥长由分管副局长担任。",
            happened_at=min(at + 40 * MINUTE, self.now),
        )
        note = services.log_append(
            commander,
            incident,
            text="现场报告：事故点周边道路通畅，被困人员位置已初步确定。",
            happened_at=min(at + 55 * MINUTE, self.now),
        )
        services.incident_figures(commander, incident, trapped=3, injured=incident.injured + 1)
        services.log_append(
            commander,
            incident,
            kind="correction",
            corrects=note.seq,
            text="更正：事故点以北2公里处道路塌方，救援车辆须绕行。",
            happened_at=min(at + 70 * MINUTE, self.now),
        )
        # The help: two ready teams of the prefecture, of the kinds the incident calls for, and an available expert.
        ready = [
            t
            for t in self.teams.values()
            if t.division_code.startswith(prefix) and t.on_duty and t.readiness == "ready"
        ]
        first = FIRST_TEAMS.get(incident.kind, ["fire_rescue", "medical"])
        teams = sorted(ready, key=lambda t: (first.index(t.kind) if t.kind in first else len(first), t.pk))
        teams = [t for n, t in enumerate(teams) if n == 0 or t.kind != teams[0].kind][:2]
        experts = [e for e in self.experts.values() if e.division_code.startswith(prefix) and e.available][:1]
        dispatches = [
            services.dispatch_order(commander, incident, kind="team", helper_id=team.pk, task="搜救被困人员")
            for team in teams
        ]
        dispatches += [
            services.dispatch_order(commander, incident, kind="expert", helper_id=expert.pk, task="现场技术指导")
            for expert in experts
        ]
        for dispatch in dispatches:
            services.dispatch_advance(commander, dispatch, status=DispatchStatus.EN_ROUTE)
        for dispatch in dispatches:
            services.dispatch_advance(commander, dispatch, status=DispatchStatus.ON_SITE)
        helper = "lhasa" if place != "lhasa" else "shannan"
        request = services.request_create(
            commander,
            incident,
            to_organisation_id=self.bureaus[helper].pk,
            items="正压氧气呼吸器10台、医用氧气瓶50个、棉帐篷10顶",
        )
        answerer = self.commander(helper)
        services.request_answer(
            answerer, request, status=RequestStatus.ACCEPTED, answer="已安排物资装车，预计6小时送达。"
        )
        services.incident_figures(commander, incident, trapped=0)
        services.log_append(
            commander,
            incident,
            text="被困人员已全部救出，送医救治。",
            happened_at=min(at + 9 * 60 * MINUTE, self.now),
        )
        self._report(commander, incident, "现场救援正在进行，请求的物资已在途。")
        alert = services.alert_create(
            commander,
            incident=incident,
            category=["Safety", "Rescue"],
            event="生产安全事故",
            response_type=["Avoid"],
            urgency="Immediate",
            severity="Severe",
            certainty="Observed",
            headline=f"{incident.place}发生生产安全事故，请勿靠近",
            description="事故现场正在救援，周边设警戒区。",
            instruction="请过往车辆和人员绕行，服从现场指挥。",
            headline_bo="ཉེན་བརྡ། དོན་རྐྱེན་བྱུང་ས་ལ་ཉེ་བར་མ་འགྲོ།",
            area_desc=incident.place,
            circle=f"{incident.lat:.4f},{incident.lon:.4f} 3",
            expires=self.now + DAY,
        )
        services.alert_create(
            commander,
            incident=incident,
            references=alert.pk,
            msg_type="Update",
            category=["Safety"],
            event="生产安全事故",
            response_type=["Monitor"],
            urgency="Expected",
            severity="Moderate",
            certainty="Observed",
            headline="救援结束，警戒范围缩小至事故点周边500米",
            description="被困人员已全部救出，现场进入善后处置阶段。",
            instruction="请继续绕行事故点周边道路。",
            headline_bo="སྐྱོབ་འདོན་མཇུག་རྫོགས། ཉེན་སྲུང་ཁྱབ་ཁོངས་ཆུང་དུ་བཏང་།",
            area_desc=incident.place,
            circle=f"{incident.lat:.4f},{incident.lon:.4f} 0.5",
            expires=self.now + 12 * 60 * MINUTE,
        )
        services.request_answer(answerer, request, status=RequestStatus.DELIVERED, answer="物资已送达现场并交接。")
        for dispatch in dispatches:
            services.dispatch_advance(commander, dispatch, status=DispatchStatus.RELEASED)
        self._report(commander, incident, "救援结束，参与救援力量已全部撤离。")
        services.incident_close(
            commander,
            incident,
            review=(
                "接报后40分钟启动应急响应，救援力量在预计时间内到场，被困人员全部救出；"
                "跨市物资支援及时。不足：首批信息报告中道路情况有误（已更正），远程力量的路况掌握不足。"
            ),
            lessons="完善道路通行情况的核实程序；在偏远县增配兼职救护队和呼吸器；每半年组织一次跨市联动演练。",
        )

    def _report(self, commander: Person, incident: Incident, addendum: str) -> None:
        report = services.report_draft(commander, incident)
        report = services.report_edit(commander, report, body=f"{report.body}\n{addendum}")
        services.report_send(commander, report)

    def _open_incident(self) -> None:
        """Last night's mine explosion in 墨竹工卡县, waiting in Lhasa's inbox: opened by Lhasa's commander, with the
        regional mine-rescue corps on its way; the county's own mine-rescue team (ready, nearest) is left free."""
        commander = self.commander("lhasa")
        accident = (
            Accident.objects.filter(
                division_id="540127", industry="metal_nonmetal_mine", occurred_at__gte=self.now - 2 * DAY
            )
            .filter(incident__isnull=True)
            .order_by("-occurred_at")
            .first()
        )
        if accident is not None:
            incident, _ = services.incident_open(commander, accident=accident, trapped=2)
        else:
            seat = self.seats["540127"]
            night = datetime.datetime.combine(self.today, datetime.time(3, 0), tzinfo=self.tz)
            if night > self.now - 60 * MINUTE:
                night -= DAY
            incident, _ = services.incident_open(
                commander,
                title="墨竹工卡某矿业有限公司井下瓦斯爆炸",
                kind="mine",
                severity="larger",
                place="墨竹工卡县某矿业有限公司井下",
                lat=seat.lat,
                lon=seat.lon,
                occurred_at=night,
                division_code="540127",
                deaths=3,
                missing=2,
                injured=10,
                trapped=2,
            )
        at = incident.occurred_at
        services.log_append(
            commander,
            incident,
            kind="decision",
            text="启动市级Ⅱ级应急响应，市应急管理局主要负责人赶赴现场，成立现场指挥部。",
            happened_at=min(at + 50 * MINUTE, self.now),
        )
        services.log_append(
            commander,
            incident,
            text="矿方报告：井下仍有2人下落不明，井下通风系统部分受损，已停电撤人。",
            happened_at=min(at + 80 * MINUTE, self.now),
        )
        corps = self.teams["西藏自治区矿山救护总队"]
        dispatch = services.dispatch_order(commander, incident, kind="team", helper_id=corps.pk, task="入井侦察搜救")
        services.dispatch_advance(commander, dispatch, status=DispatchStatus.EN_ROUTE)
