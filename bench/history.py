"""One device's whole history, built as the real services would have written it.

``DeviceMaker.make`` appends to a ``Chunk`` the rows of one device: the device, its drives,
erasures, destructions, test results, repairs and events. Histories follow ``PATHS`` of
``demo.walks`` (the shortest legal route to each final state), so every event sequence is a
valid walk through the transition table, with increasing timestamps and ``event_seq`` = k.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from bench.writers import columns
from demo.management.commands.seed_demo import MODELS
from demo.walks import PATHS, REASONS, ROLE_FOR, STATION_FOR
from refurb.events import event_hash
from refurb.models import (
    Category,
    ChecklistItem,
    Destruction,
    Device,
    DeviceEvent,
    Drive,
    Erasure,
    Grade,
    Repair,
    TestResult,
)
from refurb.states import State
from shop.models import (
    Buyer,
    CreditNote,
    CreditNoteLine,
    DevicePrice,
    Kit,
    KitItem,
    PaymentMethod,
    PriceRule,
    Sale,
    SaleLine,
)
from shop.selectors import add_months
from shop.services.sales import credit_note_number, invoice_number
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.tags import DEVICE, DRIVE, KIT, make_tag

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


DEVICE_COLS = [
    "id", "asset_tag", "site_id", "collection_id", "category_id", "make", "model",
    "serial_number", "specs", "weight_kg", "location_id", "state", "grade_id",
    "no_storage_confirmed", "received_at", "state_changed_at", "updated_at", "event_seq",
    "event_head", "created_by_id",
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
    "power_on_hours",
    "reallocated",
    "pending",
    "media_errors",
    "smart_passed",
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
    "prev_hash",
    "hash",
]
SALE_COLS = [
    "id", "site_id", "number", "year", "seq", "buyer_id", "tier", "payment_method",
    "vat_regime", "total", "vat_total", "warranty_until", "seller", "buyer_snapshot",
    "completed_at", "actor_id", "workstation_id",
]  # fmt: skip
SALE_LINE_COLS = [
    "id", "sale_id", "device_id", "kit_id", "position", "asset_tag", "serial_number",
    "description", "category_code", "price", "vat", "returned",
]  # fmt: skip
CREDIT_NOTE_COLS = [
    "id", "site_id", "number", "year", "seq", "sale_id", "reason", "total", "vat_total",
    "created_at", "actor_id",
]  # fmt: skip
CREDIT_LINE_COLS = ["credit_note_id", "sale_line_id", "amount", "vat"]
KIT_COLS = [
    "id", "site_id", "tag", "name", "solidarity_price", "standard_price", "status",
    "created_at", "created_by_id",
]  # fmt: skip
KIT_ITEM_COLS = ["kit_id", "device_id", "position", "active"]
PRICE_COLS = [
    "device_id", "rule_id", "spec_tier_name", "solidarity_price", "standard_price",
    "free_of_charge", "overridden", "override_reason", "set_at",
]  # fmt: skip

# Written in this order inside a chunk's transaction (foreign keys point backwards).
CHUNK_TABLES = [
    ("devices", Device, DEVICE_COLS),
    ("drives", Drive, DRIVE_COLS),
    ("erasures", Erasure, ERASURE_COLS),
    ("destructions", Destruction, DESTRUCTION_COLS),
    ("tests", TestResult, TEST_COLS),
    ("repairs", Repair, REPAIR_COLS),
    ("events", DeviceEvent, EVENT_COLS),
    ("prices", DevicePrice, PRICE_COLS),
    ("kits", Kit, KIT_COLS),
    ("kit_items", KitItem, KIT_ITEM_COLS),
    ("sales", Sale, SALE_COLS),
    ("sale_lines", SaleLine, SALE_LINE_COLS),
    ("credit_notes", CreditNote, CREDIT_NOTE_COLS),
    ("credit_lines", CreditNoteLine, CREDIT_LINE_COLS),
]
SKIP_ID = {Erasure, Destruction, TestResult, DeviceEvent, DevicePrice, KitItem, CreditNoteLine}
FALLBACK_PRICE = (Decimal("30.00"), Decimal("60.00"))
KIT_SHARE = 0.04  # of the devices left on sale, the share sold as a pair under a kit tag


def check_columns() -> None:
    """Fail loudly when a model gains or loses a column the seeder does not write."""
    for _name, model, cols in CHUNK_TABLES:
        skip_id = model in SKIP_ID
        expected = columns(model)[1:] if skip_id else columns(model)
        # The writers name every column, so only the set of columns must match.
        if sorted(expected) != sorted(cols):
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
    prices: list = field(default_factory=list)
    kits: list = field(default_factory=list)
    kit_items: list = field(default_factory=list)
    sales: list = field(default_factory=list)
    sale_lines: list = field(default_factory=list)
    credit_notes: list = field(default_factory=list)
    credit_lines: list = field(default_factory=list)


class DeviceMaker:
    """Build one device's rows and its whole history, as the services would have written it."""

    def __init__(self, ctx):
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
        self.next_sale = (Sale.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_line = (SaleLine.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_note = (CreditNote.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_kit = (Kit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.kits_allowed = True
        self.rules = {
            (rule.category_id, rule.grade_id): rule
            for rule in PriceRule.objects.filter(is_active=True, spec_tier__isnull=True)
        }

    def make(self, chunk: Chunk, site, kit: tuple | None = None) -> int:
        """Append one device (and its kit partner when it opens a kit pair); return how many."""
        rng = self.rng
        code = rng.choices(self.cat_codes, self.cat_weights)[0]
        category = self.categories[code]
        make, model, drive_kind, size_gb = rng.choice(MODELS[code])
        target = State.ON_SALE if kit else rng.choices(self.states, self.state_weights)[0]
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
        events: list = []
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
            elif next_state == State.ON_SALE:
                location = site.locations["Boutique"]
                price = self._price(chunk, device_id, category, grade_code, moment)
            elif next_state == State.RESERVED:
                location = site.locations["Boutique"]
            elif next_state == State.SOLD:
                sale_payload = self._sold(
                    chunk, site, (device_id, tag, serial, category, make, model), price, moment
                )
            elif next_state == State.RETURNED:
                return_payload = self._returned(chunk, site, moment)
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
            if next_state == State.ON_SALE:
                payload["price"] = {
                    "solidarity": str(price[1]),
                    "standard": str(price[2]),
                    "rule": price[0],
                    "overridden": False,
                }
            elif next_state == State.SOLD:
                payload.update(sale_payload)
            elif next_state == State.RETURNED:
                payload.update(return_payload)
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
        if (
            target == State.ON_SALE
            and kit is None
            and self.kits_allowed
            and rng.random() < KIT_SHARE
        ):
            kit = self._kit_open(site, moment)
        if kit is not None:
            moment += timedelta(minutes=10)
            event(
                DeviceEvent.Code.UPDATED,
                moment,
                crew[roles.SHOP],
                stations[WK.SHOP],
                payload={"kit": kit[1], "action": "assembled"},
            )
            kit[3].append((device_id, price, moment))
        head = ""
        for index, row in enumerate(events):
            head = event_hash(
                asset_tag=tag,
                seq=row[1],
                code=row[2],
                from_state=row[3],
                to_state=row[4],
                actor_id=row[5],
                workstation_id=row[6],
                reason=row[7],
                payload=row[8],
                created_at=row[9],
                prev_hash=events[index - 1][-1] if index else "",
            )
            events[index] = (*row, events[index - 1][-1] if index else "", head)
        chunk.events.extend(events)
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
                    rng.randint(200, 40_000),  # power-on hours of a donated drive
                    0,
                    0,
                    None,
                    True,
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
                head,
                bench,
            )
        )
        if kit is None:
            return 1
        if len(kit[3]) == 1:
            return 1 + self.make(chunk, site, kit)
        self._kit_close(chunk, site, kit)
        return 1

    def _price(self, chunk, device_id, category, grade_code, moment):
        rule = self.rules.get((category.pk, self.grades.get(grade_code)))
        if rule is None:
            rule_id, (solidarity, standard) = None, FALLBACK_PRICE
        else:
            solidarity = Decimal("0.00") if rule.free_of_charge else rule.solidarity_price
            rule_id, standard = rule.pk, rule.standard_price
        chunk.prices.append(
            (device_id, rule_id, "", solidarity, standard, solidarity == 0, False, "", moment)
        )
        return rule_id, solidarity, standard

    def _sold(self, chunk, site, device, price, moment):
        """Write a one-line sale, its invoice numbered gaplessly per site and year."""
        device_id, tag, serial, category, make, model = device
        year = timezone.localtime(moment).year
        seq = site.invoices[year] = site.invoices.get(year, 0) + 1
        number = invoice_number(site.code, year, seq)
        buyer_id, snapshot = site.buyers[device_id % len(site.buyers)]
        amount = price[1]
        sale_id, line_id = self.next_sale, self.next_line
        self.next_sale += 1
        self.next_line += 1
        chunk.sales.append(
            (
                sale_id, site.id, number, year, seq, buyer_id, Buyer.Tier.SOLIDARITY,
                PaymentMethod.CASH if amount else PaymentMethod.FREE, site.vat_regime, amount,
                Decimal("0.00"), add_months(timezone.localtime(moment).date(), 12), site.seller,
                snapshot, moment, site.crew[roles.SHOP], site.stations[WK.SHOP],
            )
        )  # fmt: skip
        chunk.sale_lines.append(
            [
                line_id, sale_id, device_id, None, 1, tag, serial, f"{make} {model}".strip(),
                category.code, amount, Decimal("0.00"), False,
            ]
        )  # fmt: skip
        self._last_sale = (sale_id, number, line_id, amount)
        return {"invoice": number, "price": str(amount), "kit": None}

    def _returned(self, chunk, site, moment):
        """Take the device just sold back with a credit note (numbered per site and year)."""
        sale_id, number, line_id, amount = self._last_sale
        chunk.sale_lines[-1][-1] = True
        year = timezone.localtime(moment).year
        seq = site.credit_notes[year] = site.credit_notes.get(year, 0) + 1
        note_number = credit_note_number(site.code, year, seq)
        note_id = self.next_note
        self.next_note += 1
        chunk.credit_notes.append(
            (
                note_id, site.id, note_number, year, seq, sale_id, REASONS.get(State.RETURNED, ""),
                amount, Decimal("0.00"), moment, site.crew[roles.SHOP],
            )
        )  # fmt: skip
        chunk.credit_lines.append((note_id, line_id, amount, Decimal("0.00")))
        return {"invoice": number, "credit_note": note_number}

    def _kit_open(self, site, moment):
        site.next_kit += 1
        kit_id = self.next_kit
        self.next_kit += 1
        return (kit_id, make_tag(site.code, KIT, site.next_kit), moment, [])

    def _kit_close(self, chunk, site, kit):
        kit_id, kit_tag, _opened, members = kit
        chunk.kits.append(
            (
                kit_id, site.id, kit_tag, "Poste complet", sum(m[1][1] for m in members),
                sum(m[1][2] for m in members), Kit.Status.ASSEMBLED, max(m[2] for m in members),
                site.crew[roles.SHOP],
            )
        )  # fmt: skip
        for position, (device_id, _price, _moment) in enumerate(members):
            chunk.kit_items.append((kit_id, device_id, position, True))

    @staticmethod
    def _actor(crew, state, bench):
        """The walkers' role for the move into ``state`` (bench workers take turns)."""
        role = ROLE_FOR[state]
        return bench if role == roles.BENCH_WORKER else crew[role]

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
