"""What was done, week by week: throughput per bench, activity per worker.

Both reports count whole ISO weeks (Monday to Sunday, local time): a period is widened to the
weeks it touches, because "distinct devices in a week" cannot be summed from days. Weeks before
the rollup watermark come from ``BenchWeek``/``WorkerWeek`` (``refresh_report_rollups``), later
ones from the event log, so each report is three queries whatever the size of the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F
from django.utils import timezone

from refurb.models import DeviceEvent
from reports.models import BenchWeek, WorkerWeek
from reports.rollups import bench_weeks, rollup_split, week_moment, worker_weeks
from reports.rollups import week_start as monday


@dataclass(frozen=True)
class WeekSpan:
    """The whole weeks a report covers, and where its rollups stop."""

    first: date | None
    last: date | None
    split: date | None

    @classmethod
    def of(cls, date_from: date | None, date_to: date | None) -> WeekSpan:
        split = rollup_split()
        return cls(
            first=monday(date_from) if date_from else None,
            last=monday(date_to) if date_to else None,
            split=timezone.localdate(split) if split else None,
        )

    def rolled(self, rows, site):
        """Filter rollup rows to the span (and the site); empty when nothing is rolled up."""
        if self.split is None:
            return rows.none()
        rows = rows.filter(week__lt=self.split)
        if site is not None:
            rows = rows.filter(site=site)
        if self.first is not None:
            rows = rows.filter(week__gte=self.first)
        if self.last is not None:
            rows = rows.filter(week__lte=self.last)
        return rows

    def live(self, site):
        """The events of the span that the rollups do not hold yet."""
        events = DeviceEvent.objects.all()
        start = max(filter(None, (self.first, self.split)), default=None)
        if start is not None:
            events = events.filter(created_at__gte=week_moment(start))
        if self.last is not None:
            events = events.filter(created_at__lt=week_moment(self.last + timedelta(days=7)))
        if site is not None:
            events = events.filter(device__site=site)
        return events


def _merged(rows, who: str, counts) -> list[dict]:
    """Add up the rows of the same week, site and bench (or worker): the rollups and the live
    weeks may both hold one."""
    merged: dict[tuple, dict] = {}
    for row in rows:
        key = (row["week"], row["site_name"], row[who])
        if key in merged:
            for name in counts:
                merged[key][name] += row[name]
        else:
            merged[key] = dict(row)
    return list(merged.values())


@dataclass(frozen=True)
class ThroughputRow:
    week: date
    site: str
    workstation_id: int
    workstation: str
    kind: str
    transitions: int
    devices: int


def throughput_by_bench(*, site=None, date_from=None, date_to=None) -> list[ThroughputRow]:
    """Count, per ISO week (Monday) and workstation, the state changes made there and the
    distinct devices they concern."""
    span = WeekSpan.of(date_from, date_to)
    names = ("workstation__name", "workstation__kind")
    rolled = span.rolled(BenchWeek.objects.all(), site).values(
        "week", "workstation_id", *names, "transitions", "devices", site_name=F("site__name")
    )
    live = bench_weeks(span.live(site), "workstation_id", *names, site_name=F("device__site__name"))
    rows = _merged([*rolled, *live], "workstation_id", ("transitions", "devices"))
    rows.sort(key=lambda row: (row["week"], row["site_name"], row["workstation__name"]))
    return [
        ThroughputRow(
            week=row["week"],
            site=row["site_name"],
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
    week: date
    site: str
    user_id: int
    username: str
    name: str
    events: int
    transitions: int
    erasures: int
    tests: int
    devices: int


COUNTS = ("events", "transitions", "erasures", "tests", "devices")


def worker_activity(*, site=None, date_from=None, date_to=None) -> list[WorkerRow]:
    """Count, per worker and ISO week, the events they recorded by kind and the distinct
    devices they touched."""
    span = WeekSpan.of(date_from, date_to)
    names = ("actor__username", "actor__first_name", "actor__last_name")
    rolled = span.rolled(WorkerWeek.objects.all(), site).values(
        "week", "actor_id", *names, *COUNTS, site_name=F("site__name")
    )
    live = worker_weeks(span.live(site), "actor_id", *names, site_name=F("device__site__name"))
    rows = _merged([*rolled, *live], "actor_id", COUNTS)
    rows.sort(key=lambda row: (row["site_name"], row["actor__username"], row["week"]))
    return [
        WorkerRow(
            week=row["week"],
            site=row["site_name"],
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
