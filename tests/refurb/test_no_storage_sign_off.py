"""A "no storage" declaration needs a coach's sign-off before the device leaves ``received``.

Four eyes: a technical coach or a manager of the device's site signs it off, never the person
who declared it; the sign-off is its own event with a typed payload and a French sentence; a
drive recorded later undoes the declaration and its sign-off. Screens (the coach view, the
device card), the API and the admin call the same service.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from refurb import services
from refurb.events import event_payload_check
from refurb.eventtext import event_sentence
from refurb.models import Device, DeviceEvent
from refurb.nextstep import device_next_step
from refurb.states import State
from tests import factories
from workshop import roles
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK
from workshop.services import workstation_token_create

pytestmark = pytest.mark.django_db


def wipe(device, actor):
    return factories.transition(device=device, to=State.WIPED, actor=actor)


def refused(code, call, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


@pytest.fixture
def declared(laptop, bench_worker):
    services.device_confirm_no_storage(device=laptop, actor=bench_worker)
    laptop.refresh_from_db()
    return laptop


def test_a_declaration_alone_keeps_the_device_in_received(declared, bench_worker):
    error = refused("sign_off_pending", wipe, device=declared, actor=bench_worker)
    assert error.status == 409
    assert declared.asset_tag in error.message
    declared.refresh_from_db()
    assert declared.state == State.RECEIVED


def test_a_coach_signs_off_then_the_worker_marks_it_erased(declared, bench_worker, coach):
    event = services.device_sign_off_no_storage(device=declared, actor=coach)
    assert event.code == DeviceEvent.Code.NO_STORAGE_SIGNED_OFF == "no_storage_signed_off"
    declaration = services.no_storage_declaration(declared)
    assert event.payload == {"declared_by": "bench", "declaration_seq": declaration.seq}
    assert event.actor == coach
    declared.refresh_from_db()
    assert declared.no_storage_signed_off and declared.no_storage_confirmed
    wipe(declared, bench_worker)
    assert declared.state == State.WIPED


def test_the_payload_is_typed():
    event_payload_check("no_storage_signed_off", {"declared_by": "x", "declaration_seq": 3})
    with pytest.raises(ValueError):
        event_payload_check("no_storage_signed_off", {"declaration_seq": "3"})
    with pytest.raises(ValueError):
        event_payload_check("no_storage_signed_off", {"comment": "ok"})


def test_the_history_says_it_in_french(declared, coach, make_user):
    declarer = make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé")
    services.device_confirm_no_storage(device=declared, actor=declarer)
    event = services.device_sign_off_no_storage(device=declared, actor=coach)
    with translation.override("fr"):
        sentence = event_sentence(event)
    assert sentence == (
        "«\u202fAucun stockage\u202f» validé\u202f: la déclaration de Salomé est confirmée "
        "par une deuxième personne."
    )


def test_nobody_signs_off_their_own_declaration(laptop, coach, make_user):
    services.device_confirm_no_storage(device=laptop, actor=coach)
    error = refused("four_eyes", services.device_sign_off_no_storage, device=laptop, actor=coach)
    assert error.status == 403
    laptop.refresh_from_db()
    assert not laptop.no_storage_signed_off
    other = make_user(roles.COACH, username="coach2")
    services.device_sign_off_no_storage(device=laptop, actor=other)
    laptop.refresh_from_db()
    assert laptop.no_storage_signed_off


def test_a_bench_worker_or_the_shop_cannot_sign_off(declared, make_user, shop_staff):
    other_worker = make_user(roles.BENCH_WORKER, username="karim")
    for person in (other_worker, shop_staff):
        error = refused(
            "role_forbidden", services.device_sign_off_no_storage, device=declared, actor=person
        )
        assert error.status == 403
    refused("person_required", services.device_sign_off_no_storage, device=declared, actor=None)


def test_a_manager_signs_off_too(declared, manager, bench_worker):
    services.device_sign_off_no_storage(device=declared, actor=manager)
    wipe(declared, bench_worker)
    assert declared.state == State.WIPED


def test_a_coach_of_another_site_cannot_sign_off(declared, make_user):
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    stranger = make_user(roles.COACH, username="se-coach", site=other)
    error = refused(
        "other_site", services.device_sign_off_no_storage, device=declared, actor=stranger
    )
    assert error.status == 403


def test_nothing_to_sign_off_and_twice_are_refused(laptop, declared, coach):
    fresh = factories.make_device(site=laptop.site, actor=coach)
    refused("no_storage_not_declared", services.device_sign_off_no_storage, device=fresh,
            actor=coach)  # fmt: skip
    services.device_sign_off_no_storage(device=declared, actor=coach)
    refused("already_signed_off", services.device_sign_off_no_storage, device=declared,
            actor=coach)  # fmt: skip
    assert declared.events.filter(code="no_storage_signed_off").count() == 1


def test_a_drive_found_later_undoes_the_declaration_and_its_sign_off(declared, bench_worker, coach):
    services.device_sign_off_no_storage(device=declared, actor=coach)
    drive = services.drive_add(device=declared, actor=bench_worker, serial_number="S1")
    declared.refresh_from_db()
    assert not declared.no_storage_confirmed and not declared.no_storage_signed_off
    refused("drives_not_safe", wipe, device=declared, actor=bench_worker)
    event = declared.events.get(code="drive_added")
    assert event.payload["no_storage_undone"] is True
    with translation.override("fr"):
        assert "La déclaration «\u202faucun stockage\u202f» est annulée." in event_sentence(event)
    refused("has_drives", services.device_sign_off_no_storage, device=declared, actor=coach)
    assert drive.device_id == declared.pk


def test_a_drive_on_a_device_never_declared_says_nothing_about_it(laptop, bench_worker):
    services.drive_add(device=laptop, actor=bench_worker)
    assert "no_storage_undone" not in laptop.events.get(code="drive_added").payload


def test_the_next_step_waits_for_a_coach(declared, coach):
    with translation.override("fr"):
        step = device_next_step(declared, roles={roles.BENCH_WORKER})
        assert "en attente de la validation d’un encadrant" in step["text"]
        assert step["sign_off"] is False
        assert device_next_step(declared, roles={roles.COACH})["sign_off"] is True
    services.device_sign_off_no_storage(device=declared, actor=coach)
    declared.refresh_from_db()
    assert device_next_step(declared, roles={roles.BENCH_WORKER})["target"] == State.WIPED


# --- the screens ---------------------------------------------------------------------------


@pytest.fixture
def coach_at(client, station):
    def use(user, kind=WK.TEST):
        client.force_login(user)
        client.post(reverse("bench:workstation"), {"workstation": station(kind).pk})
        return client

    return use


def test_the_coach_view_lists_the_devices_to_sign_off_with_one_button_each(
    declared, coach, coach_at, laptop, bench_worker
):
    other = factories.make_device(site=laptop.site, actor=bench_worker)
    page = coach_at(coach).get(reverse("bench:coach"))
    assert [device.asset_tag for device in page.context["to_sign_off"]] == [declared.asset_tag]
    html = page.content.decode()
    assert f'data-sign-off="{declared.asset_tag}"' in html
    assert other.asset_tag not in html


def test_the_coach_signs_off_from_the_coach_view(declared, coach, coach_at):
    client = coach_at(coach)
    url = reverse("bench:no-storage-sign-off", args=[declared.asset_tag])
    response = client.post(url, {"next": reverse("bench:coach")}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("bench:coach")
    assert "validé" in response.content.decode()
    declared.refresh_from_db()
    assert declared.no_storage_signed_off
    assert response.context["to_sign_off"] == []


def test_the_coach_view_offers_no_button_for_ones_own_declaration(laptop, coach, coach_at):
    services.device_confirm_no_storage(device=laptop, actor=coach)
    html = coach_at(coach).get(reverse("bench:coach")).content.decode()
    assert f'data-sign-off="{laptop.asset_tag}"' not in html
    assert "Votre propre déclaration" in html
    response = coach_at(coach).post(
        reverse("bench:no-storage-sign-off", args=[laptop.asset_tag]), follow=True
    )
    assert "Vous avez déclaré" in response.content.decode()
    laptop.refresh_from_db()
    assert not laptop.no_storage_signed_off


def test_a_bench_worker_is_refused_the_sign_off_screen(declared, bench_worker, coach_at):
    response = coach_at(bench_worker).post(
        reverse("bench:no-storage-sign-off", args=[declared.asset_tag])
    )
    assert response.status_code == 403
    declared.refresh_from_db()
    assert not declared.no_storage_signed_off


def test_the_device_card_offers_the_sign_off_to_a_coach_only(
    declared, coach, bench_worker, coach_at
):
    url = reverse("bench:device", args=[declared.asset_tag])
    worker_page = coach_at(bench_worker, WK.STOCK).get(url).content.decode()
    assert "en attente de la validation d’un encadrant" in worker_page
    assert "data-sign-off" not in worker_page
    coach_page = coach_at(coach, WK.STOCK).get(url).content.decode()
    assert f'data-sign-off="{declared.asset_tag}"' in coach_page


# --- API and admin ---------------------------------------------------------------------------


def test_the_api_signs_off_for_a_coach_and_refuses_others(declared, coach, bench_worker, site):
    url = f"/api/devices/{declared.asset_tag}/no-storage/sign-off/"
    worker = APIClient()
    worker.force_login(bench_worker)
    assert worker.post(url, format="json").status_code == 403
    station = factories.WorkstationFactory(site=site, kind=WK.ERASURE, name="Jeton")
    _token, key = workstation_token_create(workstation=station)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert token.post(url, format="json").status_code == 403
    api = APIClient()
    api.force_login(coach)
    response = api.post(url, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["event"]["code"] == "no_storage_signed_off"
    assert response.json()["device"]["no_storage_signed_off"] is True
    again = api.post(url, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_signed_off"


def test_the_admin_action_calls_the_same_service(declared, make_user, client):
    admin = make_user(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    fresh = factories.make_device(site=declared.site, actor=admin)
    services.device_confirm_no_storage(device=fresh, actor=admin)
    response = client.post(
        reverse("admin:refurb_device_changelist"),
        {"action": "sign_off_no_storage", "_selected_action": [declared.pk, fresh.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Device.objects.get(pk=declared.pk).no_storage_signed_off
    assert not Device.objects.get(pk=fresh.pk).no_storage_signed_off  # its own declaration


# --- a refusal ----------------------------------------------------------------------------


def test_a_coach_refuses_a_declaration_with_what_was_found(declared, coach, bench_worker):
    refused("reason_required", services.device_refuse_no_storage, device=declared,
            actor=coach, reason="  ")  # fmt: skip
    event = services.device_refuse_no_storage(
        device=declared, actor=coach, reason="un SSD M.2 sous le capot"
    )
    assert event.code == "no_storage_refused" and event.reason == "un SSD M.2 sous le capot"
    declared.refresh_from_db()
    assert not declared.no_storage_confirmed and not declared.no_storage_signed_off
    refused("storage_unchecked", wipe, device=declared, actor=bench_worker)
    with translation.override("fr"):
        assert event_sentence(event) == (
            "«\u202fAucun stockage\u202f» refusé\u202f: la déclaration de bench est annulée. "
            "Trouvé\u202f: un SSD M.2 sous le capot"
        )
    refused("no_storage_not_declared", services.device_sign_off_no_storage, device=declared,
            actor=coach)  # fmt: skip


def test_a_bench_worker_cannot_refuse(declared, make_user):
    other = make_user(roles.BENCH_WORKER, username="karim")
    refused("role_forbidden", services.device_refuse_no_storage, device=declared, actor=other,
            reason="rien")  # fmt: skip


def test_the_coach_refuses_from_the_coach_view(declared, coach, coach_at):
    client = coach_at(coach)
    assert (
        f'data-refuse="{declared.asset_tag}"' in client.get(reverse("bench:coach")).content.decode()
    )
    response = client.post(
        reverse("bench:no-storage-refuse", args=[declared.asset_tag]),
        {"reason": "une carte microSD", "next": reverse("bench:coach")},
        follow=True,
    )
    assert "refusé" in response.content.decode()
    declared.refresh_from_db()
    assert not declared.no_storage_confirmed
    assert response.context["to_sign_off"] == []


def test_the_api_refuses_with_a_reason(declared, coach):
    api = APIClient()
    api.force_login(coach)
    url = f"/api/devices/{declared.asset_tag}/no-storage/refuse/"
    assert api.post(url, {}, format="json").status_code == 400
    response = api.post(url, {"reason": "un disque dur"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["device"]["no_storage_confirmed"] is False


def test_only_bench_roles_declare_no_storage_and_only_while_received(
    site, bench_worker, shop_staff
):
    device = factories.make_device(site=site, actor=bench_worker)
    with pytest.raises(DomainError) as raised:
        services.device_confirm_no_storage(device=device, actor=shop_staff)
    assert raised.value.code == "role_forbidden"
    assert not DeviceEvent.objects.filter(device=device, payload__no_storage_confirmed=True)
    screen = factories.make_device(site=site, category_code="screen", actor=bench_worker)
    factories.transition(device=screen, to=State.WIPED, actor=bench_worker)
    before = screen.event_seq
    with pytest.raises(DomainError) as raised:
        services.device_confirm_no_storage(device=screen, actor=bench_worker)
    assert raised.value.code == "not_received"
    screen.refresh_from_db()
    assert screen.event_seq == before and not screen.no_storage_confirmed
