import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refurb.snapshots.ereuse import detect_generation, parse_ereuse
from refurb.snapshots.errors import ReportError, UnknownReportFormat

from .samples import ereuse_json


@pytest.mark.parametrize(
    ("name", "generation"),
    [
        ("snapshot_workbench-script.json", "workbench-script-0.0.1"),
        ("snapshot_workbench-script_legacy.json", "workbench-script-legacy"),
        ("hp_probook_450.json", "workbench-11"),
        ("snapshot-workbench11.json", "workbench-11"),
    ],
)
def test_each_sample_is_detected_as_its_generation(name, generation):
    assert detect_generation(ereuse_json(name)) == generation


@pytest.mark.parametrize(
    "name", ["snapshot_workbench-script.json", "snapshot_workbench-script_legacy.json"]
)
def test_workbench_script_embedded_smartctl_is_parsed_with_the_smartctl_parser(name):
    snap = parse_ereuse(ereuse_json(name))
    disks = [s for s in snap.smartctl if s.is_disk_report]
    assert [(d.model, d.serial) for d in disks] == [
        ("LITEONIT LMT-256M6M mSATA 256GB", "TW0XXM305508539G1361"),
        ("Samsung SSD 850 EVO mSATA 500GB", "S33HNX0J203755R"),
    ]
    [not_a_disk] = [s for s in snap.smartctl if not s.is_disk_report]
    assert (not_a_disk.device_name, not_a_disk.reason) == ("/dev/zd0", "unknown_device_type")


@pytest.mark.parametrize(
    "name", ["snapshot_workbench-script.json", "snapshot_workbench-script_legacy.json"]
)
def test_workbench_script_embedded_dmidecode_gives_the_dell_identity(name):
    dmi = parse_ereuse(ereuse_json(name)).dmidecode
    assert (dmi.manufacturer, dmi.model, dmi.serial) == ("Dell Inc.", "Latitude E7240", "5CQ6VY1")


def test_the_legacy_snapshot_embeds_an_lshw_string():
    snap = parse_ereuse(ereuse_json("snapshot_workbench-script_legacy.json"))
    assert (snap.lshw.model, snap.lshw.serial) == ("Latitude E7240", "5CQ6VY1")
    assert snap.version == "dev"


def test_the_script_snapshot_has_no_lshw_and_an_empty_erase_list():
    snap = parse_ereuse(ereuse_json("snapshot_workbench-script.json"))
    assert snap.lshw is None
    assert snap.erasures == ()
    assert snap.timestamp == datetime(2025, 1, 23, 11, 44, 29, 577819, tzinfo=UTC)


def test_workbench_11_device_block_gives_identity():
    device = parse_ereuse(ereuse_json("hp_probook_450.json")).device
    assert (device.manufacturer, device.model, device.serial, device.chassis) == (
        "Hewlett-Packard",
        "HP ProBook 450 G2",
        "CND4286ZJ2",
        "Netbook",
    )


def test_workbench_11_debug_lshw_is_parsed():
    snap = parse_ereuse(ereuse_json("hp_probook_450.json"))
    assert snap.lshw.serial == "CND4286ZJ2"


def test_workbench_11_storage_test_results_are_read():
    snap = parse_ereuse(ereuse_json("hp_probook_450.json"))
    [drive] = [c for c in snap.components if c.type == "HardDrive"]
    assert (drive.model, drive.serial, drive.size) == (
        "ST500LT012-1DG14",
        "S3P9A80F",
        500107.86201599997,
    )
    test = drive.storage_test
    assert (test.assessment, test.lifetime_hours, test.reallocated, test.pending) == (
        True,
        8627,
        0,
        0,
    )


def test_workbench_11_erase_sectors_is_a_verified_clear_with_two_steps():
    snap = parse_ereuse(ereuse_json("hp_probook_450.json"))
    [erasure] = snap.erasures
    assert (erasure.drive_serial, erasure.result, erasure.nist_category) == (
        "S3P9A80F",
        "erased",
        "clear",
    )
    assert (erasure.passes, erasure.verified) == (2, True)
    assert erasure.started == datetime(2022, 1, 13, 9, 34, 39, 26634, tzinfo=UTC)
    assert erasure.finished == datetime(2022, 1, 13, 14, 13, 9, 338771, tzinfo=UTC)


def test_an_erase_step_in_error_makes_the_erasure_failed():
    payload = ereuse_json("hp_probook_450.json")
    for comp in payload["components"]:
        for action in comp.get("actions", []):
            if action["type"] == "EraseSectors":
                action["steps"][1]["severity"] = "Error"
    [erasure] = parse_ereuse(payload).erasures
    assert (erasure.result, erasure.nist_category, erasure.verified) == ("failed", None, False)


def test_the_workbench_12_summary_has_components_but_no_raw_outputs():
    snap = parse_ereuse(ereuse_json("snapshot-workbench11.json"))
    assert (snap.lshw, snap.dmidecode, snap.smartctl) == (None, None, ())
    [ssd] = [c for c in snap.components if c.type == "SolidStateDrive"]
    assert (ssd.model, ssd.serial) == ("Emtec X150 120gb", "LDS645R002202")


def test_missing_keys_are_tolerated():
    snap = parse_ereuse({"device": {}, "components": [{"type": "HardDrive"}, "junk", {}]})
    assert snap.generation == "workbench-11"
    assert [c.type for c in snap.components] == ["HardDrive"]


def test_a_broken_embedded_lshw_becomes_a_warning():
    payload = ereuse_json("snapshot_workbench-script_legacy.json")
    payload["data"]["lshw"] = '[{"id": "wb", "class": "system"'
    snap = parse_ereuse(payload)
    assert snap.lshw is None
    assert any("lshw data unreadable" in w for w in snap.warnings)


def test_an_unknown_format_names_the_accepted_formats():
    with pytest.raises(UnknownReportFormat) as err:
        parse_ereuse({"hello": "world"})
    assert err.value.code == "unknown_format"
    assert "Workbench 11/12" in err.value.message
    assert "workbench-script 0.0.1" in err.value.message


def test_embedded_json_strings_are_accepted_for_the_whole_snapshot():
    text = json.dumps(ereuse_json("snapshot-workbench11.json"))
    assert parse_ereuse(text).device.serial == "CNU406CLGR"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4),
    max_leaves=20,
)
ereuse_like = st.fixed_dictionaries(
    {},
    optional={
        "data": st.dictionaries(
            st.sampled_from(["smartctl", "smart", "lshw", "dmidecode", "inxi", "hwinfo"]),
            json_values | st.text(max_size=20),
        ),
        "device": json_values,
        "components": st.lists(
            st.dictionaries(
                st.sampled_from(["type", "model", "serialNumber", "size", "actions"]),
                json_values | st.sampled_from(["HardDrive", "RamModule", "Display"]),
            ),
            max_size=4,
        ),
        "erase": json_values,
        "timestamp": json_values,
        "debug": json_values,
    },
)


@given(ereuse_like | json_values)
def test_parse_ereuse_never_raises_anything_but_report_error(payload):
    try:
        parse_ereuse(payload)
    except ReportError:
        pass
