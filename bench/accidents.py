"""make bench: accident statistics and accident recording on PostgreSQL at the size of a region's decade.

Builds its own database (`<db>_bench_accidents`, recreated each run) and loads with COPY BENCH_ACCIDENTS accidents
(default 1,000,000; or the first argument) over Tibet's 74 counties from 2017-01-01 to yesterday, every one with its
reporting chain (report steps: the county where it has a bureau - the region, its 7 prefectures and 20 counties have
one - then the prefecture, the region and the nation as the class requires; dues by the platform's own rules),
recorded by the prefecture's statistician. Shape: road traffic ~55 %, industry ~35 % (construction, mines, a little
coal, ...), fire ~7 %, other sectors rare; mostly general accidents of 0-2 deaths, ~1 % larger, rare major, now and
then someone missing; the class by rules.severity, the update window by rules.update_window_closes. No casualty-update
rows are loaded (the statistics do not read them). Beside them: monthly aggregate returns 2007-2016 per prefecture and
sector under the codes of their day (542300, ... mapped to today's by current_division), a few returns of last year
that cover reports found after them (those reports are left out), denominators 2016-2026 for the region and each
prefecture, and this year's control targets.

Times (median of BENCH_RUNS, default 5, after a warm-up), each against hand-written SQL through psycopg that gives the
same figures (compared once: "figures match", or the run stops) in one statement per part, one scan per period:
a. statistics.table: Lhasa's year to date through the last complete month, by sector, against the year before;
b. statistics.dashboard: the region's dashboard of this year (totals, monthly series, prefectures, sectors, targets);
c. statistics.indicators: the region's relative indicators of last year, for it and each prefecture.
Then recording one accident: BENCH_API_POSTS posts (default 3,000) to POST /api/v1/accidents from BENCH_CLIENTS client
threads (default 32), each post with its own client UUID and the token of a county or prefecture statistician, served
by gunicorn with BENCH_WORKERS sync workers (default 2, as on one 2-core machine): median and p99 latency, requests
per second, the workers' memory; and the same against a bare Django view in this file (no middleware, no auth, no
chain, no audit) that classes the report and inserts it with one raw SQL INSERT. BENCH_EXPLAIN=1 also prints plans
(each platform call's slowest query and every hand-written one).
"""

