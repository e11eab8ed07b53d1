"""Every list and detail endpoint runs the same number of queries for 1 row and for 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import services as inventory_services
from refurb import services as refurb_services
from refurb.models import ChecklistItem
from tests import factories


def _devices(n, ctx):
    for _ in range(n):
        factories.make_device(site=ctx["site"], actor=ctx["user"])
    return "/api/devices/"


def _drives(n, ctx):
    device = factories.make_device(site=ctx["site"], actor=ctx["user"])
    for _ in range(n):
        refurb_services.drive_add(device=device, actor=ctx["user"])
    return "/api/drives/"


def _erased_drives(n, ctx):
    device = factories.make_device(site=ctx["site"], actor=ctx["user"])
    for _ in range(n):
        drive = refurb_services.drive_add(device=device, actor=ctx["user"])
        refurb_services.drive_record_erasure(
            drive=drive,
            method="clear",
            tool="nwipe",
            result="success",
            verified=True,
            actor=ctx["user"],
        )
    return device


def _destroyed_drives(n, ctx):
    device = factories.make_device(site=ctx["site"], actor=ctx["user"])
    for _ in range(n):
        drive = refurb_services.drive_add(device=device, actor=ctx["user"])
        refurb_services.drive_record_destruction(
            drive=drive, method="shredding", witness="Claire", actor=ctx["user"]
        )
    return "/api/destructions/"


def _test_results(n, ctx):
    device = factories.make_device(site=ctx["site"], actor=ctx["user"])
    item = ChecklistItem.objects.filter(category=device.category).first()
    for _ in range(n):
        refurb_services.test_record_result(device=device, item=item, passed=True, actor=ctx["user"])
    return device


def _locations(n, ctx):
    for i in range(n):
        inventory_services.location_create(site=ctx["site"], name=f"Étagère {i}")
    return "/api/locations/"


def _donors(n, ctx):
    factories.DonorFactory.create_batch(n)
    return "/api/donors/"


def _collections(n, ctx):
    donor = factories.DonorFactory()
    for _ in range(n):
        inventory_services.collection_create(donor=donor, site=ctx["site"])
    return "/api/collections/"


def _sites(n, ctx):
    factories.SiteFactory.create_batch(n)
    return "/api/sites/"


def _workstations(n, ctx):
    factories.WorkstationFactory.create_batch(n, site=ctx["site"])
    return "/api/workstations/"


BUILDERS = {
    "devices": _devices,
    "events": lambda n, ctx: (_devices(n, ctx), "/api/events/")[1],
    "drives": _drives,
    "erasures": lambda n, ctx: (_erased_drives(n, ctx), "/api/erasures/")[1],
    "destructions": _destroyed_drives,
    "test results": lambda n, ctx: (_test_results(n, ctx), "/api/test-results/")[1],
    "locations": _locations,
    "donors": _donors,
    "collections": _collections,
    "sites": _sites,
    "workstations": _workstations,
    "device detail with its drives": lambda n, ctx: (
        f"/api/devices/{_erased_drives(n, ctx).asset_tag}/"
    ),
    "device timeline": lambda n, ctx: f"/api/devices/{_test_results(n, ctx).asset_tag}/timeline/",
}

# Session, user, roles, then the endpoint's own queries (count, rows, prefetches).
EXPECTED = {
    "devices": 4,
    "events": 4,
    "drives": 5,
    "erasures": 5,
    "destructions": 5,
    "test results": 5,
    "locations": 5,
    "donors": 5,
    "collections": 5,
    "sites": 5,
    "workstations": 5,
    "device detail with its drives": 5,
    "device timeline": 6,  # + the reader's site (read at the device's site only)
}


def _count(client, path) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(BUILDERS))
@pytest.mark.parametrize("rows", [1, 50])
def test_query_count_does_not_grow_with_rows(
    name, rows, site, bench_worker, client_as, django_assert_num_queries
):
    ctx = {"site": site, "user": bench_worker}
    path = BUILDERS[name](rows, ctx)
    client = client_as(bench_worker)
    with django_assert_num_queries(EXPECTED[name]):
        response = client.get(path)
    assert response.status_code == 200, response.content
    body = response.json()
    if isinstance(body, dict) and "results" in body:
        assert len(body["results"]) >= rows


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    from demo.walks import Crew
    from workshop.models import WorkstationKind

    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WorkstationKind.values},
    )


@pytest.mark.django_db
def test_a_transition_reads_the_device_once_and_its_drives_once_after_the_write(
    laptop, crew, client_as, django_assert_num_queries
):
    from demo.walks import device_advance
    from refurb.states import State

    device_advance(laptop, State.TESTED, crew)
    client = client_as(crew.bench, crew.stations["grading"])
    client.get("/api/scan/" + laptop.asset_tag)  # session and roles cached, as on a bench
    # session, user, roles, workstation, device; savepoint, lock, grade by code, update,
    # event, release; drives
    with django_assert_num_queries(TRANSITION_QUERIES):
        response = client.post(
            f"/api/devices/{laptop.asset_tag}/transitions/",
            {"to": "graded", "payload": {"grade": "B"}},
            format="json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["device"]["state"], body["device"]["grade"]) == ("graded", "B")
    assert body["device"]["event_seq"] == body["event"]["seq"]
    assert [d["tag"] for d in body["device"]["drives"]] == list(
        laptop.drives.values_list("tag", flat=True)
    )


# 13 before the view stopped reading the device and drives twice; 12 with the stay insert;
# 13 with the actor's site (the site boundary, workshop/access.py); 14 since every move is
# made from a workstation (the browser's bench, read from its cookie); 13 since the service
# reads and locks the device by its tag in one query (issue 19)
TRANSITION_QUERIES = 13


@pytest.mark.django_db(transaction=True)
def test_a_scanner_transition_costs_five_queries(laptop, crew, django_assert_num_queries):
    """The scanner's hot path (issue 19: at most 5): with its workstation token, a move costs
    the device locked by its tag with what the answer shows, its update, the event, the stay
    it ends, and the drives of the answer. The token was looked up by the scan before it
    (``workshop.tokencache``). A transactional test: as in production, the service's
    transaction is the outermost one (no savepoints). SQLite's ``BEGIN IMMEDIATE`` and
    ``COMMIT`` are statements of their own (``transaction_mode``), PostgreSQL's are not."""
    from rest_framework.test import APIClient

    from demo.walks import device_advance
    from refurb.states import State
    from workshop.services import workstation_token_create

    device_advance(laptop, State.TESTED, crew)
    _token, key = workstation_token_create(workstation=crew.stations["test"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/scan/" + laptop.asset_tag).status_code == 200
    # 11 on both databases since a move into repair opens its ticket (refurb.repairs): the
    # checklist and the results whose failures it copies, the open-ticket check and the
    # ticket's insert (SQLite also counts its BEGIN and COMMIT; PostgreSQL's two more are to
    # be looked at, issue 19). It was 17 while the public catalogue refreshed after every
    # device event; a device that is not and was not on sale has no catalogue row, so its
    # events schedule no refresh (shop.catalogue_sync.concerns_catalogue): 11 again; 10 since
    # the ticket reads the failed checks in one query (refurb.repairs.failed_checks).
    with django_assert_num_queries(10):
        response = client.post(
            f"/api/devices/{laptop.asset_tag}/transitions/", {"to": "in_repair"}, format="json"
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["device"]["state"] == "in_repair"
    assert body["device"]["site"] == laptop.site.code
    assert body["device"]["event_seq"] == body["event"]["seq"]
    laptop.refresh_from_db()
    assert laptop.state == "in_repair"


@pytest.mark.django_db
def test_a_transition_of_an_unknown_tag_answers_404(token_client):
    response = token_client("test").post(
        "/api/devices/NOPE-404/transitions/", {"to": "in_repair"}, format="json"
    )
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
