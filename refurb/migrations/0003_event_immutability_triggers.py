"""Make the database itself refuse to change or delete a device event.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, used only to empty test databases, stays
possible). SQLite refuses UPDATE; its test flush deletes rows, so DELETE is refused there by
the model layer only.
"""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION refurb_deviceevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'device events are append-only: % refused on refurb_deviceevent', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS refurb_deviceevent_append_only ON refurb_deviceevent;
CREATE TRIGGER refurb_deviceevent_append_only
    BEFORE UPDATE OR DELETE ON refurb_deviceevent
    FOR EACH ROW EXECUTE FUNCTION refurb_deviceevent_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS refurb_deviceevent_append_only ON refurb_deviceevent;
DROP FUNCTION IF EXISTS refurb_deviceevent_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS refurb_deviceevent_no_update
BEFORE UPDATE ON refurb_deviceevent
BEGIN
    SELECT RAISE(ABORT, 'device events are append-only: UPDATE refused on refurb_deviceevent');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS refurb_deviceevent_no_update;"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("refurb", "0002_seed_checklists_grades")]
    operations = [migrations.RunPython(create, drop)]
