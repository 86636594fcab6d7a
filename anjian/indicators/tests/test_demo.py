"""The demo fills the information system: years of accidents, returns back to 2006, a mine accident on its way up."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from anjian.accidents.models import Accident, Investigation
from anjian.accidents.selectors import inbox_for
from anjian.core.models import Person
from anjian.indicators import statistics
from anjian.indicators.models import AggregateReturn, ControlTarget


@pytest.mark.django_db
def test_seed_demo_fills_the_dashboards(settings):
    settings.EMBEDDED = True
    call_command("seed_demo")
    today = timezone.localdate()
    region = Person.objects.get(username="xizang-statistician")
    years = statistics.series_by_year(region, 2006, today.year - 1, division="540000")
    assert all(figures["deaths"] > 0 for figures in years.values())  # returns, then reports: no empty year
    assert min(AggregateReturn.objects.values_list("year", flat=True)) == 2006
    assert AggregateReturn.objects.filter(division_code="542300").exists()  # Shigatse under its code of the day
    assert Accident.objects.filter(severity="larger").exists() and Investigation.objects.exists()
    assert {a.division_id[:4] for a in Accident.objects.all()} >= {"5401", "5402", "5403", "5404", "5405", "5406"}
    lhasa = Person.objects.get(username="lhasa-statistician")
    assert inbox_for(lhasa).filter(category="15", division_id="540127").exists()  # the night's mine explosion
    assert ControlTarget.objects.filter(year=today.year).count() >= 8
    count = Accident.objects.count()
    call_command("seed_demo")
    assert Accident.objects.count() == count
