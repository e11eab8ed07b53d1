"""What the device history shows of a worker's skills, week by week, and what a coach corrected.

Evidence is read from the event log only (``refurb.models.DeviceEvent``): the events a worker
made (``actor``) are counted under the skill whose ``Skill.evidence`` names their kind. A
*correction* is an event that points at the event it corrects, made by someone else:

- ``no_storage_refused`` names the declaration it undoes (``declaration_seq`` on the same
  device): the worker's "no storage" declaration was wrong (skill *erased*);
- a failed independent check (``drive_check`` with ``passed`` false) names the drive it
  sampled (``sampled_drive``): the worker's erasure of that drive on that device, recorded
  before the check, was not good enough (skill *erased*);
- an ``updated`` event carrying ``changes`` by another person on a device the worker
  registered corrects the registration (the device's first event, ``seq`` 1) (skill
  *registered*).

A corrected event is counted in the week it was made. Two queries whatever the period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from refurb.models import DeviceEvent
from skills.models import Evidence

C = DeviceEvent.Code
# The event codes that are evidence of some skill.
EVIDENCE_CODES = (
    C.REGISTERED,
    C.ERASURE,
    C.DESTRUCTION,
    C.UPDATED,
    C.TEST,
    C.REPAIR,
    C.TRANSITION,
    C.SALE,
    C.MOVED,
)
CORRECTION_CODES = (C.NO_STORAGE_REFUSED, C.DRIVE_CHECK, C.UPDATED)
# The kinds counted once per device and week (a checklist is many test events).
PER_DEVICE = {Evidence.CHECKLIST}


def week_of(moment: datetime) -> date:
    """The Monday of the local week of ``moment``."""
    day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return day - timedelta(days=day.weekday())


def evidence_kind(code: str, to_state: str, payload: dict) -> str | None:
    """Which kind of evidence an event of the worker is (``Evidence``), or ``None``."""
    if code == C.REGISTERED:
        return Evidence.REGISTERED
    if code in (C.ERASURE, C.DESTRUCTION):
        return Evidence.ERASED
    if code == C.UPDATED:
        return Evidence.ERASED if payload.get("no_storage_confirmed") is True else None
    if code == C.TEST:
        return Evidence.CHECKLIST
    if code == C.REPAIR:
        status = payload.get("status")
        if status == "open":
            return Evidence.DIAGNOSIS
        return Evidence.REPAIR if status == "done" else None
    if code == C.TRANSITION:
        return Evidence.GRADED if to_state == "graded" else None
    if code == C.SALE:
        return Evidence.SOLD
    if code == C.MOVED:
        return Evidence.STOCK
    return None


@dataclass
class WeekCount:
    week: date
    count: int = 0
    corrected: int = 0


@dataclass
class KindEvidence:
    """One kind of evidence over the period: totals and the weeks (oldest first)."""

    kind: str
    weeks: list[WeekCount] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(w.count for w in self.weeks)

    @property
    def corrected(self) -> int:
        return sum(w.corrected for w in self.weeks)

    @property
    def correction_share(self) -> float | None:
        """The share of this work a coach had to correct (``None`` with no work)."""
        return self.corrected / self.count if self.count else None


def period_weeks(start: date, end: date) -> list[date]:
    """Every Monday from the week of ``start`` to the week of ``end``."""
    first = start - timedelta(days=start.weekday())
    weeks, week = [], first
    while week <= end:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


def worker_evidence(
    worker, *, start: datetime | None = None, now: datetime | None = None, weeks: int = 12
) -> dict[str, KindEvidence]:
    """The evidence of ``worker``'s work per kind (``Evidence``) and week since ``start``
    (``weeks`` weeks back from ``now`` by default). Two queries."""
    now = now or timezone.now()
    if start is None:
        start = timezone.localtime(now) - timedelta(days=7 * (weeks - 1))
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        start -= timedelta(days=start.weekday())
    mine = DeviceEvent.objects.filter(
        actor_id=worker.pk, created_at__gte=start, created_at__lte=now, code__in=EVIDENCE_CODES
    )
    rows = list(mine.values_list("device_id", "seq", "code", "to_state", "payload", "created_at"))
    counts: dict[tuple[str, date], int] = defaultdict(int)
    devices_seen: set[tuple[str, date, int]] = set()
    declarations: dict[tuple[int, int], tuple[str, date]] = {}
    erasures: dict[tuple[int, str], list[tuple[datetime, date]]] = defaultdict(list)
    registrations: dict[int, date] = {}
    for device_id, seq, code, to_state, payload, created_at in rows:
        payload = payload or {}
        kind = evidence_kind(code, to_state, payload)
        if kind is None:
            continue
        week = week_of(created_at)
        if kind in PER_DEVICE:
            if (kind, week, device_id) in devices_seen:
                continue
            devices_seen.add((kind, week, device_id))
        counts[(kind, week)] += 1
        if code == C.UPDATED:
            declarations[(device_id, seq)] = (kind, week)
        elif code == C.ERASURE and payload.get("drive"):
            erasures[(device_id, payload["drive"])].append((created_at, week))
        elif code == C.REGISTERED:
            registrations[device_id] = week
    corrected: dict[tuple[str, date], int] = defaultdict(int)
    _corrections(worker, start, declarations, erasures, registrations, corrected)
    out: dict[str, KindEvidence] = {}
    for week in period_weeks(timezone.localtime(start).date(), timezone.localtime(now).date()):
        for kind in Evidence.values:
            if not kind:
                continue
            out.setdefault(kind, KindEvidence(kind)).weeks.append(
                WeekCount(week, counts.get((kind, week), 0), corrected.get((kind, week), 0))
            )
    return out


def _corrections(worker, start, declarations, erasures, registrations, corrected) -> None:
    """Count, per kind and week of the corrected event, the worker's events corrected since."""
    devices = DeviceEvent.objects.filter(
        actor_id=worker.pk,
        created_at__gte=start,
        code__in=(C.REGISTERED, C.ERASURE, C.UPDATED),
    ).values("device_id")
    others = (
        DeviceEvent.objects.filter(device_id__in=devices, code__in=CORRECTION_CODES)
        .exclude(actor_id=worker.pk)
        .values_list("device_id", "code", "payload", "created_at")
    )
    registration_corrected: set[int] = set()
    erasure_corrected: set[tuple[int, str, datetime]] = set()
    for device_id, code, payload, created_at in others:
        payload = payload or {}
        if code == C.NO_STORAGE_REFUSED:
            hit = declarations.get((device_id, payload.get("declaration_seq")))
            if hit is not None:
                corrected[hit] += 1
        elif code == C.DRIVE_CHECK:
            if payload.get("passed") is not False:
                continue
            drive = payload.get("sampled_drive")
            if drive != payload.get("drive"):
                continue  # one of the batch sent back with it: the sample names the erasure
            before = [e for e in erasures.get((device_id, drive), []) if e[0] <= created_at]
            if before:
                last = max(before)
                key = (device_id, drive, last[0])
                if key not in erasure_corrected:
                    erasure_corrected.add(key)
                    corrected[(Evidence.ERASED, last[1])] += 1
        elif code == C.UPDATED and "changes" in payload:
            week = registrations.get(device_id)
            if week is not None and device_id not in registration_corrected:
                registration_corrected.add(device_id)
                corrected[(Evidence.REGISTERED, week)] += 1


def worker_volumes(worker) -> dict[str, int]:
    """Every piece of work the worker did, per kind of evidence, since their first event
    (the attestation's volumes; a checklist counts once per device). One query."""
    from django.db.models import Count

    totals: dict[str, int] = defaultdict(int)
    rows = (
        DeviceEvent.objects.filter(actor_id=worker.pk, code__in=EVIDENCE_CODES)
        .values("code", "to_state", "payload__status", "payload__no_storage_confirmed")
        .annotate(n=Count("id"), devices=Count("device_id", distinct=True))
    )
    for row in rows:
        payload = {
            "status": row["payload__status"],
            "no_storage_confirmed": row["payload__no_storage_confirmed"],
        }
        kind = evidence_kind(row["code"], row["to_state"], payload)
        if kind is not None:
            totals[kind] += row["devices"] if kind in PER_DEVICE else row["n"]
    return dict(totals)
