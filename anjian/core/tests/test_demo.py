"""The demo data: the region's bureaus, supporting units, one account per place and role."""

import pytest
from django.core.management import call_command

from anjian.core.audit import audit_verify
from anjian.core.demo import PLACES, SUPPORTING_UNITS
from anjian.core.models import BUREAU_ROLES, Organisation, Person
from anjian.core.scope import scope_for


@pytest.mark.django_db
def test_seed_demo_creates_the_region_and_is_idempotent(settings, capsys):
    settings.EMBEDDED = True
    call_command("seed_demo")
    # the nation, the region, 7 prefectures, 74 counties, the core demo's 4 supporting units (the aid demo adds the
    # other counterpart provinces), 1 institution
    assert Organisation.objects.filter(kind="bureau").count() == 1 + 1 + 7 + 74
    core_supporters = [unit[2] for unit in SUPPORTING_UNITS if unit[0] == "supporting"]
    assert Organisation.objects.filter(kind="supporting", name_zh__in=core_supporters).count() == 4
    assert Organisation.objects.filter(kind="institution").count() == 1
    expected = {"admin"} | {f"{place}-{role.value}" for place in PLACES for role in BUREAU_ROLES}
    expected |= {f"{place}-enterprise" for place in PLACES if place != "xizang"}
    assert expected <= set(Person.objects.values_list("username", flat=True))
    counts = (Organisation.objects.count(), Person.objects.count())
    call_command("seed_demo")
    assert (Organisation.objects.count(), Person.objects.count()) == counts
    assert "0 organisations and 0 accounts" in capsys.readouterr().out

    shigatse_inspector = Person.objects.get(username="shigatse-inspector")
    assert shigatse_inspector.roles == ["inspector"]
    assert shigatse_inspector.check_password("anjian-demo")
    assert scope_for(shigatse_inspector).division_prefix == "5402"
    assert scope_for(Person.objects.get(username="ngari-commander")).division_prefix == "5425"
    assert scope_for(Person.objects.get(username="xizang-aid")).division_prefix == "54"
    assert scope_for(Person.objects.get(username="admin")).is_everything
    shigatse = Organisation.objects.get(division_id="540200", kind="bureau")
    assert shigatse.name_bo.startswith("གཞིས་ཀ་རྩེ")
    assert audit_verify()[1] is None


@pytest.mark.django_db
def test_seed_demo_registers_valid_production_units_across_the_region(settings):
    from anjian.enterprises.models import Enterprise
    from anjian.enterprises.rules import credit_code_problem, industry_problem

    settings.EMBEDDED = True
    call_command("seed_demo")
    units = list(Enterprise.objects.all())
    assert len(units) >= 200
    assert {u.division_id[:4] for u in units} >= {"5401", "5402", "5403", "5404", "5405", "5406", "5425"}
    assert all(credit_code_problem(u.credit_code) is None and industry_problem(u.industry) is None for u in units)
    assert Enterprise.objects.filter(licences__isnull=False).exists()
    call_command("seed_demo")
    assert Enterprise.objects.count() == len(units)
