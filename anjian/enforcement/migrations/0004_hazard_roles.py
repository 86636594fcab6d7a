"""Who records hazards and follows them: administrators, leaders and inspectors."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"admin": ["manage_hazards"], "leader": ["manage_hazards"], "inspector": ["manage_hazards"]}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "enforcement", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "enforcement", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_hazards")]
    operations = [migrations.RunPython(forwards, backwards)]
