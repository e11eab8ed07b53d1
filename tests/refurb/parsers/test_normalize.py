from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refurb.snapshots import ParsedSnapshot, UnknownReportFormat, parse_snapshot
from refurb.snapshots.errors import ReportError

from .samples import ereuse_json, hw_json, hw_text


def agent_payload(**reports):
    return {
        "format": "atelier-agent",
        "version": 1,
        "asset_tag": "AT-0042",
        "collected_at": "2026-11-22T10:30:00+00:00",
        "host": {"hostname": "bench1", "utc_offset": "+01:00"},
        "reports": reports,
        "errors": [],
    }


def x1_carbon(**extra):
    reports = {
        "lshw": hw_json("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json"),
        "dmidecode": hw_text("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt"),
        "smartctl": [hw_json("smartctl_nvme_samsung_mzvlw1t0hmlh_thinkpad_reserialized.json")],
        "battery_uevent": [],
        "nwipe_log": None,
    }
    reports.update(extra)
    return agent_payload(**reports)


def test_the_agent_format_gives_one_parsed_snapshot():
    snap = parse_snapshot(x1_carbon())
    assert isinstance(snap, ParsedSnapshot)
    assert snap.source_format == "atelier-agent"
    assert snap.asset_tag == "AT-0042"
    assert snap.collected_at == datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


def test_identity_of_the_x1_carbon_comes_from_dmidecode():
    identity = parse_snapshot(x1_carbon()).identity
    assert (identity.manufacturer, identity.model, identity.serial) == (
        "LENOVO",
        "ThinkPad X1 Carbon 5th",
        "PF0QMY5N",
    )
    assert (identity.uuid, identity.category_hint) == (
        "305f33cc-33ca-11b2-a85c-aad0993c0c99",
        "laptop",
    )


def test_dmidecode_beats_lshw_for_ram():
    # lshw only knows the System Memory node (17045651456); dmidecode lists 2 x 8192 MB.
    assert parse_snapshot(x1_carbon()).ram_bytes == 17179869184


def test_a_placeholder_dmidecode_serial_falls_back_to_the_lshw_serial():
    dmi = hw_text("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt").replace(
        "Serial Number: PF0QMY5N", "Serial Number: To Be Filled By O.E.M."
    )
    assert parse_snapshot(x1_carbon(dmidecode=dmi)).identity.serial == "PF0QMY5N"


@pytest.mark.parametrize(
    "placeholder", ["System Serial Number", "Default string", "0123456789", "00000000"]
)
def test_placeholder_serials_everywhere_leave_no_serial_and_a_warning(placeholder):
    dmi = hw_text("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt").replace(
        "Serial Number: PF0QMY5N", f"Serial Number: {placeholder}"
    )
    lshw = hw_json("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json")
    lshw["serial"] = placeholder
    snap = parse_snapshot(x1_carbon(dmidecode=dmi, lshw=lshw))
    assert snap.identity.serial is None
    assert "no usable system serial number (missing or placeholder)" in snap.warnings


def test_smartctl_and_lshw_describe_the_same_nvme_once_with_smartctl_health():
    snap = parse_snapshot(x1_carbon())
    nvme = [d for d in snap.drives if d.kind == "NVMe"]
    assert len(nvme) == 1
    drive = nvme[0]
    assert (drive.serial, drive.model, drive.capacity_bytes) == (
        "S35ANX0J401001",
        "SAMSUNG MZVLW1T0HMLH-000L7",
        1024209543168,
    )
    assert (drive.power_on_hours, drive.media_errors, drive.smart_passed) == (6032, 0, True)
    assert drive.source.startswith("smartctl")


def test_usb_card_reader_disks_are_left_out_with_a_warning():
    snap = parse_snapshot(x1_carbon())
    assert [d.device for d in snap.drives] == ["/dev/nvme0n1"]
    assert any(w.startswith("USB disk /dev/sda (SD/MMC) ignored") for w in snap.warnings)


