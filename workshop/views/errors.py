"""The refusal pages (403, 404) of every screen: the bench layout, in French, with what to do
and a way back. Never Django's debug page on a public page, even with ``DEBUG=1``.

``page_not_found`` and ``permission_denied`` are the project's ``handler404`` and
``handler403`` (``workshop/urls.py``); under ``/api/`` they answer the API's error shape.
``PublicRefusalMiddleware`` renders the same pages for an ``Http404`` or ``PermissionDenied``
raised by a public page (``ATELIER_PUBLIC_PATHS``: ``/d/<tag>``, ``/verify/``), because with
``DEBUG=1`` Django would answer those with its technical page. It does the same under
``/api/``, where a path no route matches and a request Django refuses as suspicious
(``TooManyFieldsSent``, ``RequestDataTooBig``…) answer the error shape, never HTML: the OpenAPI
schema documents only JSON (found by schemathesis, ``--checks all``). ``bad_request`` is the
project's ``handler400``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from workshop.api.errors import error_json_response
from workshop.roles import ROLES

PUBLIC_PATHS = ("/d/", "/verify/", "/catalogue/", "/photos/")


def _render(request, *, status: int, title: str, text: str, hint: str):
    from workshop.views.common import render_bench

    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    context = {
        "page_title": title,
        "title": title,
        "text": text,
        "hint": hint,
        "status": status,
        "refusal": True,
        "back_url": reverse("bench:home") if signed_in else "",
        "signin_url": "" if signed_in else reverse("bench:signin"),
    }
    response = render_bench(request, "workshop/errors/refused.html", context, status=status)
    response.atelier_refusal = True
    return response


def page_not_found(request, exception=None):
    """``handler404``."""
    if request.path.startswith("/api/"):
        return error_json_response("not_found", _("Nothing was found at this address."), status=404)
    return _render(
        request,
        status=404,
        title=_("Page not found"),
        text=_("Nothing is at this address: the link is old, or a code was mistyped."),
        hint=_("Scan the label again, or go back and try another way."),
    )


def bad_request(request, exception=None):
    """``handler400``: a request Django refused before any view (``SuspiciousOperation``)."""
    if request.path.startswith("/api/"):
        return error_json_response("bad_request", _("The request could not be read."), status=400)
    from django.views import defaults

    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    """``handler403``: a role or a site that does not reach this page."""
    if request.path.startswith("/api/"):
        return error_json_response(
            "permission_denied", _("You do not have permission to do this."), status=403
        )
    wanted = getattr(exception, "roles", None)
    said = getattr(exception, "text", None)  # a view's own words (e.g. which site it is for)
    if said:
        text = said
    elif wanted:
        text = _("This page is for: %(roles)s.") % {
            "roles": ", ".join(str(ROLES[code]) for code in sorted(wanted) if code in ROLES)
        }
    else:
        text = _("Your role or your site does not give access to this page.")
    return _render(
        request,
        status=403,
        title=_("Not for your role"),
        text=text,
        hint=_("Ask a coach or a manager if you need it, or go back to your bench."),
    )


class PublicRefusalMiddleware:
    """Answer a public page's 404 or 403 with the refusal page, whatever ``DEBUG`` says."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = tuple(getattr(settings, "ATELIER_PUBLIC_PATHS", PUBLIC_PATHS))

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith((*self.paths, "/api/"))
            and getattr(request, "resolver_match", None) is None
            and not getattr(response, "atelier_refusal", False)
        ):  # no route matched (``/d/LY0000423/``): with DEBUG, Django's technical page
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if request.path.startswith("/api/") and isinstance(exception, SuspiciousOperation):
            return bad_request(request, exception)
        if not request.path.startswith(self.paths):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
