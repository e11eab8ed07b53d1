"""Keep the public catalogue's rows (``shop.models.catalogue``) in step with the devices.

``catalogue_refresh(device_ids)`` recomputes the units of those devices and the offers they
left or joined; the shop's hook calls it after the commit of every transaction that appended
an event to a device (``refurb.events.event_listener_register``), so a device put on sale,
reserved, sold, repriced, photographed, put in a kit or corrected shows at once.
``catalogue_rebuild()`` recomputes everything, in batches (``manage.py catalogue_rebuild``, a
scheduled job, and the demo and benchmark seeds). The « reconditionné » words are read from
``refurb.compliance.devices_claims``, never decided here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min, Q

from refurb.compliance import CLAIM_FRANCE, CLAIM_REFURBISHED, devices_claims
from refurb.models import Device, DevicePhoto
from refurb.selectors import installed_systems
from refurb.specs import spec_number
from refurb.states import State
from shop.models import CatalogueOffer, CatalogueUnit, Kit, KitItem
from shop.models import catalogue as rank

log = logging.getLogger(__name__)
BATCH = 1000
CLAIM_RANKS = {CLAIM_FRANCE: rank.CLAIM_FRANCE, CLAIM_REFURBISHED: rank.CLAIM_REFURBISHED}


def _int(value) -> int | None:
    number = spec_number(value)
    if number is None or number < 0:
        return None
    return int(number)


def _screen(value) -> Decimal | None:
    number = spec_number(value)
    if number is None or not 0 < number < 1000:
        return None
    return Decimal(str(round(number, 1)))


def _unit_fields(device: Device, *, system: str, claim: str, photo_id: int | None) -> dict:
    specs = device.specs if isinstance(device.specs, dict) else {}
    price = getattr(device, "price", None)
    battery = _int(specs.get("battery_health_pct"))
    return {
        "solidarity_price": price.solidarity_price if price else None,
        "standard_price": price.standard_price if price else None,
        "free_of_charge": bool(price and price.free_of_charge),
        "ram_gb": _int(specs.get("ram_gb")),
        "storage_gb": _int(specs.get("storage_gb")),
        "storage_kind": str(specs.get("storage_kind") or "")[:8].lower(),
        "cpu_model": str(specs.get("cpu_model") or "")[:120],
        "screen_inches": _screen(specs.get("screen_inches")),
        "battery_pct": battery if battery is not None and battery <= 100 else None,
        "system": (system or "")[:120],
        "claim_rank": CLAIM_RANKS.get(claim, rank.CLAIM_NONE),
        "photo_id": photo_id,
    }


def _offer_key(device: Device, kit_id: int | None) -> tuple:
    if kit_id:
        return ("kit", kit_id)
    return (
        "device",
        device.category_id,
        device.make,
        device.model,
        device.grade_id,
        device.site_id,
    )


def _listable(ids: Iterable[int] | None):
    devices = Device.objects.filter(state=State.ON_SALE, price__isnull=False)
    if ids is not None:
        devices = devices.filter(pk__in=list(ids))
    return devices


def _units_for(devices: list[Device]) -> list[tuple[tuple, dict, Device]]:
    """(offer key, unit fields, device) of each device on sale: seven queries a batch."""
    ids = [device.pk for device in devices]
    kits = dict(
        KitItem.objects.filter(
            device_id__in=ids, active=True, kit__status=Kit.Status.ASSEMBLED
        ).values_list("device_id", "kit_id")
    )
    systems = installed_systems(ids)
    claims = devices_claims(devices)
    photos = dict(
        DevicePhoto.objects.filter(device_id__in=ids)
        .values("device_id")
        .annotate(first=Min("id"))
        .values_list("device_id", "first")
    )
    return [
        (
            _offer_key(device, kits.get(device.pk)),
            _unit_fields(
                device,
                system=systems.get(device.pk, ""),
                claim=claims.get(device.pk, ""),
                photo_id=photos.get(device.pk),
            ),
            device,
        )
        for device in devices
    ]


def _offers_for(keys: set[tuple], samples: dict[tuple, Device]) -> dict[tuple, CatalogueOffer]:
    """The offer row of each key, created when missing (three queries a batch at most)."""
    found: dict[tuple, CatalogueOffer] = {}
    kit_ids = [key[1] for key in keys if key[0] == "kit"]
    device_keys = [key for key in keys if key[0] == "device"]
    query = Q(kit_id__in=kit_ids) if kit_ids else Q(pk__in=[])
    for key in device_keys:
        query |= Q(
            kind="device",
            category_id=key[1],
            make=key[2],
            model=key[3],
            grade_id=key[4],
            site_id=key[5],
        )
    for offer in CatalogueOffer.objects.filter(query).select_related("kit"):
        if offer.kind == CatalogueOffer.Kind.KIT:
            found[("kit", offer.kit_id)] = offer
        else:
            found[_offer_key(offer, None)] = offer
    missing = []
    absent = keys - set(found)
    kits = Kit.objects.in_bulk([key[1] for key in absent if key[0] == "kit"])
    for key in absent:
        device = samples[key]
        if key[0] == "kit":
            kit = kits[key[1]]
            missing.append(
                CatalogueOffer(
                    kind=CatalogueOffer.Kind.KIT,
                    kit=kit,
                    category_id=device.category_id,
                    make="",
                    model=kit.name[:120],
                    grade=None,
                    site_id=kit.site_id,
                )
            )
        else:
            missing.append(
                CatalogueOffer(
                    kind=CatalogueOffer.Kind.DEVICE,
                    category_id=device.category_id,
                    make=device.make,
                    model=device.model,
                    grade_id=device.grade_id,
                    site_id=device.site_id,
                )
            )
    # One insert for the batch's new offers (their keys come back with the rows).
    for offer in CatalogueOffer.objects.bulk_create(missing, batch_size=500):
        found[("kit", offer.kit_id) if offer.kit_id else _offer_key(offer, None)] = offer
    return found


def _write_units(devices: list[Device]) -> set[int]:
    rows = _units_for(devices)
    samples = {}
    for key, _fields, device in rows:
        samples.setdefault(key, device)
    offers = _offers_for(set(samples), samples)
    CatalogueUnit.objects.bulk_create(
        [CatalogueUnit(device=device, offer=offers[key], **fields) for key, fields, device in rows],
        batch_size=500,
    )
    return {offer.pk for offer in offers.values()}


def _summarise(offer_ids: set[int] | None) -> None:
    """Write each offer's sums from its units; drop offers left with none."""
    units = CatalogueUnit.objects.all()
    offers = CatalogueOffer.objects.all()
    if offer_ids is not None:
        units = units.filter(offer_id__in=offer_ids)
        offers = offers.filter(pk__in=offer_ids)
    sums = {
        row["offer_id"]: row
        for row in units.values("offer_id").annotate(
            n=Count("pk"),
            sol_min=Min("solidarity_price"),
            sol_max=Max("solidarity_price"),
            std_min=Min("standard_price"),
            std_max=Max("standard_price"),
            free=Count("pk", filter=Q(free_of_charge=True)),
            ram_min=Min("ram_gb"),
            ram_max=Max("ram_gb"),
            sto_min=Min("storage_gb"),
            sto_max=Max("storage_gb"),
            kind=Max("storage_kind"),
            cpu=Max("cpu_model"),
            screen=Max("screen_inches"),
            bat_min=Min("battery_pct"),
            bat_max=Max("battery_pct"),
            claim=Min("claim_rank"),
            photo=Min("photo_id"),
        )
    }
    systems: dict[int, set[str]] = {}
    for offer_id, system in units.exclude(system="").values_list("offer_id", "system").distinct():
        systems.setdefault(offer_id, set()).add(system)
    photo_devices = dict(
        DevicePhoto.objects.filter(
            pk__in=[row["photo"] for row in sums.values() if row["photo"]]
        ).values_list("pk", "device_id")
    )
    changed, empty = [], []
    for offer in offers.select_related("category", "grade", "site", "kit"):
        row = sums.get(offer.pk)
        if row is None:
            empty.append(offer.pk)
            continue
        offer.units = row["n"]
        if offer.kind == CatalogueOffer.Kind.KIT:
            offer.solidarity_min = offer.solidarity_max = offer.kit.solidarity_price
            offer.standard_min = offer.standard_max = offer.kit.standard_price
            offer.free_units = 0
        else:
            offer.solidarity_min, offer.solidarity_max = row["sol_min"], row["sol_max"]
            offer.standard_min, offer.standard_max = row["std_min"], row["std_max"]
            offer.free_units = int(row["free"] or 0)
        offer.ram_min, offer.ram_max = row["ram_min"], row["ram_max"]
        offer.storage_min, offer.storage_max = row["sto_min"], row["sto_max"]
        offer.storage_kind = row["kind"] or ""
        offer.cpu_model = row["cpu"] or ""
        offer.screen_inches = row["screen"]
        offer.battery_min, offer.battery_max = row["bat_min"], row["bat_max"]
        names = sorted(systems.get(offer.pk, ()))
        offer.systems = ("|" + "|".join(names) + "|")[:400] if names else ""
        offer.claim_rank = row["claim"] or rank.CLAIM_NONE
        offer.photo_id = row["photo"]
        offer.photo_device_id = photo_devices.get(row["photo"])
        words = [offer.make, offer.model, offer.category.name, offer.cpu_model, *names]
        if offer.grade_id:
            words.append(offer.grade.name)
        offer.search = " ".join(w for w in words if w).lower()[:600]
        offer.sort_key = "|".join(
            [
                f"{offer.category.order:04d}",
                offer.category.code,
                "1" if offer.kind == CatalogueOffer.Kind.KIT else "0",
                offer.make.lower(),
                offer.model.lower(),
                f"{offer.grade.order:04d}" if offer.grade_id else "9999",
                offer.site.code,
            ]
        )[:300]
        changed.append(offer)
    CatalogueOffer.objects.bulk_update(
        changed,
        [
            "units", "solidarity_min", "solidarity_max", "standard_min", "standard_max",
            "free_units", "ram_min", "ram_max", "storage_min", "storage_max", "storage_kind",
            "cpu_model", "screen_inches", "battery_min", "battery_max", "systems", "claim_rank",
            "photo", "photo_device", "search", "sort_key",
        ],
        batch_size=500,
    )  # fmt: skip
    if empty:
        CatalogueOffer.objects.filter(pk__in=empty).delete()


