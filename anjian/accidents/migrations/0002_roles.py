"""Who records accidents and runs investigations (the data of its day).

Statisticians, leaders and commanders record accidents, forward them and report casualty changes
(the duty officer of the story is a commander); leaders, statisticians and inspectors run investigations.
"""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {
    "statistician": ["record_accidents", "manage_investigations"],
    "leader": ["record_accidents", "manage_investigations"],
    "commander": ["record_accidents"],
    "inspector": ["manage_investigations"],
}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "accidents", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "accidents", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accidents", "0001_accidents"), ("core", "0005_enterprise_role")]
    operations = [migrations.RunPython(forwards, backwards)]
