"""Seed a believable national network of workshops, fast and in bounded memory.

The seeder is a list of ``STEPS``; each step takes the shared ``SeedContext`` and writes one
part of the data set (places, people, legal identities and buyers; donors and collections;
devices with their whole history, prices, kits, sales and credit notes; counters;
statistics). Add a step by writing one function and listing it in ``STEPS``.

Devices are written in chunks, each in its own transaction, through a writer
(``bench.writers``: ``bulk_create`` or PostgreSQL ``COPY``). Every history is one the real
services would have written: ``demo.walks.PATHS`` gives the legal path to each final state,
events are numbered 1..k with consistent ``from``/``to`` states and increasing timestamps,
drives are erased (or destroyed) before a device leaves ``received``, tested devices passed
every mandatory check of their category, and ``event_seq`` equals the number of events.
Each device's events carry the hash chain (``refurb.events.event_hash``) with its head on
``Device.event_head``, so ``manage.py verify_event_chains`` passes. Sold devices are on a
one-line invoice numbered without gaps per site and year (``DocumentCounter`` ends on the
last number), returned ones on a credit note; every device that went on sale has its price.
Invoice numbers follow the order devices are generated in, not their sale dates.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from bench.history import (
    CHUNK_TABLES,
    Chunk,
    DeviceMaker,
    check_columns,
)
from bench.writers import columns, writer_for
from inventory.models import Collection, Donor, Location
from refurb.models import Device, Drive, Repair
from reports.rollups import refresh_report_rollups
from shop.models import (
    Buyer,
    CreditNote,
    DocumentCounter,
    Kit,
    Sale,
    SaleLine,
    SiteLegal,
    VatRegime,
)
from workshop import roles
from workshop.models import Site, TagSequence, Workstation
from workshop.models import WorkstationKind as WK
from workshop.tags import COLLECTION, DEVICE, DRIVE, KIT, LOCATION, make_tag

MARKER = "(bench)"
DEVICES_PER_SITE = 50_000
MAX_SITES = 60

CITIES = [
    ("LY", "Lyon"), ("PA", "Paris"), ("MA", "Marseille"), ("TO", "Toulouse"), ("NI", "Nice"),
    ("NA", "Nantes"), ("ST", "Strasbourg"), ("MO", "Montpellier"), ("BO", "Bordeaux"),
    ("LI", "Lille"), ("RE", "Rennes"), ("RM", "Reims"), ("SE", "Saint-Étienne"),
    ("TN", "Toulon"), ("GR", "Grenoble"), ("DI", "Dijon"), ("AN", "Angers"), ("NM", "Nîmes"),
    ("VI", "Villeurbanne"), ("CF", "Clermont-Ferrand"), ("LH", "Le Havre"), ("AI", "Aix"),
    ("BR", "Brest"), ("LM", "Le Mans"), ("AM", "Amiens"), ("TS", "Tours"), ("LG", "Limoges"),
    ("PE", "Perpignan"), ("BS", "Besançon"), ("ML", "Metz"), ("OR", "Orléans"), ("RO", "Rouen"),
    ("MU", "Mulhouse"), ("CA", "Caen"), ("NC", "Nancy"), ("AR", "Argenteuil"), ("RB", "Roubaix"),
    ("TC", "Tourcoing"), ("AV", "Avignon"), ("PO", "Poitiers"),
]  # fmt: skip

STATIONS = [
    ("Accueil", WK.INTAKE), ("Effacement 1", WK.ERASURE), ("Effacement 2", WK.ERASURE),
    ("Test 1", WK.TEST), ("Test 2", WK.TEST), ("Tri et grade", WK.GRADING),
    ("Boutique", WK.SHOP), ("Stock", WK.STOCK),
]  # fmt: skip

LOCATIONS = (
    [("Réception", Location.Kind.AREA), ("Zone recyclage", Location.Kind.AREA)]
    + [(f"Étagère {row}{n}", Location.Kind.SHELF) for row in "ABCD" for n in range(1, 7)]
    + [("Bac pièces détachées", Location.Kind.BIN), ("Boutique", Location.Kind.SHOP)]
)

CREW_ROLES = [
    ("bench1", roles.BENCH_WORKER),
    ("bench2", roles.BENCH_WORKER),
    ("coach", roles.COACH),
    ("shop", roles.SHOP),
    ("manager", roles.MANAGER),
]


def rss_mb() -> float:
    """Return this process's peak resident set size in MB (``ru_maxrss``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@dataclass
