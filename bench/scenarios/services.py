"""Measure the services in-process: scan resolution, transitions, timelines, stocktakes.

Service scenarios call the real services directly, without the HTTP stack, so they show what
the domain code and its queries cost on their own.
"""

from __future__ import annotations

from django.db.models import Count

from bench.scenarios.base import BenchEnv
from inventory.models import Location, StocktakeLine, StocktakeScan
from inventory.scan import scan_resolve
from inventory.services import stocktake_open, stocktake_reconcile
from refurb.models import Device
from refurb.selectors import device_timeline
from refurb.states import HELD_STATES
from shop.models import Buyer, Reservation
from shop.services import buyer_create, reservation_create, reservation_release
from workshop.models import Site


def setup_scan_service(env: BenchEnv):

    def run(i):
        result = scan_resolve(env.tags[i % len(env.tags)])
        assert result.kind == "device"

    return run


def setup_scan_serial_service(env: BenchEnv):

    def run(i):
        result = scan_resolve(env.serials[i % len(env.serials)])
        assert result.kind == "device"

    return run


def setup_transition_service(env: BenchEnv):

    buyer = Buyer.objects.order_by("pk").first() or buyer_create(
        kind=Buyer.Kind.PUBLIC, name="Client du banc d'essai", actor=env.shop_user
    )

    def run(i):
        # Reserving and releasing are service-only moves: the shop's services make them.
        device = env.sale_devices[i % len(env.sale_devices)]
        active = Reservation.objects.filter(device=device, status="active").first()
        if active is None:
            reservation_create(
                device=device, buyer=buyer, actor=env.shop_user, workstation=env.shop_station
            )
        else:
            reservation_release(
                reservation=active, actor=env.shop_user, workstation=env.shop_station
            )

    return run


def setup_timeline_service(env: BenchEnv):

    def run(i):
        device = Device.objects.select_related("category", "site", "location", "grade").get(
            pk=env.device_ids[i % len(env.device_ids)]
        )
        events = list(device_timeline(device))
        assert events

    return run


STOCKTAKE_SCANS = 10_000


def setup_stocktake(env: BenchEnv):
    """Open a stocktake of the biggest site, record 10,000 scans in bulk, time the reconcile.

    Scans are written in bulk (as ``stocktake_record_scan`` would have written them, one per
    code): 95 % of the devices where the system expects them, 4 % on another shelf, 1 % unknown
    labels. Each sample drops the lines of the previous one first (untimed), so every
    reconcile does the whole comparison and writes every difference again.
    """
    held = [str(state) for state in HELD_STATES]
    site_id = (
        Device.objects.filter(state__in=held, location__isnull=False)
        .values("site_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("site_id", flat=True)
        .first()
    )
    if site_id is None:
        return None
    site = Site.objects.get(pk=site_id)
    devices = list(
        Device.objects.filter(site=site, state__in=held, location__isnull=False)
        .order_by("pk")
        .values_list("pk", "asset_tag", "location_id")[:STOCKTAKE_SCANS]
    )
    shelves = list(Location.objects.filter(site=site).values_list("pk", flat=True))
    stocktake = stocktake_open(site=site, actor=env.admin, note="bench")
    scans = []
    for n, (pk, tag, location_id) in enumerate(devices):
        if n % 25 == 0:
            location_id = shelves[(shelves.index(location_id) + 1) % len(shelves)]
        scans.append(
            StocktakeScan(stocktake=stocktake, code=tag, device_id=pk, location_id=location_id)
        )
    for n in range(max(0, STOCKTAKE_SCANS - len(scans)) or STOCKTAKE_SCANS // 100):
        scans.append(
            StocktakeScan(stocktake=stocktake, code=f"UNKNOWN-{n}", location_id=shelves[0])
        )
    StocktakeScan.objects.bulk_create(scans, batch_size=2000)
    env.notes["stocktake"] = {"site": site.code, "scans": len(scans), "devices": len(devices)}

    def prepare(i):
        StocktakeLine.objects.filter(stocktake=stocktake).delete()

    def run(i):
        stocktake_reconcile(stocktake=stocktake)

    run.prepare = prepare
    return run
