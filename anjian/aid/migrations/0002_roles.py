"""Who keeps aid: the aid coordinators of supporting units and bureaus keep plans, items, ledgers and milestones,
and supervise; a bureau's leaders supervise; its administrators and aid coordinators keep capability figures."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {
    "aid": ["keep_aid", "supervise_aid", "keep_capability"],
    "leader": ["supervise_aid"],
    "admin": ["keep_capability"],
}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "aid", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "aid", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("aid", "0001_plans_ledger_capability"), ("core", "0005_enterprise_role")]
    operations = [migrations.RunPython(forwards, backwards)]
