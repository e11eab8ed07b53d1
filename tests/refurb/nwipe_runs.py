"""Generate real nwipe logs: Debian's ``nwipe`` run on loop devices backed by scratch files.

``python -m tests.refurb.nwipe_runs OUTDIR`` (as root) writes, for the installed nwipe:

* ``zero_verified.log``: ``--method=zero --verify=last`` on a 16 MiB loop: erased;
* ``verify_zero_read_only.log``: ``--method=verify_zero`` on a zero-filled loop: a read-only
  check that nwipe still reports as ``Erased``;
* ``random_full_tmpfs_failed.log``: ``--method=random --sync=1`` on a 16 MiB loop whose backing
  file sits on a 4 MiB tmpfs: I/O errors, ``-FAILED-``;
* ``regular_file_aborted.log``: nwipe pointed at a regular file ``disk1.img``: "is not a block
  device", then the run is interrupted (nwipe waits): ``UABORTED``.

Safety: nwipe is only ever given the loop devices this module attached (``--autonuke`` with
no device would wipe every disk of the machine), and every loop is detached afterwards.
:func:`unavailable` says why the runs cannot happen here (not root, no nwipe, no loop device,
no tmpfs mount), so a test can skip with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

MiB = 1024 * 1024
NWIPE_ARGS = ["--autonuke", "--nogui", "--nowait"]


def unavailable() -> str | None:
    """Why real nwipe runs cannot be made on this machine, or None when they can."""
    if os.geteuid() != 0:
        return "nwipe on loop devices needs root"
    if shutil.which("nwipe") is None:
        return "Debian's nwipe is not installed (apt-get install nwipe)"
    if shutil.which("losetup") is None:
        return "losetup (util-linux) is not installed"
    probe = subprocess.run(["losetup", "-f"], capture_output=True, text=True)
    if probe.returncode != 0 or not probe.stdout.strip().startswith("/dev/loop"):
        return f"no free loop device in this container ({probe.stderr.strip() or 'losetup -f'})"
    return None


@contextmanager
def _loop(backing: Path):
    device = subprocess.run(
        ["losetup", "-f", "--show", str(backing)], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not device.startswith("/dev/loop"):
        raise RuntimeError(f"losetup gave {device!r}, not a loop device")
    try:
        yield device
    finally:
        subprocess.run(["losetup", "-d", device], check=False)


def _nwipe(log: Path, target: str, *options: str, timeout: float = 120) -> int:
    """Run nwipe on exactly one target; return its exit code (-2 when interrupted)."""
    if not target:
        raise ValueError("nwipe needs an explicit target: never run it without one")
    args = ["nwipe", *NWIPE_ARGS, *options, f"--logfile={log}", target]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(2)  # SIGINT: nwipe writes its summary as "aborted by the user"
        try:
            return proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return -9


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def generate(out: Path) -> dict[str, Path]:
    """Run every case into ``out``; return the log of each case by name."""
    out.mkdir(parents=True, exist_ok=True)
    logs: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="atelier-nwipe-") as scratch:
        scratch = Path(scratch)
        logs["zero_verified"] = out / "zero_verified.log"
        with _loop(_sparse(scratch / "ok.img", 16 * MiB)) as dev:
            _nwipe(logs["zero_verified"], dev, "--method=zero", "--verify=last")

        logs["verify_zero_read_only"] = out / "verify_zero_read_only.log"
        with _loop(_sparse(scratch / "zeros.img", 8 * MiB)) as dev:
            _nwipe(logs["verify_zero_read_only"], dev, "--method=verify_zero")

        full = scratch / "full"
        full.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4M", "tmpfs", str(full)], capture_output=True
        )
        if mounted.returncode == 0:
            try:
                logs["random_full_tmpfs_failed"] = out / "random_full_tmpfs_failed.log"
                with _loop(_sparse(full / "big.img", 16 * MiB)) as dev:
                    _nwipe(
                        logs["random_full_tmpfs_failed"], dev, "--method=random", "--verify=last",
                        "--sync=1",
                    )  # fmt: skip
            finally:
                subprocess.run(["umount", str(full)], check=False)

        logs["regular_file_aborted"] = out / "regular_file_aborted.log"
        image = _sparse(scratch / "disk1.img", 8 * MiB)
        _nwipe(logs["regular_file_aborted"], str(image), "--method=zero", timeout=5)
    return {name: path for name, path in logs.items() if path.is_file()}


if __name__ == "__main__":
    reason = unavailable()
    if reason:
        sys.exit(f"cannot run nwipe here: {reason}")
    for name, path in generate(Path(sys.argv[1] if len(sys.argv) > 1 else "nwipe-runs")).items():
        print(f"{name}: {path}")
