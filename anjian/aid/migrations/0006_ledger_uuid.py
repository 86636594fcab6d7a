"""A client's id on ledger entries (a retried post answers the entry already posted). On SQLite adding the column
rebuilds the table, which drops its triggers: the append-only trigger is made again."""

from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS aid_ledgerentry_append_only BEFORE UPDATE ON aid_ledgerentry
BEGIN SELECT RAISE(ABORT, 'the aid ledger is append-only'); END;
"""


def trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0005_engagements"),
        ("core", "0007_seed_statutory_calendar"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="uuid",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.UniqueConstraint(fields=("uuid",), name="aid_ledger_uuid_unique"),
        ),
        migrations.RunPython(trigger_again, migrations.RunPython.noop),
    ]
