"""``bench --on-sale N`` seeds exactly N devices on sale (kits included), every one listable,
and the catalogue is rebuilt from them in batches: a bounded number of queries, not one or two
per device or per offer."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.history import devices as history
from bench.markdown import comparisons, title
from bench.seed import SeedContext, seed
from refurb.models import Device
from refurb.states import State
from shop.models import CatalogueOffer, CatalogueUnit, DevicePrice, Kit
from shop.services import catalogue as catalogue_service
from shop.services.catalogue import catalogue_rebuild

NOW = timezone.now().replace(microsecond=0)


def seeded(n, on_sale, monkeypatch, seed_=11):
    monkeypatch.setattr(history, "KIT_SHARE", 0.3)
    ctx = SeedContext(
        devices=n, on_sale=on_sale, seed=seed_, chunk=40, now=NOW, log=lambda _text: None
    )
    return seed(ctx)


@pytest.mark.django_db
def test_every_device_asked_for_is_on_sale_with_a_price(monkeypatch):
    seeded(90, 90, monkeypatch)
    assert Device.objects.count() == 90
    assert Device.objects.filter(state=State.ON_SALE).count() == 90
    assert DevicePrice.objects.count() == 90
    assert Kit.objects.exists()
    call_command("verify_event_chains")


@pytest.mark.django_db
def test_a_share_on_sale_is_exact_and_the_rest_follows_the_mix(monkeypatch):
    seeded(120, 50, monkeypatch, seed_=4)
    assert Device.objects.count() == 120
    assert Device.objects.filter(state=State.ON_SALE).count() == 50
    assert Device.objects.filter(state=State.SOLD).exists()


@pytest.mark.django_db
def test_the_rebuild_lists_them_all_in_a_bounded_number_of_queries(monkeypatch):
    seeded(90, 90, monkeypatch)
    monkeypatch.setattr(catalogue_service, "BATCH", 30)
    with CaptureQueriesContext(connection) as queries:
        listed = catalogue_rebuild()
    assert listed == 90
    assert CatalogueUnit.objects.count() == 90
    kits = Kit.objects.filter(status=Kit.Status.ASSEMBLED).count()
    assert CatalogueOffer.objects.filter(kind=CatalogueOffer.Kind.KIT).count() == kits > 5
    # Three batches of fifteen queries (devices, kits, systems, claims, photos, offers found,
    # kits of new offers, one insert of offers, one of units), the deletes and the sums: never
    # one per offer (there are more offers than queries) nor per device.
    assert CatalogueOffer.objects.count() > 3 * 15 + 7
    assert len(queries) <= 3 * 15 + 7, "\n".join(q["sql"][:70] for q in queries.captured_queries)
    # Every offer's sums are right: its units and prices.
    for offer in CatalogueOffer.objects.all():
        assert offer.units == CatalogueUnit.objects.filter(offer=offer).count() > 0
        assert offer.solidarity_min is not None


def test_bench_refuses_more_on_sale_than_devices(db):
    with pytest.raises(CommandError, match="--on-sale"):
        call_command("bench", "--devices", "10", "--on-sale", "11", "--seed-only")


def test_a_run_seeded_on_sale_is_titled_and_paired_apart():
    base = {
        "database": {"vendor": "sqlite", "version": "3.46"},
        "devices_present": 100_000,
        "scenarios": [{"name": "catalogue_list", "p50_ms": 1, "p95_ms": 2, "queries": 9}],
    }
    mix = [dict(base, started_at=f"2026-12-0{i}") for i in (1, 2)]
    on_sale = dict(base, started_at="2026-12-03", seed_on_sale=100_000, devices_on_sale=100_000)
    assert title(on_sale) == "sqlite 3.46, 100,000 devices, 100,000 on sale"
    assert title(mix[0]) == "sqlite 3.46, 100,000 devices"
    runs = [(r["started_at"], f"{r['started_at']}.json", r) for r in (*mix, on_sale)]
    text = "\n".join(comparisons(runs))
    # The two network's-mix runs pair up; the on-sale run has no partner.
    assert "2026-12-01" in text and "2026-12-02" in text
    assert "2026-12-03" not in text
