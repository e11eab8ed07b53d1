"""Seal the events stored before the hash chain existed, and cache each device's chain head.

The append-only trigger refuses every UPDATE of an event, so this migration switches it off
for its own transaction only (PostgreSQL: ``DISABLE TRIGGER``; SQLite: drop and recreate) and
switches it back on before committing. On SQLite, adding the columns in 0004 rebuilt the table
and dropped the trigger with it: recreating it here restores it. Runs in bounded memory, 500 devices at a time.
"""

import importlib

from django.db import migrations

from refurb.events import UNKEYED_VERSION, event_seal

TRIGGERS = importlib.import_module("refurb.migrations.0003_event_immutability_triggers")
PG_TABLE = "refurb_deviceevent"
PG_TRIGGER = "refurb_deviceevent_append_only"
DEVICES_PER_BATCH = 500


def trigger_off(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {PG_TABLE} DISABLE TRIGGER {PG_TRIGGER}")
    elif vendor == "sqlite":
        schema_editor.execute(TRIGGERS.SQLITE_DROP)


def trigger_on(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {PG_TABLE} ENABLE TRIGGER {PG_TRIGGER}")
    elif vendor == "sqlite":
        schema_editor.execute(TRIGGERS.SQLITE_CREATE)


def seal_existing(apps, schema_editor):
    Device = apps.get_model("inventory", "Device")
    DeviceEvent = apps.get_model("refurb", "DeviceEvent")
    db = schema_editor.connection.alias
    # Always off and on again: on SQLite, 0004 rebuilt the table and so dropped its trigger.
    trigger_off(schema_editor)
    last_id = 0
    while True:
        devices = list(
            Device.objects.using(db)
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "asset_tag")[:DEVICES_PER_BATCH]
        )
        if not devices:
            break
        last_id = devices[-1][0]
        tags = dict(devices)
        events = list(
            DeviceEvent.objects.using(db).filter(device_id__in=tags).order_by("device_id", "seq")
        )
        heads = {}
        for event in events:
            previous = heads.get(event.device_id, "")
            heads[event.device_id] = event_seal(
                event,
                asset_tag=tags[event.device_id],
                prev_hash=previous,
                version=UNKEYED_VERSION,  # the chain had no key yet (0012 anchors it)
            )
        DeviceEvent.objects.using(db).bulk_update(events, ["prev_hash", "hash"], batch_size=1000)
        changed = [Device(pk=pk, event_head=head) for pk, head in heads.items()]
        Device.objects.using(db).bulk_update(changed, ["event_head"], batch_size=1000)
    trigger_on(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("refurb", "0005_event_chain"),
        ("inventory", "0008_device_event_head"),
    ]
    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
