"""Measure snapshot ingestion: ``python -m bench.snapshots [N]`` or ``ingest_many(n)``.

Each snapshot is the bench agent's report of the ThinkPad X1 Carbon samples (lshw, dmidecode,
smartctl, battery, read in place from ``../shared/samples/hw/``) with its system and drive
serials made unique, so every one registers a new device with one drive. ``ingest_many``
times ``snapshot_ingest`` (parse + one transaction) and, unless ``client=False``, the same
through ``POST /api/snapshots/`` with Django's test client. It needs a migrated database:
run from ``make bench`` or the ``__main__`` below, which uses a throw-away SQLite file.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from refurb.ingest import snapshot_ingest
from workshop.models import Site, WorkerProfile
from workshop.roles import BENCH_WORKER

# The real reports are read in place from the shared corpus beside the repository.
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "hw"
SYSTEM_SERIAL = "PF0QMY5N"
DRIVE_SERIAL = "S35ANX0J401001"


def _template() -> str:
    def text(name):
        path = SAMPLES / name
        if not path.is_file():
            raise RuntimeError(
                f"The snapshot benchmark reads the real report {path}: ../shared/samples/ "
                "must sit beside the repository."
            )
        return path.read_text(encoding="utf-8")

    payload = {
        "format": "atelier-agent",
        "version": 1,
        "asset_tag": None,
        "collected_at": "2026-11-22T10:00:00+01:00",
        "host": {"hostname": "bench", "utc_offset": "+01:00", "agent_version": "1.0"},
        "reports": {
            "lshw": json.loads(text("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json")),
            "dmidecode": text("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt"),
            "smartctl": [
                json.loads(text("smartctl_nvme_samsung_mzvlw1t0hmlh_thinkpad_reserialized.json"))
            ],
            "battery_uevent": [text("battery_sysfs_uevent_asus_e200ha.txt")],
            "nwipe_log": None,
        },
        "errors": [],
    }
    return json.dumps(payload)


def snapshot_payload(unique: str, template: str | None = None) -> bytes:
    """Return the bench agent's X1 Carbon report with system and drive serials made ``unique``."""
    text = template or _template()
    return text.replace(SYSTEM_SERIAL, f"SY{unique}").replace(DRIVE_SERIAL, f"DR{unique}").encode()


def _stats(seconds: list[float], cpu: float) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "cpu_ms_per_snapshot": round(cpu * 1000 / max(1, len(ms)), 2),
        "count": len(ms),
        "total_s": round(sum(ms) / 1000, 3),
        "mean_ms": round(statistics.fmean(ms), 2),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1 if len(ms) > 1 else 0], 2),
        "max_ms": round(ms[-1], 2),
    }


def ingest_many(n: int = 1000, *, client: bool = True, prefix: str = "BN") -> dict:
    """Ingest ``n`` distinct snapshots through the service (and the endpoint); return timings."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from rest_framework.authtoken.models import Token

    site, _ = Site.objects.get_or_create(code="ZB", defaults={"name": "Bench site"})
    user, _ = get_user_model().objects.get_or_create(username="snapshot-bench")
    user.groups.add(Group.objects.get(name=BENCH_WORKER))
    # A person acts at their own site only (workshop/access.py).
    WorkerProfile.objects.update_or_create(user=user, defaults={"site": site})
    token, _ = Token.objects.get_or_create(user=user)
    template = _template()
    stamp = f"{prefix}{int(time.time()) % 100000:05d}"

    def payload(kind: str, i: int) -> bytes:
        return snapshot_payload(f"{stamp}{kind}{i:06d}", template)

    results: dict = {"n": n}
    seconds = []
    cpu = time.process_time()
    for i in range(n):
        raw = payload("S", i)
        start = time.perf_counter()
        snapshot_ingest(payload=json.loads(raw), raw=raw, workstation=None, actor=user, site=site)
        seconds.append(time.perf_counter() - start)
    results["service"] = _stats(seconds, time.process_time() - cpu)
    if client:
        http = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="localhost")
        seconds = []
        cpu = time.process_time()
        for i in range(n):
            raw = payload("C", i)
            start = time.perf_counter()
            response = http.post(
                "/api/snapshots/?site=ZB", data=raw, content_type="application/json"
            )
            seconds.append(time.perf_counter() - start)
            if response.status_code != 201:
                raise RuntimeError(f"snapshot {i} refused: {response.content[:300]!r}")
        results["client"] = _stats(seconds, time.process_time() - cpu)
    return results


def main(argv: list[str] | None = None) -> dict:
    import os
    import sys
    import tempfile

    n = int((argv or sys.argv[1:] or ["1000"])[0])
    tmp = tempfile.mkdtemp(prefix="atelier-snapshot-bench-")
    os.environ.setdefault("DEBUG", "1")
    os.environ["ATELIER_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    results = ingest_many(n)
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
