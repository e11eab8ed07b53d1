"""The returns screen: from a sale's page, take devices back and get the credit note."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from refurb.states import State
from shop import services
from shop.models import CreditNote
from tests import factories
from tests.shop.support import buyer
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def clerk(client, crew, legal):
    client.force_login(crew.shop)
    crew.stations[WK.SHOP]
    return client


@pytest.fixture
def sold(site, on_sale, crew):
    """A sale of two laptops made today."""
    devices = [on_sale(), on_sale()]
    sale = services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=buyer("association"),
        items=devices,
        payment_method="cash",
        actor=crew.shop,
    )
    return sale, devices


def test_the_sale_page_offers_the_returns_screen(clerk, sold):
    sale, _devices = sold
    page = clerk.get(reverse("shop:sale", args=[sale.pk]), **EN).content.decode()
    assert sale.number in page
    assert reverse("shop:sale_return", args=[sale.pk]) in page


def test_ticked_devices_are_taken_back_with_a_credit_note(clerk, sold):
    sale, devices = sold
    line = sale.lines.get(device=devices[0])
    response = clerk.post(
        reverse("shop:sale_return", args=[sale.pk]),
        {"line": [line.pk], "reason": "Screen flickers"},
        follow=True,
        **EN,
    )
    note = CreditNote.objects.get()
    assert note.reason == "Screen flickers" and note.total == line.price
    page = response.content.decode()
    assert note.number in page
    assert reverse("shop:credit_note_pdf", args=[note.pk]) in page
    devices[0].refresh_from_db()
    devices[1].refresh_from_db()
    assert (devices[0].state, devices[1].state) == (State.RETURNED, State.SOLD)
    pdf = clerk.get(reverse("shop:credit_note_pdf", args=[note.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_return_without_a_reason_is_refused_and_keeps_the_ticks(clerk, sold):
    sale, devices = sold
    line = sale.lines.get(device=devices[0])
    response = clerk.post(reverse("shop:sale_return", args=[sale.pk]), {"line": [line.pk]}, **EN)
    assert response.status_code == 200
    assert 'data-code="reason_required"' in response.content.decode()
    assert f'value="{line.pk}" checked' in response.content.decode()
    assert not CreditNote.objects.exists()


def test_a_return_with_no_device_ticked_says_so(clerk, sold):
    sale, _devices = sold
    response = clerk.post(reverse("shop:sale_return", args=[sale.pk]), {"reason": "x"}, **EN)
    assert 'data-code="no_device"' in response.content.decode()
    assert not CreditNote.objects.exists()


def test_a_returned_device_cannot_be_ticked_again(clerk, sold, crew):
    sale, devices = sold
    services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[devices[0]],
        reason="x",
        actor=crew.shop,
    )
    page = clerk.get(reverse("shop:sale_return", args=[sale.pk]), **EN).content.decode()
    assert page.count(" disabled") == 1


def test_a_return_after_the_warranty_shows_the_refusal(clerk, sold):
    sale, devices = sold
    # An older sale, its warranty over (an issued invoice is never saved again: the row is
    # rewritten directly, as time passing would have left it).
    sale.warranty_until = timezone.localdate() - timedelta(days=1)
    type(sale).objects.filter(pk=sale.pk).update(warranty_until=sale.warranty_until)
    line = sale.lines.get(device=devices[0])
    response = clerk.post(
        reverse("shop:sale_return", args=[sale.pk]), {"line": [line.pk], "reason": "x"}, **EN
    )
    assert 'data-code="warranty_over"' in response.content.decode()
    assert not CreditNote.objects.exists()


def test_scanning_an_invoice_number_at_the_counter_opens_the_sale(clerk, sold):
    sale, _devices = sold
    response = clerk.post(reverse("shop:counter_scan"), {"code": sale.number.lower()})
    assert response.url == reverse("shop:sale", args=[sale.pk])


def test_the_returns_screen_is_for_sellers(client, sold, make_user):
    sale, _devices = sold
    client.force_login(make_user("bench_worker", username="other"))
    assert client.get(reverse("shop:sale_return", args=[sale.pk])).status_code == 403


@pytest.mark.parametrize("count", [1, 5])
def test_the_sale_page_runs_a_constant_number_of_queries(
    clerk, site, on_sale, crew, count, django_assert_num_queries
):
    sale = services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=buyer("association"),
        items=[on_sale() for _index in range(count)],
        payment_method="cash",
        actor=crew.shop,
    )
    services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[sale.lines.first().device],
        reason="x",
        actor=crew.shop,
    )
    with django_assert_num_queries(8):  # 6 + the worker profile (site scoping) + part lines
        assert clerk.get(reverse("shop:sale", args=[sale.pk])).status_code == 200