import csv
import datetime as dt
import http.client
import itertools
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
POSTS = int(os.environ.get("BENCH_API_POSTS", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") not in ("", "0")
SECRET = "bench-only-not-a-secret"
FIRST_DAY = dt.date(2017, 1, 1)
COUNTY_BUREAUS = 20
app = SimpleNamespace()  # the project's modules, once set_up_django() has run

# The shape of the data (not rules): sector weights, industries inside industry, GB 6441 categories, shares of GDP.
SECTOR_WEIGHTS = {
    "road_traffic": 55, "industrial": 35, "fire": 7, "agricultural_machinery": 1.6, "railway": 0.6,
    "water_transport": 0.4, "fishing_vessel": 0.3, "civil_aviation": 0.1,
}  # fmt: skip
INDUSTRY_WEIGHTS = {
    "construction": 38, "other_industrial": 28, "metal_nonmetal_mine": 18, "hazardous_chemicals": 6, "metallurgy": 5,
    "coal_mine": 4, "fireworks": 1,
}  # fmt: skip
CATEGORIES = {
    "road_traffic": "02", "fire": "08", "agricultural_machinery": "02 03", "railway": "02 20", "water_transport": "06",
    "fishing_vessel": "06", "civil_aviation": "20", "construction": "09 01 10 04 05 03", "fireworks": "14",
    "other_industrial": "01 03 05 09 19 20", "metal_nonmetal_mine": "10 11 13 01 03", "coal_mine": "11 15 12 19 13",
    "hazardous_chemicals": "19 18 07 17", "metallurgy": "07 03 04 16",
}  # fmt: skip
INDICATOR_FIGURES = ("accidents", "larger_accidents", "deaths", "coal_deaths", "imc_deaths", "road_deaths")
SHARES = {"540100": 0.36, "540200": 0.15, "540300": 0.12, "540400": 0.11, "540500": 0.1, "540600": 0.1, "542500": 0.06}
ACCIDENT_COLUMNS = (
    "id, occurred_at, head_informed_at, received_at, division_id, place, unit_name, sector, industry, category, deaths, "
    "missing, serious_injuries, minor_injuries, direct_loss_yuan, severity, summary, measures, window_closes_at, "
    "awaiting_division, awaiting_due, recorded_by_id, recorded_org_id, created_at, updated_at"
)
STEP_COLUMNS = 'accident_id, "order", division_id, due_at, reported_at, sent_by_id, skipped_to, added_at'

# By hand: for each period, one scan of its accidents (statistical deaths: the missing count as dead once the window
# has closed; reports inside the cell of a return that covers reports are left out) and of its returns, per key.
DEAD = "CASE WHEN a.window_closes_at < %(now)s THEN a.missing ELSE 0 END"
PER_ACCIDENT = {  # statistics.MEASURES over accidents
    "accidents": "count(*)", "larger_accidents": "count(*) FILTER (WHERE a.severity = ANY(%(larger)s))",
    "deaths": f"sum(a.deaths + {DEAD})", "missing": f"sum(a.missing - {DEAD})",
    "serious_injuries": "sum(a.serious_injuries)", "minor_injuries": "sum(a.minor_injuries)",
    "direct_loss_yuan": "sum(a.direct_loss_yuan)", "coal_deaths": f"sum(a.deaths + {DEAD}) FILTER (WHERE a.industry = %(coal)s)",
}  # fmt: skip
CELLS = "SELECT division_id, year, month, sector FROM indicators_aggregatereturn WHERE covers_reports"
SCAN = """
SELECT '{name}' AS p, {a_key}, {a_measures} FROM accidents_accident a
WHERE a.division_id LIKE %(prefix)s AND a.occurred_at >= '{start}' AND a.occurred_at < '{end}'
  AND {covered}
GROUP BY {group}
UNION ALL
SELECT '{name}', {r_key}, {r_measures} FROM indicators_aggregatereturn r WHERE r.division_id LIKE %(prefix)s AND {r_when}
GROUP BY {group}"""
PREFIX = "(CASE WHEN {0} LIKE '%%0000' THEN left({0}, 2) WHEN {0} LIKE '%%00' THEN left({0}, 4) ELSE {0} END)"
TARGETS = """
SELECT t.division_id, t.sector, coalesce(sum(g.deaths), 0) FROM indicators_controltarget t
LEFT JOIN (SELECT d, s, sum(deaths) AS deaths FROM ({figures}) u GROUP BY d, s) g
  ON g.d LIKE {prefix} || '%%' AND (t.sector = '' OR g.s = t.sector)
WHERE t.year = %(year)s AND t.division_id LIKE %(prefix)s GROUP BY 1, 2
"""
INDICATORS = """
SELECT g.*, round(g.deaths::numeric / nullif(n.gdp_100m_yuan, 0), 3),
       round(g.imc_deaths::numeric * 100000 / nullif(n.imc_workers, 0), 3),
       round(g.road_deaths::numeric * 10000 / nullif(n.motor_vehicles, 0), 3),
       round(g.coal_deaths::numeric * 1000000 / nullif(n.coal_output_tonnes, 0), 3)
FROM (
  SELECT coalesce(rpad(d, 6, '0'), %(whole)s) AS place, p::int AS year, sum(accidents) AS accidents,
         sum(larger_accidents) AS larger_accidents, sum(deaths) AS deaths, coalesce(sum(coal_deaths), 0) AS coal_deaths,
         coalesce(sum(deaths) FILTER (WHERE s = %(imc)s), 0) AS imc_deaths,
         coalesce(sum(deaths) FILTER (WHERE s = %(road)s), 0) AS road_deaths
  FROM ({figures}) u GROUP BY GROUPING SETS ((p, d), (p))
) g LEFT JOIN indicators_denominator n ON n.division_id = g.place AND n.year = g.year
"""
BARE_INSERT = """
INSERT INTO accidents_accident (id, occurred_at, head_informed_at, received_at, division_id, place, unit_name, sector,
    industry, category, deaths, missing, serious_injuries, minor_injuries, direct_loss_yuan, severity, summary,
    measures, window_closes_at, awaiting_division, recorded_by_id, recorded_org_id, created_at, updated_at)
VALUES (%(uuid)s, %(occurred_at)s, %(head_informed_at)s, now(), %(division)s, '', %(unit_name)s, %(sector)s,
    %(industry)s, %(category)s, %(deaths)s, %(missing)s, %(serious_injuries)s, %(minor_injuries)s,
    %(direct_loss_yuan)s, %(severity)s, %(summary)s, '', %(window)s, '', %(person)s, %(organisation)s, now(), now())
"""


def bench_database_url() -> str:
    """The bench's own database beside DATABASE_URL's: dropped and created afresh."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian")
    config = dj_database_url.parse(url)
    name = config["NAME"] + "_bench_accidents"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} user={config['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def timed(platform, hand, runs: int) -> tuple[float, float]:
    """Median seconds of each after a warm-up; the runs alternate, so that whatever else the machine does falls on both."""
    platform(), hand()
    samples = ([], [])
    for _ in range(runs):
        for function, times in zip((platform, hand), samples, strict=True):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return statistics.median(samples[0]), statistics.median(samples[1])


# ------------------------------------------------------------------ data
class Maker:
    """Repeatable pseudo-random accidents of the shape above."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sectors, self.industries = list(SECTOR_WEIGHTS), list(INDUSTRY_WEIGHTS)
        self.sector_weights = list(itertools.accumulate(SECTOR_WEIGHTS.values()))
        self.industry_weights = list(itertools.accumulate(INDUSTRY_WEIGHTS.values()))
        self.categories = {name: codes.split() for name, codes in CATEGORIES.items()}

    def kind(self) -> tuple[str, str, str]:
        rng = self.rng
        sector = rng.choices(self.sectors, cum_weights=self.sector_weights)[0]
        industry = rng.choices(self.industries, cum_weights=self.industry_weights)[0] if sector == "industrial" else ""
        return sector, industry, rng.choice(self.categories[industry or sector])

    def figures(self) -> tuple[int, int, int, int, Decimal]:
        rng = self.rng
        r = rng.random()
        deaths = rng.randint(10, 25) if r < 0.0002 else rng.randint(3, 9) if r < 0.01 else rng.choice((0, 0, 1, 1, 2))
        missing = rng.choice((1, 1, 1, 2)) if rng.random() < 0.03 else 0
        serious = rng.choices((0, 1, 2, 3, 5), cum_weights=(55, 80, 90, 97, 100))[0]
        loss = Decimal(int(rng.lognormvariate(11.5, 1.3) * 100)).scaleb(-2)  # median ~100,000 yuan
        return deaths, missing, serious, rng.randrange(6), loss


def make_bureaus(rng) -> dict:
    """A bureau with a statistician in the region, each prefecture and COUNTY_BUREAUS counties: code → person."""
    from django.contrib.auth.models import Group

    from anjian.core.models import Organisation, OrganisationKind, Person

    tibet = {d.code: d for d in app.Division.objects.filter(code__startswith="54")}
    counties = sorted(code for code, d in tibet.items() if d.level == "county")
    codes = sorted({c for c, d in tibet.items() if d.level != "county"} | set(rng.sample(counties, COUNTY_BUREAUS)))
    bureaus = Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.BUREAU, name_zh=f"{tibet[c].name_zh}应急管理局", division_id=c)
        for c in codes
    )
    people = Person.objects.bulk_create(
        Person(username=f"statistician-{o.division_id}", full_name="统计员", organisation=o, password="!")
        for o in bureaus
    )
    group = Group.objects.get(name="statistician")
    Person.groups.through.objects.bulk_create(Person.groups.through(person_id=p.pk, group_id=group.pk) for p in people)
    return {p.organisation.division_id: p for p in people}


