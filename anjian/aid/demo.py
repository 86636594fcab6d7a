"""Demo aid to the region: the supporting units of the counterpart arrangement (DOMAIN.md §11: Lhasa — Beijing,
Jiangsu; Shigatse — Shanghai, Shandong, Heilongjiang, Jilin; Shannan — Hubei, Hunan, Anhui; Nyingchi — Guangdong,
Fujian; Chamdo — Tianjin, Chongqing; Nagqu — Zhejiang, Liaoning; Ngari — Hebei, Shaanxi; with China Huaneng and the
National Mine Safety Administration for the region) each with an aid coordinator; every unit's "十五五" plan
(2026–2030) and, for some, a finished "十四五" plan (2021–2025); items in all four forms and every status with their
steps (some done late, some overdue); funds ledgers from 2021 to this year with commitments, transfers, receipts and
spending with vouchers, reversals of a mistaken transfer, a duplicated expenditure and the commitments of cancelled
items, and two transfers to reconcile (one unconfirmed past 30 days, one in transit); project milestones in every
state (planned, late, delivered awaiting acceptance, accepted, some late and one not to quality); talent sent,
trained and exchanged; inspections with rectifications (verified, done, open, overdue); and every prefecture's
capability indicators with targets for 2030 and a yearly history since 2021 that improves.

Written through the services, so the demo has an audit trail (the history of 2021–2025 is dated by the services'
own date fields: ledger, steps, deliveries, acceptances, talent, inspections, measurements). Dates of this year's
events are relative to today, so the mismatches and late work stay current whichever day the demo is seeded.
Deterministic (a fixed random seed) and idempotent: nothing is added once the demo's first plan exists.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.aid import capability, oversight, rules, services
from anjian.aid.models import (
    AidItem,
    AidPlan,
    Indicator,
    Inspection,
    ItemStatus,
    ItemStep,
    LedgerEntry,
    Measurement,
    Milestone,
    Rectification,
    TalentKind,
    TalentRecord,
    Target,
)
from anjian.core import demo as core_demo
from anjian.core import services as core_services
from anjian.core.demo import PLACES, REGION, ROLE_NAMES_ZH, demo_person
from anjian.core.models import Organisation, OrganisationKind, Person, Role, SupportKind

SEED = 540011
DAY = datetime.timedelta(days=1)
CENT = Decimal("0.01")

HISTORY = (datetime.date(2021, 1, 1), datetime.date(2025, 12, 31))  # 十四五
CURRENT = (datetime.date(2026, 1, 1), datetime.date(2030, 12, 31))  # 十五五
TARGET_DAY = datetime.date(2030, 12, 31)
FIRST_YEAR = 2021

_EXISTING = {unit[2]: unit for unit in core_demo.SUPPORTING_UNITS}
BEIJING, JIANGSU, HUANENG, NMSA = (unit[2] for unit in core_demo.SUPPORTING_UNITS[:4])

# key: (name zh, name en, home province, receiving places, short name, phone area code, voucher abbreviation).
# The core demo made the first four; the provinces' units are registered at the prefecture they support, the
# central enterprise and the national administration at the region.
UNITS = {
    "beijing": (BEIJING, "", "110000", ("lhasa",), "北京市", "010", "京"),
    "jiangsu": (JIANGSU, "", "320000", ("lhasa",), "江苏省", "025", "苏"),
    "shanghai": (
        "上海市应急管理局（援藏）",
        "Shanghai Municipal Emergency Management Bureau (aid to Tibet)",
        "310000",
        ("shigatse",),
        "上海市",
        "021",
        "沪",
    ),
    "shandong": (
        "山东省应急管理厅（援藏）",
        "Shandong Provincial Emergency Management Department (aid to Tibet)",
        "370000",
        ("shigatse",),
        "山东省",
        "0531",
        "鲁",
    ),
    "heilongjiang": (
        "黑龙江省应急管理厅（援藏）",
        "Heilongjiang Provincial Emergency Management Department (aid to Tibet)",
        "230000",
        ("shigatse",),
        "黑龙江省",
        "0451",
        "黑",
    ),
    "jilin": (
        "吉林省应急管理厅（援藏）",
        "Jilin Provincial Emergency Management Department (aid to Tibet)",
        "220000",
        ("shigatse",),
        "吉林省",
        "0431",
        "吉",
    ),
    "hubei": (
        "湖北省应急管理厅（援藏）",
        "Hubei Provincial Emergency Management Department (aid to Tibet)",
        "420000",
        ("shannan",),
        "湖北省",
        "027",
        "鄂",
    ),
    "hunan": (
        "湖南省应急管理厅（援藏）",
        "Hunan Provincial Emergency Management Department (aid to Tibet)",
        "430000",
        ("shannan",),
        "湖南省",
        "0731",
        "湘",
    ),
    "anhui": (
        "安徽省应急管理厅（援藏）",
        "Anhui Provincial Emergency Management Department (aid to Tibet)",
        "340000",
        ("shannan",),
        "安徽省",
        "0551",
        "皖",
    ),
    "guangdong": (
        "广东省应急管理厅（援藏）",
        "Guangdong Provincial Emergency Management Department (aid to Tibet)",
        "440000",
        ("nyingchi",),
        "广东省",
        "020",
        "粤",
    ),
    "fujian": (
        "福建省应急管理厅（援藏）",
        "Fujian Provincial Emergency Management Department (aid to Tibet)",
        "350000",
        ("nyingchi",),
        "福建省",
        "0591",
        "闽",
    ),
    "tianjin": (
        "天津市应急管理局（援藏）",
        "Tianjin Municipal Emergency Management Bureau (aid to Tibet)",
        "120000",
        ("chamdo",),
        "天津市",
        "022",
        "津",
    ),
    "chongqing": (
        "重庆市应急管理局（援藏）",
        "Chongqing Municipal Emergency Management Bureau (aid to Tibet)",
        "500000",
        ("chamdo",),
        "重庆市",
        "023",
        "渝",
    ),
    "zhejiang": (
        "浙江省应急管理厅（援藏）",
        "Zhejiang Provincial Emergency Management Department (aid to Tibet)",
        "330000",
        ("nagqu",),
        "浙江省",
        "0571",
        "浙",
    ),
    "liaoning": (
        "辽宁省应急管理厅（援藏）",
        "Liaoning Provincial Emergency Management Department (aid to Tibet)",
        "210000",
        ("nagqu",),
        "辽宁省",
        "024",
        "辽",
    ),
    "hebei": (
        "河北省应急管理厅（援藏）",
        "Hebei Provincial Emergency Management Department (aid to Tibet)",
        "130000",
        ("ngari",),
        "河北省",
        "0311",
        "冀",
    ),
    "shaanxi": (
        "陕西省应急管理厅（援藏）",
        "Shaanxi Provincial Emergency Management Department (aid to Tibet)",
        "610000",
        ("ngari",),
        "陕西省",
        "029",
        "陕",
    ),
    "huaneng": (HUANENG, "", "", ("xizang",), "中国华能集团", "010", "华能"),
    "nmsa": (NMSA, "", "", ("xizang",), "国家矿山安全监察局", "010", "矿安"),
}
CENTRAL = ("huaneng", "nmsa")  # their plans name the region's bureau among the receivers

PLACE_CODES = {"lhasa": "拉", "shigatse": "日", "chamdo": "昌", "nyingchi": "林", "shannan": "山", "nagqu": "那"}
PLACE_CODES |= {"ngari": "阿", "xizang": "藏"}
AREA_CODES = {"xizang": "0891", "lhasa": "0891", "shigatse": "0892", "chamdo": "0895", "nyingchi": "0894"}
AREA_CODES |= {"shannan": "0893", "nagqu": "0896", "ngari": "0897"}

# --- what is given ---------------------------------------------------------------------------------------------------
# Funds: key → (title, purpose, what the money is spent on, indicators it serves).
FUNDS = {
    "equipment": (
        "执法装备购置资金",
        "执法车辆、执法记录仪和便携式气体检测仪购置",
        ["高原型执法车辆购置", "执法记录仪及配套存储设备", "便携式四合一气体检测仪", "执法服装与高原防护装备"],
        ["enf_vehicles", "enf_recorders"],
    ),
    "grassroots": (
        "基层安全监管能力建设资金",
        "县（区）应急管理局执法用房改造和基层执法装备配备",
        ["县级执法用房维修改造", "基层执法装备配发", "乡镇安全监管站办公设备", "执法人员业务培训"],
        ["enf_vehicles"],
    ),
    "reserves": (
        "应急物资储备补助资金",
        "高海拔应急救援物资（帐篷、制氧、破拆和照明设备）补充储备",
        ["棉帐篷与睡袋", "便携式制氧机与氧气瓶", "液压破拆工具组", "移动照明与发电设备"],
        ["emg_rescue_teams"],
    ),
    "informatics": (
        "安全生产信息化建设资金",
        "监管执法终端、视频会商系统和数据专线",
        ["移动执法终端", "视频会商终端", "数据专线租用", "信息系统等级保护测评"],
        ["info_terminals"],
    ),
    "training": (
        "安全生产培训补助资金",
        "企业主要负责人、安全管理人员和特种作业人员培训补助",
        ["主要负责人培训补助", "安全管理人员培训补助", "特种作业人员培训补助", "培训教材印制（藏汉双语）"],
        ["trn_examiners"],
    ),
}
# Projects: key → (title, content, milestones (six, in order), what the money is spent on, indicators).
PROJECTS = {
    "command": (
        "应急救援指挥中心建设项目",
        "指挥大厅改造、视频会商与融合通信系统、卫星应急通信保障",
        [
            "初步设计与概算批复",
            "机房与指挥大厅改造完工",
            "融合通信与会商设备到货",
            "系统安装调试",
            "试运行",
            "竣工验收",
        ],
        ["指挥大厅装修工程款", "融合通信系统设备款", "卫星便携站购置", "监理与设计费"],
        ["emg_command_centre"],
    ),
    "exam_base": (
        "安全生产实训考核基地建设项目",
        "实训场地改造、特种作业实操考核设备和考务管理系统",
        ["选址与初步设计批复", "实训场地改造完工", "实操考核设备到货", "考务系统部署", "试考核", "竣工验收"],
        ["实训场地改造工程款", "低压电工实操考核设备", "焊接与热切割实训设备", "考务系统开发费"],
        ["trn_exam_seats"],
    ),
    "mine_watch": (
        "非煤矿山安全监测预警系统项目",
        "露天矿山边坡、尾矿库在线监测与监管预警平台",
        [
            "监测点位勘察与方案批复",
            "监测平台部署",
            "首批监测终端安装",
            "第二批监测终端安装",
            "联网试运行",
            "竣工验收",
        ],
        ["边坡雷达与GNSS监测设备", "尾矿库在线监测终端", "预警平台软件开发", "通信链路建设"],
        ["info_terminals", "info_reports_on_time"],
    ),
    "chem_watch": (
        "危险化学品重大危险源在线监测项目",
        "重大危险源企业可燃有毒气体、液位和视频监测接入",
        [
            "企业摸底与方案批复",
            "监测平台部署",
            "企业监测数据接入（第一批）",
            "企业监测数据接入（第二批）",
            "联网试运行",
            "竣工验收",
        ],
        ["监测平台软件开发", "企业端数据采集设备", "视频监控接入", "运维服务"],
        ["info_terminals"],
    ),
    "lab": (
        "安全生产技术支撑中心检测实验室项目",
        "检测检验仪器设备购置与实验室资质认定",
        ["实验室改造方案批复", "实验室改造完工", "检测仪器到货", "仪器安装与比对", "资质认定评审", "竣工验收"],
        ["实验室改造工程款", "气相色谱仪等检测仪器", "防爆电气检测设备", "资质认定咨询费"],
        ["sup_institutions"],
    ),
    "depot": (
        "高海拔应急物资储备库建设项目",
        "地（市）级应急物资储备库新建与物资管理系统",
        [
            "选址与初步设计批复",
            "主体结构封顶",
            "库房及配套完工",
            "物资管理系统部署",
            "首批物资入库",
            "竣工验收",
        ],
        ["储备库主体工程款", "货架与装卸设备", "物资管理系统", "监理与设计费"],
        ["emg_rescue_teams"],
    ),
}
# Technical support: key → (title, content, quantity, unit, indicators).
TECHNICAL = {
    "hazards": (
        "重大事故隐患排查专家指导",
        "派出专家组对矿山、危险化学品和建筑施工企业开展重大事故隐患排查指导",
        24,
        "人次",
        ["sup_experts"],
    ),
    "case_review": ("执法案卷评查与执法规范化帮扶", "派员评查行政执法案卷，帮助修订执法文书和裁量基准", 4, "次", []),
    "drills": (
        "应急预案编制与演练技术指导",
        "指导地（市）和重点企业修订应急预案，组织桌面推演和实战演练",
        6,
        "次",
        ["emg_rescue_teams"],
    ),
    "standards": (
        "企业安全生产标准化评审技术支持",
        "派出评审专家，帮助企业达标创建和评审",
        30,
        "家",
        ["sup_institutions"],
    ),
    "systems": (
        "监管信息系统运维技术支持",
        "派驻工程师开展监管信息系统运维和数据治理",
        24,
        "人月",
        ["info_reports_on_time"],
    ),
}
# Talent: key → (title, content, quantity, unit, kind of the records it gives, indicators).
TALENT = {
    "cadres": (
        "援藏干部选派（安全监管执法）",
        "选派执法骨干到受援局挂职，任期三年",
        2,
        "人",
        TalentKind.SENT,
        ["enf_staff_ratio"],
    ),
    "placement": (
        "执法人员赴内地跟班学习",
        "受援局执法人员到支援省市应急管理部门跟班学习三个月",
        6,
        "人",
        TalentKind.TRAINED,
        [],
    ),
    "examiners": (
        "特种作业实操考评员培训",
        "培训受援地区特种作业实操考评员并取得考评员资格",
        8,
        "人",
        TalentKind.TRAINED,
        ["trn_examiners"],
    ),
    "exchange": (
        "应急救援骨干双向交流",
        "两地应急救援指挥人员互派交流，每批三个月",
        4,
        "人",
        TalentKind.EXCHANGE,
        ["emg_rescue_members"],
    ),
}
CATALOGUES = {rules.FUNDS: FUNDS, rules.PROJECT: PROJECTS, rules.TECHNICAL: TECHNICAL, rules.TALENT: TALENT}
STEPS = {
    rules.FUNDS: ["资金计划下达并签订资金使用协议", "资金拨付到位", "采购实施与到货验收", "资金使用绩效自评"],
    rules.PROJECT: ["可行性研究与初步设计批复", "招标采购", "主体工程实施", "竣工验收与移交"],
    rules.TECHNICAL: ["需求对接与工作方案制定", "专家组进驻指导", "问题清单整改跟踪", "总结评估"],
    rules.TALENT: ["人选推荐与审核", "到岗（报到）", "中期考核", "期满考核与总结"],
}

# The plans: unit → items (scenario, catalogue key, receiving place). A scenario names the form, the status the item
# ends in and its story (see _Demo._item).
HISTORY_PLANS = {
    "beijing": [
        ("funds_done_mistaken_transfer", "equipment", "lhasa"),
        ("project_done", "command", "lhasa"),
        ("technical_done", "hazards", "lhasa"),
    ],
    "jiangsu": [("funds_done", "grassroots", "lhasa"), ("talent_done", "cadres", "lhasa")],
    "shanghai": [
        ("project_done_quality", "mine_watch", "shigatse"),
        ("funds_done", "informatics", "shigatse"),
        ("technical_cancelled", "systems", "shigatse"),
    ],
    "hubei": [("funds_done", "reserves", "shannan"), ("talent_done", "placement", "shannan")],
    "guangdong": [("project_done", "exam_base", "nyingchi"), ("technical_done", "drills", "nyingchi")],
    "tianjin": [("funds_done", "training", "chamdo"), ("talent_done", "exchange", "chamdo")],
    "huaneng": [("project_done", "depot", "shannan"), ("funds_done", "reserves", "xizang")],
    "nmsa": [("technical_done", "standards", "xizang"), ("funds_cancelled", "equipment", "ngari")],
}
CURRENT_PLANS = {
    "beijing": [
        ("funds_open_duplicate_expenditure", "equipment", "lhasa"),
        ("project_open", "command", "lhasa"),
        ("talent_open", "cadres", "lhasa"),
        ("technical_planned", "case_review", "lhasa"),
    ],
    "jiangsu": [("funds_open", "informatics", "lhasa"), ("technical_open", "hazards", "lhasa")],
    "shanghai": [
        ("funds_overdue", "grassroots", "shigatse"),
        ("project_open", "mine_watch", "shigatse"),
        ("talent_open", "placement", "shigatse"),
    ],
    "shandong": [("funds_open", "reserves", "shigatse"), ("technical_done", "drills", "shigatse")],
    "heilongjiang": [("technical_open", "standards", "shigatse"), ("talent_planned", "examiners", "shigatse")],
    "jilin": [("funds_planned", "training", "shigatse"), ("talent_open", "placement", "shigatse")],
    "hubei": [("project_open", "depot", "shannan"), ("funds_open", "equipment", "shannan")],
    "hunan": [("funds_open", "grassroots", "shannan"), ("technical_cancelled", "systems", "shannan")],
    "anhui": [("technical_open", "hazards", "shannan"), ("talent_open", "examiners", "shannan")],
    "guangdong": [
        ("funds_in_transit", "informatics", "nyingchi"),
        ("project_planned", "lab", "nyingchi"),
        ("technical_open", "drills", "nyingchi"),
    ],
    "fujian": [("funds_open", "equipment", "nyingchi"), ("talent_cancelled", "exchange", "nyingchi")],
    "tianjin": [("project_open", "exam_base", "chamdo"), ("talent_open", "exchange", "chamdo")],
    "chongqing": [("funds_open", "reserves", "chamdo"), ("technical_planned", "standards", "chamdo")],
    "zhejiang": [
        ("funds_open", "training", "nagqu"),
        ("project_planned", "chem_watch", "nagqu"),
        ("talent_done", "examiners", "nagqu"),
    ],
    "liaoning": [("technical_open", "case_review", "nagqu"), ("funds_cancelled", "grassroots", "nagqu")],
    "hebei": [("funds_open", "equipment", "ngari"), ("talent_open", "cadres", "ngari")],
    "shaanxi": [("technical_open", "hazards", "ngari"), ("project_cancelled", "depot", "ngari")],
    "huaneng": [
        ("project_open", "depot", "nyingchi"),
        ("funds_open", "reserves", "chamdo"),
        ("technical_done", "drills", "xizang"),
    ],
    "nmsa": [
        ("technical_open", "standards", "xizang"),
        ("project_open", "mine_watch", "shannan"),
        ("talent_planned", "placement", "ngari"),
    ],
}
FORM_ZH = {rules.FUNDS: "资金", rules.PROJECT: "项目", rules.TECHNICAL: "技术", rules.TALENT: "人才"}
STATUS_OF = {"done": ItemStatus.COMPLETED, "open": ItemStatus.UNDER_WAY, "planned": ItemStatus.PLANNED}
STATUS_OF |= {"cancelled": ItemStatus.CANCELLED, "overdue": ItemStatus.UNDER_WAY, "in": ItemStatus.UNDER_WAY}

# Names are made from these parts, each person's different: the supporting side's Chinese names, the region's
# Tibetan names (two parts, as their ID cards give them in Chinese characters).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN_NAMES = (
    "建军、志刚、海涛、文博、国庆、卫东、立平、晓峰、建国、家伟、振宇、志远、晓东、文静、丽萍、雪梅、晓燕、冬梅"
)
GIVEN_NAMES += "、宏伟、立新、明、磊、勇、静、鹏、洁"
TIBETAN_FIRST = (
    "扎西、次仁、尼玛、格桑、拉巴、平措、索朗、边巴、达瓦、洛桑、米玛、旦增、次旦、白玛、普布、巴桑、阿旺、德吉"
)
TIBETAN_SECOND = "顿珠、卓玛、旺堆、央宗、旺姆、卓嘎、群培、曲珍、措姆、罗布、多吉、朗杰、曲扎、仓决、拉姆、益西"

# Capability: how strong each bureau starts (1 = a typical prefecture) and the year its command centre opened.
STRENGTH = {"xizang": 1.6, "lhasa": 1.3, "shigatse": 1.1, "chamdo": 0.9, "nyingchi": 1.0, "shannan": 1.0}
STRENGTH |= {"nagqu": 0.7, "ngari": 0.6}
COMMAND_CENTRE_OPENED = {"xizang": 2022, "lhasa": 2024, "shigatse": 2025, "nyingchi": 2026}


def seed_demo() -> dict[str, int]:
    models = {
        "plans": AidPlan,
        "items": AidItem,
        "steps": ItemStep,
        "ledger entries": LedgerEntry,
        "milestones": Milestone,
        "talent records": TalentRecord,
        "inspections": Inspection,
        "rectifications": Rectification,
        "indicators": Indicator,
        "targets": Target,
        "measurements": Measurement,
    }
    counts = {"supporting units": 0, "aid accounts": 0} | dict.fromkeys(models, 0)
    if AidPlan.objects.filter(supporter__name_zh=BEIJING, title=_plan_title("beijing", HISTORY)).exists():
        return counts
    before = {name: model.objects.count() for name, model in models.items()}
    with transaction.atomic():
        _Demo(counts).run()
    return counts | {name: model.objects.count() - before[name] for name, model in models.items()}


def _plan_title(unit: str, period: tuple[datetime.date, datetime.date]) -> str:
    which = "十四五" if period == HISTORY else "十五五"
    return f"{UNITS[unit][4]}“{which}”援藏安全生产规划（{period[0].year}—{period[1].year}年）"


class _Demo:
    def __init__(self, counts: dict):
        self.counts = counts
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.admin = Person.objects.get(username="admin")
        self.bureaus = {
            place: Organisation.objects.select_related("division").get(kind=OrganisationKind.BUREAU, division_id=code)
            for place, code in PLACES.items()
        }
        self.names: set[str] = set()
        self.numbers: dict[tuple, int] = {}  # (issuer, year, …) → the last voucher number
        self.contacts: dict[str, list[str]] = {}  # supporting unit or place → its two responsible people
        self.talent_items: list[tuple[AidItem, str, str]] = []
        self.keys: dict[int, str] = {}  # item → its catalogue key

    def run(self) -> None:
        self.units = self._units()
        self.aid = self._accounts()
        self.leaders = {place: Person.objects.get(username=f"{place}-leader") for place in ("xizang", "lhasa")}
        capability.ensure_indicators()
        self.indicators = set(Indicator.objects.values_list("code", flat=True))
        for period, plans in ((HISTORY, HISTORY_PLANS), (CURRENT, CURRENT_PLANS)):
            for unit, rows in plans.items():
                self._plan(unit, period, rows)
        self._talent()
        self._inspections()
        self._capability()

    # --- helpers ---------------------------------------------------------------------------------------------------

    def ago(self, days: int) -> datetime.date:
        return self.today - days * DAY

    def on(self, year: int, month: int, day: int, spread: int = 0) -> datetime.date:
        """A day of the history, moved by up to `spread` days."""
        return datetime.date(year, month, day) + self.rng.randint(0, spread) * DAY

    def _phone(self, area: str) -> str:
        """A landline: seven digits after a four-digit area code (6… in the region), eight after a three-digit one."""
        low, high = (6_000_000, 6_999_999) if len(area) == 4 else (50_000_000, 89_999_999)
        return f"{area}-{self.rng.randint(low, high)}"

    def _split(self, total: Decimal, n: int, unit: Decimal = Decimal(100)) -> list[Decimal]:
        """`total` in n parts of roughly equal size, each a multiple of `unit` but the last, adding up exactly."""
        weights = [self.rng.uniform(0.75, 1.25) for _ in range(n)]
        parts = [(total * Decimal(w / sum(weights)) / unit).quantize(Decimal(1)) * unit for w in weights[:-1]]
        return [*parts, total - sum(parts, Decimal(0))]

    def _amount(self, low: int, high: int) -> Decimal:
        """A sum in yuan between low and high ten-thousands, a round ten thousand."""
        return Decimal(self.rng.randint(low, high) * 10_000)

    def _cents(self, amount: Decimal) -> Decimal:
        """A spending of about `amount`, to the fen, not above it."""
        return max(CENT, (amount * Decimal(self.rng.uniform(0.93, 1.0))).quantize(CENT))

    def _number(self, *series) -> int:
        """The next number of a voucher series (an issuer's, of a year): they run on with gaps, since the demo
        holds only the aid among each issuer's vouchers."""
        last = self.numbers.get(series, self.rng.randint(10, 80))
        self.numbers[series] = last + self.rng.randint(1, 15)
        return self.numbers[series]

    def _name(self, tibetan: bool) -> str:
        """A name not given yet."""
        while True:
            if tibetan:
                first, second = self.rng.choice(TIBETAN_FIRST.split("、")), self.rng.choice(TIBETAN_SECOND.split("、"))
                name = first + second
            else:
                name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES.split("、"))
            if name not in self.names:
                self.names.add(name)
                return name

    def _contacts(self, key: str) -> list[str]:
        """The two people responsible for aid at a supporting unit (key) or a bureau (place)."""
        if key not in self.contacts:
            self.contacts[key] = [self._name(key in PLACES) for _ in range(2)]
        return self.contacts[key]

    # --- units, accounts and plans ---------------------------------------------------------------------------------

    def _units(self) -> dict[str, Organisation]:
        """The counterpart arrangement's supporting units: those the core demo made, the provinces' added here."""
        found = {}
        for key, (name_zh, name_en, home, places, *_rest) in UNITS.items():
            unit = Organisation.objects.filter(kind=OrganisationKind.SUPPORTING, name_zh=name_zh).first()
            if unit is None:
                if name_zh in _EXISTING:  # the core demo's, should it not have been seeded
                    kind, support_kind, _zh, name_en, division, home = _EXISTING[name_zh]
                else:  # a province's, registered at the prefecture it supports
                    kind, support_kind = OrganisationKind.SUPPORTING, SupportKind.PROVINCE_BUREAU
                    division = PLACES[places[0]]
                unit = core_services.organisation_create(
                    self.admin,
                    kind=kind,
                    support_kind=support_kind,
                    name_zh=name_zh,
                    name_en=name_en,
                    division=division,
                    home_division=home or None,
                )
                self.counts["supporting units"] += 1
            found[key] = unit
        return found

    def _accounts(self) -> dict[str, Person]:
        """An aid coordinator for every supporting unit (<unit>-aid) and every bureau (<place>-aid, the core
        demo's, made here when missing)."""
        found = {}
        role_zh = ROLE_NAMES_ZH[Role.AID]
        wanted = [
            (key, unit, f"{unit.name_zh.removesuffix('（援藏）')}{role_zh}（演示）") for key, unit in self.units.items()
        ]
        wanted += [
            (place, bureau, f"{bureau.division.name_zh}{role_zh}（演示）") for place, bureau in self.bureaus.items()
        ]
        for key, organisation, full_name in wanted:
            username = f"{key}-aid"
            person = Person.objects.filter(username=username).select_related("organisation").first()
            if person is None:
                person = demo_person(self.admin, organisation, username, full_name, Role.AID)
                self.counts["aid accounts"] += 1
            found[key] = person
        return found

    def _plan(self, unit: str, period: tuple[datetime.date, datetime.date], rows: list) -> None:
        places = sorted({place for _s, _k, place in rows} | ({"xizang"} if unit in CENTRAL else set()))
        names = "、".join(self.bureaus[p].division.name_zh for p in places)
        forms = "、".join(dict.fromkeys(FORM_ZH[_form(s)] for s, _k, _p in rows))
        plan = services.plan_create(
            self.aid[unit],
            title=_plan_title(unit, period),
            starts_on=period[0],
            ends_on=period[1],
            receivers=[self.bureaus[p].pk for p in places],
            summary=f"{UNITS[unit][4]}对口支援{names}安全生产监管能力建设：以{forms}等形式，"
            "补齐执法、信息化、实训考核、应急救援指挥和技术支撑五大体系短板，明确责任人和完成时限。",
        )
        for scenario, key, place in rows:
            self._item(plan, unit, period, scenario, key, place)

    # --- items -------------------------------------------------------------------------------------------------------

    def _item(self, plan, unit, period, scenario: str, key: str, place: str) -> None:
        form = _form(scenario)
        history = period == HISTORY
        status = STATUS_OF[scenario.split("_")[1]]
        entry = CATALOGUES[form][key]
        title, content = entry[0], entry[1]
        bureau = self.bureaus[place]
        fields = {"content": content, "indicators": [c for c in entry[-1] if c in self.indicators]}
        if form == rules.FUNDS:
            fields |= {"purpose": content, "amount_yuan": self._amount(150, 800)}
        elif form == rules.PROJECT:
            fields |= {"amount_yuan": self._amount(600, 3000)}
        else:
            fields |= {"quantity": entry[2], "unit": entry[3]}
            if form == rules.TECHNICAL:
                fields["amount_yuan"] = self._amount(20, 80)
        steps = self._step_plan(form, history, status)
        supporter_name, receiver_name = self.rng.choice(self._contacts(unit)), self.rng.choice(self._contacts(place))
        item = services.item_create(
            self.aid[unit],
            plan,
            form=form,
            receiver_id=bureau.pk,
            title=f"{bureau.division.name_zh}{title}" + ("（已取消）" if status == ItemStatus.CANCELLED else ""),
            deadline=self._deadline(history, status, steps),
            supporter_contact=f"{supporter_name}（{UNITS[unit][4]}援藏工作组）{self._phone(UNITS[unit][5])}",
            receiver_contact=f"{receiver_name}（{bureau.division.name_zh}应急管理局）{self._phone(AREA_CODES[place])}",
            steps=[{"description": d, "due_on": due} for d, due, _done in steps],
            **fields,
        )
        self.keys[item.pk] = key
        for step, (_d, _due, done) in zip(item.steps.order_by("order"), steps, strict=True):
            if done is not None:
                side = self.aid[unit] if step.order % 2 else self.aid[place]
                services.step_done(side, step, done_on=done)
        story = getattr(self, f"_ledger_{scenario}", None)
        if story is not None:
            story(item, unit, place)
        if form == rules.PROJECT:
            self._milestones(item, unit, place, scenario)
        if form == rules.TALENT:
            self.talent_items.append((item, scenario, key))
        self._status(item, unit, status)

    def _step_plan(self, form: str, history: bool, status: str) -> list[tuple[str, datetime.date, datetime.date]]:
        """(description, due, done or None) of the item's steps: all done for a completed item (one of them late);
        the first two done (the second late), the third overdue and the last to come for one under way; all to
        come for a planned item; the first done before a cancelled item was cancelled."""
        names = STEPS[form]
        if status == ItemStatus.CANCELLED:
            due = self.on(2022, 5, 31, 30) if history else self.ago(220)
            return [(names[0], due, due - self.rng.randint(2, 10) * DAY)]
        if history:
            dues = [self.on(2021, 4, 30, 20), self.on(2021, 10, 31, 30), self.on(2023, 6, 30, 30)]
            dues.append(self.on(2025, 9, 30, 20))
        elif status == ItemStatus.COMPLETED:
            dues = [self.ago(260), self.ago(190), self.ago(120), self.ago(45)]
        elif status == ItemStatus.UNDER_WAY:
            dues = [self.ago(250), self.ago(150), self.ago(20 + self.rng.randint(0, 15)), self.ago(-200)]
        else:
            dues = [self.ago(-60), self.ago(-200), self.ago(-400), self.ago(-700)]
        if status == ItemStatus.COMPLETED:
            late = self.rng.randrange(4)
            done = [
                due + self.rng.randint(12, 40) * DAY if n == late else due - self.rng.randint(0, 8) * DAY
                for n, due in enumerate(dues)
            ]
            done = [min(d, self.today) for d in done]
        elif status == ItemStatus.UNDER_WAY:
            done = [dues[0] - self.rng.randint(1, 6) * DAY, dues[1] + self.rng.randint(10, 30) * DAY, None, None]
        else:
            done = [None] * 4
        return list(zip(names, dues, done, strict=True))

    def _deadline(self, history: bool, status: str, steps: list) -> datetime.date:
        if history:
            return datetime.date(2025, 10, 31) if status != ItemStatus.CANCELLED else datetime.date(2023, 12, 31)
        if status == ItemStatus.COMPLETED:
            return max(due for _d, due, _done in steps)
        return {ItemStatus.UNDER_WAY: datetime.date(2028, 12, 31), ItemStatus.PLANNED: datetime.date(2029, 12, 31)}.get(
            status, datetime.date(2027, 12, 31)
        )

    def _status(self, item: AidItem, unit: str, status: str) -> None:
        """Move the item to its status through the service (planned → under way → completed, or cancelled)."""
        actor = self.aid[unit]
        if status == ItemStatus.CANCELLED:
            services.item_set_status(actor, item, status=ItemStatus.CANCELLED)
        elif status in (ItemStatus.UNDER_WAY, ItemStatus.COMPLETED):
            services.item_set_status(actor, item, status=ItemStatus.UNDER_WAY)
            if status == ItemStatus.COMPLETED:
                services.item_set_status(actor, item, status=ItemStatus.COMPLETED)

    # --- the funds ledger ------------------------------------------------------------------------------------------

    def _post(self, actor: Person, item: AidItem, kind: str, amount: Decimal, on: datetime.date, note: str = ""):
        year = on.year
        unit_abbr = next(u[6] for u in UNITS.values() if u[0] == item.plan.supporter.name_zh)
        place_abbr = PLACE_CODES[next(p for p, code in PLACES.items() if code == item.division_code)]
        evidence = {
            rules.COMMITMENT: f"{unit_abbr}援藏〔{year}〕{self._number(unit_abbr, year)}号 资金计划",
            rules.TRANSFER: f"国库集中支付凭证 {year}{self.rng.randint(100000, 999999)}",
            rules.RECEIPT: f"{place_abbr}应急收〔{year}〕{self._number(place_abbr, year)}号 收款凭证",
            rules.EXPENDITURE: f"记账凭证 {year}年{on.month}月第{self._number(place_abbr, year, on.month)}号；"
            f"发票 {self.rng.randint(10**7, 10**8 - 1)}",
        }[kind]
        return services.ledger_post(actor, item, kind=kind, amount_yuan=amount, date=on, evidence=evidence, note=note)

    def _reverse(self, actor: Person, item: AidItem, entry: LedgerEntry, on: datetime.date, note: str):
        return services.ledger_post(
            actor, item, kind=rules.REVERSAL, amount_yuan=entry.amount_yuan, date=on, reverses=entry.pk, note=note
        )

    def _spent_on(self, item: AidItem) -> list[str]:
        """What the item's money is spent on (the notes of its expenditures)."""
        entry = CATALOGUES[item.form][self.keys[item.pk]]
        return entry[2] if item.form == rules.FUNDS else entry[3]

    def _spend(self, item: AidItem, place: str, amounts: list[tuple[Decimal, datetime.date]]) -> None:
        notes = self._spent_on(item)
        for n, (amount, on) in enumerate(amounts):
            self._post(self.aid[place], item, rules.EXPENDITURE, amount, on, notes[n % len(notes)])

    def _history_ledger(self, item: AidItem, unit: str, place: str, *, mistaken_in: int | None = None) -> None:
        """2021–2025: the whole sum committed in 2021, sent a tranche a year, each confirmed within a few weeks and
        spent by the end of its year; a duplicated transfer (mistaken_in) taken back by the supporter."""
        supporter, receiver = self.aid[unit], self.aid[place]
        total = item.amount_yuan
        self._post(supporter, item, rules.COMMITMENT, total, self.on(2021, 3, 8, 17), "五年资金一次承诺、分年拨付")
        years = range(2021, 2026)
        for year, tranche in zip(years, self._split(total, len(years)), strict=True):
            sent = self.on(year, 4, 10, 60)
            self._post(supporter, item, rules.TRANSFER, tranche, sent, f"{year}年度资金拨付")
            if year == mistaken_in:
                twice = self._post(supporter, item, rules.TRANSFER, tranche, sent + DAY, f"{year}年度资金拨付")
                self._reverse(
                    supporter, item, twice, sent + 5 * DAY, f"{year}年度资金误重复拨付，银行已原路退回，冲回该笔拨付"
                )
            received = sent + self.rng.randint(6, 20) * DAY
            self._post(receiver, item, rules.RECEIPT, tranche, received, f"{year}年度资金到账")
            parts = self._split(tranche, self.rng.randint(2, 3), CENT)
            days = sorted(self.on(year, 7, 1, 170) for _ in parts)
            self._spend(item, place, list(zip(parts, days, strict=True)))

    def _current_ledger(self, item, unit, place, *, committed: int, tranches, spending) -> list:
        """This year's: committed `committed` days ago; tranches (share, sent days ago, confirmed days ago or None);
        spending (share of the sum, days ago). The transfers are returned."""
        supporter, receiver = self.aid[unit], self.aid[place]
        total = item.amount_yuan
        self._post(supporter, item, rules.COMMITMENT, total, self.ago(committed), "本规划期资金承诺")
        events = []
        for n, (share, sent, confirmed) in enumerate(tranches, start=1):
            amount = (total * Decimal(share)).quantize(Decimal(100))
            events.append((sent, 0, supporter, rules.TRANSFER, amount, f"第{n}批资金拨付"))
            if confirmed is not None:
                events.append((confirmed, 1, receiver, rules.RECEIPT, amount, f"第{n}批资金到账"))
        notes = self._spent_on(item)
        for n, (share, spent) in enumerate(spending):
            amount = self._cents(total * Decimal(share))
            events.append((spent, 2, receiver, rules.EXPENDITURE, amount, notes[n % len(notes)]))
        transfers = []
        for days, _order, actor, kind, amount, note in sorted(events, key=lambda e: (-e[0], e[1])):
            entry = self._post(actor, item, kind, amount, self.ago(days), note)
            if kind == rules.TRANSFER:
                transfers.append(entry)
        return transfers

    def _ledger_funds_done(self, item, unit, place):
        self._history_ledger(item, unit, place)

    def _ledger_funds_done_mistaken_transfer(self, item, unit, place):
        self._history_ledger(item, unit, place, mistaken_in=2022)

    def _ledger_project_done(self, item, unit, place):
        self._history_ledger(item, unit, place)

    _ledger_project_done_quality = _ledger_project_done

    def _ledger_funds_open(self, item, unit, place):
        self._current_ledger(
            item,
            unit,
            place,
            committed=290,
            tranches=[(0.5, 265, 255), (0.25, 120, 111)],
            spending=[(0.2, 210), (0.15, 140), (0.2, 75)],
        )

    def _ledger_funds_open_duplicate_expenditure(self, item, unit, place):
        """An expenditure entered twice from the same voucher, the duplicate taken back by the bureau."""
        self._ledger_funds_open(item, unit, place)
        receiver = self.aid[place]
        amount = self._cents(item.amount_yuan * Decimal("0.08"))
        note = f"{self._spent_on(item)[0]}尾款"
        entry = self._post(receiver, item, rules.EXPENDITURE, amount, self.ago(60), note)
        twice = services.ledger_post(
            receiver,
            item,
            kind=rules.EXPENDITURE,
            amount_yuan=amount,
            date=self.ago(60),
            evidence=entry.evidence_note,
            note=note,
        )
        self._reverse(receiver, item, twice, self.ago(57), f"同一记账凭证（{entry.evidence_note}）重复录入，冲回")

    def _ledger_funds_overdue(self, item, unit, place):
        """The second tranche sent 47 days ago and not confirmed by the bureau: overdue to reconcile."""
        self._current_ledger(
            item,
            unit,
            place,
            committed=280,
            tranches=[(0.4, 250, 241), (0.3, 47, None)],
            spending=[(0.15, 190), (0.15, 100)],
        )

    def _ledger_funds_in_transit(self, item, unit, place):
        """The second tranche sent six days ago: in transit."""
        self._current_ledger(
            item,
            unit,
            place,
            committed=230,
            tranches=[(0.4, 200, 188), (0.3, 6, None)],
            spending=[(0.2, 120), (0.1, 40)],
        )

    def _ledger_funds_planned(self, item, unit, place):
        self._post(self.aid[unit], item, rules.COMMITMENT, item.amount_yuan, self.ago(40), "本规划期资金承诺")

    _ledger_project_planned = _ledger_funds_planned

    def _ledger_project_open(self, item, unit, place):
        self._current_ledger(
            item,
            unit,
            place,
            committed=300,
            tranches=[(0.3, 285, 276), (0.3, 150, 141)],
            spending=[(0.2, 230), (0.25, 100), (0.1, 30)],
        )

    def _ledger_funds_cancelled(self, item, unit, place):
        """Committed, then the item was cancelled and the supporter took its commitment back."""
        supporter = self.aid[unit]
        if item.plan.starts_on == HISTORY[0]:
            made, back = self.on(2022, 3, 1, 20), self.on(2022, 9, 1, 20)
        else:
            made, back = self.ago(250), self.ago(150)
        commitment = self._post(supporter, item, rules.COMMITMENT, item.amount_yuan, made, "资金承诺")
        self._reverse(supporter, item, commitment, back, "受援方需求调整，事项取消，冲回资金承诺")

    _ledger_project_cancelled = _ledger_funds_cancelled

    # --- milestones --------------------------------------------------------------------------------------------

    def _milestones(self, item: AidItem, unit: str, place: str, scenario: str) -> None:
        """History: four milestones all accepted, two delivered late (and, for project_done_quality, one accepted
        though not to the quality agreed). Under way: accepted on time, accepted late, late (not delivered),
        delivered awaiting acceptance, and two to come. Planned: three to come. Cancelled: none."""
        titles = PROJECTS[self.keys[item.pk]][2]
        supporter, receiver = self.aid[unit], self.aid[place]
        weights = [1, 2, 2, 2, 1, 2]
        if scenario.startswith("project_done"):
            # (title index, planned, days late (− early), quality ok)
            rows = [
                (0, self.on(2021, 11, 30), -5, True),
                (2, self.on(2022, 10, 31), 26, True),
                (3, self.on(2023, 11, 30), -3, scenario != "project_done_quality"),
                (5, self.on(2025, 6, 30), 41, True),
            ]
            for index, planned, late, quality in rows:
                m = services.milestone_add(
                    supporter,
                    item,
                    title=titles[index],
                    planned_on=planned,
                    weight=weights[index],
                    deliverables=f"{titles[index]}相关成果资料",
                )
                delivered = planned + late * DAY
                services.milestone_deliver(supporter, m, delivered_on=delivered, note="按合同交付，资料齐全")
                note = "验收合格" if quality else "部分监测终端型号与合同约定不符，已要求供货方限期更换，同意先行接收"
                if late > 0:
                    note += f"；较计划推迟{late}天交付"
                services.milestone_accept(
                    receiver,
                    m,
                    accepted_on=delivered + self.rng.randint(7, 25) * DAY,
                    quality_ok=quality,
                    quantity_ok=True,
                    note=note,
                )
        elif scenario == "project_open":
            # (title index, planned days ago, delivered days ago or None, accepted days ago or None)
            rows = [
                (0, 200, 205, 195),
                (1, 130, 112, 100),
                (2, 40, None, None),
                (3, 12, 9, None),
                (4, -90, None, None),
                (5, -420, None, None),
            ]
            for index, planned, delivered, accepted in rows:
                m = services.milestone_add(
                    supporter,
                    item,
                    title=titles[index],
                    planned_on=self.ago(planned),
                    weight=weights[index],
                    deliverables=f"{titles[index]}相关成果资料",
                )
                if delivered is not None:
                    services.milestone_deliver(supporter, m, delivered_on=self.ago(delivered), note="已交付，请验收")
                if accepted is not None:
                    on_time = delivered >= planned
                    services.milestone_accept(
                        receiver,
                        m,
                        accepted_on=self.ago(accepted),
                        quality_ok=True,
                        quantity_ok=True,
                        note="验收合格" if on_time else f"验收合格；较计划推迟{planned - delivered}天交付",
                    )
        elif scenario == "project_planned":
            for index, planned in ((0, -120), (2, -300), (5, -500)):
                services.milestone_add(
                    supporter, item, title=titles[index], planned_on=self.ago(planned), weight=weights[index]
                )

    # --- talent ------------------------------------------------------------------------------------------------

    def _talent(self) -> None:
        """Cadres sent, staff trained elsewhere and exchanges for the talent items that have begun."""
        for item, scenario, key in self.talent_items:
            if not scenario.endswith(("_done", "_open")):
                continue
            unit = next(k for k, u in self.units.items() if u.pk == item.plan.supporter_id)
            place = next(p for p, code in PLACES.items() if code == item.division_code)
            history = item.plan.starts_on == HISTORY[0]
            done = scenario.endswith("_done")
            getattr(self, f"_talent_{key}")(item, unit, place, history, done)
        # A regional inspector trained at the national administration's course, recorded by the region.
        oversight.talent_record(
            self.aid["xizang"],
            kind=TalentKind.TRAINED,
            person_name=self._name(True),
            home="西藏自治区应急管理厅",
            post="国家矿山安全监察局非煤矿山执法骨干培训班",
            starts_on=self.ago(150),
            ends_on=self.ago(139),
            hours=Decimal(80),
            supporter_id=self.units["nmsa"].pk,
            division_code=REGION,
            achievements="结业考核合格，回区后承担非煤矿山执法检查培训授课",
        )

    def _record(self, actor, item, kind, name, home, post, starts, ends=None, hours=None, achievements=""):
        oversight.talent_record(
            actor,
            kind=kind,
            person_name=name,
            home=home,
            post=post,
            starts_on=starts,
            ends_on=ends,
            hours=hours,
            item=item,
            achievements=achievements,
        )

    def _talent_cadres(self, item, unit, place, history, done):
        supporter, bureau = self.units[unit], self.bureaus[place]
        starts = self.on(2022, 7, 1) if history else self.ago(150)
        ends = datetime.date(starts.year + 3, 6, 30)
        for post, name in zip(
            ("副局长（挂职）", "执法支队副支队长（挂职）"), [self._name(False) for _ in range(2)], strict=True
        ):
            self._record(
                self.aid[unit],
                item,
                TalentKind.SENT,
                name,
                supporter.name_zh.removesuffix("（援藏）"),
                f"{bureau.division.name_zh}应急管理局{post}",
                starts,
                ends,
                achievements="牵头修订执法检查计划，带教执法人员，参与重大隐患挂牌督办" if done else "",
            )

    def _trained(self, item, unit, place, course: str, batches) -> None:
        supporter, bureau = self.units[unit], self.bureaus[place]
        for starts, ends, hours, people in batches:
            for name in [self._name(True) for _ in range(people)]:
                self._record(
                    self.aid[place],
                    item,
                    TalentKind.TRAINED,
                    name,
                    f"{bureau.division.name_zh}应急管理局",
                    f"{supporter.name_zh.removesuffix('（援藏）')}{course}",
                    starts,
                    ends,
                    hours,
                    achievements="结业考核合格" if hours else "",
                )

    def _talent_placement(self, item, unit, place, history, done):
        if history:
            batches = [(self.on(2023, 3, 1), self.on(2023, 5, 31), Decimal(480), 3)]
        else:
            batches = [(self.ago(200), self.ago(110), Decimal(480), 2), (self.ago(30), self.ago(-60), None, 2)]
        self._trained(item, unit, place, "执法总队跟班学习", batches)

    def _talent_examiners(self, item, unit, place, history, done):
        batches = [(self.ago(150), self.ago(140), Decimal("56.0"), 3)]
        if not done:
            batches = [(self.ago(60), self.ago(50), Decimal("56.0"), 3), (self.ago(8), self.ago(-2), None, 2)]
        self._trained(item, unit, place, "特种作业实操考评员培训班", batches)

    def _talent_exchange(self, item, unit, place, history, done):
        supporter, bureau = self.units[unit], self.bureaus[place]
        starts = self.on(2024, 4, 1) if history else self.ago(40)
        ends = starts + 90 * DAY
        home_side = supporter.name_zh.removesuffix("（援藏）")
        self._record(
            self.aid[unit],
            item,
            TalentKind.EXCHANGE,
            self._name(False),
            home_side,
            f"{bureau.division.name_zh}应急管理局应急指挥中心（交流）",
            starts,
            ends,
            achievements="协助修订地（市）级总体应急预案" if history else "",
        )
        self._record(
            self.aid[place],
            item,
            TalentKind.EXCHANGE,
            self._name(True),
            f"{bureau.division.name_zh}应急管理局",
            f"{home_side}应急指挥中心（交流）",
            starts,
            ends,
            achievements="跟岗学习值班值守和指挥调度" if history else "",
        )

    # --- supervision -------------------------------------------------------------------------------------------

    def _inspections(self) -> None:
        """The region's inspection of Shanghai's aid to Shigatse (a rectification verified, one overdue), Lhasa's of
        Beijing's this year (one done awaiting verification, one open), and the region's of Guangdong's project in
        2024 (done and verified)."""
        region, lhasa = self.leaders["xizang"], self.leaders["lhasa"]
        shanghai = {
            i.title: i
            for i in AidItem.objects.filter(plan__supporter=self.units["shanghai"], plan__starts_on=CURRENT[0])
        }
        funds = next(i for i in shanghai.values() if i.form == rules.FUNDS)
        project = next(i for i in shanghai.values() if i.form == rules.PROJECT)
        inspection = oversight.inspection_create(
            region,
            inspected_on=self.ago(100),
            inspectors=f"自治区应急管理厅援藏工作督查组：{self._name(True)}、{self._name(False)}",
            item_ids=[funds.pk, project.pk],
            findings="抽查上海市对口支援日喀则市资金和项目：部分支出凭证缺少验收单和合同附件；"
            "监测预警系统项目第二批监测终端安装进度滞后于计划。",
            rectifications=[
                {
                    "item": funds.pk,
                    "requirement": "补齐本年度支出凭证的验收单和合同附件，建立援藏资金专账。",
                    "due_on": self.ago(70),
                },
                {
                    "item": project.pk,
                    "requirement": "制定赶工计划并报送，确保监测终端安装按期完成。",
                    "due_on": self.ago(25),
                },
            ],
        )
        first = inspection.rectifications.get(item=funds)
        oversight.rectification_done(
            self.aid["shigatse"], first, done_on=self.ago(78), note="已补齐全部支出凭证附件，援藏资金已设专账核算。"
        )
        oversight.rectification_verify(region, first, verified_on=self.ago(65))

        beijing = list(
            AidItem.objects.filter(
                plan__supporter=self.units["beijing"], plan__starts_on=CURRENT[0], form__in=[rules.FUNDS, rules.PROJECT]
            ).order_by("form")
        )
        project = next(i for i in beijing if i.form == rules.PROJECT)
        inspection = oversight.inspection_create(
            lhasa,
            inspected_on=self.ago(30),
            inspectors=f"拉萨市应急管理局：{self._name(True)}、{self._name(True)}",
            item_ids=[i.pk for i in beijing],
            findings="北京市援藏执法装备资金存在同一凭证重复记账（已冲回）；指挥中心项目设备到货验收记录不全。",
            rectifications=[
                {"item": None, "requirement": "完善援藏资金记账复核制度，杜绝凭证重复录入。", "due_on": self.ago(-30)},
                {"item": project.pk, "requirement": "补充融合通信设备到货验收记录。", "due_on": self.ago(-45)},
            ],
        )
        whole = inspection.rectifications.get(item__isnull=True)
        oversight.rectification_done(
            self.aid["lhasa"], whole, done_on=self.ago(10), note="已印发援藏资金记账复核办法，实行双人复核。"
        )

        project = AidItem.objects.get(
            plan__supporter=self.units["guangdong"], plan__starts_on=HISTORY[0], form=rules.PROJECT
        )
        inspection = oversight.inspection_create(
            region,
            inspected_on=datetime.date(2024, 9, 12),
            inspectors="自治区应急管理厅援藏工作督查组",
            item_ids=[project.pk],
            findings="实训考核基地项目竣工资料归档不完整。",
            rectifications=[
                {
                    "item": project.pk,
                    "requirement": "按基建档案要求补充归档竣工资料。",
                    "due_on": datetime.date(2024, 10, 31),
                }
            ],
        )
        r = inspection.rectifications.get()
        oversight.rectification_done(
            self.aid["nyingchi"], r, done_on=datetime.date(2024, 10, 20), note="竣工资料已全部归档。"
        )
        oversight.rectification_verify(region, r, verified_on=datetime.date(2024, 11, 5))

    # --- capability --------------------------------------------------------------------------------------------

    def _capability(self) -> None:
        """The catalogue's indicators; the region sets every bureau's targets for 2030 (the 2021 value the
        baseline); each bureau records its value at the end of every year since 2021 (this year's as of today),
        rising towards the target."""
        region = self.aid["xizang"]
        codes = {row[0]: row for row in capability.CATALOGUE}
        years = range(FIRST_YEAR, self.today.year + 1)
        for place, division in PLACES.items():
            strength = STRENGTH[place]
            share, progress = Decimal(0), []
            for _year in years:
                progress.append(share)
                share = min(Decimal("0.9"), share + Decimal(str(round(self.rng.uniform(0.06, 0.15), 3))))
            for code in codes:
                base, target = self._baseline_and_target(code, strength)
                capability.target_set(
                    region,
                    division_code=division,
                    indicator_code=code,
                    value=target,
                    due_on=TARGET_DAY,
                    baseline=base,
                )
                for year, done in zip(years, progress, strict=True):
                    value = self._value(code, place, year, base, target, done)
                    capability.measurement_record(
                        self.aid[place],
                        division_code=division,
                        indicator_code=code,
                        value=value,
                        as_of=min(datetime.date(year, 12, 31), self.today),
                        source=f"{year}年度安全生产监管能力统计",
                    )

    def _baseline_and_target(self, code: str, s: float) -> tuple[Decimal, Decimal]:
        r = self.rng.uniform
        if code == "enf_staff_ratio":
            return Decimal(str(round(50 + 12 * s + r(-3, 3), 1))), Decimal(100)
        if code == "info_reports_on_time":
            return Decimal(str(round(68 + 8 * s + r(-3, 3), 1))), Decimal(98)
        if code == "emg_command_centre":
            return Decimal(0), Decimal(1)
        scale = {
            "enf_vehicles": (6, 10),
            "enf_recorders": (20, 50),
            "info_terminals": (10, 60),
            "trn_exam_seats": (8, 40),
            "trn_examiners": (3, 16),
            "emg_rescue_teams": (2, 3),
            "emg_rescue_members": (50, 100),
            "sup_experts": (10, 30),
            "sup_institutions": (2, 4),
        }[code]
        base = max(1, round(scale[0] * s * r(0.85, 1.15)))
        return Decimal(base), Decimal(base + max(2, round(scale[1] * s * r(0.9, 1.1))))

    def _value(self, code, place, year, base: Decimal, target: Decimal, done: Decimal) -> Decimal:
        if code == "emg_command_centre":
            return Decimal(int(year >= COMMAND_CENTRE_OPENED.get(place, 9999)))
        value = base + (target - base) * done
        if code in ("enf_staff_ratio", "info_reports_on_time"):
            return value.quantize(Decimal("0.1"))
        return value.quantize(Decimal(1))


def _form(scenario: str) -> str:
    return scenario.split("_")[0]
