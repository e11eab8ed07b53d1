"""The audit archive of one site and period: what an R2v3 or e-Stewards auditor asks to see.

One ZIP with the event log of the site's devices in the period (every event with its seal and
the previous one's: the chain), the signed chain heads, the result of checking every chain of
those devices, the certificates issued, the sampling checks of erasures, the recycling
shipments and their lines, and the waste register, with ``SHA256SUMS`` (the manifest, in the
format ``sha256sum -c`` reads) and ``manifest.json`` (the scope and each file's sum and size).

Events and rows are read in chunks and written as they come, so memory stays bounded; the
archive is built in a temporary file, never in memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from inventory.models import RecyclingShipment, RecyclingShipmentLine
from inventory.waste import waste_register, waste_register_csv
from refurb.chain import chains_verify
from refurb.models import Certificate, ChainHeadSignature, Device, DeviceEvent, VerificationSample
from workshop.csvsafe import csv_writer
from workshop.models import Site

ARCHIVE_VERSION = 1


@dataclass(frozen=True)
class AuditScope:
    site: Site
    date_from: date
    date_to: date

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
        return start, end

    @property
    def name(self) -> str:
        return f"audit-{self.site.code}-{self.date_from.isoformat()}-{self.date_to.isoformat()}"


class _Hashing(io.RawIOBase):
    """A writable stream that feeds a zip entry and a SHA-256 at once."""

    def __init__(self, target):
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


class _Archive:
    def __init__(self, zf: zipfile.ZipFile, prefix: str):
        self.zf = zf
        self.prefix = prefix
        self.files: list[dict] = []

    def csv(self, name: str, header: list[str], rows: Iterable[list]) -> None:
        with self.zf.open(f"{self.prefix}/{name}", "w", force_zip64=True) as raw:
            hashing = _Hashing(raw)
            text = io.TextIOWrapper(hashing, encoding="utf-8", newline="", write_through=True)
            writer = csv_writer(text)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
            text.flush()
            text.detach()
        self.files.append(
            {"name": name, "sha256": hashing.digest.hexdigest(), "bytes": hashing.size}
        )

    def blob(self, name: str, data: bytes) -> None:
        self.zf.writestr(f"{self.prefix}/{name}", data)
        self.files.append(
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        )


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _event_rows(device_ids: list[int]) -> Iterable[list]:
    events = DeviceEvent.objects.filter(device_id__in=device_ids)
    rows = (
        events.order_by("device_id", "seq")
        .values_list(
            "device__asset_tag",
            "seq",
            "code",
            "from_state",
            "to_state",
            "actor_id",
            "actor_kind",
            "workstation__name",
            "reason",
            "payload",
            "created_at",
            "prev_hash",
            "hash",
        )
        .iterator(chunk_size=2000)
    )
    for tag, seq, code, src, dst, actor, kind, station, reason, payload, when, prev, head in rows:
        yield [
            tag,
            seq,
            code,
            src,
            dst,
            actor or "",
            kind,
            station or "",
            reason,
            json.dumps(payload, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder),
            _iso(when),
            prev,
            head,
        ]


def audit_archive(
    scope: AuditScope,
    *,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> tempfile.SpooledTemporaryFile:
    """Build the audit archive of ``scope`` and return it as a file positioned at its start.

    The devices of the archive are the site's devices with an event in the period; their whole
    event chains are written (a chain is checked from its first link), with every signed head.
    """
    now = now or timezone.now()
    start, end = scope.bounds()
    site = scope.site
    step = progress or (lambda _what: None)
    device_ids = sorted(
        set(
            DeviceEvent.objects.filter(
                device__site=site, created_at__gte=start, created_at__lt=end
            ).values_list("device_id", flat=True)
        )
    )
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        archive = _Archive(zf, scope.name)
        step("events")
        archive.csv(
            "events.csv",
            [
                "device",
                "seq",
                "code",
                "from_state",
                "to_state",
                "actor_id",
                "actor_kind",
                "workstation",
                "reason",
                "payload",
                "created_at",
                "prev_hash",
                "hash",
            ],
            _event_rows(device_ids),
        )
        step("signed heads")
        archive.csv(
            "signed_heads.csv",
            [
                "device",
                "seq",
                "head",
                "prev_seq",
                "day",
                "signed_at",
                "chain_key_id",
                "public_key_id",
                "signature",
            ],
            (
                [tag, seq, head, prev, _iso(day), _iso(signed), key, public, signature]
                for tag, seq, head, prev, day, signed, key, public, signature in (
                    ChainHeadSignature.objects.filter(device_id__in=device_ids)
                    .order_by("device_id", "seq")
                    .values_list(
                        "device__asset_tag",
                        "seq",
                        "head",
                        "prev_seq",
                        "day",
                        "signed_at",
                        "chain_key_id",
                        "public_key_id",
                        "signature",
                    )
                    .iterator(chunk_size=2000)
                )
            ),
        )
        step("chains")
        tags = list(
            Device.objects.filter(pk__in=device_ids)
            .order_by("pk")
            .values_list("asset_tag", flat=True)
        )
        breaks = []
        checked_events = 0
        for tag in tags:
            report = chains_verify(asset_tag=tag)
            checked_events += report.events
            breaks += [str(broken) for broken in report.breaks]
        archive.blob(
            "chain_check.json",
            json.dumps(
                {
                    "devices": len(tags),
                    "events": checked_events,
                    "ok": not breaks,
                    "breaks": breaks,
                    "checked_at": now.isoformat(),
                },
                indent=2,
            ).encode(),
        )
        step("certificates")
        certificates = Certificate.objects.filter(issued_at__gte=start, issued_at__lt=end).filter(
            device__site=site
        ) | Certificate.objects.filter(
            issued_at__gte=start, issued_at__lt=end, collection__site=site
        )
        archive.csv(
            "certificates.csv",
            ["code", "kind", "subject", "issued_at", "content_sha256", "content"],
            (
                [
                    c.code,
                    c.kind,
                    c.device.asset_tag if c.device_id else c.collection.tag,
                    _iso(c.issued_at),
                    c.content_sha256,
                    json.dumps(c.content, sort_keys=True, ensure_ascii=False),
                ]
                for c in certificates.select_related("device", "collection").order_by("issued_at")
            ),
        )
        step("sampling checks")
        archive.csv(
            "sampling_checks.csv",
            [
                "drive",
                "device",
                "erasure_id",
                "drawn_at",
                "checked_at",
                "checked_by",
                "passed",
                "note",
            ],
            (
                [
                    s.erasure.drive.tag,
                    s.erasure.drive.device.asset_tag,
                    s.erasure_id,
                    _iso(s.drawn_at),
                    _iso(s.checked_at),
                    s.checked_by.get_username() if s.checked_by_id else "",
                    "" if s.passed is None else ("yes" if s.passed else "no"),
                    s.note,
                ]
                for s in VerificationSample.objects.filter(
                    erasure__drive__device__site=site, drawn_at__gte=start, drawn_at__lt=end
                )
                .select_related("erasure__drive__device", "checked_by")
                .order_by("drawn_at", "pk")
            ),
        )
        step("shipments")
        shipments = RecyclingShipment.objects.filter(
            site=site, shipped_on__gte=scope.date_from, shipped_on__lte=scope.date_to
        )
        archive.csv(
            "shipments.csv",
            [
                "shipment",
                "status",
                "shipped_on",
                "recycler",
                "weight_kg",
                "certificate_ref",
                "waste_code",
                "tracking_slip",
                "line_device",
                "line_description",
                "line_weight_kg",
                "line_waste_code",
            ],
            (
                [
                    line.shipment_id,
                    line.shipment.status,
                    _iso(line.shipment.shipped_on),
                    line.shipment.recycler,
                    line.shipment.weight_kg,
                    line.shipment.certificate_ref,
                    line.shipment.waste_code.code if line.shipment.waste_code_id else "",
                    line.shipment.tracking_slip,
                    line.device.asset_tag if line.device_id else "",
                    line.description,
                    line.weight_kg,
                    line.waste_code.code if line.waste_code_id else "",
                ]
                for line in RecyclingShipmentLine.objects.filter(shipment__in=shipments)
                .select_related("shipment__waste_code", "device", "waste_code")
                .order_by("shipment__shipped_on", "shipment_id", "pk")
            ),
        )
        step("waste register")
        archive.blob(
            "waste_register.csv",
            waste_register_csv(
                waste_register(site_ids=[site.pk], date_from=scope.date_from, date_to=scope.date_to)
            ).encode(),
        )
        sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in archive.files).encode()
        manifest = {
            "version": ARCHIVE_VERSION,
            "site": site.code,
            "site_name": site.name,
            "country": site.country,
            "date_from": scope.date_from.isoformat(),
            "date_to": scope.date_to.isoformat(),
            "built_at": now.isoformat(),
            "devices": len(device_ids),
            "files": archive.files,
        }
        zf.writestr(f"{scope.name}/manifest.json", json.dumps(manifest, indent=2))
        zf.writestr(f"{scope.name}/SHA256SUMS", sums)
    out.seek(0)
    return out


def archive_verify(data: bytes) -> list[str]:
    """Check an audit archive against its manifest: the problems found (empty when sound)."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        sums_name = next((n for n in names if n.endswith("/SHA256SUMS")), None)
        if sums_name is None:
            return ["SHA256SUMS missing"]
        prefix = sums_name.rsplit("/", 1)[0]
        listed = set()
        for row in csv.reader(io.StringIO(zf.read(sums_name).decode()), delimiter=" "):
            digest, name = row[0], row[-1]
            listed.add(name)
            member = f"{prefix}/{name}"
            if member not in names:
                problems.append(f"{name} missing")
            elif hashlib.sha256(zf.read(member)).hexdigest() != digest:
                problems.append(f"{name} does not match its sum")
        for name in names:
            short = name.split("/", 1)[1]
            if short not in listed | {"SHA256SUMS", "manifest.json"}:
                problems.append(f"{short} is not in the manifest")
    return problems
