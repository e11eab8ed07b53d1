from datetime import UTC, datetime, timedelta, timezone

import pytest

from refurb.snapshots.erasure import parse_erasure_record
from refurb.snapshots.errors import ReportError


def record(**overrides):
    base = {
        "tool": "hdparm",
        "device": "/dev/sda",
        "serial": "S3YZNB0KB00864E",
        "action": "security-erase-enhanced",
        "exit_code": 0,
        "verified": True,
        "started": "2026-11-22T10:00:00+01:00",
        "finished": "2026-11-22T10:20:00+01:00",
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("tool", "action", "verified", "category"),
    [
        ("hdparm", "security-erase-enhanced", False, "purge"),
        ("hdparm", "security-erase", True, "clear"),
        ("hdparm", "sanitize-crypto", False, "purge"),
        ("nvme-sanitize", "crypto", False, "purge"),
        ("nvme-sanitize", "block", False, "purge"),
        ("nvme-format", "format-ses1", False, "purge"),
        ("nvme-format", "format-ses2", False, "purge"),
        ("nvme-format", "format-ses0", True, None),
        ("blkdiscard", "discard", True, "clear"),
        ("blkdiscard", "discard", False, None),
    ],
)
def test_tool_and_action_map_to_the_nist_category(tool, action, verified, category):
    erasure = parse_erasure_record(record(tool=tool, action=action, verified=verified))
    assert erasure.nist_category == category


def test_an_unverified_blkdiscard_is_recorded_as_erased_but_unverified_and_uncategorised():
    erasure = parse_erasure_record(record(tool="blkdiscard", action="discard", verified=False))
    assert (erasure.result, erasure.verified, erasure.nist_category) == ("erased", False, None)


@pytest.mark.parametrize(
    ("exit_code", "result"), [(0, "erased"), (1, "failed"), (5, "failed"), (None, "not_run")]
)
def test_exit_code_decides_the_result(exit_code, result):
    erasure = parse_erasure_record(record(exit_code=exit_code))
    assert erasure.result == result


def test_a_failed_command_gets_no_nist_category_and_is_not_verified():
    erasure = parse_erasure_record(record(exit_code=5))
    assert (erasure.nist_category, erasure.verified) == (None, False)


def test_times_are_aware_and_naive_times_get_the_default_zone():
    erasure = parse_erasure_record(record(started="2026-11-22T10:00:00"))
    assert erasure.started == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert erasure.finished == datetime(2026, 11, 22, 10, 20, tzinfo=timezone(timedelta(hours=1)))


def test_an_unknown_tool_is_rejected_with_the_accepted_list():
    with pytest.raises(ReportError) as err:
        parse_erasure_record(record(tool="dd"))
    assert err.value.code == "erasure_unknown_tool"
    assert "nvme-sanitize" in err.value.message


def test_placeholder_serials_are_dropped():
    assert parse_erasure_record(record(serial="0000000000")).drive_serial is None
