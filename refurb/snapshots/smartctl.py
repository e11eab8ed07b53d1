"""Parser for ``smartctl --json -a`` (or ``-x``) output of one disk, and ``--scan``.

Accepts json_format_version 0.1 (smartctl 6.x) and 1.0 (smartctl 7.x): the fields we
read have the same names; ``user_capacity`` may be a plain number in old outputs.

Outputs without identity data (open failed, permission denied, "Unable to detect device
type", a ``--scan`` without devices) are *not* errors: :func:`parse_smartctl` returns a
:class:`SmartctlNotADisk` carrying smartctl's own messages. Only input that is not a
smartctl JSON document at all raises :class:`ReportError`.

Exit status bits (smartctl(8), "RETURN VALUES"):

====  ========================================================================
bit   meaning
====  ========================================================================
0     command line did not parse
1     device open failed (or device did not return an IDENTIFY DEVICE structure)
2     some SMART or other ATA command to the disk failed
3     SMART status check returned "DISK FAILING"
4     prefail attributes <= threshold
5     SMART status OK, but some usage/prefail attributes were <= threshold in the past
6     the device error log contains records of errors
7     the device self-test log contains records of errors
====  ========================================================================

``failing`` rule (documented, conservative for a refurbisher: a drive we sell must not
lose the buyer's data): a drive is failing when ANY of

* SMART overall health ``smart_status.passed`` is false;
* exit status bit 3 (disk failing) or bit 4 (prefail attribute at/below threshold);
* reallocated sectors (ATA attribute 5, SCSI grown defect list) > 0;
* pending sectors (ATA 197) > 0 or offline uncorrectable (ATA 198) > 0;
* NVMe ``media_errors`` > 0 or NVMe ``critical_warning`` != 0;
* errors the drive reported as uncorrectable (ATA 187 ``Reported_Uncorrect``, named
  ``Uncorrectable_Error_Cnt`` on Samsung) > 0: data was lost, even when SMART says "passed".

Drives behind a RAID controller (``-d megaraid,N``) all report the controller's device name
(``/dev/sda``, ``/dev/bus/0``): ``controller`` and ``port`` ("megaraid,0") tell them apart.
SAS/SCSI identity is read from ``scsi_vendor`` / ``scsi_product`` (:func:`scsi_model`). A
RAID *volume* (Dell PERC or BOSS VD, Intel RST "Volume1") is flagged ``raid_volume``: it is
not a physical disk and is never an erasure target.

Bits 5-7 (past threshold crossings, error-log and self-test-log entries) and CRC errors
(ATA 199, a cabling symptom) are reported in ``exit_status`` but do not by themselves
make a drive failing. ``failing_reasons`` lists which rule(s) fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._util import as_dict, as_list, clean_name, clean_serial, clean_str, leading_int, maybe_json
from ._util import to_int as _to_int
from .errors import MalformedReport

EXIT_BITS = (
    "command_line_error",
    "device_open_failed",
    "command_failed",
    "disk_failing",
    "prefail_below_threshold",
    "attributes_below_threshold_in_past",
    "error_log_has_errors",
    "self_test_log_has_errors",
)

_HDD_FAMILY_RE = re.compile(
    r"Scorpio|Caviar|Barracuda|Momentus|SpinPoint|Travelstar|Deskstar|Ultrastar|Constellation|"
    r"IronWolf|SkyHawk|Red|Blue|Green|Black|Purple|Mobile HDD|\bHDD\b",
    re.I,
)


@dataclass(frozen=True)
class SmartctlExitStatus:
    raw: int
    command_line_error: bool
    device_open_failed: bool
    command_failed: bool
    disk_failing: bool
    prefail_below_threshold: bool
    attributes_below_threshold_in_past: bool
    error_log_has_errors: bool
    self_test_log_has_errors: bool

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(name for name in EXIT_BITS if getattr(self, name))


def decode_exit_status(value: int) -> SmartctlExitStatus:
    """Decode the smartctl exit status bit mask (see module docstring)."""
    value = int(value) & 0xFF
    bits = {name: bool(value & (1 << i)) for i, name in enumerate(EXIT_BITS)}
    return SmartctlExitStatus(raw=value, **bits)


@dataclass(frozen=True)
class SmartctlMessage:
    severity: str
    text: str


@dataclass(frozen=True)
class SmartctlReport:
    device_name: str | None
    device_type: str | None
    protocol: str | None
    model: str | None
    serial: str | None
    firmware: str | None
    kind: str  # "HDD", "SSD", "NVMe", "other"
    capacity_bytes: int | None
    rotation_rate: int | None
    power_on_hours: int | None
    reallocated_sectors: int | None
    pending_sectors: int | None
    offline_uncorrectable: int | None
    crc_errors: int | None
    media_errors: int | None
    critical_warning: int | None
    smart_passed: bool | None
    exit_status: SmartctlExitStatus
    failing: bool
    failing_reasons: tuple[str, ...]
    smartctl_version: str | None
    messages: tuple[SmartctlMessage, ...]
    is_disk_report: bool = True
    controller: str | None = None  # "megaraid" for ``-d megaraid,N`` / ``sat+megaraid,N``
    port: str | None = None  # "megaraid,0": the disk's place behind the controller
    raid_volume: bool = False  # a logical volume (PERC, BOSS VD, RST Volume1), not a disk
    reported_uncorrect: int | None = None  # ATA 187 Reported_Uncorrect / Uncorrectable_Error_Cnt


@dataclass(frozen=True)
class SmartctlNotADisk:
    """smartctl ran but produced no disk data (open failed, unknown type, no devices...)."""

    device_name: str | None
    reason: str  # "permission_denied", "open_failed", "unknown_device_type", "no_devices", ...
    exit_status: SmartctlExitStatus
    messages: tuple[SmartctlMessage, ...]
    smartctl_version: str | None
    is_disk_report: bool = False

    @property
    def summary(self) -> str:
        text = "; ".join(m.text for m in self.messages) or "no disk data in the report"
        if self.device_name and text.startswith(self.device_name):
            return text
        return f"{self.device_name or 'smartctl'}: {text}"


@dataclass(frozen=True)
class SmartctlScanDevice:
    name: str
    type: str | None
    protocol: str | None
    info_name: str | None


def _doc(data: Any) -> dict:
    data = maybe_json(data, "smartctl")
    if not isinstance(data, dict) or not isinstance(data.get("smartctl"), dict):
        raise MalformedReport(
            "This is not smartctl JSON output: the 'smartctl' section is missing. "
            "Run 'smartctl --json -a /dev/DISK' and send its output.",
            code="smartctl_not_json_report",
        )
    return data


def _messages(meta: dict) -> tuple[SmartctlMessage, ...]:
    out = []
    for m in as_list(meta.get("messages")):
        m = as_dict(m)
        text = clean_str(m.get("string"))
        if text:
            out.append(SmartctlMessage(severity=clean_str(m.get("severity")) or "", text=text))
    return tuple(out)


def _version(meta: dict) -> str | None:
    parts = [str(p) for p in as_list(meta.get("version")) if isinstance(p, int)]
    return ".".join(parts) or None


def _exit(meta: dict) -> SmartctlExitStatus:
    return decode_exit_status(_to_int(meta.get("exit_status")) or 0)


def _reason(
    messages: tuple[SmartctlMessage, ...], exit_status: SmartctlExitStatus, argv: list[str]
) -> str:
    if any(a.startswith("--scan") for a in argv):
        return "no_devices"  # a --scan document is a device list, never a disk report
    text = " ".join(m.text for m in messages).lower()
    if "permission denied" in text:
        return "permission_denied"
    if "unable to detect device type" in text or "unknown device type" in text:
        return "unknown_device_type"
    if exit_status.device_open_failed or "open" in text and "failed" in text:
        return "open_failed"
    if exit_status.command_line_error:
        return "command_line_error"
    return "no_disk_data"


def _attributes(doc: dict) -> dict[int, dict]:
    table = as_list(as_dict(doc.get("ata_smart_attributes")).get("table"))
    out: dict[int, dict] = {}
    for row in table:
        row = as_dict(row)
        ident = _to_int(row.get("id"))
        if ident is not None:
            out[ident] = row
    return out


def _raw(attrs: dict[int, dict], ident: int) -> int | None:
    row = attrs.get(ident)
    if row is None:
        return None
    raw = as_dict(row.get("raw"))
    # raw.string is what smartctl prints ("1335h+35m+19.580s"); raw.value may pack
    # several counters into 48 bits, so the leading integer of the string wins.
    value = leading_int(raw.get("string"))
    return value if value is not None else _to_int(raw.get("value"))


def _capacity(doc: dict) -> int | None:
    cap = doc.get("user_capacity")
    if isinstance(cap, dict):
        value = _to_int(cap.get("bytes"))
    else:
        value = _to_int(cap)
    if value:
        return value
    total = _to_int(doc.get("nvme_total_capacity"))
    if total:
        return total
    sizes = [
        _to_int(as_dict(as_dict(ns).get("size")).get("bytes"))
        for ns in as_list(doc.get("nvme_namespaces"))
    ]
    sizes = [s for s in sizes if s]
    return sum(sizes) if sizes else None


def _kind(doc: dict, device: dict, model: str | None) -> str:
    protocol = (clean_str(device.get("protocol")) or "").lower()
    dtype = (clean_str(device.get("type")) or "").lower()
    if protocol == "nvme" or dtype.startswith("nvme") or "nvme_smart_health_information_log" in doc:
        return "NVMe"
    rotation = doc.get("rotation_rate")
    if isinstance(rotation, int) and not isinstance(rotation, bool):
        return "SSD" if rotation == 0 else "HDD"
    names = " ".join(filter(None, [model, clean_str(doc.get("model_family"))]))
    if re.search(r"\bSSD\b|Solid.?State", names, re.I):
        return "SSD"
    if _HDD_FAMILY_RE.search(names):
        return "HDD"  # no rotation_rate (USB bridges), but a known spinning family
    return "other"


_CAPACITY_TOKEN_RE = re.compile(r"\s*\b\d+(\.\d+)?\s*[GT]B?\b", re.I)
_PORT_RE = re.compile(r"(?:^|\+)(megaraid|cciss|aacraid|areca|3ware|hpt|sssraid),\s*(\d+)", re.I)
_RAID_VOLUME_RE = re.compile(
    r"\bPERC\b|MegaRAID|BOSS\s*VD|\bLOGICAL VOLUME\b|Virtual Disk|\bVolume\d*$|"
    r"RAID\s*\d|Smart Array|ServeRAID|\bVD$",
    re.I,
)


def scsi_model(doc: dict) -> str | None:
    """A SAS/SCSI drive's model from ``scsi_vendor`` + ``scsi_product`` (smartctl 7.3+).

    The SCSI vendor field is 8 characters: a model longer than that spills into the product
    ("MG08ACP1" + "6TE           SM" -> "MG08ACP16TE SM"); a capacity sitting in the vendor
    field is dropped ("HP 73.4G" + "MAS3735NC" -> "HP MAS3735NC").
    """
    raw_vendor = doc.get("scsi_vendor") if isinstance(doc.get("scsi_vendor"), str) else ""
    raw_product = doc.get("scsi_product") if isinstance(doc.get("scsi_product"), str) else ""
    vendor = _CAPACITY_TOKEN_RE.sub("", raw_vendor).strip()
    product = " ".join(raw_product.split())
    if not vendor and not product:
        return clean_name(doc.get("scsi_model_name"))
    spills = len(raw_vendor) == 8 and " " not in raw_vendor and re.search(r"\d", raw_vendor)
    joined = vendor + product if spills else " ".join(filter(None, [vendor, product]))
    return clean_name(joined)


def is_raid_volume(model: str | None, serial: str | None, doc: dict) -> bool:
    """A RAID controller's logical volume (Dell PERC/BOSS, Intel RST "Volume1", HP LOGICAL
    VOLUME): it has an identity but is not a physical disk, and cannot be erased as one."""
    names = " ".join(filter(None, [model, clean_str(doc.get("scsi_model_name"))]))
    if _RAID_VOLUME_RE.search(names):
        return True
    return bool(serial and re.fullmatch(r"Volume\d+", serial, re.I))


def parse_smartctl(data: Any) -> SmartctlReport | SmartctlNotADisk:
    """Parse one ``smartctl --json`` document (str, bytes or dict)."""
    doc = _doc(data)
    meta = doc["smartctl"]
    messages = _messages(meta)
    exit_status = _exit(meta)
    device = as_dict(doc.get("device"))
    device_name = clean_str(device.get("name"))
    argv = [a for a in as_list(meta.get("argv")) if isinstance(a, str)]
    if device_name is None:
        device_name = next((a for a in reversed(argv) if a.startswith("/dev/")), None)

    model = (
        (scsi_model(doc) if doc.get("scsi_vendor") or doc.get("scsi_product") else None)
        or clean_name(doc.get("model_name"))
        or clean_name(
            " ".join(filter(None, [clean_str(doc.get("vendor")), clean_str(doc.get("product"))]))
        )
    )
    serial = clean_serial(doc.get("serial_number"))
    if model is None and serial is None:
        return SmartctlNotADisk(
            device_name=device_name,
            reason=_reason(messages, exit_status, argv),
            exit_status=exit_status,
            messages=messages,
            smartctl_version=_version(meta),
        )

    attrs = _attributes(doc)
    nvme_log = as_dict(doc.get("nvme_smart_health_information_log"))
    power_on_hours = _to_int(as_dict(doc.get("power_on_time")).get("hours"))
    if power_on_hours is None:
        power_on_hours = _raw(attrs, 9)
    if power_on_hours is None:
        power_on_hours = _to_int(nvme_log.get("power_on_hours"))
    reallocated = _raw(attrs, 5)
    if reallocated is None and "scsi_grown_defect_list" in doc:
        reallocated = _to_int(doc.get("scsi_grown_defect_list"))
    pending = _raw(attrs, 197)
    offline = _raw(attrs, 198)
    media_errors = _to_int(nvme_log.get("media_errors"))
    critical_warning = _to_int(nvme_log.get("critical_warning"))
    status = as_dict(doc.get("smart_status"))
    passed = status.get("passed") if isinstance(status.get("passed"), bool) else None

    reasons = []
    if passed is False:
        reasons.append("smart_overall_failed")
    if exit_status.disk_failing:
        reasons.append("exit_status_disk_failing")
    if exit_status.prefail_below_threshold:
        reasons.append("exit_status_prefail_below_threshold")
    for name, value in (
        ("reallocated_sectors", reallocated),
        ("pending_sectors", pending),
        ("offline_uncorrectable", offline),
        ("nvme_media_errors", media_errors),
        ("nvme_critical_warning", critical_warning),
        ("reported_uncorrect", _raw(attrs, 187)),
    ):
        if value:
            reasons.append(name)

    rotation = doc.get("rotation_rate")
    dtype = clean_str(device.get("type")) or ""
    pm = _PORT_RE.search(dtype)
    uncorrect = _raw(attrs, 187)
    return SmartctlReport(
        device_name=device_name,
        device_type=clean_str(device.get("type")),
        protocol=clean_str(device.get("protocol")),
        model=model,
        serial=serial,
        firmware=clean_str(doc.get("firmware_version")) or clean_str(doc.get("revision")),
        kind=_kind(doc, device, model),
        capacity_bytes=_capacity(doc),
        rotation_rate=rotation if isinstance(rotation, int) and rotation is not True else None,
        power_on_hours=power_on_hours,
        reallocated_sectors=reallocated,
        pending_sectors=pending,
        offline_uncorrectable=offline,
        crc_errors=_raw(attrs, 199),
        media_errors=media_errors,
        critical_warning=critical_warning,
        smart_passed=passed,
        exit_status=exit_status,
        failing=bool(reasons),
        failing_reasons=tuple(reasons),
        smartctl_version=_version(meta),
        messages=messages,
        controller=pm.group(1).lower() if pm else None,
        port=f"{pm.group(1).lower()},{pm.group(2)}" if pm else None,
        raid_volume=is_raid_volume(model, serial, doc),
        reported_uncorrect=uncorrect,
    )


def parse_smartctl_scan(data: Any) -> tuple[SmartctlScanDevice, ...]:
    """Parse ``smartctl --scan[-open] --json``; no ``devices`` key means no devices."""
    doc = _doc(data)
    out = []
    for dev in as_list(doc.get("devices")):
        dev = as_dict(dev)
        name = clean_str(dev.get("name"))
        if name:
            out.append(
                SmartctlScanDevice(
                    name=name,
                    type=clean_str(dev.get("type")),
                    protocol=clean_str(dev.get("protocol")),
                    info_name=clean_str(dev.get("info_name")),
                )
            )
    return tuple(out)
