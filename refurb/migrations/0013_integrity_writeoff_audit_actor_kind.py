"""Who made each event (``DeviceEvent.actor_kind``, hashed from chain format 2), the write-off
that proves a ``written_off`` move, and the audit of reference-data changes.

On SQLite, adding a column with a default rebuilds the events table, which drops its
append-only trigger: it is created again right after. The two new tables are append-only in
the database too, as the events are (PostgreSQL refuses UPDATE and DELETE, SQLite UPDATE).
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TRIGGERS = importlib.import_module("refurb.migrations.0003_event_immutability_triggers")


def keep_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(TRIGGERS.SQLITE_CREATE)


APPEND_ONLY = ("refurb_writeoff", "refurb_referencechange")
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION refurb_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
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
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS refurb_append_only();")


class Migration(migrations.Migration):
    dependencies = [
        ("refurb", "0012_chain_keyed_chain"),
        ("workshop", "0008_office_workstations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="deviceevent",
            name="actor_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("person", "person"),
                    ("agent", "workstation agent"),
                    ("system", "system"),
                ],
                default="",
                max_length=8,
                verbose_name="made by",
            ),
        ),
        migrations.RunPython(keep_trigger, migrations.RunPython.noop),
        migrations.CreateModel(
            name="WriteOff",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_state", models.CharField(max_length=16, verbose_name="from")),
                ("reason", models.TextField(verbose_name="reason")),
                (
                    "occasion",
                    models.CharField(
                        blank=True,
                        help_text="What the write-off was decided on, e.g. a stocktake.",
                        max_length=80,
                        verbose_name="occasion",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="write_offs",
                        to="refurb.device",
                        verbose_name="device",
                    ),
                ),
                (
                    "workstation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workshop.workstation",
                        verbose_name="workstation",
                    ),
                ),
            ],
            options={
                "verbose_name": "write-off",
                "verbose_name_plural": "write-offs",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ReferenceChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("model", models.CharField(max_length=40, verbose_name="table")),
                ("object_id", models.PositiveIntegerField(verbose_name="object id")),
                ("object_repr", models.CharField(max_length=200, verbose_name="object")),
                ("field", models.CharField(max_length=40, verbose_name="field")),
                ("old", models.JSONField(null=True, verbose_name="old value")),
                ("new", models.JSONField(null=True, verbose_name="new value")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        blank=True,
                        help_text="The site of the person who made the change (reference data is shared).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workshop.site",
                        verbose_name="site",
                    ),
                ),
            ],
            options={
                "verbose_name": "reference data change",
                "verbose_name_plural": "reference data changes",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["model", "object_id"], name="referencechange_object")
                ],
            },
        ),
        migrations.RunPython(append_only, append_only_drop),
    ]
