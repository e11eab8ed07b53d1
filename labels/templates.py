"""Label templates: plain input records in, a :class:`~labels.content.Label` out.

Each template takes its dataclass or an equivalent dict (phase 2 adapts the
Django models to these records). French text; prices in euros with the € sign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from labels.content import Barcode, Label, Role, TextLine

NBSP = "\u00a0"
T = TypeVar("T")


def _coerce(cls: type[T], data: T | Mapping[str, Any]) -> T:
    if isinstance(data, cls):
        return data
    if isinstance(data, Mapping):
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = set(data) - known
        if unknown:
            raise TypeError(f"{cls.__name__} has no field(s) {', '.join(sorted(unknown))}")
        return cls(**data)
    raise TypeError(f"expected {cls.__name__} or a dict, got {type(data).__name__}")


def format_date(value: dt.date | str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def format_euros(amount: Decimal | int | float | str) -> str:
    """French price: "1 234 €", "89,50 €" (no-break spaces keep the amount whole)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    units, cents = divmod(abs(value), 1)
    groups = f"{int(units):,}".replace(",", NBSP)
    sign = "-" if value < 0 else ""
    if cents:
        return f"{sign}{groups},{int(cents * 100):02d}{NBSP}€"
    return f"{sign}{groups}{NBSP}€"


def format_number(value: float | int | Decimal) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class DeviceTagInput:
    asset_tag: str  # e.g. "AT-004217", printed as Code 128
    category: str  # e.g. "Ordinateur portable"
    intake_date: dt.date | str
    site: str


@dataclass(frozen=True)
class DriveTagInput:
    serial: str  # drive serial number, printed as Code 128
    host_asset_tag: str | None = None  # device the drive came out of
    capacity: str | None = None  # e.g. "256 Go"
    drive_type: str | None = None  # e.g. "SSD NVMe"


@dataclass(frozen=True)
class ErasureInput:
    subject: str  # asset tag or drive serial that was erased, printed as Code 128
    method: str  # e.g. "NIST 800-88 Purge"
    erased_on: dt.date | str
    operator_initials: str
    verified: bool
    verification: str | None = None  # e.g. "échantillonnage 5 %"


@dataclass(frozen=True)
class ShopInput:
    asset_tag: str
    model: str
    cpu: str
    ram_gb: int | float | None
    storage: str  # e.g. "SSD 256 Go"
    grade: str  # e.g. "A"
    solidarity_price: Decimal | int | float | str | None  # None: not priced yet, no price line
    warranty_months: int
    public_url: str  # the device's public page, as a QR code
    standard_price: Decimal | int | float | str | None = None
    screen_inches: float | None = None
    battery_health_pct: int | None = None  # laptops only
    # « Reconditionné en France », « Reconditionné » or nothing: the words ``refurb.compliance``
    # allows for this device (art. R. 122-4 to R. 122-6 code de la consommation).
    claim: str = ""
    system: str | None = None  # the system installed, e.g. "Linux Mint 22.1"


@dataclass(frozen=True)
class PartInput:
    tag: str  # the part's P tag, printed as Code 128
    category: str  # e.g. "Mémoire"
    origin: str  # the asset tag of the device it was taken out of
    specs: str = ""  # e.g. "8 Go · 2666 MHz"
    test_status: str = ""  # e.g. "Testée : fonctionne"


@dataclass(frozen=True)
class KitInput:
    kit_code: str
    name: str
    components: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LocationInput:
    code: str  # e.g. "LYO-R2-B05"
    name: str  # e.g. "Rayonnage 2, bac 5"
    site: str | None = None


@dataclass(frozen=True)
class CollectionInput:
    reference: str  # e.g. "COL-2025-0042"
    donor: str
    collected_on: dt.date | str
    site: str
    device_count: int | None = None


# --------------------------------------------------------------------------- templates


def device_tag(data: DeviceTagInput | Mapping[str, Any]) -> Label:
    d = _coerce(DeviceTagInput, data)
    return Label(
        template="device_tag",
        title=d.category,
        lines=[
            TextLine(f"Entrée le {format_date(d.intake_date)}"),
            TextLine(f"Site : {d.site}", Role.SMALL),
        ],
        barcode=Barcode(d.asset_tag),
        length_mm=29,
    )


def drive_tag(data: DriveTagInput | Mapping[str, Any]) -> Label:
    d = _coerce(DriveTagInput, data)
    kind = " ".join(x for x in (d.drive_type, d.capacity) if x) or "Disque"
    lines = [TextLine(f"Issu de {d.host_asset_tag}", keep=True)] if d.host_asset_tag else []
    return Label(
        template="drive_tag",
        title=kind,
        lines=lines,
        barcode=Barcode(d.serial),
        length_mm=29,
    )


