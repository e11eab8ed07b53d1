"""Generated bench reports as the offline agent leaves them on its stick (no real sample).

Each snapshot is the repository's own synthetic Workbench 11 laptop
(``tests/fixtures/synthetic/workbench11_laptop.json``) with its serials renumbered, so that
every file is another machine; erasure files are the documents ``POST
/api/snapshots/erasures/`` takes, for one device."""

from __future__ import annotations

import json
from pathlib import Path

SYNTHETIC = (
    Path(__file__).resolve().parents[1] / "fixtures" / "synthetic" / "workbench11_laptop.json"
)


def laptop_snapshot(n: int) -> bytes:
    """The synthetic laptop as machine ``n``: its own system, RAM and SSD serials."""
    text = SYNTHETIC.read_text(encoding="utf-8")
    text = text.replace("SYN14000042", f"SYN14{n:06d}").replace("SYNSSD000042", ssd_serial(n))
    data = json.loads(text)
    data["uuid"] = f"00000000-5e57-4c1d-8000-{n:012d}"
    return json.dumps(data, indent=1).encode()


def ssd_serial(n: int) -> str:
    return f"SYNSSD{n:06d}"


def erasure_file(asset_tag: str, serial: str) -> bytes:
    return json.dumps(
        {
            "asset_tag": asset_tag,
            "utc_offset": "+01:00",
            "records": [
                {
                    "tool": "nvme-sanitize",
                    "action": "crypto",
                    "exit_code": 0,
                    "verified": True,
                    "serial": serial,
                }
            ],
        }
    ).encode()
