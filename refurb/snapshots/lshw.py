"""Parser for ``lshw -json`` output.

lshw prints one object for the whole machine, but a top-level *list* when run with
``-class`` (or, in some old versions, a list that is not even valid JSON). Both the
object and the list form are accepted; invalid JSON raises :class:`MalformedReport`.

Rules:

* System model: lshw writes ``product (sku)``; the ``(sku)`` suffix is removed when it
  equals ``configuration.sku``. For LENOVO the marketing name lives in ``version``
  ("ThinkPad X1 Carbon 5th") and ``product`` is the machine type, so ``version`` wins.
* RAM: sum of ``bank`` sizes under ``System Memory`` nodes; when no bank reports a size
  (soldered LPDDR is often listed as ``[empty]``), the ``System Memory`` node size.
* Disks: nodes of class ``disk`` that have a ``/dev/`` logical name, except optical
  drives and nested ``medium`` nodes. Disks behind a USB bus are flagged ``usb=True``.
* Placeholder serials ("To Be Filled By O.E.M.", "0", all zeros...) become None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._util import (
    as_dict,
    as_list,
    category_hint,
    clean_name,
    clean_serial,
    clean_str,
    maybe_json,
    to_int,
    walk,
)
from .errors import MalformedReport


@dataclass(frozen=True)
class LshwCpu:
    model: str | None
    vendor: str | None
    cores: int | None
    threads: int | None
    max_speed_hz: int | None


@dataclass(frozen=True)
class LshwMemoryBank:
    slot: str | None
    description: str | None
    size_bytes: int | None
    vendor: str | None
    model: str | None
    serial: str | None


@dataclass(frozen=True)
class LshwDisk:
    logical_name: str | None
    model: str | None
    vendor: str | None
    serial: str | None
    size_bytes: int | None
    kind: str  # "HDD", "SSD", "NVMe", "eMMC", "other"
    usb: bool
    description: str | None


@dataclass(frozen=True)
class LshwNetwork:
    logical_name: str | None
    mac: str
    product: str | None
    vendor: str | None
    wireless: bool


@dataclass(frozen=True)
class LshwBattery:
    vendor: str | None
    model: str | None
    serial: str | None
    design_capacity_mwh: int | None


@dataclass(frozen=True)
class LshwReport:
    manufacturer: str | None
    model: str | None
    serial: str | None
    uuid: str | None
    sku: str | None
    chassis: str | None
    category_hint: str | None
    cpus: tuple[LshwCpu, ...]
    ram_bytes: int | None
    memory_banks: tuple[LshwMemoryBank, ...]
    gpus: tuple[str, ...]
    disks: tuple[LshwDisk, ...]
    networks: tuple[LshwNetwork, ...]
    battery: LshwBattery | None
    screen_inches: float | None  # lshw never reports it; kept for a uniform shape


_MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", re.I)
_SSD_RE = re.compile(
    r"\bSSD\b|Solid.?State|^Crucial_CT|^CT\d+(MX|BX)|^SAMSUNG MZ|^LITEON(IT)? (LMT|CV|L8)|"
    r"^SanDisk SD[0-9A-Z]|^KINGSTON SA|^INTEL SSD|^TOSHIBA THNS|^Micron_",
    re.I,
)


def _top(data: Any) -> dict:
    data = maybe_json(data, "lshw")
    if isinstance(data, dict):
        return data
    if isinstance(data, list):
        nodes = [n for n in data if isinstance(n, dict)]
        for node in nodes:
            if node.get("class") == "system":
                return node
        # ``lshw -class ...``: a flat list of matching nodes, no system node.
        return {"children": nodes}
    raise MalformedReport(
        "The lshw report must be the JSON object or list printed by 'lshw -json'.",
        code="lshw_not_an_object",
    )


def _strip_sku(product: str | None, sku: str | None) -> str | None:
    if product and sku and product.endswith(f"({sku})"):
        return product[: -len(sku) - 2].strip() or None
    return product


def _logical_names(node: dict) -> list[str]:
    value = node.get("logicalname")
    if isinstance(value, str):
        return [value]
    return [v for v in as_list(value) if isinstance(v, str)]


def _disk_kind(node: dict, parent_chain: list[dict], name: str | None) -> str:
    product = clean_str(node.get("product")) or ""
    desc = (clean_str(node.get("description")) or "").lower()
    if name and name.startswith("/dev/nvme"):
        return "NVMe"
    if any("nvme" in (clean_str(p.get("description")) or "").lower() for p in parent_chain):
        return "NVMe"
    if name and name.startswith("/dev/mmcblk"):
        return "eMMC"
    caps = as_dict(node.get("capabilities"))
    if "ssd" in caps or _SSD_RE.search(product):
        return "SSD"
    if "rotational" in caps or "ata disk" in desc or "ide disk" in desc:
        # lshw has no rotation info: an ATA disk whose name is not a known SSD is
        # most likely spinning. smartctl overrides this in normalize.
        return "HDD"
    return "other"


def _is_cpu_node(node: dict, ident: str, product: str) -> bool:
    """A real processor: lshw's ``cpu`` / ``cpu:N`` node, enabled, not a co-processor."""
    if node.get("disabled") is True:
        return False
    if re.search(r"co-?processor", product, re.I):
        return False
    return ident == "cpu" or ident.startswith("cpu:") or not ident


