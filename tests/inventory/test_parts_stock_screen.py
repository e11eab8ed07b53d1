"""The list of parts in stock: per site, filtered by category, searched by tag, paged, reached
from the coach view and the shop counter, with a constant number of queries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from inventory.models import Part
from inventory.selectors import PARTS_PAGE_SIZE
from tests import factories
from workshop import roles
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert(1)</script>"


def _at(user, station) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    client.post(reverse("bench:workstation"), {"workstation": station.pk})
    return client


def _origin(site, crew):
    return factories.make_device(site=site, category_code="desktop", actor=crew.bench)


def _parts(site, origin, count, category="memory", status=Part.Status.IN_STOCK, start=0):
    return Part.objects.bulk_create(
        Part(
            site=site, tag=f"{site.code}P9{start + index:05d}", category=category,
            origin=origin, status=status, specs={"size_gb": 8}, description=HOSTILE,
        )
        for index in range(count)
    )  # fmt: skip


def test_the_coach_view_and_the_counter_link_the_list(site, crew):
    coach = _at(crew.coach, crew.stations[WK.TEST])
    assert reverse("bench:parts") in coach.get(reverse("bench:coach")).text
    shop = _at(crew.shop, crew.stations[WK.SHOP])
    assert reverse("bench:parts") in shop.get(reverse("shop:counter")).text
    assert shop.get(reverse("bench:parts")).status_code == 200


def test_only_parts_in_stock_of_the_site_are_listed_with_their_origin(site, crew):
    origin = _origin(site, crew)
    _parts(site, origin, 2)
    _parts(site, origin, 1, category="battery", start=10)
    _parts(site, origin, 1, status=Part.Status.SOLD, start=20)
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    _parts(other, factories.make_device(site=other), 1)
    page = _at(crew.coach, crew.stations[WK.TEST]).get(reverse("bench:parts")).text
    assert page.count("data-part-row=") == 3
    assert f"{site.code}P900020" not in page and "SEP9" not in page
    assert origin.asset_tag in page
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert "3 pièces en stock" in page
    assert "Taille (Go)\u202f: 8" in page


def test_filter_by_category_and_search_by_tag(site, crew):
    origin = _origin(site, crew)
    _parts(site, origin, 2)
    _parts(site, origin, 1, category="battery", start=10)
    client = _at(crew.coach, crew.stations[WK.TEST])
    page = client.get(reverse("bench:parts"), {"category": "battery"}).text
    assert page.count("data-part-row=") == 1 and f"{site.code}P900010" in page
    page = client.get(reverse("bench:parts"), {"q": "p900001"}).text
    assert page.count("data-part-row=") == 1 and f"{site.code}P900001" in page
    page = client.get(reverse("bench:parts"), {"q": origin.asset_tag.lower()}).text
    assert page.count("data-part-row=") == 3
    page = client.get(reverse("bench:parts"), {"category": "nonsense", "page": "x"}).text
    assert page.count("data-part-row=") == 3  # bad filters are ignored, never a 500


def test_another_sites_person_sees_only_their_site(site, crew, make_user):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    _parts(site, _origin(site, crew), 1)
    stranger = make_user(roles.COACH, username="paul", site=other)
    client = Client()
    client.force_login(stranger)
    page = client.get(reverse("bench:parts"), {"site": site.pk}).text
    assert "data-part-row=" not in page and "Saint-Étienne" in page


def test_a_counsellor_may_not_list_parts(site, crew, make_user):
    counsellor = make_user(roles.COUNSELLOR, username="ines", site=site)
    client = Client()
    client.force_login(counsellor)
    assert client.get(reverse("bench:parts")).status_code == 403


@pytest.mark.parametrize("count", [3, PARTS_PAGE_SIZE * 2 + 5])
def test_the_list_runs_a_constant_number_of_queries(site, crew, count, django_assert_num_queries):
    _parts(site, _origin(site, crew), count)
    client = _at(crew.coach, crew.stations[WK.TEST])
    client.get(reverse("bench:parts"))  # warm the session and the workstation
    with django_assert_num_queries(8):  # the same 8 for 3 parts or 105
        page = client.get(reverse("bench:parts"), {"page": 2 if count > 3 else 1})
    assert page.status_code == 200
    expected = PARTS_PAGE_SIZE if count > 3 else 3
    assert page.text.count("data-part-row=") == expected
    with translation.override("fr"):
        assert ("Page 2 sur 3" in page.text) == (count > 3)
