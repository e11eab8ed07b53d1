"""What was done, from the event log: weekly throughput per bench, activity per worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from inventory.reports.common import period_bounds
from refurb.models import DeviceEvent


def _events(*, site=None, date_from=None, date_to=None):
    events = DeviceEvent.objects.all()
    start, end = period_bounds(date_from, date_to)
    if start is not None:
        events = events.filter(created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lt=end)
    if site is not None:
        events = events.filter(device__site=site)
    return events


@dataclass(frozen=True)
class ThroughputRow:
    week: date
    workstation_id: int
    workstation: str
    kind: str
    transitions: int
    devices: int


def throughput_by_bench(*, site=None, date_from=None, date_to=None) -> list[ThroughputRow]:
    """Count, per ISO week (Monday) and workstation, the state changes made there and the
    distinct devices they concern."""
    rows = (
        _events(site=site, date_from=date_from, date_to=date_to)
        .filter(code=DeviceEvent.Code.TRANSITION, workstation__isnull=False)
        .annotate(week=TruncWeek("created_at"))
        .values("week", "workstation_id", "workstation__name", "workstation__kind")
        .annotate(transitions=Count("id"), devices=Count("device_id", distinct=True))
        .order_by("week", "workstation__name")
    )
    return [
        ThroughputRow(
            week=row["week"].date() if hasattr(row["week"], "date") else row["week"],
            workstation_id=row["workstation_id"],
            workstation=row["workstation__name"],
            kind=row["workstation__kind"],
            transitions=row["transitions"],
            devices=row["devices"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class WorkerRow:
    user_id: int
    username: str
    name: str
    events: int
    transitions: int
    erasures: int
    tests: int
    devices: int


def worker_activity(*, site=None, date_from=None, date_to=None) -> list[WorkerRow]:
    """Count, per worker, the events recorded in the period by kind and the devices touched."""
    rows = (
        _events(site=site, date_from=date_from, date_to=date_to)
        .filter(actor__isnull=False)
        .values("actor_id", "actor__username", "actor__first_name", "actor__last_name")
        .annotate(
            events=Count("id"),
            transitions=Count("id", filter=Q(code=DeviceEvent.Code.TRANSITION)),
            erasures=Count(
                "id", filter=Q(code__in=[DeviceEvent.Code.ERASURE, DeviceEvent.Code.DESTRUCTION])
            ),
            tests=Count("id", filter=Q(code=DeviceEvent.Code.TEST)),
            devices=Count("device_id", distinct=True),
        )
        .order_by("actor__username")
    )
    return [
        WorkerRow(
            user_id=row["actor_id"],
            username=row["actor__username"],
            name=" ".join(
                part for part in (row["actor__first_name"], row["actor__last_name"]) if part
            )
            or row["actor__username"],
            events=row["events"],
            transitions=row["transitions"],
            erasures=row["erasures"],
            tests=row["tests"],
            devices=row["devices"],
        )
        for row in rows
    ]