def test_the_multidisk_hp_gives_three_drives_from_lshw():
    snap = parse_snapshot(agent_payload(lshw=hw_json("lshw_hp_compaq_dc7900_sff_multidisk.json")))
    assert [(d.serial, d.kind, d.source) for d in snap.drives] == [
        ("6RX7AWEZ", "HDD", "lshw"),
        ("WD-WCARW0244414", "HDD", "lshw"),
        ("WD-WCC2ETY84203", "HDD", "lshw"),
    ]
    assert snap.identity.category_hint == "desktop"


def test_a_failing_smartctl_drive_stays_failing_in_the_snapshot():
    snap = parse_snapshot(agent_payload(smartctl=[hw_json("smartctl_failing_wdc_wd3200bevt.json")]))
    [drive] = snap.drives
    assert (drive.serial, drive.failing, drive.reallocated, drive.pending) == (
        "WD-WXE708D44602",
        True,
        535,
        1,
    )


def test_smartctl_error_outputs_become_warnings_not_drives():
    snap = parse_snapshot(
        agent_payload(smartctl=[hw_json("smartctl_error_nvme_permission_denied.json")])
    )
    assert snap.drives == ()
    assert (
        "smartctl gave no disk data: /dev/nvme0: "
        "Smartctl open device: /dev/nvme0 failed: Permission denied" in snap.warnings
    )


def test_battery_uevent_beats_dmidecode_battery():
    snap = parse_snapshot(
        x1_carbon(battery_uevent=[hw_text("battery_sysfs_uevent_dell_latitude_e5530.txt")])
    )
    assert (snap.battery.source, snap.battery.health_percent) == ("sysfs", 35.7)


def test_without_uevent_the_dmidecode_battery_gives_the_design_capacity_only():
    battery = parse_snapshot(x1_carbon()).battery
    assert (battery.source, battery.design_capacity, battery.health_percent) == (
        "dmidecode",
        57000000,
        None,
    )


def nwipe_on_sda(name):
    return hw_text(name).replace("loop0", "sda")


def test_nwipe_results_are_tied_to_the_drive_serial_by_device_name():
    payload = agent_payload(
        lshw=hw_json("lshw_hp_compaq_dc7900_sff_multidisk.json"),
        nwipe_log=nwipe_on_sda("local_nwipe_success_dodshort_verified.log"),
    )
    [erasure] = parse_snapshot(payload).erasures
    assert (erasure.drive_serial, erasure.tool, erasure.method) == (
        "6RX7AWEZ",
        "nwipe",
        "DoD Short",
    )
    assert (erasure.result, erasure.nist_category, erasure.verified, erasure.passes) == (
        "erased",
        "clear",
        True,
        3,
    )


def test_nwipe_times_use_the_agent_utc_offset():
    payload = agent_payload(nwipe_log=hw_text("local_nwipe_success_dodshort_verified.log"))
    [erasure] = parse_snapshot(payload).erasures
    assert erasure.started == datetime(2026, 11, 22, 10, 0, 18, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("name", "result"),
    [
        ("local_nwipe_failed_io_error.log", "failed"),
        ("local_nwipe_aborted_user_sigint.log", "aborted"),
        ("local_nwipe042_aborted_user_sigint.log", "aborted"),
    ],
)
def test_failed_and_aborted_wipes_are_never_erased_and_have_no_nist_category(name, result):
    [erasure] = parse_snapshot(agent_payload(nwipe_log=hw_text(name))).erasures
    assert (erasure.result, erasure.nist_category, erasure.verified) == (result, None, False)


def test_an_nwipe_that_never_started_gives_no_erasure_and_a_warning():
    snap = parse_snapshot(
        agent_payload(nwipe_log=hw_text("local_nwipe042_exit_missing_hdparm.log"))
    )
    assert snap.erasures == ()
    assert any("nwipe did not erase any disk" in w and "hdparm" in w for w in snap.warnings)


