"""Every nwipe from 0.26 to the newest, on the real logs of ../shared/samples/ (nwipe/, hw2/).

Each row is one log with the trap its SOURCES.md names; the fields are asserted exactly.
"""

from datetime import UTC, datetime

import pytest

from refurb.snapshots.normalize.drives import nwipe_erasures
from refurb.snapshots.nwipe import parse_nwipe_log

from .samples import sample_text


def t(*args):
    return datetime(*args, tzinfo=UTC)


# folder, file, log fields, [per-disk fields]
LOGS = [
    ("nwipe", "nwipe026_dodshort_verify_all_one_drive_erased.log",
     {"log_format": "legacy", "version": None, "method": "DoD Short", "method_key": "dodshort",
      "nist_category": "clear", "rounds": 1, "passes": 3, "verify": "all", "blanking": True,
      "outcome": "completed", "read_only": False},
     [{"device": "/dev/loop0", "model": "Loopback device", "serial": None,
       "size_bytes": 50331648, "status": None, "result": "erased", "verified": True,
       "started_at": t(2026, 12, 1, 9, 4, 26), "finished_at": t(2026, 12, 1, 9, 4, 28)}]),
    ("nwipe", "nwipe030_dodshort_verify_all_one_drive_erased.log",
     {"log_format": "modern", "version": None, "method": "DoD Short", "nist_category": "clear",
      "rounds": 1, "passes": 3, "verify": "all", "blanking": True, "outcome": "completed"},
     [{"device": "/dev/loop0", "bus": "VIRT", "model": "Loopback device", "serial": None,
       "size_bytes": 50331648, "status": "Erased", "result": "erased", "verified": True,
       "started_at": t(2026, 12, 1, 9, 4, 20), "finished_at": t(2026, 12, 1, 9, 4, 22)}]),
    ("nwipe", "nwipe030_dodshort_stdout.txt",
     {"version": "0.30", "method": "DoD Short", "verify": "all", "outcome": "completed"},
     [{"device": "/dev/loop0", "serial": None, "status": "Erased", "result": "erased",
       "verified": True}]),
    ("nwipe", "nwipe030_prng_full_tmpfs_failed.log",
     {"method": "PRNG Stream", "method_key": "random", "verify": "last", "outcome": "errors"},
     [{"device": "/dev/loop1", "status": "-FAILED-", "result": "failed", "verified": False,
       "io_error": True, "bytes_erased": 20972032, "size_bytes": 67108864,
       "cause": "error: Nwipe exited with fatal errors on device = /dev/loop1",
       "finished_at": t(2026, 12, 1, 9, 4, 30)}]),
    ("nwipe", "nwipe033_verify_one_read_only_reports_erased.log",
     {"version": "0.33", "method_key": "verify_one", "nist_category": None, "read_only": True,
      "passes": 0},
     [{"device": "/dev/loop2", "status": "Erased", "verified": False, "serial": None}]),
    ("hw2", "nwipe_excerpt_2016_old_format_blanking_never_finished.log",
     {"log_format": "legacy", "method": "PRNG Stream", "blanking": True, "outcome": "aborted"},
     [{"device": "/dev/sdb", "size_bytes": 600127266816, "result": "aborted", "verified": False,
       "cause": "the log stops before the wipe finished",
       "started_at": t(2016, 8, 18, 15, 41, 48), "finished_at": t(2016, 8, 18, 17, 2, 30)}]),
    ("hw2", "nwipe_excerpt_2020_medion_80col_truncated_lines_smbios_placeholders.log",
     {"outcome": "not_started"},
     [{"device": "/dev/sdc", "bus": "ATA", "model": "WDC WD1600AAJS-2", "serial": None,
       "result": "not_run"}]),
    ("hw2", "nwipe_excerpt_2021_v0.31dev_two_column_error_summary_empty_serial.log",
     {"method": None, "nist_category": None},
     [{"device": "/dev/loop44", "model": "Loopback device", "serial": None, "status": "Erased",
       "verified": False, "bytes_erased": 31457280, "errors": 0,
       "finished_at": t(2021, 6, 4, 21, 41, 13)}]),
    ("hw2", "nwipe_excerpt_2023_three_drives_10tb_tables_cut_mid_row.log",
     {"outcome": "not_started"},
     [{"device": "/dev/sda", "status": None, "result": "not_run",
       "cause": "the Drive Status table is cut: the result is unknown",
       "finished_at": t(2023, 3, 11, 20, 40, 30)},
      {"device": "/dev/sdc", "result": "not_run", "bytes_erased": 4000787030016,
       "finished_at": t(2023, 3, 12, 4, 44, 9)},
      {"device": "/dev/sdb", "result": "not_run", "bytes_erased": 10000831348736,
       "finished_at": t(2023, 3, 12, 12, 44, 30)}]),
    ("hw2", "nwipe_excerpt_v0.32.012_nvme_wrapped_os_line_smartctl_debug.log",
     {"version": "0.32.012", "outcome": "not_started"}, []),
    ("hw2", "nwipe_excerpt_v0.37_stdout_usb_stick_empty_serial_no_smartctl.log",
     {"version": "0.37", "outcome": "not_started"},
     [{"device": "/dev/sda", "bus": "USB", "model": "Kingston DataTraveler 3.0",
       "serial": None, "result": "not_run"}]),
]  # fmt: skip

