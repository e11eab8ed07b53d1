"""Worker badges: PINs stored hashed, the badge backend, the create_badge command."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from workshop.exceptions import DomainError
from workshop.models import WorkerBadge
from workshop.services import badge_create, badge_set_pin

pytestmark = pytest.mark.django_db


def test_badge_pin_is_stored_hashed_not_in_clear(bench_worker):
    badge = badge_create(user=bench_worker, code="b-001", pin="4321")
    assert badge.code == "B-001"
    assert "4321" not in badge.pin_hash
    assert badge.check_pin("4321")
    assert not badge.check_pin("1234")


@pytest.mark.parametrize("pin", ["", "12", "abcd", "123456789", "12 34"])
def test_badge_refuses_a_pin_that_is_not_4_to_8_digits(bench_worker, pin):
    with pytest.raises(DomainError) as error:
        badge_create(user=bench_worker, code="B-002", pin=pin)
    assert error.value.code == "invalid_pin"
    assert not WorkerBadge.objects.exists()


def test_badge_code_is_given_once(bench_worker, coach):
    badge_create(user=bench_worker, code="B-003", pin="1111")
    with pytest.raises(DomainError) as error:
        badge_create(user=coach, code=" b-003 ", pin="2222")
    assert error.value.code == "badge_taken"


def test_badge_backend_signs_in_with_badge_and_pin(bench_worker):
    badge_create(user=bench_worker, code="B-004", pin="2468")
    assert authenticate(None, badge="b-004", pin="2468") == bench_worker


@pytest.mark.parametrize(
    "badge, pin", [("B-005", "0000"), ("B-999", "1357"), ("B-005", ""), ("", "1357")]
)
def test_badge_backend_refuses_a_wrong_badge_or_pin(bench_worker, badge, pin):
    badge_create(user=bench_worker, code="B-005", pin="1357")
    assert authenticate(None, badge=badge, pin=pin) is None


def test_badge_backend_refuses_an_inactive_badge(bench_worker):
    badge = badge_create(user=bench_worker, code="B-006", pin="1357")
    WorkerBadge.objects.filter(pk=badge.pk).update(is_active=False)
    assert authenticate(None, badge="B-006", pin="1357") is None


def test_badge_backend_refuses_an_inactive_user(bench_worker):
    badge_create(user=bench_worker, code="B-007", pin="1357")
    bench_worker.is_active = False
    bench_worker.save()
    assert authenticate(None, badge="B-007", pin="1357") is None


def test_badge_pin_can_be_changed(bench_worker):
    badge = badge_create(user=bench_worker, code="B-008", pin="1357")
    badge_set_pin(badge=badge, pin="97531")
    assert authenticate(None, badge="B-008", pin="97531") == bench_worker
    assert authenticate(None, badge="B-008", pin="1357") is None


def test_create_badge_command_gives_a_badge(bench_worker, capsys):
    call_command("create_badge", "bench", "B-010", "8642")
    assert "B-010" in capsys.readouterr().out
    assert authenticate(None, badge="B-010", pin="8642") == bench_worker


def test_create_badge_command_refuses_an_unknown_user():
    with pytest.raises(CommandError):
        call_command("create_badge", "nobody", "B-011", "8642")


def test_create_badge_command_refuses_a_bad_pin(bench_worker):
    with pytest.raises(CommandError):
        call_command("create_badge", "bench", "B-012", "12")


def test_admin_adds_a_badge_with_a_hashed_pin(client, bench_worker, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-1")
    client.force_login(admin)
    response = client.post(
        "/admin/workshop/workerbadge/add/",
        {"user": bench_worker.pk, "code": "b-020", "is_active": "on", "pin": "1470"},
    )
    assert response.status_code == 302, response.content[:2000]
    badge = WorkerBadge.objects.get()
    assert badge.code == "B-020"
    assert badge.check_pin("1470")
