"""Demo training data: the region's question bank (Chinese, some in Tibetan) with practical tasks and paper rules;
courses, their sessions in the last two years and the hours people attended, so that the compliance list holds
both managers who met Order 3 and some who fell short; a finished low-voltage electrician exam with its results
and certificates, its retake and an exam to come; and certificates in every state the status rule knows, with
reviews and expiries falling due in the next 90 days across three prefectures.

Written through the services (so the demo has an audit trail), except the certificates issued years ago, which are
history no service writes. Dates are relative to today, so the lists of what falls due are populated whichever day
the demo is seeded. Deterministic (a fixed random seed; the services' own tickets, access codes and paper seeds are
random) and idempotent: nothing is added once the region's question bank exists.
"""

import datetime
import json
import random
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from anjian.core.audit import audit_record
from anjian.core.demo import PLACES, REGION, ROLE_NAMES_ZH, demo_person
from anjian.core.models import AuditAction, Division, Organisation, OrganisationKind, Person, Role
from anjian.enterprises.models import Enterprise
from anjian.training import certificates, exams, rules, services
from anjian.training.models import (
    Answer,
    Attempt,
    Attendance,
    Candidate,
    Certificate,
    CertificateReview,
    ExamSession,
    ExamToken,
    Question,
    QuestionVersion,
    ReviewOutcome,
    Trainee,
)

BANK_FILE = Path(__file__).resolve().parent / "data" / "demo" / "questions.json"
SEED = 540030
DAY = datetime.timedelta(days=1)

# The regional bureau keeps the bank, the paper rules, the courses of the regional training centre and the exams;
# the prefectures run their own yearly re-training and review their holders' certificates.
TRAINER_PLACES = ("xizang", "lhasa", "shigatse", "shannan")
PREFIXES = {"lhasa": "5401", "shigatse": "5402", "shannan": "5405"}
FALLBACK_EMPLOYERS = {
    "lhasa": "拉萨市城关区建筑安装工程有限公司",
    "shigatse": "日喀则市桑珠孜区电力安装有限公司",
    "shannan": "山南市乃东区建材有限公司",
}

VENUES = {
    "xizang": "自治区安全生产培训中心（拉萨市城关区）",
    "lhasa": "拉萨市应急管理局培训室",
    "shigatse": "日喀则市安全生产培训基地（桑珠孜区）",
    "shannan": "山南市安全生产培训基地（乃东区）",
}
EXAM_VENUE = "自治区安全生产考试中心第一考场（拉萨市城关区）"

HIGH_RISK = set(rules.HIGH_RISK_CATEGORIES)
LOW_RISK = {"industry_trade", "construction", "civil_explosives"}
TRADES = {
    "1.2": {"construction", "industry_trade", "hazardous_chemicals", "metallurgy"},
    "2.1": {"construction", "metallurgy", "industry_trade"},
    "3.1": {"construction", "industry_trade"},
    "3.2": {"construction", "industry_trade"},
    "6.3": {"metal_nonmetal_mine"},
    "9.16": {"hazardous_chemicals"},
}


def _names(names: str, sex: str, tibetan: bool) -> list[tuple[str, str, bool]]:
    return [(name, sex, tibetan) for name in names.split("、")]


