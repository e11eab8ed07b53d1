"""Turn any accepted hardware report into one ParsedSnapshot: :func:`parse_snapshot`.

Accepted payloads are the Atelier bench agent's JSON (``"format": "atelier-agent"``, read by
:mod:`.sources`) and the eReuse Workbench generations listed in :mod:`refurb.snapshots.ereuse`;
anything else raises :class:`UnknownReportFormat`. When sources disagree the first non-empty
value wins, in the order documented next to each merge (:mod:`.system` for identity, CPU, RAM,
battery, GPUs and screen; :mod:`.drives` for drives and nwipe erasures); placeholder serials
such as "To Be Filled By O.E.M.", "System Serial Number", "Default string", "0123456789", all
zeros are dropped by every parser before merging.
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from .._util import clean_str, parse_datetime
from ..ereuse import ACCEPTED, detect_generation
from ..errors import UnknownReportFormat
from ..models import (
    ParsedBattery,
    ParsedCpu,
    ParsedDrive,
    ParsedErasure,
    ParsedIdentity,
    ParsedSnapshot,
)
from .drives import merge_drives, nwipe_erasures
from .sources import AGENT_FORMAT, Sources, agent_sources, ereuse_sources
from .system import (
    merge_battery,
    merge_cpus,
    merge_gpus,
    merge_identity,
    merge_ram,
    merge_screen,
)

__all__ = [
    "AGENT_FORMAT",
    "ParsedBattery",
    "ParsedCpu",
    "ParsedDrive",
    "ParsedErasure",
    "ParsedIdentity",
    "ParsedSnapshot",
    "parse_snapshot",
]


def _build(fmt: str, src: Sources, payload: dict, tz: tzinfo = UTC) -> ParsedSnapshot:
    """Merge the parsed sources into the snapshot, warnings last (deduplicated, in order)."""
    drives = merge_drives(src)
    erasures = list(src.erasures)
    if src.nwipe:
        erasures.extend(nwipe_erasures(src.nwipe, drives, src.warnings))
    identity = merge_identity(src)
    if identity.serial is None:
        src.warnings.append("no usable system serial number (missing or placeholder)")
    macs = tuple(n.mac for n in src.lshw.networks) if src.lshw else ()
    collected = parse_datetime(payload.get("collected_at"), tz)
    if collected is None and src.ereuse:
        collected = src.ereuse.timestamp
    return ParsedSnapshot(
        source_format=fmt,
        identity=identity,
        cpus=merge_cpus(src),
        ram_bytes=merge_ram(src),
        gpus=merge_gpus(src),
        screen_inches=merge_screen(src),
        battery=merge_battery(src),
        drives=tuple(drives),
        erasures=tuple(erasures),
        mac_addresses=macs,
        asset_tag=clean_str(payload.get("asset_tag")),
        collected_at=collected,
        warnings=tuple(dict.fromkeys(src.warnings)),
    )


def parse_snapshot(payload: dict) -> ParsedSnapshot:
    """Parse an Atelier agent or eReuse Workbench payload into one :class:`ParsedSnapshot`.

    Raises :class:`UnknownReportFormat` for anything else, :class:`ReportError` subclasses
    for broken payloads; problems inside single sources become ``warnings``.
    """
    if not isinstance(payload, dict):
        raise UnknownReportFormat(
            f"A snapshot must be a JSON object. Accepted formats: the Atelier agent's JSON "
            f"({AGENT_FORMAT!r}), {ACCEPTED}.",
        )
    if payload.get("format") == AGENT_FORMAT:
        version = payload.get("version")
        if version != 1:
            raise UnknownReportFormat(
                f"Atelier agent format version {version!r} is not supported (expected 1). "
                "Update the server or use the matching agent.",
                code="unsupported_agent_version",
            )
        src, tz = agent_sources(payload)
        return _build(AGENT_FORMAT, src, payload, tz)
    generation = detect_generation(payload)
    if generation is None:
        raise UnknownReportFormat(
            f"This snapshot format is not recognised. Accepted formats: the Atelier agent's "
            f"JSON ({AGENT_FORMAT!r}), {ACCEPTED}.",
        )
    return _build(generation, ereuse_sources(payload), payload)