def generate(connection, count: int, statisticians: dict, today: dt.date, zone) -> None:
    """COPY the accidents and their report steps at once over two connections (the steps' foreign keys, deferred, are
    checked at their commit, after the accidents')."""
    rules, services = app.accident_rules, app.services
    counties = app.Division.objects.filter(code__startswith="54", level="county").select_related(
        "parent__parent__parent"
    )
    places = {d.code: services.ancestry(d) for d in counties}
    codes, has_bureau = sorted(places), set(statisticians).__contains__
    ids = {code: person.pk for code, person in statisticians.items()}
    maker = Maker(2026)
    rng, minute, now, steps_total = maker.rng, dt.timedelta(minutes=1), dt.datetime.now(zone), 0
    first = dt.datetime.combine(FIRST_DAY, dt.time(), zone)
    span = int((dt.datetime.combine(today, dt.time(), zone) - first).total_seconds())
    recent = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(), zone)
    with psycopg.connect(os.environ["DATABASE_URL"]) as step_conn:
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY accidents_accident ({ACCIDENT_COLUMNS}) FROM STDIN") as accidents,
            step_conn.cursor().copy(f"COPY accidents_reportstep ({STEP_COLUMNS}) FROM STDIN") as step_rows,
        ):
            for offset in sorted(rng.randrange(span) for _ in range(count)):  # in the order they were reported
                county = rng.choice(codes)
                place = places[county]
                prefecture, recorder = place[1][0], statisticians[place[1][0]]
                occurred = first + dt.timedelta(seconds=offset)
                head = occurred + int(rng.expovariate(1 / 12)) * minute
                received = head + int(rng.expovariate(1 / 20)) * minute  # a few beyond the unit's hour
                sector, industry, category = maker.kind()
                deaths, missing, serious, minor, loss = maker.figures()
                version = rules.rules_for(occurred.date())
                severity = rules.severity(deaths, missing, serious, loss, version)
                # The prefecture records: it and the county below have the report at once; above, it is forwarded.
                below, at, steps = app.division_prefix(prefecture), received, []
                for code in rules.chain(place, severity, has_bureau, version):
                    sender = recorder.pk
                    if not code.startswith(below):
                        at = at + (20 + int(rng.expovariate(1 / 60))) * minute if at else None
                        if at and (at > now or occurred > recent and rng.random() < 0.4):
                            at = None  # still waiting to be forwarded
                        sender = ids[steps[-1].division_id] if at else None
                    steps.append(SimpleNamespace(division_id=code, added_at=received, reported_at=at, sent_by=sender))
                services._recompute_dues(SimpleNamespace(head_informed_at=head), steps, version)
                awaiting, awaiting_due = services._awaiting(steps)
                accident_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                accidents.write_row((
                    accident_id, occurred, head, received, county, "", f"单位{rng.randrange(100000)}", sector,
                    industry, category, deaths, missing, serious, minor, loss, severity, "事故经过简述", "",
                    rules.update_window_closes(occurred, sector, version), awaiting, awaiting_due, recorder.pk,
                    recorder.organisation_id, received, max(s.reported_at or received for s in steps),
                ))  # fmt: skip
                for order, s in enumerate(steps):
                    step_rows.write_row((accident_id, order, s.division_id, s.due_at, s.reported_at, s.sent_by, False,
                                         s.added_at))  # fmt: skip
                steps_total += len(steps)
        step_conn.commit()
    print(f"  {count} accidents and {steps_total} report steps (COPY)")


