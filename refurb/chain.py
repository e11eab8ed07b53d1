"""Check the keyed chains of device histories (see ``refurb.events``) and sign their heads.

Reads devices by id ranges and their events through a chunked iterator, so memory stays
bounded whatever the size of the log. Each device's check stops at its first broken link,
because every later seal of that device depends on it, and goes on with the next device:
the report names every broken device.

A device's chain holds when every event's seal is the HMAC of its content under the chain key
(version 2), except the events up to its ``ChainAnchor`` (written before the key existed):
those verify as plain SHA-256 (version 1) and must end at the anchor's head, whose HMAC seal
must hold. So an edited event sealed again without the key (unkeyed, or under another key)
breaks the chain, and so does a deleted or forged anchor.

Each device's signed heads (``ChainHeadSignature``, ``chain_heads_sign``) must verify under a
known public key, follow each other (``prev_seq``) and, when sealed under the current chain
key, still be links of the chain: someone holding the chain key but not the signing key cannot
rewrite a history older than its last signed head either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, models, transaction
from django.utils import timezone

from refurb import keys
from refurb.events import CHAIN_VERSION, UNKEYED_VERSION, event_hash
from refurb.models import ChainHeadSignature, Device, DeviceEvent

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
DEVICE_FIELDS = (
    "pk",
    "asset_tag",
    "event_seq",
    "event_head",
    "chain_anchor__seq",
    "chain_anchor__head",
    "chain_anchor__seal",
)
SIGNATURE_FIELDS = (
    "device_id",
    "seq",
    "head",
    "prev_seq",
    "day",
    "chain_key_id",
    "public_key_id",
    "signature",
)


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def anchor_seal(asset_tag: str, seq: int, head: str, key: bytes | None = None) -> str:
    """The HMAC under the chain key of a device's last unkeyed event (``ChainAnchor.seal``)."""
    document = {"v": CHAIN_VERSION, "anchor": asset_tag, "seq": int(seq), "head": head}
    return keys.chain_mac(_canonical(document), key)


def signed_head_message(
    *, asset_tag: str, seq: int, head: str, prev_seq: int, day, chain_key_id: str
) -> bytes:
    """The exact bytes the signing key signs for one device's head (``ChainHeadSignature``)."""
    document = {
        "v": 1,
        "kind": "atelier-chain-head",
        "device": asset_tag,
        "seq": int(seq),
        "head": head,
        "prev_seq": int(prev_seq),
        "day": day.isoformat() if hasattr(day, "isoformat") else str(day),
        "chain_key": chain_key_id,
    }
    return _canonical(document)


@dataclass(frozen=True)
class Anchor:
    seq: int
    head: str
    seal: str


def _anchor(seq, head, seal) -> Anchor | None:
    return None if seq is None else Anchor(seq, head, seal)


# A keyed seal the verifier computed is never printed: the report of a forged event would
# hand its forger the very seal that makes it verify.
NOT_SHOWN = "a seal under the chain key, not shown"


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
    signatures: int = 0

    @property
    def broken(self) -> ChainBreak | None:
        """The first broken link found (devices in id order), or None."""
        return self.breaks[0] if self.breaks else None

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass
class Keys:
    """The keys a check needs, read once per run."""

    chain: bytes
    chain_id: str
    public: dict

    @classmethod
    def current(cls, chain: bytes | None = None) -> Keys:
        chain = chain or keys.chain_key()
        return cls(chain, keys.chain_key_id(chain), keys.public_keys())


def _check_device(
    tag: str,
    event_seq: int,
    head: str,
    events,
    *,
    anchor: Anchor | None,
    signatures=(),
    keyring: Keys,
    hashes: dict | None = None,
) -> tuple[int, ChainBreak | None]:
    previous = ""
    expected_seq = 1
    count = 0
    unkeyed_until = 0
    if anchor is not None:
        sealed = anchor_seal(tag, anchor.seq, anchor.head, keyring.chain)
        if sealed != anchor.seal:
            return 0, ChainBreak(tag, anchor.seq, "chain anchor altered", NOT_SHOWN, anchor.seal)
        unkeyed_until = anchor.seq
    seen = {} if hashes is None else hashes
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
        keyed = row["seq"] > unkeyed_until
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
            version=CHAIN_VERSION if keyed else UNKEYED_VERSION,
            key=keyring.chain,
        )
        if computed != row["hash"]:
            expected = computed if not keyed else NOT_SHOWN
            return count, ChainBreak(tag, row["seq"], "content altered", expected, row["hash"])
        if row["seq"] == unkeyed_until and row["hash"] != anchor.head:
            return count, ChainBreak(
                tag, row["seq"], "chain anchor differs", anchor.head, row["hash"]
            )
        previous = row["hash"]
        seen[row["seq"]] = row["hash"]
        expected_seq += 1
    if expected_seq - 1 != event_seq or unkeyed_until > event_seq:
        return count, ChainBreak(
            tag, expected_seq, "event missing at the end", str(event_seq), str(expected_seq - 1)
        )
    if head != previous:
        return count, ChainBreak(tag, event_seq, "chain head differs", previous, head)
    return count, _check_signatures(tag, signatures, seen, keyring)


