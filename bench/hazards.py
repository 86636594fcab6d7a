"""make bench: hazard statistics and the overdue list on PostgreSQL at the size of a region's decade.

Generates 200,000 production units and 2,000,000 hazards (BENCH_UNITS, BENCH_HAZARDS) with SQL, then
times, as a Lhasa leader would ask them:
- the hazard statistics of the prefecture for a year (per county and grade, per category and grade);
- the overdue list (count and the first 50 by deadline);
each through the platform's selector and as the same query written by hand in SQL, and reports the ratio.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
UNITS = int(os.environ.get("BENCH_UNITS", "200000"))
HAZARDS = int(os.environ.get("BENCH_HAZARDS", "2000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

HAND_STATS = """
WITH found AS (
  SELECT h.id, h.division_code, h.grade, h.closed_at, h.deadline, h.enterprise_id FROM enforcement_hazard h
  WHERE h.division_code LIKE %(prefix)s AND h.created_at >= %(start)s AND h.created_at < %(end)s
)
SELECT 'division', division_code, grade, count(*), count(*) FILTER (WHERE closed_at < %(end)s),
       count(*) FILTER (WHERE (closed_at IS NULL OR closed_at >= %(end)s) AND deadline < %(end_day)s)
  FROM found GROUP BY division_code, grade
UNION ALL
SELECT 'category', c.category, f.grade, count(*), count(*) FILTER (WHERE f.closed_at < %(end)s),
       count(*) FILTER (WHERE (f.closed_at IS NULL OR f.closed_at >= %(end)s) AND f.deadline < %(end_day)s)
  FROM found f JOIN enterprises_enterprisecategory c ON c.enterprise_id = f.enterprise_id GROUP BY c.category, f.grade
"""
HAND_OVERDUE = """
SELECT h.id, h.description, h.deadline, e.name FROM enforcement_hazard h
JOIN enterprises_enterprise e ON e.id = h.enterprise_id
WHERE h.division_code LIKE %(prefix)s AND h.state <> 'closed' AND h.deadline < %(today)s
ORDER BY h.deadline, h.created_at LIMIT 50
"""
HAND_OVERDUE_COUNT = """
SELECT count(*) FROM enforcement_hazard h
WHERE h.division_code LIKE %(prefix)s AND h.state <> 'closed' AND h.deadline < %(today)s
"""


def timed(function) -> float:
    function()  # warm-up
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def generate(cursor, admin_id: int) -> None:
    cursor.execute("SELECT code FROM core_division WHERE level = 'county' AND code LIKE '54%%' ORDER BY code")
    counties = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """
        INSERT INTO enterprises_enterprise (name, credit_code, legal_representative, address, division_id, industry,
            employees, standardisation_grade, status, created_at, updated_at)
        SELECT '单位' || g, lpad(g::text, 18, '0'), '扎西', '', (%(counties)s::text[])[1 + g %% %(n)s], 'C3021', g %% 500, '',
               'operating', now(), now()
        FROM generate_series(1, %(units)s) g
        """,
        {"counties": counties, "n": len(counties), "units": UNITS},
    )
    cursor.execute(
        """
        INSERT INTO enterprises_enterprisecategory (enterprise_id, category)
        SELECT id, (ARRAY['coal_mine','metal_nonmetal_mine','hazardous_chemicals','fireworks','civil_explosives',
                          'metallurgy','construction','industry_trade'])[1 + id % 8]
        FROM enterprises_enterprise
        """
    )
    cursor.execute("SELECT min(id) FROM enterprises_enterprise")
    first = cursor.fetchone()[0]
    cursor.execute(
        """
        INSERT INTO enforcement_hazard (id, enterprise_id, division_code, organisation_id, source, grade, state,
            description, location, responsible_person, measures, deadline, listed_supervision, plan, reported_by_id,
            created_at, closed_at)
        SELECT gen_random_uuid(), e.id, e.division_id, NULL, 'inspection',
               CASE WHEN g %% 20 = 0 THEN 'major' ELSE 'general' END,
               CASE WHEN g %% 10 < 6 THEN 'closed' WHEN g %% 10 < 8 THEN 'rectifying' ELSE 'open' END,
               '隐患' || g, '', '扎西', '', d.created::date + 30, g %% 20 = 0, '{}', %(admin)s,
               d.created, CASE WHEN g %% 10 < 6 THEN d.created + interval '20 days' END
        FROM generate_series(1, %(hazards)s) g
        JOIN enterprises_enterprise e ON e.id = %(first)s + g %% %(units)s
        CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01' + (g %% 700) * interval '1 day' AS created) d
        """,
        {"admin": admin_id, "hazards": HAZARDS, "first": first, "units": UNITS},
    )
    cursor.execute("ANALYZE")


def main() -> None:
    from api_list import bench_database_url

    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from anjian.core.services import bootstrap_administrator, division_load_file
    from anjian.enforcement import selectors

    call_command("migrate", verbosity=0)
    division_load_file()
    admin = bootstrap_administrator(
        division="540100", bureau_name="拉萨市安全生产监督管理局", username="bench-leader",
        full_name="bench", password="Bench-Password-2026",
    )  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        generate(cursor, admin.pk)
        cursor.execute("SELECT count(*) FROM enforcement_hazard WHERE division_code LIKE '5401%%'")
        in_scope = cursor.fetchone()[0]
    print(f"generated {UNITS} units and {HAZARDS} hazards in {time.perf_counter() - started:.0f} s; "
          f"{in_scope} hazards in Lhasa")  # fmt: skip

    year = 2026
    zone = ZoneInfo(settings.TIME_ZONE)
    params = {
        "prefix": "5401%",
        "start": dt.datetime(year, 1, 1, tzinfo=zone),
        "end": dt.datetime(year + 1, 1, 1, tzinfo=zone),
        "end_day": dt.date(year + 1, 1, 1),
        "today": dt.date.today(),
    }

    def platform_stats():
        return selectors.hazard_statistics(admin, year=year, by="county")

    def hand_stats():
        with connection.cursor() as cursor:
            cursor.execute(HAND_STATS, params)
            return cursor.fetchall()

    def platform_overdue():
        qs = selectors.filter_hazards(selectors.hazards_visible_to(admin), overdue=True)
        return qs.count(), list(qs.order_by("deadline", "created_at")[:50])

    def hand_overdue():
        with connection.cursor() as cursor:
            cursor.execute(HAND_OVERDUE_COUNT, params)
            count = cursor.fetchone()[0]
            cursor.execute(HAND_OVERDUE, params)
            return count, cursor.fetchall()

    assert platform_stats()["total"]["found"] == sum(r[3] for r in hand_stats() if r[0] == "division")
    assert platform_overdue()[0] == hand_overdue()[0]
    for label, platform, hand in (
        ("hazard statistics of a prefecture for a year", platform_stats, hand_stats),
        ("overdue list (count and first 50)", platform_overdue, hand_overdue),
    ):
        a, b = timed(platform), timed(hand)
        print(f"{label}: platform {a * 1000:.0f} ms, hand-written SQL {b * 1000:.0f} ms, ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
