"""make bench: the aid dashboards and the annual aid report on PostgreSQL at the size of six years of a region's aid.

Builds its own database (`<db>_bench_aid`, recreated each run; `migrate` first, so the roles exist), loads the
division list, and in it: the region's bureau (540000) with its aid coordinator `xizang-aid` (role aid); the 7
prefecture bureaus, the receivers, each with an aid coordinator (`lhasa-aid`, ...); 30 supporting units (Organisation
kind supporting: the 17 supporting provinces' bureaus, each paired with its prefectures, 9 central enterprises and 4
national departments with 1-3 prefectures each), each with an aid coordinator, and their plans (a five-year plan
2021-2025 and one 2026-2030, for every other unit a special plan 2023-2027, each for the unit's prefectures).
BENCH_AID_ITEMS items (default 5,000) across the plans and their prefectures in the four forms (funds 40 %, projects
30 %, technical support 20 %, talent 10 %; an amount for every funds or project item and half of the others) and
statuses (planned 8 %, under way 55 %, completed 32 %, cancelled 5 %). BENCH_AID_ENTRIES ledger entries (default
1,000,000) over the items with an amount (a planned item few, a technical or talent item fewer than funds or a
project), each item's between a start in its plan's period and 1.5-5 years later (2021-01-01 to today at most), made
per item by a small state machine that keeps the ledger as rules.entry_problem would accept it: a commitment first,
then commitments, transfers within what is committed and not yet transferred, receipts within what is in transit,
spending within what is received, and ~1 % reversals of one of the 12 entries before them that is not a reversal,
not yet taken back and whose reversal keeps committed >= transferred >= received >= spent; seq 1..n per item, each
entry recorded by the side that may post it (commitments and transfers by the supporting unit's coordinator,
receipts and spending by the receiving bureau's, a reversal by the side of the entry it takes back). On the project
items 2-4 milestones each (planned, late, delivered or accepted, by their dates and the item's status) and
BENCH_AID_TALENT talent records (default 2,000; 2019 to today, some open). Plans, items, milestones and talent with
bulk_create, the ledger with COPY: none of it through the services, so no audit entries. The ledgers are checked once
in SQL (every item's balances consistent, seq 1..n, every reversal takes back an earlier entry of its item that is not
a reversal, for its amount, recorded by the side that may post it) and on a sample in Python: rules.balances over
selectors.entries_of equals the generator's balances and is rules.consistent, and on part of the sample every entry
replayed through rules.entry_problem is accepted.

Times (warm, median and p99 over BENCH_RUNS runs, default 20; platform and hand-written SQL alternate, so that
whatever else the machine does falls on both), each against hand-written SQL through a raw psycopg connection that
gives the same figures (compared first, Decimal equality: "figures match", or the run stops naming the difference):
a. reports.dashboard(xizang-aid, today): the region's dashboard to date;
b. reports.annual(xizang-aid, 2025, today): the annual report of 2025 (the flows dated in it);
c. reports.dashboard(lhasa-aid, today, division_prefix="5401"): a prefecture's dashboard;
d. the queries of one call of each (CaptureQueriesContext), with each query's time against the hand-written one's.
Beside them, the region's dashboard drilled down to Lhasa (division_prefix="5401") against lhasa-aid's own: a note
where the two differ.
By hand: the four balances by SUM(CASE ...) over the ledger joined to the reversed entry (a reversal subtracts the
kind of the entry it takes back) and the items in scope, one statement each for the totals, by form, by receiving
bureau and by supporting unit; one for items by status with the projects among them; one for milestones by state;
for the annual report one for the talent of the year. BENCH_EXPLAIN=1 prints the plans (EXPLAIN ANALYZE) of the platform's
query that exceeds its hand-written counterpart most, and of that counterpart; they are printed anyway when a ratio is
above EXPLAIN_ABOVE (1.25).
"""

