"""The stays: how long each device stayed in each state, written as each state ends.

``device_transition`` calls ``stay_record`` in its own transaction: one insert per state change,
no shared counter, so benches never wait on each other. The reports read them
(``reports.figures.flow``); ``refresh_report_rollups --full`` rebuilds them from the event log.
"""

from __future__ import annotations

from datetime import datetime

from refurb.models import StayRollup


def stay_record(device, *, state: str, started: datetime, ended: datetime) -> None:
    """Write the stay ``device`` just finished in ``state`` (called by ``device_transition``,
    in its transaction): the stays table is kept at write time, one insert per state change."""
    StayRollup.objects.create(
        device_id=device.pk,
        site_id=device.site_id,
        state=state,
        ended_at=ended,
        seconds=round((ended - started).total_seconds(), 3),
    )
