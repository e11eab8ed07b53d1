"""The one list of firmware placeholders: values vendors leave instead of real identity.

Every parser reads manufacturer, product/model, serial, SKU and battery fields through
:func:`clean_identity` (``_util.clean_serial`` / ``clean_name`` call it), and the ingest
layer refuses a placeholder serial as a key to match devices or drives. A value is dropped
when it is a known placeholder for its field (or any field), matches a placeholder pattern,
and a placeholder suffix in parentheses is cut from a model ("System Product Name (To be
filled by O.E.M.)" -> "System Product Name" -> dropped; "TM1613 (Sku Number)" -> "TM1613").

Seen in real reports (``../shared/samples/hw2/SOURCES.md``): "System manufacturer", "System
Product Name", "System Version", "To Be Filled By O.E.M.", "Default string", "123456789",
"0123456789", "SN 123456789ABC", "MB-1234567890", "BSN12345678901234567", "Asset-1234567890",
"Chassis Manufacture", RAM "A1_Manufacturer0" / "Array1_PartNumber0" / "A1_SerNum0", battery
"OEM_Define1".."6", "-Virtual Battery 0-", serial "Battery 0", SKU "SKU" / "Sku Number".
"""

from __future__ import annotations

import re

FIELDS = ("manufacturer", "product", "serial", "sku", "battery", "uuid")

# Placeholders for any field.
COMMON = {
    "to be filled by o.e.m.",
    "to be filled by oem",
    "to be filled by o.e.m",
    "filled by o.e.m.",
    "default string",
    "default",
    "not specified",
    "not applicable",
    "not available",
    "not present",
    "none",
    "null",
    "n/a",
    "na",
    "unknown",
    "oem",
    "o.e.m.",
    "oem_define",
    "invalid",
    "empty",
    "<out of spec>",
    "<bad index>",
    "xxxxxxxxxx",
    "0123456789",
    "123456789",
    "1234567890",
    "123456789abc",
    "sn 123456789abc",
}
BY_FIELD = {
    "manufacturer": {
        "system manufacturer",
        "chassis manufacture",
        "chassis manufacturer",
        "manufacturer",
        "manufacturer0",
        "a1_manufacturer0",
        "mfg name",
        "vendor",
    },
    "product": {
        "system product name",
        "system name",
        "system version",
        "product name",
        "type1productconfigid",
        "partnum0",
        "array1_partnumber0",
        "sku number",
    },
    "serial": {
        "system serial number",
        "chassis serial number",
        "base board serial number",
        "serial number",
    },
    "sku": {"sku", "sku number", "asus-notebooksku", "notebooksku", "default sku"},
    "battery": {"-virtual battery 0-", "virtual battery", "sr real battery"},
    "uuid": {"03000200-0400-0500-0006-000700080009"},
}
# Only placeholders as a serial ("1.0" is a fine version, "Battery 0" a fine battery name).
SERIAL_ONLY = {"battery 0", "battery 1", "1.0"}
BY_FIELD["serial"] |= SERIAL_ONLY
_ALL = set().union(COMMON, *BY_FIELD.values()) - SERIAL_ONLY
PATTERNS = (
    re.compile(r"^0+$"),  # all zeros: "0", "00000000"
    re.compile(r"^f+$", re.I),  # erased EEPROM: "FFFFFFFF"
    re.compile(r"^[\s.\-_/*x]*$", re.I),  # only punctuation
    re.compile(r"0123456789"),  # "EeePC-0123456789"
    re.compile(r"123456789(0|abc)?$", re.I),  # "MB-1234567890", "Asset-1234567890"
    re.compile(r"^bsn1234567890"),  # "BSN12345678901234567"
    re.compile(r"^(a\d+_|array\d+_)?(sernum|partnum|partnumber|manufacturer)\d*$", re.I),
    re.compile(r"^oem_define\d*$", re.I),
    re.compile(r"^-?virtual battery \d+-?$", re.I),
    re.compile(r"^(0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$", re.I),
)
# "Model (To be filled by O.E.M.)", "TM1613 (Sku Number)", "X (0000000000)"
_SUFFIX_RE = re.compile(r"\s*\(([^)]*)\)\s*$")


def is_placeholder(value: str | None, field: str | None = None) -> bool:
    """True when ``value`` is a firmware placeholder (for ``field``, or for any field)."""
    if value is None:
        return True
    low = " ".join(value.split()).lower()
    if not low or low in COMMON or low in _ALL:
        return True
    if field is not None and low in BY_FIELD.get(field, ()):
        return True
    return any(rx.search(low) for rx in PATTERNS)


def strip_placeholder_suffix(value: str) -> str:
    """Cut a trailing "(placeholder)" from a name; keep real parentheses ("(EF188EA#ABE)")."""
    m = _SUFFIX_RE.search(value)
    if m and is_placeholder(m.group(1)):
        return value[: m.start()].strip()
    return value


def clean_identity(value: str | None, field: str | None = None) -> str | None:
    """``value`` cleaned of placeholder suffixes, or None when it is itself a placeholder."""
    if value is None:
        return None
    value = " ".join(value.split())
    if field in (None, "product", "manufacturer", "battery"):
        value = strip_placeholder_suffix(value)
    if is_placeholder(value, field):
        return None
    return value
