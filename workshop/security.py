"""Sign-in throttling with django-axes, shared by every way of signing in.

The admin login goes through ``AxesBackend`` already. Another sign-in (the bench screens' badge
+ PIN) plugs in by calling ``django.contrib.auth.authenticate(request, badge=..., pin=...)``
with the request, from a backend listed AFTER ``AxesBackend`` in ``AUTHENTICATION_BACKENDS``:
axes then counts its failures under ``login_identity`` (``badge:<number>``), refuses a locked
identity before the PIN is even checked, and ``lockout_response`` answers the lockout (JSON
for ``/api/``, a translated page otherwise). Settings: ``ATELIER_LOGIN_FAILURE_LIMIT``,
``ATELIER_LOGIN_COOLOFF_MINUTES``.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

LOCKED_STATUS = 429


class AxesBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped for calls made without a request.

    ``authenticate()`` without a request only happens in code run on the server itself (the
    test client's ``login()``, scripts): no one on the network can reach it, so there is no
    attempt to throttle, and the next backend checks the password as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_identity(request, credentials) -> str | None:
    """Return the identity whose failures are counted: the username, or ``badge:<number>``."""
    credentials = credentials or {}
    username = credentials.get("username")
    if username is None and request is not None and hasattr(request, "POST"):
        username = request.POST.get("username")
    if username:
        return str(username)
    badge = credentials.get("badge")
    if badge is None and request is not None and hasattr(request, "POST"):
        badge = request.POST.get("badge")
    return f"badge:{badge}" if badge else None


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds() // 60) if cooloff else 0


def lockout_message() -> str:
    return _(
        "Too many failed sign-in attempts: this account is locked for %(minutes)d minutes. "
        "Try again later, or ask a manager to unlock it."
    ) % {"minutes": cooloff_minutes()}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """Answer a locked-out sign-in: the API error shape for ``/api/``, a short page otherwise."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "login_locked", "message": message, "fields": {}}, status=LOCKED_STATUS
        )
    html = render_to_string(
        "errors/plain.html", {"title": _("Sign-in locked"), "message": message}, request=request
    )
    return HttpResponse(html, status=LOCKED_STATUS)
