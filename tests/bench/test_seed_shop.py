"""The bench seeder's shop data (hash chains, sales, invoices, credit notes, prices, kits) is
what the real services would have written: checked on a tiny data set."""

from __future__ import annotations

from itertools import groupby

import pytest
from django.core.management import call_command
from django.utils import timezone

from bench.history import devices as history
from bench.seed import SeedContext, seed
from refurb.models import Device
from refurb.states import State
from shop.models import CreditNoteLine, DevicePrice, DocumentCounter, Kit, Sale, SaleLine
from shop.services import sale_complete, sale_return
from tests import factories
from workshop.models import Workstation, WorkstationKind

N = 80
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setattr(history, "KIT_SHARE", 0.5)
    ctx = SeedContext(devices=N, seed=5, chunk=30, now=NOW, log=lambda _text: None)
    return seed(ctx)


def shop_crew(site):
    station = Workstation.objects.get(site=site, kind=WorkstationKind.SHOP)
    return factories.UserFactory(roles=["shop"], username="bench-test-shop", site=site), station


def test_kit_pairs_count_towards_the_number_of_devices_asked_for(seeded):
    assert Kit.objects.exists()
    assert Device.objects.count() == N == seeded.rows["devices"]


def test_verify_event_chains_finds_every_seeded_chain_intact(seeded):
    call_command("verify_event_chains")
    for device in Device.objects.all():
        assert device.event_head == device.events.order_by("-seq").first().hash


def test_every_sold_or_returned_device_is_on_exactly_one_invoice_line(seeded):
    for device in Device.objects.filter(state__in=[State.SOLD, State.RETURNED]):
        lines = list(SaleLine.objects.filter(device=device))
        assert len(lines) == 1
        assert lines[0].returned == (device.state == State.RETURNED)
    assert Device.objects.filter(state=State.SOLD).exists()


def test_returned_devices_have_a_credit_note_and_no_other_device_has_one(seeded):
    returned = set(Device.objects.filter(state=State.RETURNED).values_list("pk", flat=True))
    credited = set(CreditNoteLine.objects.values_list("sale_line__device_id", flat=True))
    assert credited == returned


def test_invoice_numbers_are_gapless_per_site_and_year_and_the_counter_holds_the_last(seeded):
    sales = Sale.objects.order_by("site_id", "year", "seq").values_list("site_id", "year", "seq")
    for (site_id, year), group in groupby(sales, key=lambda row: row[:2]):
        seqs = [row[2] for row in group]
        assert seqs == list(range(1, len(seqs) + 1))
        counter = DocumentCounter.objects.get(
            site_id=site_id, kind=DocumentCounter.Kind.INVOICE, year=year
        )
        assert counter.last_number == len(seqs)


def test_every_device_that_went_on_sale_has_a_price(seeded):
    states = [State.ON_SALE, State.RESERVED, State.SOLD, State.RETURNED]
    devices = set(Device.objects.filter(state__in=states).values_list("pk", flat=True))
    assert set(DevicePrice.objects.values_list("device_id", flat=True)) == devices


def test_kits_hold_two_devices_on_sale_of_their_site(seeded):
    kits = list(Kit.objects.prefetch_related("items__device"))
    assert kits
    for kit in kits:
        devices = [item.device for item in kit.items.all() if item.active]
        assert len(devices) == 2
        assert {(d.state, d.site_id) for d in devices} == {(State.ON_SALE, kit.site_id)}


def test_a_seeded_sold_device_is_taken_back_by_sale_return(seeded):
    line = SaleLine.objects.filter(returned=False).order_by("-sale__completed_at").first()
    user, station = shop_crew(line.sale.site)
    now = line.sale.completed_at + timezone.timedelta(days=3)
    note = sale_return(
        workstation=station,
        sale=line.sale,
        devices=[line.device],
        reason="Écran HS",
        actor=user,
        now=now,
    )
    line.device.refresh_from_db()
    assert line.device.state == State.RETURNED
    assert (
        note.seq
        == DocumentCounter.objects.get(
            site=line.sale.site, kind=DocumentCounter.Kind.CREDIT_NOTE, year=note.year
        ).last_number
    )
    call_command("verify_event_chains", "--device", line.device.asset_tag)


def test_a_seeded_kit_is_sold_by_sale_complete_with_the_next_invoice_number(seeded):
    kit = Kit.objects.filter(status=Kit.Status.ASSEMBLED).select_related("site").first()
    user, station = shop_crew(kit.site)
    buyer = Sale.objects.filter(site=kit.site).first().buyer
    year = NOW.year
    before = (
        DocumentCounter.objects.filter(
            site=kit.site, kind=DocumentCounter.Kind.INVOICE, year=year
        ).values_list("last_number", flat=True).first() or 0
    )  # fmt: skip
    sale = sale_complete(
        site=kit.site,
        buyer=buyer,
        items=[kit],
        payment_method="cash",
        actor=user,
        workstation=station,
        now=NOW,
    )
    assert sale.seq == before + 1
    assert sale.lines.count() == 2
    call_command("verify_event_chains")
