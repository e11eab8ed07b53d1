"""Measure PDF rendering speed: ``python -m bench.labels``; ``bench_django`` for the service.

Device tags and shop labels (with QR code), on A4 Avery L7651 sheets and on
Brother 62 × 29 mm die-cut labels; every label has its own data, as in a real
batch. Prints one line per case and returns the measurements.
"""

from __future__ import annotations

import datetime as dt
import time

from labels.models import Printer
from labels.render.pdf import render_pdf
from labels.services import print_job_create
from labels.stocks import get_stock
from labels.templates import DeviceTagInput, ShopInput, device_tag, shop_label
from refurb.models import Category, Device
from workshop.models import Site
from workshop.tags import make_tag

STOCKS = ("avery-l7651", "brother-62x29")


def _device(i: int):
    return device_tag(
        DeviceTagInput(f"AT-{i:06d}", "Ordinateur portable", dt.date(2025, 3, 12), "Lyon Gerland")
    )


def _shop(i: int):
    return shop_label(
        ShopInput(
            asset_tag=f"AT-{i:06d}",
            model=f"Lenovo ThinkPad T{480 + i % 20}",
            cpu="Intel Core i5-8350U",
            ram_gb=8 + 8 * (i % 2),
            storage="SSD 256 Go",
            grade="ABC"[i % 3],
            solidarity_price=149 + i % 50,
            standard_price=349,
            warranty_months=12,
            public_url=f"https://atelier.example/d/AT-{i:06d}",
            screen_inches=14.0,
            battery_health_pct=80 + i % 20,
        )
    )


def run(counts: tuple[int, ...] = (1, 100, 1000)) -> list[dict]:
    results = []
    _ = render_pdf([_device(0)], get_stock("brother-62x29"))  # warm fonts and caches
    for name, make in (("device_tag", _device), ("shop_label", _shop)):
        for code in STOCKS:
            stock = get_stock(code)
            for n in counts:
                labels = [make(i) for i in range(n)]
                start = time.perf_counter()
                pdf = render_pdf(labels, stock)
                seconds = time.perf_counter() - start
                row = {
                    "template": name,
                    "stock": code,
                    "count": n,
                    "seconds": round(seconds, 4),
                    "ms_per_label": round(1000 * seconds / n, 3),
                    "labels_per_s": round(n / seconds),
                    "pdf_bytes": len(pdf),
                }
                results.append(row)
                print(
                    f"{name:<11} {code:<14} {n:>5} labels  {seconds * 1000:8.1f} ms  "
                    f"{row['labels_per_s']:>6} labels/s  {len(pdf) / 1024:8.1f} KiB"
                )
    return results


class _Rollback(Exception):
    pass


def bench_django(n: int = 1000) -> list[dict]:
    """Time ``print_job_create`` of 1 and ``n`` device tags to a ``download`` printer.

    Needs Django set up and a migrated database. Works on throw-away rows (a site, a printer,
    ``n`` devices) inside a transaction that is rolled back, so it leaves nothing behind. The
    time covers fetching the devices, rendering the PDF, recording the job and appending one
    ``printed`` event per device.
    """
    from django.db import transaction

    results: list[dict] = []
    try:
        with transaction.atomic():
            taken = set(Site.objects.values_list("code", flat=True))
            code = next(a + b for a in "ZYXWVU" for b in "ZYXWVUTSRQ" if a + b not in taken)
            site = Site.objects.create(code=code, name="Banc d'essai")
            category = Category.objects.order_by("pk").first()
            printer = Printer.objects.create(
                site=site, name="bench", kind=Printer.Kind.DOWNLOAD, default_stock="avery-l7651"
            )
            Device.objects.bulk_create(
                Device(asset_tag=make_tag(code, "", i), site=site, category=category)
                for i in range(1, n + 1)
            )
            for count in sorted({1, n}):
                devices = Device.objects.filter(site=site).order_by("asset_tag")[:count]
                start = time.perf_counter()
                job = print_job_create(
                    template="device_tag", objects=devices, printer=printer, actor=None
                )
                seconds = time.perf_counter() - start
                row = {
                    "case": "print_job_create device_tag download avery-l7651",
                    "count": count,
                    "seconds": round(seconds, 4),
                    "ms_per_label": round(1000 * seconds / count, 3),
                    "pdf_bytes": len(job.document),
                }
                results.append(row)
                print(
                    f"print_job_create device_tag {count:>5} labels  {seconds * 1000:8.1f} ms  "
                    f"{row['ms_per_label']:6.2f} ms/label"
                )
            raise _Rollback
    except _Rollback:
        pass
    return results


if __name__ == "__main__":
    run()
