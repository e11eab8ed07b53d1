"""A print notice travels with the messages: shown once, on the page the answer leads to."""

from __future__ import annotations

from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from workshop import labelprint


def _request(path: str):
    request = RequestFactory().get(path)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_notice_is_a_message_split_from_the_others_and_never_doubled():
    from django.contrib import messages

    request = _request("/intake/")
    notice = {"ok": True, "text": "Étiquette envoyée"}
    messages.success(request, "Appareil enregistré.")
    labelprint.notices_add(request, notice)
    labelprint.notices_add(request, notice)  # the same outcome pending is not doubled
    labelprint.notices_add(request, {"ok": False, "text": "Imprimante injoignable"})
    ordinary, notices = labelprint.bench_messages(request)
    assert [m.message for m in ordinary] == ["Appareil enregistré."]
    assert notices == [notice, {"ok": False, "text": "Imprimante injoignable"}]


def test_a_tagged_message_that_holds_no_notice_is_shown_as_a_message():
    from django.contrib import messages

    request = _request("/intake/")
    messages.info(request, "{not json", extra_tags=labelprint.NOTICE_TAG)
    ordinary, notices = labelprint.bench_messages(request)
    assert ([m.message for m in ordinary], notices) == (["{not json"], [])
