"""The checklist templates, as data (anjian/enforcement/data/checklists.json of the day)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "checklists.json"


def forwards(apps, schema_editor):
    Template = apps.get_model("enforcement", "ChecklistTemplate")
    Item = apps.get_model("enforcement", "ChecklistItem")
    for entry in json.loads(DATA.read_text(encoding="utf-8")):
        template, created = Template.objects.get_or_create(category=entry["category"], defaults={"name": entry["name"]})
        if created:
            Item.objects.bulk_create(
                [Item(template=template, order=i, text=text, legal_basis=basis) for i, (text, basis) in enumerate(entry["items"], 1)]
            )


def backwards(apps, schema_editor):
    apps.get_model("enforcement", "ChecklistTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0006_inspections")]
    operations = [migrations.RunPython(forwards, backwards)]