def make_statistics(count: int, statisticians: dict, today: dt.date) -> None:
    """Monthly returns 2007-2016 per prefecture and sector under the code of their year, mapped to today's as the
    platform maps it; returns of last year that cover reports (found after them): each prefecture's January of road
    traffic, Ngari's whole year of civil aviation; denominators; control targets."""
    from anjian.indicators.models import AggregateReturn, ControlTarget, Denominator
    from anjian.indicators.services import current_division

    rng, region, rows = random.Random(17), statisticians["540000"], []
    with Path(app.settings.DIVISIONS_CSV).with_name("division_changes.csv").open(encoding="utf-8") as handle:
        renamed = {r["new_code"]: (r["old_code"], int(r["year"])) for r in csv.DictReader(handle) if r["old_code"][4:] == "00"}  # fmt: skip
    per_month = count / ((today - FIRST_DAY).days / 30.44) / len(SHARES) / sum(SECTOR_WEIGHTS.values())

    def add(given: str, year: int, month: int | None, sector: str, covers_reports=False):
        accidents = round(per_month * SECTOR_WEIGHTS[sector] * rng.uniform(0.5, 1.3) * (12 if month is None else 1))
        deaths, u = round(accidents * rng.uniform(0.6, 0.9)), rng.uniform
        if accidents:
            rows.append(AggregateReturn(
                division_id=current_division(given).code, division_code=given, year=year, month=month, sector=sector,
                accidents=accidents, larger_accidents=round(accidents * u(0, 0.02)), deaths=deaths,
                missing=round(accidents * u(0, 0.02)), serious_injuries=round(accidents * u(0.3, 0.6)),
                minor_injuries=round(accidents * u(1, 2)), direct_loss_yuan=Decimal(accidents * rng.randint(50000, 150000)),
                coal_deaths=round(deaths * u(0, 0.05)) if sector == "industrial" else 0, source=f"{year}年统计月报",
                covers_reports=covers_reports, organisation_id=region.organisation_id, entered_by=region,
            ))  # fmt: skip

    for prefecture in SHARES:
        old, since = renamed.get(prefecture, (prefecture, 0))
        for year, month, sector in itertools.product(range(2007, 2017), range(1, 13), SECTOR_WEIGHTS):
            add(old if year < since else prefecture, year, month, sector)
        add(prefecture, today.year - 1, 1, "road_traffic", covers_reports=True)
    add("542500", today.year - 1, None, "civil_aviation", covers_reports=True)
    AggregateReturn.objects.bulk_create(rows, batch_size=2000)
    old_codes = ", ".join(sorted({r.division_code for r in rows if r.division_code != r.division_id}))
    print(f"  {len(rows)} returns ({sum(r.covers_reports for r in rows)} cover reports), old codes {old_codes}")
    denominators = []
    for year, (code, share) in itertools.product(range(2016, 2027), {"540000": 1, **SHARES}.items()):
        growth, share = Decimal("1.08") ** (year - 2016), Decimal(str(share))
        denominators.append(Denominator(
            division_id=code, year=year, gdp_100m_yuan=(1150 * growth * share).quantize(Decimal("0.0001")),
            imc_workers=int(320000 * share * growth), motor_vehicles=int(450000 * share * growth**2),
            coal_output_tonnes=180000 * growth * share if code in ("540000", "540300") else None, entered_by=region,
        ))  # fmt: skip
    Denominator.objects.bulk_create(denominators)
    deaths_a_year = count / ((today - FIRST_DAY).days / 365.25) * 0.85
    targets = {("540000", ""): 1, ("540000", "road_traffic"): 0.55, ("540000", "industrial"): 0.35}
    targets |= {(code, ""): share for code, share in SHARES.items()}
    ControlTarget.objects.bulk_create(
        ControlTarget(division_id=c, year=today.year, sector=s, max_deaths=int(deaths_a_year * n), entered_by=region)
        for (c, s), n in targets.items()
    )
    print(f"  {len(denominators)} denominators, {len(targets)} control targets for {today.year}")


