"""Forgiving forms: one-time form tokens, the duplicate-serial offer, decimal commas."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from inventory.models import Collection, Donor
from refurb.models import Device
from tests import factories
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "bench-main"}


def _collection(client, token, **extra):
    return client.post(
        reverse("bench:collection-create"),
        {"donor_name": "Mme Rossi", "donor_kind": Donor.Kind.PERSON, "form_token": token},
        **extra,
    )


def test_a_form_submitted_twice_with_its_token_does_the_work_once(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    first = _collection(client, "tok-1")
    second = _collection(client, "tok-1")
    assert Collection.objects.count() == 1
    assert second.status_code == first.status_code == 302
    assert second.url == first.url
    assert second["X-Form-Replayed"] == "true"


def test_an_htmx_double_submit_leaves_the_page_the_first_answer_led_to(at_bench, bench_worker):
    """htmx loads the page of the first answer (``HX-Location``); the replay swaps nothing,
    so that page, which shows the messages, stays on screen."""
    client = at_bench(bench_worker, WK.INTAKE)
    first = _collection(client, "tok-h", **HTMX)
    assert first["HX-Location"]
    second = _collection(client, "tok-h", **HTMX)
    assert Collection.objects.count() == 1
    assert second.status_code == 204 and second["X-Form-Replayed"] == "true"
    assert "HX-Location" not in second and "messages" not in second.cookies


def test_an_htmx_double_submit_that_answered_a_partial_replays_it(at_bench, bench_worker):
    """A first answer that was the page itself (here: a refusal shown in place) is sent again."""
    client = at_bench(bench_worker, WK.INTAKE)
    data = {"category": "", "form_token": "tok-p"}
    first = client.post(reverse("bench:device-register"), data, **HTMX)
    second = client.post(reverse("bench:device-register"), data, **HTMX)
    assert second["X-Form-Replayed"] == "true"
    assert "HX-Location" not in first and first.status_code == 200
    assert (second.status_code, second.content) == (first.status_code, first.content)


def test_a_new_token_is_a_new_action(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    _collection(client, "tok-a")
    _collection(client, "tok-b")
    assert Collection.objects.count() == 2


def test_a_form_without_token_still_works(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    client.post(
        reverse("bench:collection-create"),
        {"donor_name": "M. Nguyen", "donor_kind": Donor.Kind.PERSON},
    )
    assert Collection.objects.count() == 1


def test_tokens_of_two_people_never_meet(at_bench, bench_worker, make_user, station):
    from workshop import roles

    client = at_bench(bench_worker, WK.INTAKE)
    _collection(client, "shared")
    other = Client()
    other.force_login(make_user(roles.BENCH_WORKER, username="other"))
    other.post(reverse("bench:workstation"), {"workstation": station(WK.INTAKE).pk})
    _collection(other, "shared")
    assert Collection.objects.count() == 2


def test_a_replay_still_needs_the_csrf_token(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    _collection(client, "tok-c")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = _collection(strict, "tok-c")
    assert response.status_code == 403


def test_a_double_click_on_a_move_shows_one_success_and_no_error(at_bench, crew, laptop):
    from django.utils import timezone

    from demo.walks import device_make_safe

    device_make_safe(laptop, crew, now=timezone.now())
    client = at_bench(crew.bench, WK.ERASURE)
    url = reverse("bench:transition", args=[laptop.asset_tag])
    data = {"to": "wiped", "form_token": "move-1"}
    client.post(url, data)
    page = client.post(url, data, follow=True)
    laptop.refresh_from_db()
    assert laptop.state == "wiped"
    assert [m.level_tag for m in page.context["messages"]] == ["success"]
    assert laptop.events.filter(code="transition").count() == 1


def test_a_replay_brings_the_first_answers_messages_even_once_they_were_shown(
    at_bench, crew, laptop
):
    """The browser followed the first answer, which showed the message; the second click's
    answer leads to another load of the page, which must say the same thing, once."""
    from django.utils import timezone

    from demo.walks import device_make_safe

    device_make_safe(laptop, crew, now=timezone.now())
    client = at_bench(crew.bench, WK.ERASURE)
    url = reverse("bench:transition", args=[laptop.asset_tag])
    data = {"to": "wiped", "form_token": "move-2"}
    first = client.post(url, data)
    shown = client.get(first.url)
    assert [m.level_tag for m in shown.context["messages"]] == ["success"]
    again = client.post(url, data, follow=True)
    assert again.redirect_chain[0][0] == first.url
    assert [m.level_tag for m in again.context["messages"]] == ["success"]
    assert laptop.events.filter(code="transition").count() == 1


def test_a_replay_when_the_browser_kept_the_first_cookie_shows_the_message_once(
    at_bench, crew, laptop
):
    from django.utils import timezone

    from demo.walks import device_make_safe

    device_make_safe(laptop, crew, now=timezone.now())
    client = at_bench(crew.bench, WK.ERASURE)
    url = reverse("bench:transition", args=[laptop.asset_tag])
    data = {"to": "wiped", "form_token": "move-3"}
    client.post(url, data)  # its messages cookie is kept, not read yet
    page = client.post(url, data, follow=True)
    assert [m.level_tag for m in page.context["messages"]] == ["success"]


def test_every_screen_form_that_posts_carries_a_one_time_token():
    roots = [Path(settings.BASE_DIR) / app / "templates" for app in settings.PROJECT_APPS]
    missing = []
    for root in roots:
        for template in root.rglob("*.html"):
            text = template.read_text()
            for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
                if re.search(r'method="post"', form, flags=re.I) and "{% form_token %}" not in form:
                    missing.append(str(template.relative_to(settings.BASE_DIR)))
            assert "{% csrf_token %}" not in text, template
    assert not missing


def test_registering_a_serial_already_known_offers_to_open_that_device(
    at_bench, bench_worker, laptop
):
    laptop.serial_number = "5CG7301XYZ"
    laptop.save(update_fields=["serial_number"])
    client = at_bench(bench_worker, WK.INTAKE)
    data = {
        "category": factories.category("laptop").pk,
        "serial_number": "5cg7301xyz",
        "form_token": "dup-1",
    }
    response = client.post(reverse("bench:device-register"), data)
    assert Device.objects.count() == 1
    page = response.content.decode()
    assert "data-same-serial" in page
    assert reverse("bench:device", args=[laptop.asset_tag]) in page
    client.post(
        reverse("bench:device-register"), {**data, "duplicate_ok": "1", "form_token": "dup-2"}
    )
    assert Device.objects.count() == 2


@pytest.mark.parametrize(
    "typed, expected",
    [("2,1", Decimal("2.1")), ("2.1", Decimal("2.1")), ("1 250,5", Decimal("1250.5"))],
)
def test_weights_are_read_with_a_decimal_comma(at_bench, bench_worker, typed, expected):
    client = at_bench(bench_worker, WK.INTAKE)
    client.post(
        reverse("bench:device-register"),
        {"category": factories.category("laptop").pk, "weight_kg": typed, "form_token": typed},
    )
    assert Device.objects.get().weight_kg == expected


def test_a_collection_weight_is_read_with_a_decimal_comma(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    client.post(
        reverse("bench:collection-create"),
        {"donor_name": "Mme Dupont", "donor_kind": Donor.Kind.PERSON, "gross_weight_kg": "42,5"},
    )
    assert Collection.objects.get().gross_weight_kg == Decimal("42.5")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two requests at once need a real database server (SQLite's test database is "
    "shared-cache memory, which locks whole tables)",
)
def test_a_second_submit_sent_while_the_first_runs_waits_and_replays_it(
    client, bench_worker, station, settings
):
    """A real double click: the second request arrives while the first is still writing."""
    import threading
    import time

    settings.ATELIER_FAULT_PAUSE = "event_append:1"  # the first one writes for a second
    client.force_login(bench_worker)
    client.post(reverse("bench:workstation"), {"workstation": station(WK.INTAKE).pk})
    second = Client()
    second.cookies = client.cookies
    data = {"category": factories.category("laptop").pk, "form_token": "in-flight"}
    answers = {}

    def post(name, browser):
        answers[name] = browser.post(reverse("bench:device-register"), data)

    first = threading.Thread(target=post, args=("first", client))
    first.start()
    time.sleep(0.3)
    post("second", second)
    first.join(10)
    assert Device.objects.count() == 1
    assert answers["first"].status_code == answers["second"].status_code == 302
    assert answers["second"].url == answers["first"].url
    assert answers["second"]["X-Form-Replayed"] == "true"


def test_a_refused_number_is_said_the_french_way(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    response = client.post(
        reverse("bench:device-register"),
        {"category": factories.category("laptop").pk, "weight_kg": "deux"},
    )
    [message] = [m.message for m in response.context["messages"]]
    assert message.startswith("Poids (kg)\u202f: ")


def test_a_claim_whose_insert_error_sqlite_lost_reads_the_table_to_decide(monkeypatch):
    """Python's sqlite3 can hand Django no row for an INSERT … RETURNING whose error it lost
    (seen under a double click on the live server): the claim then asks the table."""
    from workshop import formtokens
    from workshop.models import IdempotencyKey

    real_create = IdempotencyKey.objects.create
    calls = []

    def lossy_create(**kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 1:
            raise TypeError("'NoneType' object is not iterable")
        return real_create(**kwargs)

    monkeypatch.setattr(IdempotencyKey.objects, "create", lossy_create)
    # Not taken: tried again, and this request holds the token.
    claim = formtokens._claim("tok-1", "user:1", "/intake/")
    assert claim is not None and claim.key == "tok-1" and calls == ["tok-1", "tok-1"]
    # Taken by an earlier request: no claim, so the repeat waits for the first answer.
    calls.clear()
    assert formtokens._claim("tok-1", "user:1", "/intake/") is None
    assert IdempotencyKey.objects.filter(key="tok-1").count() == 1
