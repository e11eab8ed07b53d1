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
    assert "Poste erasure" in step["text"] and "Poste intake" not in step["text"]
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


def test_the_card_offers_to_continue_at_the_bench_of_the_next_step(client, crew, laptop):
    page = _card(client, crew.bench, crew.stations[WK.INTAKE], laptop)
    assert 'data-continue-at="Poste erasure"' in page
    response = client.post(
        reverse("bench:workstation"),
        {
            "workstation": crew.stations[WK.ERASURE].pk,
            "next": reverse("bench:erasure-device", args=[laptop.asset_tag]),
        },
    )
    assert response.url == reverse("bench:erasure-device", args=[laptop.asset_tag])
    page = client.get(response.url).content.decode()
    assert "data-continue-at" not in page  # here already: the move itself is offered


def test_nobody_is_sent_to_a_bench_whose_move_their_role_cannot_make(client, crew, laptop):
    device_make_safe(laptop, crew, now=timezone.now())
    device_advance(laptop, State.GRADED, crew, grade="A")
    page = _card(client, crew.bench, crew.stations[WK.GRADING], laptop)
    assert "data-continue-at" not in page  # on sale is for the shop staff


def test_all_mandatory_checks_pass_in_one_action_and_a_failure_is_kept(client, crew, laptop):
    from refurb import services as refurb_services
    from refurb.models import ChecklistItem, TestResult

    device_make_safe(laptop, crew, now=timezone.now())
    device_advance(laptop, State.WIPED, crew)
    mandatory = list(ChecklistItem.objects.filter(category=laptop.category, mandatory=True))
    refurb_services.test_record_result(
        device=laptop, item=mandatory[0], passed=False, note="", actor=crew.bench
    )
    page = _card(client, crew.bench, crew.stations[WK.TEST], laptop)
    client.post(reverse("bench:test-all-passed", args=[laptop.asset_tag]), {"form_token": "a"})
    results = {r.item_id: r.passed for r in TestResult.objects.filter(device=laptop)}
    assert results[mandatory[0].pk] is False
    assert all(results[item.pk] for item in mandatory[1:])
    assert page  # the card rendered
