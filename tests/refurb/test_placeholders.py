"""Placeholders are not identity: one list, read in every parser, never a key to match by.

The real reports are in ../shared/samples/hw2/ (SOURCES.md names each file's placeholders).
"""

import json

import pytest

from refurb.ingest import snapshot_ingest
from refurb.ingest.drives import serial_key
from refurb.models import Device
from refurb.snapshots import parse_snapshot
from refurb.snapshots.dmidecode import parse_dmidecode
from refurb.snapshots.lshw import parse_lshw
from refurb.snapshots.placeholders import clean_identity, is_placeholder
from tests.refurb.parsers.samples import sample_json, sample_text

ISSUE_PLACEHOLDERS = [
    ("System manufacturer", "manufacturer"), ("System Product Name", "product"),
    ("To Be Filled By O.E.M.", None), ("Default string", None), ("123456789", "serial"),
    ("SN 123456789ABC", "serial"), ("0000000000", "serial"), ("MB-1234567890", "serial"),
    ("BSN12345678901234567", "serial"), ("Asset-1234567890", None), ("A1_SerNum0", "serial"),
    ("A1_Manufacturer0", "manufacturer"), ("Array1_PartNumber0", "product"),
    ("OEM_Define3", "battery"), ("-Virtual Battery 0-", "battery"), ("Battery 0", "serial"),
    ("1.0", "serial"), ("SKU", "sku"), ("Chassis Manufacture", "manufacturer"),
]  # fmt: skip


@pytest.mark.parametrize("value, field", ISSUE_PLACEHOLDERS)
def test_every_placeholder_named_in_the_issue_is_one(value, field):
    assert is_placeholder(value, field)


@pytest.mark.parametrize(
    "value, cleaned",
    [
        ("System Product Name (To be filled by O.E.M.)", None),
        ("TM1613 (Sku Number)", "TM1613"),
        ("Latitude E5530 (0000000000)", "Latitude E5530"),
        ("Pavilion dv4000 (EF188EA#ABE)", "Pavilion dv4000 (EF188EA#ABE)"),
        ("PF0QMY5N", "PF0QMY5N"),
    ],
)
def test_a_placeholder_suffix_is_cut_and_real_parentheses_kept(value, cleaned):
    assert clean_identity(value, "product") == cleaned


def test_real_values_are_kept():
    for value, field in [
        ("1.0", "product"),
        ("Battery 0", "battery"),
        ("S35ANX0J401001", "serial"),
    ]:
        assert not is_placeholder(value, field)


# (file, {identity field: expected}) on real reports
DMIDECODE = [
    ("dmidecode_asus_p5b-mx_system_manufacturer_placeholders_extracted.txt",
     {"manufacturer": None, "model": None, "version": None, "serial": None,
      "baseboard_serial": None, "uuid": "880913a7-74fe-d511-8893-24e75bf3a527"}),
    ("dmidecode_supermicro_ssg-6028r_123456789_default_string.txt",
     {"manufacturer": "Supermicro", "model": "SSG-6028R-OSD072P", "version": None,
      "serial": "S212101X7A18218"}),
    ("dmidecode_supermicro_sys-5039ms_0123456789_oem_placeholders.txt",
     {"version": None, "sku": None, "family": None, "serial": "E235735X6B01665"}),
    ("dmidecode_hp_proliant_m710x_moonshot_cartridge.txt",
     {"serial": "CN66480BLA", "baseboard_serial": "CN66480ANY", "chassis_serial": "CZ3702MD5K"}),
]  # fmt: skip
LSHW = [
    ("lshw_desktop_system_manufacturer_two_placeholder_psu_nodes.json",
     {"manufacturer": None, "model": None, "serial": None}),
    ("lshw_xiaomi_timi_tm1613_nvme_controller_no_disk.json",
     {"manufacturer": "Timi", "model": "TM1613", "sku": None}),
    ("lshw_asus_e200ha_placeholder_ram_and_board_serial.json",
     {"manufacturer": "ASUSTeK COMPUTER INC.", "model": "E200HA", "sku": None}),
]  # fmt: skip
EREUSE = [
    ("ereuse_wb11_desktop_system_manufacturer_ram_outside_system_memory.json",
     {"manufacturer": None, "model": None, "serial": None, "sku": None}),
    ("ereuse_wb2022_asus_p5b_desktop_placeholders_usb_bridge_error.json",
     {"manufacturer": None, "model": None, "serial": None}),
]  # fmt: skip


@pytest.mark.parametrize("name, expected", DMIDECODE, ids=[r[0] for r in DMIDECODE])
def test_dmidecode_placeholders_are_dropped(name, expected):
    report = parse_dmidecode(sample_text("hw2", name))
    assert {k: getattr(report, k) for k in expected} == expected


@pytest.mark.parametrize("name, expected", LSHW, ids=[r[0] for r in LSHW])
def test_lshw_placeholders_are_dropped(name, expected):
    report = parse_lshw(sample_json("hw2", name))
    assert {k: getattr(report, k) for k in expected} == expected


@pytest.mark.parametrize("name, expected", EREUSE, ids=[r[0] for r in EREUSE])
def test_workbench_placeholders_are_dropped(name, expected):
    identity = parse_snapshot(sample_json("hw2", name)).identity
    assert {k: getattr(identity, k) for k in expected} == expected


def test_asus_e200ha_placeholder_ram_identity_is_dropped():
    report = parse_lshw(
        sample_json("hw2", "lshw_asus_e200ha_placeholder_ram_and_board_serial.json")
    )
    banks = [b for b in report.memory_banks if b.size_bytes]
    assert banks and all((b.vendor, b.model, b.serial) == (None, None, None) for b in banks)


def test_a_placeholder_drive_serial_is_no_key():
    assert serial_key("0000000000") == serial_key("To Be Filled By O.E.M.") == ""
    assert serial_key("WD-WCC2 ETY84203") == "wdwcc2ety84203"


@pytest.mark.django_db
def test_two_machines_whose_only_identity_is_a_placeholder_are_two_devices(site, bench_worker):
    """The P5B desktop and the P8H61 desktop both carry placeholder serials only."""
    first = sample_json("hw2", "ereuse_wb2022_asus_p5b_desktop_placeholders_usb_bridge_error.json")
    second = sample_json(
        "hw2", "ereuse_wb11_desktop_system_manufacturer_ram_outside_system_memory.json"
    )
    snapshots = [
        snapshot_ingest(
            payload=p, raw=json.dumps(p).encode(), actor=bench_worker, site=site, workstation=None
        )
        for p in (first, second, first)
    ]
    tags = [s.device.asset_tag for s in snapshots]
    assert len(set(tags)) == 3 and Device.objects.count() == 3
    for snapshot in snapshots:
        assert snapshot.registered is True
        assert (snapshot.device.make, snapshot.device.model, snapshot.device.serial_number) == (
            "", "", ""
        )  # fmt: skip
        assert any(snapshot.device.asset_tag in w for w in snapshot.outcome.warnings)
