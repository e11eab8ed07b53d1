"""Collect what one ingestion did, for the API answer and the ``snapshot`` event's payload.

Recording drives and recording erasures both add to the same outcome, whether they run for a
whole snapshot or for erasure evidence alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestOutcome:
    """What one ingestion did, for the API answer and the event payload."""

    drives_added: list[str] = field(default_factory=list)
    drives_updated: list[str] = field(default_factory=list)
    erasures: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)  # read-only runs: evidence, never proof
    to_destroy: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
