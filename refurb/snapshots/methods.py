"""One table: erasure tool × method label -> NIST SP 800-88 Rev. 1 category and "writes".

Every path that records erasure evidence (the agent's snapshot, ``POST
/api/snapshots/erasures/``, the erasure bench screen) asks :func:`classify` what a run was.
A run is a **proof** of erasure only when its method *writes* the whole addressable area (or
is a firmware sanitize) with a NIST category, it finished, it was verified, and no hidden area
(HPA/DCO) was left. A method that only reads (nwipe ``verify_zero`` / ``verify_one``, printed
"Verify Zeros (0x00)" / "Verify Ones (0xFF)", ``nvme verify``, ``hdparm --read-sector``) is a
**check**: it is recorded as such, never as an erasure, whatever the tool printed ("Erased").

Tools: ``nwipe`` (and ShredOS, which runs nwipe), ``hdparm``, ``nvme-cli`` (``nvme-format``,
``nvme-sanitize``), ``blkdiscard``, eReuse ``workbench``. A method label is matched
case-insensitively with parentheses and extra spaces removed ("Verify Ones  (0xFF)" ->
"verify ones"). An unknown label is neither a proof nor a check: ``classify`` returns
``None`` and callers treat it as "not a sanitisation" (doubt never reads as proof).

===========  ==============================================  ========  ======  ==========
tool         method labels                                   category  writes  passes
===========  ==============================================  ========  ======  ==========
nwipe        Fill With Zeros / zero                          clear     yes     1
nwipe        Fill With Ones / one                            clear     yes     1
nwipe        DoD Short / dodshort                            clear     yes     3
nwipe        DoD 5220.22-M / dod522022m / dod                clear     yes     7
nwipe        Gutmann Wipe / gutmann                          clear     yes     35
nwipe        PRNG Stream / random / prng                     clear     yes     1
nwipe        RCMP TSSIT OPS-II / ops2                        clear     yes     8
nwipe        HMG IS5 Enhanced / is5enh                       clear     yes     3
nwipe        Bruce Schneier 7-Pass / bruce7                  clear     yes     7
nwipe        BMB21-2019 / bmb                                clear     yes     6
nwipe        Verify Zeros / verify_zero                      —         no      0
nwipe        Verify Ones / verify_one                        —         no      0
hdparm       security-erase                                  clear     yes     1
hdparm       security-erase-enhanced, sanitize-block,        purge     yes     1
             sanitize-crypto, sanitize-overwrite
hdparm       identify, read-sector, security-status, verify  —         no      0
nvme-cli     format-ses1 / ses=1 / user-data-erase,          purge     yes     1
             format-ses2 / ses=2 / crypto-erase,
             sanitize block / crypto / overwrite
nvme-cli     format-ses0 / ses=0 / format                    —         yes     1
nvme-cli     verify, compare, id-ctrl, sanitize-log          —         no      0
blkdiscard   discard (default), secure                       clear if  yes     1
                                                             verified
blkdiscard   zeroout (``-z``)                                clear     yes     1
workbench    EraseBasic, EraseSectors                        clear     yes     steps
workbench    TestDataStorage, StressTest, Benchmark...       —         no      0
===========  ==============================================  ========  ======  ==========

Rationale (NIST SP 800-88 Rev. 1, Appendix A): overwriting the user-addressable area is
*Clear* (it cannot reach remapped or over-provisioned sectors); ATA/NVMe sanitize, enhanced
secure erase and cryptographic erase are *Purge*; a plain NVMe format (ses=0) sanitizes
nothing; TRIM/discard only asks the device to drop blocks, so only a verified read-back makes
it a Clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOOL_FAMILIES = {
    "nwipe": "nwipe",
    "shredos": "nwipe",
    "shredos.x86_64": "nwipe",
    "hdparm": "hdparm",
    "nvme": "nvme-cli",
    "nvme-cli": "nvme-cli",
    "nvme-format": "nvme-cli",
    "nvme-sanitize": "nvme-cli",
    "blkdiscard": "blkdiscard",
    "workbench": "workbench",
    "ereuse": "workbench",
    "ereuse workbench": "workbench",
}


@dataclass(frozen=True)
class MethodInfo:
    tool: str  # tool family ("nwipe", "hdparm", "nvme-cli", "blkdiscard", "workbench")
    key: str  # canonical method key ("dodshort", "verify_one", "security-erase-enhanced")
    category: str | None  # "clear" / "purge" / None (not a sanitisation)
    writes: bool  # False: the method only reads the drive (a check, never an erasure)
    passes: int | None  # overwrite passes per round (None when not fixed)
    needs_verify: bool = False  # category only holds when a read-back verification passed


def _row(tool, key, category, writes, passes, labels=(), needs_verify=False):
    return MethodInfo(tool, key, category, writes, passes, needs_verify), (key, *labels)


_ROWS = [
    _row("nwipe", "zero", "clear", True, 1, ("fill with zeros", "zero fill", "zeros")),
    _row("nwipe", "one", "clear", True, 1, ("fill with ones", "one fill", "ones")),
    _row("nwipe", "dodshort", "clear", True, 3, ("dod short",)),
    _row("nwipe", "dod522022m", "clear", True, 7, ("dod 5220.22-m", "dod 5220.22m", "dod")),
    _row("nwipe", "gutmann", "clear", True, 35, ("gutmann wipe",)),
    _row("nwipe", "random", "clear", True, 1, ("prng stream", "prng")),
    _row("nwipe", "ops2", "clear", True, 8, ("rcmp tssit ops-ii",)),
    _row("nwipe", "is5enh", "clear", True, 3, ("hmg is5 enhanced",)),
    _row("nwipe", "bruce7", "clear", True, 7, ("bruce schneier 7-pass mixed pattern",)),
    _row("nwipe", "bmb", "clear", True, 6, ("bmb21-2019",)),
    _row("nwipe", "verify_zero", None, False, 0, ("verify zeros", "verify zero", "verify_zeros")),
    _row("nwipe", "verify_one", None, False, 0, ("verify ones", "verify one", "verify_ones")),
    _row("hdparm", "security-erase", "clear", True, 1),
    _row("hdparm", "security-erase-enhanced", "purge", True, 1),
    _row("hdparm", "sanitize-block", "purge", True, 1),
    _row("hdparm", "sanitize-crypto", "purge", True, 1),
    _row("hdparm", "sanitize-overwrite", "purge", True, 1),
    _row("hdparm", "identify", None, False, 0, ("read-sector", "security-status", "verify")),
    _row("nvme-cli", "format-ses1", "purge", True, 1, ("ses=1", "user-data-erase")),
    _row("nvme-cli", "format-ses2", "purge", True, 1, ("ses=2", "crypto-erase")),
    _row("nvme-cli", "sanitize-block", "purge", True, 1, ("block",)),
    _row("nvme-cli", "sanitize-crypto", "purge", True, 1, ("crypto",)),
    _row("nvme-cli", "sanitize-overwrite", "purge", True, 1, ("overwrite",)),
    _row("nvme-cli", "format-ses0", None, True, 1, ("ses=0", "format")),
    _row("nvme-cli", "verify", None, False, 0, ("compare", "id-ctrl", "sanitize-log")),
    _row("blkdiscard", "discard", "clear", True, 1, ("", "secure"), needs_verify=True),
    _row("blkdiscard", "zeroout", "clear", True, 1, ("-z", "zero")),
    _row("workbench", "EraseBasic", "clear", True, None, ("erasebasic",)),
    _row("workbench", "EraseSectors", "clear", True, None, ("erasesectors",)),
    _row(
        "workbench",
        "TestDataStorage",
        None,
        False,
        0,
        ("testdatastorage", "stresstest", "benchmarkdatastorage", "smart"),
    ),
]

_INDEX: dict[tuple[str, str], MethodInfo] = {}
for _info, _labels in _ROWS:
    for _label in _labels:
        _INDEX[(_info.tool, _label.lower())] = _info

METHOD_TABLE: tuple[MethodInfo, ...] = tuple(info for info, _ in _ROWS)


def tool_family(tool: str | None) -> str | None:
    """The tool family of a tool name as recorded ("ShredOS" -> "nwipe"), or None."""
    return TOOL_FAMILIES.get(re.sub(r"\s+", " ", (tool or "").strip().lower()))


def normalise_label(label: str | None) -> str:
    """Lower case, parentheses and extra spaces removed: "Verify Ones  (0xFF)" -> "verify ones"."""
    text = re.sub(r"\([^)]*\)", " ", (label or "").lower())
    text = re.sub(r"^(nvme-)?sanitize[ -]", "sanitize-", text.strip())
    return re.sub(r"\s+", " ", text).strip(" :")


def classify(tool: str | None, method: str | None) -> MethodInfo | None:
    """What a run of ``method`` by ``tool`` is (see the module table), or None when unknown.

    ``method`` may be the label a tool printed, a canonical key or a Workbench action with its
    steps ("EraseSectors: StepRandom+StepZero").
    """
    family = tool_family(tool)
    if family is None:
        return None
    label = normalise_label(method)
    if family == "workbench":
        label = label.split(":", 1)[0].strip()
    found = _INDEX.get((family, label))
    if found is None and family == "nvme-cli" and label.startswith("sanitize-"):
        found = _INDEX.get((family, label.removeprefix("sanitize-")))
    return found


def is_read_only(tool: str | None, method: str | None) -> bool:
    """True when the table knows ``method`` of ``tool`` as read-only (a check, not an erasure)."""
    info = classify(tool, method)
    return info is not None and not info.writes


def category_for(tool: str | None, method: str | None, verified: bool) -> str | None:
    """NIST category of a *finished* run, or None when it sanitizes nothing (or is unknown)."""
    info = classify(tool, method)
    if info is None or not info.writes:
        return None
    if info.needs_verify and not verified:
        return None
    return info.category
