"""Build bench-agent payloads from the real tool outputs, read in place in ../shared/samples/."""

from __future__ import annotations

import json

from tests.refurb.parsers.samples import ereuse_json, hw_json, hw_path, hw_text


def agent_payload(
    *,
    lshw: str | None = None,
    dmidecode: str | None = None,
    smartctl: tuple[str, ...] = (),
    battery: tuple[str, ...] = (),
    nwipe: str | None = None,
    erasures: list | None = None,
    asset_tag: str | None = None,
    utc_offset: str = "+01:00",
) -> dict:
    """Return the document the agent would send for these fixture files."""
    reports = {
        "lshw": hw_json(lshw) if lshw else None,
        "dmidecode": hw_text(dmidecode) if dmidecode else None,
        "smartctl": [hw_json(name) for name in smartctl],
        "battery_uevent": [hw_text(name) for name in battery],
        "nwipe_log": hw_text(nwipe) if nwipe else None,
    }
    if erasures is not None:
        reports["erasures"] = erasures
    return {
        "format": "atelier-agent",
        "version": 1,
        "asset_tag": asset_tag,
        "collected_at": "2026-11-22T10:00:00+01:00",
        "host": {"hostname": "live", "utc_offset": utc_offset, "agent_version": "1.0"},
        "reports": reports,
        "errors": [],
    }


THINKPAD = {
    "lshw": "lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json",
    "dmidecode": "dmidecode_lenovo_thinkpad_x1_carbon_5th.txt",
    "smartctl": ("smartctl_nvme_samsung_mzvlw1t0hmlh_thinkpad_reserialized.json",),
    "battery": ("battery_sysfs_uevent_asus_e200ha.txt",),
}


def body(payload: dict) -> bytes:
    return json.dumps(payload).encode()


__all__ = ["THINKPAD", "agent_payload", "body", "ereuse_json", "hw_path"]


def retarget_nwipe(text: str, device: str = "/dev/nvme0n1") -> str:
    """Point an nwipe sample log (run on loop devices) at another device, keeping its tables."""
    name = device.rsplit("/", 1)[-1]
    for loop in ("loop0", "loop1", "loop2"):
        text = text.replace(f"/dev/{loop}", device)
        text = text.replace(f"{loop:>{len(name)}} |", f"{name} |")
    return text