def describe(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT severity, count(*) FROM accidents_accident GROUP BY 1 ORDER BY 2 DESC")
        severities = ", ".join(f"{s} {n}" for s, n in cursor.fetchall())
        cursor.execute("SELECT sector, count(*) FROM accidents_accident GROUP BY 1 ORDER BY 2 DESC")
        sectors = ", ".join(f"{s} {n}" for s, n in cursor.fetchall())
        cursor.execute("""SELECT count(*) FILTER (WHERE missing > 0), count(*) FILTER (WHERE division_id LIKE '5401%%'),
                          count(*) FILTER (WHERE awaiting_division <> ''), sum(deaths),
                          pg_size_pretty(pg_total_relation_size('accidents_accident')),
                          pg_size_pretty(pg_total_relation_size('accidents_reportstep')) FROM accidents_accident""")
        missing, lhasa, awaiting, deaths, size, steps_size = cursor.fetchone()
    print(f"accidents: {severities}; {deaths} deaths; {missing} with missing; {lhasa} in Lhasa; {awaiting} awaiting")
    print(f"  by sector: {sectors}")
    print(f"  on disk with their indexes: accidents {size}, report steps {steps_size}")


# ------------------------------------------------------------------ the same figures by hand
def params(division: str, now, **extra) -> dict:
    return {
        "tz": app.settings.TIME_ZONE, "larger": list(app.accident_rules.LARGER_AND_ABOVE), "now": now,
        "coal": app.accident_rules.COAL_MINE, "prefix": app.division_prefix(division) + "%", **extra,
    }  # fmt: skip


def figures(keys: list, periods: dict, covered: str) -> str:
    """One scan per named period (its accidents by occurred_at, its returns by their months, or whole years it
    holds), grouped by the keys: (name, expression over accidents `a`, over returns `r`)."""
    zone, scans = zoneinfo.ZoneInfo(app.settings.TIME_ZONE), []
    for name, period in periods.items():
        start, end = (dt.datetime.combine(d, dt.time(), zone) for d in (period.first_day(), period.after_last_day()))
        (y1, m1), (y2, m2) = period.start, period.end
        r_when = f"(r.year * 12 + r.month BETWEEN {y1 * 12 + m1} AND {y2 * 12 + m2}"
        r_when += f" OR r.month IS NULL AND r.year BETWEEN {y1 + (m1 > 1)} AND {y2 - (m2 < 12)})"
        scans.append(SCAN.format(
            name=name, covered=covered, start=start.isoformat(), end=end.isoformat(), r_when=r_when,
            a_key=", ".join(f"{a} AS {key}" for key, a, _ in keys), r_key=", ".join(r for _, _, r in keys),
            a_measures=", ".join(f"{PER_ACCIDENT[m]} AS {m}" for m in app.statistics.MEASURES),
            r_measures=", ".join(f"sum(r.{m})" for m in app.statistics.MEASURES),
            group=", ".join(str(i + 2) for i in range(len(keys))),
        ))  # fmt: skip
    return "\nUNION ALL".join(scans)


def covered_cells(conn) -> str:
    """Reports inside the cell of a return that covers reports are left out (the return counts): the condition."""
    cells = []
    for code, year, month, sector in conn.execute(CELLS):
        cell = app.rules.month(year, month) if month else app.rules.year_period(year)
        start, end = (
            dt.datetime.combine(d, dt.time(), zoneinfo.ZoneInfo(app.settings.TIME_ZONE))
            for d in (cell.first_day(), cell.after_last_day())
        )
        cells.append(f"a.sector = '{sector}' AND a.division_id LIKE '{app.division_prefix(code)}%%'"
                     f" AND a.occurred_at >= '{start.isoformat()}' AND a.occurred_at < '{end.isoformat()}'")  # fmt: skip
    return f"NOT ({' OR '.join(f'({cell})' for cell in cells)})" if cells else "TRUE"


def sums() -> str:
    return ", ".join(f"coalesce(sum({m}), 0)" for m in app.statistics.MEASURES)


def key(name: str, division="") -> tuple[str, str, str]:
    """A grouping key: the sector, the division (the level below `division`, as the platform shows), year or month."""
    if name == "d":
        length = min(len(app.division_prefix(division)) + 2, 6)
        return "d", f"left(a.division_id, {length})", f"left(r.division_id, {length})"
    if name in ("y", "m"):
        part = {"y": "year", "m": "month"}[name]
        return name, f"extract({part} FROM a.occurred_at AT TIME ZONE %(tz)s)::int", f"r.{part}"
    return "s", "a.sector", "r.sector"


def table_queries(period, division: str, now, covered: str) -> list:
    rules = app.rules
    named = {"now": period, "last_year": rules.same_period_last_year(period), "before": rules.previous_period(period)}
    sql = f"SELECT p, s, {sums()} FROM ({figures([key('s')], named, covered)}) u GROUP BY GROUPING SETS ((p, s), (p))"
    return [(sql, params(division, now))]


def dashboard_queries(year: int, through: int, division: str, now, covered: str) -> list:
    rules = app.rules
    period = rules.year_to_date(year, through)
    named = {"now": period, "last_year": rules.same_period_last_year(period), "before": rules.previous_period(period)}
    years = {"before": rules.year_period(year - 1), "now": rules.year_period(year)}
    cells = figures([("d", "a.division_id", "r.division_id"), key("s")], {"now": period}, covered)
    return [(sql, params(division, now, year=year)) for sql in (
        f"SELECT p, d, s, {sums()} FROM ({figures([key('d', division), key('s')], named, covered)}) u"
        " GROUP BY GROUPING SETS ((p), (p, d), (p, s))",
        f"SELECT y, m, {sums()} FROM ({figures([key('y'), key('m')], years, covered)}) u GROUP BY y, m",
        TARGETS.format(figures=cells, prefix=PREFIX.format("t.division_id")),
    )]  # fmt: skip


def indicator_queries(year: int, division: str, now, covered: str) -> list:
    rules = app.rules
    u = figures([key("d", division), key("s")], {str(y): rules.year_period(y) for y in (year, year - 1)}, covered)
    extra = {"whole": division, "imc": app.accident_rules.INDUSTRIAL, "road": app.accident_rules.ROAD_TRAFFIC}
    return [(INDICATORS.format(figures=u), params(division, now, **extra))]


def run(conn, queries) -> list:
    return [conn.execute(sql, params).fetchall() for sql, params in queries]


def is_zero(value) -> bool:
    return all(is_zero(v) for v in value) if isinstance(value, tuple) else value in (0, None)


def nonzero(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if not is_zero(value)}


def hand_table(results) -> dict:
    got, zero = {(p, s): tuple(rest) for p, s, *rest in results[0]}, (0,) * 8
    sectors = {s for _, s in got if s}
    return {
        "rows": nonzero({s: (got.get(("now", s), zero), got.get(("last_year", s), zero)) for s in sectors}),
        "total": tuple(got.get((p, None), zero) for p in ("now", "last_year", "before")),
    }


def hand_dashboard(results) -> dict:
    parts, months, targets = results
    got, zero = {(p, d, s): tuple(rest) for p, d, s, *rest in parts}, (0,) * 8

    def pair(d, s):
        return got.get(("now", d, s), zero), got.get(("last_year", d, s), zero)

    return {
        "total": tuple(got.get((p, None, None), zero) for p in ("now", "last_year", "before")),
        "months": nonzero({(y, m or "whole"): tuple(rest) for y, m, *rest in months}),
        "divisions": nonzero({d.ljust(6, "0"): pair(d, None) for _, d, _ in got if d}),
        "sectors": nonzero({s: pair(None, s) for _, _, s in got if s}),
        "targets": {(code, sector): deaths for code, sector, deaths in targets},
    }


def hand_indicators(results) -> dict:
    return nonzero({(place, year): tuple(rest) for place, year, *rest in results[0]})


def measures(bucket) -> tuple:
    return tuple(bucket[name] for name in app.statistics.MEASURES)


def platform_table(table) -> dict:
    total = table["total"]
    return {
        "rows": nonzero({row["key"]: (measures(row), measures(row["last_year"])) for row in table["rows"]}),
        "total": (measures(total), measures(total["last_year"]), measures(total["previous_period"])),
    }


def platform_dashboard(board) -> dict:
    months = {(y, key): measures(b) for y, series in board["months"].items() for key, b in series.items() if b}
    return {
        "total": platform_table({"rows": [], "total": board["total"]})["total"],
        "months": nonzero(months),
        "divisions": platform_table({"rows": board["divisions"], "total": board["total"]})["rows"],
        "sectors": platform_table({"rows": board["sectors"], "total": board["total"]})["rows"],
        "targets": {(t["division"], t["sector"]): t["deaths"] for t in board["targets"]},
    }


def platform_indicators(result) -> dict:
    out, year, rates = {}, result["year"], app.rules.INDICATORS
    for row in result["rows"]:
        out[row["division"], year] = (*(row[f] for f in INDICATOR_FIGURES), *(row["indicators"][r] for r in rates))
        last, last_rates = row["last_year"], row["last_year_indicators"]
        out[row["division"], year - 1] = (*(last[f] for f in INDICATOR_FIGURES), *(last_rates[r] for r in rates))
    return nonzero(out)


def compare(label: str, platform: dict, hand: dict) -> None:
    if platform == hand:
        return print(f"  {label}: figures match")
    for part in sorted(set(platform) | set(hand), key=str):
        a, b = platform.get(part), hand.get(part)
        for key in sorted(set(a) | set(b), key=str) if isinstance(a, dict) and isinstance(b, dict) else [None]:
            x, y = (a.get(key), b.get(key)) if key is not None else (a, b)
            if x != y:
                print(f"  {part} {key or ''}: platform {x}, hand-written {y}")
    raise SystemExit(f"{label}: the platform's figures differ from the hand-written SQL's")


# ------------------------------------------------------------------ the API
urlpatterns = []  # the bare application's, filled by bare_application()


def bare_record(request):
    """The yardstick: parse the report, class it, insert the one row by raw SQL; no auth, no chain, no audit."""
    from django.db import connection
    from django.http import JsonResponse

    from anjian.accidents import rules

    data = json.loads(request.body)
    loss = Decimal(data["direct_loss_yuan"])
    person, organisation = os.environ["BENCH_BARE_RECORDER"].split(":")
    window = rules.update_window_closes(dt.datetime.fromisoformat(data["occurred_at"]), data["sector"])
    severity = rules.severity(data["deaths"], data["missing"], data["serious_injuries"], loss)
    values = {**data, "direct_loss_yuan": loss, "person": person, "organisation": organisation, "window": window}
    with connection.cursor() as cursor:
        cursor.execute(BARE_INSERT, values | {"severity": severity})
    return JsonResponse({"id": data["uuid"], "severity": severity}, status=201)


def bare_application():
    """gunicorn 'accidents:bare_application()': a bare Django project in this file, as bench/bare.py, with a database."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpResponse
    from django.urls import path

    settings.configure(
        DEBUG=False, SECRET_KEY=SECRET, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, MIDDLEWARE=[], INSTALLED_APPS=[],
        USE_TZ=True, DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)},
    )  # fmt: skip
    urlpatterns.extend([path("bare/accidents", bare_record), path("healthz", lambda request: HttpResponse("ok"))])
    return get_wsgi_application()


def serve(app: str, env: dict) -> tuple[subprocess.Popen, int]:
    """Start gunicorn on a free port and wait until it answers /healthz."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {app} exited with {process.returncode}") from None
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{app} did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def post_all(port: int, path: str, requests: list) -> tuple[list, float]:
    """POST every (headers, body) from CLIENTS threads, each over its own connection (gunicorn's sync workers close
    it after each response; http.client opens it again). Returns the latencies and the wall time."""
    queue, lock, latencies = iter(requests), threading.Lock(), []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return conn.close()
            started = time.perf_counter()
            for attempt in range(3):  # the client UUID makes a retry safe
                try:
                    conn.request("POST", path, item[1], item[0])
                    response = conn.getresponse()
                    body = response.read()
                    break
                except (http.client.RemoteDisconnected, ConnectionError):
                    conn.close()
                    if attempt == 2:
                        raise
            latencies.append(time.perf_counter() - started)
            if response.status != 201:
                raise RuntimeError(f"POST {path}: {response.status} {body[:500]!r}")

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for future in [pool.submit(client) for _ in range(CLIENTS)]:
            future.result()
    return latencies, time.perf_counter() - started