class SiteInfo:
    id: int
    code: str
    stations: dict[str, int] = field(default_factory=dict)
    crew: dict[str, int] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)
    collections: list[tuple[int, str, datetime]] = field(default_factory=list)
    next_device: int = 0
    next_drive: int = 0
    next_kit: int = 0
    buyers: list[tuple[int, dict]] = field(default_factory=list)
    seller: dict = field(default_factory=dict)
    vat_regime: str = VatRegime.MARGIN
    invoices: dict[int, int] = field(default_factory=dict)
    credit_notes: dict[int, int] = field(default_factory=dict)


@dataclass
class SeedContext:
    """Everything the steps share: the plan, the ids made so far, the writer, the clock."""

    devices: int
    seed: int = 42
    chunk: int = 5_000
    writer_name: str = "auto"
    now: datetime = field(default_factory=timezone.now)
    log: Callable[[str], None] = print
    rng: random.Random = field(init=False)
    writer: object = field(init=False)
    sites: list[SiteInfo] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    admin_id: int | None = None
    fast_pg: bool = True

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.writer = writer_for(self.writer_name)

    @property
    def site_count(self) -> int:
        return max(2, min(MAX_SITES, -(-self.devices // DEVICES_PER_SITE)))

    def count(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[SeedContext], None]


def _city(index: int) -> tuple[str, str]:
    if index < len(CITIES):
        return CITIES[index]
    code = chr(65 + (index // 26) % 26) + chr(65 + index % 26)
    return code, f"Ville {code}"


def step_places(ctx: SeedContext) -> None:
    """Create sites, workstations, locations, a crew per site and one bench superuser."""
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
    taken = set(Site.objects.values_list("code", flat=True))
    index = 0
    with transaction.atomic():
        admin, _ = User.objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        admin.set_unusable_password()
        admin.save()
        ctx.admin_id = admin.pk
        while len(ctx.sites) < ctx.site_count:
            code, city = _city(index)
            index += 1
            if code in taken:
                continue
            site = Site.objects.create(
                code=code, name=f"Atelier solidaire de {city} {MARKER}", address=f"{city}"
            )
            info = SiteInfo(site.pk, code)
            for name, kind in STATIONS:
                station = Workstation.objects.create(site=site, name=name, kind=kind)
                info.stations.setdefault(kind, station.pk)
            locations = Location.objects.bulk_create(
                Location(site=site, name=name, kind=kind, tag=make_tag(code, LOCATION, n))
                for n, (name, kind) in enumerate(LOCATIONS, start=1)
            )
            TagSequence.objects.update_or_create(
                site=site, kind=LOCATION, defaults={"last_number": len(LOCATIONS)}
            )
            info.locations = {loc.name: loc.pk for loc in locations}
            for suffix, role in CREW_ROLES:
                user = User(username=f"{code.lower()}-{suffix}", is_staff=True)
                user.set_unusable_password()
                user.save()
                user.groups.add(groups[role])
                info.crew.setdefault(role, user.pk)
                info.crew.setdefault(suffix, user.pk)
            _shop(ctx, site, info)
            ctx.sites.append(info)
    ctx.count(
        "places",
        len(ctx.sites) * (2 + len(STATIONS) + len(LOCATIONS) + len(CREW_ROLES) + BUYERS_PER_SITE),
    )


BUYERS_PER_SITE = 40


def _shop(ctx: SeedContext, site: Site, info: SiteInfo) -> None:
    """Give a site its legal identity (printed on invoices) and its regular buyers."""
    legal = SiteLegal.objects.create(
        site=site,
        legal_name=f"Atelier solidaire {site.code} {MARKER}",
        siret="73282932000074",
        address=site.address,
        vat_regime=VatRegime.MARGIN,
    )
    info.vat_regime = legal.vat_regime
    info.seller = {
        "legal_name": legal.legal_name,
        "siret": legal.siret,
        "address": legal.address,
        "vat_number": legal.vat_number,
    }
    until = (ctx.now + timedelta(days=365)).date()
    buyers = Buyer.objects.bulk_create(
        Buyer(
            kind=Buyer.Kind.INDIVIDUAL,
            name=f"Acheteur {site.code} {n}",
            proof_kind=Buyer.Proof.RSA,
            tier=Buyer.Tier.SOLIDARITY,
            tier_reason="RSA",
            checked_by_id=info.crew[roles.SHOP],
            checked_at=ctx.now - timedelta(days=1000),
            eligible_until=until,
        )
        for n in range(1, BUYERS_PER_SITE + 1)
    )
    info.buyers = [
        (
            buyer.pk,
            {
                "name": buyer.name,
                "kind": buyer.kind,
                "address": "",
                "rna": "",
                "siret": "",
                "tier_reason": buyer.tier_reason,
            },
        )
        for buyer in buyers
    ]


def step_donors_and_collections(ctx: SeedContext) -> None:
    """Create donors (one per ~200 devices) and collections (one per ~25 devices) per site."""
    rng = ctx.rng
    n_donors = max(5, ctx.devices // 200)
    first = (Donor.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    kinds = [Donor.Kind.COMPANY] * 5 + [Donor.Kind.PUBLIC_BODY] * 2 + [Donor.Kind.PERSON] * 3
    cols = columns(Donor)
    assert cols == ["id", "kind", "name", "siret", "contact_email", "address", "created_at"], cols
    donors = []
    for i in range(n_donors):
        kind = kinds[i % len(kinds)]
        name = f"Mme ou M. Donateur {i}" if kind == Donor.Kind.PERSON else f"Organisation {i} SARL"
        donors.append((first + i, kind, name, "", "", "", ctx.now))
    with transaction.atomic():
        ctx.writer.write(Donor, cols, donors)
    ctx.count("donors", len(donors))

    per_site = max(4, ctx.devices // 25 // len(ctx.sites))
    cols = columns(Collection)
    assert cols == [
        "id", "donor_id", "site_id", "tag", "received_on", "declared_count", "gross_weight_kg",
        "notes", "created_at",
    ], cols  # fmt: skip
    next_id = (Collection.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    rows = []
    for site in ctx.sites:
        for n in range(1, per_site + 1):
            days_ago = 10 + int(990 * (per_site - n) / per_site)  # oldest first, recent last
            received = ctx.now - timedelta(days=days_ago)
            rows.append(
                (
                    next_id,
                    first + rng.randrange(n_donors),
                    site.id,
                    make_tag(site.code, COLLECTION, n),
                    received.date(),
                    25,
                    Decimal(rng.randint(60, 900)),
                    "",
                    received,
                )
            )
            site.collections.append((next_id, rows[-1][3], received))
            next_id += 1
    with transaction.atomic():
        ctx.writer.write(Collection, cols, rows)
        for site in ctx.sites:
            TagSequence.objects.update_or_create(
                site_id=site.id, kind=COLLECTION, defaults={"last_number": per_site}
            )
    ctx.count("collections", len(rows))


def step_devices(ctx: SeedContext) -> None:
    """Write every device with its drives, erasures, tests, repairs and events, in chunks."""
    check_columns()
    maker = DeviceMaker(ctx)
    writer = ctx.writer
    done = 0
    started = time.perf_counter()
    rows_before = ctx.total_rows
    site_index = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A bulk load of rows built consistent by construction: skip per-row FK triggers
            # (tests check the data on a small N) and do not wait for each commit's flush.
            cursor.execute("SET synchronous_commit = off")
            if ctx.fast_pg:
                cursor.execute("SET session_replication_role = replica")
    try:
        _write_devices(ctx, maker, writer, done, started, rows_before, site_index)
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
                cursor.execute("RESET synchronous_commit")


def _write_devices(ctx, maker, writer, done, started, rows_before, site_index) -> None:
    while done < ctx.devices:
        size = min(ctx.chunk, ctx.devices - done)
        chunk = Chunk()
        made = 0
        while made < size:
            maker.kits_allowed = size - made >= 2
            made += maker.make(chunk, ctx.sites[site_index])
            site_index = (site_index + 1) % len(ctx.sites)
        with transaction.atomic():
            for name, model, cols in CHUNK_TABLES:
                writer.write(model, cols, getattr(chunk, name))
        for name, _model, _cols in CHUNK_TABLES:
            ctx.count(name, len(getattr(chunk, name)))
        done += size
        elapsed = time.perf_counter() - started
        rate = (ctx.total_rows - rows_before) / elapsed if elapsed else 0.0
        eta = elapsed / done * (ctx.devices - done)
        ctx.log(
            f"  devices {done:>9,}/{ctx.devices:,}  rows {ctx.total_rows - rows_before:>11,}  "
            f"{rate:>9,.0f} rows/s  {done / elapsed:>7,.0f} devices/s  "
            f"peak RSS {rss_mb():6.0f} MB  ETA {eta:5.0f} s"
        )


def step_counters(ctx: SeedContext) -> None:
    """Move tag and invoice counters and primary-key sequences past the seeded rows."""
    with transaction.atomic():
        for site in ctx.sites:
            for kind, last in (
                (DEVICE, site.next_device),
                (DRIVE, site.next_drive),
                (KIT, site.next_kit),
            ):
                TagSequence.objects.update_or_create(
                    site_id=site.id, kind=kind, defaults={"last_number": last}
                )
            for kind, numbers in (
                (DocumentCounter.Kind.INVOICE, site.invoices),
                (DocumentCounter.Kind.CREDIT_NOTE, site.credit_notes),
            ):
                for year, last in numbers.items():
                    DocumentCounter.objects.update_or_create(
                        site_id=site.id, kind=kind, year=year, defaults={"last_number": last}
                    )
        sql = connection.ops.sequence_reset_sql(
            no_style(),
            [Donor, Collection, Device, Drive, Repair, Location, Sale, SaleLine, CreditNote, Kit],
        )
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def step_rollups(ctx: SeedContext) -> None:
    """Fold the seeded history into the report rollups, as the nightly job would."""

    refresh_report_rollups(progress=lambda text: ctx.log(f"  {text}"))


def step_analyze(ctx: SeedContext) -> None:
    """Refresh the planner's statistics (and, on PostgreSQL, the visibility map)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


STEPS: list[Step] = [
    Step("places", step_places),
    Step("donors_collections", step_donors_and_collections),
    Step("devices", step_devices),
    Step("counters", step_counters),
    Step("rollups", step_rollups),
    Step("analyze", step_analyze),
]


def bench_data_present() -> bool:
    """Tell whether this database already holds a bench data set."""
    return Site.objects.filter(name__endswith=MARKER).exists()


def foreign_data_present() -> bool:
    """Tell whether this database holds devices that the bench did not seed."""
    return Device.objects.exclude(site__name__endswith=MARKER).exists()


def seed(ctx: SeedContext, steps: list[Step] | None = None) -> SeedContext:
    """Run the seeding steps in order, timing each, and return the context."""
    total = time.perf_counter()
    for step in steps or STEPS:
        started = time.perf_counter()
        ctx.log(f"[seed] {step.name}…")
        step.run(ctx)
        ctx.timings[step.name] = time.perf_counter() - started
        ctx.log(f"[seed] {step.name} done in {ctx.timings[step.name]:.1f} s")
    ctx.timings["total"] = time.perf_counter() - total
    return ctx
