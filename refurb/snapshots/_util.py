"""Small helpers shared by the parsers (not public API)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from .errors import MalformedReport
from .placeholders import clean_identity


def clean_str(value: Any) -> str | None:
    """Strip a string value; None for non-strings and empty strings."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def clean_serial(value: Any) -> str | None:
    """A cleaned serial number, or None when missing or a placeholder (:mod:`.placeholders`)."""
    text = clean_str(value)
    return clean_identity(text, "serial") if text else None


def clean_name(value: Any) -> str | None:
    """A cleaned manufacturer/model name, or None for placeholders (:mod:`.placeholders`)."""
    text = clean_str(value)
    return clean_identity(text) if text else None


def to_int(value: Any) -> int | None:
    """Int from an int, an integral float or a decimal string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        m = re.match(r"^\s*(-?\d+)\s*$", value)
        return int(m.group(1)) if m else None
    return None


def leading_int(value: Any) -> int | None:
    """The integer at the start of a string such as '1335h+35m' -> 1335."""
    if isinstance(value, str):
        m = re.match(r"^\s*(\d+)", value)
        return int(m.group(1)) if m else None
    return to_int(value)


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def maybe_json(value: Any, what: str) -> Any:
    """Decode JSON embedded as a string (eReuse snapshots do that); pass others through."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError) as exc:
            raise MalformedReport(
                f"The {what} output is not valid JSON ({exc}). "
                "Re-run the tool and send its output unmodified.",
                code=f"{what}_invalid_json",
            ) from exc
    return value


def parse_datetime(value: Any, default_tz: tzinfo = UTC) -> datetime | None:
    """An aware datetime from an ISO 8601 string; naive values get ``default_tz``."""
    text = clean_str(value)
    if text is None:
        return None
    text = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_tz)
    return dt


def walk(node: Any) -> Iterator[dict]:
    """Depth-first walk over a tree of dicts with ``children`` lists."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            yield cur
            stack.extend(reversed(as_list(cur.get("children"))))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))


CATEGORY_HINTS = {
    # laptops
    "laptop": "laptop",
    "notebook": "laptop",
    "portable": "laptop",
    "subnotebook": "laptop",
    "netbook": "laptop",
    "handheld": "laptop",
    "convertible": "laptop",
    # tablets
    "tablet": "tablet",
    "detachable": "tablet",
    # desktops
    "desktop": "desktop",
    "lowprofile": "desktop",
    "lowprofiledesktop": "desktop",
    "tower": "desktop",
    "minitower": "desktop",
    "pizzabox": "desktop",
    "spacesaving": "desktop",
    "lunchbox": "desktop",
    "minipc": "desktop",
    "stickpc": "desktop",
    "computer": None,
    # all-in-one
    "allinone": "all-in-one",
    # servers
    "server": "server",
    "rackmount": "server",
    "rackmountchassis": "server",
    "multisystem": "server",
    "multisystemchassis": "server",
    "blade": "server",
    "bladeenclosure": "server",
    "mainserverchassis": "server",
}


def category_hint(chassis: str | None) -> str | None:
    """Map an lshw/DMI/Workbench chassis name to laptop/desktop/server/all-in-one/tablet."""
    if not chassis:
        return None
    key = re.sub(r"[^a-z]", "", chassis.lower())
    return CATEGORY_HINTS.get(key)
