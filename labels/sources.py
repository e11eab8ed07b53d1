"""Adapters: build each template's input record from the workshop's Django objects.

The label engine (``labels.templates``) knows nothing about Django; these functions read a
device, drive, location or collection (already fetched with what they need, see
``labels.selectors``) and return the plain input record a template takes.

Spec keys read from ``Device.specs`` for the shop label (agreed with the snapshot parsers and
the shop): ``cpu_model`` (str), ``ram_gb`` (number), ``storage_gb`` (number), ``storage_kind``
(``hdd``/``ssd``/``nvme``/``emmc``), ``screen_inches`` (number) and ``battery_health_pct``
(integer, laptops). A missing key leaves its line off the label; storage falls back to the
device's recorded drives.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from inventory.parts import part_specs_text
from labels.templates import (
    CollectionInput,
    DeviceTagInput,
    DriveTagInput,
    ErasureInput,
    KitInput,
    LocationInput,
    PartInput,
    ShopInput,
)
from refurb.compliance import device_claim
from refurb.selectors import device_system_label
from refurb.specs import STORAGE_NAMES, format_capacity, storage_text
from refurb.specs import spec_number as _number
from shop.selectors import device_price as shop_device_price

SPEC_KEYS = (
    "cpu_model",
    "ram_gb",
    "storage_gb",
    "storage_kind",
    "screen_inches",
    "battery_health_pct",
)
DEFAULT_WARRANTY_MONTHS = 12
NIST_NAMES = {"clear": "NIST 800-88 Clear", "purge": "NIST 800-88 Purge"}


def _local_date(moment):
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def initials(user) -> str:
    """Operator initials for an erasure sticker: "SB" for Salomé Benali, else the login."""
    if user is None:
        return "?"
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if first or last:
        return "".join(part[0] for part in (first, last) if part).upper()
    return (user.get_username() or "?")[:3].upper()


def public_url(asset_tag: str, *, base_url: str | None = None) -> str:
    """The device's public page ``/d/<tag>``: ``ATELIER_PUBLIC_BASE_URL``, else ``base_url``."""
    base = getattr(settings, "ATELIER_PUBLIC_BASE_URL", "") or base_url or ""
    return f"{base.rstrip('/')}/d/{asset_tag}"


def device_price(device) -> tuple[Decimal | None, Decimal | None]:
    """(solidarity, standard) price from the shop's pricing, or (None, None) when unpriced.

    Reads ``shop.selectors.device_price`` (select ``price`` with the device to keep it
    query-free).
    """
    price = shop_device_price(device)
    if price is None:
        return None, None
    return price.solidarity_price, price.standard_price


# --------------------------------------------------------------------------- adapters


def device_tag_input(device) -> DeviceTagInput:
    return DeviceTagInput(
        asset_tag=device.asset_tag,
        category=device.category.name,
        intake_date=_local_date(device.received_at),
        site=device.site.name,
    )


def drive_tag_input(drive) -> DriveTagInput:
    """The drive's own tag is the barcode (it carries a check character, the serial may not)."""
    gigabytes = drive.capacity_bytes / 10**9 if drive.capacity_bytes else None
    return DriveTagInput(
        serial=drive.tag,
        host_asset_tag=drive.device.asset_tag if drive.device_id else None,
        capacity=format_capacity(gigabytes) or None,
        drive_type=STORAGE_NAMES.get(drive.kind, drive.kind.upper()),
    )


def _destruction(drive):
    try:
        return drive.destruction
    except ObjectDoesNotExist:
        return None


def _drive_proof(drive):
    """(method, when, operator, verified) of what made a drive safe, or None."""
    destruction = _destruction(drive)
    if destruction is not None:
        return ("Destruction", destruction.destroyed_at, destruction.operator, True)
    successes = [e for e in drive.erasures.all() if e.result == "success"]
    if not successes:
        return None
    erasure = max(successes, key=lambda e: (e.finished_at or e.created_at, e.pk))
    return (
        NIST_NAMES.get(erasure.method, erasure.method),
        erasure.finished_at or erasure.created_at,
        erasure.operator,
        erasure.verified,
    )