import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ITEMS = int(os.environ.get("BENCH_AID_ITEMS", "5000"))
ENTRIES = int(os.environ.get("BENCH_AID_ENTRIES", "1000000"))
TALENT = int(os.environ.get("BENCH_AID_TALENT", "2000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") not in ("", "0")
EXPLAIN_ABOVE = 1.25  # a ratio above this prints the plans
SECRET = "bench-only-not-a-secret"
FIRST_DAY = dt.date(2021, 1, 1)
YEAR = 2025  # the annual report's
REGION = "540000"
SAMPLE, REPLAYED = 200, 25  # items whose ledgers are checked in Python; of them, replayed entry by entry
REVERSAL_SHARE = 0.01
RECENT = 12  # a reversal takes back one of the entries this close before it
app = SimpleNamespace()  # the project's modules, once set_up_django() has run

PREFECTURES = {
    "540100": "lhasa", "540200": "shigatse", "540300": "chamdo", "540400": "nyingchi", "540500": "shannan",
    "540600": "nagqu", "542500": "ngari",
}  # fmt: skip
# The supporting provinces and the prefectures they are paired with (对口援藏).
PROVINCES = [
    ("110000", "北京市", "540100"), ("320000", "江苏省", "540100"), ("310000", "上海市", "540200"),
    ("370000", "山东省", "540200"), ("230000", "黑龙江省", "540200"), ("220000", "吉林省", "540200"),
    ("120000", "天津市", "540300"), ("500000", "重庆市", "540300"), ("350000", "福建省", "540300 540400"),
    ("440000", "广东省", "540400"), ("420000", "湖北省", "540500"), ("430000", "湖南省", "540500"),
    ("340000", "安徽省", "540500"), ("330000", "浙江省", "540600"), ("210000", "辽宁省", "540600"),
    ("130000", "河北省", "542500"), ("610000", "陕西省", "542500"),
]  # fmt: skip
ENTERPRISES = ["中国华能集团有限公司", "中国大唐集团有限公司", "中国华电集团有限公司", "国家电力投资集团有限公司",
               "中国长江三峡集团有限公司", "国家能源投资集团有限责任公司", "中国石油天然气集团有限公司",
               "中国石油化工集团有限公司", "中国中化控股有限责任公司"]  # fmt: skip
DEPARTMENTS = ["国家矿山安全监察局", "中国地震局", "国家消防救援局", "应急管理部信息研究院"]
FORM_WEIGHTS = {"funds": 40, "project": 30, "technical": 20, "talent": 10}
LEDGER_WEIGHT = {"funds": 1.0, "project": 1.0, "technical": 0.3, "talent": 0.15}  # entries per item, relative
STATUS_WEIGHTS = {"planned": 8, "under_way": 55, "completed": 32, "cancelled": 5}
TALENT_KINDS = {"sent": 40, "trained": 45, "exchange": 15}
LEDGER_COLUMNS = (
    "id, item_id, seq, kind, amount_yuan, date, reverses_id, evidence, evidence_note, note, recorded_by_id, "
    "recorded_org_id, created_at"
)

# ------------------------------------------------------------------ the same figures by hand
BALANCES = (("committed", "commitment"), ("transferred", "transfer"), ("received", "receipt"), ("spent", "expenditure"))
SUMS = ",\n       ".join(
    f"coalesce(sum(CASE WHEN e.kind = '{kind}' THEN e.amount_yuan"
    f" WHEN e.kind = 'reversal' AND r.kind = '{kind}' THEN -e.amount_yuan END), 0) AS {name}"
    for name, kind in BALANCES
)
FUNDS = """
SELECT {key}{sums}
FROM aid_ledgerentry e
JOIN aid_aiditem i ON i.id = e.item_id{join}
LEFT JOIN aid_ledgerentry r ON r.id = e.reverses_id
WHERE i.division_code LIKE %(prefix)s{when}{group}"""
FUNDS_BY = {  # the part of the report: (its key, a join it needs)
    "totals": ("", ""),
    "by_form": ("i.form", ""),
    "by_receiver": ("i.receiver_id", ""),
    "by_supporter": ("p.supporter_id", "\nJOIN aid_aidplan p ON p.id = i.plan_id"),
}
ITEMS_SQL = """
SELECT status, count(*), count(*) FILTER (WHERE form = 'project') FROM aid_aiditem
WHERE division_code LIKE %(prefix)s GROUP BY status"""
MILESTONES_SQL = """
SELECT count(*) FILTER (WHERE m.accepted_on IS NOT NULL),
       count(*) FILTER (WHERE m.accepted_on IS NULL AND m.delivered_on IS NOT NULL),
       count(*) FILTER (WHERE m.delivered_on IS NULL AND m.planned_on < %(today)s AND i.status <> 'cancelled'),
       count(*) FILTER (WHERE m.delivered_on IS NULL AND m.planned_on >= %(today)s AND i.status <> 'cancelled'),
       count(*) FILTER (WHERE m.delivered_on <= m.planned_on),
       count(*) FILTER (WHERE m.quality_ok)
FROM aid_milestone m JOIN aid_aiditem i ON i.id = m.item_id
WHERE i.division_code LIKE %(prefix)s"""
FUNDS_PARTS = tuple(FUNDS_BY)
DASHBOARD_QUERIES = (*FUNDS_PARTS, "items", "projects", "milestones", "item_count")  # reports.dashboard's, in order
ANNUAL_QUERIES = (*FUNDS_PARTS, "items", "projects", "milestones", "talent", "talent hours")  # reports.annual's
HAND_PART = {"projects": "items", "item_count": "items", "talent hours": "talent"}  # the hand-written statement of each
MILESTONE_STATES = ("accepted", "delivered", "late", "planned", "on_time", "quality_ok")
TALENT_SQL = """
SELECT kind, count(*), sum(hours) FROM aid_talentrecord
WHERE division_code LIKE %(prefix)s AND starts_on <= %(last)s AND (ends_on IS NULL OR ends_on >= %(first)s)
GROUP BY kind"""

# The generated ledgers checked in SQL, over every item.
CHECKS = {
    "items whose balances are not committed >= transferred >= received >= spent >= 0": f"""
SELECT count(*) FROM (
  SELECT {SUMS} FROM aid_ledgerentry e LEFT JOIN aid_ledgerentry r ON r.id = e.reverses_id GROUP BY e.item_id
) b WHERE NOT (committed >= transferred AND transferred >= received AND received >= spent AND spent >= 0)""",
    "items whose seq is not 1..n": """
SELECT count(*) FROM (SELECT item_id FROM aid_ledgerentry GROUP BY item_id HAVING min(seq) <> 1 OR max(seq) <> count(*)) s""",
    "reversals that do not take back an earlier entry of their item, not a reversal, for its amount": """
SELECT count(*) FROM aid_ledgerentry e LEFT JOIN aid_ledgerentry r ON r.id = e.reverses_id
WHERE (e.kind = 'reversal') <> (e.reverses_id IS NOT NULL)
   OR e.kind = 'reversal' AND (r.item_id <> e.item_id OR r.kind = 'reversal' OR r.amount_yuan <> e.amount_yuan
                               OR r.seq >= e.seq OR r.date > e.date)""",
    "entries not recorded by the side that may post them": """
SELECT count(*) FROM aid_ledgerentry e
JOIN aid_aiditem i ON i.id = e.item_id JOIN aid_aidplan p ON p.id = i.plan_id
JOIN core_person pe ON pe.id = e.recorded_by_id LEFT JOIN aid_ledgerentry r ON r.id = e.reverses_id
WHERE pe.organisation_id <> e.recorded_org_id
   OR CASE WHEN coalesce(r.kind, e.kind) IN ('commitment', 'transfer') THEN p.supporter_id ELSE i.receiver_id END
      <> e.recorded_org_id""",
}


def bench_database_url() -> str:
    """The bench's own database beside DATABASE_URL's: dropped and created afresh."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian")
    config = dj_database_url.parse(url)
    name = config["NAME"] + "_bench_aid"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} user={config['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def p99(values: list) -> float:
    """The 99th percentile, within the samples (of 20 runs: near the slowest)."""
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else values[0]


def spread(values: list) -> str:
    return f"median {ms(statistics.median(values))} ms, p99 {ms(p99(values))} ms"


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


# ------------------------------------------------------------------ organisations, people, plans, items
def make_organisations(rng: random.Random) -> SimpleNamespace:
    """The region's and the prefectures' bureaus, the supporting units, an aid coordinator in each."""
    from django.contrib.auth.models import Group

    from anjian.core.models import Organisation, OrganisationKind, Person, SupportKind

    divisions = {d.code: d for d in app.Division.objects.filter(code__in=[REGION, *PREFECTURES])}
    bureaus = Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.BUREAU, name_zh=f"{divisions[code].name_zh}应急管理局", division_id=code)
        for code in [REGION, *PREFECTURES]
    )
    units = []  # (organisation, the prefectures it supports)
    for home, name, pairs in PROVINCES:
        units.append((Organisation(kind=OrganisationKind.SUPPORTING, support_kind=SupportKind.PROVINCE_BUREAU,
                                   name_zh=f"{name}应急管理厅（援藏）", division_id=pairs.split()[0], home_division_id=home),
                      pairs.split()))  # fmt: skip
    for names, kind in ((ENTERPRISES, SupportKind.CENTRAL_ENTERPRISE), (DEPARTMENTS, SupportKind.NATIONAL_DEPARTMENT)):
        for name in names:
            supported = sorted(rng.sample(list(PREFECTURES), rng.randint(1, 3)))
            units.append((Organisation(kind=OrganisationKind.SUPPORTING, support_kind=kind, name_zh=f"{name}（援藏）",
                                       division_id=REGION), supported))  # fmt: skip
    Organisation.objects.bulk_create(unit for unit, _ in units)
    places = {REGION: "xizang", **PREFECTURES}
    people = Person.objects.bulk_create(
        [Person(username=f"{places[o.division_id]}-aid", full_name="援藏协调员", organisation=o, password="!") for o in bureaus]
        + [Person(username=f"supporter-{n}-aid", full_name="援藏联络员", organisation=o, password="!") for n, (o, _) in enumerate(units)]
    )  # fmt: skip
    group = Group.objects.get(name="aid")
    Person.groups.through.objects.bulk_create(Person.groups.through(person_id=p.pk, group_id=group.pk) for p in people)
    coordinator = {p.organisation_id: p for p in people}
    out = SimpleNamespace(
        receivers={o.division_id: o for o in bureaus if o.division_id != REGION},
        units=units,
        coordinator=coordinator,
        region_aid=coordinator[bureaus[0].pk],
        lhasa_aid=next(p for p in people if p.username == "lhasa-aid"),
    )
    for person in (out.region_aid, out.lhasa_aid):
        assert person.has_perm("aid.keep_aid") and person.has_perm("aid.supervise_aid")
    return out


def make_plans(orgs: SimpleNamespace, rng: random.Random) -> list:
    """Each unit's five-year plans (2021-2025, 2026-2030) and, for every other unit, a special plan 2023-2027, each for
    the prefectures it supports. Returns (plan, its receivers, its weight among plans for items)."""
    from anjian.aid.models import AidPlan

    periods = [("“十四五”援藏安全生产规划", dt.date(2021, 1, 1), dt.date(2025, 12, 31), 6),
               ("“十五五”援藏安全生产规划", dt.date(2026, 1, 1), dt.date(2030, 12, 31), 2),
               ("应急能力提升专项援助计划", dt.date(2023, 1, 1), dt.date(2027, 12, 31), 2)]  # fmt: skip
    plans = []
    for n, (unit, supported) in enumerate(orgs.units):
        for title, starts, ends, weight in periods[: 3 if n % 2 == 0 else 2]:
            plan = AidPlan(supporter=unit, title=f"{unit.name_zh}{title}", starts_on=starts, ends_on=ends,
                           summary="", created_by=orgs.coordinator[unit.pk])  # fmt: skip
            plans.append((plan, [orgs.receivers[code] for code in supported], weight))
    AidPlan.objects.bulk_create(plan for plan, _, _ in plans)
    AidPlan.receivers.through.objects.bulk_create(
        AidPlan.receivers.through(aidplan_id=plan.pk, organisation_id=r.pk) for plan, receivers, _ in plans for r in receivers
    )  # fmt: skip
    return plans


def make_items(plans: list, count: int, today: dt.date, rng: random.Random) -> list:
    """Items over the plans; each with the window of its ledger (start, end) and its weight for ledger entries."""
    from anjian.aid.models import AidItem

    items, windows = [], []
    weights = [w for _, _, w in plans]
    for n in range(count):
        plan, receivers, _ = rng.choices(plans, weights=weights)[0]
        receiver, form, status = rng.choice(receivers), pick(rng, FORM_WEIGHTS), pick(rng, STATUS_WEIGHTS)
        start = day_between(rng, max(plan.starts_on, FIRST_DAY), min(plan.ends_on, today - dt.timedelta(days=60)))
        end = min(today, start + dt.timedelta(days=rng.randint(540, 1800)))
        if form in ("funds", "project"):
            amount = Decimal(max(1, int(rng.lognormvariate(15.4 if form == "funds" else 16.2, 0.9)) // 10000) * 10000)
        elif rng.random() < 0.5:
            amount = Decimal(max(1, int(rng.lognormvariate(13, 0.8)) // 1000) * 1000)
        else:
            amount = None
        quantity, unit = (Decimal(rng.randint(1, 40)), "人次") if form in ("technical", "talent") else (None, "")
        items.append(AidItem(
            plan=plan, form=form, receiver=receiver, division_code=receiver.division_id, title=f"援助事项{n}",
            content="", purpose="执法装备与应急能力建设" if form == "funds" else "", amount_yuan=amount, quantity=quantity,
            unit=unit, supporter_contact="援方联系人", receiver_contact="受援方联系人",
            deadline=end + dt.timedelta(days=rng.randint(0, 180)), status=status, created_by=plan.created_by,
        ))  # fmt: skip
        weight = 0.0 if amount is None else LEDGER_WEIGHT[form] * (0.05 if status == "planned" else 1) * rng.uniform(0.3, 1.7)  # fmt: skip
        windows.append((start, end, weight))
    AidItem.objects.bulk_create(items, batch_size=1000)
    return [SimpleNamespace(item=i, start=s, end=e, weight=w) for i, (s, e, w) in zip(items, windows, strict=True)]


def entry_counts(items: list, total: int, rng: random.Random) -> list:
    """`total` entries shared out by the items' weights."""
    weight = sum(i.weight for i in items)
    counts = [int(total * i.weight / weight) for i in items]
    eligible = [n for n, i in enumerate(items) if i.weight > 0]
    rng.shuffle(eligible)
    for k in range(total - sum(counts)):
        counts[eligible[k % len(eligible)]] += 1
    return counts


# ------------------------------------------------------------------ the ledger
def ledger(rng: random.Random, n: int, amount: int, days: int) -> tuple[list, tuple]:
    """One item's ledger of n entries as its two sides would post it: (kind, cents, index of the entry a reversal
    takes back, day offset) in seq order, and the four balances in cents at its end."""
    offsets = sorted(rng.randint(0, days) for _ in range(n))
    c = t = r = s = 0
    out, reversed_, committed_once = [], set(), False
    for k, offset in enumerate(offsets):
        if k and rng.random() < REVERSAL_SHARE:
            candidates = []
            for j in range(k - 1, max(-1, k - 1 - RECENT), -1):
                kind, a = out[j][0], out[j][1]
                if kind == "reversal" or j in reversed_:
                    continue
                if (kind == "commitment" and c - a < t) or (kind == "transfer" and t - a < r) or (kind == "receipt" and r - a < s):  # fmt: skip
                    continue
                candidates.append(j)
            if candidates:
                j = rng.choice(candidates)
                kind, a = out[j][0], out[j][1]
                if kind == "commitment":
                    c -= a
                elif kind == "transfer":
                    t -= a
                elif kind == "receipt":
                    r -= a
                else:
                    s -= a
                reversed_.add(j)
                out.append(("reversal", a, j, offset))
                continue
        to_transfer, in_transit, unspent = c - t, t - r, r - s
        weights = (0.035, 1.0 if to_transfer else 0.0, 1.0 if in_transit else 0.0, 1.4 if unspent else 0.0)
        x = rng.random() * sum(weights) if c else 0.0
        if x < weights[0]:
            a = max(100, int(amount * (rng.uniform(0.05, 0.35) if committed_once else rng.uniform(0.3, 1.0))))
            c, committed_once = c + a, True
            out.append(("commitment", a, None, offset))
            continue
        x -= weights[0]
        if x < weights[1]:
            kind, room = "transfer", to_transfer
        elif x < weights[1] + weights[2]:
            kind, room = "receipt", in_transit
        else:
            kind, room = "expenditure", unspent
        a = room if rng.random() < 0.2 else max(1, int(room * rng.uniform(0.1, 0.7)))
        if kind == "transfer":
            t += a
        elif kind == "receipt":
            r += a
        else:
            s += a
        out.append((kind, a, None, offset))
    return out, (c, t, r, s)


def copy_ledgers(connection, items: list, counts: list, coordinator: dict, rng: random.Random) -> tuple[dict, dict]:
    """Every item's ledger made and written with COPY as it is made; ids given here, so that a reversal names the
    entry it takes back. Returns the items' balances in cents by item id and the count of entries by kind."""
    balances, kinds, next_id = {}, dict.fromkeys(("commitment", "transfer", "receipt", "expenditure", "reversal"), 0), 1
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY aid_ledgerentry ({LEDGER_COLUMNS}) FROM STDIN") as copy:
            for made, n in zip(items, counts, strict=True):
                if not n:
                    continue
                item = made.item
                supporter, receiver = item.plan.supporter_id, item.receiver_id
                sides = {supporter: coordinator[supporter].pk, receiver: coordinator[receiver].pk}
                rows, final = ledger(rng, n, int(item.amount_yuan * 100), (made.end - made.start).days)
                balances[item.pk] = final
                org_of = []
                for seq, (kind, cents, taken, offset) in enumerate(rows, start=1):
                    org = org_of[taken] if kind == "reversal" else supporter if kind in ("commitment", "transfer") else receiver  # fmt: skip
                    org_of.append(org)
                    day = made.start + dt.timedelta(days=offset)
                    evidence = f"凭证-{item.pk}-{seq}" if kind in ("transfer", "receipt", "expenditure") else ""
                    copy.write_row((
                        next_id + seq - 1, item.pk, seq, kind, yuan(cents), day, None if taken is None else next_id + taken,
                        "", evidence, "", sides[org], org, f"{day.isoformat()} 10:00:00+08",
                    ))  # fmt: skip
                    kinds[kind] += 1
                next_id += len(rows)
        cursor.execute("SELECT setval(pg_get_serial_sequence('aid_ledgerentry', 'id'), %s)", [next_id - 1])
    return balances, kinds


def check_ledgers(connection, items: list, balances: dict, rng: random.Random) -> None:
    """The generated ledgers against the rules: in SQL over every item, in Python (rules.balances, rules.consistent,
    rules.entry_problem) on a sample."""
    rules, selectors = app.rules, app.selectors
    with connection.cursor() as cursor:
        for label, sql in CHECKS.items():
            cursor.execute(sql)
            wrong = cursor.fetchone()[0]
            if wrong:
                raise SystemExit(f"the generated ledgers: {wrong} {label}")
    by_id = {made.item.pk: made.item for made in items}
    sample = rng.sample(sorted(balances), min(SAMPLE, len(balances)))
    replayed = 0
    for n, pk in enumerate(sample):
        entries = selectors.entries_of(by_id[pk])
        b = rules.balances(entries)
        expected = tuple(Decimal(v) / 100 for v in balances[pk])
        if (b.committed, b.transferred, b.received, b.spent) != expected or not rules.consistent(b):
            raise SystemExit(f"item {pk}: rules.balances {b} against the generator's {expected}")
        if n < REPLAYED:
            for k, entry in enumerate(entries):
                problem = rules.entry_problem(entries[:k], entry)
                if problem:
                    raise SystemExit(f"item {pk}, entry {k + 1} ({entry.kind}): rules.entry_problem says {problem}")
            replayed += len(entries)
    print(f"  the ledgers checked: in SQL over every item ({len(CHECKS)} checks: balances consistent, seq 1..n, "
          f"reversals well formed, recorded by the side that may post); rules.balances = the generator's and "
          f"rules.consistent for {len(sample)} items; {replayed} entries of {min(REPLAYED, len(sample))} of them "
          f"replayed through rules.entry_problem, every one accepted")  # fmt: skip


# ------------------------------------------------------------------ milestones, talent
def make_milestones(items: list, coordinator: dict, today: dt.date, rng: random.Random) -> int:
    """2-4 milestones on each project item, their state by their date and the item's status."""
    from anjian.aid.models import Milestone

    rows = []
    for made in items:
        item = made.item
        if item.form != "project":
            continue
        supporter, receiver = coordinator[item.plan.supporter_id], coordinator[item.receiver_id]
        for k in range(rng.randint(2, 4)):
            planned = day_between(rng, made.start + dt.timedelta(days=30), item.deadline)
            m = Milestone(
                item=item, title=f"里程碑{k + 1}", planned_on=planned, weight=Decimal(rng.choice((1, 1, 2, 3)))
            )
            x = rng.random()
            if item.status == "completed" or planned <= today and x < 0.6 or planned > today and x < 0.05:
                state = "accepted"
            elif planned <= today and x < 0.75 or planned > today and x < 0.15:
                state = "delivered"
            else:
                state = "open"  # planned, or late once its day has passed
            if state != "open":
                m.delivered_on = min(today, planned + dt.timedelta(days=rng.randint(-20, 35)))
                m.delivered_by, m.delivery_note = supporter, "已交付"
            if state == "accepted":
                m.accepted_on = min(today, m.delivered_on + dt.timedelta(days=rng.randint(0, 25)))
                m.accepted_by, m.quality_ok, m.quantity_ok = receiver, rng.random() < 0.9, rng.random() < 0.93
            rows.append(m)
    Milestone.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def make_talent(items: list, orgs: SimpleNamespace, count: int, today: dt.date, rng: random.Random) -> None:
    from anjian.aid.models import TalentRecord

    talent_items = [made.item for made in items if made.item.form == "talent"]
    counties = {code: list(app.Division.objects.filter(parent=code).values_list("code", flat=True)) for code in PREFECTURES}  # fmt: skip
    rows = []
    for n in range(count):
        item = rng.choice(talent_items) if talent_items and rng.random() < 0.6 else None
        if item is not None:
            supporter, code = item.plan.supporter, item.division_code
        else:
            supporter, supported = rng.choice(orgs.units)
            code = rng.choice(supported)
        if rng.random() < 0.3 and counties[code[:4] + "00"]:
            code = rng.choice(counties[code[:4] + "00"])
        kind = pick(rng, TALENT_KINDS)
        starts = day_between(rng, dt.date(2019, 1, 1), today)
        ends = None if rng.random() < 0.15 else starts + dt.timedelta(days=rng.randint(30, 1100))
        hours = Decimal(rng.randint(16, 640)) / 2 if kind == "trained" or rng.random() < 0.2 else None
        rows.append(TalentRecord(
            item=item, supporter=supporter, division_code=code, kind=kind, person_name=f"人员{n}",
            home=supporter.name_zh, post="安全生产执法" if kind == "sent" else "应急管理培训班", starts_on=starts,
            ends_on=ends, hours=hours, achievements="", recorded_by=orgs.coordinator[supporter.pk],
        ))  # fmt: skip
    TalentRecord.objects.bulk_create(rows, batch_size=2000)


def describe(connection, today: dt.date) -> None:
    rules = app.rules
    with connection.cursor() as cursor:
        cursor.execute("SELECT form, count(*), count(amount_yuan) FROM aid_aiditem GROUP BY 1 ORDER BY 2 DESC")
        forms = ", ".join(f"{f} {n} ({a} with an amount)" for f, n, a in cursor.fetchall())
        cursor.execute("SELECT status, count(*) FROM aid_aiditem GROUP BY 1 ORDER BY 2 DESC")
        statuses = ", ".join(f"{s} {n}" for s, n in cursor.fetchall())
        cursor.execute("SELECT extract(year FROM date)::int, count(*) FROM aid_ledgerentry GROUP BY 1 ORDER BY 1")
        years = ", ".join(f"{y} {n}" for y, n in cursor.fetchall())
        cursor.execute("SELECT count(*), max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM "
                       "(SELECT count(*) AS n FROM aid_ledgerentry GROUP BY item_id) c")  # fmt: skip
        ledgers, longest, median = cursor.fetchone()
        cursor.execute("SELECT planned_on, delivered_on, accepted_on FROM aid_milestone")
        states = {}
        for planned, delivered, accepted in cursor.fetchall():
            state = rules.milestone_state(planned, delivered, accepted, today)
            states[state] = states.get(state, 0) + 1
        cursor.execute("SELECT kind, count(*) FROM aid_talentrecord GROUP BY 1 ORDER BY 2 DESC")
        talent = ", ".join(f"{k} {n}" for k, n in cursor.fetchall())
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('aid_ledgerentry'))")
        size = cursor.fetchone()[0]
    print(f"items by form: {forms}; by status: {statuses}")
    print(f"ledger entries by year: {years}; {ledgers} items with a ledger (median {median} entries, at most "
          f"{longest}); on disk with its indexes {size}")  # fmt: skip
    print(f"milestones by rules.milestone_state: {', '.join(f'{k} {n}' for k, n in sorted(states.items()))}; talent: {talent}")  # fmt: skip


