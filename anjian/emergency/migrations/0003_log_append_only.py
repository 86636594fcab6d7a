"""An incident's command log refuses UPDATE at the database itself (PostgreSQL and SQLite), and DELETE on
PostgreSQL (on SQLite the test suite's flush deletes rows; the model and the services never do)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION emergency_logentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the command log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER emergency_logentry_append_only
    BEFORE UPDATE OR DELETE ON emergency_logentry
    FOR EACH ROW EXECUTE FUNCTION emergency_logentry_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS emergency_logentry_append_only ON emergency_logentry;
DROP FUNCTION IF EXISTS emergency_logentry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER emergency_logentry_append_only BEFORE UPDATE ON emergency_logentry
BEGIN SELECT RAISE(ABORT, 'the command log is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS emergency_logentry_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("emergency", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