# Names as their ID cards give them: Tibetan names in Chinese characters (a few in Tibetan script) and Chinese
# names. (name, sex, Tibetan?)
NAMES = [
    *_names(
        "扎西顿珠、尼玛次仁、格桑旺堆、拉巴次仁、平措扎西、洛桑群培、强巴旦增、普布顿珠、巴桑次仁、阿旺罗布", "m", True
    ),
    *_names(
        "索朗多吉、边巴次仁、米玛顿珠、次旦平措、旦增曲扎、贡觉加措、欧珠朗杰、次仁旺堆、土登克珠、桑珠", "m", True
    ),
    *_names(
        "罗布扎西、益西多吉、丹增尼玛、扎西平措、多吉次仁、格桑罗布、尼玛扎西、达瓦顿珠、拉巴顿珠、次仁罗布", "m", True
    ),
    *_names("次仁卓玛、德吉央宗、白玛措姆、索朗旺姆、达瓦卓玛、边巴卓嘎、旦增曲珍、米玛仓决、央金", "f", True),
    *_names("格桑梅朵、拉姆、琼达、普赤、次珍、卓嘎、德央、尼珍、巴桑卓玛", "f", True),
    *_names(
        "王建国、李志强、张伟、刘洋、杨帆、赵磊、孙浩、胡斌、郭晓东、林涛、罗刚、高峰、宋建华、唐明、周建军、蒋文斌",
        "m",
        False,
    ),
    *_names("陈静、黄丽华、吴海燕、马玉兰、何晓梅、梁红、徐丽、谢春花", "f", False),
    ("བཀྲ་ཤིས་དོན་གྲུབ", "m", True),
    ("ཚེ་རིང་སྒྲོལ་མ", "f", True),
    ("བསོད་ནམས་རྒྱལ་པོ", "m", True),
    ("པདྨ་མཚོ་མོ", "f", True),
    ("ཉི་མ་ཚེ་རིང", "m", True),
]
# Birthplaces of those born outside the region (ID number area codes).
OTHER_AREAS = ("510104", "511321", "130104", "620102", "610112", "500101", "410102", "430104")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# key: (organisation, name, audience, kind, operation item, hours)
COURSES = {
    "p_init": ("xizang", "生产经营单位主要负责人安全生产知识和管理能力初次培训", "principal", "initial", "", 32),
    "p_init_hr": (
        "xizang",
        "高危行业主要负责人初次安全培训（矿山、危险化学品、烟花爆竹、金属冶炼）",
        "principal",
        "initial",
        "",
        48,
    ),
    "m_init": ("xizang", "安全生产管理人员初次安全培训", "safety_manager", "initial", "", 32),
    "m_init_hr": (
        "xizang",
        "高危行业安全生产管理人员初次安全培训（矿山、危险化学品、烟花爆竹、金属冶炼）",
        "safety_manager",
        "initial",
        "",
        48,
    ),
    "p_year_hr": ("xizang", "高危行业主要负责人年度安全生产再培训", "principal", "yearly", "", 16),
    "m_year_hr": ("xizang", "高危行业安全生产管理人员年度再培训", "safety_manager", "yearly", "", 16),
    "p_year_lhasa": ("lhasa", "拉萨市生产经营单位主要负责人年度再培训", "principal", "yearly", "", 12),
    "m_year_lhasa": ("lhasa", "拉萨市安全生产管理人员年度再培训", "safety_manager", "yearly", "", 12),
    "p_year_shigatse": ("shigatse", "日喀则市生产经营单位主要负责人年度再培训", "principal", "yearly", "", 12),
    "m_year_shigatse": ("shigatse", "日喀则市安全生产管理人员年度再培训", "safety_manager", "yearly", "", 12),
    "p_year_shannan": ("shannan", "山南市生产经营单位主要负责人年度再培训", "principal", "yearly", "", 12),
    "m_year_shannan": ("shannan", "山南市安全生产管理人员年度再培训", "safety_manager", "yearly", "", 12),
    "w_init_mine": ("xizang", "金属非金属矿山新进作业人员安全培训（三级安全教育）", "worker", "initial", "", 72),
    "w_init": ("lhasa", "新上岗从业人员岗前安全培训", "worker", "initial", "", 24),
    "op_1.2": ("xizang", "低压电工作业安全技术培训", "special_operator", "initial", "1.2", 80),
    "op_2.1": ("xizang", "熔化焊接与热切割作业安全技术培训", "special_operator", "initial", "2.1", 80),
    "op_3.1": ("xizang", "登高架设作业安全技术培训", "special_operator", "initial", "3.1", 64),
    "op_3.2": ("xizang", "高处安装、维护、拆除作业安全技术培训", "special_operator", "initial", "3.2", 64),
    "review_1.2": ("xizang", "低压电工作业复审培训", "special_operator", "review", "1.2", 8),
    "review": ("xizang", "特种作业人员复审培训（通用）", "special_operator", "review", "", 8),
}
# Sessions: (course, when, venue). When: ("last"|"this", month, day, days) in last or this year (this year's pulled
# back to have begun by today), ("ago", days ago, days) or ("ahead", days ahead, days).
SESSIONS = [
    ("p_init", ("last", 4, 14, 4), "xizang"),
    ("p_init", ("this", 5, 12, 4), "xizang"),
    ("p_init", ("ahead", 20, 4), "xizang"),
    ("p_init_hr", ("last", 3, 17, 6), "xizang"),
    ("p_init_hr", ("this", 6, 9, 6), "xizang"),
    ("m_init", ("last", 4, 21, 4), "xizang"),
    ("m_init", ("this", 4, 20, 4), "xizang"),
    ("m_init_hr", ("last", 5, 19, 6), "xizang"),
    ("m_init_hr", ("this", 7, 7, 6), "xizang"),
    ("p_year_hr", ("this", 9, 8, 2), "xizang"),
    ("m_year_hr", ("this", 9, 15, 2), "xizang"),
    ("p_year_lhasa", ("this", 10, 13, 2), "lhasa"),
    ("m_year_lhasa", ("this", 10, 20, 2), "lhasa"),
    ("p_year_shigatse", ("this", 8, 25, 2), "shigatse"),
    ("m_year_shigatse", ("this", 8, 18, 2), "shigatse"),
    ("p_year_shannan", ("this", 6, 23, 2), "shannan"),
    ("m_year_shannan", ("this", 6, 30, 2), "shannan"),
    ("w_init_mine", ("this", 3, 2, 9), "shannan"),
    ("w_init", ("this", 3, 16, 3), "lhasa"),
    ("op_1.2", ("ago", 62, 10), "xizang"),  # the finished exam's candidates
    ("op_1.2", ("ago", 40, 10), "xizang"),  # the coming exam's
    ("op_1.2", ("ahead", 30, 10), "xizang"),
    ("op_2.1", ("ago", 470, 10), "xizang"),
    ("op_3.1", ("ago", 300, 8), "xizang"),
    ("op_3.2", ("ago", 200, 8), "shigatse"),
    ("review_1.2", ("ago", 20, 1), "xizang"),
    ("review", ("ago", 34, 1), "shigatse"),
    ("review", ("ago", 48, 1), "lhasa"),
]

