"""Read the raw sources of one report, agent or eReuse Workbench, before they are merged.

Each accepted payload carries several tool outputs; this module parses every one of them with
its own parser and keeps what it got in a :class:`Sources`, turning a broken source into a
warning instead of refusing the whole report. The Atelier agent format (version 1)::

    {"format": "atelier-agent", "version": 1, "asset_tag": str|None,
     "collected_at": ISO 8601, "host": {"hostname": ..., "utc_offset": "+01:00", ...},
     "reports": {"lshw": <lshw JSON>, "dmidecode": "<text>", "smartctl": [<json>, ...],
                 "battery_uevent": ["<text>", ...], "nwipe_log": "<text>" | null,
                 "upower": "<text>" (optional), "erasures": [<record>, ...] (optional,
                 see :mod:`refurb.snapshots.erasure`)},
     "errors": [{"command": ..., "exit_code": ..., "stderr": ...}]}

Time zones: nwipe logs have no offset; they are read in the agent's ``host.utc_offset`` when
given, else UTC (with a warning).
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from typing import Any

from .._util import as_dict, as_list, clean_str
from ..battery import parse_battery_uevent, parse_upower
from ..dmidecode import DmidecodeReport, parse_dmidecode
from ..erasure import parse_erasure_record
from ..ereuse import EreuseSnapshot, parse_ereuse
from ..errors import ReportError
from ..lshw import LshwReport, parse_lshw
from ..models import ParsedBattery, ParsedErasure
from ..nwipe import NwipeLog, parse_nwipe_log
from ..smartctl import SmartctlNotADisk, SmartctlReport, parse_smartctl

AGENT_FORMAT = "atelier-agent"


def tz_from_offset(offset: Any) -> tzinfo | None:
    """Return the fixed time zone of a ``+01:00`` (or ``-0500``) offset, else None."""
    m = re.match(r"^([+-])(\d{2}):?(\d{2})$", clean_str(offset) or "")
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3))
    if hours > 23 or minutes > 59:  # "+99:99" is no offset (and timezone() would raise)
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m.group(1) == "-" else delta)


class Sources:
    """Parsed raw sources of one snapshot, before merging."""

    def __init__(self) -> None:
        self.lshw: LshwReport | None = None
        self.dmi: DmidecodeReport | None = None
        self.smart: list[SmartctlReport | SmartctlNotADisk] = []
        self.batteries: list[ParsedBattery] = []
        self.nwipe: NwipeLog | None = None
        self.erasures: list[ParsedErasure] = []
        self.ereuse: EreuseSnapshot | None = None
        self.warnings: list[str] = []


def agent_sources(payload: dict) -> tuple[Sources, tzinfo]:
    """Parse every report of an agent payload; return them with the agent's time zone."""
    src = Sources()
    reports = as_dict(payload.get("reports"))
    host = as_dict(payload.get("host"))
    tz = tz_from_offset(host.get("utc_offset"))
    if tz is None:
        tz = UTC
        if reports.get("nwipe_log"):
            src.warnings.append("host.utc_offset missing: nwipe times read as UTC")

    def attempt(label: str, func, *args):
        try:
            return func(*args)
        except ReportError as exc:
            src.warnings.append(f"{label}: {exc.message}")
            return None

    if reports.get("lshw") not in (None, "", {}, []):
        src.lshw = attempt("lshw", parse_lshw, reports["lshw"])
    if isinstance(reports.get("dmidecode"), str):
        src.dmi = attempt("dmidecode", parse_dmidecode, reports["dmidecode"])
    for item in as_list(reports.get("smartctl")):
        parsed = attempt("smartctl", parse_smartctl, item)
        if parsed is not None:
            src.smart.append(parsed)
    for text in as_list(reports.get("battery_uevent")):
        bat = attempt("battery", parse_battery_uevent, text)
        if bat is not None:
            src.batteries.append(bat)
    if isinstance(reports.get("upower"), str):
        src.batteries.extend(attempt("upower", parse_upower, reports["upower"]) or ())
    if reports.get("nwipe_log"):
        src.nwipe = attempt("nwipe log", parse_nwipe_log, reports["nwipe_log"], tz)
    for record in as_list(reports.get("erasures")):
        parsed = attempt("erasure record", parse_erasure_record, record, tz)
        if parsed is not None:
            src.erasures.append(parsed)
    for err in as_list(payload.get("errors")):
        err = as_dict(err)
        command = clean_str(err.get("command")) or "?"
        detail = clean_str(err.get("stderr")) or ""
        src.warnings.append(
            f"agent: '{command}' failed (exit {err.get('exit_code')}) {detail[:200]}".strip()
        )
    return src, tz


def ereuse_sources(payload: dict) -> Sources:
    """Parse an eReuse Workbench snapshot and expose the tool outputs it embeds."""
    snap = parse_ereuse(payload)
    src = Sources()
    src.ereuse = snap
    src.lshw = snap.lshw
    src.dmi = snap.dmidecode
    src.smart = list(snap.smartctl)
    src.erasures = list(snap.erasures)
    src.warnings.extend(snap.warnings)
    return src
