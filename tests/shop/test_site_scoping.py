"""Shop staff see only their site's buyers and sales; another site's look exactly like missing ones.

The rule: a record of another site answers 404 with the same page as a record that does not
exist, so a denied request never tells whether the other site has it. Managers see every site.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from shop import services
from shop.models import PaymentMethod
from shop.selectors import buyers_visible_to, sales_visible_to
from tests import factories
from tests.factories import NO_SITE
from tests.shop.support import buyer
from workshop.models import WorkerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon_sale(site, crew, on_sale, legal):
    customer = buyer("association", actor=crew.shop, now=None)
    return services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=customer,
        items=[on_sale()],
        payment_method=PaymentMethod.CASH,
        actor=crew.shop,
    )


@pytest.fixture
def grenoble_clerk(make_user):
    other = factories.SiteFactory(code="GR", name="Atelier de Grenoble")
    clerk = make_user("shop", username="gr-clerk")
    WorkerProfile.objects.update_or_create(user=clerk, defaults={"site": other})
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    return clerk, client


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_staff_of_another_site_see_none_of_its_buyers_or_sales(lyon_sale, grenoble_clerk):
    clerk, _client = grenoble_clerk
    assert not buyers_visible_to(clerk).exists()
    assert not sales_visible_to(clerk).exists()


def test_staff_of_the_site_and_managers_see_its_buyers_and_sales(lyon_sale, crew, make_user):
    for user in (crew.shop, crew.manager):
        assert list(buyers_visible_to(user)) == [lyon_sale.buyer]
        assert list(sales_visible_to(user)) == [lyon_sale]


def test_a_seller_without_a_site_sees_no_buyer(lyon_sale, make_user):
    assert not buyers_visible_to(make_user("shop", username="nowhere", site=NO_SITE)).exists()


def _page(response) -> bytes:
    """The page without what differs per request: tokens, the path echoed by the language form."""
    page = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", response.content)
    return re.sub(rb'name="(csrfmiddlewaretoken|form_token|next)" value="[^"]*"', rb"\1", page)


@pytest.mark.parametrize("name", ["shop:sale", "shop:sale_invoice"])
def test_another_sites_sale_answers_exactly_like_a_missing_one(name, lyon_sale, grenoble_clerk):
    _clerk, client = grenoble_clerk
    other = client.get(reverse(name, args=[lyon_sale.pk]))
    missing = client.get(reverse(name, args=[lyon_sale.pk + 1000]))
    assert other.status_code == missing.status_code == 404
    assert _page(other) == _page(missing)


def test_another_sites_credit_note_answers_404(lyon_sale, crew, grenoble_clerk):
    device = lyon_sale.lines.get().device
    note = services.sale_return(
        workstation=factories.bench("shop"),
        sale=lyon_sale,
        devices=[device],
        reason="screen broken",
        actor=crew.shop,
    )
    _clerk, client = grenoble_clerk
    assert client.get(reverse("shop:credit_note_pdf", args=[note.pk])).status_code == 404
    assert (
        signed_in(crew.shop).get(reverse("shop:credit_note_pdf", args=[note.pk])).status_code == 200
    )


def test_choosing_another_sites_buyer_answers_exactly_like_a_missing_one(lyon_sale, grenoble_clerk):
    _clerk, client = grenoble_clerk
    other = client.post(reverse("shop:counter_buyer"), {"buyer": lyon_sale.buyer.pk})
    missing = client.post(reverse("shop:counter_buyer"), {"buyer": lyon_sale.buyer.pk + 1000})
    garbage = client.post(reverse("shop:counter_buyer"), {"buyer": "not-a-number"})
    assert other.status_code == missing.status_code == garbage.status_code == 404
    assert _page(other) == _page(missing)
    assert "shop_buyer" not in client.session


def test_the_counter_search_lists_only_the_sites_buyers(lyon_sale, crew, grenoble_clerk, station):
    from workshop.models import WorkstationKind

    lyon_counter = station(WorkstationKind.SHOP)
    name = lyon_sale.buyer.name
    _clerk, client = grenoble_clerk
    page = client.get(reverse("shop:counter"), {"q": name[:6]}).content.decode()
    assert name not in page
    assert lyon_counter.name not in page  # nor the other site's counters
    mine = signed_in(crew.shop).get(reverse("shop:counter"), {"q": name[:6]}).content.decode()
    assert name in mine


def test_a_missing_sale_answers_404_not_500(crew, legal):
    response = signed_in(crew.manager).get(reverse("shop:sale", args=[424242]))
    assert response.status_code == 404