def _holds_banks(node: dict, desc: str) -> bool:
    """A memory array: "System Memory", or any memory node whose children are DIMM banks."""
    if desc.lower() == "system memory":
        return True
    ident = str(node.get("id", ""))
    if ident.startswith(("cache", "firmware", "bank")) or re.search(r"flash|rom\b", desc, re.I):
        return False  # caches, the BIOS and its flash chip are not RAM
    return any(
        isinstance(c, dict) and str(c.get("id", "")).startswith("bank")
        for c in as_list(node.get("children"))
    )


def _walk_with_parents(node: dict, parents: list[dict]):
    yield node, parents
    for child in as_list(node.get("children")):
        if isinstance(child, dict):
            yield from _walk_with_parents(child, parents + [node])


def _is_optical(node: dict) -> bool:
    ident = (clean_str(node.get("id")) or "").lower()
    desc = (clean_str(node.get("description")) or "").lower()
    caps = as_dict(node.get("capabilities"))
    return (
        ident.startswith("cdrom")
        or any(w in desc for w in ("dvd", "cd-rom", "cdrom", "blu-ray", "cd-r"))
        or "dvd" in caps
        or "cd-r" in caps
    )


def parse_lshw(data: Any) -> LshwReport:
    """Parse ``lshw -json`` output (str, bytes, dict or list) into an :class:`LshwReport`."""
    top = _top(data)
    conf = as_dict(top.get("configuration"))
    sku = clean_name(conf.get("sku"))
    manufacturer = clean_name(top.get("vendor"))
    model = clean_name(_strip_sku(clean_str(top.get("product")), sku))
    version = clean_name(top.get("version"))
    if manufacturer and manufacturer.upper() == "LENOVO" and version and "think" in version.lower():
        model = version
    chassis = clean_str(conf.get("chassis"))
    uuid = clean_serial(conf.get("uuid"))

    cpus: list[LshwCpu] = []
    banks: list[LshwMemoryBank] = []
    memory_node_bytes = 0
    gpus: list[str] = []
    disks: list[LshwDisk] = []
    networks: list[LshwNetwork] = []
    battery: LshwBattery | None = None
    seen_disks: set[str] = set()

    for node, parents in _walk_with_parents(top, []):
        cls = node.get("class")
        ident = clean_str(node.get("id")) or ""
        desc = clean_str(node.get("description")) or ""
        if cls == "processor" and not ident.startswith("logicalcpu"):
            product = clean_str(node.get("product"))
            if product is None or not _is_cpu_node(node, ident, product):
                continue  # empty sockets, co-processors (NVIDIA "MCP79 Co-processor")
            pconf = as_dict(node.get("configuration"))
            cpus.append(
                LshwCpu(
                    model=product,
                    vendor=clean_str(node.get("vendor")),
                    cores=to_int(pconf.get("cores")),
                    threads=to_int(pconf.get("threads")),
                    max_speed_hz=to_int(node.get("capacity")) or to_int(node.get("size")),
                )
            )
        elif cls == "memory" and _holds_banks(node, desc):
            # RAM is every bank of every memory array: a DIMM may sit under "memory:0" with
            # no "System Memory" description (Workbench 11 desktop sample).
            if desc.lower() == "system memory":
                memory_node_bytes += to_int(node.get("size")) or 0
            for bank in as_list(node.get("children")):
                if not isinstance(bank, dict) or not str(bank.get("id", "")).startswith("bank"):
                    continue
                bdesc = clean_str(bank.get("description"))
                if re.search(r"flash|non-volatile", bdesc or "", re.I):
                    continue
                size = to_int(bank.get("size"))
                banks.append(
                    LshwMemoryBank(
                        slot=clean_str(bank.get("slot")),
                        description=bdesc,
                        size_bytes=size if size and size > 0 else None,
                        vendor=clean_name(bank.get("vendor")),
                        model=clean_name(bank.get("product")),
                        serial=clean_serial(bank.get("serial")),
                    )
                )
        elif cls == "display":
            name = clean_str(node.get("product"))
            vendor = clean_str(node.get("vendor"))
            if name and (desc.lower().startswith("vga") or desc.lower().startswith("3d")):
                label = name if not vendor or name.startswith(vendor) else f"{vendor} {name}"
                if name == vendor:
                    label = name
                gpus.append(label)
        elif cls == "disk":
            names = [n for n in _logical_names(node) if n.startswith("/dev/")]
            if not names or ident == "medium" or _is_optical(node):
                continue
            name = names[0]
            if name in seen_disks:
                continue
            seen_disks.add(name)
            chain = parents
            usb = any(str(p.get("businfo", "")).startswith("usb@") for p in chain + [node])
            # An NVMe namespace ("NVMe disk") carries no model/serial: its controller does.
            holder = node
            if ident.startswith("namespace") and parents and node.get("product") is None:
                holder = parents[-1]
            disks.append(
                LshwDisk(
                    logical_name=name,
                    model=clean_name(holder.get("product")),
                    vendor=clean_name(holder.get("vendor")),
                    serial=clean_serial(holder.get("serial")),
                    size_bytes=to_int(node.get("size")),
                    kind=_disk_kind(node, chain, name),
                    usb=usb,
                    description=desc or None,
                )
            )
        elif cls == "network":
            mac = clean_str(node.get("serial"))
            if mac and _MAC_RE.match(mac):
                names = _logical_names(node)
                wireless = "wireless" in desc.lower() or "wireless" in as_dict(
                    node.get("capabilities")
                )
                networks.append(
                    LshwNetwork(
                        logical_name=names[0] if names else None,
                        mac=mac.lower(),
                        product=clean_str(node.get("product")),
                        vendor=clean_str(node.get("vendor")),
                        wireless=wireless,
                    )
                )
        elif cls == "power" and battery is None:
            unit = clean_str(node.get("units"))
            capacity = to_int(node.get("capacity"))
            vendor = clean_name(node.get("vendor"))
            product = clean_name(node.get("product"))
            if not ident.startswith("battery") or (vendor is None and product is None):
                # lshw's "power" nodes are DMI power supplies (a desktop's ATX PSU) or
                # placeholders ("To Be Filled By O.E.M.", "OEM_Define1", 65 mWh): only a
                # node lshw names "battery" is battery evidence.
                continue
            battery = LshwBattery(
                vendor=vendor,
                model=product,
                serial=clean_serial(node.get("serial")),
                design_capacity_mwh=capacity if unit == "mWh" else None,
            )

    bank_total = sum(b.size_bytes or 0 for b in banks)
    ram = bank_total or memory_node_bytes or None
    return LshwReport(
        manufacturer=manufacturer,
        model=model,
        serial=clean_serial(top.get("serial")),
        uuid=uuid,
        sku=sku,
        chassis=chassis,
        category_hint=category_hint(chassis),
        cpus=tuple(cpus),
        ram_bytes=ram,
        memory_banks=tuple(banks),
        gpus=tuple(dict.fromkeys(gpus)),
        disks=tuple(disks),
        networks=tuple(networks),
        battery=battery,
        screen_inches=None,
    )


__all__ = [
    "LshwBattery",
    "LshwCpu",
    "LshwDisk",
    "LshwMemoryBank",
    "LshwNetwork",
    "LshwReport",
    "parse_lshw",
    "walk",
]
