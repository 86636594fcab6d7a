"""Who keeps the emergency registers and commands incidents: the commanders; a bureau's administrators keep the
registers and check plan filings too."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {
    "commander": ["manage_emergency", "command_incidents"],
    "admin": ["manage_emergency"],
    "leader": ["command_incidents"],
}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "emergency", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "emergency", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("emergency", "0001_plans_registers_incidents"), ("core", "0005_enterprise_role")]
    operations = [migrations.RunPython(forwards, backwards)]