def _devices(ids) -> list[Device]:
    return list(_listable(ids).select_related("category", "grade", "price", "site"))


def catalogue_refresh(device_ids: Iterable[int]) -> None:
    """Recompute the catalogue rows of ``device_ids`` and of the offers they were or are in."""
    ids = sorted(set(device_ids))
    if not ids:
        return
    with transaction.atomic():
        # A kit sold or dismantled changes its other devices' offer too.
        kit_ids = set(KitItem.objects.filter(device_id__in=ids).values_list("kit_id", flat=True))
        if kit_ids:
            ids = sorted(
                set(ids)
                | set(
                    KitItem.objects.filter(kit_id__in=kit_ids).values_list("device_id", flat=True)
                )
            )
        old = set(
            CatalogueUnit.objects.filter(device_id__in=ids).values_list("offer_id", flat=True)
        )
        CatalogueUnit.objects.filter(device_id__in=ids).delete()
        new = _write_units(_devices(ids))
        _summarise(old | new)


def catalogue_rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the whole catalogue from the devices on sale; return how many are listed."""
    ids = list(_listable(None).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        CatalogueUnit.objects.all().delete()
        CatalogueOffer.objects.all().delete()
        for start in range(0, len(ids), BATCH):
            _write_units(_devices(ids[start : start + BATCH]))
            if progress:
                progress(min(start + BATCH, len(ids)), len(ids))
        _summarise(None)
    return len(ids)


def catalogue_refresh_safely(device_ids: Iterable[int]) -> None:
    """The after-commit refresh: a failure is logged, never raised into a committed request
    (the scheduled rebuild puts the catalogue right)."""
    try:
        catalogue_refresh(device_ids)
    except Exception:  # noqa: BLE001
        log.exception("catalogue refresh failed for devices %s", list(device_ids)[:20])
