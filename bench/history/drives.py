"""Write how a donated drive left the workshop in a seeded history: erased or shredded.

Every drive of a device is erased before the device leaves ``received``; one drive in twenty
fails its erasure and is shredded, as the real services would have recorded it (the erasure,
the destruction and their events).
"""

from __future__ import annotations

from datetime import timedelta

from refurb.models import DeviceEvent, Drive
from workshop import roles
from workshop.models import WorkstationKind as WK


def erase_drive(chunk, drive, drive_kind, moment, crew, bench, stations, event) -> None:
    """Append a drive's erasure (one in twenty fails and is shredded) and its events."""
    drive_id, drive_tag, drive_serial, _status = drive
    station = stations[WK.ERASURE]
    started = moment - timedelta(hours=2)
    if drive_id % 20 == 0:  # one drive in twenty fails its erasure and is shredded
        chunk.erasures.append(
            (
                drive_id,
                "clear",
                "DoD short",
                "nwipe 0.34",
                3,
                False,
                "failed",
                started,
                moment - timedelta(hours=1),
                bench,
                station,
                "",
                moment,
            )
        )
        event(
            DeviceEvent.Code.ERASURE,
            moment,
            bench,
            station,
            payload={
                "drive": drive_tag,
                "serial": drive_serial,
                "method": "clear",
                "standard": "DoD short",
                "tool": "nwipe 0.34",
                "passes": 3,
                "verified": False,
                "result": "failed",
                "drive_status": Drive.Status.FAILED,
            },
        )
        chunk.destructions.append(
            (
                drive_id,
                "shredding",
                "Encadrant technique",
                crew[roles.COACH],
                station,
                moment,
                "",
            )
        )
        event(
            DeviceEvent.Code.DESTRUCTION,
            moment,
            crew[roles.COACH],
            station,
            payload={
                "drive": drive_tag,
                "serial": drive_serial,
                "method": "shredding",
                "witness": "Encadrant technique",
            },
        )
        drive[3] = Drive.Status.DESTROYED
        return
    purge = drive_kind in (Drive.Kind.SSD, Drive.Kind.NVME)
    method, tool, standard, passes = (
        ("purge", "nvme-cli sanitize", "crypto erase", 1)
        if purge
        else ("clear", "nwipe 0.34", "DoD short", 3)
    )
    chunk.erasures.append(
        (
            drive_id,
            method,
            standard,
            tool,
            passes,
            True,
            "success",
            started,
            moment - timedelta(minutes=5),
            bench,
            station,
            "",
            moment,
        )
    )
    event(
        DeviceEvent.Code.ERASURE,
        moment,
        bench,
        station,
        payload={
            "drive": drive_tag,
            "serial": drive_serial,
            "method": method,
            "standard": standard,
            "tool": tool,
            "passes": passes,
            "verified": True,
            "result": "success",
            "drive_status": Drive.Status.ERASED,
        },
    )
    drive[3] = Drive.Status.ERASED
