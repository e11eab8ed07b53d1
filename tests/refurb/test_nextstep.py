"""The device card says what comes next, where and by whom, and offers it when it may."""

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.walks import Crew, device_advance, device_make_safe
from refurb.nextstep import device_next_step
from refurb.states import State
from tests import factories
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )


def _card(client, user, station, device):
    client.force_login(user)
    client.post(reverse("bench:workstation"), {"workstation": station.pk})
    return client.get(reverse("bench:device", args=[device.asset_tag])).content.decode()


def test_a_received_device_names_the_erasure_step_its_benches_and_who(crew, laptop):
    step = device_next_step(laptop)
    assert "Poste erasure" in step["text"] and "Poste intake" in step["text"]
    assert "agent" in step["text"].lower() or "bench worker" in step["text"].lower()
    assert step["target"] == State.WIPED and not step["here"]


def test_a_graded_device_tells_the_grader_who_puts_it_on_sale_and_where(client, crew, site, laptop):
    device_make_safe(laptop, crew, now=timezone.now())
    device_advance(laptop, State.GRADED, crew, grade="A")
    page = _card(client, crew.bench, crew.stations[WK.GRADING], laptop)
    assert 'data-next-step="on_sale"' in page
    assert "Poste shop" in page
    assert "boutique" in page.lower()
    assert "Aucun changement n’est possible" not in page and "No move is possible" not in page


def test_the_card_offers_the_next_move_first_when_the_reader_may_make_it(client, crew, site):
    device = factories.make_device(site=site, actor=crew.bench, category_code="screen")
    device_make_safe(device, crew, now=timezone.now())
    page = _card(client, crew.bench, crew.stations[WK.ERASURE], device)
    assert 'class="next-step next-step--here"' in page
    first_move = page.index('data-move="')
    assert page[first_move:].startswith('data-move="wiped"')


def test_a_sold_device_says_there_is_nothing_more_to_do(crew, laptop):
    laptop.state = State.SOLD
    assert device_next_step(laptop)["target"] is None
    assert device_next_step(laptop)["text"]
