"""The audit log: every write leaves an entry; the chain shows any hand edit."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from anjian.core import services
from anjian.core.audit import audit_verify
from anjian.core.models import AuditEntry, Organisation


def tamper(sql, params=()):
    """Change the log behind the platform's back, as a database user could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch the trigger off; the chain still tells.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def make_history(world):
    organisation = services.organisation_create(
        world.lhasa_admin, kind="bureau", name_zh="林周县安全生产监督管理局", division="540121"
    )
    services.organisation_update(world.lhasa_admin, organisation, phone="0891-1234567")
    person = services.person_create(
        world.lhasa_admin,
        username="linzhou-inspector",
        full_name="次仁",
        organisation=organisation.pk,
        password="Plateau-Inspector-7",
        roles=["inspector"],
    )
    return organisation, person


def test_every_write_is_audited_with_who_what_before_and_after(world):
    organisation, person = make_history(world)
    history = list(AuditEntry.objects.filter(object_type="core.organisation", object_id=str(organisation.pk)))
    actions = sorted(entry.action for entry in history)
    assert actions == ["create", "update"]
    update = next(entry for entry in history if entry.action == "update")
    assert update.actor == world.lhasa_admin
    assert update.before == {"phone": ""}
    assert update.after == {"phone": "0891-1234567"}
    assert update.division_code == "540121"
    created = AuditEntry.objects.get(object_type="core.person", object_id=str(person.pk))
    assert created.after["roles"] == ["inspector"]
    assert "password" not in created.after


def test_the_chain_is_intact_after_normal_work(world):
    make_history(world)
    checked, broken = audit_verify()
    assert broken is None
    assert checked == AuditEntry.objects.count()


def test_an_edited_entry_is_found(world):
    make_history(world)
    target = AuditEntry.objects.filter(action="update").latest("seq")
    tamper("UPDATE core_auditentry SET actor_repr = %s WHERE seq = %s", ["someone-else", target.seq])
    _checked, broken = audit_verify()
    assert broken is not None
    assert broken.seq == target.seq
    assert "edited" in broken.reason


def test_a_removed_entry_is_found(world):
    make_history(world)
    target = AuditEntry.objects.filter(action="update").latest("seq")
    tamper("DELETE FROM core_auditentry WHERE seq = %s", [target.seq])
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    assert f"entry #{target.seq}" in str(caught.value)
    assert "removed" in str(caught.value)


def test_removing_the_newest_entries_is_found(world):
    make_history(world)
    last = AuditEntry.objects.latest("seq").seq
    tamper("DELETE FROM core_auditentry WHERE seq >= %s", [last - 1])
    _checked, broken = audit_verify()
    assert broken is not None
    assert broken.seq == last - 1


def test_command_reports_an_intact_chain(world, capsys):
    make_history(world)
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


@pytest.mark.postgres
def test_postgresql_refuses_to_change_the_log(world):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    make_history(world)
    for sql in ("UPDATE core_auditentry SET actor_repr = 'x'", "DELETE FROM core_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_a_failed_write_leaves_no_entry(world):
    before = AuditEntry.objects.count()
    with pytest.raises(services.DomainError):
        services.organisation_create(world.lhasa_admin, kind="bureau", name_zh="重复", division="540102")
    assert AuditEntry.objects.count() == before
    assert not Organisation.objects.filter(name_zh="重复").exists()
