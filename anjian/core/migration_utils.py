"""Helpers for data migrations that give roles their permissions.

Each app's `0002_roles` migration keeps its own table (role → codenames) as
the data of its day; this helper only does the work. Keep its behaviour stable:
old migrations call it.
"""

from django.contrib.auth.management import create_permissions


def grant_role_permissions(apps, app_label: str, table: dict[str, list[str]]) -> None:
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in table.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def revoke_role_permissions(apps, app_label: str, table: dict[str, list[str]]) -> None:
    Permission = apps.get_model("auth", "Permission")
    codenames = {codename for codenames in table.values() for codename in codenames}
    Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames).delete()
