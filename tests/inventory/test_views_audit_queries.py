"""The manager report and stocktake pages cost a fixed number of queries, whatever the rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory import services
from tests import factories

pytestmark = pytest.mark.django_db

# Each count includes the session, the user and their roles (3 queries).
REPORTS_QUERIES = 24  # the rollup watermark, read by two reports; 4 for the erasure sampling;
# 2 for the panel of exports prepared in the background (reports.exports)
STOCKTAKE_QUERIES = 11  # +1: the manager's site; +2: the parts scanned and the parts in stock
STOCKTAKE_LIST_QUERIES = 7  # +1: the sites the manager may count (one site at a time)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("devices", [1, 8])
def test_the_reports_page_runs_a_pinned_number_of_queries(
    manager_client, site, bench_worker, devices, django_assert_num_queries
):
    for _index in range(devices):
        factories.make_device(site=site, actor=bench_worker)
    with django_assert_num_queries(REPORTS_QUERIES):
        assert manager_client.get(reverse("reports:index")).status_code == 200


@pytest.mark.parametrize("devices", [1, 8])
def test_the_stocktake_page_runs_a_pinned_number_of_queries(
    manager_client, site, manager, bench_worker, devices, django_assert_num_queries
):
    shelf = services.location_create(site=site, name="Étagère A1")
    for _index in range(devices):
        factories.make_device(site=site, actor=bench_worker, location=shelf)
    stocktake = services.stocktake_open(site=site, actor=manager)
    services.stocktake_reconcile(stocktake=stocktake)
    assert stocktake.lines.count() == devices
    url = reverse("inventory:stocktake_detail", args=[stocktake.pk])
    with django_assert_num_queries(STOCKTAKE_QUERIES):
        page = manager_client.get(url)
    assert page.content.decode().count("data-line=") == devices


@pytest.mark.parametrize("stocktakes", [1, 4])
def test_the_stocktake_list_runs_a_pinned_number_of_queries(
    manager_client, site, manager, stocktakes, django_assert_num_queries
):
    for _index in range(stocktakes):
        services.stocktake_close(
            stocktake=services.stocktake_open(site=site, actor=manager), actor=manager
        )
    with django_assert_num_queries(STOCKTAKE_LIST_QUERIES):
        assert manager_client.get(reverse("inventory:stocktake_list")).status_code == 200
