import pytest
from hypothesis import given
from hypothesis import strategies as st

from refurb.snapshots.errors import ReportError
from refurb.snapshots.smartctl import (
    SmartctlNotADisk,
    SmartctlReport,
    decode_exit_status,
    parse_smartctl,
    parse_smartctl_scan,
)

from .samples import hw_json, hw_text

DISKS = [
    # file, model, serial, kind, capacity bytes, power-on hours
    ("smartctl_failing_wdc_wd3200bevt.json", "WDC WD3200BEVT-60ZCT0", "WD-WXE708D44602", "HDD",
     320072933376, 16402),
    ("smartctl_hdd_samsung_hd204ui_exit96.json", "SAMSUNG HD204UI", "S2H7J9FB203635", "HDD",
     2000398934016, 3830),
    ("smartctl_hdd_wdc_wd140edfz_14tb.json", "WDC WD140EDFZ-11A0VA0", "9RK1XXXX", "HDD",
     14000519643136, 1730),
    ("smartctl_hdd_wdc_wd2500bevs_exit4.json", "WDC WD2500BEVS-22UST0", "WD-WXEX07421253", "HDD",
     250059350016, 4374),
    ("smartctl_nvme_intel_ssdpeknw010t8.json", "INTEL SSDPEKNW010T8", "BTNH93710FS91P0B", "NVMe",
     1024209543168, 2401),
    ("smartctl_nvme_samsung_970evo_500gb_media_errors.json", "Samsung SSD 970 EVO 500GB",
     "S466NX0M776250H", "NVMe", 500107862016, 12798),
    ("smartctl_nvme_samsung_mzvlw1t0hmlh_thinkpad_reserialized.json",
     "SAMSUNG MZVLW1T0HMLH-000L7", "S35ANX0J401001", "NVMe", 1024209543168, 6032),
    ("smartctl_nvme_toshiba_kxg6aznv512g.json", "KXG6AZNV512G TOSHIBA", "Y9SF71LHFWZL", "NVMe",
     512110190592, 1767),
    ("smartctl_sas_seagate_st1200mm0088_fmt0.1.json", "SEAGATE ST1200MM0088",
     "Z4028VRY0000C810BZXB", "HDD", 1200243695616, 5675),
    ("smartctl_sata_ssd_ocz_vertex2.json", "OCZ-VERTEX2", "OCZ-7ZV7J142X5Z2VPBY", "SSD",
     60022480896, 1335),
    ("smartctl_sata_ssd_samsung_840_crc_errors.json", "Samsung SSD 840 Series", "S14LNEACC02756X",
     "SSD", 500107862016, 19497),
    ("smartctl_sata_ssd_samsung_860evo_500gb.json", "Samsung SSD 860 EVO 500GB", "S3YZNB0KB00864E",
     "SSD", 500107862016, 14551),
    ("smartctl_sata_ssd_sandisk_pssd_16gb.json", "SanDisk pSSD", "06c9f4c44", "SSD", 15693664256,
     11),
]  # fmt: skip


@pytest.mark.parametrize(("name", "model", "serial", "kind", "capacity", "hours"), DISKS)
def test_identity_capacity_and_power_on_hours_match_the_sample(
    name, model, serial, kind, capacity, hours
):
    report = parse_smartctl(hw_text(name))
    assert isinstance(report, SmartctlReport)
    assert (report.model, report.serial, report.kind) == (model, serial, kind)
    assert (report.capacity_bytes, report.power_on_hours) == (capacity, hours)


HEALTH = [
    # file, reallocated (5 / SCSI grown defects), pending (197), offline (198), media errors
    ("smartctl_failing_wdc_wd3200bevt.json", 535, 1, 0, None),
    ("smartctl_hdd_samsung_hd204ui_exit96.json", 0, 0, 0, None),
    ("smartctl_hdd_wdc_wd140edfz_14tb.json", 0, 0, 0, None),
    ("smartctl_sata_ssd_samsung_860evo_500gb.json", 0, None, None, None),
    ("smartctl_sas_seagate_st1200mm0088_fmt0.1.json", 0, None, None, None),
    ("smartctl_nvme_samsung_970evo_500gb_media_errors.json", None, None, None, 7),
    ("smartctl_nvme_intel_ssdpeknw010t8.json", None, None, None, 0),
]


@pytest.mark.parametrize(("name", "reallocated", "pending", "offline", "media"), HEALTH)
def test_health_counters_match_the_sample(name, reallocated, pending, offline, media):
    report = parse_smartctl(hw_text(name))
    assert report.reallocated_sectors == reallocated
    assert report.pending_sectors == pending
    assert report.offline_uncorrectable == offline
    assert report.media_errors == media


FAILING = [
    ("smartctl_failing_wdc_wd3200bevt.json", True),
    ("smartctl_nvme_samsung_970evo_500gb_media_errors.json", True),
    ("smartctl_hdd_samsung_hd204ui_exit96.json", False),
    ("smartctl_hdd_wdc_wd2500bevs_exit4.json", False),
    ("smartctl_hdd_wdc_wd140edfz_14tb.json", False),
    ("smartctl_sata_ssd_samsung_840_crc_errors.json", False),
    ("smartctl_nvme_toshiba_kxg6aznv512g.json", False),
    ("smartctl_sas_seagate_st1200mm0088_fmt0.1.json", False),
]


