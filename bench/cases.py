"""make bench: penalty cases on PostgreSQL at the size of a region's six years.

Builds its own database (`<db>_bench_cases`, recreated each run), generates BENCH_CASES penalty cases (default
500,000; or the first argument) over the 74 counties of Tibet from 2021 to today, each told step by step up to
today (every stage, fines, payments, disclosures; `next_due` derived by the platform's own rules), loads them with
COPY, and times:
1. a prefecture bureau's (Lhasa's) "due this week" and "overdue" lists: the count and the first page of 50,
   through selectors.filter_cases and as the same query written by hand for psycopg;
2. the quarterly register of the last complete quarter, region-wide: register.write_register against a plain
   openpyxl write-only workbook of the same rows read by a raw SQL query;
and reports milliseconds or seconds (median of BENCH_RUNS / BENCH_REGISTER_RUNS runs), rows per second, the peak
Python memory of one export (tracemalloc) and the ratios. BENCH_EXPLAIN=1 also prints the plans.
"""

import datetime as dt
import io
import math
import os
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CASES = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_CASES", "500000"))
UNITS = int(os.environ.get("BENCH_CASE_UNITS", str(max(1000, CASES // 10))))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
REGISTER_RUNS = int(os.environ.get("BENCH_REGISTER_RUNS", "3"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") not in ("", "0")
FIRST_DAY = dt.date(2021, 1, 1)

HAND_DUE_WHERE = {
    "week": "c.division_code LIKE %(prefix)s AND c.next_due >= %(today)s AND c.next_due < %(week_end)s",
    "overdue": "c.division_code LIKE %(prefix)s AND c.next_due < %(today)s",
}
HAND_DUE_PAGE = """
SELECT c.id, c.number, c.party_name, c.summary, c.state, c.next_due, c.next_due_kind, e.name, o.name_zh
FROM enforcement_case c
JOIN enterprises_enterprise e ON e.id = c.enterprise_id
JOIN core_organisation o ON o.id = c.organisation_id
WHERE {where}
ORDER BY c.next_due, c.created_at LIMIT 50
"""
HAND_DUE_COUNT = "SELECT count(*) FROM enforcement_case c WHERE {where}"
HAND_REGISTER = """
SELECT c.number, c.filed_on, c.party_kind, c.party_name, c.party_id_number, e.credit_code, c.division_code,
       c.summary, c.procedure, c.penalty_text, c.fine, c.paid, c.decided_on, c.served_on, c.paid_on, c.state,
       c.outcome, c.decision_status, c.closed_on, c.disclosed_on
FROM enforcement_case c JOIN enterprises_enterprise e ON e.id = c.enterprise_id
WHERE c.division_code LIKE %(prefix)s
  AND (c.filed_on >= %(start)s AND c.filed_on < %(end)s
       OR c.decided_on >= %(start)s AND c.decided_on < %(end)s
       OR c.closed_on >= %(start)s AND c.closed_on < %(end)s)
ORDER BY c.filed_on, c.decided_on, c.created_at
"""

COLUMNS = (
    "id", "organisation_id", "division_code", "enterprise_id", "number", "procedure", "party_kind", "party_name",
    "party_id_number", "party_address", "summary", "act_date", "state", "outcome", "decision_status",
    "hearing_eligible", "fine", "paid", "penalty_text", "filed_on", "extended", "notice_served_on",
    "hearing_requested_on", "hearing_date", "discussed", "decided_on", "served_on", "paid_on", "disclosure_due",
    "disclosed_on", "closed_on", "next_due", "next_due_kind", "last_step_at", "created_by_id", "created_at",
)  # fmt: skip
CAUSES = (
    "未按规定对从业人员进行安全生产教育和培训",
    "未如实记录安全生产教育和培训情况",
    "未在有较大危险因素的场所设置明显的安全警示标志",
    "未对重大危险源登记建档并进行定期检测、评估、监控",
    "特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业",
    "未采取措施消除事故隐患",
    "未建立事故隐患排查治理制度",
    "未为从业人员提供符合国家标准或者行业标准的劳动防护用品",
    "生产经营场所的疏散通道、安全出口不符合紧急疏散要求",
    "未按照规定制定生产安全事故应急救援预案或者未定期组织演练",
    "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准",
    "未按照规定设置安全生产管理机构或者配备安全生产管理人员",
)
NAMES = ("扎西", "次仁", "卓玛", "平措", "央金", "多吉", "拉姆", "格桑", "德吉", "索朗", "王建国", "李明", "张伟")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DAY = dt.timedelta(days=1)


def cases_database_url() -> str:
    """The bench's own database beside DATABASE_URL's: dropped and created afresh."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian")
    config = dj_database_url.parse(url)
    name = config["NAME"] + "_bench_cases"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} user={config['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def timed(platform, hand, runs: int, warm: bool = True) -> tuple[float, float]:
    """Median seconds of each; the runs alternate, so that whatever else the machine does falls on both."""
    if warm:
        platform()
        hand()
    samples = ([], [])
    for _ in range(runs):
        for function, times in zip((platform, hand), samples, strict=True):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return statistics.median(samples[0]), statistics.median(samples[1])


def traced_peak_mib(function) -> float:
    """The peak of Python's heap above its level at the start, in MiB, while `function` runs."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        function()
        return (tracemalloc.get_traced_memory()[1] - base) / 2**20
    finally:
        tracemalloc.stop()


# ------------------------------------------------------------------ data
def make_units(cursor) -> list[tuple[int, str, str]]:
    cursor.execute("SELECT code FROM core_division WHERE level = 'county' AND code LIKE '54%%' ORDER BY code")
    counties = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """
        INSERT INTO enterprises_enterprise (name, credit_code, legal_representative, address, division_id, industry,
            employees, standardisation_grade, status, created_at, updated_at)
        SELECT '单位' || g || '有限公司', '91' || lpad(g::text, 16, '0'), '扎西', '', (%(counties)s::text[])[1 + g %% %(n)s],
               'C3021', g %% 500, '', 'operating', now(), now()
        FROM generate_series(1, %(units)s) g
        """,
        {"counties": counties, "n": len(counties), "units": UNITS},
    )
    cursor.execute("SELECT id, division_id, name FROM enterprises_enterprise ORDER BY id")
    return cursor.fetchall()


def make_bureaus() -> dict[str, tuple[int, int]]:
    """A bureau in every division of Tibet and one officer in each: division code → (organisation, officer)."""
    from anjian.core.models import Division, Organisation, OrganisationKind, Person

    have = set(Organisation.objects.filter(kind=OrganisationKind.BUREAU).values_list("division_id", flat=True))
    Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.BUREAU, name_zh=f"{d.name_zh}应急管理局", division_id=d.code)
        for d in Division.objects.filter(code__startswith="54").exclude(code__in=have)
    )
    bureaus = Organisation.objects.filter(kind=OrganisationKind.BUREAU, division__code__startswith="54")
    Person.objects.bulk_create(
        Person(username=f"officer-{o.division_id}", full_name=f"执法人员{o.division_id}", organisation=o, password="!")
        for o in bureaus
    )
    officers = dict(Person.objects.filter(username__startswith="officer-").values_list("organisation_id", "pk"))
    return {o.division_id: (o.pk, officers[o.pk]) for o in bureaus}


def id_number(rng: random.Random, county: str) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
    body = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def working_days_after(day: dt.date, n: int) -> dt.date:
    """Monday to Friday only: the bench holds no holiday calendar."""
    from anjian.core import rules as core_rules

    return core_rules.add_working_days(day, n, {}, range(day.year, day.year + 2))


def days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


class CaseStory:
    """The steps a case will take, planned in advance; `row` plays those whose day has come."""

    def __init__(self, rng, fields: dict):
        self.rng = rng
        self.fields = fields
        self.steps = []

    def step(self, day: dt.date, state: str | None = None, **fields) -> dt.date:
        if state:
            fields["state"] = state
        self.steps.append((day, len(self.steps), fields))
        return day

    def row(self, today: dt.date, zone) -> tuple:
        from anjian.enforcement import rules

        case = dict(self.fields)
        last = None
        for day, _order, fields in sorted(self.steps, key=lambda s: s[:2]):
            if day > today:
                break
            case.update(fields)
            last = day
        version = rules.penalty_rules_on(case["filed_on"] or case["decided_on"] or case["act_date"])
        facts = rules.CaseDates(**{name: case[name] for name in rules.CaseDates.__dataclass_fields__})
        due = rules.next_due(rules.case_deadlines(facts, version), closed=case["state"] == "closed")
        case["next_due"], case["next_due_kind"] = (due.due, due.kind) if due else (None, "")
        opened_at = dt.time(9, self.rng.randrange(60), self.rng.randrange(60), tzinfo=zone)
        case["created_at"] = dt.datetime.combine(case["created_at"], opened_at)
        case["last_step_at"] = dt.datetime.combine(last, dt.time(10 + self.rng.randrange(8), tzinfo=zone))
        return tuple(case[name] for name in COLUMNS)


class CaseMaker:
    """Pseudo-random but repeatable cases: more each year (enforcement grows), every stage, some late."""

    def __init__(self, today: dt.date, units, bureaus, zone):
        self.rng = random.Random(2026)
        self.today, self.units, self.bureaus, self.zone = today, units, bureaus, zone
        self.span = (today - FIRST_DAY).days
        self.serials = Counter()

    def number(self, office: str, kind: str, day: dt.date) -> str:
        from anjian.enforcement import rules

        self.serials[office, kind, day.year] += 1
        return rules.document_number(office, kind, day.year, self.serials[office, kind, day.year])

    def rows(self, count: int):
        for _ in range(count):
            yield self.case().row(self.today, self.zone)

    def case(self) -> CaseStory:
        rng = self.rng
        unit, county, unit_name = self.units[rng.randrange(len(self.units))]
        r = rng.random()
        office = county if r < 0.75 else county[:4] + "00" if r < 0.95 else "540000"
        organisation, officer = self.bureaus[office]
        # the density of opening days grows fourfold from 2021 to today
        opened = FIRST_DAY + dt.timedelta(days=int(self.span * (math.sqrt(1 + 15 * rng.random()) - 1) / 3))
        individual = rng.random() < 0.15
        story = CaseStory(rng, {
            "id": uuid.UUID(int=rng.getrandbits(128), version=4), "organisation_id": organisation,
            "division_code": county, "enterprise_id": unit, "number": "", "procedure": "general",
            "party_kind": "individual" if individual else "unit",
            "party_name": rng.choice(NAMES) + rng.choice(NAMES) if individual else unit_name,
            "party_id_number": id_number(rng, county) if individual else "",
            "party_address": f"{county}某乡某村" if individual else "", "summary": rng.choice(CAUSES),
            "act_date": opened - days(rng, 0, 20), "state": "filing", "outcome": "", "decision_status": "",
            "hearing_eligible": False, "fine": Decimal(0), "paid": Decimal(0), "penalty_text": "",
            "filed_on": None, "extended": False, "notice_served_on": None, "hearing_requested_on": None,
            "hearing_date": None, "discussed": False, "decided_on": None, "served_on": None, "paid_on": None,
            "disclosure_due": None, "disclosed_on": None, "closed_on": None, "created_by_id": officer,
            "created_at": opened,
        })  # fmt: skip
        if rng.random() < 0.15:
            self.on_the_spot(story, office, opened)
        else:
            self.general(story, office, opened)
        return story

    def on_the_spot(self, story: CaseStory, office: str, day: dt.date) -> None:
        from anjian.enforcement import rules

        rng = self.rng
        party = story.fields["party_kind"]
        limit = rules.penalty_rules_on(day).simple_limit[party]
        fine = Decimal(0) if rng.random() < 0.2 else min(limit, Decimal(rng.choice((50, 100, 200, 500, 1000, 2000))))
        story.fields.update(procedure="simple", act_date=day)
        story.step(
            day, "served" if fine else "closed", outcome="penalty", decision_status="in_force", fine=fine,
            penalty_text=f"罚款 {fine:,.2f}" if fine else "警告", decided_on=day, served_on=day,
            closed_on=None if fine else day, number=self.number(office, "onspot_decision", day),
        )  # fmt: skip
        if fine:
            self.payment(story, day, fine)

    def general(self, story: CaseStory, office: str, opened: dt.date) -> None:
        from anjian.enforcement import rules

        rng = self.rng
        story.step(opened, "filing")
        filed = opened + days(rng, 1, 7)
        if rng.random() < 0.03:
            story.step(filed, "closed", outcome="not_filed", closed_on=filed)
            return
        story.step(filed, "investigating", filed_on=filed, number=self.number(office, "case_filing", filed))
        version = rules.penalty_rules_on(filed)
        r = rng.random()
        submitted = filed + (days(rng, 15, 60) if r < 0.8 else days(rng, 60, 100) if r < 0.95 else days(rng, 100, 220))
        story.step(submitted, "reviewing")
        reviewed = submitted + days(rng, 2, 10)
        r = rng.random()
        if r < 0.08:
            story.step(reviewed, "reviewed")
            outcome = "transferred" if r < 0.02 else "no_penalty_minor" if r < 0.06 else "no_penalty_unfounded"
            story.step(closed := reviewed + days(rng, 2, 10), "closed", outcome=outcome, closed_on=closed)
            return
        party = story.fields["party_kind"]
        amounts = (5000, 10000, 20000, 30000, 50000, 100000, 200000) if party == "unit" else (1000, 2000, 5000, 10000)
        penalties = [rules.ProposedPenalty("fine", Decimal(rng.choice(amounts)))]
        if party == "unit" and rng.random() < 0.05:
            penalties.append(rules.ProposedPenalty("suspension"))
        fine = rules.fine_total(penalties)
        eligible = rules.hearing_eligible(penalties, party, rules.large_fine_threshold("54", party), version)
        text = f"罚款 {fine:,.2f}" + ("; 责令停产停业整顿" if len(penalties) > 1 else "")
        story.step(reviewed, "reviewed", fine=fine, hearing_eligible=eligible, penalty_text=text)
        notified = story.step(reviewed + days(rng, 1, 5), "notified")
        told = notified + days(rng, 1, 7)
        story.step(told, "notice_served", notice_served_on=told)
        ready = told + dt.timedelta(days=version.hearing_request_days)  # the decision waits for the window
        if eligible and rng.random() < 0.3:
            asked = told + days(rng, 1, version.hearing_request_days)
            story.step(asked, "hearing_requested", hearing_requested_on=asked)
            scheduled = asked + days(rng, 1, 5)
            ready = scheduled + days(rng, version.hearing_notice_days, 20)
            story.step(scheduled, "hearing_scheduled", hearing_date=ready)
            story.step(ready, "heard")
        if eligible:
            ready = story.step(ready + days(rng, 1, 3), discussed=True)
        decided = ready + days(rng, 1, 12)
        decision_due = filed + dt.timedelta(days=version.decision_days)
        if decided > decision_due and rng.random() < 0.85:
            story.step(decision_due - days(rng, 1, 10), extended=True)
        disclosure_due = None
        if version.disclosure_working_days is not None:
            disclosure_due = working_days_after(decided, version.disclosure_working_days)
        story.step(decided, "decided", outcome="penalty", decision_status="in_force", decided_on=decided,
                   disclosure_due=disclosure_due)  # fmt: skip
        if disclosure_due is not None:
            r = rng.random()  # most in time, some late, a few never
            disclosed = (
                decided + days(rng, 0, (disclosure_due - decided).days)
                if r < 0.88
                else disclosure_due + days(rng, 1, 40)
            )
            if r < 0.95:
                story.step(disclosed, disclosed_on=disclosed)
        if rng.random() < 0.005:
            story.step(revoked := decided + days(rng, 10, 60), "closed", decision_status="revoked", closed_on=revoked)
            return
        served = decided + (days(rng, 1, 7) if rng.random() < 0.92 else days(rng, 8, 20))
        story.step(served, "served", served_on=served)
        if rng.random() < 0.015:
            fine = (fine / 2).quantize(Decimal("0.01"))
            story.step(served + days(rng, 1, 5), decision_status="changed", fine=fine, penalty_text=f"罚款 {fine:,.2f}")
        self.payment(story, served, fine)

    def payment(self, story: CaseStory, served: dt.date, fine: Decimal) -> None:
        """Most pay in time; some late, with the surcharge; some not at all, and enforcement is applied for."""
        from anjian.enforcement import rules

        rng = self.rng
        version = rules.penalty_rules_on(served)
        due = served + dt.timedelta(days=version.payment_days)
        r = rng.random()
        if r < 0.92:
            paid_on = served + (days(rng, 0, version.payment_days) if r < 0.82 else days(rng, 16, 60))
            paid = fine + rules.surcharge(fine, due, paid_on, version)
            story.step(paid_on, "paid", paid=paid, paid_on=paid_on)
        else:
            enforced = story.step(served + days(rng, 40, 90), "enforcement")
            if r < 0.96:
                return  # still owed
            paid_on = enforced + days(rng, 30, 200)
            story.step(paid_on, paid=fine + rules.surcharge(fine, due, paid_on, version), paid_on=paid_on)
        closed = paid_on + days(rng, 5, 40)
        story.step(closed, "closed", closed_on=closed)


def generate(connection, today: dt.date, zone) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        units = make_units(cursor)
    bureaus = make_bureaus()
    maker = CaseMaker(today, units, bureaus, zone)
    copy_sql = f"COPY enforcement_case ({', '.join(COLUMNS)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in maker.rows(CASES):
            copy.write_row(row)
    with connection.cursor() as cursor:  # as autovacuum leaves a table in production: analysed, visibility map set
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    print(f"generated {UNITS} units and {CASES} cases (COPY) in {time.perf_counter() - started:.0f} s")


def describe(connection, today: dt.date, start: dt.date, end: dt.date) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE division_code LIKE '5401%%'),
                   count(*) FILTER (WHERE division_code LIKE '5401%%' AND next_due >= %(today)s
                                    AND next_due < %(today)s + 7),
                   count(*) FILTER (WHERE division_code LIKE '5401%%' AND next_due < %(today)s),
                   count(*) FILTER (WHERE next_due IS NULL),
                   count(*) FILTER (WHERE filed_on >= %(start)s AND filed_on < %(end)s
                                    OR decided_on >= %(start)s AND decided_on < %(end)s
                                    OR closed_on >= %(start)s AND closed_on < %(end)s)
            FROM enforcement_case
            """,
            {"today": today, "start": start, "end": end},
        )
        total, lhasa, week, overdue, no_due, quarter = cursor.fetchone()
        cursor.execute("SELECT state, count(*) FROM enforcement_case GROUP BY state ORDER BY count(*) DESC")
        states = ", ".join(f"{state} {n}" for state, n in cursor.fetchall())
        cursor.execute(
            "SELECT extract(year FROM created_at)::int, count(*) FROM enforcement_case GROUP BY 1 ORDER BY 1"
        )
        years = ", ".join(f"{year} {n}" for year, n in cursor.fetchall())
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'enforcement_case' ORDER BY 1")
        indexes = ", ".join(row[0] for row in cursor.fetchall())
    print(f"cases: {total}; in Lhasa {lhasa} (due this week {week}, overdue {overdue}); no next_due {no_due}")
    print(f"  by year opened: {years}")
    print(f"  by state: {states}")
    print(f"  region-wide register {start:%Y-%m-%d}..{end - DAY:%Y-%m-%d}: {quarter} cases")
    print(f"  indexes: {indexes}")


def last_complete_quarter(today: dt.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3  # the current one's number minus one
    return (today.year, quarter) if quarter else (today.year - 1, 4)


# ------------------------------------------------------------------ bench
def main() -> None:
    os.environ["DATABASE_URL"] = cases_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from anjian.core.services import bootstrap_administrator, division_load_file
    from anjian.enforcement import register, rules, selectors

    call_command("migrate", verbosity=0)
    division_load_file()
    region = bootstrap_administrator(
        division="540000", bureau_name="西藏自治区应急管理厅", username="bench-region",
        full_name="bench", password="Bench-Password-2026",
    )  # fmt: skip
    lhasa = bootstrap_administrator(
        division="540100", bureau_name="拉萨市应急管理局", username="bench-lhasa",
        full_name="bench", password="Bench-Password-2026",
    )  # fmt: skip
    today = timezone.localdate()
    year, quarter = last_complete_quarter(today)
    start, end = rules.period_bounds(year, quarter)
    generate(connection, today, timezone.get_current_timezone())
    describe(connection, today, start, end)
    hand = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

    # 1. the due lists of the Lhasa bureau
    params = {"prefix": "5401%", "today": today, "week_end": today + dt.timedelta(days=7)}
    for due in ("week", "overdue"):

        def platform(due=due):
            qs = selectors.filter_cases(selectors.cases_visible_to(lhasa), due=due)
            return qs.count(), list(qs[:50])

        def by_hand(due=due):
            where = HAND_DUE_WHERE[due]
            count = hand.execute(HAND_DUE_COUNT.format(where=where), params).fetchone()[0]
            return count, hand.execute(HAND_DUE_PAGE.format(where=where), params).fetchall()

        (count, page), (hand_count, hand_page) = platform(), by_hand()
        assert count == hand_count, (count, hand_count)
        assert [c.next_due for c in page] == [row[5] for row in hand_page]
        if EXPLAIN:
            qs = selectors.filter_cases(selectors.cases_visible_to(lhasa), due=due)
            print(qs[:50].explain(analyze=True, buffers=True))
            for sql in (HAND_DUE_COUNT, HAND_DUE_PAGE):
                plan = hand.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql.format(where=HAND_DUE_WHERE[due]), params)
                print("\n".join(row[0] for row in plan))
        a, b = timed(platform, by_hand, RUNS)
        print(
            f"Lhasa's due list, due={due} ({count} cases; count and first 50): "
            f"platform {a * 1000:.1f} ms, hand-written SQL {b * 1000:.1f} ms, ratio {a / b:.2f}"
        )

    # 2. the quarterly register, region-wide
    title = f"行政处罚案件 {year}Q{quarter}"
    written = {}

    def platform_register():
        stream = io.BytesIO()
        qs = selectors.cases_in_period(selectors.cases_visible_to(region), start, end)
        written["platform"] = (register.write_register(qs, stream, title), stream.getbuffer().nbytes)

    def hand_register():
        from openpyxl import Workbook

        stream = io.BytesIO()
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=title)
        sheet.append(register.headers())
        count = 0
        with hand.transaction(), hand.cursor(name="register") as cursor:
            cursor.itersize = 5000
            cursor.execute(HAND_REGISTER, {"prefix": "54%", "start": start, "end": end})
            for row in cursor:
                sheet.append(row)
                count += 1
        book.save(stream)
        written["hand"] = (count, stream.getbuffer().nbytes)

    memory = {"platform": traced_peak_mib(platform_register), "hand": traced_peak_mib(hand_register)}
    assert written["platform"][0] == written["hand"][0], written
    if EXPLAIN:
        qs = selectors.cases_in_period(selectors.cases_visible_to(region), start, end)
        print(qs.values_list(*register.FIELDS).explain(analyze=True, buffers=True))
    rows = written["platform"][0]
    a, b = timed(platform_register, hand_register, REGISTER_RUNS, warm=False)  # the traced runs warmed up
    print(f"register {year}Q{quarter}, region-wide ({rows} rows, median of {REGISTER_RUNS}):")
    print(
        f"  platform: {a:.2f} s, {rows / a:,.0f} rows/s, peak Python memory {memory['platform']:.1f} MiB, "
        f"{written['platform'][1] / 1e6:.1f} MB xlsx"
    )
    print(
        f"  plain openpyxl from raw SQL: {b:.2f} s, {rows / b:,.0f} rows/s, "
        f"peak Python memory {memory['hand']:.1f} MiB, {written['hand'][1] / 1e6:.1f} MB xlsx"
    )
    print(f"  ratio platform/plain: time {a / b:.2f}, memory {memory['platform'] / memory['hand']:.2f}")
    hand.close()


if __name__ == "__main__":
    main()
