"""Measure the REST API through the whole Django stack, request by request.

Each API scenario waits for its URL: it is skipped (its setup returns ``None``) until that URL
resolves on this branch. Snapshot ingestion posts a bench-agent report of a new machine per
sample, as a bench would.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from bench.scenarios.base import BenchEnv, check_response, url_exists
from bench.snapshots import _template, snapshot_payload
from refurb.models import ChecklistItem, Device
from refurb.services import device_transition, test_record_result
from refurb.states import State
from workshop.models import Site, WorkerProfile, Workstation
from workshop.models import WorkstationKind as WK
from workshop.roles import BENCH_WORKER
from workshop.services import user_token_create, workstation_token_create

BENCH_ROLE = frozenset({BENCH_WORKER})


def api_scenario(
    path_for: Callable[[BenchEnv, int], str],
    method: str = "get",
    body=None,
    expected=(200, 201),
):
    """Return the setup of an API scenario: GET (or POST ``body``) ``path_for(env, i)``."""

    def setup(env: BenchEnv):
        probe = path_for(env, 0)
        if not url_exists(probe.split("?")[0]):
            return None

        def run(i):
            path = path_for(env, i)
            if method == "get":
                return check_response(env.client.get(path, HTTP_ACCEPT="application/json"))
            data = body(env, i)
            return check_response(
                env.client.post(path, json.dumps(data), content_type="application/json"),
                expected,
            )

        return run

    return setup


def api_transition_body(env: BenchEnv, i: int) -> dict:
    """Return the body asking to reserve sample device ``i``: a service-only move, so the API
    refuses it (409 ``service_only``) after loading and locking the device, every time."""
    return {"to": State.RESERVED}


def api_list_path(filters: dict) -> str:
    """The API device list filtered like the admin list (the API filters by codes)."""
    return (
        f"/api/devices/?state={filters['state']}&site={filters['site_code']}"
        f"&category={filters['category_code']}"
    )


def api_transition_path(env: BenchEnv, i: int) -> str:
    """Return the transitions URL of sample device ``i``."""
    return f"/api/devices/{env.sale_devices[i % len(env.sale_devices)].asset_tag}/transitions/"


def api_list_path_at(env: BenchEnv, i: int) -> str:
    """Return the API device list filtered like sample filter ``i``."""
    f = env.list_filters[i % len(env.list_filters)]
    return api_list_path(f)


def setup_snapshot_ingest(env: BenchEnv):
    """POST one bench-agent snapshot of a new machine (unique serials) per sample."""
    if not url_exists("/api/snapshots/"):
        return None
    site = Site.objects.order_by("code").first()
    user, _created = get_user_model().objects.get_or_create(username="bench-agent")
    user.groups.add(Group.objects.get(name=BENCH_WORKER))
    # A person acts at their own site only (workshop/access.py).
    WorkerProfile.objects.update_or_create(user=user, defaults={"site": site})
    _token, key = user_token_create(user=user, label="bench")
    agent = Client(HTTP_AUTHORIZATION=f"Token {key}")
    template = _template()
    stamp = f"B{int(time.time()) % 10**6:06d}"

    def run(i):
        raw = snapshot_payload(f"{stamp}{i:06d}", template)
        return check_response(
            agent.post(f"/api/snapshots/?site={site.code}", raw, content_type="application/json"),
            (201,),
        )

    return run


def setup_transition_ok(env: BenchEnv):
    """POST a move the API makes, as a test bench's scanner would (its workstation token):
    ``tested`` → ``in_repair``, one device of that bench's site per sample. Each device is put
    back to ``tested`` (by the same service, outside the clock) before it is used again."""
    if not url_exists("/api/devices/X/transitions/"):
        return None
    station = Workstation.objects.filter(kind=WK.TEST, is_active=True).order_by("pk").first()
    if station is None:
        return None
    pool = list(
        Device.objects.filter(site_id=station.site_id, state=State.TESTED)
        .select_related("site")
        .order_by("pk")[:256]
    )
    if not pool:
        return None
    _token, key = workstation_token_create(workstation=station, label="bench-test")
    scanner = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    repaired: set[int] = set()

    def prepare(i):
        device = pool[i % len(pool)]
        if device.pk in repaired:
            # Back to tested as a bench would: the mandatory checks passed in the new cycle.
            for item in ChecklistItem.objects.filter(
                category_id=device.category_id, mandatory=True
            ):
                test_record_result(
                    device=device, item=item, passed=True, actor=None, workstation=station
                )
            device_transition(
                device=device, to=State.TESTED, actor=None, workstation=station, roles=BENCH_ROLE
            )
            repaired.discard(device.pk)

    def run(i):
        device = pool[i % len(pool)]
        response = scanner.post(
            f"/api/devices/{device.asset_tag}/transitions/",
            json.dumps({"to": State.IN_REPAIR}),
            content_type="application/json",
        )
        check_response(response, (200,))
        repaired.add(device.pk)
        return response

    run.prepare = prepare
    return run