def erasure_input_for_drive(drive) -> ErasureInput | None:
    proof = _drive_proof(drive)
    if proof is None:
        return None
    method, when, operator, verified = proof
    return ErasureInput(
        subject=drive.tag,
        method=method,
        erased_on=_local_date(when),
        operator_initials=initials(operator),
        verified=verified,
    )


def erasure_input_for_device(device) -> ErasureInput | None:
    """One sticker for the whole device: every drive must be erased or destroyed."""
    drives = list(device.drives.all())
    proofs = [_drive_proof(drive) for drive in drives]
    if not drives or any(proof is None for proof in proofs):
        return None
    methods = " + ".join(sorted({proof[0] for proof in proofs}))
    method, when, operator, _verified = max(proofs, key=lambda proof: proof[1])
    return ErasureInput(
        subject=device.asset_tag,
        method=methods,
        erased_on=_local_date(when),
        operator_initials=initials(operator),
        verified=all(proof[3] for proof in proofs),
        verification=f"{len(drives)} disques" if len(drives) > 1 else None,
    )


def _storage_text(device, specs: dict) -> str:
    return storage_text(specs, device.drives.all())


def shop_input(device, *, base_url: str | None = None, claim: str | None = None) -> ShopInput:
    """``claim``: the words ``refurb.compliance`` allows, when the caller read them in bulk."""
    specs = device.specs if isinstance(device.specs, dict) else {}
    solidarity, standard = device_price(device)
    battery = _number(specs.get("battery_health_pct"))
    model = " ".join(part for part in (device.make, device.model) if part) or device.category.name
    return ShopInput(
        asset_tag=device.asset_tag,
        model=model,
        cpu=str(specs.get("cpu_model") or ""),
        ram_gb=_number(specs.get("ram_gb")),
        storage=_storage_text(device, specs),
        grade=device.grade.code if device.grade_id else "–",
        solidarity_price=solidarity,
        standard_price=standard,
        warranty_months=int(specs.get("warranty_months") or DEFAULT_WARRANTY_MONTHS),
        public_url=public_url(device.asset_tag, base_url=base_url),
        screen_inches=_number(specs.get("screen_inches")),
        battery_health_pct=int(battery) if battery is not None else None,
        claim=device_claim(device) if claim is None else claim,
        system=device_system_label(device),
    )


def location_input(location) -> LocationInput:
    return LocationInput(code=location.tag, name=location.name, site=location.site.name)


def collection_input(collection) -> CollectionInput:
    count = getattr(collection, "device_count", None)
    return CollectionInput(
        reference=collection.tag,
        donor=collection.donor.name,
        collected_on=collection.received_on,
        site=collection.site.name,
        device_count=count if count is not None else collection.declared_count or None,
    )


def kit_input(kit) -> KitInput:
    """A kit's label lists its devices (``items`` prefetched with each device's category)."""
    components = []
    for item in kit.items.all():
        device = item.device
        name = " ".join(part for part in (device.make, device.model) if part)
        components.append(f"{device.category.name} {name}".strip())
    return KitInput(kit_code=kit.tag, name=kit.name, components=components)


PART_CATEGORY_FR = {
    "memory": "Mémoire",
    "drive": "Disque",
    "battery": "Batterie",
    "charger": "Chargeur",
    "screen": "Écran",
    "keyboard": "Clavier",
    "power_supply": "Alimentation",
    "other": "Autre",
}
PART_TEST_FR = {"passed": "Testée : fonctionne", "failed": "Testée : défectueuse"}


def part_input(part) -> PartInput:
    """A part's label: its category, the device it came from, its specs and test status."""
    return PartInput(
        tag=part.tag,
        category=PART_CATEGORY_FR.get(part.category, part.category),
        origin=part.origin.asset_tag,
        specs=part_specs_text(part),
        test_status=PART_TEST_FR.get(part.test_status, ""),
    )
