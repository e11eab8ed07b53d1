"""Check the tamper-evident hash chains of device histories (see ``refurb.events``).

Reads devices by id ranges and their events through a chunked iterator, so memory stays
bounded whatever the size of the log. Each device's check stops at its first broken link,
because every later hash of that device depends on it, and goes on with the next device:
the report names every broken device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from refurb.events import event_hash
from refurb.models import Device, DeviceEvent

EVENT_FIELDS = (
    "device_id",
    "seq",
    "code",
    "from_state",
    "to_state",
    "actor_id",
    "actor_kind",
    "workstation_id",
    "reason",
    "payload",
    "created_at",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class ChainBreak:
    """The first link of a device's chain that does not hold."""

    asset_tag: str
    seq: int
    problem: str
    expected: str
    found: str

    def __str__(self) -> str:
        return (
            f"{self.asset_tag} event #{self.seq}: {self.problem} "
            f"(expected {self.expected or '-'}, found {self.found or '-'})"
        )


@dataclass(frozen=True)
class ChainReport:
    devices: int
    events: int
    breaks: tuple[ChainBreak, ...] = ()

    @property
    def broken(self) -> ChainBreak | None:
        """The first broken link found (devices in id order), or None."""
        return self.breaks[0] if self.breaks else None

    @property
    def ok(self) -> bool:
        return not self.breaks


def _check_device(tag: str, event_seq: int, head: str, events) -> tuple[int, ChainBreak | None]:
    previous = ""
    expected_seq = 1
    count = 0
    for row in events:
        count += 1
        if row["seq"] != expected_seq:
            return count, ChainBreak(
                tag, expected_seq, "event missing", str(expected_seq), str(row["seq"])
            )
        if row["prev_hash"] != previous:
            return count, ChainBreak(
                tag, row["seq"], "previous hash differs", previous, row["prev_hash"]
            )
        computed = event_hash(
            asset_tag=tag,
            seq=row["seq"],
            code=row["code"],
            from_state=row["from_state"],
            to_state=row["to_state"],
            actor_id=row["actor_id"],
            workstation_id=row["workstation_id"],
            reason=row["reason"],
            payload=row["payload"],
            created_at=row["created_at"],
            prev_hash=row["prev_hash"],
            actor_kind=row["actor_kind"],
        )
        if computed != row["hash"]:
            return count, ChainBreak(tag, row["seq"], "content altered", computed, row["hash"])
        previous = row["hash"]
        expected_seq += 1
    if expected_seq - 1 != event_seq:
        return count, ChainBreak(
            tag, expected_seq, "event missing at the end", str(event_seq), str(expected_seq - 1)
        )
    if head != previous:
        return count, ChainBreak(tag, event_seq, "chain head differs", previous, head)
    return count, None


def _grouped(rows):
    current, bucket = None, []
    for row in rows:
        if row["device_id"] != current and bucket:
            yield current, bucket
            bucket = []
        current = row["device_id"]
        bucket.append(row)
    if bucket:
        yield current, bucket


def _with_sentinel(groups):
    yield from groups
    yield None, []


def chains_verify(
    *,
    asset_tag: str | None = None,
    devices_per_batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> ChainReport:
    """Check every device's chain (or one device's) and return every device's first break."""
    devices = Device.objects.order_by("pk")
    if asset_tag:
        devices = devices.filter(asset_tag=asset_tag)
    total = devices.count()
    seen = events_seen = 0
    last_id = 0
    breaks: list[ChainBreak] = []
    while True:
        batch = list(
            devices.filter(pk__gt=last_id).values_list(
                "pk", "asset_tag", "event_seq", "event_head"
            )[:devices_per_batch]
        )
        if not batch:
            break
        last_id = batch[-1][0]
        info = {pk: (tag, seq, head) for pk, tag, seq, head in batch}
        rows = (
            DeviceEvent.objects.filter(device_id__gte=batch[0][0], device_id__lte=last_id)
            .order_by("device_id", "seq")
            .values(*EVENT_FIELDS)
            .iterator(chunk_size=2000)
        )
        pending = iter(batch)
        groups = _grouped(row for row in rows if row["device_id"] in info)
        for device_id, events in _with_sentinel(groups):
            for pk, tag, event_seq, head in pending:
                mine = events if pk == device_id else []
                count, broken = _check_device(tag, event_seq, head, mine)
                events_seen += count
                if broken:
                    breaks.append(broken)
                seen += 1
                if pk == device_id:
                    break
        if progress:
            progress(seen, total)
    return ChainReport(seen, events_seen, tuple(breaks))


def chains_links(asset_tags: list[str]) -> dict[str, tuple[ChainBreak | None, dict[int, str]]]:
    """Check the chains of a few devices in two queries.

    Return, per asset tag, the first broken link (or None) and the hash of each event by its
    number: a certificate checks that the link it quoted is still there.
    """
    devices = {
        pk: (tag, seq, head)
        for pk, tag, seq, head in Device.objects.filter(asset_tag__in=asset_tags).values_list(
            "pk", "asset_tag", "event_seq", "event_head"
        )
    }
    rows = (
        DeviceEvent.objects.filter(device_id__in=list(devices))
        .order_by("device_id", "seq")
        .values(*EVENT_FIELDS)
    )
    events: dict[int, list] = {pk: [] for pk in devices}
    for row in rows:
        events[row["device_id"]].append(row)
    result = {}
    for pk, (tag, seq, head) in devices.items():
        _count, broken = _check_device(tag, seq, head, events[pk])
        result[tag] = (broken, {row["seq"]: row["hash"] for row in events[pk]})
    return result
