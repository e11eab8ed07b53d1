"""The canonical facts a certificate states, built from the database the same way every time.

The facts are plain JSON (strings, numbers, booleans): per device its tag, category, make,
model and serial; per drive its tag, serial, model, kind, capacity and how it was made safe
(the last verified erasure, or its destruction with the witness). People appear by initials
only; a donor's name appears only for a company or a public body. ``content_digest`` hashes
the canonical JSON text, so changing any fact changes the digest.
"""

from __future__ import annotations

import hashlib
import json

from django.db.models import Prefetch

from refurb.models import Destruction, Device, Drive, Erasure
from refurb.selectors import device_data_safety
from workshop.exceptions import DomainError

VERSION = 1


def initials(user) -> str:
    """Return a person's initials ("S. B."), never the full name."""
    if user is None:
        return ""
    names = [n for n in (user.first_name, user.last_name) if n] or [user.username]
    return " ".join(f"{n.strip()[0].upper()}." for n in names if n.strip())


def name_initials(text: str) -> str:
    return " ".join(f"{part[0].upper()}." for part in (text or "").split() if part)


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_digest(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _devices_queryset():
    erasures = Erasure.objects.select_related("operator", "workstation").order_by("id")
    drives = (
        Drive.objects.select_related(
            "destruction", "destruction__operator", "destruction__workstation"
        )
        .prefetch_related(Prefetch("erasures", queryset=erasures))
        .order_by("id")
    )
    return Device.objects.select_related("category", "site", "collection__donor").prefetch_related(
        Prefetch("drives", queryset=drives),
        # Drives taken out as parts and fitted into other devices: the donor's data was on
        # them, so the donor's certificate still lists them (``"taken_out"``).
        Prefetch("drives_taken_out", queryset=drives),
    )


def _proof(drive: Drive) -> dict:
    if drive.status == Drive.Status.DESTROYED:
        try:
            destruction: Destruction = drive.destruction
        except Destruction.DoesNotExist:
            destruction = None
        if destruction is not None:
            return {
                "type": "destruction",
                "nist": "destroy",
                "method": destruction.method,
                "witness": name_initials(destruction.witness),
                "date": _iso(destruction.destroyed_at),
                "operator": initials(destruction.operator),
                "workstation": destruction.workstation.name if destruction.workstation else "",
                "certificate_ref": destruction.certificate_ref,
            }
    proofs = [e for e in drive.erasures.all() if e.is_proof]
    if not proofs:
        return {"type": "none"}
    erasure = proofs[-1]
    return {
        "type": "erasure",
        "nist": erasure.method,
        "standard": erasure.standard,
        "tool": erasure.tool,
        "passes": erasure.passes,
        "verified": erasure.verified,
        "result": erasure.result,
        "date": _iso(erasure.finished_at or erasure.created_at),
        "operator": initials(erasure.operator),
        "workstation": erasure.workstation.name if erasure.workstation else "",
    }


def device_facts(device: Device) -> dict:
    """Return the facts of one device (prefetched with ``_devices_queryset``)."""
    return {
        "tag": device.asset_tag,
        "category": device.category.code,
        "make": device.make,
        "model": device.model,
        "serial": device.serial_number,
        "no_storage": device.no_storage_confirmed and not device.drives.all(),
        "drives": [
            {
                "tag": drive.tag,
                "serial": drive.serial_number,
                "model": drive.model,
                "kind": drive.kind,
                "capacity_bytes": drive.capacity_bytes,
                "status": drive.status,
                "proof": _proof(drive),
                **({"taken_out": True} if drive.taken_from_id == device.pk else {}),
            }
            for drive in [*device.drives.all(), *device.drives_taken_out.all()]
        ],
        # The head of the device's event hash chain when the certificate was issued: the
        # verifier checks that this link still exists and that the whole chain still verifies.
        "chain": {"seq": device.event_seq, "head": device.event_head},
    }


# Donors named on a certificate: organisations; a person who gave stays unnamed.
PUBLIC_DONOR_KINDS = frozenset({"company", "public_body"})


def collection_model():
    """The model of a device's collection (``inventory.Collection``), without importing the
    inventory: refurb certifies a lot through the device's own relation."""
    return Device._meta.get_field("collection").related_model


def _donor(collection) -> dict:
    donor = collection.donor
    public = donor.kind in PUBLIC_DONOR_KINDS
    return {"kind": donor.kind, "name": donor.name if public else ""}


def _unsafe_error(unsafe: list[tuple[Device, list[str]]]) -> DomainError:
    from django.utils.translation import gettext as _

    parts = [f"{device.asset_tag} ({', '.join(drives) or _('no storage check')})"
             for device, drives in unsafe]  # fmt: skip
    return DomainError(
        "certificate_unsafe",
        _(
            "No certificate can be issued while data may remain: %(items)s. Erase these "
            "drives with verification or destroy them, then issue the certificate."
        )
        % {"items": "; ".join(parts)},
        fields={"drives": [tag for _device, drives in unsafe for tag in drives]},
        status=409,
    )


def _check_safe(devices: list[Device]) -> None:
    unsafe = []
    for device in devices:
        safety = device_data_safety(device)
        if not safety.safe:
            unsafe.append((device, [drive.tag for drive in safety.unsafe_drives]))
    if unsafe:
        raise _unsafe_error(unsafe)


def device_content(device: Device, *, check: bool = True) -> dict:
    """Return the canonical facts of a device certificate; refuse if a drive is unsafe."""
    device = _devices_queryset().get(pk=device.pk)
    if check:
        _check_safe([device])
    collection = device.collection
    return {
        "version": VERSION,
        "kind": "device",
        "site": {"code": device.site.code, "name": device.site.name},
        "collection": (
            {"tag": collection.tag, "donor": _donor(collection)} if collection else None
        ),
        "devices": [device_facts(device)],
    }


def pending_facts(device: Device) -> dict:
    """What a collection certificate says of a device not covered yet: which one it is."""
    return {"tag": device.asset_tag, "category": device.category.code}


def collection_content(collection, *, check: bool = True, covered: set[str] | None = None) -> dict:
    """Return the canonical facts of a collection certificate: the devices done so far (every
    drive erased with verification or destroyed, or no storage), and under ``pending`` the
    devices of the lot that still hold data, which the certificate does not cover.

    Refuses (``certificate_unsafe``) only when no device is done yet. ``covered`` (the tags a
    certificate covered when issued) recomputes the same split to verify it: a pending device
    finished since stays pending for that certificate, so it still verifies.
    """
    collection = collection_model().objects.select_related("donor", "site").get(pk=collection.pk)
    devices = list(_devices_queryset().filter(collection=collection).order_by("asset_tag"))
    if covered is None:
        done = [device for device in devices if device_data_safety(device).safe]
    else:
        done = [device for device in devices if device.asset_tag in covered]
    if check and not done:
        _check_safe(devices)  # nothing done: says which drives still hold data
        from django.utils.translation import gettext as _

        raise DomainError(
            "certificate_empty",
            _("This collection has no device yet: there is nothing to certify."),
            status=409,
        )
    pending = [device for device in devices if device not in done]
    content = {
        "version": VERSION,
        "kind": "collection",
        "site": {"code": collection.site.code, "name": collection.site.name},
        "collection": {
            "tag": collection.tag,
            "donor": _donor(collection),
            "received_on": collection.received_on.isoformat(),
        },
        "devices": [device_facts(device) for device in done],
    }
    if pending:  # only then: certificates of whole lots keep their facts (and digests)
        content["pending"] = [pending_facts(device) for device in pending]
    return content