# Principals and safety managers: (place, audience, high-risk employer, profile). Profiles: seasoned (first
# training last year, this year's re-training done), short (8 hours of this year's), none (nothing this year),
# new (first training this year), partial (left the first training early), hr12 (a high-risk unit's manager who
# took the 12-hour course where 16 hours are due).
MANAGERS = [
    ("lhasa", "principal", False, "seasoned"),
    ("lhasa", "principal", True, "seasoned"),
    ("lhasa", "safety_manager", False, "seasoned"),
    ("lhasa", "safety_manager", True, "seasoned"),
    ("lhasa", "principal", False, "short"),
    ("lhasa", "safety_manager", False, "none"),
    ("lhasa", "principal", False, "new"),
    ("lhasa", "safety_manager", True, "hr12"),
    ("lhasa", "safety_manager", False, "partial"),
    ("lhasa", "principal", True, "seasoned"),
    ("shigatse", "principal", False, "seasoned"),
    ("shigatse", "safety_manager", True, "seasoned"),
    ("shigatse", "safety_manager", False, "short"),
    ("shigatse", "principal", False, "new"),
    ("shigatse", "safety_manager", False, "seasoned"),
    ("shigatse", "principal", False, "none"),
    ("shigatse", "safety_manager", True, "new"),
    ("shannan", "principal", False, "seasoned"),
    ("shannan", "safety_manager", False, "seasoned"),
    ("shannan", "principal", True, "hr12"),
    ("shannan", "safety_manager", False, "short"),
    ("shannan", "principal", False, "partial"),
    ("shannan", "safety_manager", True, "seasoned"),
    ("shannan", "principal", True, "new"),
]

# The finished exam's candidates: their places and how they did. Theory: (wrong true/false, wrong single choice,
# wrong multiple choice) on a paper of 30 × 1 + 25 × 2 + 10 × 2 points, or None for the one whose time ran out
# with the true/false and 12 single-choice questions answered; then the practical total.
EXAM_DAYS_AGO = 24
CANDIDATES = [
    ("lhasa", (2, 1, 0), 92),
    ("lhasa", (3, 2, 1), 88),
    ("shigatse", (5, 3, 1), 85),
    ("lhasa", (4, 4, 2), 90),
    ("shannan", (6, 4, 2), 81),
    ("shigatse", (5, 5, 2), 86),
    ("lhasa", (4, 3, 1), 95),
    ("shannan", (8, 6, 3), 84),  # theory 74: fails, and sits the retake in the coming exam
    ("shigatse", (10, 8, 4), 78),
    ("lhasa", (3, 2, 1), 72),  # theory 91, practical 72: fails on the practical part
    ("lhasa", None, 82),  # timed out on the server's clock: theory 54
    ("shannan", (6, 5, 3), 88),  # theory 78: just short
]
RETAKE = 7
COMING = ["lhasa", "lhasa", "shigatse", "shigatse", "shannan"]
RULE_1_2 = [
    {"kind": "judge", "count": 30, "points": "1"},
    {"kind": "single", "count": 25, "points": "2"},
    {"kind": "multiple", "count": 10, "points": "2"},
]
RULE_2_1 = [{"kind": "judge", "count": 16, "points": "2.5"}, {"kind": "single", "count": 20, "points": "3"}]

