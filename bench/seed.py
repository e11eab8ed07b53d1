"""Seed a believable national network of workshops, fast and in bounded memory.

The seeder is a list of ``STEPS``; each step takes the shared ``SeedContext`` and writes one
part of the data set (places and people, donors and collections, devices with their whole
history, counters, statistics). A later phase adds a step (sales, kits…) by writing one
function and listing it in ``STEPS``.

Devices are written in chunks, each in its own transaction, through a writer
(``bench.writers``: ``bulk_create`` or PostgreSQL ``COPY``). Every history is one the real
services would have written: ``workshop.demo.PATHS`` gives the legal path to each final state,
events are numbered 1..k with consistent ``from``/``to`` states and increasing timestamps,
drives are erased (or destroyed) before a device leaves ``received``, tested devices passed
every mandatory check of their category, and ``event_seq`` equals the number of events.
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

from bench.writers import columns, writer_for
from inventory.models import Category, Collection, Device, Donor, Location
from inventory.tags import COLLECTION, DEVICE, DRIVE, LOCATION, make_tag
from refurb.models import (
    ChecklistItem,
    Destruction,
    DeviceEvent,
    Drive,
    Erasure,
    Grade,
    Repair,
    TestResult,
)
from refurb.states import State
from workshop import roles
from workshop.demo import PATHS, REASONS, STATION_FOR
from workshop.management.commands.seed_demo import MODELS
from workshop.models import Site, TagSequence, Workstation
from workshop.models import WorkstationKind as WK

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

CATEGORY_MIX = {
    "laptop": 34, "desktop": 20, "screen": 14, "phone": 8, "tablet": 5, "all_in_one": 4,
    "printer": 4, "peripheral": 6, "server": 2, "network": 3,
}  # fmt: skip

# Where devices of a mature network are today: most have left (sold, recycled, parts).
STATE_MIX = {
    State.RECEIVED: 6, State.WIPED: 4, State.TESTED: 3, State.IN_REPAIR: 3,
    State.HARVESTED: 5, State.RECYCLED: 12, State.GRADED: 3, State.ON_SALE: 12,
    State.RESERVED: 2, State.SOLD: 43, State.RETURNED: 1, State.WRITTEN_OFF: 2,
}  # fmt: skip
RECENT_STATES = {State.RECEIVED, State.WIPED, State.TESTED, State.IN_REPAIR, State.GRADED}

CPUS = [
    "Intel Core i5-6300U",
    "Intel Core i5-8250U",
    "Intel Core i7-7600U",
    "AMD Ryzen 5 3500U",
    "Intel Core i3-4130",
    "Intel Pentium G4560",
    "Intel Core i5-4590",
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
            ctx.sites.append(info)
    ctx.count("places", len(ctx.sites) * (1 + len(STATIONS) + len(LOCATIONS) + len(CREW_ROLES)))


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


DEVICE_COLS = [
    "id", "asset_tag", "site_id", "collection_id", "category_id", "make", "model",
    "serial_number", "specs", "weight_kg", "location_id", "state", "grade_id",
    "no_storage_confirmed", "received_at", "state_changed_at", "updated_at", "event_seq",
    "created_by_id",
]  # fmt: skip
DRIVE_COLS = [
    "id",
    "device_id",
    "tag",
    "serial_number",
    "model",
    "kind",
    "capacity_bytes",
    "status",
    "smart",
    "failing",
    "created_at",
]
ERASURE_COLS = [
    "drive_id",
    "method",
    "standard",
    "tool",
    "passes",
    "verified",
    "result",
    "started_at",
    "finished_at",
    "operator_id",
    "workstation_id",
    "log",
    "created_at",
]
DESTRUCTION_COLS = [
    "drive_id",
    "method",
    "witness",
    "operator_id",
    "workstation_id",
    "destroyed_at",
    "certificate_ref",
]
TEST_COLS = [
    "device_id",
    "item_id",
    "passed",
    "note",
    "operator_id",
    "workstation_id",
    "created_at",
]
REPAIR_COLS = [
    "id",
    "device_id",
    "fault",
    "work_done",
    "parts_used",
    "status",
    "opened_by_id",
    "opened_at",
    "closed_at",
]
EVENT_COLS = [
    "device_id",
    "seq",
    "code",
    "from_state",
    "to_state",
    "actor_id",
    "workstation_id",
    "reason",
    "payload",
    "created_at",
]


def _check_columns() -> None:
    """Fail loudly when a model gains or loses a column the seeder does not write."""
    for model, cols, skip_id in (
        (Device, DEVICE_COLS, False),
        (Drive, DRIVE_COLS, False),
        (Erasure, ERASURE_COLS, True),
        (Destruction, DESTRUCTION_COLS, True),
        (TestResult, TEST_COLS, True),
        (Repair, REPAIR_COLS, False),
        (DeviceEvent, EVENT_COLS, True),
    ):
        expected = columns(model)[1:] if skip_id else columns(model)
        if expected != cols:
            raise RuntimeError(
                f"The bench seeder is out of date for {model.__name__}: it writes {cols}, "
                f"the model has {expected}. Update bench/seed.py."
            )


@dataclass
class Chunk:
    devices: list = field(default_factory=list)
    drives: list = field(default_factory=list)
    erasures: list = field(default_factory=list)
    destructions: list = field(default_factory=list)
    tests: list = field(default_factory=list)
    repairs: list = field(default_factory=list)
    events: list = field(default_factory=list)


class DeviceMaker:
    """Build one device's rows and its whole history, as the services would have written it."""

    def __init__(self, ctx: SeedContext):
        self.ctx = ctx
        self.rng = ctx.rng
        cats = {c.code: c for c in Category.objects.all()}
        self.categories = {code: cats[code] for code in CATEGORY_MIX if code in cats}
        self.cat_codes = list(self.categories)
        self.cat_weights = [CATEGORY_MIX[c] for c in self.cat_codes]
        self.states = list(STATE_MIX)
        self.state_weights = list(STATE_MIX.values())
        self.grades = dict(Grade.objects.values_list("code", "id"))
        self.checks: dict[int, list[tuple[int, str]]] = {}
        for item in ChecklistItem.objects.filter(is_active=True, mandatory=True).order_by(
            "order", "id"
        ):
            self.checks.setdefault(item.category_id, []).append((item.pk, item.code))
        self.first_check = dict(
            ChecklistItem.objects.filter(is_active=True, code="power_on").values_list(
                "category_id", "id"
            )
        )
        self.next_device = (Device.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_drive = (Drive.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_repair = (Repair.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def make(self, chunk: Chunk, site: SiteInfo) -> None:
        rng = self.rng
        code = rng.choices(self.cat_codes, self.cat_weights)[0]
        category = self.categories[code]
        make, model, drive_kind, size_gb = rng.choice(MODELS[code])
        target = rng.choices(self.states, self.state_weights)[0]
        path = PATHS[target]
        cols = site.collections
        if target in RECENT_STATES:
            recent = max(0, len(cols) - max(1, len(cols) // 20))
            collection_id, collection_tag, day = cols[rng.randrange(recent, len(cols))]
        else:
            collection_id, collection_tag, day = cols[rng.randrange(len(cols))]
        received_at = day + timedelta(hours=9, minutes=rng.randrange(480))
        device_id = self.next_device
        self.next_device += 1
        site.next_device += 1
        tag = make_tag(site.code, DEVICE, site.next_device)
        serial = f"{make[:2].upper()}{(device_id * 2654435761) % 10**10:010d}"
        crew, stations = site.crew, site.stations
        bench = crew[roles.BENCH_WORKER] if device_id % 2 else crew["bench2"]
        events = chunk.events
        seq = 0

        def event(code_, when, actor, station, from_="", to="", reason="", payload=None):
            nonlocal seq
            seq += 1
            events.append(
                (device_id, seq, code_, from_, to, actor, station, reason, payload or {}, when)
            )

        weight = category.default_weight_kg
        event(
            DeviceEvent.Code.REGISTERED,
            received_at,
            bench,
            stations[WK.INTAKE],
            "",
            State.RECEIVED,
            "",
            {
                "category": code,
                "collection": collection_tag,
                "make": make,
                "model": model,
                "serial": serial,
                "weight_kg": str(weight) if weight else None,
            },
        )
        moment = received_at + timedelta(minutes=30)
        drives = []
        if drive_kind:
            for _ in range(2 if code == "server" else 1):
                drive_id = self.next_drive
                self.next_drive += 1
                site.next_drive += 1
                drive_tag = make_tag(site.code, DRIVE, site.next_drive)
                drive_serial = f"S{(drive_id * 40503) % 10**10:010d}"
                drives.append([drive_id, drive_tag, drive_serial, Drive.Status.PENDING])
                event(
                    DeviceEvent.Code.DRIVE_ADDED,
                    moment,
                    bench,
                    stations[WK.ERASURE],
                    payload={"drive": drive_tag, "serial": drive_serial, "kind": drive_kind},
                )
        state = State.RECEIVED
        grade_code = None
        no_storage = False
        changed_at = received_at
        location = site.locations["Réception"]
        for next_state in path:
            moment += timedelta(hours=rng.randint(4, 30), minutes=rng.randrange(60))
            station = stations[STATION_FOR[next_state]]
            actor = self._actor(crew, next_state, bench)
            if next_state == State.WIPED:
                if not drives and category.holds_data:
                    no_storage = True
                    event(
                        DeviceEvent.Code.UPDATED,
                        moment,
                        bench,
                        stations[WK.ERASURE],
                        payload={"no_storage_confirmed": True},
                    )
                for drive in drives:
                    self._erase(chunk, drive, drive_kind, moment, crew, bench, stations, event)
                location = site.locations[f"Étagère A{1 + device_id % 6}"]
            elif next_state == State.TESTED:
                for item_id, item_code in self.checks.get(category.pk, []):
                    chunk.tests.append(
                        (device_id, item_id, True, "", bench, stations[WK.TEST], moment)
                    )
                    event(
                        DeviceEvent.Code.TEST,
                        moment,
                        bench,
                        stations[WK.TEST],
                        payload={"item": item_code, "passed": True, "note": ""},
                    )
                location = site.locations[f"Étagère B{1 + device_id % 6}"]
            elif next_state == State.IN_REPAIR:
                item_id = self.first_check.get(category.pk)
                if item_id:
                    chunk.tests.append(
                        (
                            device_id,
                            item_id,
                            False,
                            "Ne démarre pas",
                            bench,
                            stations[WK.TEST],
                            moment,
                        )
                    )
                    event(
                        DeviceEvent.Code.TEST,
                        moment,
                        bench,
                        stations[WK.TEST],
                        payload={"item": "power_on", "passed": False, "note": "Ne démarre pas"},
                    )
                location = site.locations[f"Étagère C{1 + device_id % 6}"]
            elif next_state == State.GRADED:
                grade_code = rng.choice("AABBC")
            elif next_state in (State.ON_SALE, State.RESERVED):
                location = site.locations["Boutique"]
            elif next_state in (State.HARVESTED, State.RECYCLED):
                repair_id = self.next_repair
                self.next_repair += 1
                status = Repair.Status.ABANDONED
                chunk.repairs.append(
                    (
                        repair_id,
                        device_id,
                        "Carte mère HS",
                        "",
                        "",
                        status,
                        crew[roles.COACH],
                        moment,
                        moment,
                    )
                )
                event(
                    DeviceEvent.Code.REPAIR,
                    moment,
                    crew[roles.COACH],
                    station,
                    payload={"repair": repair_id, "status": status, "fault": "Carte mère HS"},
                )
                location = site.locations[
                    "Zone recyclage" if next_state == State.RECYCLED else "Bac pièces détachées"
                ]
            elif next_state == State.WRITTEN_OFF:
                location = None
            payload = {"grade": grade_code} if grade_code else {}
            event(
                DeviceEvent.Code.TRANSITION,
                moment,
                actor,
                station,
                state,
                next_state,
                REASONS.get(next_state, ""),
                payload,
            )
            state = next_state
            changed_at = moment
        for drive_id, drive_tag, drive_serial, status in drives:
            chunk.drives.append(
                (
                    drive_id,
                    device_id,
                    drive_tag,
                    drive_serial,
                    f"{drive_kind.upper()} {size_gb} Go",
                    drive_kind,
                    size_gb * 10**9,
                    status,
                    {},
                    False,
                    received_at + timedelta(minutes=30),
                )
            )
        specs = {"cpu": rng.choice(CPUS), "ram_gb": rng.choice((4, 8, 8, 16))} if drive_kind else {}
        chunk.devices.append(
            (
                device_id,
                tag,
                site.id,
                collection_id,
                category.pk,
                make,
                model,
                serial,
                specs,
                weight,
                location,
                state,
                self.grades.get(grade_code),
                no_storage,
                received_at,
                changed_at,
                changed_at,
                seq,
                bench,
            )
        )

    @staticmethod
    def _actor(crew, state, bench):
        if state in (State.HARVESTED, State.RECYCLED):
            return crew[roles.COACH]
        if state in (State.ON_SALE, State.RESERVED, State.SOLD, State.RETURNED):
            return crew[roles.SHOP]
        if state == State.WRITTEN_OFF:
            return crew[roles.MANAGER]
        return bench

    def _erase(self, chunk, drive, drive_kind, moment, crew, bench, stations, event):
        drive_id, drive_tag, drive_serial, _status = drive
        station = stations[WK.ERASURE]
        started = moment - timedelta(hours=2)
        if drive_id % 20 == 0:  # one drive in twenty fails its erasure and is shredded
            chunk.erasures.append(
                (
                    drive_id,
                    "clear",
                    "DoD short",
                    "nwipe 0.34",
                    3,
                    False,
                    "failed",
                    started,
                    moment - timedelta(hours=1),
                    bench,
                    station,
                    "",
                    moment,
                )
            )
            event(
                DeviceEvent.Code.ERASURE,
                moment,
                bench,
                station,
                payload={
                    "drive": drive_tag,
                    "serial": drive_serial,
                    "method": "clear",
                    "standard": "DoD short",
                    "tool": "nwipe 0.34",
                    "passes": 3,
                    "verified": False,
                    "result": "failed",
                    "drive_status": Drive.Status.FAILED,
                },
            )
            chunk.destructions.append(
                (
                    drive_id,
                    "shredding",
                    "Encadrant technique",
                    crew[roles.COACH],
                    station,
                    moment,
                    "",
                )
            )
            event(
                DeviceEvent.Code.DESTRUCTION,
                moment,
                crew[roles.COACH],
                station,
                payload={
                    "drive": drive_tag,
                    "serial": drive_serial,
                    "method": "shredding",
                    "witness": "Encadrant technique",
                },
            )
            drive[3] = Drive.Status.DESTROYED
            return
        purge = drive_kind in (Drive.Kind.SSD, Drive.Kind.NVME)
        method, tool, standard, passes = (
            ("purge", "nvme-cli sanitize", "crypto erase", 1)
            if purge
            else ("clear", "nwipe 0.34", "DoD short", 3)
        )
        chunk.erasures.append(
            (
                drive_id,
                method,
                standard,
                tool,
                passes,
                True,
                "success",
                started,
                moment - timedelta(minutes=5),
                bench,
                station,
                "",
                moment,
            )
        )
        event(
            DeviceEvent.Code.ERASURE,
            moment,
            bench,
            station,
            payload={
                "drive": drive_tag,
                "serial": drive_serial,
                "method": method,
                "standard": standard,
                "tool": tool,
                "passes": passes,
                "verified": True,
                "result": "success",
                "drive_status": Drive.Status.ERASED,
            },
        )
        drive[3] = Drive.Status.ERASED


def step_devices(ctx: SeedContext) -> None:
    """Write every device with its drives, erasures, tests, repairs and events, in chunks."""
    _check_columns()
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
        for _ in range(size):
            maker.make(chunk, ctx.sites[site_index])
            site_index = (site_index + 1) % len(ctx.sites)
        with transaction.atomic():
            writer.write(Device, DEVICE_COLS, chunk.devices)
            writer.write(Drive, DRIVE_COLS, chunk.drives)
            writer.write(Erasure, ERASURE_COLS, chunk.erasures)
            writer.write(Destruction, DESTRUCTION_COLS, chunk.destructions)
            writer.write(TestResult, TEST_COLS, chunk.tests)
            writer.write(Repair, REPAIR_COLS, chunk.repairs)
            writer.write(DeviceEvent, EVENT_COLS, chunk.events)
        for name in ("devices", "drives", "erasures", "destructions", "tests", "repairs", "events"):
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
    """Move tag counters and primary-key sequences past the seeded rows."""
    with transaction.atomic():
        for site in ctx.sites:
            for kind, last in ((DEVICE, site.next_device), (DRIVE, site.next_drive)):
                TagSequence.objects.update_or_create(
                    site_id=site.id, kind=kind, defaults={"last_number": last}
                )
        sql = connection.ops.sequence_reset_sql(
            no_style(), [Donor, Collection, Device, Drive, Repair, Location]
        )
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


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
    # Later phases: Step("kits", …), Step("sales", …) go here, before the counters.
    Step("counters", step_counters),
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