# ------------------------------------------------------------------ figures: the platform's, the hand-written SQL's
def platform_figures(board: dict) -> dict:
    """The report's figures as plain values: the same shape as hand_figures'."""
    out = {"totals": dict(board["totals"])}
    for part in ("by_form", "by_receiver", "by_supporter"):
        out[part] = {row["key"]: tuple(row[name] for name, _ in BALANCES) for row in board[part]}
    out |= {"items": dict(board["items"]), "projects": dict(board["projects"]), "milestones": dict(board["milestones"])}
    for extra in ("item_count", "talent", "year"):
        if extra in board:
            out[extra] = board[extra]
    return out


def hand_queries(prefix: str, today: dt.date, year: int | None, talent: bool) -> list:
    """(part, sql, params) of a report written by hand."""
    params = {"prefix": prefix + "%", "today": today}
    when = ""
    if year is not None:
        params |= {"first": dt.date(year, 1, 1), "last": dt.date(year, 12, 31), "next": dt.date(year + 1, 1, 1)}
        when = "\n  AND e.date >= %(first)s AND e.date < %(next)s"
    out = []
    for part, (key, join) in FUNDS_BY.items():
        group = f"\nGROUP BY {key}" if key else ""
        out.append((part, FUNDS.format(key=f"{key}, " if key else "", sums=SUMS, join=join, when=when, group=group), params))  # fmt: skip
    out += [("items", ITEMS_SQL, params), ("milestones", MILESTONES_SQL, params)]
    if talent:
        out.append(("talent", TALENT_SQL, params))
    return out


