"""Demo statistics: yearly aggregate returns from 2006 until the reports begin (under the codes of their day),
denominators of the relative indicators, and this year's control targets.

Deterministic and idempotent: nothing is added once the demo has returns.
"""

import csv
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from anjian.accidents.demo import FIRST_YEAR, PREFECTURE_WEIGHTS
from anjian.core.demo import PLACES, REGION
from anjian.core.models import Person
from anjian.indicators import rules, services, statistics
from anjian.indicators.models import AggregateReturn

FIRST_RETURN_YEAR = 2006
SECTOR_SHARES = {"road_traffic": 0.62, "industrial": 0.28, "fire": 0.06, "agricultural_machinery": 0.04}
GDP_SHARES = {"540100": 0.33, "540200": 0.15, "540300": 0.13, "540400": 0.09, "540500": 0.09, "540600": 0.08}
GDP_SHARES["542500"] = 0.04


def _code_of_its_day(code: str, year: int) -> str:
    """The prefecture's code in that year: 542300 for Shigatse until 2014, and so on (division_changes.csv)."""
    path = Path(settings.DIVISIONS_CSV).with_name("division_changes.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["new_code"] == code and year < int(row["year"].split("/")[0]):
                return row["old_code"]
    return code


def seed_demo() -> dict:
    counts = {"returns": 0, "denominators": 0, "targets": 0}
    if AggregateReturn.objects.exists():
        return counts
    statistician = Person.objects.get(username="xizang-statistician")
    rng = random.Random(2006)
    rows = []
    total_weight = sum(PREFECTURE_WEIGHTS.values())
    for year in range(FIRST_RETURN_YEAR, FIRST_YEAR):
        region_deaths = 420 * (0.91 ** (year - FIRST_RETURN_YEAR))  # the long decline of the 2000s and 2010s
        for code, weight in PREFECTURE_WEIGHTS.items():
            for sector, share in SECTOR_SHARES.items():
                deaths = round(region_deaths * weight / total_weight * share * rng.uniform(0.8, 1.2))
                accidents = round(deaths * rng.uniform(1.05, 1.4))
                rows.append(
                    {
                        "division": _code_of_its_day(code, year),
                        "year": year,
                        "month": None,
                        "sector": sector,
                        "accidents": accidents,
                        "larger_accidents": int(deaths >= 8 and rng.random() < 0.4),
                        "deaths": deaths,
                        "serious_injuries": round(deaths * rng.uniform(0.8, 1.6)),
                        "minor_injuries": round(deaths * rng.uniform(1, 3)),
                        "direct_loss_yuan": Decimal(deaths * rng.randint(150, 400) * 1000),
                        "coal_deaths": 1
                        if sector == "industrial" and code == "540300" and deaths and year < 2012
                        else 0,
                        "source": "年度统计报表（演示）",
                    }
                )
    counts["returns"] = len(services.returns_save_many(statistician, rows))
    today = timezone.localdate()
    for year in range(FIRST_RETURN_YEAR, today.year + 1):
        gdp = Decimal(290) * Decimal("1.105") ** (year - FIRST_RETURN_YEAR)
        workers = int(180000 * 1.05 ** (year - FIRST_RETURN_YEAR))
        vehicles = int(150000 * 1.09 ** (year - FIRST_RETURN_YEAR))
        for code in (REGION, *GDP_SHARES):
            share = Decimal(1) if code == REGION else Decimal(str(GDP_SHARES[code]))
            values = {
                "gdp_100m_yuan": (gdp * share).quantize(Decimal("0.01")),
                "imc_workers": int(workers * share),
                "motor_vehicles": int(vehicles * share),
            }
            if code in (REGION, "540300") and year < 2016:
                values["coal_output_tonnes"] = Decimal(60000 - 3000 * (year - FIRST_RETURN_YEAR))
            services.denominator_save(statistician, division=code, year=year, source="统计年鉴（演示）", **values)
            counts["denominators"] += 1
    # This year's caps: last year's deaths and a little room, so that some prefectures near theirs.
    last_year = statistics.aggregate(statistician, rules.year_period(today.year - 1), "division", division=REGION)
    for code in PLACES.values():
        if code == REGION:
            continue
        cap = max(5, round(last_year.get(code, {"deaths": 0})["deaths"] * 1.1))
        services.target_save(statistician, division=code, year=today.year, max_deaths=cap)
        counts["targets"] += 1
    region_cap = round(sum(v["deaths"] for v in last_year.values()) * 1.05)
    services.target_save(statistician, division=REGION, year=today.year, max_deaths=max(region_cap, 10))
    services.target_save(
        statistician,
        division=REGION,
        year=today.year,
        sector="road_traffic",
        max_deaths=max(int(region_cap * 0.6), 5),
    )
    return counts
