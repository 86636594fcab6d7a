"""Who handles penalty cases, and the legal bases (anjian/enforcement/data/legal_bases.json of the day).

Inspectors open and handle cases; the bureau's heads (leaders, administrators) approve filing, decide
and close; the legal officer reviews (Administrative Penalty Law Art. 58).
"""

import json
from pathlib import Path

from django.db import migrations

from anjian.core.migration_utils import grant_role_permissions, revoke_role_permissions

DATA = Path(__file__).resolve().parents[1] / "data" / "legal_bases.json"

ROLE_PERMISSIONS = {
    "inspector": ["handle_cases"],
    "leader": ["handle_cases", "approve_cases"],
    "admin": ["handle_cases", "approve_cases"],
    "legal": ["handle_cases", "review_cases"],
}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "enforcement", ROLE_PERMISSIONS)
    Basis = apps.get_model("enforcement", "LegalBasis")
    for entry in json.loads(DATA.read_text(encoding="utf-8")):
        Basis.objects.update_or_create(code=entry.pop("code"), defaults=entry)


def backwards(apps, schema_editor):
    revoke_role_permissions(apps, "enforcement", ROLE_PERMISSIONS)
    apps.get_model("auth", "Group").objects.filter(name="legal").delete()
    apps.get_model("enforcement", "LegalBasis").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0009_penalty_cases"), ("core", "0005_enterprise_role")]
    operations = [migrations.RunPython(forwards, backwards)]