def hand_figures(conn, queries: list, year: int | None, times: dict | None = None) -> dict:
    """Run the hand-written statements on a raw connection and shape their rows as platform_figures does."""
    out = {}
    for part, sql, params in queries:
        started = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        if times is not None:
            times[part] = time.perf_counter() - started
        if part == "totals":
            totals = dict(zip((name for name, _ in BALANCES), rows[0], strict=True))
            totals["in_transit"] = totals["transferred"] - totals["received"]
            totals["unspent"] = totals["received"] - totals["spent"]
            out[part] = totals
        elif part in FUNDS_BY:
            out[part] = {key: tuple(rest) for key, *rest in rows}
        elif part == "items":
            out["items"] = {status: n for status, n, _ in rows}
            out["projects"] = {status: p for status, _, p in rows if p}
            out["item_count"] = sum(n for _, n, _ in rows)
        elif part == "milestones":
            out[part] = dict(zip(MILESTONE_STATES, rows[0], strict=True))
        else:
            talent = {kind: n for kind, n, _ in rows}
            talent["hours"] = sum((h for _, _, h in rows if h is not None), Decimal(0))
            out[part] = talent
    if year is not None:  # the annual report: the year, no item count
        out["year"] = year
        del out["item_count"]
    return out


def compare(label: str, platform: dict, hand: dict) -> bool:
    if platform == hand:
        print(f"  {label}: figures match")
        return True
    print(f"  {label}: THE FIGURES DIFFER")
    for part in sorted(set(platform) | set(hand)):
        a, b = platform.get(part), hand.get(part)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                if a.get(key) != b.get(key):
                    print(f"    {part} {key}: platform {a.get(key)}, hand-written {b.get(key)}")
        else:
            print(f"    {part}: platform {a}, hand-written {b}")
    return False


