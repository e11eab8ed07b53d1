"""Logs the real nwipe writes here and now (tests/refurb/nwipe_runs.py), read by the parser.

Skipped with the reason when this machine cannot run nwipe on loop devices (not root, nwipe not
installed, no loop device); in CI (``CI=true``, set by .ci/run, which installs Debian's nwipe and
runs as root) they fail instead, so the real tool's logs are always checked there.
"""

import os

import pytest

from refurb.snapshots.normalize.drives import nwipe_erasures
from refurb.snapshots.nwipe import parse_nwipe_log
from tests.refurb import nwipe_runs

REASON = nwipe_runs.unavailable()
IN_CI = os.environ.get("CI") == "true"
pytestmark = pytest.mark.skipif(
    REASON is not None and not IN_CI, reason=f"no real nwipe run: {REASON}"
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if REASON is not None:
        pytest.fail(f"CI must run the real nwipe: {REASON}")
    return nwipe_runs.generate(tmp_path_factory.mktemp("nwipe"))


def _log(runs, name):
    if name not in runs:
        if IN_CI:
            pytest.fail(f"nwipe run {name} could not be made")
        pytest.skip(f"nwipe run {name} could not be made here (tmpfs mount refused?)")
    return parse_nwipe_log(runs[name].read_bytes())


@pytest.mark.slow(12)
def test_a_verified_zero_fill_is_erased_verified_and_clear(runs):
    log = _log(runs, "zero_verified")
    [disk] = log.disks
    assert (log.method_key, log.nist_category, log.verify, log.outcome) == (
        "zero", "clear", "last", "completed"
    )  # fmt: skip
    assert (disk.status, disk.result, disk.verified, disk.size_bytes, disk.serial) == (
        "Erased", "erased", True, 16 * nwipe_runs.MiB, None
    )  # fmt: skip
    assert disk.started_at <= disk.finished_at


def test_a_verify_zero_run_is_read_only_and_never_a_proof(runs):
    log = _log(runs, "verify_zero_read_only")
    [disk] = log.disks
    assert (log.method_key, log.read_only, log.nist_category) == ("verify_zero", True, None)
    assert (disk.status, disk.verified) == ("Erased", False)
    [erasure] = nwipe_erasures(log, [], [])
    assert (erasure.writes, erasure.nist_category, erasure.verified) == (False, None, False)


def test_a_run_on_a_full_tmpfs_fails_with_an_io_error(runs):
    log = _log(runs, "random_full_tmpfs_failed")
    [disk] = log.disks
    assert (log.outcome, disk.status, disk.result, disk.io_error, disk.verified) == (
        "errors", "-FAILED-", "failed", True, False
    )  # fmt: skip
    assert disk.errors > 0 and disk.bytes_erased < 16 * nwipe_runs.MiB


def test_an_aborted_run_on_a_regular_file_keeps_the_real_cause(runs):
    log = _log(runs, "regular_file_aborted")
    [disk] = log.disks
    assert disk.device.endswith("/disk1.img") and not disk.device.startswith("/dev/")
    assert disk.result in ("aborted", "failed") and disk.verified is False
    assert "is not a block device" in disk.cause
