"""The funds ledger refuses UPDATE at the database itself (PostgreSQL and SQLite), and DELETE on PostgreSQL (on
SQLite the test suite's flush deletes rows; the model and the services never do); the error is an integrity
violation on both."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION aid_ledgerentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the aid ledger is append-only' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER aid_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON aid_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION aid_ledgerentry_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS aid_ledgerentry_append_only ON aid_ledgerentry;
DROP FUNCTION IF EXISTS aid_ledgerentry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER aid_ledgerentry_append_only BEFORE UPDATE ON aid_ledgerentry
BEGIN SELECT RAISE(ABORT, 'the aid ledger is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS aid_ledgerentry_append_only;"


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
    dependencies = [("aid", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
