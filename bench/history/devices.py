"""Build one device's whole history, as the real services would have written it.

``DeviceMaker.make`` appends to a ``Chunk`` the rows of one device: the device, its drives,
erasures, destructions, test results, repairs and events. Histories follow ``PATHS`` of
``demo.walks`` (the shortest legal route to each final state), so every event sequence is a
valid walk through the transition table, with increasing timestamps and ``event_seq`` = k.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max

from bench.history.drives import erase_drive
from bench.history.sales import ShopHistory
from bench.history.tables import Chunk
from demo.management.commands.seed_demo import MODELS
from demo.walks import PATHS, REASONS, ROLE_FOR, STATION_FOR
from refurb.events import event_hash
from refurb.models import (
    Category,
    ChecklistItem,
    Device,
    DeviceEvent,
    Drive,
    Grade,
    Repair,
)
from refurb.states import TEST_CYCLE_STATES, State
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.tags import DEVICE, DRIVE, make_tag

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

KIT_SHARE = 0.04  # of the devices left on sale, the share sold as a pair under a kit tag


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
        self.shop = ShopHistory(self.grades)
        self.kits_allowed = True
        # ``ctx.on_sale``: exactly that many devices end on sale (kits included), the others
        # drawn from the rest of the mix (selection sampling: the count is exact, the order
        # random). None keeps the mature network's proportions of ``STATE_MIX``.
        self.on_sale_target = getattr(ctx, "on_sale", None)
        self.made = 0
        self.on_sale_made = 0
        self.other_states = [s for s in STATE_MIX if s != State.ON_SALE]
        self.other_weights = [STATE_MIX[s] for s in self.other_states]

    def _on_sale_left(self) -> int:
        return self.on_sale_target - self.on_sale_made

    def _target(self) -> str:
        rng = self.rng
        if self.on_sale_target is None:
            return rng.choices(self.states, self.state_weights)[0]
        left = self.ctx.devices - self.made
        if left > 0 and rng.random() * left < self._on_sale_left():
            return State.ON_SALE
        return rng.choices(self.other_states, self.other_weights)[0]

    def make(self, chunk: Chunk, site, kit: tuple | None = None) -> int:
        """Append one device (and its kit partner when it opens a kit pair); return how many."""
        rng = self.rng
        code = rng.choices(self.cat_codes, self.cat_weights)[0]
        category = self.categories[code]
        make, model, drive_kind, size_gb = rng.choice(MODELS[code])
        target = State.ON_SALE if kit else self._target()
        self.made += 1
        self.on_sale_made += target == State.ON_SALE
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
        cycle = 0
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
                    event(
                        DeviceEvent.Code.NO_STORAGE_SIGNED_OFF,
                        moment,
                        crew[roles.COACH],
                        stations[WK.ERASURE],
                        payload={"declared_by": "", "declaration_seq": seq},
                    )
                for drive in drives:
                    erase_drive(chunk, drive, drive_kind, moment, crew, bench, stations, event)
                location = site.locations[f"Étagère A{1 + device_id % 6}"]
            elif next_state == State.TESTED:
                for item_id, item_code in self.checks.get(category.pk, []):
                    chunk.tests.append(
                        (device_id, item_id, True, "", bench, stations[WK.TEST], moment, cycle)
                    )
                    event(
                        DeviceEvent.Code.TEST,
                        moment,
                        bench,
                        stations[WK.TEST],
                        payload={"item": item_code, "passed": True, "note": "", "cycle": cycle},
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
                            cycle,
                        )
                    )
                    event(
                        DeviceEvent.Code.TEST,
                        moment,
                        bench,
                        stations[WK.TEST],
                        payload={
                            "item": "power_on",
                            "passed": False,
                            "note": "Ne démarre pas",
                            "cycle": cycle,
                        },
                    )
                location = site.locations[f"Étagère C{1 + device_id % 6}"]
            elif next_state == State.GRADED:
                grade_code = rng.choice("AABBC")
            elif next_state == State.ON_SALE:
                location = site.locations["Boutique"]
                price = self.shop.price(chunk, device_id, category, grade_code, moment)
            elif next_state == State.RESERVED:
                location = site.locations["Boutique"]
            elif next_state == State.SOLD:
                sale_payload = self.shop.sold(
                    chunk, site, (device_id, tag, serial, category, make, model), price, moment
                )
            elif next_state == State.RETURNED:
                return_payload = self.shop.returned(chunk, site, moment)
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
                        [],
                        "Carte mère HS",
                        Repair.Outcome.HARVEST
                        if next_state == State.HARVESTED
                        else Repair.Outcome.RECYCLE,
                        Repair.Barrier.PARTS_UNAVAILABLE,
                        station,
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
            if next_state in TEST_CYCLE_STATES:
                cycle += 1
                payload["cycle"] = cycle
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
            and (self.on_sale_target is None or self._on_sale_left() >= 1)
            and rng.random() < KIT_SHARE
        ):
            kit = self.shop.kit_open(site, moment)
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
            # Who made it, as event_append says (chain format 2 seals it).
            kind = (
                DeviceEvent.ActorKind.PERSON.value
                if row[5] is not None
                else (
                    DeviceEvent.ActorKind.AGENT.value
                    if row[6]
                    else DeviceEvent.ActorKind.SYSTEM.value
                )
            )
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
                actor_kind=kind,
            )
            events[index] = (
                *row[:7],
                kind,
                *row[7:],
                events[index - 1][-1] if index else "",
                head,
            )
        chunk.events.extend(events)
        for drive_id, drive_tag, drive_serial, status in drives:
            chunk.drives.append(
                (
                    drive_id,
                    device_id,
                    None,  # taken_from: never fitted elsewhere
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
        specs = {}
        if drive_kind:
            specs = {"cpu": rng.choice(CPUS), "ram_gb": rng.choice((4, 8, 8, 16))}
            # What the catalogue filters on (``shop.services.catalogue``), no random draw added.
            specs.update(storage_gb=size_gb, storage_kind=drive_kind)
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
                no_storage,
                received_at,
                changed_at,
                changed_at,
                seq,
                cycle,
                head,
                bench,
            )
        )
        if kit is None:
            return 1
        if len(kit[3]) == 1:
            return 1 + self.make(chunk, site, kit)
        self.shop.kit_close(chunk, site, kit)
        return 1

    @staticmethod
    def _actor(crew, state, bench):
        """The walkers' role for the move into ``state`` (bench workers take turns)."""
        role = ROLE_FOR[state]
        return bench if role == roles.BENCH_WORKER else crew[role]
