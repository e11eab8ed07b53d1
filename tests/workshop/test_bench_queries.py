"""Each bench page runs a fixed number of queries, with 1 or with 30 devices, drives or events.

Every count includes one query for the person's site (the site boundary of the benches,
``workshop/access.py``).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from demo.walks import device_advance
from inventory import services as inventory_services
from refurb import services as refurb_services
from refurb.models import ChecklistItem
from refurb.states import State
from tests import factories
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

SIZES = [1, 30]


def many_devices(site, actor, n):
    collection = inventory_services.collection_create(donor=factories.DonorFactory(), site=site)
    return [
        factories.make_device(
            site=site,
            actor=actor,
            collection=collection,
            make=f"Make {i}",
            model=f"Model {i}",
            now=collection.created_at.replace(year=2020),
        )
        for i in range(n)
    ]


def record_tests(device, actor, n):
    items = list(ChecklistItem.objects.filter(category=device.category))
    for i in range(n):
        refurb_services.test_record_result(
            device=device, item=items[i % len(items)], passed=True, actor=actor
        )


@pytest.mark.parametrize("n", SIZES)
def test_intake_page_queries_are_constant(
    at_bench, bench_worker, site, n, django_assert_num_queries
):
    for _i in range(n):
        inventory_services.collection_create(donor=factories.DonorFactory(), site=site)
    many_devices(site, bench_worker, n)
    client = at_bench(bench_worker, WK.INTAKE)
    with django_assert_num_queries(9):
        assert client.get(reverse("bench:intake")).status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_intake_device_page_queries_are_constant(
    at_bench, bench_worker, site, n, django_assert_num_queries
):
    device = many_devices(site, bench_worker, n)[0]
    client = at_bench(bench_worker, WK.INTAKE)
    with django_assert_num_queries(
        13
    ):  # +1 site boundary, +1 the site's workstations named by the next step, +1 its system
        assert (
            client.get(reverse("bench:intake-device", args=[device.asset_tag])).status_code == 200
        )


@pytest.mark.parametrize("n", SIZES)
def test_erasure_page_queries_are_constant(
    at_bench, bench_worker, laptop, n, django_assert_num_queries
):
    for _i in range(n):
        refurb_services.drive_add(device=laptop, actor=bench_worker)
    client = at_bench(bench_worker, WK.ERASURE)
    with django_assert_num_queries(
        12
    ):  # +1 site boundary, +1 the site's workstations named by the next step, +1 the site's
        # drives drawn for an independent check (R2v3 sampling), +1 its system
        assert (
            client.get(reverse("bench:erasure-device", args=[laptop.asset_tag])).status_code == 200
        )


@pytest.mark.parametrize("n", SIZES)
def test_test_page_queries_are_constant(
    at_bench, bench_worker, laptop, crew, n, django_assert_num_queries
):
    device_advance(laptop, State.WIPED, crew)
    record_tests(laptop, bench_worker, n)
    client = at_bench(bench_worker, WK.TEST)
    with django_assert_num_queries(
        16
    ):  # +1 site boundary, +1 the site's workstations named by the next step, +2 its system
        # and the images offered
        assert client.get(reverse("bench:test-device", args=[laptop.asset_tag])).status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_grading_page_queries_are_constant(
    at_bench, bench_worker, laptop, crew, n, django_assert_num_queries
):
    device_advance(laptop, State.TESTED, crew)
    record_tests(laptop, bench_worker, n)
    client = at_bench(bench_worker, WK.GRADING)
    with django_assert_num_queries(
        15
    ):  # +1 site boundary, +1 the site's workstations named by the next step, +2 its system
        # and the images offered, +1 its photos
        assert (
            client.get(reverse("bench:grading-device", args=[laptop.asset_tag])).status_code == 200
        )


@pytest.mark.parametrize("n", SIZES)
def test_device_card_queries_are_constant(
    at_bench, bench_worker, laptop, n, django_assert_num_queries
):
    record_tests(laptop, bench_worker, n)
    for _i in range(n):
        refurb_services.drive_add(device=laptop, actor=bench_worker)
    client = at_bench(bench_worker, WK.STOCK)
    with django_assert_num_queries(
        11
    ):  # +1 site boundary, +1 the site's workstations named by the next step, +1 its system
        assert client.get(reverse("bench:device", args=[laptop.asset_tag])).status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_coach_page_queries_are_constant(
    at_bench, coach, bench_worker, site, n, django_assert_num_queries
):
    devices = many_devices(site, bench_worker, n)
    record_tests(devices[0], bench_worker, n)
    for device in devices:  # each waits for the coach's sign-off, with who declared it
        refurb_services.device_confirm_no_storage(device=device, actor=bench_worker)
    client = at_bench(coach, WK.TEST)
    with django_assert_num_queries(11):  # +1 sign-offs, +1 failed checks, +1 open repairs
        response = client.get(reverse("bench:coach"), {"days": "1"})
    assert len(response.context["stuck"]) == n
    assert len(response.context["to_sign_off"]) == n
    assert response.context["to_sign_off"][0].declared_by_username == "bench"


@pytest.mark.parametrize("n", SIZES)
def test_workstation_page_queries_are_constant(
    at_bench, bench_worker, site, n, django_assert_num_queries
):
    for i in range(n):
        factories.WorkstationFactory(site=site, name=f"Banc {i}")
    client = at_bench(bench_worker, WK.TEST)
    with django_assert_num_queries(6):
        assert client.get(reverse("bench:workstation")).status_code == 200


def test_sign_in_page_queries_are_constant(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("bench:signin")).status_code == 200
