"""Guided erasure: plain questions with no answer given in advance, the methods explained,
and "no storage" asked twice."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from refurb import services as refurb_services
from refurb.models import Drive
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

ANSWERS = {"method": "purge", "tool": "nwipe", "passes": "1"}


@pytest.fixture
def drive(laptop, bench_worker):
    return refurb_services.drive_add(device=laptop, actor=bench_worker, kind=Drive.Kind.SSD)


def _erase(client, drive, **answers):
    return client.post(
        reverse("bench:drive-erasure", args=[drive.tag]), {**ANSWERS, **answers}, follow=True
    )


def test_the_erasure_questions_have_no_answer_given_in_advance(at_bench, bench_worker, drive):
    client = at_bench(bench_worker, WK.ERASURE)
    page = client.get(reverse("bench:erasure-device", args=[drive.device.asset_tag]))
    html = page.content.decode()
    assert "La vérification a-t-elle réussi" in html and "Pas faite" in html
    radios = re.findall(r'<input type="radio" name="(finished|verification)"[^>]*>', html)
    assert len(radios) == 5
    assert not any(
        "checked" in tag
        for tag in re.findall(r'<input type="radio" name="(?:finished|verification)"[^>]*>', html)
    )
    assert 'data-help="nist"' in html and "Purge" in html


def test_an_unanswered_verification_records_nothing(at_bench, bench_worker, drive):
    client = at_bench(bench_worker, WK.ERASURE)
    response = _erase(client, drive, finished="yes")
    drive.refresh_from_db()
    assert drive.status == Drive.Status.PENDING and not drive.erasures.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_a_verification_not_done_records_nothing_and_says_what_to_do(at_bench, bench_worker, drive):
    client = at_bench(bench_worker, WK.ERASURE)
    response = _erase(client, drive, finished="yes", verification="not_done")
    drive.refresh_from_db()
    assert drive.status == Drive.Status.PENDING and not drive.erasures.exists()
    assert "vérification" in " ".join(m.message for m in response.context["messages"])


def test_a_verified_erasure_marks_the_drive_erased(at_bench, bench_worker, drive):
    client = at_bench(bench_worker, WK.ERASURE)
    _erase(client, drive, finished="yes", verification="yes")
    drive.refresh_from_db()
    assert drive.status == Drive.Status.ERASED


def test_a_failed_verification_is_recorded_as_failed(at_bench, bench_worker, drive):
    client = at_bench(bench_worker, WK.ERASURE)
    _erase(client, drive, finished="yes", verification="no")
    drive.refresh_from_db()
    assert drive.status == Drive.Status.FAILED


def test_no_storage_needs_a_second_confirmation(at_bench, bench_worker, laptop):
    client = at_bench(bench_worker, WK.ERASURE)
    url = reverse("bench:no-storage", args=[laptop.asset_tag])
    first = client.post(url, {"form_token": "ns-1"})
    laptop.refresh_from_db()
    assert not laptop.no_storage_confirmed
    assert 'data-confirm="no-storage"' in first.content.decode()
    client.post(url, {"confirm": "1", "form_token": "ns-2"})
    laptop.refresh_from_db()
    assert laptop.no_storage_confirmed


def _upload(client, drive, name, token):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.refurb.parsers.samples import hw_path  # real logs, read in place

    log = SimpleUploadedFile(name, hw_path(name).read_bytes(), content_type="text/plain")
    return client.post(
        reverse("bench:drive-log", args=[drive.tag]),
        {"log": log, "form_token": token},
        follow=True,
    )


def test_the_nwipe_log_dropped_on_a_drive_records_its_verified_erasure(
    at_bench, bench_worker, drive
):
    client = at_bench(bench_worker, WK.ERASURE)
    page = client.get(reverse("bench:erasure-device", args=[drive.device.asset_tag]))
    assert f'data-log-upload="{drive.tag}"' in page.content.decode()
    response = _upload(client, drive, "local_nwipe_success_dodshort_verified.log", "log-1")
    drive.refresh_from_db()
    assert drive.status == Drive.Status.ERASED
    [erasure] = drive.erasures.all()
    assert erasure.tool == "nwipe" and erasure.verified
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    _upload(client, drive, "local_nwipe_success_dodshort_verified.log", "log-2")
    assert drive.erasures.count() == 1  # the same log twice: recorded once


def test_a_failed_nwipe_log_leaves_the_drive_to_erase_again_or_destroy(
    at_bench, bench_worker, drive
):
    client = at_bench(bench_worker, WK.ERASURE)
    response = _upload(client, drive, "local_nwipe_failed_io_error.log", "log-f")
    drive.refresh_from_db()
    assert drive.status == Drive.Status.FAILED
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


def test_a_file_that_is_not_an_nwipe_log_is_refused_and_changes_nothing(
    at_bench, bench_worker, drive
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(
        reverse("bench:drive-log", args=[drive.tag]),
        {"log": SimpleUploadedFile("photo.txt", b"hello"), "form_token": "bad"},
        follow=True,
    )
    drive.refresh_from_db()
    assert drive.status == Drive.Status.PENDING and not drive.erasures.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
