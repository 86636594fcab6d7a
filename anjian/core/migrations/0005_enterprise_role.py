"""The enterprise safety officer's role: reaches its own unit's records through its organisation."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"enterprise": []}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "core", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "core", ROLE_PERMISSIONS)
    apps.get_model("auth", "Group").objects.filter(name="enterprise").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_division_prefix_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
