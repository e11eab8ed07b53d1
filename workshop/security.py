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
    if not badge:
        return None
    from workshop.services import badge_normalize

    return f"badge:{badge_normalize(badge)}"


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds() // 60) if cooloff else 0


def lockout_message() -> str:
    return _(
        "Too many failed sign-in attempts: this account is locked for %(minutes)d minutes. "
        "Try again later, or ask a manager to unlock it."
    ) % {"minutes": cooloff_minutes()}


def badge_lockout_message() -> str:
    return _(
        "Too many wrong PINs for this badge: it is locked for %(minutes)d minutes. "
        "Ask a coach or a manager to unlock it, or try again later."
    ) % {"minutes": cooloff_minutes()}


def badge_unlock(code: str, *, actor=None) -> int:
    """Lift a badge's lockout (its failed PINs are forgotten); return how many were removed.

    ``actor`` (a person) must be a manager of the badge holder's site (``workshop/access.py``).
    """
    from axes.utils import reset

    from workshop.services import badge_normalize

    if actor is not None:
        from workshop.access import access_check
        from workshop.models import WorkerBadge, WorkerProfile

        badge = WorkerBadge.objects.filter(code=badge_normalize(code)).first()
        profile = WorkerProfile.objects.filter(user_id=getattr(badge, "user_id", None)).first()
        access_check("badge", "unlock", site=getattr(profile, "site_id", None), actor=actor)

    return reset(username=f"badge:{badge_normalize(code)}")


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """Answer a locked-out sign-in: the API error shape for ``/api/``, a short page otherwise.

    A screen that already shows the lockout itself (the bench sign-in, status 429, marked
    ``lockout_shown``) is kept as it is.
    """
    if getattr(original_response, "lockout_shown", False):
        return original_response
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "login_locked", "message": message, "fields": {}}, status=LOCKED_STATUS
        )
    html = render_to_string(
        "errors/plain.html", {"title": _("Sign-in locked"), "message": message}, request=request
    )
    return HttpResponse(html, status=LOCKED_STATUS)
