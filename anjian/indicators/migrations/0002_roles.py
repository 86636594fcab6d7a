"""Who enters statistics: statisticians (and the bureau's administrators) enter aggregate returns,
denominators and control targets."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"statistician": ["manage_statistics"], "admin": ["manage_statistics"]}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "indicators", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "indicators", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_statistics"), ("core", "0005_enterprise_role")]
    operations = [migrations.RunPython(forwards, backwards)]