def _check_signatures(tag: str, signatures, hashes: dict, keyring: Keys) -> ChainBreak | None:
    """The first signed head of ``tag`` that does not hold, or None."""
    previous = 0
    for row in signatures:
        if row["prev_seq"] != previous:
            return ChainBreak(
                tag, row["seq"], "signed head missing", str(previous), str(row["prev_seq"])
            )
        public = keyring.public.get(row["public_key_id"])
        if public is None:
            return ChainBreak(tag, row["seq"], "signed by an unknown key", "", row["public_key_id"])
        message = signed_head_message(
            asset_tag=tag,
            seq=row["seq"],
            head=row["head"],
            prev_seq=row["prev_seq"],
            day=row["day"],
            chain_key_id=row["chain_key_id"],
        )
        if not public.verifies(row["signature"], message):
            return ChainBreak(tag, row["seq"], "head signature invalid", "", row["signature"])
        # Heads sealed under a retired chain key were sealed again since: only their signature
        # and their order can be checked.
        if row["chain_key_id"] == keyring.chain_id and hashes.get(row["seq"]) != row["head"]:
            return ChainBreak(
                tag, row["seq"], "signed head differs", row["head"], hashes.get(row["seq"], "")
            )
        previous = row["seq"]
    return None


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


def _signatures_by_device(queryset) -> dict[int, list[dict]]:
    signed: dict[int, list[dict]] = {}
    for row in queryset.order_by("device_id", "seq", "id").values(*SIGNATURE_FIELDS):
        signed.setdefault(row["device_id"], []).append(row)
    return signed


def chains_verify(
    *,
    asset_tag: str | None = None,
    devices_per_batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
    keyring: Keys | None = None,
) -> ChainReport:
    """Check every device's chain (or one device's) and return every device's first break.

    Three queries per batch of devices: the devices (with their anchors), their events
    (chunked), their signed heads. ``keyring``: other keys than the settings' (a rotation).
    """
    keyring = keyring or Keys.current()
    devices = Device.objects.order_by("pk")
    if asset_tag:
        devices = devices.filter(asset_tag=asset_tag)
    total = devices.count()
    seen = events_seen = signed_seen = 0
    last_id = 0
    breaks: list[ChainBreak] = []
    while True:
        batch = list(devices.filter(pk__gt=last_id).values_list(*DEVICE_FIELDS)[:devices_per_batch])
        if not batch:
            break
        first_id, last_id = batch[0][0], batch[-1][0]
        info = {row[0] for row in batch}
        signed = _signatures_by_device(
            ChainHeadSignature.objects.filter(device_id__gte=first_id, device_id__lte=last_id)
        )
        rows = (
            DeviceEvent.objects.filter(device_id__gte=first_id, device_id__lte=last_id)
            .order_by("device_id", "seq")
            .values(*EVENT_FIELDS)
            .iterator(chunk_size=2000)
        )
        pending = iter(batch)
        groups = _grouped(row for row in rows if row["device_id"] in info)
        for device_id, events in _with_sentinel(groups):
            for pk, tag, event_seq, head, *anchor in pending:
                mine = events if pk == device_id else []
                signatures = signed.get(pk, ())
                count, broken = _check_device(
                    tag,
                    event_seq,
                    head,
                    mine,
                    anchor=_anchor(*anchor),
                    signatures=signatures,
                    keyring=keyring,
                )
                events_seen += count
                signed_seen += len(signatures)
                if broken:
                    breaks.append(broken)
                seen += 1
                if pk == device_id:
                    break
        if progress:
            progress(seen, total)
    return ChainReport(seen, events_seen, tuple(breaks), signed_seen)


@dataclass(frozen=True)
class DeviceLinks:
    """What ``chains_links`` says of one device."""

    broken: ChainBreak | None
    hashes: dict[int, str]  # every event's seal by its number
    signatures: tuple[dict, ...]  # its signed heads, by number

    def signed_cover(self, seq: int) -> dict | None:
        """The first signed head at or after event ``seq``: it vouches for that link."""
        return next((row for row in self.signatures if row["seq"] >= seq), None)


