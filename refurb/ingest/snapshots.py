"""Store a bench report unchanged and apply it to its device, in one transaction.

The report is parsed OUTSIDE any transaction; then, in ONE transaction, the raw report is
stored byte for byte in a ``Snapshot``, the device is found or registered, its drives (with
SMART health) and the erasures found in the report are recorded, and a ``snapshot`` event is
appended. Either everything is written or nothing is.

In a constant number of queries whatever the drives: a new device's ``registered`` event, its
new drives' ``drive_added`` events and the ``snapshot`` event are appended together
(``event_append_many``: one insert, one update of the device); a report with erasures appends
the events before them first, since each erasure appends its own.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import NewEvent, event_append_many
from refurb.ingest.devices import device_for_report, fill_identity
from refurb.ingest.drives import record_drives
from refurb.ingest.erasures import record_erasures
from refurb.ingest.errors import report_error
from refurb.ingest.outcome import IngestOutcome
from refurb.ingest.specs import summary_from_snapshot
from refurb.models import DeviceEvent, Snapshot
from refurb.snapshots import ParsedSnapshot, parse_snapshot
from refurb.snapshots.errors import ReportError


def snapshot_ingest(
    *,
    payload: dict,
    raw: bytes,
    workstation,
    actor,
    site=None,
    now: datetime | None = None,
    parsed: ParsedSnapshot | None = None,
) -> Snapshot:
    """Store a bench report unchanged and apply it to its device, all in one transaction.

    The device is found by the report's asset tag, else by its system serial number, else
    registered in ``received``. Drives are created or updated by serial (SMART health, the
    ``failing`` flag), erasures in the report are recorded (a failed or unverified one leaves
    the drive ``failed``: destroy it). Raises ``DomainError`` (400 for an unreadable report,
    404 for an unknown asset tag, 409 ``serial_ambiguous``) and then writes nothing.
    """
    now = now or timezone.now()
    if parsed is None:
        try:
            parsed = parse_snapshot(payload)
        except ReportError as exc:
            raise report_error(exc) from exc
    outcome = IngestOutcome(warnings=list(parsed.warnings))
    digest = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        device, registered, pending = device_for_report(
            parsed, workstation=workstation, site=site, actor=actor, now=now
        )
        if registered and not parsed.asset_tag and not parsed.identity.serial:
            outcome.warnings.append(
                _(
                    "This report names no usable system serial number (missing or a firmware "
                    "placeholder): it was registered as a new device, %(tag)s, and not matched "
                    "to another machine. Stick the asset tag on it and send the next reports "
                    "with --asset-tag."
                )
                % {"tag": device.asset_tag}
            )
        drives_by_key = record_drives(
            device,
            parsed.drives,
            actor=actor,
            workstation=workstation,
            now=now,
            outcome=outcome,
            new_device=registered,
            pending=pending,
        )
        # A drive found undoes a "no storage" declaration (as drive_add does).
        device_values = {}
        if any(event.code == DeviceEvent.Code.DRIVE_ADDED for event in pending):
            device_values = {"no_storage_confirmed": False, "no_storage_signed_off": False}
        if parsed.erasures and pending:
            # Each erasure appends its own event, after those of the drives it names.
            event_append_many(
                pending,
                actor=actor,
                workstation=workstation,
                now=now,
                device_values=device_values,
            )
            pending, device_values = [], {}
        record_erasures(
            device,
            parsed.erasures,
            drives_by_key,
            actor=actor,
            workstation=workstation,
            now=now,
            outcome=outcome,
        )
        if parsed.erasures:
            # drive_record_erasure (and drive_add, for a drive only an erasure names) appended
            # events to its own copy of the device row.
            device.refresh_from_db(
                fields=["event_seq", "event_head", "no_storage_confirmed", "no_storage_signed_off"]
            )
        changed = fill_identity(device, parsed, outcome.warnings)
        summary = summary_from_snapshot(parsed)
        snapshot = Snapshot.objects.create(
            device=device,
            source_format=parsed.source_format,
            raw=raw,
            raw_sha256=digest,
            payload=payload,
            summary=summary,
            warnings=outcome.warnings,
            collected_at=parsed.collected_at,
            received_at=now,
            workstation=workstation,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        payload = {
            "snapshot": snapshot.pk,
            "format": parsed.source_format,
            "sha256": digest,
            "registered": registered,
            "changed": changed,
            "drives_added": outcome.drives_added,
            "drives_updated": outcome.drives_updated,
            "erasures": outcome.erasures,
            "checks": outcome.checks,
            "failing": outcome.failing,
            "to_destroy": outcome.to_destroy,
        }
        event_append_many(
            [*pending, NewEvent(device=device, code=DeviceEvent.Code.SNAPSHOT, payload=payload)],
            actor=actor,
            workstation=workstation,
            now=now,
            device_values={**device_values, **{name: getattr(device, name) for name in changed}},
        )
    snapshot.outcome = outcome
    snapshot.registered = registered
    return snapshot