def api_requests(maker: Maker, tokens: list, count: int) -> list:
    """(headers, body) of `count` new accidents of the last two days, each from a county or prefecture statistician."""
    timezone = app.timezone
    rng, now, out = maker.rng, timezone.now(), []
    for _ in range(count):
        key, counties = rng.choice(tokens)
        sector, industry, category = maker.kind()
        deaths, missing, serious, minor, loss = maker.figures()
        occurred = timezone.localtime(now - dt.timedelta(minutes=rng.randint(30, 48 * 60)))
        body = {
            "uuid": str(uuid.uuid4()), "occurred_at": occurred.isoformat(),
            "head_informed_at": (occurred + dt.timedelta(minutes=rng.randint(0, 20))).isoformat(),
            "division": rng.choice(counties), "unit_name": f"单位{rng.randrange(100000)}", "sector": sector,
            "industry": industry, "category": category, "deaths": deaths, "missing": missing,
            "serious_injuries": serious, "minor_injuries": minor, "direct_loss_yuan": str(loss), "summary": "事故经过简述",
        }  # fmt: skip
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}", "Accept-Language": "zh-hans"}
        out.append((headers, json.dumps(body).encode()))
    return out


def measure_api(label: str, app: str, env: dict, path: str, requests: list) -> tuple[float, float, float]:
    process, port = serve(app, env)
    try:
        post_all(port, path, requests[: 2 * CLIENTS])  # warm-up, not counted
        latencies, seconds = post_all(port, path, requests[2 * CLIENTS :])
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(process.pid)], capture_output=True, text=True).stdout
    finally:
        stop(process)
    p50, p99 = statistics.median(latencies) * 1000, statistics.quantiles(latencies, n=100)[98] * 1000
    rps, rss = len(latencies) / seconds, sum(int(x) for x in out.split()) / 1024
    print(f"  {label}: median {p50:.1f} ms, p99 {p99:.1f} ms, {rps:.1f} req/s; workers' RSS {rss:.0f} MiB")
    return p50, p99, rps


