"""Who manages training: trainers register trainees, run courses and see ID numbers in full; a bureau's
administrators manage training too but see ID numbers masked."""

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"trainer": ["manage_training", "view_id_numbers"], "admin": ["manage_training"]}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "training", ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "training", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_trainees"), ("core", "0005_enterprise_role")]
    operations = [migrations.RunPython(forwards, backwards)]
