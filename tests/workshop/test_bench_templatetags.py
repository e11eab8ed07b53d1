"""The bench timeline shows translated labels, never the codes stored in event payloads."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from refurb.templatetags.lifecycle import event_summary


def _event(code: str, **payload) -> SimpleNamespace:
    return SimpleNamespace(code=code, payload=payload, from_state="", to_state="")


@pytest.mark.parametrize(
    ("event", "english", "french"),
    [
        (
            _event("erasure", drive="LYD1", method="purge", result="success", verified=True),
            "LYD1 · Purge · Success · verified",
            "LYD1 · Purge · Réussi · vérifié",
        ),
        (
            _event("destruction", drive="LYD1", method="shredding", witness="Claire"),
            "LYD1 · Shredding · Claire",
            "LYD1 · Broyage · Claire",
        ),
        (
            _event("test", item="Webcam", passed=False, note="no image"),
            "Webcam: fail · no image",
            "Webcam\u202f: échoué · no image",
        ),
    ],
    ids=["erasure", "destruction", "test"],
)
def test_an_event_summary_reads_in_the_language_of_the_screen(event, english, french):
    with translation.override("en"):
        assert event_summary(event) == english
    with translation.override("fr"):
        assert event_summary(event) == french
