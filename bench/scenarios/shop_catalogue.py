"""Measure the public catalogue: a page of offers (with and without filters) and an offer.

The setup rebuilds the catalogue from the data set's devices on sale (``catalogue_rebuild``,
timed and kept in the run's notes with the number of devices listed and of offers). The pages
read only the offers (one row per category, make, model, grade and site, or kit), never the
devices, so what a page costs depends on the number of offers, which the models of the data
set bound, and not on the number of devices on sale.
"""

from __future__ import annotations

import os
import time

from django.test import Client

from bench.scenarios.base import BenchEnv, check_response
from shop.models import CatalogueOffer, CatalogueUnit
from shop.services.catalogue import _listable, catalogue_rebuild

QUERIES = [
    "",
    "?page=2",
    "?category=laptop",
    "?ram=8&storage=256",
    "?q=thinkpad",
    "?price_max=60",
    "?grade=A&site={site}",
    "?system=Linux+Mint+22.1",
    "?category=parts",
]


def _complete() -> bool:
    """Every device on sale has its catalogue row (and no row is left of another)."""
    listable = _listable(None).count()
    return listable > 0 and CatalogueUnit.objects.count() == listable


def _catalogue(env: BenchEnv) -> dict | None:
    cached = env.notes.get("catalogue")
    if cached is not None:
        return cached

    started = time.perf_counter()
    if os.environ.get("BENCH_CATALOGUE_REUSE") == "1" and _complete():
        # Measuring again the same data set: the catalogue a previous run rebuilt is whole.
        listed, seconds = _listable(None).count(), None
    else:
        listed = catalogue_rebuild()
        seconds = time.perf_counter() - started
    offers = list(CatalogueOffer.objects.order_by("pk").values_list("pk", flat=True))
    if not offers:
        return None
    site = CatalogueOffer.objects.select_related("site").first().site.code
    env.notes["catalogue"] = info = {
        "devices_on_sale": listed,
        "units": CatalogueUnit.objects.count(),
        "offers": len(offers),
        "rebuild_seconds": round(seconds, 2) if seconds is not None else None,
        "reused": seconds is None,
        "site": site,
    }
    print(f"catalogue: {info}", flush=True)
    info["offer_ids"] = offers
    return info


def setup_catalogue_list(env: BenchEnv):
    """GET /catalogue/ signed out, cycling through the filters and the search."""
    info = _catalogue(env)
    if info is None:
        return None
    client = Client()
    paths = [f"/catalogue/{query.format(site=info['site'])}" for query in QUERIES]

    def run(i):
        check_response(client.get(paths[i % len(paths)]))

    return run


def _one_page(query: str):
    """GET /catalogue/ with one query string, signed out, always the same page."""

    def setup(env: BenchEnv):
        info = _catalogue(env)
        if info is None:
            return None
        client = Client()
        path = f"/catalogue/{query.format(site=info['site'])}"

        def run(i):
            check_response(client.get(path))

        return run

    return setup


setup_catalogue_first_page = _one_page("")
setup_catalogue_filtered = _one_page("?category=laptop&ram=8&storage=256&grade=A&site={site}")
setup_catalogue_search = _one_page("?q=thinkpad+t470")


def setup_catalogue_offer(env: BenchEnv):
    """GET /catalogue/{offer}/ signed out, over every offer."""
    info = _catalogue(env)
    if info is None:
        return None
    client = Client()
    offers = info["offer_ids"]

    def run(i):
        check_response(client.get(f"/catalogue/{offers[(i * 7919) % len(offers)]}/"))

    return run
