"""Structured erasure results from tools other than nwipe, mapped to NIST SP 800-88.

Accepted record shape (one dict per drive; keys other than ``tool`` are optional)::

    {
        "tool": "hdparm" | "nvme-format" | "nvme-sanitize" | "blkdiscard",
        "device": "/dev/sda",
        "serial": "S3YZNB0KB00864E",
        "model": "Samsung SSD 860 EVO 500GB",
        "action": "security-erase-enhanced",   # see ACTIONS below
        "exit_code": 0,
        "verified": true,                      # a read-back check was done and passed
        "started": "2026-11-22T10:00:00+01:00",
        "finished": "2026-11-22T10:20:00+01:00",
        "output": "... tool output excerpt ..."
    }

Mapping and NIST SP 800-88 Rev. 1 rationale (Appendix A, tables A-6 to A-8); the table that
decides is :mod:`.methods` (it also knows the read-only actions, recorded as checks):

=================  =============================  ========  ===========================
tool               action                         category  why
=================  =============================  ========  ===========================
hdparm             security-erase-enhanced        purge     firmware erase of all user
                                                            data incl. reallocated and
                                                            reserved areas
hdparm             security-erase                 clear     "normal" mode may skip
                                                            remapped/over-provisioned
                                                            areas (notably on SSDs); we
                                                            only trust it as Clear
hdparm             sanitize-block|sanitize-crypto purge     ATA SANITIZE = Purge
                   |sanitize-overwrite
nvme-sanitize      block|crypto|overwrite         purge     NVMe Sanitize = Purge
                   (also "sanitize-<x>")
nvme-format        ses=1 / ses=2 ("format-ses1",  purge     Format NVM with User Data
                   "format-ses2", "user-data-     Erase or Cryptographic Erase
                   erase", "crypto-erase")
nvme-format        ses=0                          None      a plain format sanitizes
                                                            nothing
blkdiscard         (any)                          clear if  TRIM/discard only *asks* the
                                                  verified  device to drop blocks; only a
                                                            verified read-back of zeros
                                                            makes it a Clear, otherwise
                                                            it is recorded as unverified
                                                            (category None)
=================  =============================  ========  ===========================

Result: ``exit_code == 0`` -> ``erased``; any other code -> ``failed``; no exit code ->
``not_run`` (no evidence that the command completed).
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from ._util import clean_name, clean_serial, clean_str, parse_datetime, to_int
from .errors import MalformedReport
from .methods import category_for, is_read_only
from .models import ParsedErasure

TOOLS = ("hdparm", "nvme-format", "nvme-sanitize", "blkdiscard")


def nist_category_for(tool: str, action: str | None, verified: bool) -> str | None:
    """NIST SP 800-88 category for a tool/action pair (the table in :mod:`.methods`)."""
    return category_for(tool, action, verified)


def parse_erasure_record(record: Any, default_tz: tzinfo = UTC) -> ParsedErasure:
    """Turn one structured erasure record (module docstring) into a :class:`ParsedErasure`."""
    if not isinstance(record, dict):
        raise MalformedReport(
            "An erasure record must be an object with at least a 'tool' key.",
            code="erasure_not_an_object",
        )
    tool = clean_str(record.get("tool"))
    if tool not in TOOLS:
        raise MalformedReport(
            f"Unknown erasure tool {tool!r}. Accepted tools: {', '.join(TOOLS)} "
            "(nwipe results are sent as the nwipe log file).",
            code="erasure_unknown_tool",
        )
    action = clean_str(record.get("action"))
    verified = record.get("verified") is True
    exit_code = to_int(record.get("exit_code"))
    if exit_code is None:
        result = "not_run"
    else:
        result = "erased" if exit_code == 0 else "failed"
    category = nist_category_for(tool, action, verified) if result == "erased" else None
    excerpt = clean_str(record.get("output")) or ""
    return ParsedErasure(
        drive_serial=clean_serial(record.get("serial")),
        tool=tool,
        method=action,
        nist_category=category,
        passes=1 if tool == "blkdiscard" or action else None,
        verified=verified and result == "erased",
        result=result,
        started=parse_datetime(record.get("started"), default_tz),
        finished=parse_datetime(record.get("finished"), default_tz),
        raw_excerpt=excerpt[:2000],
        device=clean_str(record.get("device")),
        drive_model=clean_name(record.get("model")),
        writes=not is_read_only(tool, action),
    )
