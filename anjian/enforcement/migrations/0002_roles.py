"""Who plans inspections and draws: administrators and leaders."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"admin": ["manage_plans"], "leader": ["manage_plans"]}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "enforcement", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "enforcement", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_plans_and_draws"), ("core", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
