"""The public page of a device on sale (/d/<tag>) shows its photos, in order, served by the
public photo URL; a reserved device shows none (its photos are not public); no serial number
appears; the query count does not grow with the photos."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from refurb.models import DevicePhoto
from shop import services
from shop.models import Reservation
from tests.shop.orders_support import approved_account, offer_of

pytestmark = pytest.mark.django_db


def add_photos(device, n):
    return [
        DevicePhoto.objects.create(
            device=device,
            position=position,
            image=f"photos/{device.pk}-{position}.jpg",
            thumbnail=f"photos/{device.pk}-{position}-t.jpg",
            width=1600,
            height=1200,
            sha256=f"{position:064d}",
        )
        for position in range(n, 0, -1)
    ]


def page(client, device):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("shop:public_device", args=[device.asset_tag]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_photos_of_a_device_on_sale_show_in_order(client, on_sale, legal):
    plain = on_sale(make="Lenovo", model="ThinkPad T480")
    _, without = page(client, plain)
    device = on_sale(make="Lenovo", model="ThinkPad T480")
    photos = sorted(add_photos(device, 3), key=lambda photo: photo.position)
    html, with_photos = page(client, device)
    assert with_photos == without  # one query for the photos, none or three
    section = html[html.index('id="photos"') : html.index("</section>", html.index('id="photos"'))]
    thumbs = [reverse("refurb:photo", args=[photo.pk, "thumb"]) for photo in photos]
    assert [section.index(url) for url in thumbs] == sorted(section.index(url) for url in thumbs)
    assert reverse("refurb:photo", args=[photos[0].pk, "full"]) in section
    assert "Photo 1 de Lenovo ThinkPad T480" in section
    assert device.serial_number not in html
    assert 'id="photos"' not in page(client, plain)[0]


def test_a_reserved_device_shows_no_photo(client, on_sale, legal, site, shop_staff):
    device = on_sale(make="Dell", model="Latitude 7490")
    add_photos(device, 2)
    account = approved_account(site, shop_staff)
    services.basket_add(account=account, **offer_of(device))
    assert Reservation.objects.filter(device=device, status="active").exists()
    html, _ = page(client, device)
    assert 'id="photos"' not in html
