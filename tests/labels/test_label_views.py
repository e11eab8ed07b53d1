"""The print screen, the bench "print" link target and the job page with its retry button."""

import pytest
from django.urls import reverse

from labels.models import Printer, PrintJob
from tests.labels.test_label_printing import Listener
from tests.labels.test_label_services import _free_port
from workshop import tags


@pytest.fixture
def logged(client, bench_worker):
    client.force_login(bench_worker)
    return client


def test_print_link_prefills_the_form_from_the_query(logged, laptop):
    url = reverse("labels:print") + f"?template=shop_label&codes={laptop.asset_tag}&copies=2"
    page = logged.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert laptop.asset_tag in page
    assert '<option value="shop_label" selected>' in page
    assert 'name="copies" value="2"' in page


def test_printing_from_the_form_shows_the_sent_job(logged, laptop, make_printer):
    printer = make_printer()
    response = logged.post(
        reverse("labels:print"),
        {
            "template": "device_tag",
            "codes": laptop.asset_tag,
            "printer": printer.pk,
            "start_at": 1,
            "copies": 1,
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "1 label sent to" in page
    job = PrintJob.objects.get()
    assert reverse("labels:job-document", args=[job.pk]) in page


def test_bad_code_stays_on_the_form_with_the_message(logged, make_printer):
    response = logged.post(
        reverse("labels:print"),
        {
            "template": "device_tag",
            "codes": tags.make_tag("LY", "", 999999),
            "printer": make_printer().pk,
            "start_at": 1,
            "copies": 1,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "matches nothing" in response.content.decode()
    assert not PrintJob.objects.exists()


def test_failed_job_page_says_what_to_check_and_retry_sends_it(logged, laptop, make_printer):
    printer = make_printer(Printer.Kind.RAW9100, port=_free_port(), name="Zebra accueil")
    response = logged.post(
        reverse("labels:print"),
        {
            "template": "device_tag",
            "codes": laptop.asset_tag,
            "printer": printer.pk,
            "start_at": 1,
            "copies": 1,
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    job = PrintJob.objects.get()
    assert 'data-error-code="refused"' in page and "switched on" in page
    assert reverse("labels:job-retry", args=[job.pk]) in page
    server = Listener()
    try:
        Printer.objects.filter(pk=printer.pk).update(port=server.port)
        logged.post(reverse("labels:job-retry", args=[job.pk]))
        assert server.done.wait(5)
    finally:
        server.close()
    job.refresh_from_db()
    assert job.status == PrintJob.Status.SENT


def test_print_screen_needs_a_login(client):
    response = client.get(reverse("labels:print"))
    assert response.status_code == 302
