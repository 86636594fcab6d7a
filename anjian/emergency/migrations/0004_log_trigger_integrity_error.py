"""The command log's trigger on PostgreSQL raises an integrity violation (SQLSTATE 23001, restrict_violation), so a
refused change reaches the code as an IntegrityError on both databases."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION emergency_logentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the command log is append-only' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""
PG_BACKWARD = """
CREATE OR REPLACE FUNCTION emergency_logentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the command log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("emergency", "0003_log_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