def by_part(captured: list, hand_times: dict, year: int | None) -> list:
    """d. Print each part's ms in one warm call, the platform's queries (in the order reports runs them) against the
    hand-written statement of the same part; return the platform's queries of the part that exceeds its hand-written
    statement most (each with its "part"), or [] when the queries are not the expected ones."""
    labels = ANNUAL_QUERIES if year is not None else DASHBOARD_QUERIES
    if len(captured) != len(labels):
        print(f"   d. one warm call: {len(captured)} queries (not the {len(labels)} expected), each's ms "
              + "; ".join(f"{float(q['time']) * 1000:.0f}" for q in captured))  # fmt: skip
        return []
    queries = {}
    for label, q in zip(labels, captured, strict=True):
        queries.setdefault(HAND_PART.get(label, label), []).append(q | {"part": HAND_PART.get(label, label), "label": label})  # fmt: skip
    shown = []
    for part, seconds in hand_times.items():
        mine = "+".join(f"{float(q['time']) * 1000:.0f}" for q in queries[part])
        labelled = f" ({', '.join(q['label'] for q in queries[part])})" if len(queries[part]) > 1 else ""
        shown.append(f"{part}{labelled} {mine}/{seconds * 1000:.0f}")
    print(f"   d. one warm call, ms, platform/hand-written: {'; '.join(shown)}")
    excess = {part: sum(float(q["time"]) for q in qs) - hand_times[part] for part, qs in queries.items()}
    return queries[max(excess, key=excess.get)]


