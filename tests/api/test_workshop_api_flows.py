"""A sale, a return and a stocktake through the API alone, with the same events as through the
screens (issue 26).

Each flow is done twice on twin devices: once with the shop counter or office screens, once with
``/api/`` calls only. The events each twin gets are compared field by field (code, states,
actor, workstation, actor kind, reason, payload), the invoice and credit-note numbers aside.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from refurb.models import DeviceEvent
from refurb.states import State
from shop.models import CreditNote, Sale
from tests import factories
from tests.shop.support import NOW, SERIALS, buyer, legal_for, make_grid
from workshop.models import WorkerProfile, WorkstationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal(site):
    return legal_for(site)


@pytest.fixture
def crew(site, bench_worker, coach, shop_staff, manager, station):
    WorkerProfile.objects.update_or_create(user=shop_staff, defaults={"site": site})
    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WorkstationKind.values},
    )


@pytest.fixture
def on_sale(site, crew, legal):
    make_grid()

    def make(category="laptop"):
        device = factories.make_device(
            site=site,
            category_code=category,
            actor=crew.bench,
            serial_number=f"SN{next(SERIALS)}",
        )
        device_advance(device, State.ON_SALE, crew, now=NOW.replace(day=1), grade="B")
        return device

    return make


def session(user, workstation=None, *, screens: bool = False):
    """A browser session set to ``workstation``: the screens' forms, or the API's JSON."""
    client = Client() if screens else APIClient()
    client.force_login(user)
    if workstation is not None:
        form = {} if screens else {"format": "multipart"}
        client.post(reverse("bench:workstation"), {"workstation": workstation.pk}, **form)
    return client


def events_after(device, seq: int) -> list[tuple]:
    """The device's events after ``seq``, without what differs by nature between twins (the
    numbers of the invoice, the credit note, the stocktake and the write-off)."""
    rows = []
    for event in DeviceEvent.objects.filter(device=device, seq__gt=seq).order_by("seq"):
        payload = {
            key: (
                "<number>" if key in ("invoice", "credit_note", "stocktake", "write_off") else value
            )
            for key, value in event.payload.items()
        }
        rows.append(
            (
                event.code,
                event.from_state,
                event.to_state,
                event.actor_id,
                event.workstation_id,
                event.actor_kind,
                event.reason,
                payload,
            )
        )
    return rows


def last_seq(device) -> int:
    return (
        DeviceEvent.objects.filter(device=device).order_by("-seq").values_list("seq", flat=True)[0]
    )


def test_a_sale_and_a_return_through_the_api_log_the_same_events_as_the_counter(
    crew, on_sale, legal
):
    counter = crew.stations[WorkstationKind.SHOP]
    association = buyer("association")
    screen_device, api_device = on_sale(), on_sale()
    screen_seq, api_seq = last_seq(screen_device), last_seq(api_device)

    # The screens: the counter, then the sale's return page.
    screens = session(crew.shop, counter, screens=True)
    screens.post(reverse("shop:counter_scan"), {"code": screen_device.asset_tag})
    screens.post(reverse("shop:counter_buyer"), {"buyer": association.pk})
    screens.post(reverse("shop:counter_complete"), {"payment_method": "cash"})
    screen_sale = Sale.objects.get(lines__device=screen_device)
    line = screen_sale.lines.get()
    screens.post(
        reverse("shop:sale_return", args=[screen_sale.pk]),
        {"line": [line.pk], "reason": "Écran qui scintille"},
    )
    assert CreditNote.objects.filter(sale=screen_sale).count() == 1

    # The API alone, in the same browser session at the same counter.
    api = session(crew.shop, counter)
    sold = api.post(
        "/api/sales/",
        {"buyer": association.pk, "items": [api_device.asset_tag], "payment_method": "cash"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="sale-1",
    )
    assert sold.status_code == 201, sold.content
    again = api.post(
        "/api/sales/",
        {"buyer": association.pk, "items": [api_device.asset_tag], "payment_method": "cash"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="sale-1",
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == sold.json()["number"]
    assert Sale.objects.filter(lines__device=api_device).count() == 1
    sale = sold.json()
    assert [line["asset_tag"] for line in sale["lines"]] == [api_device.asset_tag]
    assert sale["total"] == f"{screen_sale.total:.2f}"
    returned = api.post(
        f"/api/sales/{sale['id']}/returns/",
        {"devices": [api_device.asset_tag], "reason": "Écran qui scintille"},
        format="json",
    )
    assert returned.status_code == 201, returned.content
    assert returned.json()["total"] == sale["total"]

    assert events_after(api_device, api_seq) == events_after(screen_device, screen_seq)
    codes = [row[2] for row in events_after(api_device, api_seq)]
    assert codes == [State.SOLD, State.RETURNED]


def test_the_invoice_and_the_credit_note_are_served_as_json_and_pdf(crew, on_sale, legal):
    api = session(crew.shop, crew.stations[WorkstationKind.SHOP])
    device = on_sale()
    sale = api.post(
        "/api/sales/",
        {"buyer": buyer("association").pk, "items": [device.asset_tag], "payment_method": "card"},
        format="json",
    ).json()
    assert api.get(f"/api/sales/{sale['id']}/").json()["number"] == sale["number"]
    pdf = api.get(f"/api/sales/{sale['id']}/invoice/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    note = api.post(
        f"/api/sales/{sale['id']}/returns/",
        {"devices": [device.asset_tag], "reason": "Batterie morte"},
        format="json",
    ).json()
    assert api.get(f"/api/credit-notes/{note['id']}/").json()["invoice"] == sale["number"]
    pdf = api.get(f"/api/credit-notes/{note['id']}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _stocktake_fixture(site, crew, on_sale):
    """Two shelves; two devices on sale on shelf A (one will be found on B), one missing."""
    shelf_a = inventory_services.location_create(site=site, name="Étagère A")
    shelf_b = inventory_services.location_create(site=site, name="Étagère B")
    moved, missing = on_sale(), on_sale()
    for device in (moved, missing):
        inventory_services.device_move(device=device, location=shelf_a, actor=crew.manager)
    return shelf_a, shelf_b, moved, missing


def test_a_stocktake_through_the_api_logs_the_same_events_as_the_office_screens(
    site, crew, on_sale
):
    office = session(crew.manager, screens=True)
    shelf_a, shelf_b, moved, missing = _stocktake_fixture(site, crew, on_sale)
    seqs = {device.pk: last_seq(device) for device in (moved, missing)}
    office.post(
        reverse("inventory:stocktake_list"),
        {"site": site.pk, "locations": [shelf_a.pk, shelf_b.pk]},
    )
    from inventory.models import Stocktake

    stocktake = Stocktake.objects.get()
    office.post(
        reverse("inventory:stocktake_scan", args=[stocktake.pk]),
        {"location": shelf_b.tag, "code": moved.asset_tag},
    )
    office.post(reverse("inventory:stocktake_reconcile", args=[stocktake.pk]))
    office.post(
        reverse("inventory:stocktake_resolve_bulk", args=[stocktake.pk]),
        {"kind": "elsewhere", "resolution": "move"},
    )
    office.post(
        reverse("inventory:stocktake_resolve_bulk", args=[stocktake.pk]),
        {"kind": "missing", "resolution": "write_off", "reason": "Introuvable"},
    )
    office.post(reverse("inventory:stocktake_close", args=[stocktake.pk]))
    stocktake.refresh_from_db()
    assert stocktake.status == "closed"
    by_screens = [events_after(device, seqs[device.pk]) for device in (moved, missing)]
    screen_shelves = {shelf_a.tag: "A", shelf_b.tag: "B", shelf_b.name: "B name"}

    shelf_c = inventory_services.location_create(site=site, name="Étagère C")
    shelf_d = inventory_services.location_create(site=site, name="Étagère D")
    twin_moved, twin_missing = on_sale(), on_sale()
    for device in (twin_moved, twin_missing):
        inventory_services.device_move(device=device, location=shelf_c, actor=crew.manager)
    seqs = {device.pk: last_seq(device) for device in (twin_moved, twin_missing)}
    api = session(crew.manager)
    opened = api.post("/api/stocktakes/", {"locations": [shelf_c.tag, shelf_d.tag]}, format="json")
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    scan = api.post(
        f"/api/stocktakes/{pk}/scans/",
        {"location": shelf_d.tag, "code": twin_moved.asset_tag},
        format="json",
    )
    assert scan.status_code == 201 and scan.json()["known"] is True
    assert api.post(f"/api/stocktakes/{pk}/reconcile/").json()["summary"]["missing"] == 1
    kinds = {line["kind"] for line in api.get(f"/api/stocktakes/{pk}/lines/").json()}
    assert kinds == {"elsewhere", "missing"}
    assert (
        api.post(
            f"/api/stocktakes/{pk}/resolve/",
            {"kind": "elsewhere", "resolution": "move"},
            format="json",
        ).status_code
        == 200
    )
    refused = api.post(f"/api/stocktakes/{pk}/close/")
    assert refused.status_code == 409 and refused.json()["code"] == "stocktake_unresolved"
    assert (
        api.post(
            f"/api/stocktakes/{pk}/resolve/",
            {"kind": "missing", "resolution": "write_off", "reason": "Introuvable"},
            format="json",
        ).status_code
        == 200
    )
    closed = api.post(f"/api/stocktakes/{pk}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    by_api = [events_after(device, seqs[device.pk]) for device in (twin_moved, twin_missing)]

    api_shelves = {shelf_c.tag: "A", shelf_d.tag: "B", shelf_d.name: "B name"}

    def shelves(runs, names):  # the twins sit on twin shelves: the moves name them
        return [
            [row[:7] + ({k: names.get(v, v) for k, v in row[7].items()},) for row in rows]
            for rows in runs
        ]

    assert shelves(by_api, api_shelves) == shelves(by_screens, screen_shelves)
    assert [row[0] for row in by_api[0]] == ["moved"]
    assert [row[2] for row in by_api[1]] == [State.WRITTEN_OFF]
