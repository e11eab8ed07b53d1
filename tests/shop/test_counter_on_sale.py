"""The counter can put a graded device on sale: scanned, it offers the move instead of a
dead end, and the move prints the shop label at the counter's printer."""

import pytest
from django.urls import reverse

from refurb.states import State
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


def test_a_graded_device_scanned_at_the_counter_can_be_put_on_sale_there(
    client, crew, legal, on_sale
):
    device = on_sale(state=State.GRADED)
    client.force_login(crew.shop)
    client.post(reverse("bench:workstation"), {"workstation": crew.stations[WK.SHOP].pk})
    client.post(reverse("shop:counter_scan"), {"code": device.asset_tag})
    page = client.get(reverse("shop:counter")).content.decode()
    assert f'data-put-on-sale="{device.asset_tag}"' in page
    response = client.post(
        reverse("bench:transition", args=[device.asset_tag]),
        {"to": State.ON_SALE, "next": reverse("shop:counter"), "form_token": "s1"},
    )
    assert response.url == reverse("shop:counter")
    device.refresh_from_db()
    assert device.state == State.ON_SALE
    page = client.get(reverse("shop:counter")).content.decode()
    assert f'data-put-on-sale="{device.asset_tag}"' not in page


def test_a_double_click_on_take_payment_sells_once_and_opens_the_sale(client, crew, legal, on_sale):
    from shop.models import Sale
    from tests.shop.support import buyer

    device = on_sale()
    client.force_login(crew.shop)
    client.post(reverse("bench:workstation"), {"workstation": crew.stations[WK.SHOP].pk})
    client.post(reverse("shop:counter_scan"), {"code": device.asset_tag})
    client.post(reverse("shop:counter_buyer"), {"buyer": buyer("association").pk})
    page = client.get(reverse("shop:counter")).content.decode()
    assert "(prix solidaire)" in page and "(solidarity)" not in page
    data = {"payment_method": "cash", "form_token": "pay-1"}
    first = client.post(reverse("shop:counter_complete"), data)
    second = client.post(reverse("shop:counter_complete"), data, follow=True)
    sale = Sale.objects.get()
    assert first.url == reverse("shop:sale", args=[sale.pk])
    assert second.redirect_chain[0][0] == first.url
    assert "Choisissez l’acheteur" not in second.content.decode()
    assert [m.level_tag for m in second.context["messages"]] != ["error"]
