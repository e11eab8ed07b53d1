"""R2v3 verification sampling at the erasure bench: another person checks the drawn drives."""

from __future__ import annotations

import pytest
from django.urls import reverse

from refurb import services as refurb_services
from refurb.models import DeviceEvent, Drive, VerificationSample
from tests import factories
from workshop import roles
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


@pytest.fixture
def checker(make_user):
    return make_user(roles.BENCH_WORKER, username="checker")


@pytest.fixture
def drawn(settings, laptop, bench_worker):
    """A drive of the laptop erased by ``bench_worker`` and drawn for a check."""
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    drive = refurb_services.drive_add(device=laptop, actor=bench_worker, serial_number="S-1")
    refurb_services.drive_record_erasure(
        drive=drive, method="clear", tool="nwipe", standard="DoD Short", result="success",
        verified=True, actor=bench_worker,
    )  # fmt: skip
    return VerificationSample.objects.get(erasure__drive=drive)


def _check(client, sample, token, **data):
    return client.post(
        reverse("bench:verification-check", args=[sample.pk]),
        {"form_token": token, **data},
        follow=True,
    )


def test_a_drawn_drive_is_offered_to_another_worker(at_bench, checker, drawn):
    html = at_bench(checker, WK.ERASURE).get(reverse("bench:erasure")).content.decode()
    assert "Contrôles indépendants à faire" in html
    assert f'data-verification="{drawn.erasure.drive.tag}"' in html
    assert "Contrôle réussi" in html and "Contrôle échoué" in html
    assert "data-own-check" not in html


def test_the_eraser_sees_the_drive_without_the_buttons(at_bench, bench_worker, drawn):
    html = at_bench(bench_worker, WK.ERASURE).get(reverse("bench:erasure")).content.decode()
    assert f'data-verification="{drawn.erasure.drive.tag}"' in html
    assert "doit le contrôler" in html and 'data-own-check="' in html
    assert 'data-action="check-passed"' not in html


def test_the_eraser_cannot_check_their_own_drive(at_bench, bench_worker, drawn):
    client = at_bench(bench_worker, WK.ERASURE)
    response = _check(client, drawn, "own-1", outcome="passed")
    drawn.refresh_from_db()
    assert drawn.passed is None and drawn.checked_by is None
    assert [m.extra_tags for m in response.context["messages"]] == ["same_person"]


def test_a_failed_check_needs_a_note(at_bench, checker, drawn):
    response = _check(at_bench(checker, WK.ERASURE), drawn, "note-1", outcome="failed")
    drawn.refresh_from_db()
    assert drawn.passed is None
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_a_failed_check_sends_the_drive_back_to_erasure(at_bench, checker, drawn):
    client = at_bench(checker, WK.ERASURE)
    response = _check(client, drawn, "fail-1", outcome="failed", note="secteurs lisibles")
    drawn.refresh_from_db()
    drive = drawn.erasure.drive
    drive.refresh_from_db()
    assert (drawn.passed, drawn.checked_by, drawn.note) == (False, checker, "secteurs lisibles")
    assert drive.status == Drive.Status.PENDING
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    html = client.get(reverse("bench:erasure")).content.decode()
    assert f'data-verification="{drive.tag}"' not in html  # checked: no longer to do


def test_clicking_submit_twice_records_the_check_once(at_bench, checker, drawn):
    client = at_bench(checker, WK.ERASURE)
    first = _check(client, drawn, "twice-1", outcome="passed")
    second = client.post(
        reverse("bench:verification-check", args=[drawn.pk]),
        {"form_token": "twice-1", "outcome": "passed"},
    )
    assert [m.level_tag for m in first.context["messages"]] == ["success"]
    assert second["X-Form-Replayed"] == "true"
    drawn.refresh_from_db()
    assert drawn.passed is True and drawn.checked_by == checker
    checks = DeviceEvent.objects.filter(code=DeviceEvent.Code.DRIVE_CHECK)
    assert checks.count() == 1


def test_a_second_check_with_a_new_form_is_refused(at_bench, checker, drawn):
    client = at_bench(checker, WK.ERASURE)
    _check(client, drawn, "again-1", outcome="passed")
    response = _check(client, drawn, "again-2", outcome="failed", note="x")
    drawn.refresh_from_db()
    assert drawn.passed is True
    assert [m.extra_tags for m in response.context["messages"]] == ["already_checked"]


def test_another_sites_drawn_drive_is_neither_listed_nor_checked(
    settings, at_bench, checker, make_user
):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    other = factories.SiteFactory(code="GR", name="Atelier de Grenoble")
    eraser = make_user(roles.BENCH_WORKER, username="grenoble", site=other)
    device = factories.make_device(site=other, actor=eraser)
    drive = refurb_services.drive_add(device=device, actor=eraser, serial_number="G-1")
    refurb_services.drive_record_erasure(
        drive=drive, method="clear", tool="nwipe", standard="DoD Short", result="success",
        verified=True, actor=eraser,
    )  # fmt: skip
    sample = VerificationSample.objects.get(erasure__drive=drive)
    client = at_bench(checker, WK.ERASURE)
    html = client.get(reverse("bench:erasure")).content.decode()
    assert f'data-verification="{drive.tag}"' not in html
    response = _check(client, sample, "site-1", outcome="passed")
    sample.refresh_from_db()
    assert sample.passed is None
    assert [m.extra_tags for m in response.context["messages"]] == ["other_site"]