FIELDS_CHECKED = sum(len(fields) + sum(len(d) for d in disks) for _, _, fields, disks in LOGS)


@pytest.mark.parametrize("folder, name, fields, disks", LOGS, ids=[row[1] for row in LOGS])
def test_each_real_nwipe_log_reads_as_its_sources_say(folder, name, fields, disks):
    log = parse_nwipe_log(sample_text(folder, name))
    assert {k: getattr(log, k) for k in fields} == fields
    assert len(log.disks) == len(disks)
    for disk, expected in zip(log.disks, disks, strict=True):
        assert {k: getattr(disk, k) for k in expected} == expected


def test_a_garbage_serial_never_becomes_a_phantom_drive_the_snapshot_drive_is_used():
    """0.30 prints uninitialised bytes as the serial: the drive is the snapshot's /dev/loop0."""
    from refurb.snapshots.models import ParsedDrive

    log = parse_nwipe_log(sample_text("nwipe", "nwipe030_dodshort_verify_all_one_drive_erased.log"))
    known = [ParsedDrive(serial="WD-WCC2ETY84203", model="WDC", kind="HDD", device="/dev/loop0")]
    warnings = []
    [erasure] = nwipe_erasures(log, known, warnings)
    assert (erasure.drive_serial, erasure.result, erasure.verified) == (
        "WD-WCC2ETY84203", "erased", True
    )  # fmt: skip
    assert warnings == []


def test_without_a_usable_serial_or_device_match_the_import_asks_which_drive_it_was():
    log = parse_nwipe_log(sample_text("nwipe", "nwipe030_dodshort_verify_all_one_drive_erased.log"))
    warnings = []
    [erasure] = nwipe_erasures(log, [], warnings)
    assert erasure.drive_serial is None
    assert warnings == [
        "nwipe result for /dev/loop0 names no usable drive serial: say which drive it was "
        "(send the snapshot of this machine first, or record the erasure at the bench)"
    ]


def test_the_pre_028_log_is_not_reported_as_erasing_nothing():
    log = parse_nwipe_log(sample_text("nwipe", "nwipe026_dodshort_verify_all_one_drive_erased.log"))
    warnings = []
    nwipe_erasures(log, [], warnings)
    assert not any("did not erase any disk" in w for w in warnings)


def test_a_real_serial_on_a_long_found_line_is_read():
    """Synthetic variant of the 0.42 log: a SATA drive with a real serial (the line is 103
    wide)."""
    text = (
        sample_text("hw", "local_nwipe042_success_dodshort_verified.log")
        .replace("loop0", "sdb")
        .replace("VIRT    , Loopback device,   67 MB, S/N=",
                 "ATA     , WDC WD3200BEVT-22A23T0,   67 MB, S/N=WD-WXE1A80R1234")
    )  # fmt: skip
    [disk] = parse_nwipe_log(text).disks
    assert (disk.device, disk.bus) == ("/dev/sdb", "ATA")
    assert (disk.model, disk.serial) == ("WDC WD3200BEVT-22A23T0", "WD-WXE1A80R1234")


@pytest.mark.parametrize("garbage", ["Pm", "WD-1234", "`\xf8%\xe2"])
def test_a_loop_device_never_has_a_serial_even_when_its_garbage_bytes_are_printable(garbage):
    """0.30 prints the loop device's uninitialised bytes; CI once drew the printable "Pm"."""
    text = sample_text("hw", "local_nwipe042_success_dodshort_verified.log").replace(
        "Loopback device,   67 MB, S/N=", f"Loopback device,   67 MB, S/N={garbage}"
    )
    assert f"S/N={garbage}" in text
    [disk] = parse_nwipe_log(text).disks
    assert (disk.device, disk.bus, disk.serial) == ("/dev/loop0", "VIRT", None)


def test_a_found_line_cut_at_80_columns_gives_no_serial():
    """The 0.28 development log cut "S/N=W..." at 80 columns: "W" is not a serial."""
    log = parse_nwipe_log(
        sample_text(
            "hw2", "nwipe_excerpt_2020_medion_80col_truncated_lines_smbios_placeholders.log"
        )
    )
    assert [d.serial for d in log.disks] == [None]
