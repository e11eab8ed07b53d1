from datetime import UTC, datetime, timedelta, timezone

import pytest

from refurb.snapshots.errors import ReportError
from refurb.snapshots.nwipe import parse_nwipe_log

from .samples import hw_text

OUTCOMES = [
    # file, version, outcome, device, drive status, result, errors
    ("local_nwipe_success_dodshort_verified.log", "0.33", "completed", "/dev/loop0", "Erased",
     "erased", 0),
    ("local_nwipe_failed_io_error.log", "0.33", "errors", "/dev/loop1", "-FAILED-", "failed", 2),
    ("local_nwipe_aborted_user_sigint.log", "0.33", "aborted", "/dev/loop2", "UABORTED",
     "aborted", 0),
    ("local_nwipe042_success_dodshort_verified.log", "0.42", "completed", "/dev/loop0", "Erased",
     "erased", 0),
    ("local_nwipe042_aborted_user_sigint.log", "0.42", "aborted", "/dev/loop2", "UABORTED",
     "aborted", 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "version", "outcome", "device", "status", "result", "errors"), OUTCOMES
)
def test_each_log_gives_its_outcome_and_per_disk_result(
    name, version, outcome, device, status, result, errors
):
    log = parse_nwipe_log(hw_text(name))
    assert (log.version, log.outcome) == (version, outcome)
    [disk] = log.disks
    assert (disk.device, disk.status, disk.result, disk.errors) == (device, status, result, errors)


@pytest.mark.parametrize(
    ("name", "method", "passes", "verify", "prng"),
    [
        ("local_nwipe_success_dodshort_verified.log", "DoD Short", 3, "last", "Isaac64"),
        ("local_nwipe_failed_io_error.log", "Fill With Zeros", 1, "last", "Isaac64"),
        ("local_nwipe_aborted_user_sigint.log", "PRNG Stream", 1, "all", "Isaac64"),
        ("local_nwipe042_success_dodshort_verified.log", "DoD Short", 3, "last", "SplitMix64"),
        ("local_nwipe042_aborted_user_sigint.log", "PRNG Stream", 1, "all", "SplitMix64"),
    ],
)
def test_options_are_read_from_the_log(name, method, passes, verify, prng):
    log = parse_nwipe_log(hw_text(name))
    assert (log.method, log.passes, log.verify, log.prng) == (method, passes, verify, prng)
    assert (log.rounds, log.blanking) == (1, True)


@pytest.mark.parametrize(
    "name",
    [
        "local_nwipe_success_dodshort_verified.log",
        "local_nwipe_failed_io_error.log",
        "local_nwipe042_aborted_user_sigint.log",
    ],
)
def test_every_overwrite_method_is_nist_clear(name):
    assert parse_nwipe_log(hw_text(name)).nist_category == "clear"


def test_a_successful_verified_wipe_is_erased_and_verified_with_its_times():
    log = parse_nwipe_log(hw_text("local_nwipe_success_dodshort_verified.log"))
    disk = log.disks[0]
    assert disk.verified is True
    assert disk.size_bytes == 67108864
    assert disk.started_at == datetime(2026, 11, 22, 10, 0, 18, tzinfo=UTC)
    # its own last line (blanked at 10:00:20), not the summary line printed at 10:00:22
    assert disk.finished_at == datetime(2026, 11, 22, 10, 0, 20, tzinfo=UTC)


def test_the_io_failure_counts_pass_and_fdatasync_errors_and_is_never_erased():
    disk = parse_nwipe_log(hw_text("local_nwipe_failed_io_error.log")).disks[0]
    assert (disk.pass_errors, disk.verify_errors, disk.sync_errors) == (1, 0, 1)
    assert disk.result == "failed"
    assert disk.verified is False


def test_the_io_failure_keeps_the_tool_messages():
    log = parse_nwipe_log(hw_text("local_nwipe_failed_io_error.log"))
    assert "error: nwipe_static_pass: fdatasync: Input/output error" in log.messages


def test_an_aborted_042_wipe_reports_the_percentage_erased():
    disk = parse_nwipe_log(hw_text("local_nwipe042_aborted_user_sigint.log")).disks[0]
    assert (disk.bytes_erased, disk.size_bytes, disk.percent_erased) == (
        2780823552,
        8589934592,
        32.37,
    )
    assert disk.verified is False


def test_the_042_summary_confirms_a_full_erasure():
    disk = parse_nwipe_log(hw_text("local_nwipe042_success_dodshort_verified.log")).disks[0]
    assert (disk.bytes_erased, disk.percent_erased) == (67108864, 100.0)


def test_an_erased_status_with_errors_in_the_summary_is_downgraded_to_failed():
    text = hw_text("local_nwipe_success_dodshort_verified.log").replace(
        "     loop0 |           0 |                    0 |                    0",
        "!    loop0 |           0 |                    3 |                    0",
    )
    assert parse_nwipe_log(text).disks[0].result == "failed"


def test_nwipe_refusing_to_start_has_no_disk_and_says_why():
    log = parse_nwipe_log(hw_text("local_nwipe042_exit_missing_hdparm.log"))
    assert log.outcome == "not_started"
    assert log.disks == ()
    assert "warning: ** Please install hdparm **" in log.messages


def test_log_times_are_read_in_the_given_time_zone():
    paris_winter = timezone(timedelta(hours=1))
    log = parse_nwipe_log(hw_text("local_nwipe_success_dodshort_verified.log"), tz=paris_winter)
    assert log.disks[0].started_at == datetime(2026, 11, 22, 10, 0, 18, tzinfo=paris_winter)


def test_text_that_is_not_an_nwipe_log_is_rejected():
    with pytest.raises(ReportError) as err:
        parse_nwipe_log("hello\nworld\n")
    assert err.value.code == "nwipe_not_a_log"
