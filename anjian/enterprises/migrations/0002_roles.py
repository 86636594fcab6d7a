"""Who registers and changes production units: administrators and inspectors."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"admin": ["manage_enterprises"], "inspector": ["manage_enterprises"]}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "enterprises", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "enterprises", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_registry"), ("core", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
