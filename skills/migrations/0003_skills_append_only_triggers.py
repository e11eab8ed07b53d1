"""A coach's validation and a framework change are never edited: the database refuses it too
(UPDATE and DELETE on PostgreSQL, UPDATE on SQLite), like the device history."""

import importlib

from django.db import migrations

REFURB = importlib.import_module("refurb.migrations.0013_integrity_writeoff_audit_actor_kind")
APPEND_ONLY = ("skills_skillvalidation", "skills_skillchange")


def append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(REFURB.PG_FUNCTION, params=None)
    for table in APPEND_ONLY:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refurb_append_only();",
                params=None,
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;"
            )


def append_only_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in APPEND_ONLY:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0002_seed_framework"),
        ("refurb", "0013_integrity_writeoff_audit_actor_kind"),
    ]

    operations = [migrations.RunPython(append_only, append_only_drop)]
