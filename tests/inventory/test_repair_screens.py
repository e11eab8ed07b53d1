"""The repair ticket and part screens: reached from the coach's and the bench's own screens,
bound to role and site, refusals said on screen with nothing written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from inventory.models import Part
from inventory.services import PartSpec, device_harvest
from refurb.models import Repair
from tests import factories
from tests.inventory.test_parts import _in_repair
from workshop import roles
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


def _at(user, station) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("bench:workstation"), {"workstation": station.pk})
    return client


def test_the_coach_view_lists_open_tickets_per_bench_with_their_age(site, crew):  # noqa: F811
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    page = _at(crew.coach, crew.stations[WK.TEST]).get(reverse("bench:coach")).content.decode()
    assert f'data-repair-row="{laptop.asset_tag}"' in page
    assert reverse("bench:repair", args=[ticket.pk]) in page
    assert crew.stations[WK.TEST].name in page


def test_the_device_card_links_its_repair_ticket(site, crew):  # noqa: F811
    laptop = _in_repair(site, crew)
    client = _at(crew.bench, crew.stations[WK.TEST])
    page = client.get(reverse("bench:test-device", args=[laptop.asset_tag])).content.decode()
    assert f'data-open-repair="{laptop.asset_tag}"' in page
    ticket = Repair.objects.get(device=laptop)
    response = client.get(reverse("bench:repair-device", args=[laptop.asset_tag]))
    assert response.url == reverse("bench:repair", args=[ticket.pk])
    page = client.get(response.url).content.decode()
    assert "data-harvest" not in page  # harvesting is the coach's


def test_a_bench_worker_cannot_harvest_from_the_screen(site, crew):  # noqa: F811
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    client = _at(crew.bench, crew.stations[WK.TEST])
    response = client.post(
        reverse("bench:repair-harvest", args=[ticket.pk]), {"category": ["screen"]}
    )
    assert response.status_code == 403
    assert not Part.objects.exists()


def test_another_sites_coach_cannot_open_nor_change_the_ticket(site, crew, make_user):  # noqa: F811
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    coach = make_user(roles.COACH, username="se-coach", site=other)
    station = factories.WorkstationFactory(site=other, kind=WK.TEST, name="Test SE")
    client = _at(coach, station)
    response = client.get(reverse("bench:repair", args=[ticket.pk]))
    assert response.status_code == 302  # refused (other_site), sent back to the bench
    page = client.get(response.url).content.decode()
    assert "other_site" in page and f'data-repair="{ticket.pk}"' not in page
    client.post(reverse("bench:repair-diagnosis", args=[ticket.pk]), {"diagnosis": "x"})
    ticket.refresh_from_db()
    assert ticket.diagnosis == ""


def test_a_part_of_another_category_is_refused_on_screen(site, crew):  # noqa: F811
    carcass = _in_repair(site, crew, failing="power_on")
    (keyboard,) = device_harvest(
        device=carcass, parts=[PartSpec(category="keyboard")], actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    client = _at(crew.bench, crew.stations[WK.TEST])
    response = client.post(
        reverse("bench:repair-fit", args=[ticket.pk]),
        {"category": "screen", "part": keyboard.tag},
        follow=True,
    )
    assert "part_wrong_category" in response.content.decode()
    keyboard.refresh_from_db()
    assert keyboard.status == Part.Status.IN_STOCK


def test_the_coach_harvests_from_the_ticket_and_the_parts_open_by_scan(site, crew):  # noqa: F811
    desktop = _in_repair(site, crew, category="desktop", failing=None, specs={"ram_gb": 8})
    ticket = Repair.objects.get(device=desktop)
    client = _at(crew.coach, crew.stations[WK.TEST])
    drive = desktop.drives.get()
    form = {
        "category": ["memory", "power_supply"],
        "drive": [str(drive.pk)],
        "price-memory": "12,50",
    }
    client.post(reverse("bench:repair-harvest", args=[ticket.pk]), form)
    parts = {part.category: part for part in Part.objects.all()}
    assert set(parts) == {"memory", "power_supply", "drive"}
    assert str(parts["memory"].price) == "12.50"
    response = client.post(reverse("bench:scan"), {"code": parts["memory"].tag})
    assert response.url == reverse("bench:part", args=[parts["memory"].tag])
    page = client.get(response.url).content.decode()
    assert desktop.asset_tag in page and "size_gb" not in page
