"""What may happen to a part: one rule for fitting, selling and shipping it to recycling.

``part_refusal(part, purpose=)`` answers why a part may not be fitted (``fit``), sold
(``sell``) or recycled (``recycle``), or None. The screens show it before anyone tries and the
services raise it, so the screen never offers what the service refuses. A part drive needs a
proof of erasure or a destruction of its ``refurb.Drive`` (the data invariant of devices,
applied to parts): without one it can only be erased or destroyed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.models import Part
from refurb.specs import STORAGE_NAMES, format_capacity, spec_number
from workshop.exceptions import DomainError

FIT, SELL, RECYCLE = "fit", "sell", "recycle"
PURPOSES = frozenset({FIT, SELL, RECYCLE})

# Which keys of the origin device's ``specs`` a part of each category takes at harvest, and
# under which name (``Device.specs`` keys of the snapshot parsers, ``refurb.ingest.specs``).
SPECS_FROM_DEVICE: dict[str, dict[str, str]] = {
    Part.Category.MEMORY: {"ram_gb": "size_gb", "ram_speed_mhz": "speed_mhz", "ram_kind": "kind"},
    Part.Category.BATTERY: {
        "battery_health_pct": "health_pct",
        "battery_design_wh": "design_wh",
        "battery_full_wh": "full_wh",
    },
    Part.Category.SCREEN: {"screen_inches": "inches"},
}

# What fitting a part changes in the device's specs: part spec key -> device spec key.
SPECS_TO_DEVICE: dict[str, dict[str, str]] = {
    Part.Category.MEMORY: {"size_gb": "ram_gb"},
    Part.Category.BATTERY: {
        "health_pct": "battery_health_pct",
        "design_wh": "battery_design_wh",
        "full_wh": "battery_full_wh",
    },
    Part.Category.SCREEN: {"inches": "screen_inches"},
    Part.Category.DRIVE: {"capacity_gb": "storage_gb", "kind": "storage_kind"},
}


def category_name(code: str) -> str:
    try:
        return str(Part.Category(code).label)
    except ValueError:
        return str(code)


def part_data_safe(part: Part) -> bool:
    """True unless ``part`` is a drive without a proof of erasure or a destruction."""
    if part.category != Part.Category.DRIVE:
        return True
    return part.drive is not None and part.drive.is_safe


def part_refusal(part: Part, *, purpose: str) -> DomainError | None:
    """Return why ``part`` may not be fitted, sold or recycled (``purpose``), or None."""
    assert purpose in PURPOSES, purpose
    tag = part.tag
    if part.status != Part.Status.IN_STOCK:
        if part.status == Part.Status.FITTED and part.fitted_in_id:
            message = _("Part %(tag)s is already fitted in %(device)s: scan another part.") % {
                "tag": tag,
                "device": part.fitted_in.asset_tag,
            }
        else:
            message = _("Part %(tag)s is no longer in stock (it is “%(status)s”).") % {
                "tag": tag,
                "status": part.get_status_display(),
            }
        return DomainError("part_not_in_stock", message, fields={"part": [tag]}, status=409)
    if not part_data_safe(part):
        return DomainError(
            "part_drive_unsafe",
            _(
                "Part %(tag)s is a drive with no proof of erasure: erase it with verification "
                "or destroy it. Until then it is never fitted, sold or shipped."
            )
            % {"tag": tag},
            fields={"part": [tag]},
            status=409,
        )
    if purpose in (FIT, SELL) and part.test_status == Part.TestStatus.FAILED:
        return DomainError(
            "part_faulty",
            _("Part %(tag)s was tested faulty: it can only be recycled.") % {"tag": tag},
            fields={"part": [tag]},
            status=409,
        )
    if purpose == SELL and part.price is None:
        return DomainError(
            "part_no_price",
            _("Part %(tag)s has no counter price: give it one on its card first.") % {"tag": tag},
            fields={"part": [tag]},
            status=409,
        )
    return None


def part_specs_text(part) -> str:
    """The specs a part's label prints, in French: "8 Go · 2666 MHz", "SSD 256 Go"…"""
    specs = part.specs if isinstance(part.specs, dict) else {}
    bits = []
    if spec_number(specs.get("size_gb")):
        bits.append(format_capacity(spec_number(specs["size_gb"])))
    if spec_number(specs.get("speed_mhz")):
        bits.append(f"{spec_number(specs['speed_mhz'])}\u00a0MHz")
    if specs.get("kind") and part.category == "drive":
        bits.append(STORAGE_NAMES.get(str(specs["kind"]), str(specs["kind"]).upper()))
    if spec_number(specs.get("capacity_gb")):
        bits.append(format_capacity(spec_number(specs["capacity_gb"])))
    if spec_number(specs.get("health_pct")) is not None:
        bits.append(f"Santé {spec_number(specs['health_pct'])}\u00a0%")
    if spec_number(specs.get("inches")):
        bits.append(f"{str(spec_number(specs['inches'])).replace('.', ',')}\u00a0pouces")
    if spec_number(specs.get("watts")):
        bits.append(f"{spec_number(specs['watts'])}\u00a0W")
    if part.description:
        bits.append(part.description)
    return " · ".join(bit for bit in bits if bit)