def test_structured_erasure_records_are_accepted_in_the_agent_payload():
    record = {"tool": "nvme-sanitize", "serial": "S35ANX0J401001", "action": "crypto",
              "exit_code": 0, "verified": False}  # fmt: skip
    [erasure] = parse_snapshot(x1_carbon(erasures=[record])).erasures
    assert (erasure.drive_serial, erasure.nist_category) == ("S35ANX0J401001", "purge")


def test_agent_command_failures_become_warnings():
    payload = agent_payload()
    payload["errors"] = [{"command": "dmidecode", "exit_code": 1, "stderr": "/dev/mem: denied"}]
    assert "agent: 'dmidecode' failed (exit 1) /dev/mem: denied" in parse_snapshot(payload).warnings


def test_an_unreadable_source_becomes_a_warning_and_the_rest_is_kept():
    snap = parse_snapshot(x1_carbon(lshw=hw_text("lshw_qemu_vm_malformed_list.json")))
    assert snap.identity.serial == "PF0QMY5N"
    assert any(w.startswith("lshw: The lshw output is not valid JSON") for w in snap.warnings)


def test_workbench_11_gives_screen_ram_and_the_tested_drive():
    snap = parse_snapshot(ereuse_json("hp_probook_450.json"))
    assert snap.source_format == "workbench-11"
    assert (snap.screen_inches, snap.ram_bytes) == (15.5, 8589934592)
    [drive] = snap.drives
    assert (drive.serial, drive.power_on_hours, drive.smart_passed) == ("S3P9A80F", 8627, True)
    [erasure] = snap.erasures
    assert erasure.drive_serial == "S3P9A80F"


def test_the_workbench_12_summary_is_enough_for_identity_ram_and_drive():
    snap = parse_snapshot(ereuse_json("snapshot-workbench11.json"))
    assert (snap.identity.model, snap.identity.serial, snap.identity.category_hint) == (
        "Hp Probook 650 G1",
        "CNU406CLGR",
        "laptop",
    )
    assert snap.ram_bytes == 4096 * 1024 * 1024
    [drive] = snap.drives
    assert (drive.kind, drive.capacity_bytes, drive.source) == ("SSD", 120034123776, "workbench")


@pytest.mark.parametrize(
    "name", ["snapshot_workbench-script.json", "snapshot_workbench-script_legacy.json"]
)
def test_workbench_script_snapshots_give_the_e7240_with_two_ssds(name):
    snap = parse_snapshot(ereuse_json(name))
    assert (snap.identity.model, snap.identity.serial) == ("Latitude E7240", "5CQ6VY1")
    assert [(d.serial, d.kind) for d in snap.drives] == [
        ("TW0XXM305508539G1361", "SSD"),
        ("S33HNX0J203755R", "SSD"),
    ]
    assert snap.cpu.model == "Intel(R) Core(TM) i7-4600U CPU @ 2.10GHz"


def test_an_unknown_payload_raises_unknown_report_format_listing_accepted_formats():
    with pytest.raises(UnknownReportFormat) as err:
        parse_snapshot({"format": "something-else"})
    assert "atelier-agent" in err.value.message
    assert "Workbench 11/12" in err.value.message


def test_a_future_agent_version_is_refused():
    payload = agent_payload()
    payload["version"] = 2
    with pytest.raises(UnknownReportFormat) as err:
        parse_snapshot(payload)
    assert err.value.code == "unsupported_agent_version"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=15,
)
agent_like = st.fixed_dictionaries(
    {"format": st.just("atelier-agent"), "version": st.just(1)},
    optional={
        "reports": st.fixed_dictionaries(
            {},
            optional={
                k: json_values | st.text(max_size=30)
                for k in ["lshw", "dmidecode", "smartctl", "battery_uevent", "nwipe_log",
                          "upower", "erasures"]
            },
        ),
        "errors": json_values,
        "host": json_values,
        "collected_at": json_values,
        "asset_tag": json_values,
    },
)  # fmt: skip


@settings(max_examples=150)
@given(agent_like | json_values)
def test_parse_snapshot_never_raises_anything_but_report_error(payload):
    try:
        parse_snapshot(payload)
    except ReportError:
        pass
