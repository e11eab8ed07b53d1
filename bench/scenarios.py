"""What the benchmark measures: named scenarios, each a setup and a one-request callable.

A scenario's ``setup(env)`` returns the callable that makes request number ``i``; it returns
``None`` (with ``skip_reason``) when the feature it measures is not on this branch yet. Service
scenarios call the real services in-process; HTTP scenarios go through the whole Django stack
with ``django.test.Client``. Add a scenario by appending to ``SCENARIOS``.

Slots for features still being built elsewhere (API, snapshot ingestion, label PDFs,
stocktake, reports) are listed with the URL or module they wait for: they run by themselves
once that URL resolves or that module imports.
"""

from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import Client
from django.urls import Resolver404, resolve

import reports.figures as reports
from inventory.models import Location, StocktakeLine, StocktakeScan
from inventory.scan import scan_resolve
from inventory.services import stocktake_open, stocktake_reconcile
from labels.models import Printer
from labels.render.pdf import render_pdf
from labels.stocks import get_stock
from labels.templates import DeviceTagInput, device_tag
from refurb.models import Category, Device
from refurb.selectors import device_timeline
from refurb.services import device_transition
from refurb.states import HELD_STATES, State
from workshop.models import Site, Workstation
from workshop.models import WorkstationKind as WK
from workshop.roles import BENCH_WORKER
from workshop.services import workstation_token_create

LIST_FILTERS = ("state", "site", "category")


@dataclass
class BenchEnv:
    """Data the scenarios draw from: sample devices, a logged-in client, the shop crew."""

    client: Client
    admin: object
    rng: random.Random
    tags: list[str]
    serials: list[str]
    device_ids: list[int]
    sale_devices: list[Device]
    list_filters: list[dict]
    shop_user: object = None
    shop_station: object = None
    api_token: str = ""
    notes: dict = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    group: str  # scan, list, detail, transition, report, label, stocktake, ingest
    describe: str
    setup: Callable[[BenchEnv], Callable[[int], object] | None]
    target_p95_ms: float | None = None
    raw: str | None = None  # name of the raw-SQL yardstick this scenario compares with
    needs: str = ""  # URL path or module this scenario waits for
    max_samples: int | None = None  # for batch scenarios too slow for the full sample count
    skip_reason: str = ""


def url_exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def module_exists(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def _check(response, expected=(200,)):
    if response.status_code not in expected:
        raise AssertionError(
            f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} answered "
            f"{response.status_code}: {response.content[:300]!r}"
        )
    return response


