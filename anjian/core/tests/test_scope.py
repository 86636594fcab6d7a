"""The one scope function, and what each persona may see through it."""

from anjian.core import selectors
from anjian.core.models import Person
from anjian.core.scope import scope_for


def usernames(qs):
    return set(qs.values_list("username", flat=True))


def test_scope_of_each_kind_of_person(world):
    assert scope_for(world.platform_admin).is_everything
    assert scope_for(world.region_admin).division_prefix == "54"
    assert scope_for(world.lhasa_inspector).division_prefix == "5401"
    assert scope_for(world.chengguan_inspector).division_prefix == "540102"
    support = scope_for(world.beijing_aid)
    assert support.division_prefix is None
    assert support.organisation_id == world.beijing.pk


def test_deactivated_people_and_inactive_organisations_see_nothing(world):
    world.lhasa_inspector.is_active = False
    assert scope_for(world.lhasa_inspector).is_empty
    world.shigatse.is_active = False
    world.shigatse.save()
    shigatse_inspector = Person.objects.get(pk=world.shigatse_inspector.pk)
    assert not selectors.people_visible_to(shigatse_inspector).exists()


def test_lhasa_sees_lhasa_and_below_but_not_shigatse(world):
    seen = usernames(selectors.people_visible_to(world.lhasa_inspector))
    assert {"lhasa-inspector", "lhasa-admin", "chengguan-inspector", "beijing-aid"} <= seen
    assert "shigatse-inspector" not in seen
    assert "xizang-admin" not in seen


def test_region_sees_both_prefectures(world):
    seen = usernames(selectors.people_visible_to(world.region_leader))
    assert {"lhasa-inspector", "shigatse-inspector", "chengguan-inspector"} <= seen
    assert "admin" not in seen  # the national bureau lies above the region


def test_county_sees_only_its_county(world):
    seen = usernames(selectors.people_visible_to(world.chengguan_inspector))
    assert seen == {"chengguan-inspector"}


def test_supporting_unit_sees_its_own_records_only(world):
    assert usernames(selectors.people_visible_to(world.beijing_aid)) == {"beijing-aid"}
    organisations = selectors.organisations_visible_to(world.beijing_aid)
    assert list(organisations) == [world.beijing]


def test_organisations_in_scope(world):
    lhasa = set(selectors.organisations_visible_to(world.lhasa_inspector))
    assert lhasa == {world.lhasa, world.chengguan, world.beijing}
    region = set(selectors.organisations_visible_to(world.region_leader))
    assert {world.region, world.lhasa, world.shigatse, world.chengguan, world.beijing} == region
