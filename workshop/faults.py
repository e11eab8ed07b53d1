"""Pause points for fault tests: prove that a process killed mid-write leaves nothing half-done.

``fault_point(name)`` does nothing unless the debugging setting ``ATELIER_FAULT_PAUSE`` (from
the environment variable of the same name, e.g. ``event_append:30``) names that point, and it
is honoured only with ``DEBUG`` on or under the test suite, never in production. When armed,
it prints ``ATELIER-FAULT-PAUSE <name>`` on stderr and sleeps, so a test can kill the process
at that exact moment (see ``tests/workshop/test_faults.py``).

Points: ``event_append`` — after the device row is written, before its event is inserted, inside
the service's transaction (every transition, sale and other device change goes through it).
"""

from __future__ import annotations

import sys
import time

from django.conf import settings

MARKER = "ATELIER-FAULT-PAUSE"


def armed_pause(name: str) -> float | None:
    """Return how long the point ``name`` pauses, or ``None`` when it is not armed."""
    spec = getattr(settings, "ATELIER_FAULT_PAUSE", "")
    if not spec or not (settings.DEBUG or getattr(settings, "TESTING", False)):
        return None
    point, _, seconds = spec.partition(":")
    if point.strip() != name:
        return None
    return float(seconds or 60)


def fault_point(name: str) -> None:
    """Pause here when the debugging setting arms ``name``; otherwise return at once."""
    seconds = armed_pause(name)
    if seconds is None:
        return
    print(f"{MARKER} {name}", file=sys.stderr, flush=True)
    time.sleep(seconds)
