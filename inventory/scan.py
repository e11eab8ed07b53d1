"""Resolve anything we print a barcode for — or a manufacturer serial — into one object.

Resolvers are tried in the order of ``RESOLVERS``; the first that recognises the code wins.
Tag resolvers only look at codes shaped like our tags; a tag-shaped code whose check character
is wrong is refused (400) unless it happens to be a manufacturer serial number. Add a resolver
by writing a function ``(code: str) -> ScanResult | None`` and listing it here, or, from a
higher app, registering it with ``scan_resolver_register`` (the shop adds kits and invoices).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from inventory.models import Collection, Location, Part
from refurb.models import Device, Drive
from refurb.selectors import devices_by_serial, drives_by_serial
from workshop import tags
from workshop.exceptions import DomainError

# What every scanned device's answer shows.
DEVICE_RELATED = ("category", "site", "location", "grade", "collection")
# The columns of the API's answer for a scanned device, and only those: the scanner's hot path
# reads them as one row (``scan_device_values``), with no model objects to build.
DEVICE_SCAN_VALUES = (
    "asset_tag",
    "site__code",
    "category__code",
    "collection__tag",
    "collection__donor",
    "make",
    "model",
    "serial_number",
    "specs",
    "weight_kg",
    "location__tag",
    "state",
    "grade__code",
    "no_storage_confirmed",
    "no_storage_signed_off",
    "received_at",
    "state_changed_at",
    "updated_at",
    "event_seq",
)


@dataclass(frozen=True)
class ScanResult:
    kind: str
    code: str
    obj: Any


def tag_of_kind(code: str, kind: str) -> tags.Tag | None:
    if not tags.looks_like_tag(code):
        return None
    try:
        tag = tags.parse_tag(code)
    except DomainError:
        return None
    return tag if tag.kind == kind else None


def resolve_device_tag(code: str) -> ScanResult | None:
    if not tag_of_kind(code, tags.DEVICE):
        return None
    device = Device.objects.select_related(*DEVICE_RELATED).filter(asset_tag=code).first()
    return ScanResult("device", code, device) if device else None


def resolve_drive_tag(code: str) -> ScanResult | None:
    if not tag_of_kind(code, tags.DRIVE):
        return None
    drive = Drive.objects.select_related("device").filter(tag=code).first()
    return ScanResult("drive", code, drive) if drive else None


def resolve_location_tag(code: str) -> ScanResult | None:
    if not tag_of_kind(code, tags.LOCATION):
        return None
    location = Location.objects.select_related("site").filter(tag=code).first()
    return ScanResult("location", code, location) if location else None


def resolve_collection_tag(code: str) -> ScanResult | None:
    if not tag_of_kind(code, tags.COLLECTION):
        return None
    collection = Collection.objects.select_related("donor", "site").filter(tag=code).first()
    return ScanResult("collection", code, collection) if collection else None


def resolve_part_tag(code: str) -> ScanResult | None:
    if not tag_of_kind(code, tags.PART):
        return None
    part = Part.objects.select_related("origin", "location", "drive").filter(tag=code).first()
    return ScanResult("part", code, part) if part else None


def resolve_serial(code: str) -> ScanResult | None:
    """Match a manufacturer serial number on devices, then on drives."""
    raw = code.strip()
    if not raw:
        return None
    devices = devices_by_serial(raw, related=DEVICE_RELATED)
    if len(devices) > 1:
        raise DomainError(
            "serial_ambiguous",
            _(
                "Serial number %(serial)s matches several devices (%(tags)s). "
                "Scan the asset tag instead."
            )
            % {"serial": raw, "tags": ", ".join(device.asset_tag for device in devices)},
            status=409,
        )
    if devices:
        return ScanResult("device", raw, devices[0])
    drives = drives_by_serial(raw)
    if len(drives) == 1:
        return ScanResult("drive", raw, drives[0])
    return None


Resolver = Callable[[str], ScanResult | None]

RESOLVERS: list[Resolver] = [
    resolve_device_tag,
    resolve_drive_tag,
    resolve_location_tag,
    resolve_collection_tag,
    resolve_part_tag,
]
# Serial numbers come last: anything we printed ourselves wins.
FALLBACK_RESOLVERS: list[Resolver] = [resolve_serial]


def scan_resolver_register(resolver: Resolver) -> None:
    """Try ``resolver`` after the inventory's own tags (a higher app's codes: kits, invoices),
    and before manufacturer serials. Registering it twice adds it once."""
    if resolver not in RESOLVERS:
        RESOLVERS.append(resolver)


def scan_device_values(code: str) -> ScanResult | None:
    """What ``scan_resolve(code)`` answers when ``code`` is a device's tag, as one row of
    ``DEVICE_SCAN_VALUES`` (a dict) instead of a device; None for any other code.

    Device tags are the first thing ``scan_resolve`` tries, so a row found here is the device
    it would find; the caller resolves every other code with ``scan_resolve``.
    """
    if not RESOLVERS or RESOLVERS[0] is not resolve_device_tag:
        return None
    text = tags.normalize((code or "").strip())
    if not text or not tag_of_kind(text, tags.DEVICE):
        return None
    row = Device.objects.filter(asset_tag=text).values(*DEVICE_SCAN_VALUES).first()
    return ScanResult("device", text, row) if row else None


def scan_resolve(code: str) -> ScanResult:
    """Return what ``code`` designates, or raise a ``DomainError`` that says what to do."""
    raw = (code or "").strip()
    if not raw:
        raise DomainError(
            "scan_empty",
            _("Nothing was scanned: scan a label or type its code."),
            fields={"code": [_("This field is required.")]},
        )
    text = tags.normalize(raw)
    for resolver in RESOLVERS:
        result = resolver(text)
        if result is not None:
            return result
    for resolver in FALLBACK_RESOLVERS:
        result = resolver(raw)
        if result is not None:
            return result
    if tags.looks_like_tag(text):
        tags.parse_tag(text)  # raises tag_check_failed for a mistyped tag
    raise DomainError(
        "scan_unknown",
        _(
            "“%(code)s” matches nothing we know: no tag, kit, invoice or serial number. "
            "Check the label, or register the device at the intake bench."
        )
        % {"code": raw},
        status=404,
    )
