"""A print notice reaches the page the person ends up on, even after a double click."""

from __future__ import annotations

from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from workshop import labelprint


def _request(path: str, session: SessionStore):
    request = RequestFactory().get(path)
    request.session = session
    return request


def test_a_notice_shown_once_is_shown_again_on_the_same_page_only(monkeypatch):
    session = SessionStore()
    notice = {"ok": True, "text": "Étiquette envoyée"}
    labelprint.notices_add(_request("/intake/", session), notice)
    # Both loads of the device page that a double click causes say the label printed.
    assert labelprint.notices_pop(_request("/intake/LY1/", session)) == [notice]
    assert labelprint.notices_pop(_request("/intake/LY1/", session)) == [notice]
    # Another page does not repeat it, nor does the same page later on.
    assert labelprint.notices_pop(_request("/erasure/LY1/", session)) == []
    labelprint.notices_add(_request("/intake/", session), notice)
    assert labelprint.notices_pop(_request("/intake/LY2/", session)) == [notice]
    later = labelprint.time.time() + labelprint.SHOWN_SECONDS + 1
    monkeypatch.setattr(labelprint.time, "time", lambda: later)
    assert labelprint.notices_pop(_request("/intake/LY2/", session)) == []
