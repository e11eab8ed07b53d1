"""A property test of the whole machine (issue 15, item 8).

Hypothesis draws random sequences of steps over a small workshop (three devices, every role,
every kind of workstation): API requests as each role (with a bench, with none, with a
workstation token), direct service calls (moves, erasures, checklists, drives found late,
sales, returns, reservations, expiry) and admin saves. Refusals are expected; after every
step the invariants must hold:

- no device out of the building with a drive that is not safe;
- every sold device on exactly one sale line not returned (and no other device on one);
- every reservation matches its device's state, both ways;
- the state of each device equals the replay of its events, drive statuses agree with their
  evidence, and every event chain is intact;
- no request answers a 5xx.

``make test`` runs a bounded number of examples; ``make soak`` runs 10,000 steps
(``ATELIER_MACHINE_STEPS``) and prints the figures.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from demo.walks import (
    device_install_system,
    device_make_safe,
    device_pass_checklist,
    device_reserve,
    device_sell,
    device_take_back,
)
from refurb.chain import chains_verify
from refurb.integrity import integrity_problems
from refurb.models import Category, Device, DeviceEvent, WriteOff
from refurb.services import (
    device_confirm_no_storage,
    device_refuse_no_storage,
    device_sign_off_no_storage,
    device_transition,
    device_update,
    device_write_off,
    drive_add,
)
from refurb.states import State
from refurb.transitions import moves_from, walker_role, walker_station
from shop.models import Reservation, SaleLine
from shop.services import reservation_release, reservations_expire
from tests import factories
from tests.shop.support import make_grid
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind
from workshop.services import badge_create, office_workstation, workstation_token_create

STEPS = int(os.environ.get("ATELIER_MACHINE_STEPS", "150"))
STEPS_PER_EXAMPLE = 40
# Hypothesis draws lists of about 9 steps on average: ask for enough examples.
EXAMPLES = max(1, STEPS // 8)
SEED = int(os.environ.get("ATELIER_MACHINE_SEED", "15"))

WHO = ["bench", "coach", "shop", "manager"]
KINDS = [None, *WorkstationKind.values]
TARGETS = list(State.values)
PAYLOADS = [None, {"grade": "A"}, {"invoice": "LY-2026-000001"}, {"credit_note": "x"}]

UPDATES = [("category", "laptop"), ("category", "screen"), ("serial_number", "FIXED-1")]

device_index = st.integers(0, 2)
step = st.one_of(
    st.tuples(
        st.just("api"),
        device_index,
        st.sampled_from(TARGETS),
        st.sampled_from(WHO),
        st.sampled_from(KINDS),
        st.sampled_from(PAYLOADS),
    ),
    st.tuples(st.just("token"), device_index, st.sampled_from(TARGETS), st.sampled_from(KINDS[1:])),
    # A workstation token carrying the badge of someone of the crew (or a badge of no one).
    st.tuples(
        st.just("badge"),
        device_index,
        st.sampled_from(TARGETS),
        st.sampled_from(KINDS[1:]),
        st.sampled_from([*WHO, "nobody"]),
    ),
    # A correction of the device's identity (device_update), as a coach.
    st.tuples(st.just("update"), device_index, st.sampled_from(UPDATES)),
    st.tuples(
        st.just("service"),
        device_index,
        st.sampled_from(TARGETS),
        st.sampled_from(WHO),
        st.sampled_from(KINDS),
    ),
    st.tuples(
        st.sampled_from(
            ["erase", "checklist", "drive", "sell", "return", "reserve", "release", "expire"]
        ),
        device_index,
    ),
    st.tuples(st.just("admin"), device_index),
    # "No storage": a worker declares it, someone signs it off (four eyes, coach or manager).
    st.tuples(st.just("declare"), device_index, st.sampled_from(WHO)),
    st.tuples(st.just("sign_off"), device_index, st.sampled_from(WHO)),
    st.tuples(st.just("declare_sign"), device_index, st.sampled_from(WHO), st.sampled_from(WHO)),
    st.tuples(st.just("refuse"), device_index, st.sampled_from(WHO)),
    # The next legal move the workshop would make (its guards made true first), so that
    # sequences reach the shop, returns and write-offs, not only refusals.
    st.tuples(st.just("walk"), device_index, st.integers(0, 20)),
    st.tuples(st.just("walk"), device_index, st.integers(0, 20)),
    st.tuples(st.just("walk"), device_index, st.integers(0, 20)),
    st.tuples(st.just("walk"), device_index, st.integers(0, 20)),
)

FIGURES: Counter = Counter()


class Workshop:
    """The small workshop one example plays in (rolled back after the example)."""

    def __init__(self, site, crew, admin):
        self.site, self.crew, self.admin = site, crew, admin
        self.devices = [
            factories.make_device(site=site, actor=crew.bench, make="Dell", model="E7240"),
            factories.make_device(site=site, actor=crew.bench, category_code="screen"),
            factories.make_device(site=site, actor=crew.bench, make="HP", model="840"),
        ]
        drive_add(device=self.devices[0], actor=crew.bench, serial_number="WD-1")
        for who in WHO:
            badge_create(user=self.user(who), code=f"B-{who}", pin="1234")
        self.clients: dict = {}

    def user(self, who):
        return getattr(self.crew, who)

    def station(self, kind):
        if kind is None:
            return None
        if kind == WorkstationKind.OFFICE:
            return office_workstation(self.site)
        return self.crew.stations[kind]

    def client(self, who, kind):
        key = ("user", who, kind)
        if key not in self.clients:
            client = APIClient()
            client.force_login(self.user(who))
            if kind is not None:
                client.post(
                    reverse("bench:workstation"),
                    {"workstation": self.station(kind).pk},
                    format="multipart",
                )
            self.clients[key] = client
        return self.clients[key]

    def token(self, kind, badge=None):
        key = ("token", kind, badge)
        if key not in self.clients:
            _token, secret = workstation_token_create(workstation=self.station(kind))
            client = APIClient()
            headers = {"HTTP_AUTHORIZATION": f"Token {secret}"}
            if badge:
                headers["HTTP_X_ATELIER_BADGE"] = f"B-{badge}"
            client.credentials(**headers)
            self.clients[key] = client
        return self.clients[key]

    def play(self, action) -> str:
        """Make one step; return what came of it (``ok``, a refusal code, or ``skip``)."""
        name, index = action[0], action[1]
        device = Device.objects.get(pk=self.devices[index].pk)
        crew = self.crew
        path = f"/api/devices/{device.asset_tag}/transitions/"
        if name in ("api", "token", "badge"):
            if name == "api":
                _n, _i, target, who, kind, payload = action
                client = self.client(who, kind)
            elif name == "badge":
                _n, _i, target, kind, who = action
                payload, client = None, self.token(kind, badge=who)
            else:
                _n, _i, target, kind = action
                who, payload, client = None, None, self.token(kind)
            body = {"to": target, "reason": "pourquoi pas"}
            if payload:
                body["payload"] = payload
            response = client.post(path, body, format="json")
            assert response.status_code < 500, response.content
            return "ok" if response.status_code == 200 else response.json()["code"]
        try:
            if name == "service":
                _n, _i, target, who, kind = action
                device_transition(
                    device=device,
                    to=target,
                    actor=self.user(who),
                    workstation=self.station(kind),
                    reason="pourquoi pas",
                    payload={"grade": "B"} if target == State.GRADED else None,
                )
            elif name == "erase":
                device_make_safe(device, crew, now=timezone.now())
            elif name == "checklist":
                device_pass_checklist(device, crew, now=timezone.now())
            elif name == "drive":
                drive_add(
                    device=device,
                    actor=crew.bench,
                    serial_number="LATE",
                    workstation=crew.stations[WorkstationKind.ERASURE],
                )
            elif name == "sell":
                device_sell(device, crew, now=timezone.now())
            elif name == "return":
                if not SaleLine.objects.filter(device=device).exists():
                    return "skip"
                device_take_back(device, crew, now=timezone.now())
            elif name == "reserve":
                device_reserve(device, crew, now=timezone.now())
            elif name == "release":
                active = Reservation.objects.filter(device=device, status="active").first()
                if active is None:
                    return "skip"
                reservation_release(
                    reservation=active, actor=crew.shop, workstation=crew.stations["shop"]
                )
            elif name == "expire":
                Reservation.objects.filter(device=device, status="active").update(
                    expires_at=device.state_changed_at
                )
                reservations_expire()
            elif name == "admin":
                return self.admin_save(device)
            elif name == "update":
                field, value = action[2]
                if field == "category":
                    value = Category.objects.get(code=value)
                return (
                    "ok"
                    if device_update(device=device, actor=crew.coach, **{field: value})
                    else "skip"
                )
            elif name == "declare":
                device_confirm_no_storage(
                    device=device,
                    actor=self.user(action[2]),
                    workstation=crew.stations[WorkstationKind.ERASURE],
                )
            elif name == "refuse":
                device_refuse_no_storage(
                    device=device,
                    actor=self.user(action[2]),
                    reason="un SSD M.2 sous le capot",
                    workstation=crew.stations[WorkstationKind.ERASURE],
                )
            elif name in ("sign_off", "declare_sign"):
                if name == "declare_sign":
                    device_confirm_no_storage(
                        device=device,
                        actor=self.user(action[2]),
                        workstation=crew.stations[WorkstationKind.ERASURE],
                    )
                device_sign_off_no_storage(
                    device=device,
                    actor=self.user(action[-1]),
                    workstation=crew.stations[WorkstationKind.ERASURE],
                )
            elif name == "walk":
                return self.walk(device, action[2])
        except DomainError as error:
            return error.code
        return "ok"

    def walk(self, device, choice: int) -> str:
        moves = [m for m in moves_from(device.state).values() if m.service != "drive_found"]
        if choice % 5:  # mostly forward: a write-off one walk in five
            moves = [m for m in moves if m.target != State.WRITTEN_OFF] or moves
        if not moves:
            return "skip"
        move = moves[choice % len(moves)]
        crew = self.crew
        if move.target == State.WIPED:
            device_make_safe(device, crew, now=timezone.now())
        if move.target == State.TESTED:
            device_pass_checklist(device, crew, now=timezone.now())
        if move.target == State.ON_SALE and move.source == State.GRADED:
            device_install_system(device, crew, now=timezone.now())
        if move.service == "sale":
            device_sell(device, crew, now=timezone.now())
        elif move.service == "return":
            device_take_back(device, crew, now=timezone.now())
        elif move.service == "reservation":
            device_reserve(device, crew, now=timezone.now())
        elif move.service == "write_off":
            device_write_off(
                device=device,
                actor=crew.manager,
                workstation=self.station(walker_station(move)),
                reason="introuvable",
            )
        elif move.service == "reservation_end":
            reservation_release(
                reservation=Reservation.objects.get(device=device, status="active"),
                actor=crew.shop,
                workstation=crew.stations["shop"],
            )
        else:
            kind = walker_station(move)
            device_transition(
                device=device,
                to=move.target,
                actor=self.user(
                    {"bench_worker": "bench", "shop": "shop", "coach": "coach"}.get(
                        walker_role(move), "manager"
                    )
                ),
                workstation=self.station(kind),
                reason="pourquoi pas",
                payload={"grade": "B"} if move.target == State.GRADED else None,
            )
        return "ok"

    def admin_save(self, device) -> str:
        key = ("admin",)
        if key not in self.clients:
            client = APIClient()
            client.force_login(self.admin)
            self.clients[key] = client
        client = self.clients[key]
        url = reverse("admin:refurb_device_change", args=[device.pk])
        form = client.get(url).context["adminform"].form
        data = {name: form[name].value() or "" for name in form.fields}
        data.update(
            {
                "no_storage_confirmed": "on",
                "serial_number": "CHANGED",
                "drives-TOTAL_FORMS": "0",
                "drives-INITIAL_FORMS": "0",
                "events-TOTAL_FORMS": "0",
                "events-INITIAL_FORMS": "0",
            }
        )
        response = client.post(url, data, format="multipart")
        assert response.status_code < 500
        return "admin"


def check_invariants(world: Workshop) -> None:
    problems = integrity_problems()
    assert problems == [], [str(p) for p in problems]
    assert chains_verify().ok
    # Every write-off is proved by its own row, and every event says who made it.
    for device in world.devices:
        moves = DeviceEvent.objects.filter(device=device, to_state=State.WRITTEN_OFF).count()
        assert WriteOff.objects.filter(device=device).count() == moves
    assert not DeviceEvent.objects.filter(actor_kind="").exists()
    assert not DeviceEvent.objects.filter(actor_kind="person", actor__isnull=True).exists()
    # No data-holding device without a drive got past received on a declaration alone.
    unsigned = Device.objects.filter(
        category__holds_data=True, drives__isnull=True, no_storage_signed_off=False
    ).exclude(state__in=[State.RECEIVED, State.WRITTEN_OFF])
    assert not unsigned.exists(), list(unsigned.values_list("asset_tag", "state"))
    # Four eyes: every sign-off was given by someone else than the declaration it signs off.
    for event in DeviceEvent.objects.filter(code="no_storage_signed_off"):
        declaration = event.device.events.get(seq=event.payload["declaration_seq"])
        assert declaration.actor_id != event.actor_id, event


@pytest.fixture
def world_parts(site, crew, django_user_model):
    make_grid()
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    return site, crew, admin


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # No shrinking: each step hits the database, so shrinking takes minutes; a failure names
    # the steps that led to it instead (below).
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow(13)
@seed(SEED)
@given(steps=st.lists(step, min_size=5, max_size=STEPS_PER_EXAMPLE))
def test_no_sequence_of_steps_breaks_an_invariant(world_parts, steps):
    site, crew, admin = world_parts
    with transaction.atomic():
        world = Workshop(site, crew, admin)
        check_invariants(world)
        for number, action in enumerate(steps):
            try:
                outcome = world.play(action)
                FIGURES["steps"] += 1
                FIGURES[f"{action[0]}:{'ok' if outcome == 'ok' else 'refused'}"] += 1
                check_invariants(world)
            except AssertionError as error:
                raise AssertionError(f"after steps {steps[: number + 1]}: {error}") from None
        FIGURES["examples"] += 1
        for device in world.devices:
            FIGURES[f"final:{Device.objects.get(pk=device.pk).state}"] += 1
        transaction.set_rollback(True)


def teardown_module(module):
    if FIGURES and os.environ.get("ATELIER_MACHINE_REPORT"):
        print("\nmachine figures:", dict(sorted(FIGURES.items())))
