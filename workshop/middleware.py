"""Answer 503 instead of 500 when the database is unreachable, and recover on the next request.

A database restart, a failover or a dropped network link surfaces as ``OperationalError`` or
``InterfaceError``. ``DatabaseUnavailableMiddleware`` turns it into a 503 — the API's error shape
``{"code": "database_unavailable", ...}`` under ``/api/``, a short translated page elsewhere —
and closes the broken connection so the next request opens a fresh one. ``server_error`` (the
project's ``handler500``) does the same for errors raised outside views (in a middleware).
The API's exception handler should let these errors through (return ``None``) or answer with
``database_unavailable_response``.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("atelier.database")

UNAVAILABLE = (OperationalError, InterfaceError)


def close_broken_connections() -> None:
    """Close every connection outside a transaction, so the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - the connection is already broken
                logger.debug("closing a broken connection failed", exc_info=True)


def database_unavailable_response(request) -> HttpResponse:
    """Return the 503 answer for ``request`` (JSON for the API, a page for screens)."""
    message = _("The database cannot be reached. Try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "database_unavailable", "message": message, "fields": {}}, status=503
        )
    else:
        html = render_to_string(
            "errors/plain.html",
            {
                "title": _("Service unavailable"),
                "message": message,
                "retry": True,
                "LANGUAGE_CODE": get_language(),
            },
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "5"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        logger.error("database unavailable on %s: %s", request.path, exception)
        close_broken_connections()
        return database_unavailable_response(request)


def server_error(request, *args, **kwargs):
    """``handler500``: a 503 for a database outage raised outside a view, else Django's 500."""
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        close_broken_connections()
        return database_unavailable_response(request)
    return defaults.server_error(request, *args, **kwargs)
