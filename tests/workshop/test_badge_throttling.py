"""Badge + PIN sign-in on the bench screen goes through django-axes: locked after N wrong PINs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from workshop.security import badge_unlock
from workshop.services import badge_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("badges")]

LOCKED = "Too many wrong PINs for this badge"


@pytest.fixture
def badges(bench_worker, coach):
    badge_create(user=bench_worker, code="B-200", pin="2580")
    badge_create(user=coach, code="B-201", pin="1357")


def sign_in(client, badge, pin):
    return client.post(
        reverse("bench:signin"),
        {"method": "badge", "badge-badge": badge, "badge-pin": pin},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_third_wrong_pin_locks_the_badge_with_a_message_saying_what_to_do(client):
    for _ in range(2):
        refused = sign_in(client, "B-200", "0000")
        assert refused.status_code == 200
        assert LOCKED not in refused.content.decode()
    locked = sign_in(client, "B-200", "0000")
    page = locked.content.decode()
    assert locked.status_code == 429
    assert LOCKED in page
    assert "Ask a manager to unlock it" in page
    assert 'name="badge-badge"' in page  # still the sign-in screen, ready for another badge


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_locked_badge_is_refused_even_with_the_right_pin(client):
    for _ in range(3):
        sign_in(client, "B-200", "0000")
    response = sign_in(client, "b-200 ", "2580")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_another_badge_still_signs_in_on_the_same_screen(client, coach):
    for _ in range(3):
        sign_in(client, "B-200", "0000")
    assert sign_in(client, "B-201", "1357").status_code == 302
    assert int(client.session["_auth_user_id"]) == coach.pk


@override_settings(AXES_FAILURE_LIMIT=3)
def test_unlocking_the_badge_lets_its_worker_sign_in_again(client, bench_worker):
    for _ in range(3):
        sign_in(client, "B-200", "0000")
    assert badge_unlock(" b-200") == 1
    assert sign_in(Client(), "B-200", "2580").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_axes_command_unlocks_a_badge_too(client):
    for _ in range(3):
        sign_in(client, "B-200", "0000")
    call_command("axes_reset_username", "badge:B-200", verbosity=0)
    assert sign_in(Client(), "B-200", "2580").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_admin_unlock_action_lifts_the_lock(client, make_user):
    from workshop.models import WorkerBadge

    for _ in range(3):
        sign_in(client, "B-200", "0000")
    admin = Client()
    admin.force_login(make_user(is_superuser=True, is_staff=True))
    admin.post(
        reverse("admin:workshop_workerbadge_changelist"),
        {
            "action": "unlock_badges",
            "_selected_action": [WorkerBadge.objects.get(code="B-200").pk],
        },
    )
    assert sign_in(Client(), "B-200", "2580").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_password_sign_in_on_the_bench_screen_locks_too(client, make_user):
    make_user(username="claire", password="right-password-42")
    data = {"method": "password", "pw-username": "claire", "pw-password": "wrong"}
    for _ in range(2):
        assert client.post(reverse("bench:signin"), data).status_code == 200
    locked = client.post(reverse("bench:signin"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
