"""E-mail through a job and a real SMTP server on loopback (workshop/mail.py)."""

from __future__ import annotations

import copy
import socket
from pathlib import Path

import pytest

from demo.mailbox import message_text
from workshop import jobs
from workshop.exceptions import DomainError
from workshop.mail import mail_send
from workshop.models import Job

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "templates"
HOSTILE = "<script>alert(1)</script>\r\nBcc: victim@example.org"


@pytest.fixture(autouse=True)
def test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0].get("DIRS", []), str(TEMPLATES_DIR)]
    settings.TEMPLATES = templates


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_reaches_the_smtp_server_in_french_with_text_and_html(smtp_server, site):
    job = mail_send(
        to="contact@asso.example.org",
        template="mailtest/hello",
        context={"name": "Amélie", "order": "CMD-12", "link": "https://atelier.example/x?t=1"},
        site=site,
    )
    assert job.status == Job.Status.DONE, job.message
    [message] = smtp_server.wait(1)
    assert message["To"] == "contact@asso.example.org"
    assert message["Subject"] == "Facture CMD-12"
    assert "Donateur Amélie" in message_text(message)
    html = message_text(message, "html")
    assert '<a href="https://atelier.example/x?t=1">' in html
    assert "Donateur Amélie" in html
    assert "Répondez" in html  # the layout's footer, in French
    assert job.site_id == site.pk


def test_the_english_mail_is_in_english(smtp_server):
    mail_send(
        to="a@example.org",
        template="mailtest/hello",
        context={"name": "Ann", "order": "7", "link": "x"},
        language="en",
    )
    [message] = smtp_server.wait(1)
    assert message["Subject"] == "Invoice 7"
    assert message_text(message).startswith("Donor Ann")


def test_hostile_strings_stay_in_the_body_escaped_and_never_make_a_header(smtp_server):
    mail_send(
        to="a@example.org",
        template="mailtest/hello",
        context={"name": HOSTILE, "order": HOSTILE, "link": "x"},
    )
    [message] = smtp_server.wait(1)
    assert message.envelope_to == ["a@example.org"]
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]
    html = message_text(message, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("address", ["", "not-an-address", "a@example.org\r\nBcc: b@example.org"])
def test_an_invalid_address_is_refused_and_records_nothing(smtp_server, address):
    with pytest.raises(DomainError) as refused:
        mail_send(to=address, template="mailtest/hello", context={})
    assert refused.value.code == "mail_address_invalid"
    assert not Job.objects.filter(kind="mail").exists()
    assert smtp_server.messages == []


def test_an_attachment_arrives_whole(smtp_server):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    mail_send(
        to="a@example.org",
        template="mailtest/hello",
        context={"name": "x", "order": "1", "link": "x"},
        attachments=[("facture FA-2026-000001.pdf", pdf, "application/pdf")],
    )
    [message] = smtp_server.wait(1)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "facture FA-2026-000001.pdf"
    assert attachment.get_content() == pdf


def test_a_server_that_does_not_answer_leaves_a_failed_job_that_says_what_to_do(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    job = mail_send(
        to="a@example.org", template="mailtest/hello", context={"name": "x", "order": "1"}
    )
    assert job.status == Job.Status.FAILED
    assert "a@example.org" in job.message
    assert "retry" in job.message.lower() or "réessayez" in job.message.lower()


def test_a_failed_mail_is_retried_by_a_person_and_then_sent(settings, smtp_server, manager, site):
    port = smtp_server.port
    settings.EMAIL_PORT = closed_port()
    job = mail_send(
        to="a@example.org",
        template="mailtest/hello",
        context={"name": "x", "order": "1", "link": "x"},
        site=site,
    )
    assert job.status == Job.Status.FAILED
    settings.EMAIL_PORT = port
    jobs.job_retry_by(job, actor=manager)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert len(smtp_server.wait(1)) == 1


def test_a_mail_asked_inside_a_transaction_that_rolls_back_is_never_sent(
    settings, smtp_server, tmp_path
):
    """On a real queue the job is enqueued after the commit: a rolled-back request sends
    nothing (its job row goes with the transaction)."""
    from django.db import transaction

    jobs.queue_configure("sqlite", sqlite_path=str(tmp_path / "jobs.sqlite3"))
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            mail_send(to="a@example.org", template="mailtest/hello", context={})
            raise RuntimeError("the request failed after asking for the mail")
        assert not Job.objects.filter(kind="mail").exists()
        assert len(jobs.queue) == 0
    finally:
        jobs.queue_configure("immediate")