def chains_links(asset_tags: list[str]) -> dict[str, DeviceLinks]:
    """Check the chains of a few devices in three queries (devices, events, signed heads).

    Return, per asset tag, the first broken link (or None), the seal of each event by its
    number (a certificate checks that the link it quoted is still there) and the signed heads.
    """
    keyring = Keys.current()
    devices = {
        row[0]: row[1:]
        for row in Device.objects.filter(asset_tag__in=asset_tags).values_list(*DEVICE_FIELDS)
    }
    rows = (
        DeviceEvent.objects.filter(device_id__in=list(devices))
        .order_by("device_id", "seq")
        .values(*EVENT_FIELDS)
    )
    events: dict[int, list] = {pk: [] for pk in devices}
    for row in rows:
        events[row["device_id"]].append(row)
    signed = _signatures_by_device(ChainHeadSignature.objects.filter(device_id__in=list(devices)))
    result = {}
    for pk, (tag, seq, head, *anchor) in devices.items():
        hashes: dict[int, str] = {}
        signatures = tuple(signed.get(pk, ()))
        _count, broken = _check_device(
            tag,
            seq,
            head,
            events[pk],
            anchor=_anchor(*anchor),
            signatures=signatures,
            keyring=keyring,
            hashes=hashes,
        )
        result[tag] = DeviceLinks(broken, hashes, signatures)
    return result


@dataclass(frozen=True)
class SigningReport:
    signed: int
    unchanged: int
    refused: tuple[ChainBreak, ...] = ()
    day: object = None
    public_key_id: str = ""


SIGNING_LOCK = 0x61746C63  # "atlc": PostgreSQL advisory lock of chain_heads_sign


def _signing_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SIGNING_LOCK])


def chain_heads_sign(
    *,
    now: datetime | None = None,
    devices_per_batch: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> SigningReport:
    """Sign the head of every device whose chain grew since its last signed head.

    Each device's chain is checked first (``chains_links``): a broken chain is not signed but
    reported, so a forged history never gets a signature. Rows are only added.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    private = keys.signing_key()
    public = keys.public_key()
    chain_id = keys.chain_key_id()
    devices = Device.objects.filter(event_seq__gt=0).order_by("pk")
    total = devices.count()
    signed = unchanged = done = 0
    refused: list[ChainBreak] = []
    last_id = 0
    while True:
        batch = list(
            devices.filter(pk__gt=last_id).values_list("pk", "asset_tag", "event_seq")[
                :devices_per_batch
            ]
        )
        if not batch:
            break
        last_id = batch[-1][0]
        # Two signers at once would both name the same previous head: one at a time (SQLite's
        # IMMEDIATE transactions already are; PostgreSQL takes an advisory lock).
        with transaction.atomic():
            _signing_lock()
            last_signed = dict(
                ChainHeadSignature.objects.filter(device_id__in=[row[0] for row in batch])
                .values("device_id")
                .annotate(last=models.Max("seq"))
                .values_list("device_id", "last")
            )
            # After a new chain key (reseal_event_chains), every head is signed again.
            current = set(
                ChainHeadSignature.objects.filter(
                    device_id__in=[row[0] for row in batch], chain_key_id=chain_id
                ).values_list("device_id", flat=True)
            )
            grown = [
                row for row in batch if row[2] > last_signed.get(row[0], 0) or row[0] not in current
            ]
            unchanged += len(batch) - len(grown)
            links = chains_links([tag for _pk, tag, _seq in grown]) if grown else {}
            rows = []
            for pk, tag, _seq in grown:
                link = links[tag]
                if link.broken is not None:
                    refused.append(link.broken)
                    continue
                seq = max(link.hashes)
                prev_seq = last_signed.get(pk, 0)
                head = link.hashes[seq]
                message = signed_head_message(
                    asset_tag=tag,
                    seq=seq,
                    head=head,
                    prev_seq=prev_seq,
                    day=day,
                    chain_key_id=chain_id,
                )
                rows.append(
                    ChainHeadSignature(
                        device_id=pk,
                        seq=seq,
                        head=head,
                        prev_seq=prev_seq,
                        day=day,
                        signed_at=now,
                        chain_key_id=chain_id,
                        public_key_id=public.key_id,
                        signature=private.sign(message).hex(),
                    )
                )
            ChainHeadSignature.objects.bulk_create(rows)
        signed += len(rows)
        done += len(batch)
        if progress:
            progress(done, total)
    return SigningReport(signed, unchanged, tuple(refused), day, public.key_id)