# --- service-level scenarios (what exists on main) -------------------------------------------


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

    def run(i):
        device = env.sale_devices[i % len(env.sale_devices)]
        target = State.RESERVED if device.state == State.ON_SALE else State.ON_SALE
        device_transition(
            device=device, to=target, actor=env.shop_user, workstation=env.shop_station
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


# --- HTTP scenarios through the admin (what exists on main) ----------------------------------


def admin_list_url(filters: dict) -> str:
    return (
        "/admin/refurb/device/?"
        f"state__exact={filters['state']}&site__id__exact={filters['site']}"
        f"&category__id__exact={filters['category']}"
    )


def setup_admin_list(env: BenchEnv):
    def run(i):
        _check(env.client.get(admin_list_url(env.list_filters[i % len(env.list_filters)])))

    return run


def setup_admin_change(env: BenchEnv):
    def run(i):
        pk = env.device_ids[i % len(env.device_ids)]
        _check(env.client.get(f"/admin/refurb/device/{pk}/change/"))

    return run


# --- HTTP scenarios of the REST API (branch ``api``; run once it is merged) -------------------


def _api(path_for: Callable[[BenchEnv, int], str], method: str = "get", body=None):
    def setup(env: BenchEnv):
        probe = path_for(env, 0)
        if not url_exists(probe.split("?")[0]):
            return None

        def run(i):
            path = path_for(env, i)
            if method == "get":
                return _check(env.client.get(path, HTTP_ACCEPT="application/json"))
            data = body(env, i)
            return _check(
                env.client.post(path, json.dumps(data), content_type="application/json"),
                (200, 201),
            )

        return run

    return setup


def _api_transition_body(env: BenchEnv, i: int) -> dict:
    device = env.sale_devices[i % len(env.sale_devices)]
    target = State.RESERVED if device.state == State.ON_SALE else State.ON_SALE
    device.state = target
    return {"to": target}


def api_list_path(filters: dict) -> str:
    """The API device list filtered like the admin list (the API filters by codes)."""
    return (
        f"/api/devices/?state={filters['state']}&site={filters['site_code']}"
        f"&category={filters['category_code']}"
    )


def _api_transition_path(env: BenchEnv, i: int) -> str:
    return f"/api/devices/{env.sale_devices[i % len(env.sale_devices)].asset_tag}/transitions/"


def _api_list_path(env: BenchEnv, i: int) -> str:
    f = env.list_filters[i % len(env.list_filters)]
    return api_list_path(f)


def _label_pdf(count: int, stock_code: str):
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


def _api_label_pdf(env: BenchEnv, i: int) -> str:
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
    last = Device.objects.order_by("-pk").values_list("pk", flat=True).first()

    def run(i):
        start = min(env.device_ids[i % len(env.device_ids)], last - 999)
        codes = list(
            Device.objects.filter(pk__gte=start)
            .order_by("pk")
            .values_list("asset_tag", flat=True)[:1000]
        )
        body = {"template": "device_tag", "codes": codes, "printer": printer.pk}
        _check(env.client.post("/api/print-jobs/", body, content_type="application/json"), (201,))

    return run


STOCKTAKE_SCANS = 10_000


def setup_stocktake(env: BenchEnv):
    """Open a stocktake of the biggest site, record 10,000 scans in bulk, time the reconcile.

    Scans are written in bulk (as ``stocktake_record_scan`` would have written them, one per
    code): 95 % of the devices where the system expects them, 4 % on another shelf, 1 % unknown
    labels. Each sample drops the lines of the previous one first (untimed), so every
    reconcile does the whole comparison and writes every difference again.
    """
    from django.db.models import Count

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


REPORTS = [
    "stock_by_state", "stock_by_category", "stock_by_grade", "stock_by_location",
    "time_in_state", "stuck_devices", "throughput_by_bench", "worker_activity", "outcomes",
    "weee_weights", "co2_avoided", "sales_by_buyer",
]  # fmt: skip


def _report(name: str):
    """Call one manager report function on the whole data set (all sites, default period)."""

    def setup(env: BenchEnv):
        if not module_exists("reports.figures"):
            return None

        function = getattr(reports, name, None)
        if function is None:
            return None

        def run(i):
            result = function()
            if isinstance(result, list):
                len(result)

        return run

    return setup


def setup_snapshot_ingest(env: BenchEnv):
    """POST one bench-agent snapshot of a new machine (unique serials) per sample."""
    import time

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from bench.snapshots import _template, snapshot_payload

    if not url_exists("/api/snapshots/"):
        return None
    site = Site.objects.order_by("code").first()
    user, _created = get_user_model().objects.get_or_create(username="bench-agent")
    user.groups.add(Group.objects.get(name=BENCH_WORKER))
    token, _created = Token.objects.get_or_create(user=user)
    agent = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    template = _template()
    stamp = f"B{int(time.time()) % 10**6:06d}"

    def run(i):
        raw = snapshot_payload(f"{stamp}{i:06d}", template)
        return _check(
            agent.post(f"/api/snapshots/?site={site.code}", raw, content_type="application/json"),
            (201,),
        )

    return run


def _slot(needs: str):
    """A scenario whose feature is being built on another branch: skipped until it lands."""

    def setup(env: BenchEnv):
        return None

    return setup


SCENARIOS: list[Scenario] = [
    Scenario("api_scan", "scan", "GET /api/scan/{tag}",
             _api(lambda env, i: f"/api/scan/{env.tags[i % len(env.tags)]}"), 10, "scan",
             needs="/api/scan/"),
    Scenario("api_device_list", "list", "GET /api/devices/?state&site&category",
             _api(_api_list_path), 40, "list", needs="/api/devices/"),
    Scenario("api_device_detail", "detail", "GET /api/devices/{tag}/",
             _api(lambda env, i: f"/api/devices/{env.tags[i % len(env.tags)]}/"), 30,
             needs="/api/devices/{tag}/"),
    Scenario("api_device_timeline", "detail", "GET /api/devices/{tag}/timeline/",
             _api(lambda env, i: f"/api/devices/{env.tags[i % len(env.tags)]}/timeline/"), 30,
             needs="/api/devices/{tag}/timeline/"),
    Scenario("api_device_transition", "transition", "POST /api/devices/{tag}/transitions/",
             _api(_api_transition_path, "post", _api_transition_body), 25,
             needs="/api/devices/{tag}/transitions/"),
    Scenario("svc_scan_tag", "scan", "scan_resolve(asset tag), service level",
             setup_scan_service, 10, "scan"),
    Scenario("svc_scan_serial", "scan", "scan_resolve(manufacturer serial), service level",
             setup_scan_serial_service, 10),
    Scenario("svc_transition", "transition", "device_transition on_sale<->reserved",
             setup_transition_service, 25),
    Scenario("svc_timeline", "detail", "device + device_timeline(), service level",
             setup_timeline_service, 30),
    Scenario("admin_device_list", "list", "admin changelist, 3 filters (state, site, category)",
             setup_admin_list, 40, "list"),
    Scenario("admin_device_change", "detail", "admin change page (drives + events inlines)",
             setup_admin_change, 30),
    Scenario("snapshot_ingest", "ingest", "POST /api/snapshots/ (bench-agent snapshot)",
             setup_snapshot_ingest, 20, needs="/api/snapshots/"),
    Scenario("labels_pdf_1", "label", "device tag PDF, 1 label (Brother 62x29)",
             _label_pdf(1, "brother-62x29")),
    Scenario("labels_pdf_1000", "label", "device tag PDF, 1,000 labels (A4 sheets)",
             _label_pdf(1000, "avery-l7651"), max_samples=20),
    Scenario("api_label_pdf_1", "label", "GET /api/labels/device_tag/{tag}.pdf",
             _api(_api_label_pdf), needs="/api/labels/"),
    Scenario("api_print_job_1000", "label",
             "POST /api/print-jobs/, 1,000 device tags, download printer", setup_print_job_1000,
             max_samples=5),
    Scenario("stocktake_10k", "stocktake", "stocktake_reconcile of 10,000 recorded scans",
             setup_stocktake, 1000, max_samples=20),
] + [
    Scenario(f"report_{name}", "report", f"reports.figures.{name}() on every site",
             _report(name), 1000, max_samples=10)
    for name in REPORTS
]  # fmt: skip


# --- raw SQL yardsticks ----------------------------------------------------------------------


def _compiled(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    return sql, tuple(params)


def raw_scan_query(tag: str):
    """The SQL the device-tag resolver sends, compiled by the ORM, run through a bare cursor."""
    return _compiled(
        Device.objects.select_related("category", "site", "location", "grade").filter(
            asset_tag=tag
        )[:1]
    )


def raw_list_query(filters: dict):
    """The SQL of one page (100 rows, newest first) of the device list with three filters."""
    return _compiled(
        Device.objects.select_related("category", "grade", "site", "location")
        .filter(state=filters["state"], site_id=filters["site"], category_id=filters["category"])
        .order_by("-id")[:100]
    )


def raw_count_query(filters: dict):
    """The SQL that counts the rows of the filtered device list (pagination needs it)."""
    sql = (
        f"SELECT COUNT(*) FROM {Device._meta.db_table} "
        "WHERE state = %s AND site_id = %s AND category_id = %s"
    )
    return sql, (filters["state"], filters["site"], filters["category"])


def raw_yardsticks(env: BenchEnv) -> dict[str, Callable[[int], object]]:
    """Return callables that run the scan and list SQL through a bare cursor (compiled once)."""
    scan_sql, scan_params = raw_scan_query(env.tags[0])
    tag_at = scan_params.index(env.tags[0])
    lists = [raw_list_query(f) for f in env.list_filters]

    def scan(i):
        params = list(scan_params)
        params[tag_at] = env.tags[i % len(env.tags)]
        with connection.cursor() as cursor:
            cursor.execute(scan_sql, params)
            assert cursor.fetchall()

    def page(i):
        sql, params = lists[i % len(lists)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    counts = [raw_count_query(f) for f in env.list_filters]

    def count(i):
        sql, params = counts[i % len(counts)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return {"scan": scan, "list": page, "list_count": count}


def make_env(*, samples: int, seed: int = 7) -> BenchEnv:
    """Pick sample devices at random across the data set and log a superuser in."""
    from django.contrib.auth import get_user_model

    rng = random.Random(seed)
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    bounds = Device.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    wanted = max(50, min(samples, 2000))
    picks = sorted({rng.randint(first, last) for _ in range(wanted)})
    rows = list(Device.objects.filter(pk__in=picks).values_list("pk", "asset_tag", "serial_number"))
    rng.shuffle(rows)
    sale = list(
        Device.objects.filter(state=State.ON_SALE, pk__gte=rng.randint(first, last))
        .select_related("site")
        .order_by("pk")[:128]
    ) or list(Device.objects.filter(state=State.ON_SALE).select_related("site")[:128])
    # The table checks the kind of workstation, not its site: one shop bench serves all.
    shop_station = Workstation.objects.filter(kind=WK.SHOP).order_by("pk").first()
    shop_user = User.objects.filter(groups__name="shop").first()
    categories = list(Category.objects.filter(code__in=["laptop", "desktop", "screen"]))
    has_devices = Exists(Device.objects.filter(site=OuterRef("pk")))
    sites = list(Site.objects.filter(has_devices).order_by("pk")[:20])
    filters = [
        {
            "state": state,
            "site": site.pk,
            "site_code": site.code,
            "category": category.pk,
            "category_code": category.code,
        }
        for state in (State.ON_SALE, State.SOLD, State.RECEIVED)
        for site in sites
        for category in categories
    ]
    rng.shuffle(filters)
    # API calls authenticate as a scanner would: the shop workstation's token (token first in
    # DEFAULT_AUTHENTICATION_CLASSES). Admin pages ignore it and use the superuser's session.
    api_token = ""
    if shop_station is not None and module_exists("workshop.services"):
        _token, api_token = workstation_token_create(workstation=shop_station, label="bench")
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token}"} if api_token else {}
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **headers)
    client.force_login(admin)
    return BenchEnv(
        client=client,
        admin=admin,
        rng=rng,
        tags=[r[1] for r in rows],
        serials=[r[2] for r in rows if r[2]],
        device_ids=[r[0] for r in rows],
        sale_devices=sale,
        list_filters=filters,
        shop_user=shop_user,
        shop_station=shop_station,
        api_token=api_token,
    )