def count_rows(connection) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM accidents_accident), (SELECT count(*) FROM accidents_reportstep),"
            " (SELECT count(*) FROM accidents_casualtyupdate), (SELECT count(*) FROM core_auditentry)"
        )
        return cursor.fetchone()


# ------------------------------------------------------------------ bench
def set_up_django() -> None:
    """Django against the bench's database, and the project's modules this file uses as `app.<name>`."""
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from anjian.accidents import rules as accident_rules
    from anjian.accidents import services
    from anjian.core.models import Division
    from anjian.core.rules import division_prefix
    from anjian.indicators import rules, statistics

    app.__dict__.update(
        settings=settings, timezone=timezone, accident_rules=accident_rules, services=services, Division=Division,
        division_prefix=division_prefix, rules=rules, statistics=statistics,
    )  # fmt: skip


def main() -> None:
    count = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_ACCIDENTS", "1000000"))
    set_up_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from anjian.core.services import division_load_file, token_create

    rules, platform, timezone = app.rules, app.statistics, app.timezone
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    division_load_file()
    today, zone = timezone.localdate(), timezone.get_current_timezone()
    statisticians = make_bureaus(random.Random(7))
    print(f"loading {count} accidents, {FIRST_DAY} to {today - dt.timedelta(days=1)}; {len(statisticians)} bureaus")
    generate(connection, count, statisticians, today, zone)
    make_statistics(count, statisticians, today)
    with connection.cursor() as cursor:  # as autovacuum leaves tables in production: analysed, visibility map set
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    print(f"loaded in {time.perf_counter() - started:.0f} s")
    describe(connection)

    # the statistics: the platform against hand-written SQL
    hand = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True, prepare_threshold=None)
    lhasa, region, year = statisticians["540100"], statisticians["540000"], today.year
    ytd = rules.year_to_date(year, today.month - 1) if today.month > 1 else rules.year_period(year - 1)
    cases = [
        (f"a. table, Lhasa by sector, {ytd.label()} against a year before",
         lambda: platform.table(lhasa, ytd, "sector", division="540100"), platform_table,
         lambda now: table_queries(ytd, "540100", now, covered_cells(hand)), hand_table),
        (f"b. dashboard, the region, {year} through month {today.month}",
         lambda: platform.dashboard(region, year, "540000"), platform_dashboard,
         lambda now: dashboard_queries(year, today.month, "540000", now, covered_cells(hand)), hand_dashboard),
        (f"c. indicators, the region and its prefectures, {year - 1}",
         lambda: platform.indicators(region, year - 1, "540000"), platform_indicators,
         lambda now: indicator_queries(year - 1, "540000", now, covered_cells(hand)), hand_indicators),
    ]  # fmt: skip
    ratios = []
    for label, call, platform_figures, queries, hand_figures in cases:
        print(label)
        with CaptureQueriesContext(connection) as captured:
            figures = platform_figures(call())
        compare(label[:2], figures, hand_figures(run(hand, queries(timezone.now()))))
        if EXPLAIN:
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            plans = [("the platform's slowest", slowest["sql"], None)]
            for title, sql, params in plans + [("hand-written", sql, p) for sql, p in queries(timezone.now())]:
                plan = hand.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
                print(f"  {title}:\n{sql}\n" + "\n".join(row[0] for row in plan))
        a, b = timed(call, lambda queries=queries: run(hand, queries(timezone.now())), RUNS)
        print(f"  platform {a * 1000:.1f} ms in {len(captured)} queries, hand-written SQL {b * 1000:.1f} ms "
              f"in {len(queries(None)) + 1}, ratio {a / b:.2f}")  # fmt: skip
        ratios.append(f"{label[:1]} {a / b:.2f}")
    hand.close()

    # recording through the API: the platform against a bare view
    tokens = []  # a county's statistician records in the county, a prefecture's in any of its counties
    for code, person in statisticians.items():
        if code != "540000":
            counties = (
                app.Division.objects.filter(parent=code).values_list("code", flat=True) if code[4:] == "00" else [code]
            )
            tokens.append((token_create(person, name="bench", days=1)[1], list(counties)))
    maker, recorder = Maker(99), f"{lhasa.pk}:{lhasa.organisation_id}"
    env = os.environ | {"DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR"}
    bare_env = env | {"PYTHONPATH": str(ROOT / "bench"), "BENCH_BARE_RECORDER": recorder}
    print(f"recording one accident: {POSTS} posts from {CLIENTS} client threads, gunicorn with {WORKERS} sync workers")
    samples, client = [], Client()  # first one at a time, in this process: the work of one post without a queue
    for headers, body in api_requests(maker, tokens, 101):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post("/api/v1/accidents", body, content_type="application/json", headers=headers)
            samples.append(time.perf_counter() - started)
        assert response.status_code == 201, response.content
    print(f"  one at a time in this process (django.test.Client): median {statistics.median(samples[1:]) * 1000:.1f} ms,"
          f" {len(captured)} queries")  # fmt: skip
    before = count_rows(connection)
    p50, p99, rps = measure_api("POST /api/v1/accidents", "config.wsgi", env, "/api/v1/accidents",
                                api_requests(maker, tokens, POSTS + 2 * CLIENTS))  # fmt: skip
    added = [n - m for n, m in zip(count_rows(connection), before, strict=True)]
    print(f"    recorded {added[0]} accidents, {added[1]} report steps, {added[2]} casualty figures, {added[3]} audit entries")  # fmt: skip
    b50, b99, brps = measure_api("bare Django view, one raw INSERT", "accidents:bare_application()", bare_env,
                                 "/bare/accidents", api_requests(maker, tokens, POSTS + 2 * CLIENTS))  # fmt: skip
    print(f"  ratio platform/bare: median {p50 / b50:.2f}, p99 {p99 / b99:.2f}, requests/s {rps / brps:.3f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"summary: {count} accidents; statistics ratios {', '.join(ratios)}; recording: median {p50:.0f} ms, "
          f"p99 {p99:.0f} ms, {rps:.0f} req/s ({brps / rps:.1f}x fewer than bare); peak RSS of the bench {peak:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
