"""Who registers and changes production units: administrators and inspectors."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {"admin": ["manage_enterprises"], "inspector": ["manage_enterprises"]}


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("enterprises")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="enterprises", codename__in=codenames))


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="enterprises", codename="manage_enterprises").delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_registry"), ("core", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
