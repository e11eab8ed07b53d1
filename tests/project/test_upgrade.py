"""A database of the schema before the layering change upgrades in place and keeps every row.

The fixture is the demo workshop (``seed_demo``) plus a recycling shipment, dumped at commit
66d2202 (see ``tests/fixtures/upgrade/README.md``). The test migrates its database back to that
schema, loads the rows through the historical models, migrates forward to the newest schema
and compares row counts table by table and every device's event chain.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upgrade" / "main-66d2202.json.gz"
OLD_HEAD = [
    ("workshop", "0006_worker_profile"),
    ("refurb", "0007_snapshots_certificates"),
    ("inventory", "0012_device_serial_upper"),
    ("labels", "0001_initial"),
    ("shop", None),
    ("reports", None),
]
MOVED = {
    "refurb": ["category", "device", "stayrollup"],
    "shop": ["buyer", "creditnote", "deviceprice", "kit", "pricerule", "sale", "sitelegal"],
    "reports": ["benchweek", "rollupstate", "workerweek"],
}

pytestmark = pytest.mark.django_db(transaction=True)


def _load(apps, records) -> Counter:
    """Insert the dumped rows with the historical models; return the row count per table."""
    rows: dict[type, list] = {}
    links: list[tuple[object, str, list]] = []
    for record in records:
        model = apps.get_model(record["model"])
        obj = model(pk=record["pk"])
        for name, value in record["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many and name == "permissions":
                continue  # the role groups' permissions are synced by every migrate
            if field.many_to_many:
                links.append((model, name, (record["pk"], value)))
            elif field.is_relation:
                setattr(obj, field.attname, value)
            else:
                setattr(obj, field.attname, field.to_python(value))
        rows.setdefault(model, []).append(obj)
    tables: Counter = Counter()
    with transaction.atomic():
        for model, objs in rows.items():
            model.objects.bulk_create(objs)
            tables[model._meta.db_table] += len(objs)
        for model, name, (pk, targets) in links:
            through = model._meta.get_field(name).remote_field.through
            source, target = (
                f.attname for f in through._meta.fields if f.is_relation and not f.primary_key
            )
            through.objects.bulk_create(
                [through(**{source: pk, target: value}) for value in targets]
            )
            tables[through._meta.db_table] += len(targets)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(rows)):
                cursor.execute(statement)
    return tables


def _empty(state) -> None:
    """Delete the rows of the project's tables and of the users and groups (the content types
    and permissions stay, as in a real database)."""
    apps = state.apps
    tables = {"auth_user", "auth_user_groups", "auth_user_user_permissions", "auth_group"}
    tables |= {"auth_group_permissions", "authtoken_token", "django_admin_log"}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in {"workshop", "refurb", "inventory", "labels"}:
            tables.add(model._meta.db_table)
    statements = connection.ops.sql_flush(no_style(), sorted(tables), reset_sequences=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


@pytest.mark.slow(55)
def test_a_database_of_the_old_schema_upgrades_with_every_row_and_chain():
    records = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    executor = MigrationExecutor(connection)
    executor.migrate(OLD_HEAD)
    _empty(MigrationExecutor(connection).loader.project_state([n for n in OLD_HEAD if n[1]]))
    old_nodes = [(app, name) for app, name in OLD_HEAD if name]
    old_apps = MigrationExecutor(connection).loader.project_state(old_nodes).apps
    before = _load(old_apps, records)
    assert before["inventory_device"] == 64 and before["refurb_deviceevent"] == 585
    shipment = next(r for r in records if r["model"] == "inventory.recyclingshipment")
    lined = {
        r["fields"]["device"]
        for r in records
        if r["model"] == "inventory.recyclingshipmentline" and r["fields"]["device"]
    }
    unlined = set(shipment["fields"]["devices"]) - lined
    assert unlined, "the fixture holds a device listed without a line"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.contenttypes.models import ContentType

    from inventory.models import RecyclingShipmentLine
    from refurb.chain import chains_verify
    from refurb.models import Device, DeviceEvent

    for table, count in before.items():
        if table == "inventory_recyclingshipment_devices":
            continue  # folded into the shipment's lines, below
        expected = count + len(unlined) if table == "inventory_recyclingshipmentline" else count
        if table == "workshop_workstation":
            expected = count + before["workshop_site"]  # each site gets its office
        assert _count(table) == expected, table
    assert "inventory_recyclingshipment_devices" not in connection.introspection.table_names()
    folded = RecyclingShipmentLine.objects.filter(device_id__in=unlined)
    assert folded.count() == len(unlined)
    assert all(line.weight_kg > 0 for line in folded)

    report = chains_verify()
    assert (report.ok, report.devices, report.events) == (True, 64, 585)
    device = Device.objects.order_by("id").first()
    assert device.event_head == DeviceEvent.objects.filter(device=device).last().hash
    for app_label, models in MOVED.items():
        for model in models:
            assert ContentType.objects.filter(app_label=app_label, model=model).exists()
            assert not ContentType.objects.filter(app_label="inventory", model=model).exists()