# Certificates issued before, by scenario: (scenario, item, place, days). See _holder_dates for what days means.
HOLDERS = [
    ("due", "1.2", "shigatse", 12),
    ("due", "1.2", "lhasa", 27),
    ("due", "2.1", "shannan", 41),
    ("due", "6.3", "shigatse", 55),
    ("due", "1.2", "shannan", 68),  # its window opens in a week: valid, and on the 90-day list
    ("due", "3.1", "lhasa", 83),
    ("renewal", "1.2", "lhasa", 33),  # the sixth year: validity ends in 33 days, its review due the day after
    ("renewal", "2.1", "shigatse", 76),
    ("missed", "1.2", "shannan", 25),  # its review fell due 25 days ago and was not taken: void
    ("missed", "3.2", "lhasa", 140),
    ("violations", "1.2", "lhasa", 18),  # reviewed today: two violations this period, void at once
    ("expired", "2.1", "lhasa", 45),
    ("expired", "6.3", "shannan", 400),
    ("suspended", "1.2", "shigatse", 700),
    ("revoked", "2.1", "shannan", 1000),
    ("reinstated", "3.1", "lhasa", 300),
    ("reviewed", "1.2", "shannan", 22),  # reviewed today after 8 hours of review training: passed
    ("long", "1.2", "lhasa", 10),  # 12 years of compliant work: next review in 6 years, the certificate renewed
    ("short_training", "1.2", "shigatse", 30),  # 4 hours of review training: failed, may train and apply again
    ("valid", "2.1", "lhasa", 420),
    ("valid", "2.1", "shigatse", 425),
    ("valid", "3.1", "shannan", 250),
    ("valid", "9.16", "lhasa", 800),
    ("valid", "3.2", "shigatse", 150),
]
SUSPENSION = "作业中未停电、未验电即进行接线，违反操作规程，经执法检查发现，暂扣特种作业操作证，责令接受安全教育"
SUSPENSION_OTHER = "未系挂安全带进行登高作业，暂扣特种作业操作证，责令整改"
REINSTATEMENT = "已完成整改并重新接受安全教育，经考核合格，解除暂扣"
REVOCATION = "违章动火作业引发火灾事故（一人重伤），依法吊销特种作业操作证"


def seed_demo() -> dict:
    counts = dict.fromkeys(
        (
            "trainer accounts",
            "questions",
            "practical tasks",
            "paper rules",
            "courses",
            "sessions",
            "trainees",
            "attendance records",
            "exams",
            "candidates",
            "certificates",
            "reviews",
        ),
        0,
    )
    if Question.objects.filter(division_code=REGION).exists():
        return counts
    with transaction.atomic():
        _Demo(counts).run()
    return counts


