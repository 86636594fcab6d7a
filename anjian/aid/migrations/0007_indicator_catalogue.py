"""The capability indicators' catalogue (12 indicators across the five systems) loaded on every installation, so
that targets and values can be kept from the first day, not only in the demo. The catalogue is the one kept in
anjian/aid/capability.py (CATALOGUE); existing indicators are left as they are."""

from django.db import migrations


def forwards(apps, schema_editor):
    from anjian.aid.capability import CATALOGUE

    Indicator = apps.get_model("aid", "Indicator")
    for code, system, unit, higher, _bounds, zh, bo, en in CATALOGUE:
        Indicator.objects.get_or_create(
            code=code,
            defaults={"system": system, "unit": unit, "higher_is_better": higher, "name_zh": zh, "name_bo": bo,
                      "name_en": en},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("aid", "0006_ledger_uuid")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
