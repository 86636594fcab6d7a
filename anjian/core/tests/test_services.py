"""Writes: who may do what, and bad input that changes nothing."""

import pytest

from anjian.core import services
from anjian.core.errors import DomainError, FormErrors, PermissionDenied
from anjian.core.models import AuditEntry, Organisation, Person

GOOD_PASSWORD = "Plateau-Inspector-7"


def new_person(actor, organisation, **overrides):
    fields = {
        "username": "tenzin",
        "full_name": "丹增",
        "organisation": organisation.pk,
        "password": GOOD_PASSWORD,
        "roles": ["inspector"],
    } | overrides
    return services.person_create(actor, **fields)


def test_an_administrator_manages_their_bureau_and_those_below(world):
    person = new_person(world.lhasa_admin, world.chengguan)
    assert person.organisation == world.chengguan
    assert person.roles == ["inspector"]
    assert person.check_password(GOOD_PASSWORD)
    services.person_update(world.lhasa_admin, person, roles=["inspector", "leader"], title="队长")
    person.refresh_from_db()
    assert person.roles == ["leader", "inspector"]


def test_an_administrator_cannot_manage_a_neighbour_or_the_bureau_above(world):
    for organisation in (world.shigatse, world.region):
        with pytest.raises(DomainError) as caught:
            new_person(world.lhasa_admin, organisation)
        assert caught.value.code == "organisation_unknown"


def test_without_the_administrator_role_nobody_manages_people(world):
    with pytest.raises(PermissionDenied):
        new_person(world.lhasa_inspector, world.lhasa)
    with pytest.raises(PermissionDenied):
        services.person_update(world.region_leader, world.lhasa_inspector, title="x")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"username": "lhasa-inspector"}, "username", "username_taken"),
        ({"username": "LHASA-INSPECTOR"}, "username", "username_taken"),
        ({"username": "扎西"}, "username", "username_invalid"),
        ({"username": "a b"}, "username", "username_invalid"),
        ({"full_name": "  "}, "full_name", "required"),
        ({"password": "12345678901"}, "password", "password_invalid"),
        ({"password": "short"}, "password", "password_invalid"),
        ({"password": "password123"}, "password", "password_invalid"),
        ({"roles": ["overlord"]}, "roles", "role_unknown"),
        ({"email": "not-an-address"}, "email", "invalid"),
        ({"language": "fr"}, "language", "language_unknown"),
    ],
)
def test_bad_people_are_refused_and_nothing_is_written(world, overrides, field, code):
    people, entries = Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as caught:
        new_person(world.lhasa_admin, world.lhasa, **overrides)
    errors = (
        caught.value.errors if isinstance(caught.value, FormErrors) else [(caught.value.field, caught.value.code, "")]
    )
    assert (field, code) in [(f, c) for f, c, _m in errors]
    assert Person.objects.count() == people
    assert AuditEntry.objects.count() == entries


def test_names_of_any_script_and_no_surname(world):
    person = new_person(world.lhasa_admin, world.lhasa, full_name="བསོད་ནམས་རྡོ་རྗེ་")
    assert Person.objects.get(pk=person.pk).full_name == "བསོད་ནམས་རྡོ་རྗེ་"


def test_an_administrator_cannot_lock_themselves_out(world):
    with pytest.raises(DomainError) as caught:
        services.person_deactivate(world.lhasa_admin, world.lhasa_admin)
    assert caught.value.code == "cannot_change_self"
    with pytest.raises(DomainError):
        services.person_update(world.lhasa_admin, world.lhasa_admin, roles=["inspector"])


def test_deactivation_keeps_the_person_and_stops_the_login(world, client):
    services.person_deactivate(world.lhasa_admin, world.lhasa_inspector)
    assert not Person.objects.get(pk=world.lhasa_inspector.pk).is_active
    with pytest.raises(DomainError) as caught:
        services.account_authenticate(None, username="lhasa-inspector", password="Correct-Horse-42")
    assert caught.value.code == "account_inactive"


def test_bureaus_are_created_below_only_and_one_per_division(world):
    bureau = services.organisation_create(
        world.lhasa_admin, kind="bureau", name_zh="林周县安全生产监督管理局", division="540121"
    )
    assert bureau.level == "county"
    cases = [
        ({"division": "540121"}, "bureau_exists"),
        ({"division": "540221"}, "division_out_of_scope"),
        ({"division": "549999"}, "division_unknown"),
        ({"division": "5401"}, "division_unknown"),
        ({"division": ""}, "required"),
        ({"kind": "enterprise", "division": "540122"}, "kind_not_allowed"),
        ({"kind": "supporting", "division": "540122"}, "support_kind_required"),
        ({"support_kind": "central_enterprise", "division": "540122"}, "support_kind_not_allowed"),
    ]
    for overrides, code in cases:
        fields = {"kind": "bureau", "name_zh": "某局"} | overrides
        with pytest.raises(DomainError) as caught:
            services.organisation_create(world.lhasa_admin, **fields)
        assert caught.value.code == code, overrides
    assert not Organisation.objects.filter(name_zh="某局").exists()


def test_supporting_units_register_under_a_bureau_and_keep_their_home(world):
    unit = services.organisation_create(
        world.region_admin,
        kind="supporting",
        support_kind="province_bureau",
        name_zh="上海市应急管理局（援藏）",
        division="540200",
        home_division="310000",
    )
    assert unit.home_division_id == "310000"
    with pytest.raises(DomainError) as caught:
        services.organisation_create(
            world.region_admin,
            kind="supporting",
            support_kind="province_bureau",
            name_zh=unit.name_zh,
            division="540000",
        )
    assert caught.value.code == "name_taken"


def test_an_organisation_with_people_is_not_deleted(world):
    with pytest.raises(DomainError) as caught:
        services.organisation_delete(world.lhasa_admin, world.chengguan)
    assert caught.value.code == "organisation_in_use"
    empty = services.organisation_create(world.lhasa_admin, kind="bureau", name_zh="尼木县局", division="540123")
    pk = empty.pk
    services.organisation_delete(world.lhasa_admin, empty)
    assert not Organisation.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.filter(object_type="core.organisation", object_id=str(pk)).latest("seq")
    assert entry.action == "delete"
    assert entry.before["name_zh"] == "尼木县局"


def test_bootstrap_creates_the_first_bureau_and_administrator(db, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    secret = tmp_path / "pw"
    secret.write_text("Snow-Lion-2026-plateau")
    call_command(
        "bootstrap_admin",
        "--division=540000",
        "--bureau=西藏自治区安全生产监督管理局",
        "--username=root-admin",
        "--full-name=管理员",
        f"--password-file={secret}",
    )
    person = Person.objects.get(username="root-admin")
    assert person.roles == ["admin"]
    assert person.organisation.division_id == "540000"
    assert person.check_password("Snow-Lion-2026-plateau")
    assert AuditEntry.objects.filter(object_type="core.person", object_id=str(person.pk), action="create").exists()
    secret.write_text("123")
    with pytest.raises(CommandError) as caught:
        call_command(
            "bootstrap_admin",
            "--division=549999",
            "--bureau=x",
            "--username=b",
            "--full-name=x",
            f"--password-file={secret}",
        )
    assert "549999" in str(caught.value)