@pytest.mark.parametrize(("name", "failing"), FAILING)
def test_failing_flag_follows_the_documented_rule(name, failing):
    assert parse_smartctl(hw_text(name)).failing is failing


def test_the_failing_wd3200_is_failing_for_every_reason_the_sample_shows():
    report = parse_smartctl(hw_text("smartctl_failing_wdc_wd3200bevt.json"))
    assert report.smart_passed is False
    assert report.exit_status.raw == 216
    assert set(report.failing_reasons) == {
        "smart_overall_failed",
        "exit_status_disk_failing",
        "exit_status_prefail_below_threshold",
        "reallocated_sectors",
        "pending_sectors",
        "reported_uncorrect",  # 84 errors the drive could not correct
    }


def test_crc_errors_are_reported_but_do_not_make_the_samsung_840_failing():
    report = parse_smartctl(hw_text("smartctl_sata_ssd_samsung_840_crc_errors.json"))
    assert report.crc_errors == 108
    assert report.failing is False


def test_power_on_hours_use_the_printed_string_not_the_packed_raw_value():
    # OCZ attr 9 raw.value is 9103526781257015, raw.string "1335h+35m+19.580s"
    report = parse_smartctl(hw_text("smartctl_sata_ssd_ocz_vertex2.json"))
    assert report.power_on_hours == 1335


def test_a_usb_bridge_without_rotation_rate_is_recognised_as_hdd_from_its_family():
    report = parse_smartctl(hw_text("smartctl_hdd_wdc_wd2500bevs_exit4.json"))
    assert report.rotation_rate is None
    assert report.kind == "HDD"


@pytest.mark.parametrize(
    ("value", "flags"),
    [
        (0, ()),
        (4, ("command_failed",)),
        (96, ("attributes_below_threshold_in_past", "error_log_has_errors")),
        (
            216,
            (
                "disk_failing",
                "prefail_below_threshold",
                "error_log_has_errors",
                "self_test_log_has_errors",
            ),
        ),
        (3, ("command_line_error", "device_open_failed")),
    ],
)
def test_exit_status_bits_are_decoded_as_in_the_man_page(value, flags):
    assert decode_exit_status(value).flags == flags


ERRORS = [
    ("smartctl_error_nvme_permission_denied.json", "/dev/nvme0", "permission_denied", 2,
     "Smartctl open device: /dev/nvme0 failed: Permission denied"),
    ("smartctl_error_open_failed_windows.json", "/dev/sda", "open_failed", 2,
     "Smartctl open device: /dev/sda failed: \\\\.\\PhysicalDrive0: Open failed, Error=5"),
    ("local_smartctl_virtio_vda_unknown_type.json", "/dev/vda", "unknown_device_type", 1,
     "/dev/vda: Unable to detect device type"),
    ("local_smartctl_scan_no_devices.json", None, "no_devices", 0, None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "device", "reason", "exit_code", "message"), ERRORS)
def test_error_outputs_are_not_disk_reports_and_keep_smartctl_messages(
    name, device, reason, exit_code, message
):
    report = parse_smartctl(hw_text(name))
    assert isinstance(report, SmartctlNotADisk)
    assert report.is_disk_report is False
    assert (report.device_name, report.reason, report.exit_status.raw) == (
        device,
        reason,
        exit_code,
    )
    assert [m.text for m in report.messages] == ([message] if message else [])


def test_scan_without_devices_key_means_no_devices():
    assert parse_smartctl_scan(hw_text("local_smartctl_scan_no_devices.json")) == ()


def test_scan_lists_devices_with_their_type():
    devices = parse_smartctl_scan(hw_json("smartctl_scan_megaraid.json"))
    assert [(d.name, d.type) for d in devices] == [
        ("/dev/bus/0", "megaraid,0"),
        ("/dev/bus/0", "megaraid,1"),
    ]
    assert len(parse_smartctl_scan(hw_json("smartctl_scan_simple.json"))) == 7


def test_json_that_is_not_smartctl_raises_report_error():
    with pytest.raises(ReportError) as err:
        parse_smartctl({"model_name": "x"})
    assert err.value.code == "smartctl_not_json_report"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4),
    max_leaves=20,
)
smartctl_like = st.fixed_dictionaries(
    {"smartctl": st.dictionaries(
        st.sampled_from(["exit_status", "messages", "argv", "version"]), json_values)},
    optional={
        k: json_values
        for k in ["model_name", "serial_number", "device", "user_capacity", "rotation_rate",
                  "power_on_time", "smart_status", "ata_smart_attributes",
                  "nvme_smart_health_information_log", "nvme_namespaces",
                  "scsi_grown_defect_list", "vendor", "product"]
    },
)  # fmt: skip


@given(smartctl_like | json_values)
def test_parse_smartctl_never_raises_anything_but_report_error(data):
    try:
        parse_smartctl(data)
    except ReportError:
        pass
