"""Name the rows a chunk of device histories writes, table by table, column by column.

The seeder writes tuples, not model instances, so each table's columns are listed here in the
order of the tuples; ``check_columns`` fails loudly when a model gains or loses a column, and
``CHUNK_TABLES`` gives the order the tables are written in (foreign keys point backwards).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.writers import columns
from refurb.models import Destruction, Device, DeviceEvent, Drive, Erasure, Repair, TestResult
from shop.models import (
    CreditNote,
    CreditNoteLine,
    DevicePrice,
    Kit,
    KitItem,
    Sale,
    SaleLine,
)

DEVICE_COLS = [
    "id", "asset_tag", "site_id", "collection_id", "category_id", "make", "model",
    "serial_number", "specs", "weight_kg", "location_id", "state", "grade_id",
    "no_storage_confirmed", "no_storage_signed_off", "received_at", "state_changed_at",
    "updated_at", "event_seq", "test_cycle", "event_head", "created_by_id",
]  # fmt: skip
DRIVE_COLS = [
    "id",
    "device_id",
    "taken_from_id",  # a drive part fitted into another device: none in the bench's history
    "tag",
    "serial_number",
    "model",
    "kind",
    "capacity_bytes",
    "status",
    "smart",
    "failing",
    "power_on_hours",
    "reallocated",
    "pending",
    "media_errors",
    "smart_passed",
    "created_at",
]
ERASURE_COLS = [
    "drive_id",
    "method",
    "standard",
    "tool",
    "passes",
    "verified",
    "result",
    "started_at",
    "finished_at",
    "operator_id",
    "workstation_id",
    "log",
    "created_at",
]
DESTRUCTION_COLS = [
    "drive_id",
    "method",
    "witness",
    "operator_id",
    "workstation_id",
    "destroyed_at",
    "certificate_ref",
]
TEST_COLS = [
    "device_id",
    "item_id",
    "passed",
    "note",
    "operator_id",
    "workstation_id",
    "created_at",
    "cycle",
]
REPAIR_COLS = [
    "id",
    "device_id",
    "fault",
    "work_done",
    "parts_used",
    "status",
    "opened_by_id",
    "opened_at",
    "closed_at",
    "failed_checks",
    "diagnosis",
    "outcome",
    "barrier",
    "workstation_id",
]
EVENT_COLS = [
    "device_id",
    "seq",
    "code",
    "from_state",
    "to_state",
    "actor_id",
    "workstation_id",
    "actor_kind",
    "reason",
    "payload",
    "created_at",
    "prev_hash",
    "hash",
]
SALE_COLS = [
    "id", "site_id", "number", "year", "seq", "buyer_id", "tier", "payment_method",
    "vat_regime", "total", "vat_total", "warranty_until", "due_on", "seller", "buyer_snapshot",
    "completed_at", "actor_id", "workstation_id",
]  # fmt: skip
SALE_LINE_COLS = [
    "id", "sale_id", "device_id", "kit_id", "position", "asset_tag", "serial_number",
    "description", "category_code", "system", "price", "vat", "legal_guarantee_until",
    "commercial_warranty_until", "returned",
]  # fmt: skip
CREDIT_NOTE_COLS = [
    "id", "site_id", "number", "year", "seq", "sale_id", "reason", "total", "vat_total",
    "created_at", "actor_id",
]  # fmt: skip
CREDIT_LINE_COLS = ["credit_note_id", "sale_line_id", "part_line_id", "amount", "vat"]
KIT_COLS = [
    "id", "site_id", "tag", "name", "solidarity_price", "standard_price", "status",
    "created_at", "created_by_id",
]  # fmt: skip
KIT_ITEM_COLS = ["kit_id", "device_id", "position", "active"]
PRICE_COLS = [
    "device_id", "rule_id", "spec_tier_name", "solidarity_price", "standard_price",
    "free_of_charge", "overridden", "override_reason", "set_at",
]  # fmt: skip

# Written in this order inside a chunk's transaction (foreign keys point backwards).
CHUNK_TABLES = [
    ("devices", Device, DEVICE_COLS),
    ("drives", Drive, DRIVE_COLS),
    ("erasures", Erasure, ERASURE_COLS),
    ("destructions", Destruction, DESTRUCTION_COLS),
    ("tests", TestResult, TEST_COLS),
    ("repairs", Repair, REPAIR_COLS),
    ("events", DeviceEvent, EVENT_COLS),
    ("prices", DevicePrice, PRICE_COLS),
    ("kits", Kit, KIT_COLS),
    ("kit_items", KitItem, KIT_ITEM_COLS),
    ("sales", Sale, SALE_COLS),
    ("sale_lines", SaleLine, SALE_LINE_COLS),
    ("credit_notes", CreditNote, CREDIT_NOTE_COLS),
    ("credit_lines", CreditNoteLine, CREDIT_LINE_COLS),
]
SKIP_ID = {Erasure, Destruction, TestResult, DeviceEvent, DevicePrice, KitItem, CreditNoteLine}


def check_columns() -> None:
    """Fail loudly when a model gains or loses a column the seeder does not write."""
    for _name, model, cols in CHUNK_TABLES:
        skip_id = model in SKIP_ID
        expected = columns(model)[1:] if skip_id else columns(model)
        # The writers name every column, so only the set of columns must match.
        if sorted(expected) != sorted(cols):
            raise RuntimeError(
                f"The bench seeder is out of date for {model.__name__}: it writes {cols}, "
                f"the model has {expected}. Update bench/history/tables.py."
            )


@dataclass
class Chunk:
    devices: list = field(default_factory=list)
    drives: list = field(default_factory=list)
    erasures: list = field(default_factory=list)
    destructions: list = field(default_factory=list)
    tests: list = field(default_factory=list)
    repairs: list = field(default_factory=list)
    events: list = field(default_factory=list)
    prices: list = field(default_factory=list)
    kits: list = field(default_factory=list)
    kit_items: list = field(default_factory=list)
    sales: list = field(default_factory=list)
    sale_lines: list = field(default_factory=list)
    credit_notes: list = field(default_factory=list)
    credit_lines: list = field(default_factory=list)
