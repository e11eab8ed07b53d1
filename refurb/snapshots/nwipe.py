"""Parser for nwipe log files (``nwipe --logfile``), versions 0.2x-0.33 and 0.34+/0.42.

What is read:

* options block: ``method``, ``prng``, ``rounds``, ``verify`` (0 off / 1 last pass /
  2 all passes), ``sync``, ``banner`` (version);
* per device: the ``Found /dev/X, BUS, MODEL, SIZE, S/N=SERIAL`` line, the exact size
  from ``sect/blk/dev a/b/BYTES`` (0.33) or ``Total device bytes = N`` (0.42), the
  ``Invoking method`` time (start), the ``Error Summary`` table (pass, verification and
  fdatasync error counts), the ``Erasure Summary`` table (0.42: bytes erased / total)
  and the ``Drive Status`` table (``Erased``, ``-FAILED-``, ``UABORTED``...);
* the ``Total Throughput ..., METHOD, 1R+B+VL`` line: its time is the end time and the
  code gives rounds (``1R``), blanking (``+B``) and verification (``+VL``/``+VA``).

Safety rules (a donor's data is at stake, so doubt never reads as "erased"):

* result is ``erased`` only when the Drive Status says ``Erased`` AND the error summary
  shows zero errors AND the run was not aborted AND (0.42) the erasure summary, when
  present, says 100 %;
* ``UABORTED``/``ABORTED`` or "aborted by the user" -> ``aborted``;
* ``FAILED``, any error count > 0, or an unknown status -> ``failed``;
* a device that was found but has no status line -> ``not_run``.

nwipe timestamps carry no time zone: they are interpreted in ``tz`` (default UTC).

NIST SP 800-88 Rev. 1: every nwipe method is a software overwrite of the user-addressable
area, i.e. **Clear** (not Purge: overwriting cannot reach remapped/over-provisioned
sectors, notably on SSDs). "Verify only" erases nothing and maps to None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from .errors import MalformedReport
from .methods import classify

_TS_RE = re.compile(r"^\[(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\]")
_OPT_RE = re.compile(r"notice:\s+(\w[\w ]*?)\s*=\s*(.+?)\s*$")
_FOUND_RE = re.compile(
    r"Found (/dev/\S+?),\s*(.*?)\s*,\s*(.*?)\s*,\s*([\d.]+\s*[KMGTP]?B)\s*,\s*S/N=(.*)$"
)
_SECT_RE = re.compile(r"notice: (/dev/\S+), sect/blk/dev \d+/\d+/(\d+)")
_GEOM_RE = re.compile(r"notice: (/dev/\S+): Device geometry")
_TOTAL_BYTES_RE = re.compile(r"Total device bytes\s*=\s*(\d+)")
_INVOKE_RE = re.compile(r"Invoking method '([^']+)' on (/dev/\S+)")
_PASS_RE = re.compile(r"Starting pass \d+/(\d+), round \d+/\d+, on (/dev/\S+)")
_THROUGHPUT_RE = re.compile(
    r"Total Throughput\s+.*?,\s*([^,]+?),\s*(\d+)R(?:\+(N?B))?(?:\+V([AL]))?\s*$"
)
_HIDDEN_RE = re.compile(r"\b(HPA|DCO)\b", re.IGNORECASE)
_HIDDEN_NONE_RE = re.compile(
    r"no hidden|not enabled|disabled|not applicable|\[GOOD\]|hidden sectors = 0", re.IGNORECASE
)
_HIDDEN_FOUND_RE = re.compile(
    r"hidden (area|sectors?)[^.]*\b(detected|found|present)|\[BAD\]|HPA is enabled|"
    r"DCO is enabled|\bis enabled\b",
    re.IGNORECASE,
)
_MESSAGE_RE = re.compile(r"\b(error|fatal):|Please install|hdparm command")
_TABLE_ROW_RE = re.compile(r"^[!\s]\s*(\S+)\s*\|(.*)$")


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

    @property
    def errors(self) -> int:
        return self.pass_errors + self.verify_errors + self.sync_errors


@dataclass(frozen=True)
class NwipeLog:
    version: str | None
    method: str | None  # as printed ("DoD Short")
    method_key: str | None  # canonical ("dodshort")
    nist_category: str | None  # "clear" for overwrite methods
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


def _ts(line: str, tz: tzinfo) -> datetime | None:
    m = _TS_RE.match(line)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tz)
    except ValueError:
        return None


def _dev(name: str) -> str:
    return name if name.startswith("/dev/") else f"/dev/{name}"


def _tables(lines: list[str]) -> dict[str, dict[str, list[str]]]:
    """Rows of the '*** Error Summary ***' style tables, keyed by table then device."""
    tables: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in lines:
        if line.startswith("****"):
            title = line.strip("* ").strip()
            current = title if title else None
            if current:
                tables.setdefault(current, {})
            continue
        if current is None or line.startswith("---") or "| " not in line and "|" not in line:
            continue
        m = _TABLE_ROW_RE.match(line)
        if not m or m.group(1) == "Device":
            continue
        cells = [c.strip() for c in m.group(2).split("|")]
        tables[current][_dev(m.group(1))] = cells
    return tables


def _serial(text: str | None) -> str | None:
    """A serial nwipe printed, or None when it is empty or garbage (nwipe 0.30 prints
    uninitialised bytes for loop devices): garbage is never an identity."""
    text = (text or "").strip()
    if not text or any(not (32 < ord(c) < 127) for c in text.replace(" ", "_")):
        return None
    return text


def _int(text: str | None) -> int:
    m = re.match(r"^\s*(\d+)", text or "")
    return int(m.group(1)) if m else 0


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

    options: dict[str, str] = {}
    found: dict[str, dict] = {}
    sizes: dict[str, int] = {}
    started: dict[str, datetime | None] = {}
    passes_seen: dict[str, int] = {}
    messages: list[str] = []
    hidden: dict[str, bool] = {}
    geometry_dev = None
    method_from_invoke = None
    first_ts = last_ts = None
    throughput = None
    aborted_by_user = "aborted by the user" in text.lower()
    version = None

    for line in lines:
        ts = _ts(line, tz)
        if ts:
            first_ts = first_ts or ts
            last_ts = ts
        m = re.search(r"info: nwipe (\d[\w.]*)", line)
        if m and version is None:
            version = m.group(1)
        if "Program options" not in line:
            m = _OPT_RE.search(line)
            if m and m.group(1).strip() in {
                "banner",
                "prng",
                "method",
                "rounds",
                "sync",
                "verify",
                "noblank",
                "quiet",
            }:
                options[m.group(1).strip()] = m.group(2)
        m = _FOUND_RE.search(line)
        if m:
            found[m.group(1)] = {
                "bus": m.group(2).strip() or None,
                "model": m.group(3).strip() or None,
                "serial": _serial(m.group(5)),
            }
        m = _SECT_RE.search(line)
        if m:
            sizes[m.group(1)] = int(m.group(2))
        m = _GEOM_RE.search(line)
        if m:
            geometry_dev = m.group(1)
        m = _TOTAL_BYTES_RE.search(line)
        if m and geometry_dev:
            sizes[geometry_dev] = int(m.group(1))
        m = _INVOKE_RE.search(line)
        if m:
            method_from_invoke = m.group(1)
            started[m.group(2)] = ts
        m = _PASS_RE.search(line)
        if m:
            passes_seen[m.group(2)] = max(passes_seen.get(m.group(2), 0), int(m.group(1)))
        m = _THROUGHPUT_RE.search(line)
        if m:
            throughput = (ts, m.group(1).strip(), int(m.group(2)), m.group(3) == "B", m.group(4))
        if _HIDDEN_RE.search(line):
            dm = re.search(r"(/dev/[\w/.-]+\w)", line)
            if dm and _HIDDEN_NONE_RE.search(line):
                hidden.setdefault(dm.group(1), False)
            elif dm and _HIDDEN_FOUND_RE.search(line):
                hidden[dm.group(1)] = True
        if re.search(r"\b(error|fatal):", line) or re.search(
            r"Please install|hdparm command", line
        ):
            messages.append(line.split("]", 1)[-1].strip())

    if version is None and "banner" in options:
        m = re.search(r"(\d[\w.]*)", options["banner"])
        version = m.group(1) if m else None
    method = options.get("method") or method_from_invoke or (throughput[1] if throughput else None)
    info = classify("nwipe", method)
    # An unknown method is not trusted as a sanitisation (doubt never reads as proof).
    key = info.key if info else None
    per_round = info.passes if info else None
    nist = info.category if info and info.writes else None
    read_only = info is not None and not info.writes
    verify_opt = options.get("verify", "")
    verify = {"0": "off", "1": "last", "2": "all"}.get(verify_opt[:1])
    if throughput and throughput[4]:
        verify = {"L": "last", "A": "all"}[throughput[4]]
    elif throughput and verify is None:
        verify = "off"
    rounds = _int(options.get("rounds")) or (throughput[2] if throughput else None)
    blanking = throughput[3] if throughput else None
    if passes_seen and not read_only:
        per_round = max(passes_seen.values())

    tables = _tables(lines)
    status_table = next((v for k, v in tables.items() if k.startswith("Drive Status")), {})
    error_table = next((v for k, v in tables.items() if k.startswith("Error Summary")), {})
    erasure_table = next((v for k, v in tables.items() if k.startswith("Erasure Summary")), {})
    end_ts = throughput[0] if throughput else last_ts

    devices = list(dict.fromkeys(list(found) + list(started) + list(status_table)))
    disks = []
    for dev in devices:
        info = found.get(dev, {})
        status_cells = status_table.get(dev)
        status = status_cells[0] if status_cells else None
        errs = error_table.get(dev, [])
        pass_e, verify_e, sync_e = (_int(errs[i]) if len(errs) > i else 0 for i in range(3))
        erased_cells = erasure_table.get(dev)
        bytes_erased = _int(erased_cells[0]) if erased_cells else None
        percent = None
        if erased_cells and len(erased_cells) > 2:
            pm = re.match(r"([\d.]+)%", erased_cells[2])
            percent = float(pm.group(1)) if pm else None
        model = info.get("model")
        serial = info.get("serial")
        if status_cells and len(status_cells) >= 4 and "/" in status_cells[3]:
            t_model, _, t_serial = status_cells[3].rpartition("/")
            model = model or (t_model.strip() or None)
            serial = serial or _serial(t_serial)

        low = (status or "").lower()
        if status is None:
            result = "not_run"
        elif "abort" in low or (aborted_by_user and low != "erased"):
            result = "aborted"
        elif low == "erased" and pass_e + verify_e + sync_e == 0 and not aborted_by_user:
            result = "erased" if percent is None or percent >= 100.0 else "failed"
        else:
            result = "failed"
        size = sizes.get(dev)
        if size is None and erased_cells and len(erased_cells) > 1:
            size = _int(erased_cells[1]) or None
        disks.append(
            NwipeDisk(
                device=dev,
                bus=info.get("bus"),
                model=model,
                serial=serial,
                size_bytes=size,
                status=status,
                result=result,
                started_at=started.get(dev),
                finished_at=end_ts if status is not None else None,
                pass_errors=pass_e,
                verify_errors=verify_e,
                sync_errors=sync_e,
                bytes_erased=bytes_erased,
                percent_erased=percent,
                verified=result == "erased" and verify in ("last", "all") and not read_only,
                hidden_area=hidden.get(dev),
            )
        )

    if not disks or all(d.result == "not_run" for d in disks):
        outcome = "not_started"
    elif aborted_by_user or any(d.result == "aborted" for d in disks):
        outcome = "aborted"
    elif any(d.result != "erased" for d in disks) or "exited with errors" in text:
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
        disks=tuple(disks),
        messages=tuple(messages),
        started_at=first_ts,
        finished_at=end_ts,
        read_only=read_only,
    )
