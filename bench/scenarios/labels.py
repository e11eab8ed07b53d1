"""Measure label rendering: device tags to PDF in-process, over the API, and print jobs.

One label and a thousand labels are timed apart: the first is what a bench waits for, the
second what printing a whole shelf costs (PDF plus one event per device).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.scenarios.base import BenchEnv, check_response, module_exists, url_exists
from labels.models import Printer
from labels.render.pdf import render_pdf
from labels.stocks import get_stock
from labels.templates import DeviceTagInput, device_tag
from refurb.models import Device
from workshop.jobs import queue_configure


def label_pdf(count: int, stock_code: str):
    """Render device tags of ``count`` seeded devices (read from the database) to one PDF."""

    def setup(env: BenchEnv):
        if not module_exists("labels.render.pdf"):
            return None

        stock = get_stock(stock_code)
        total = Device.objects.count()
        last = Device.objects.order_by("-pk").values_list("pk", flat=True).first()

        def run(i):
            start = min(env.device_ids[i % len(env.device_ids)], last - count + 1)
            devices = (
                Device.objects.filter(pk__gte=start)
                .select_related("category", "site")
                .order_by("pk")[:count]
            )
            labels = [
                device_tag(
                    DeviceTagInput(d.asset_tag, d.category.name, d.received_at.date(), d.site.name)
                )
                for d in devices
            ]
            pdf = render_pdf(labels, stock)
            assert pdf.startswith(b"%PDF") and len(labels) == min(count, total)

        return run

    return setup


def api_label_pdf_path(env: BenchEnv, i: int) -> str:
    """Return the PDF URL of sample device ``i``'s tag."""
    return f"/api/labels/device_tag/{env.tags[i % len(env.tags)]}.pdf"


def setup_print_job_1000(env: BenchEnv):
    """POST /api/print-jobs/ for 1,000 device tags to a download printer (PDF + 1,000 events)."""
    if not url_exists("/api/print-jobs/") or env.shop_station is None:
        return None

    printer, _ = Printer.objects.get_or_create(
        site_id=env.shop_station.site_id,
        name="Bench download",
        defaults={"kind": Printer.Kind.DOWNLOAD, "default_stock": "avery-l7651"},
    )
    # The shop bench's token prints its own site's tags only (workshop/access.py).
    at_site = Device.objects.filter(site_id=env.shop_station.site_id)
    floor = at_site.order_by("-pk").values_list("pk", flat=True)[999:1000].first() or 0

    def run(i):
        start = min(env.device_ids[i % len(env.device_ids)], floor)
        codes = list(
            at_site.filter(pk__gte=start).order_by("pk").values_list("asset_tag", flat=True)[:1000]
        )
        body = {"template": "device_tag", "codes": codes, "printer": printer.pk}
        check_response(
            env.client.post("/api/print-jobs/", body, content_type="application/json"), (201,)
        )

    return run


def setup_print_job_1000_network(env: BenchEnv):
    """POST /api/print-jobs/ for 1,000 device tags to a network (raw-9100, ZPL) printer.

    The request records the print job and its background job and answers: a worker renders
    and sends them (workshop/jobs.py). The queue is a throw-away SQLite file here and no
    worker runs, so nothing is ever sent (the printer's address is not even contacted)."""
    if not url_exists("/api/print-jobs/") or env.shop_station is None:
        return None
    queue_configure("sqlite", sqlite_path=str(Path(tempfile.mkdtemp()) / "bench-jobs.sqlite3"))
    printer, _ = Printer.objects.get_or_create(
        site_id=env.shop_station.site_id,
        name="Bench Zebra",
        defaults={
            "kind": Printer.Kind.RAW9100,
            "host": "10.255.255.1",
            "port": 9100,
            "default_stock": "zebra-57x32",
        },
    )
    at_site = Device.objects.filter(site_id=env.shop_station.site_id)
    floor = at_site.order_by("-pk").values_list("pk", flat=True)[999:1000].first() or 0

    def run(i):
        start = min(env.device_ids[i % len(env.device_ids)], floor)
        codes = list(
            at_site.filter(pk__gte=start).order_by("pk").values_list("asset_tag", flat=True)[:1000]
        )
        body = {"template": "device_tag", "codes": codes, "printer": printer.pk}
        response = env.client.post("/api/print-jobs/", body, content_type="application/json")
        check_response(response, (201,))
        assert response.json()["status"] == "queued"

    return run
