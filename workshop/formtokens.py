"""One-time form tokens: a screen form submitted twice does its work once.

Every screen form carries ``{% form_token %}`` (``workshop/templatetags/bench.py``): the CSRF
field and a random ``form_token``. ``FormTokenMiddleware`` claims the token for the signed-in
user in its own committed row (the API's ``IdempotencyKey`` table, principal ``form:<user>``)
before the view runs, and stores the answer after it: status, redirect and htmx headers,
body and cookies. A second POST of the same token (a double click, the scanner's Enter, a
reload) waits for the first answer when it is still running, then gets that answer back and
changes nothing. A token posted to another path is an error of the page: the second request
runs as if it had no token. Answers of 500 and above release the claim so a retry can run.

The stored answer also holds the messages the first request left for the next page (the
print notices among them, ``workshop.labelprint``). An htmx replay of an answer that led to
another page load (``HX-Location``, a redirect) answers 204, nothing to swap: the browser is
already showing, or loading, the page the first answer led to, with its messages. Any other
replay adds them to the second request's own messages, so the page the replay leads to
shows them, whichever page load reads the messages first (the replay writes them into its
own messages cookie again); a message the browser already holds is not added twice.

The middleware sits before the session and message middleware, so the stored answer holds
the other cookies they set. It checks CSRF itself before claiming anything.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware

from workshop.models import IdempotencyKey

FIELD = "form_token"
WAIT_SECONDS = 15.0
MAX_BODY = 512 * 1024
REPLAYED_HEADERS = ("Content-Type", "Location", "Cache-Control", "Vary", "Content-Language")


def new_token() -> str:
    return secrets.token_urlsafe(18)


def _principal(request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return f"form:{user.pk}"


class FormTokenMiddleware:
    """Replay the first answer to a screen POST whose ``form_token`` was already used."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "_form_token_claim", None)
        if claim is not None:
            request._form_token_claim = None
            if response.status_code >= 500 or getattr(response, "streaming", False):
                IdempotencyKey.objects.filter(pk=claim.pk).delete()
            else:
                answer = _answer(response)
                answer["messages"] = _pending_messages(request)
                IdempotencyKey.objects.filter(pk=claim.pk).update(
                    status=response.status_code, body=answer
                )
        return response

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST" or request.path.startswith("/api/"):
            return None
        token = request.POST.get(FIELD, "").strip()[:255]
        principal = _principal(request)
        if not token or principal is None:
            return None
        refused = self.csrf.process_view(request, view, args, kwargs)
        if refused is not None:
            return refused
        claim = _claim(token, principal, request.path[:500])
        if claim is not None:
            request._form_token_claim = claim
            return None
        deadline = time.monotonic() + getattr(settings, "ATELIER_FORM_TOKEN_WAIT", WAIT_SECONDS)
        while True:
            previous = IdempotencyKey.objects.filter(key=token, principal=principal).first()
            if previous is None or previous.path != request.path[:500]:
                return None  # released (the first one failed) or another form: run it
            if previous.status is not None:
                if request.headers.get("HX-Request") == "true" and _leads_on(previous):
                    return _unchanged()
                _messages_add(request, (previous.body or {}).get("messages", []))
                return _replay(previous)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)


def _claim(token: str, principal: str, path: str, attempts: int = 3) -> IdempotencyKey | None:
    """Take ``token`` for this request, or return None when an earlier request holds it.

    On SQLite with a second writer at work, Python's sqlite3 can lose the error of an
    ``INSERT … RETURNING`` and hand Django no row (a ``TypeError`` deep in ``save``): the
    table then says whether the token is taken; if it is not, the insert is tried again.
    """
    for _attempt in range(attempts):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    key=token, principal=principal, method="POST", path=path, fingerprint="form"
                )
        except IntegrityError:
            return None
        except TypeError:
            if IdempotencyKey.objects.filter(key=token, principal=principal).exists():
                return None
    return None


def _leads_on(previous: IdempotencyKey) -> bool:
    """Whether the first answer sent the browser on to another page load."""
    headers = (previous.body or {}).get("headers", {})
    return 300 <= previous.status < 400 or any(
        name.lower() in ("hx-location", "hx-redirect", "hx-refresh") for name in headers
    )


def _unchanged() -> HttpResponse:
    """The answer to an htmx replay of a submit whose answer led on: nothing to swap.

    ``bench.js`` lets a form be sent again only once the first answer is back, and htmx loads
    the page that answer leads to one request after another: a second load after the replay
    would come after the first one had shown (and cleared) the messages, and replace it with
    a page that says nothing. htmx leaves the page as it is on a 204.
    """
    response = HttpResponse(status=204)
    response["X-Form-Replayed"] = "true"
    return response


def _pending_messages(request) -> list[dict]:
    """The messages this request leaves for the next page (not those it showed itself)."""
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", None) or []
    return [
        {"level": m.level, "message": str(m.message), "extra_tags": m.extra_tags or ""}
        for m in queued
    ]


def _messages_add(request, recorded: list[dict]) -> None:
    """Give this request the first answer's messages, once each.

    The replay's answer always writes them into its messages cookie, even those the browser
    sent back with this request: by the time the browser follows the replay, the page load
    of the first answer may have read and cleared that cookie.
    """
    from django.contrib.messages import add_message

    storage = getattr(request, "_messages", None)
    if storage is None or not recorded:
        return
    waiting = {
        (m.level, str(m.message), m.extra_tags or "")
        for m in [*storage._loaded_messages, *storage._queued_messages]
    }
    for item in recorded:
        key = (item["level"], item["message"], item.get("extra_tags", ""))
        if key not in waiting:
            waiting.add(key)
            add_message(request, item["level"], item["message"], extra_tags=item["extra_tags"])
    storage.added_new = True  # store the messages again, those already waiting included


def _answer(response) -> dict:
    content = response.content if len(response.content) <= MAX_BODY else b""
    return {
        "headers": {
            name: response[name]
            for name in response.headers
            if name in REPLAYED_HEADERS or name.lower().startswith("hx-")
        },
        "content": content.decode(response.charset or "utf-8", "replace"),
        "cookies": [
            {
                "key": morsel.key,
                "value": morsel.value,
                "max_age": morsel["max-age"] or None,
                "expires": morsel["expires"] or None,
                "path": morsel["path"] or "/",
                "domain": morsel["domain"] or None,
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"] or None,
            }
            for morsel in response.cookies.values()
            if morsel.key != CookieStorage.cookie_name  # the messages are added, not copied
        ],
    }


def _replay(previous: IdempotencyKey) -> HttpResponse:
    body = previous.body or {}
    headers = dict(body.get("headers", {}))
    if 300 <= previous.status < 400 and "Location" in headers:
        response = HttpResponseRedirect(headers.pop("Location"), status=previous.status)
    else:
        response = HttpResponse(body.get("content", ""), status=previous.status)
    for name, value in headers.items():
        response[name] = value
    for cookie in body.get("cookies", []):
        max_age = cookie.pop("max_age")
        response.set_cookie(max_age=int(max_age) if max_age not in (None, "") else None, **cookie)
    response["X-Form-Replayed"] = "true"
    return response