def explain(conn, title: str, sql: str, params) -> None:
    plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
    print(f"  {title}:\n{sql.strip()}\n" + "\n".join(row[0] for row in plan))


# ------------------------------------------------------------------ bench
def set_up_django() -> None:
    """Django against the bench's database, and the project's modules this file uses as `app.<name>`."""
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone

    from anjian.aid import reports, rules, selectors
    from anjian.core.models import Division

    app.__dict__.update(timezone=timezone, reports=reports, rules=rules, selectors=selectors, Division=Division)


def main() -> None:
    set_up_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anjian.core.services import division_load_file

    reports, timezone = app.reports, app.timezone
    begun = started = time.perf_counter()
    load = os.getloadavg()
    call_command("migrate", verbosity=0)
    division_load_file()
    today, rng = timezone.localdate(), random.Random(2026)
    orgs = make_organisations(rng)
    plans = make_plans(orgs, rng)
    items = make_items(plans, ITEMS, today, rng)
    print(f"migrated, divisions loaded, {len(orgs.receivers) + 1} bureaus, {len(orgs.units)} supporting units, "
          f"{len(orgs.coordinator)} aid coordinators, {len(plans)} plans, {len(items)} items in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    started = time.perf_counter()
    counts = entry_counts(items, ENTRIES, rng)
    balances, kinds = copy_ledgers(connection, items, counts, orgs.coordinator, rng)
    total = sum(kinds.values())
    print(f"{total} ledger entries made and loaded with COPY in {time.perf_counter() - started:.1f} s (no audit "
          f"entries): {', '.join(f'{k} {n}' for k, n in kinds.items())} ({kinds['reversal'] / total:.2%} reversals)")  # fmt: skip
    started = time.perf_counter()
    milestones = make_milestones(items, orgs.coordinator, today, rng)
    make_talent(items, orgs, TALENT, today, rng)
    print(f"{milestones} milestones on the project items and {TALENT} talent records with bulk_create in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    started = time.perf_counter()
    check_ledgers(connection, items, balances, rng)
    print(f"  in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:  # as autovacuum leaves tables in production: analysed, visibility map set
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    describe(connection, today)
    print(f"set up in {time.perf_counter() - begun:.0f} s")

    region, lhasa = orgs.region_aid, orgs.lhasa_aid
    cases = [
        ("a", f"reports.dashboard(xizang-aid, {today}): the region's dashboard to date",
         lambda: reports.dashboard(region, today), hand_queries("54", today, None, False), None),
        ("b", f"reports.annual(xizang-aid, {YEAR}, {today}): the annual report of {YEAR}",
         lambda: reports.annual(region, YEAR, today), hand_queries("54", today, YEAR, True), YEAR),
        ("c", f'reports.dashboard(lhasa-aid, {today}, division_prefix="5401"): a prefecture\'s dashboard',
         lambda: reports.dashboard(lhasa, today, division_prefix="5401"), hand_queries("5401", today, None, False), None),
    ]  # fmt: skip
    hand = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True, prepare_threshold=None)

    # The figures first (this is also the warm-up): every case compared before the run stops on a difference.
    print("the figures, platform against hand-written SQL:")
    same = [compare(letter, platform_figures(call()), hand_figures(hand, queries, year)) for letter, _, call, queries, year in cases]  # fmt: skip
    board = reports.dashboard(region, today)
    t, y = board["totals"], reports.annual(region, YEAR, today)["totals"]
    print(f"  the region to date: committed {t['committed']:,}, transferred {t['transferred']:,}, received "
          f"{t['received']:,}, spent {t['spent']:,} yuan; in {YEAR}: committed {y['committed']:,}, transferred "
          f"{y['transferred']:,}, received {y['received']:,}, spent {y['spent']:,}; items {board['items']}; "
          f"milestones {board['milestones']}")  # fmt: skip
    drilled = reports.dashboard(region, today, division_prefix="5401")
    lhasa_board, note = reports.dashboard(lhasa, today, division_prefix="5401"), ""
    if drilled != lhasa_board:
        differ = sorted(k for k in drilled if drilled[k] != lhasa_board[k])
        note = f"; note: the region's dashboard drilled to 5401 differs from Lhasa's own in {', '.join(differ)}"
        print(f"  note: dashboard(xizang-aid, division_prefix='5401') differs from lhasa-aid's in {differ}: "
              + "; ".join(f"{k} {drilled[k]} against {lhasa_board[k]}" for k in differ if k == "item_count"))  # fmt: skip
    if not all(same):
        hand.close()
        raise SystemExit("the platform's figures differ from the hand-written SQL's (above)")

    summary = {}
    for letter, label, call, queries, year in cases:
        print(f"{letter}. {label}")
        with CaptureQueriesContext(connection) as captured:
            call()
        hand_times = {}
        hand_figures(hand, queries, year, hand_times)
        platform_times, hand_times_all = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            call()
            platform_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            hand_figures(hand, queries, year)
            hand_times_all.append(time.perf_counter() - started)
        a, b = statistics.median(platform_times), statistics.median(hand_times_all)
        ratio = a / b
        print(f"   platform {spread(platform_times)}, {len(captured)} queries; hand-written SQL {spread(hand_times_all)}, "
              f"{len(queries)} queries; ratio median {ratio:.2f}, p99 {p99(platform_times) / p99(hand_times_all):.2f}")  # fmt: skip
        worst = by_part(captured.captured_queries, hand_times, year)
        if EXPLAIN or ratio > EXPLAIN_ABOVE:
            platform_sql = max(worst or captured.captured_queries, key=lambda q: float(q["time"]))["sql"]
            part = worst[0]["part"] if worst else max(hand_times, key=hand_times.get)
            explain(hand, f"the platform's {'query of ' + part if worst else 'slowest query'}", platform_sql, None)
            _, sql, params = next(q for q in queries if q[0] == part)
            explain(hand, f"the hand-written {part}", sql, params)
        summary[letter] = (
            f"p50 {ms(a)} ms, p99 {ms(p99(platform_times))} ms, ratio {ratio:.2f}, {len(captured)} queries"
        )
    hand.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"summary: {len(items)} items, {total} ledger entries ({kinds['reversal']} reversals), {milestones} milestones, "
          f"{TALENT} talent records; a. region dashboard {summary['a']}; b. annual {YEAR} {summary['b']}; c. Lhasa "
          f"dashboard {summary['c']}; figures match{note}; {RUNS} runs each; run {time.perf_counter() - begun:.0f} s; peak RSS of the "
          f"bench {peak:.0f} MiB; load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")  # fmt: skip


if __name__ == "__main__":
    main()