def erasure_sticker(data: ErasureInput | Mapping[str, Any]) -> Label:
    d = _coerce(ErasureInput, data)
    result = "vérifié" if d.verified else "NON vérifié"
    if d.verification:
        result = f"{result} ({d.verification})"
    return Label(
        template="erasure_sticker",
        title="Données effacées",
        lines=[
            TextLine(f"Méthode : {d.method}", keep=True),
            TextLine(f"Le {format_date(d.erased_on)} par {d.operator_initials}", keep=True),
            TextLine(f"Effacement {result}", keep=True),
        ],
        barcode=Barcode(d.subject),
        length_mm=29,
    )


def shop_label(data: ShopInput | Mapping[str, Any]) -> Label:
    d = _coerce(ShopInput, data)
    specs = " · ".join(
        part
        for part in (f"{format_number(d.ram_gb)}{NBSP}Go RAM" if d.ram_gb else "", d.storage)
        if part
    )
    extras = []
    if d.screen_inches:
        extras.append(f"Écran {format_number(d.screen_inches)}{NBSP}pouces")
    if d.battery_health_pct is not None:
        extras.append(f"Batterie {d.battery_health_pct}{NBSP}%")
    lines = [TextLine(text) for text in (d.cpu, specs) if text]  # unknown specs: no line
    if extras:
        lines.append(TextLine(" · ".join(extras), Role.SMALL))
    if d.claim:
        lines.append(TextLine(d.claim, Role.SMALL, keep=True))
    if d.system:
        lines.append(TextLine(f"Système{NBSP}: {d.system}", keep=True))
    lines.append(TextLine(f"Grade {d.grade} · Garantie {d.warranty_months}{NBSP}mois", keep=True))
    if d.solidarity_price is not None:
        lines.append(TextLine(f"Prix solidaire {format_euros(d.solidarity_price)}", Role.PRICE))
    if d.standard_price is not None:
        lines.append(TextLine(f"Prix standard {format_euros(d.standard_price)}", Role.SMALL))
    return Label(
        template="shop_label",
        title=d.model,
        lines=lines,
        barcode=Barcode(d.asset_tag),
        qr=d.public_url,
        length_mm=50,
    )


def part_label(data: PartInput | Mapping[str, Any]) -> Label:
    d = _coerce(PartInput, data)
    lines = [TextLine(f"Issue de {d.origin}", keep=True)]
    if d.specs:
        lines.append(TextLine(d.specs))
    if d.test_status:
        lines.append(TextLine(d.test_status, Role.SMALL))
    return Label(
        template="part_label",
        title=f"Pièce : {d.category}",
        lines=lines,
        barcode=Barcode(d.tag),
        length_mm=29,
    )


def kit_label(data: KitInput | Mapping[str, Any]) -> Label:
    d = _coerce(KitInput, data)
    lines = [TextLine(c, Role.SMALL) for c in d.components]
    return Label(
        template="kit_label",
        title=f"Kit {d.name}",
        lines=lines,
        barcode=Barcode(d.kit_code),
        length_mm=40,
    )


def location_label(data: LocationInput | Mapping[str, Any]) -> Label:
    d = _coerce(LocationInput, data)
    lines = [TextLine(d.site, Role.SMALL)] if d.site else []
    return Label(
        template="location_label",
        title=d.name,
        lines=lines,
        barcode=Barcode(d.code),
        length_mm=29,
    )


def collection_label(data: CollectionInput | Mapping[str, Any]) -> Label:
    d = _coerce(CollectionInput, data)
    lines = [
        TextLine(f"Donateur : {d.donor}", keep=True),
        TextLine(f"Collecte du {format_date(d.collected_on)} · {d.site}"),
    ]
    if d.device_count is not None:
        lines.append(TextLine(f"{d.device_count} appareil(s)", Role.SMALL))
    return Label(
        template="collection_label",
        title="Collecte",
        lines=lines,
        barcode=Barcode(d.reference),
        length_mm=40,
    )


TEMPLATES: dict[str, Callable[[Any], Label]] = {
    "device_tag": device_tag,
    "drive_tag": drive_tag,
    "erasure_sticker": erasure_sticker,
    "shop_label": shop_label,
    "kit_label": kit_label,
    "part_label": part_label,
    "location_label": location_label,
    "collection_label": collection_label,
}


def build(template: str, data: Any) -> Label:
    try:
        fn = TEMPLATES[template]
    except KeyError:
        valid = ", ".join(sorted(TEMPLATES))
        raise KeyError(f"unknown label template {template!r}; valid templates: {valid}") from None
    return fn(data)
