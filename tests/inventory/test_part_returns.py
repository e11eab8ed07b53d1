"""Parts sold at the counter and taken back under warranty: one credit note, back in stock.

A returned drive part goes back to "to erase" and may not leave again before a new verified
erasure (its buyer may have written on it).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from inventory import services as inventory_services
from inventory.models import Part, PartMovement
from inventory.parts import SELL, part_refusal
from refurb import services as refurb_services
from refurb.integrity import drive_status_recompute
from refurb.models import DeviceEvent, Drive
from shop import services as shop_services
from shop.invoices import credit_note_pdf
from shop.models import CreditNote, CreditNoteLine, PartSaleLine, Sale
from shop.services import buyer_create, sale_complete
from tests.inventory.test_parts import _harvest_desktop
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0"


def _sold_parts(site, crew, *, drive_price=Decimal("15.00")):
    """A desktop harvested into memory, a drive and a power supply; memory and drive sold."""
    _desktop, (memory, drive, psu) = _harvest_desktop(site, crew)
    inventory_services.part_set_price(part=drive, price=drive_price, actor=crew.coach)
    buyer = buyer_create(kind="public", name="Client au comptoir", actor=crew.shop, site=site)
    sale = sale_complete(
        site=site, buyer=buyer, items=[memory.tag, drive.tag], payment_method="cash",
        actor=crew.shop, workstation=crew.stations[WK.SHOP],
    )  # fmt: skip
    return sale, memory, drive


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_a_returned_memory_module_gets_a_credit_note_and_goes_back_in_stock(site, crew):
    sale, memory, _drive = _sold_parts(site, crew)
    note = shop_services.sale_return(
        sale=sale, parts=[memory], reason="Barrette instable", actor=crew.shop,
        workstation=crew.stations[WK.SHOP],
    )  # fmt: skip
    assert note.total == Decimal("12.00") and "-AV-" in note.number
    (credit,) = note.lines.all()
    assert credit.sale_line is None and credit.part_line.part_id == memory.pk
    assert credit.asset_tag == memory.tag and credit.amount == Decimal("12.00")
    memory.refresh_from_db()
    assert memory.status == Part.Status.IN_STOCK
    assert memory.test_status == Part.TestStatus.UNTESTED and memory.location is None
    movement = memory.movements.last()
    assert movement.kind == PartMovement.Kind.RETURNED and note.number in movement.note
    assert PartSaleLine.objects.get(part=memory).returned
    # Once only: the second return is refused and writes nothing.
    with pytest.raises(DomainError) as again:
        shop_services.sale_return(sale=sale, parts=[memory], reason="encore", actor=crew.shop)
    assert again.value.code == "already_returned"
    assert CreditNote.objects.count() == 1
    assert memory.movements.filter(kind="returned").count() == 1


def test_a_part_not_on_the_invoice_is_refused_with_nothing_written(site, crew):
    sale, memory, _drive = _sold_parts(site, crew)
    other_sale, other_memory, _ = _sold_parts(site, crew)
    with translation.override("fr"), pytest.raises(DomainError) as refused:
        shop_services.sale_return(
            sale=sale, parts=[memory, other_memory], reason="x", actor=crew.shop
        )
    assert refused.value.code == "not_on_invoice" and "facture" in refused.value.message
    assert not CreditNote.objects.exists()
    assert not PartSaleLine.objects.filter(returned=True).exists()
    with pytest.raises(DomainError) as empty:
        shop_services.sale_return(sale=sale, reason="x", actor=crew.shop)
    assert empty.value.code == "not_on_invoice"
    assert Sale.objects.count() == 2


def test_a_returned_drive_part_must_be_erased_again_before_it_leaves(site, crew):
    sale, _memory, drive_part = _sold_parts(site, crew)
    assert drive_part.drive.is_safe
    # (the walk's steps are a second apart from now: the return comes an hour later)
    shop_services.sale_return(
        sale=sale, parts=[drive_part], reason="Secteurs défectueux ?", actor=crew.shop,
        workstation=crew.stations[WK.SHOP], now=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    drive_part.refresh_from_db()
    drive = Drive.objects.get(pk=drive_part.drive_id)
    assert drive_part.status == Part.Status.IN_STOCK
    assert drive.status == Drive.Status.PENDING
    # The evidence agrees: the integrity check reads the return as a reopening.
    assert drive_status_recompute(drive) == Drive.Status.PENDING
    event = DeviceEvent.objects.filter(device=drive.device, code="drive_check").last()
    assert event.payload["part"] == drive_part.tag and event.payload["drive_status"] == "pending"
    refused = part_refusal(drive_part, purpose=SELL)
    assert refused is not None and refused.code == "part_drive_unsafe"
    buyer = buyer_create(kind="public", name="Autre client", actor=crew.shop, site=site)
    with pytest.raises(DomainError) as unsold:
        sale_complete(
            site=site, buyer=buyer, items=[drive_part.tag], payment_method="cash",
            actor=crew.shop, workstation=crew.stations[WK.SHOP],
        )  # fmt: skip
    assert unsold.value.code == "part_drive_unsafe"
    # Erased again with verification, it may be sold again.
    refurb_services.drive_record_erasure(
        drive=drive, method="purge", tool="nwipe", result="success", verified=True,
        actor=crew.bench, workstation=crew.stations[WK.ERASURE],
        now=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    drive_part.refresh_from_db()
    assert drive_part.drive.status == Drive.Status.ERASED
    assert part_refusal(drive_part, purpose=SELL) is None


def test_the_credit_note_pdf_lists_the_part_and_prints_a_hostile_reason_as_text(site, crew):
    sale, memory, _drive = _sold_parts(site, crew)
    note = shop_services.sale_return(sale=sale, parts=[memory], reason=HOSTILE, actor=crew.shop)
    text = _pdf_text(credit_note_pdf(note))
    assert memory.tag in text and "Avoir" in text
    assert "<script>alert(1)</script>" in text  # printed as typed, never interpreted


def test_the_returns_screen_takes_a_part_back(client, site, crew):
    sale, memory, drive = _sold_parts(site, crew)
    client.force_login(crew.shop)
    client.post(reverse("bench:workstation"), {"workstation": crew.stations[WK.SHOP].pk})
    page = client.get(reverse("shop:sale", args=[sale.pk]))
    assert memory.tag in page.text and reverse("shop:sale_return", args=[sale.pk]) in page.text
    form = client.get(reverse("shop:sale_return", args=[sale.pk]))
    line = PartSaleLine.objects.get(part=memory)
    assert f'name="part_line" value="{line.pk}"' in form.text
    done = client.post(
        reverse("shop:sale_return", args=[sale.pk]),
        {"part_line": [line.pk], "reason": HOSTILE},
        follow=True,
    )
    assert done.status_code == 200
    note = CreditNote.objects.get()
    assert note.number in done.text and "<script>alert" not in done.text
    assert CreditNoteLine.objects.get().part_line == line
    memory.refresh_from_db()
    assert memory.status == Part.Status.IN_STOCK
    # The returned part's box is disabled; the drive can still be ticked.
    form = client.get(reverse("shop:sale_return", args=[sale.pk]))
    assert f'name="part_line" value="{line.pk}" disabled' in form.text


def test_the_api_takes_a_part_back_and_refuses_an_empty_body(site, crew):
    sale, memory, _drive = _sold_parts(site, crew)
    api = APIClient()
    api.force_login(crew.shop)
    api.post(
        reverse("bench:workstation"),
        {"workstation": crew.stations[WK.SHOP].pk},
        format="multipart",
    )
    empty = api.post(f"/api/sales/{sale.pk}/returns/", {"reason": "x"}, format="json")
    assert empty.status_code == 400 and "devices" in empty.json()["fields"]
    unknown = api.post(
        f"/api/sales/{sale.pk}/returns/", {"parts": ["LYP999999X"], "reason": "x"}, format="json"
    )
    # schema-valid, but naming a part that does not exist: 422 (docs/api.md, "Statuses")
    assert unknown.status_code == 422 and unknown.json()["fields"]["parts"] == ["LYP999999X"]
    answer = api.post(
        f"/api/sales/{sale.pk}/returns/",
        {"parts": [memory.tag.lower()], "reason": "Barrette instable"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["lines"] == [
        {"asset_tag": memory.tag, "amount": "12.00", "vat": answer.json()["lines"][0]["vat"]}
    ]
    assert answer.json()["total"] == "12.00"
