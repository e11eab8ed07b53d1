"""Parser for nwipe log files (``nwipe --logfile``, or its stdout), nwipe 0.26 to 0.42.

Two line formats, told apart by the prefix (``log_format``):

* ``legacy`` (before 0.28): ``[ts] nwipe: notice: ... on device '/dev/sdX'.``, drives as
  ``Found drive model="...", device path="...", size="...", serial number="..."``, sizes as
  ``Device '/dev/sdX' is size N.``, and no summary tables at all: a disk is ``erased`` only
  when every round finished, a started blanking finished and no error names it; a log that
  stops before that (the 2016 excerpt ends at "Blanking device") is ``aborted`` (unfinished).
  nwipe 0.26 prints the method where the device belongs in its last "Verified pass" line: the
  device is then the one of the "Verifying pass" line before it.
* ``modern`` (0.28 and later): ``[ts]  notice: ... on /dev/sdX``, drives as ``Found /dev/X,
  BUS, MODEL, SIZE, S/N=SERIAL`` (0.28 development printed "BUS MODEL" in one field), sizes from
  ``sect/blk/dev a/b/BYTES`` or ``Total device bytes = N``, options block (0.31+; 0.30 has
  none), and summary tables. Tables are recognised by their header row, not their title: 0.30
  prints the Drive Status table with no title line and no Error Summary, 0.31 development has a
  two-column Error Summary. A Drive Status table cut before its closing line (the 2023 excerpt)
  is unknown, never erased.

Read per disk: its own start (``Invoking method``) and end (the last line naming it), method,
rounds and passes, verification, blanking, pass/verify/fdatasync errors, an I/O error flag,
HPA/DCO (hidden area) lines, bytes erased and the Drive Status. Lines without a timestamp (a
wrapped kernel line, stdout's first lines) and nwipe's copies of smartctl's text ("debug:
smartctl: Serial Number: ...") are not drive records. A ``Found`` line cut at 80 columns
(0.28 development) gives no serial, a serial of control or non-ASCII bytes is refused, and
a loop device (bus ``VIRT``) never has one (0.30 prints uninitialised bytes there, printable
or not): identity then comes from the snapshot's drive with the same device name,
or the import asks which drive it was. A table device name that is only the tail of a path
(``isk1.img`` for ``disk1.img``) is matched to a device the log named, never invented.

Safety rules (doubt never reads as "erased"): ``erased`` needs the Drive Status ``Erased`` (or,
legacy, every round finished), zero errors, no I/O error, not aborted, and (0.42) 100 % in the
Erasure Summary; ``UABORTED``/``ABORTED``/"aborted by the user" -> ``aborted``; ``FAILED``, an
error or an unknown status -> ``failed``; a device found with no status -> ``not_run``.

nwipe timestamps carry no time zone: they are interpreted in ``tz`` (default UTC). NIST
categories and whether a method writes come from :mod:`.methods`: nwipe's overwrites are
*Clear*; ``verify_zero`` / ``verify_one`` only read (``read_only``) and are never a proof.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from .errors import MalformedReport
from .methods import classify

_TS_RE = re.compile(r"^\[(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\]")
_LEGACY_RE = re.compile(r"^\[[^\]]+\] nwipe: (notice|info|warning|error|fatal|debug):")
_OPT_RE = re.compile(r"notice:\s+(\w[\w ]*?)\s*=\s*(.+?)\s*$")
_OPTIONS = {"banner", "prng", "method", "rounds", "sync", "verify", "noblank", "quiet"}
_FOUND_RE = re.compile(r"Found (/dev/\S+?),(.*?),\s*([\d.]+\s*[KMGTP]?B)\s*,\s*S/N=(.*)$")
_LEGACY_FOUND_RE = re.compile(
    r'Found drive model="([^"]*)", device path="([^"]*)", size="([^"]*)", serial number="([^"]*)"'
)
_LEGACY_SIZE_RE = re.compile(r"Device '([^']+)' is size (\d+)")
_SECT_RE = re.compile(r"notice: (/dev/\S+), sect/blk/dev \d+/\d+/(\d+)")
_GEOM_RE = re.compile(r"notice: (/dev/\S+): Device geometry")
_TOTAL_BYTES_RE = re.compile(r"Total device bytes\s*=\s*(\d+)")
_INVOKE_RE = re.compile(r"Invoking method '([^']+)' on (?:device )?'?([^'\s]+?)'?\.?$")
_PASS_RE = re.compile(r"Starting pass \d+\s*(?:/|of)\s*(\d+), round")
_VERIFIED_PASS_RE = re.compile(r"Verified pass \d+\s*(?:/|of)\s*\d+")
_VERIFYING_PASS_RE = re.compile(r"Verifying pass \d+\s*(?:/|of)\s*\d+")
_ROUND_DONE_RE = re.compile(r"Finished (?:final )?round (\d+) of (\d+)")
_BLANK_START_RE = re.compile(r"Blanking device")
_BLANK_DONE_RE = re.compile(r"Blanked device")
_BYTES_RE = re.compile(r"(\d+) bytes written to ")
_THROUGHPUT_RE = re.compile(
    r"Total Throughput\s+.*?,\s*([^,]+?),\s*(\d+)R(?:\+(N?B))?(?:\+V([AL]))?\s*$"
)
_DEVICE_IN_LINE_RE = re.compile(r"(/dev/[\w/.:-]*\w)")
_PATH_IN_LINE_RE = re.compile(
    r"'(/[^']+)'|(?:^|\s)(/(?:dev|tmp|mnt|media|root|home|srv|var)/\S*\w)"
)
_IO_ERROR_RE = re.compile(
    r"Input/output error|I/O error|Buffer flush failure|fatal errors on device", re.IGNORECASE
)
# What nwipe (hpa_dco.c, 0.35 and newer) prints of the hidden areas: its verdict " *** HIDDEN
# SECTORS DETECTED ! *** on /dev/sdX" or "No hidden sectors on /dev/sdX", and the hdparm reading
# "[BAD]The host protected area is enabled on /dev/sdX" / "[GOOD]… disabled …". Its debug line
# "hdparm says the host protected area is enabled … may or may not be correct" is not a verdict.
_HIDDEN_RE = re.compile(
    r"\b(HPA|DCO)\b|hidden sectors|host protected area|configuration overlay", re.IGNORECASE
)
_HIDDEN_UNSURE_RE = re.compile(r"may or may not be correct|INDETERMINATE", re.IGNORECASE)
_HIDDEN_NONE_RE = re.compile(
    r"no hidden|not enabled|disabled|not applicable|may not support HPA|\[GOOD\]|"
    r"hidden sectors = 0",
    re.IGNORECASE,
)
_HIDDEN_FOUND_RE = re.compile(
    r"hidden (area|sectors?)[^.]*\b(detected|found|present)|\[BAD\]|HPA is enabled|"
    r"DCO is enabled|\bis enabled\b",
    re.IGNORECASE,
)
_TABLE_ROW_RE = re.compile(r"^[!\s]\s*(\S+)\s*\|(.*)$")
_BUSES = {"ATA", "USB", "VIRT", "NVME", "SAS", "SCSI", "UNK", "IDE", "MMC", "SATA", "FW"}
_LOG_WIDTH = 80  # nwipe 0.28 development cut log lines at 80 columns


@dataclass(frozen=True)
class NwipeDisk:
    device: str
    bus: str | None
    model: str | None
    serial: str | None
    size_bytes: int | None
    status: str | None  # raw Drive Status value ("Erased", "-FAILED-", "UABORTED")
    result: str  # "erased", "failed", "aborted", "not_run"
    started_at: datetime | None
    finished_at: datetime | None
    pass_errors: int
    verify_errors: int
    sync_errors: int
    bytes_erased: int | None
    percent_erased: float | None
    verified: bool
    hidden_area: bool | None = None  # HPA/DCO: True hidden sectors left, False none, None unknown
    io_error: bool = False
    cause: str | None = None  # the tool's own words when the disk failed or never started

    @property
    def errors(self) -> int:
        return self.pass_errors + self.verify_errors + self.sync_errors


@dataclass(frozen=True)
class NwipeLog:
    version: str | None
    method: str | None  # as printed ("DoD Short")
    method_key: str | None  # canonical ("dodshort")
    nist_category: str | None  # "clear" for overwrite methods, None for checks and unknowns
    rounds: int | None
    passes: int | None  # passes per round (blanking and verification not counted)
    verify: str | None  # "off", "last", "all"
    blanking: bool | None
    prng: str | None
    sync: int | None
    outcome: str  # "completed", "errors", "aborted", "not_started"
    disks: tuple[NwipeDisk, ...]
    messages: tuple[str, ...]  # error/fatal/"Please install" lines
    started_at: datetime | None
    finished_at: datetime | None
    read_only: bool = False  # a verify-only method: nothing was written (a check, not a proof)
    log_format: str = "modern"  # "legacy" (before 0.28) or "modern"


def _ts(line: str, tz: tzinfo) -> datetime | None:
    m = _TS_RE.match(line)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tz)
    except ValueError:
        return None


def _serial(text: str | None) -> str | None:
    """A serial nwipe printed, or None when it is empty or garbage (nwipe 0.30 prints
    uninitialised bytes for loop devices): garbage is never an identity."""
    text = (text or "").strip()
    if not text or any(not (32 < ord(c) < 127) for c in text.replace(" ", "_")):
        return None
    return text


_LOOP_RE = re.compile(r"^(/dev/)?loop\d+$")


def _virtual(device: str, bus: str | None) -> bool:
    """A loop device (nwipe's bus ``VIRT``) has no hardware serial: nwipe 0.30 prints the
    uninitialised bytes of its buffer, which are sometimes printable (``Pm``), so no check
    of the bytes can tell them from a real serial."""
    return (bus or "").upper() == "VIRT" or bool(_LOOP_RE.match(device.strip()))


def _int(text: str | None) -> int:
    m = re.match(r"^\s*(\d+)", text or "")
    return int(m.group(1)) if m else 0


def _bus_model(middle: str) -> tuple[str | None, str | None]:
    """``" ATA   , WDC WD10"`` -> ("ATA", "WDC WD10"); 0.28 development: ``"ATA WDC WD10"``."""
    parts = [p.strip() for p in middle.split(",")]
    if len(parts) >= 2:
        return parts[0] or None, ", ".join(parts[1:]).strip() or None
    first, _, rest = parts[0].partition(" ")
    if first.upper() in _BUSES:
        return first, rest.strip() or None
    return None, parts[0] or None


class _Table:
    def __init__(self, kind: str):
        self.kind = kind  # "status", "errors", "erasure"
        self.rows: dict[str, list[str]] = {}
        self.closed = False


def _table_kind(line: str) -> str | None:
    if "|" not in line or "Device" not in line:
        return None
    if "Status" in line and ("Model" in line or "Thru-put" in line):
        return "status"
    if "Pass Errors" in line:
        return "errors"
    if "Bytes Erased" in line:
        return "erasure"
    return None


def _tables(lines: list[str]) -> dict[str, _Table]:
    """Summary tables keyed by kind, recognised by their header row (0.30 has no title)."""
    tables: dict[str, _Table] = {}
    current: _Table | None = None
    for line in lines:
        kind = _table_kind(line)
        if kind:
            current = tables.setdefault(kind, _Table(kind))
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("---") or stripped.startswith("***") or "Total Throughput" in line:
            if current.rows:
                current.closed = True
                current = None
            continue
        m = _TABLE_ROW_RE.match(line)
        if m:
            current.rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
        elif stripped:
            current.closed = True
            current = None
    return tables


class _Disk:
    """What the log says about one device, line by line."""

    def __init__(self, device: str):
        self.device = device
        self.bus = self.model = self.serial = None
        self.size: int | None = None
        self.started: datetime | None = None
        self.last: datetime | None = None
        self.method: str | None = None
        self.passes = 0
        self.verified_passes = 0
        self.blank_started = self.blank_done = False
        self.rounds_done = 0
        self.rounds_total = 0
        self.bytes_written = 0
        self.errors: list[str] = []
        self.io_error = False
        self.hidden: bool | None = None
        self.found = False


def parse_nwipe_log(text: Any, tz: tzinfo = UTC) -> NwipeLog:
    """Parse an nwipe log into an :class:`NwipeLog` (never reports doubt as erased)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise MalformedReport("An nwipe log must be text.", code="nwipe_not_text")
    lines = text.splitlines()
    if not any("nwipe" in ln.lower() or "Found /dev/" in ln for ln in lines[:200]) and not any(
        _TS_RE.match(ln) for ln in lines[:50]
    ):
        raise MalformedReport(
            "This does not look like an nwipe log. Send the file written by 'nwipe --logfile'.",
            code="nwipe_not_a_log",
        )
    legacy = any(_LEGACY_RE.match(ln) for ln in lines[:400])

    options: dict[str, str] = {}
    disks: dict[str, _Disk] = {}
    messages: list[str] = []
    geometry_dev = None
    first_ts = last_ts = None
    throughput = None
    aborted_by_user = "aborted by the user" in text.lower()
    version = None
    current: str | None = None  # the device the last device-naming line was about

    def disk(dev: str) -> _Disk:
        return disks.setdefault(dev, _Disk(dev))

    for line in lines:
        ts = _ts(line, tz)
        if ts is None:
            continue  # a wrapped line, stdout noise, a table row: not an event
        first_ts = first_ts or ts
        last_ts = ts
        body = line.split("]", 1)[1]
        if re.search(r"\bdebug:", body):
            continue  # nwipe's copies of smartctl's text are not its own drive records
        m = re.search(r"info: nwipe (\d[\w.]*)", body)
        if m and version is None:
            version = m.group(1)
        if "Program options" not in body:
            m = _OPT_RE.search(body)
            if m and m.group(1).strip() in _OPTIONS:
                options[m.group(1).strip()] = m.group(2)
        if "excluded as per" in body:
            continue
        m = _FOUND_RE.search(body)
        if m:
            d = disk(m.group(1))
            d.found = True
            d.bus, d.model = _bus_model(m.group(2))
            cut = len(line.rstrip("\r\n")) == _LOG_WIDTH  # a line cut at 80 columns
            d.serial = None if cut else _serial(m.group(4))
            continue
        m = _LEGACY_FOUND_RE.search(body)
        if m:
            d = disk(m.group(2))
            d.found = True
            d.model = m.group(1).strip() or None
            d.serial = _serial(m.group(4))
            continue
        m = _LEGACY_SIZE_RE.search(body) or _SECT_RE.search(body)
        if m:
            disk(m.group(1)).size = int(m.group(2))
            current = m.group(1)
            continue
        m = _GEOM_RE.search(body)
        if m:
            geometry_dev = m.group(1)
        m = _TOTAL_BYTES_RE.search(body)
        if m and geometry_dev:
            disk(geometry_dev).size = int(m.group(1))
        m = _THROUGHPUT_RE.search(body)
        if m:
            throughput = (ts, m.group(1).strip(), int(m.group(2)), m.group(3) == "B", m.group(4))
            continue
        m = _INVOKE_RE.search(body)
        named = None
        if m:
            named = m.group(2)
            d = disk(named)
            d.method, d.started = m.group(1), ts
        if named is None:
            dm = _DEVICE_IN_LINE_RE.search(body)
            if dm and dm.group(1) != "/dev/urandom" and not dm.group(1).startswith("/dev/mem"):
                named = dm.group(1)
            elif _VERIFIED_PASS_RE.search(body) and current:
                named = current  # 0.26 prints the method where the device belongs
            else:
                pm = _PATH_IN_LINE_RE.search(body)
                path = (pm.group(1) or pm.group(2)) if pm else ""
                if (
                    path
                    and not path.startswith(("/etc/", "/proc/", "/sys/"))
                    and not (path.endswith((".conf", ".csv", ".log", ".pdf")) or "entropy" in body)
                ):
                    named = path  # a regular file given as a target: "'/x/disk1.img' is not..."
        is_error = bool(re.search(r"\b(error|fatal):", body))
        if is_error or re.search(r"Please install|hdparm command", body):
            messages.append(body.strip())
        if named is None and is_error and current and disks[current].started:
            named = current  # "error: nwipe_random_pass: fdatasync: ..." names no device
        if named is None:
            continue
        d = disk(named)
        current = named
        d.last = ts
        if _PASS_RE.search(body):
            d.passes = max(d.passes, int(_PASS_RE.search(body).group(1)))
        if _VERIFIED_PASS_RE.search(body):
            d.verified_passes += 1
        if _BLANK_START_RE.search(body):
            d.blank_started = True
        if _BLANK_DONE_RE.search(body):
            d.blank_done = True
        rm = _ROUND_DONE_RE.search(body)
        if rm:
            d.rounds_done, d.rounds_total = int(rm.group(1)), int(rm.group(2))
        bm = _BYTES_RE.search(body)
        if bm:
            d.bytes_written = max(d.bytes_written, int(bm.group(1)))
        if is_error:
            d.errors.append(body.strip())
        if _IO_ERROR_RE.search(body):
            d.io_error = True
        if _HIDDEN_RE.search(body) and not _HIDDEN_UNSURE_RE.search(body):
            if _HIDDEN_NONE_RE.search(body):
                d.hidden = False if d.hidden is None else d.hidden
            elif _HIDDEN_FOUND_RE.search(body):
                d.hidden = True

    # Only devices the log really wiped or found are disks (a line naming a file is not).
    disks = {
        k: v
        for k, v in disks.items()
        if v.found or v.started or v.errors or v.passes or v.bytes_written or v.rounds_total
    }

    if version is None and "banner" in options:
        m = re.search(r"(\d[\w.]*)", options["banner"])
        version = m.group(1) if m else None
    invoked = next((d.method for d in disks.values() if d.method), None)
    method = options.get("method") or invoked or (throughput[1] if throughput else None)
    info = classify("nwipe", method)
    # An unknown method is not trusted as a sanitisation (doubt never reads as proof).
    key = info.key if info else None
    per_round = info.passes if info else None
    nist = info.category if info and info.writes else None
    read_only = info is not None and not info.writes
    passes_seen = max((d.passes for d in disks.values()), default=0)
    if passes_seen and not read_only:
        per_round = passes_seen
    verify_opt = options.get("verify", "")
    verify = {"0": "off", "1": "last", "2": "all"}.get(verify_opt[:1])
    if throughput and throughput[4]:
        verify = {"L": "last", "A": "all"}[throughput[4]]
    elif throughput and verify is None:
        verify = "off"
    if verify is None and legacy and disks:
        vp = max(d.verified_passes for d in disks.values())
        verify = "all" if per_round and vp >= per_round else ("last" if vp else "off")
    rounds = _int(options.get("rounds")) or (throughput[2] if throughput else None)
    if rounds is None:
        rounds = max((d.rounds_total for d in disks.values()), default=0) or None
    blanking = throughput[3] if throughput else None
    if blanking is None and (legacy or not throughput):
        if any(d.blank_started for d in disks.values()):
            blanking = True
        elif "noblank" in options:
            blanking = False

    tables = _tables(lines)
    status_t = tables.get("status")
    error_t = tables.get("errors")
    erasure_t = tables.get("erasure")

    def table_device(name: str) -> str:
        """The device a table row names: its column holds only the tail of a long name."""
        for dev in disks:
            if dev == name or dev.rsplit("/", 1)[-1] == name:
                return dev
        for dev in disks:
            if dev.endswith(name):
                return dev
        return name if name.startswith("/") else f"/dev/{name}"

    def rows(table: _Table | None) -> dict[str, list[str]]:
        return {table_device(k): v for k, v in (table.rows if table else {}).items()}

    status_rows, error_rows, erasure_rows = rows(status_t), rows(error_t), rows(erasure_t)
    table_cut = status_t is not None and not status_t.closed
    for dev in status_rows:
        if dev not in disks:
            disks[dev] = _Disk(dev)
    out = []
    for dev, d in disks.items():
        cells = status_rows.get(dev)
        status = cells[0] if cells else None
        errs = error_rows.get(dev, [])
        pass_e, verify_e, sync_e = (_int(errs[i]) if len(errs) > i else 0 for i in range(3))
        erased_cells = erasure_rows.get(dev)
        bytes_erased = _int(erased_cells[0]) if erased_cells else None
        percent = None
        if erased_cells and len(erased_cells) > 2:
            pm = re.match(r"([\d.]+)%", erased_cells[2])
            percent = float(pm.group(1)) if pm else None
        model, serial = d.model, d.serial
        if cells and len(cells) >= 4 and "/" in cells[3] and not table_cut:
            t_model, _, t_serial = cells[3].rpartition("/")
            model = model or (t_model.strip() or None)
            serial = serial or _serial(t_serial)
        if _virtual(dev, d.bus):
            serial = None  # whatever bytes nwipe printed, a loop device has no serial
        cause = d.errors[-1] if d.errors else None
        low = (status or "").lower()
        if legacy and status is None:
            finished = d.rounds_total and d.rounds_done >= d.rounds_total
            if d.errors or d.io_error:
                result = "failed"
            elif aborted_by_user:
                result = "aborted"
            elif d.started is None:
                result = "not_run"
            elif finished and (d.blank_done or not d.blank_started):
                result = "erased"
            else:
                result = "aborted"
                cause = cause or "the log stops before the wipe finished"
        elif status is None or table_cut:
            result = "failed" if d.errors or d.io_error else "not_run"
            if table_cut and status is not None:
                cause = "the Drive Status table is cut: the result is unknown"
                status = None
        elif "abort" in low or (aborted_by_user and low != "erased"):
            result = "aborted"
        elif low == "erased" and pass_e + verify_e + sync_e == 0 and not aborted_by_user:
            result = "erased" if percent is None or percent >= 100.0 else "failed"
            if d.io_error:
                result = "failed"
        else:
            result = "failed"
        size = d.size
        if size is None and erased_cells and len(erased_cells) > 1:
            size = _int(erased_cells[1]) or None
        verified = (
            result == "erased"
            and not read_only
            and (verify in ("last", "all") or (legacy and d.verified_passes > 0))
        )
        out.append(
            NwipeDisk(
                device=dev,
                bus=d.bus,
                model=model,
                serial=serial,
                size_bytes=size,
                status=status,
                result=result,
                started_at=d.started,
                finished_at=d.last,
                pass_errors=pass_e,
                verify_errors=verify_e,
                sync_errors=sync_e,
                bytes_erased=bytes_erased
                if bytes_erased is not None
                else (d.bytes_written or None),
                percent_erased=percent,
                verified=verified,
                hidden_area=d.hidden,
                io_error=d.io_error,
                cause=cause if result != "erased" else None,
            )
        )

    if not out or all(d.result == "not_run" for d in out):
        outcome = "not_started"
    elif aborted_by_user or any(d.result == "aborted" for d in out):
        outcome = "aborted"
    elif any(d.result != "erased" for d in out) or "exited with errors" in text:
        outcome = "errors"
    else:
        outcome = "completed"

    return NwipeLog(
        version=version,
        method=method,
        method_key=key,
        nist_category=nist,
        rounds=rounds,
        passes=per_round,
        verify=verify,
        blanking=blanking,
        prng=options.get("prng"),
        sync=_int(options.get("sync")) if "sync" in options else None,
        outcome=outcome,
        disks=tuple(out),
        messages=tuple(messages),
        started_at=first_ts,
        finished_at=throughput[0] if throughput else last_ts,
        read_only=read_only,
        log_format="legacy" if legacy else "modern",
    )
