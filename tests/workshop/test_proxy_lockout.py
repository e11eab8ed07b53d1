"""Sign-in lockouts behind the TLS proxy, and who may lift them (issue 16, hole 8).

On main, axes keyed failures on ``REMOTE_ADDR``, which behind the documented proxy is the
proxy itself: five wrong passwords from anywhere locked the account for everybody.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from workshop import roles
from workshop.security import client_ip

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def login(client, username, password, *, client_address):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3, ATELIER_TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_the_others(make_user):
    make_user(roles.MANAGER, username="nadia", password="right-password-42", is_staff=True)
    attacker = Client()
    for _ in range(3):
        login(attacker, "nadia", "wrong", client_address=ATTACKER)
    assert login(attacker, "nadia", "right-password-42", client_address=ATTACKER).status_code == 429
    owner = login(Client(), "nadia", "right-password-42", client_address=OWNER)
    assert owner.status_code == 302


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(ATELIER_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    assert client_ip(request_from(PROXY, ATTACKER)) == PROXY


@override_settings(ATELIER_TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (ATTACKER, ATTACKER),
        (f"1.2.3.4, {ATTACKER}", ATTACKER),  # the client's own left-most entry is not trusted
        ("", PROXY),
        ("not-an-ip", PROXY),
    ],
)
def test_one_trusted_proxy_takes_the_right_most_entry(forwarded, expected):
    assert client_ip(request_from(PROXY, forwarded)) == expected


@override_settings(ATELIER_TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_take_the_second_entry_from_the_right():
    assert client_ip(request_from(PROXY, f"1.2.3.4, {ATTACKER}, 10.0.0.9")) == ATTACKER
    assert client_ip(request_from(PROXY, ATTACKER)) == PROXY


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.BENCH_WORKER, roles.COACH, roles.SHOP])
def test_no_one_but_a_manager_reaches_the_lockouts(make_user, role):
    client = Client()
    client.force_login(make_user(role, username="someone", is_staff=True))
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