class _Demo:
    def __init__(self, counts: dict):
        self.counts = counts
        self.rng = random.Random(SEED)
        # The papers are drawn from random seeds (the service's), so the examinees' slips get their own stream.
        self.slips = random.Random(SEED + 1)
        self.today = timezone.localdate()
        self.trainers = self._trainers()
        self.region = self.trainers["xizang"].organisation
        self.units: dict[str, list[Enterprise]] = {}
        for unit in (
            Enterprise.objects.filter(status="operating", division__code__startswith="54")
            .prefetch_related("categories")
            .order_by("pk")
        ):
            unit.category_set = {c.category for c in unit.categories.all()}
            self.units.setdefault(unit.division_id[:4], []).append(unit)
        self.counties = {
            prefix: list(
                Division.objects.filter(code__startswith=prefix, level="county").values_list("code", flat=True)
            )
            for prefix in PREFIXES.values()
        }
        self.names = list(NAMES)
        self.rng.shuffle(self.names)
        self.id_numbers: set[str] = set()

    def run(self) -> None:
        self._bank()
        self.courses, self.sessions = self._courses()
        self._managers()
        self._workers()
        cohort, coming = self._electricians()
        self._holders()
        self._exams(cohort, coming)

    # --- people ------------------------------------------------------------------------------------------------

    def _trainers(self) -> dict[str, Person]:
        """The trainers the core demo made (<place>-trainer); made here when missing."""
        admin = Person.objects.get(username="admin")
        found = {}
        for place in TRAINER_PLACES:
            username = f"{place}-trainer"
            person = Person.objects.filter(username=username).select_related("organisation").first()
            if person is None:
                bureau = Organisation.objects.get(kind=OrganisationKind.BUREAU, division_id=PLACES[place])
                full_name = f"{bureau.division.name_zh}{ROLE_NAMES_ZH[Role.TRAINER]}（演示）"
                person = demo_person(admin, bureau, username, full_name, Role.TRAINER)
                self.counts["trainer accounts"] += 1
            found[place] = person
        return found

    def _employer(self, place: str, categories: set[str]) -> Enterprise | None:
        pool = self.units.get(PREFIXES[place], [])
        fitting = [u for u in pool if u.category_set & categories] or pool
        return self.rng.choice(fitting) if fitting else None

    def _id_number(self, area: str, sex: str, ages: tuple[int, int]) -> str:
        while True:
            born = self.today - datetime.timedelta(days=self.rng.randint(ages[0] * 365 + 30, ages[1] * 365))
            serial = self.rng.randrange(1, 1000, 2) if sex == "m" else self.rng.randrange(2, 1000, 2)
            body = f"{area}{born:%Y%m%d}{serial:03d}"
            number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
            if number not in self.id_numbers and not Trainee.objects.filter(id_number=number).exists():
                self.id_numbers.add(number)
                return number

    def _register(self, place: str, audience: str, categories: set[str], education: str, ages=(24, 52)):
        name, sex, tibetan = self.names.pop()
        employer = self._employer(place, categories)
        area = self.rng.choice(self.counties[PREFIXES[place]] if tibetan else OTHER_AREAS)
        phone = f"1{self.rng.choice(('39', '38', '89', '80', '36', '59'))}{self.rng.randint(0, 99999999):08d}"
        trainee = services.trainee_register(
            self.trainers[place],
            name=name,
            id_number=self._id_number(area, sex, ages),
            audience=audience,
            education=education,
            employer=employer,
            employer_name="" if employer else FALLBACK_EMPLOYERS[place],
            phone=phone,
        )
        self.counts["trainees"] += 1
        return trainee

    # --- the question bank and paper rules ----------------------------------------------------------------------

    def _bank(self) -> None:
        data = json.loads(BANK_FILE.read_text(encoding="utf-8"))
        trainer = self.trainers["xizang"]
        result = services.questions_import(trainer, data["questions"], preview=False)
        if result["invalid"]:
            raise ValueError([row for row in result["rows"] if not row["ok"]])
        self.counts["questions"] = result["created"]
        self.practical = {}
        for task in data["practical"]:
            question = services.question_create(trainer, task)
            self.practical[task["operation_item"]] = QuestionVersion.objects.get(question=question, number=1)
            self.counts["practical tasks"] += 1
        self.rule = services.paper_rule_create(
            trainer, name="低压电工作业安全技术理论考试", operation_item="1.2", items=RULE_1_2
        )
        services.paper_rule_create(
            trainer, name="熔化焊接与热切割作业安全技术理论考试", operation_item="2.1", items=RULE_2_1
        )
        self.counts["paper rules"] = 2

    # --- courses and hours -------------------------------------------------------------------------------------------

    def _dates(self, when: tuple) -> tuple[datetime.date, datetime.date]:
        if when[0] in ("ago", "ahead"):
            sign = -1 if when[0] == "ago" else 1
            start = self.today + sign * when[1] * DAY
            return start, start + (when[2] - 1) * DAY
        _which, month, day, days = when
        year = self.today.year - (1 if when[0] == "last" else 0)
        start = datetime.date(year, month, day)
        if when[0] == "this":  # begun by today, whatever day the demo is seeded
            start = min(start, max(datetime.date(year, 1, 1), self.today - days * DAY))
        return start, start + (days - 1) * DAY

    def _courses(self):
        courses, sessions = {}, {}
        for key, (place, name, audience, kind, item, hours) in COURSES.items():
            courses[key] = services.course_create(
                self.trainers[place], name=name, audience=audience, kind=kind, hours=hours, operation_item=item
            )
        for key, when, venue in SESSIONS:
            course = courses[key]
            starts, ends = self._dates(when)
            trainer = self._course_trainer(course)
            sessions.setdefault(key, []).append(
                services.session_create(trainer, course, starts_on=starts, ends_on=ends, venue=VENUES[venue])
            )
        self.counts["courses"], self.counts["sessions"] = len(courses), len(SESSIONS)
        return courses, sessions

    def _course_trainer(self, course) -> Person:
        return next(t for t in self.trainers.values() if t.organisation_id == course.organisation_id)

    def _session(self, key: str, when: str | int):
        """The course's session of last year or this year (or the n-th, by index)."""
        found = self.sessions[key]
        if isinstance(when, int):
            return found[when]
        year = self.today.year - (1 if when == "last" else 0)
        return next(s for s in found if s.starts_on.year == year and s.starts_on <= self.today)

    def _attend(self, session, trainee, hours=None) -> None:
        services.attendance_record(self._course_trainer(session.course), session, [(trainee, hours)])
        recorded = timezone.make_aware(datetime.datetime.combine(min(session.ends_on, self.today), datetime.time(18)))
        Attendance.objects.filter(session=session, trainee=trainee).update(recorded_at=min(recorded, timezone.now()))
        self.counts["attendance records"] += 1

    def _managers(self) -> None:
        for place, audience, high_risk, profile in MANAGERS:
            trainee = self._register(
                place, audience, HIGH_RISK if high_risk else LOW_RISK, self.rng.choice(["college", "senior_high"])
            )
            risky = trainee.high_risk
            prefix = "p" if audience == "principal" else "m"
            initial = f"{prefix}_init_hr" if risky else f"{prefix}_init"
            yearly = f"{prefix}_year_hr" if risky else f"{prefix}_year_{place}"
            if profile in ("new", "partial"):
                session = self._session(initial, "this")
                self._attend(session, trainee, session.hours - 8 if profile == "partial" else None)
                continue
            self._attend(self._session(initial, "last"), trainee)
            if profile == "seasoned":
                self._attend(self._session(yearly, "this"), trainee)
            elif profile == "short":
                self._attend(self._session(yearly, "this"), trainee, 8)
            elif profile == "hr12":
                self._attend(self._session(f"{prefix}_year_{place}", "this"), trainee)

    def _workers(self) -> None:
        """New workers of a Shannan mine at its 72-hour three-level training (two left early); two in Lhasa."""
        mine = self._session("w_init_mine", "this")
        for hours in (None, None, None, None, 48, 40):
            trainee = self._register("shannan", "worker", {"metal_nonmetal_mine"}, "junior_middle", (19, 45))
            self._attend(mine, trainee, hours)
        for _ in range(2):
            trainee = self._register("lhasa", "worker", LOW_RISK, "senior_high", (19, 30))
            self._attend(self._session("w_init", "this"), trainee)

    def _electricians(self):
        """The finished exam's candidates and the coming exam's, each through the 80-hour course."""
        cohort, coming = [], []
        for place, _theory, _practical in CANDIDATES:
            trainee = self._register(place, "special_operator", TRADES["1.2"], "junior_middle", (20, 45))
            self._attend(self._session("op_1.2", 0), trainee)
            cohort.append(trainee)
        for place in COMING:
            trainee = self._register(place, "special_operator", TRADES["1.2"], "senior_high", (20, 40))
            self._attend(self._session("op_1.2", 1), trainee)
            coming.append(trainee)
        return cohort, coming

    # --- certificates issued before ------------------------------------------------------------------------------

    def _numbers(self, days: list[datetime.date]) -> list[str]:
        """Numbers for certificates issued on these days: T54, the year, a sequence running on in the order of
        issue (only some of each year's certificates are in the demo, so the demo's have gaps)."""
        last: dict[int, int] = {}
        numbers = {}
        for index in sorted(range(len(days)), key=lambda i: days[i]):
            year = days[index].year
            last[year] = last.get(year, self.rng.randint(40, 200)) + self.rng.randint(3, 40)
            numbers[index] = f"T{REGION[:2]}{year}{last[year]:06d}"
        return [numbers[i] for i in range(len(days))]

    def _holder_dates(self, scenario: str, days: int) -> dict:
        """Dates consistent with the rules for a certificate of the scenario, `days` relative to today: the days
        since issue (valid, suspended, revoked, reinstated), the days until the review is due (due, violations,
        reviewed, long, short_training), until validity ends (renewal), since the review fell due (missed), since
        validity ended (expired)."""
        today, add = self.today, rules.add_years
        reviews = []
        if scenario in ("valid", "suspended", "revoked", "reinstated"):
            issued = today - days * DAY
            due = add(issued, 3)
        elif scenario in ("due", "violations", "reviewed", "short_training", "missed"):
            due = today + (days if scenario != "missed" else -days) * DAY
            issued = add(due, -3)
        elif scenario in ("renewal", "expired"):
            until = today + (days if scenario == "renewal" else -days) * DAY
            issued = add(until + DAY, -6)
            due = add(issued, 6)
            reviews.append((add(issued, 3), add(issued, 3) - 25 * DAY, due, until))
        elif scenario == "long":
            due = today + days * DAY
            issued = add(due, -6)  # renewed at its sixth year, first issued six years before that
            until = rules.certificate_valid_until(issued)
            reviews.append((add(due, -9), add(due, -9) - 30 * DAY, add(due, -6), add(due, -6) - DAY))
            reviews.append((add(due, -6), add(due, -6) - 20 * DAY, add(due, -3), until))  # renewed
            reviews.append((add(due, -3), add(due, -3) - 12 * DAY, due, until))
            return {"issued": issued, "first": add(due, -12), "due": due, "reviews": reviews}
        else:
            raise ValueError(scenario)
        return {"issued": issued, "first": issued, "due": due, "reviews": reviews}

    def _certificate(self, trainee, item: str, number: str, dates: dict) -> Certificate:
        trainer = self.trainers["xizang"]
        reviews = dates["reviews"]
        certificate = Certificate.objects.create(
            number=number,
            trainee=trainee,
            category=rules.item_codes()[item],
            operation_item=item,
            issued_on=dates["issued"],
            first_issued_on=dates["first"],
            valid_until=rules.certificate_valid_until(dates["issued"]),
            last_review_on=reviews[-1][1] if reviews else None,
            next_review_due=dates["due"],
            organisation=self.region,
            division_code=trainee.division_code,
        )
        for due_on, reviewed_on, next_due, until in reviews:
            CertificateReview.objects.create(
                certificate=certificate,
                due_on=due_on,
                reviewed_on=reviewed_on,
                training_hours=Decimal(8),
                outcome=ReviewOutcome.PASSED,
                next_review_due=next_due,
                valid_until=until,
                reviewer=trainer,
                organisation=self.region,
            )
        audit_record(
            actor=trainer,
            action=AuditAction.CREATE,
            instance=certificate,
            object_repr=f"{certificate.number} {trainee.name}",
            after={
                "number": certificate.number,
                "trainee": str(trainee.pk),
                "item": item,
                "issued_on": certificate.issued_on,
                "source": "demo history",
            },
            division_code=certificate.division_code,
            organisation_id=self.region.pk,
        )
        self.counts["certificates"] += 1
        self.counts["reviews"] += len(reviews)
        return certificate

    def _holders(self) -> None:
        plans = [self._holder_dates(scenario, days) for scenario, _item, _place, days in HOLDERS]
        numbers = self._numbers([dates["issued"] for dates in plans])
        for (scenario, item, place, _days), dates, number in zip(HOLDERS, plans, numbers, strict=True):
            education = "senior_high" if item.startswith("9.") else self.rng.choice(["junior_middle", "senior_high"])
            ages = (40, 55) if scenario == "long" else (27, 52)
            trainee = self._register(place, "special_operator", TRADES[item], education, ages)
            initial = self.sessions.get(f"op_{item}")
            if scenario == "valid" and initial and initial[0].ends_on < dates["issued"]:
                self._attend(initial[0], trainee)  # trained, examined, then certified
            certificate = self._certificate(trainee, item, number, dates)
            local = self.trainers[place]  # the bureau of the holder's place of work
            if scenario == "violations":
                self._review(local, certificate, violations=2)
            elif scenario == "reviewed":
                self._attend(self._session("review_1.2", 0), trainee)
                self._review(local, certificate)
            elif scenario == "long":
                self._attend(self._session("review", 1), trainee)
                self._review(local, certificate, long_compliant=True)
            elif scenario == "short_training":
                self._attend(self._session("review", 0), trainee, 4)
                self._review(local, certificate)
            elif scenario == "suspended":
                certificates.certificate_suspend(local, certificate, SUSPENSION)
            elif scenario == "reinstated":
                certificates.certificate_suspend(local, certificate, SUSPENSION_OTHER)
                certificates.certificate_reinstate(local, certificate, REINSTATEMENT)
            elif scenario == "revoked":
                certificates.certificate_revoke(local, certificate, REVOCATION)

    def _review(self, trainer, certificate, **found) -> None:
        certificates.review_record(trainer, certificate, **found)
        self.counts["reviews"] += 1

    # --- exams ---------------------------------------------------------------------------------------------------

    def _exams(self, cohort: list, coming: list) -> None:
        trainer = self.trainers["xizang"]
        day = self.today - EXAM_DAYS_AGO * DAY
        exam = self._exam(day)
        admitted = [exams.candidate_admit(trainer, exam, trainee) for trainee in cohort]
        # attempt_start keeps to the server's clock and the exam's window: the window is opened around now with
        # .update() while the examinees sit through the examinee services, then moved back to the morning it stands
        # for, each attempt with it (demo data; the audit entries keep the moment they were really written).
        now = timezone.now()
        ExamSession.objects.filter(pk=exam.pk).update(
            starts_at=now - datetime.timedelta(minutes=30), ends_at=now + datetime.timedelta(minutes=150)
        )
        exam.refresh_from_db()
        candidates = []
        for (candidate, code), (_place, theory, practical) in zip(admitted, CANDIDATES, strict=True):
            exams.token_issue(candidate.ticket, code)
            attempt, _new = exams.attempt_start(candidate)
            self._answer(attempt, theory)
            if theory is None:
                Attempt.objects.filter(pk=attempt.pk).update(ends_at=timezone.now() - datetime.timedelta(seconds=1))
                exams.close_if_over(Attempt.objects.get(pk=attempt.pk), timezone.now())
            else:
                exams.attempt_submit(attempt)
            candidate.refresh_from_db()
            candidates.append(exams.practical_score(trainer, candidate, self._sheet(practical)))
        self._move(exam, day)
        for candidate in Candidate.objects.filter(pk__in=[c.pk for c in candidates], result="pass").order_by("pk"):
            exams.certificate_issue(trainer, candidate)
            self.counts["certificates"] += 1

        # The next sitting, in five days: new candidates and the one retake.
        upcoming = self._exam(self.today + 5 * DAY)
        for trainee in [*coming, cohort[RETAKE]]:
            exams.candidate_admit(trainer, upcoming, trainee)
        self.counts["exams"] = 2
        self.counts["candidates"] = len(cohort) + len(coming) + 1

    def _exam(self, day: datetime.date) -> ExamSession:
        """A low-voltage electrician exam at the regional exam centre, 09:00 to 12:00 of `day`."""
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        return exams.exam_create(
            self.trainers["xizang"],
            name=f"低压电工作业考试（{day.year}年{day.month}月{day.day}日·拉萨考点）",
            paper_rule=self.rule,
            venue=EXAM_VENUE,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            proctors=[self.trainers["xizang"], self.trainers["lhasa"]],
            practical=self.practical["1.2"],
        )

    def _answer(self, attempt: Attempt, theory: tuple | None) -> None:
        """Answer the paper: right, except `theory` wrong answers of each kind (None: the true/false questions and
        12 single-choice ones, right, and no more)."""
        versions = QuestionVersion.objects.in_bulk([line["version"] for line in attempt.paper])
        by_kind: dict[str, list[int]] = {}
        for line in attempt.paper:
            by_kind.setdefault(line["kind"], []).append(line["question"])
        wrong: set[int] = set()
        answered = {line["question"] for line in attempt.paper}
        if theory is None:
            answered = set(by_kind["judge"]) | set(by_kind["single"][:12])
        else:
            for kind, count in zip(("judge", "single", "multiple"), theory, strict=True):
                wrong.update(self.slips.sample(sorted(by_kind[kind]), count))
        seq = 0
        for line in attempt.paper:
            if line["question"] not in answered:
                continue
            right = sorted(line["order"].index(a) for a in versions[line["version"]].answer)
            given = right
            if line["question"] in wrong:
                others = [p for p in range(len(line["order"])) if p not in right]
                if line["kind"] == "multiple" and (len(right) > 2 or not others or self.slips.random() < 0.5):
                    given = right[:-1]  # one right option missed
                else:
                    given = [self.slips.choice(others)] if line["kind"] != "multiple" else [*right, others[0]]
            seq += 1
            exams.answer_save(attempt.candidate_id, attempt.pk, line["question"], sorted(given), seq)

    def _sheet(self, total: int) -> dict:
        """Scores on the practical sheet adding up to `total`, in half points, spread by each criterion's weight."""
        sheet = self.practical["1.2"].sheet
        scores = {}
        for criterion in sheet:
            maximum = Decimal(str(criterion["max"]))
            scores[criterion["key"]] = (maximum * total / 100 * 2).to_integral_value(ROUND_FLOOR) / 2
        left = Decimal(total) - sum(scores.values())
        for criterion in sheet:
            extra = min(left, Decimal(str(criterion["max"])) - scores[criterion["key"]])
            scores[criterion["key"]] += extra
            left -= extra
        return scores

    def _move(self, exam: ExamSession, day: datetime.date) -> None:
        """Move the exam just sat back to 09:00-12:00 of `day`, each attempt to a plausible start and finish."""
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        ends = starts + datetime.timedelta(hours=3)
        ExamSession.objects.filter(pk=exam.pk).update(
            starts_at=starts, ends_at=ends, created_at=starts - datetime.timedelta(days=21)
        )
        Candidate.objects.filter(exam=exam).update(created_at=starts - datetime.timedelta(days=14))
        minutes = self.rule.duration_minutes
        for attempt in Attempt.objects.filter(candidate__exam=exam).order_by("candidate__pk"):
            began = starts + datetime.timedelta(minutes=self.rng.randint(1, 9), seconds=self.rng.randint(0, 59))
            until = min(began + datetime.timedelta(minutes=minutes), ends)
            finished = until if attempt.timed_out else began + datetime.timedelta(minutes=self.rng.randint(48, 112))
            answers = list(attempt.answers.order_by("seq"))
            for n, answer in enumerate(answers, start=1):
                answer.saved_at = began + (finished - began) * n / (len(answers) + 1)
            Answer.objects.bulk_update(answers, ["saved_at"])
            Attempt.objects.filter(pk=attempt.pk).update(started_at=began, ends_at=until, submitted_at=finished)
            ExamToken.objects.filter(candidate_id=attempt.candidate_id).update(
                created_at=began - datetime.timedelta(minutes=3),
                expires_at=ends + datetime.timedelta(hours=exams.TOKEN_HOURS),
            )
