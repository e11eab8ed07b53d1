"""Harvested parts in the public catalogue: their own section, the counter's rule (in stock,
priced, not faulty, a drive only with its erasure proof), and their origin without its tag."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from demo.walks import Crew
from inventory import services as inventory_services
from inventory.models import Part
from refurb.models import Drive
from tests import factories
from tests.inventory.test_parts import _harvest_desktop
from workshop import roles
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(site, make_user):
    stations = {
        kind: factories.WorkstationFactory(site=site, kind=kind, name=f"Poste {kind}")
        for kind in (WK.INTAKE, WK.ERASURE, WK.TEST, WK.GRADING, WK.SHOP, WK.STOCK)
    }
    return Crew(
        bench=make_user(roles.BENCH_WORKER, username="salome", site=site),
        coach=make_user(roles.COACH, username="claire", site=site),
        shop=make_user(roles.SHOP, username="lucas", site=site),
        manager=make_user(roles.MANAGER, username="nadia", site=site),
        stations=stations,
    )


@pytest.fixture
def parts(site, crew):
    desktop, (memory, drive, psu) = _harvest_desktop(site, crew)
    return desktop, memory, drive, psu


def sections(client, **query):
    response = client.get(reverse("shop:catalogue"), query)
    assert response.status_code == 200
    return response


def test_a_priced_part_in_stock_is_in_the_spare_parts_section(client, parts, crew):
    desktop, memory, drive, psu = parts
    response = sections(client)
    offers = response.context["cat"].parts
    assert [(o.category, o.units, o.price_min) for o in offers] == [("memory", 1, Decimal("12.00"))]
    html = response.content.decode()
    assert "Pièces détachées" in html
    assert 'data-part-offer="memory-LY"' in html
    page = client.get(reverse("shop:catalogue_parts", args=["LY", "memory"]))
    assert page.status_code == 200
    shown = page.content.decode()
    assert memory.tag in shown
    assert "8\u00a0Go · 2666\u00a0MHz" in shown  # the part label's own words
    assert "Lenovo T470" in shown  # the device it came from, by make and model
    assert desktop.asset_tag not in shown


def test_a_part_without_price_faulty_or_a_drive_without_proof_is_not_listed(client, parts, crew):
    desktop, memory, drive, psu = parts
    inventory_services.part_set_price(part=drive, price="15", actor=crew.coach)
    inventory_services.part_set_price(part=psu, price="9", actor=crew.coach)
    listed = {o.category for o in sections(client).context["cat"].parts}
    assert listed == {"memory", "drive", "power_supply"}
    Part.objects.filter(pk=psu.pk).update(test_status=Part.TestStatus.FAILED)
    Drive.objects.filter(pk=drive.drive_id).update(status=Drive.Status.PENDING)
    listed = {o.category for o in sections(client).context["cat"].parts}
    assert listed == {"memory"}
    assert client.get(reverse("shop:catalogue_parts", args=["LY", "drive"])).status_code == 404


def test_device_filters_hide_the_parts_and_the_parts_filter_hides_the_devices(client, parts):
    assert sections(client, ram="8").context["cat"].parts == []
    only = sections(client, category="parts")
    assert only.context["cat"].offers == [] and len(only.context["cat"].parts) == 1
    assert sections(client, price_max="10").context["cat"].parts == []
    assert len(sections(client, q="mémoire").context["cat"].parts) == 1


def test_parts_never_carry_the_refurbished_words(client, parts):
    html = client.get(reverse("shop:catalogue_parts", args=["LY", "memory"])).content.decode()
    assert not re.search(r"[Rr]econditionn", html)
