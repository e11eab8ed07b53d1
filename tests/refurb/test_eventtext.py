"""Each event of the history reads as a French sentence, never as ``key: value`` pairs."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from refurb.eventtext import SENTENCES, event_sentence
from refurb.models import DeviceEvent


def _event(code: str, from_state="", to_state="", **payload) -> SimpleNamespace:
    return SimpleNamespace(code=code, payload=payload, from_state=from_state, to_state=to_state)


@pytest.mark.parametrize(
    ("event", "french"),
    [
        (
            _event("drive_added", drive="LYD000028L", kind="nvme", failing=False, serial="S3Z"),
            "Disque LYD000028L enregistré (NVMe, n° de série S3Z).",
        ),
        (
            _event("test", item="power_on", passed=True, note=""),
            "Contrôle «\u202fMise sous tension\u202f» réussi.",
        ),
        (
            _event("transition", "tested", "graded", grade="A"),
            "Passé de «\u202fTesté\u202f» à «\u202fClassé\u202f». Grade A.",
        ),
        (
            _event(
                "erasure",
                drive="LYD1",
                method="purge",
                tool="nwipe",
                passes=1,
                result="success",
                verified=True,
            ),  # fmt: skip
            "Disque LYD1 effacé par Purge avec nwipe, 1\u00a0passe. Vérifié\u202f: les données "
            "ne sont plus là.",
        ),
        (
            _event("price", solidarity="89.00", standard="179.00", free_of_charge=False),
            "Prix fixé\u202f: 89,00\u00a0€ solidaire, 179,00\u00a0€ standard.",
        ),
        (
            _event("updated", no_storage_confirmed=True),
            "Vérifié à la main\u202f: cet appareil n’a aucun stockage.",
        ),
        (
            _event(
                "drive_check", drive="LYD2", tool="nwipe", method="Verify Zeros", result="passed"
            ),
            "Disque LYD2 relu par nwipe (Verify Zeros), sans y écrire. Il se lit vierge\u202f; "
            "une vérification n’est pas un effacement.",
        ),
    ],
    ids=["drive_added", "test", "transition", "erasure", "price", "no_storage", "drive_check"],
)
def test_events_read_as_french_sentences(event, french):
    with translation.override("fr"):
        assert event_sentence(event, {"power_on": "Mise sous tension"}) == french


def test_every_event_code_has_its_sentence():
    assert set(DeviceEvent.Code.values) <= set(SENTENCES)


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_no_sentence_shows_raw_keys_or_python_values(code):
    event = _event(
        code, "wiped", "tested", drive="LYD1", kind="nvme", failing=False, passed=False,
        item="power_on", template="device_tag", printer="Zebra", method="clear",
        result="failed", verified=False, tool="nwipe", passes=3, solidarity="1", standard="2",
    )  # fmt: skip
    with translation.override("fr"):
        text = event_sentence(event)
    for raw in ("kind:", "failing", "False", "True", "None", "passed:", "nvme;"):
        assert raw not in text, text


@pytest.mark.django_db
def test_the_bench_history_and_the_history_page_say_sentences(client, manager, laptop):
    from django.urls import reverse

    from refurb import services as refurb_services

    refurb_services.drive_add(device=laptop, actor=manager, kind="nvme", serial_number="S3Z9")
    client.force_login(manager)
    page = client.get(reverse("reports:device_history", args=[laptop.asset_tag])).content
    text = page.decode()
    assert "kind: nvme" not in text and "failing: False" not in text
    assert "enregistré (NVMe" in text


@pytest.mark.django_db
def test_certificates_print_the_workshop_local_time(laptop, manager):
    import io

    import pypdfium2

    from refurb import services as refurb_services
    from refurb.certificates.pdf import certificate_pdf
    from refurb.certificates.services import certificate_issue

    refurb_services.device_confirm_no_storage(device=laptop, actor=manager)
    certificate = certificate_issue(
        device=laptop, actor=manager, now=datetime(2026, 11, 22, 8, 41, tzinfo=UTC)
    )
    pdf = certificate_pdf(certificate, verify_url="http://x/verify/1", language="fr")
    text = "\n".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(io.BytesIO(pdf))
    )
    assert "09:41" in text and "08:41" not in text
