"""Request-level safety nets: body size limits and database outages.

``RequestSizeLimitMiddleware`` refuses oversized request bodies with 413 before anything reads
them. The limit is ``ATELIER_MAX_REQUEST_BYTES`` (1 MiB by default);
``ATELIER_MAX_REQUEST_BYTES_BY_PATH`` maps path prefixes to their own limit (the longest
matching prefix wins), so an upload endpoint can allow more. A body with a ``Content-Length`` is
judged on that header without being read; a chunked body without one is read up to the limit
plus one byte and refused if it goes past it, and otherwise handed on as if it had been sent
with its length.

``DatabaseUnavailableMiddleware`` answers 503 instead of 500 when the database is unreachable (a
restart, a failover or a dropped link surfaces as ``OperationalError`` or ``InterfaceError``):
the API's error shape ``{"code": "database_unavailable", ...}`` under ``/api/``, a short
translated page elsewhere; it closes the broken connection so the next request opens a fresh
one. ``server_error`` (the project's ``handler500``) does the same for errors raised outside
views (in a middleware).
"""

from __future__ import annotations

import io
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from workshop.api.errors import error_json_response

DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
logger = logging.getLogger("atelier.database")
UNAVAILABLE = (OperationalError, InterfaceError)


def max_request_bytes(path: str) -> int:
    """Return the largest body accepted for ``path``."""
    limit = getattr(settings, "ATELIER_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES)
    overrides = getattr(settings, "ATELIER_MAX_REQUEST_BYTES_BY_PATH", {})
    matches = [prefix for prefix in overrides if path.startswith(prefix)]
    if matches:
        return overrides[max(matches, key=len)]
    return limit


class RequestSizeLimitMiddleware:
    """Answer 413 in the API's error shape when a body is larger than its path allows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = max_request_bytes(request.path)
        length = request.META.get("CONTENT_LENGTH")
        if length:
            try:
                too_large = int(length) > limit
            except ValueError:
                return error_json_response(
                    "invalid_content_length",
                    _("The Content-Length header is not a number."),
                    status=400,
                )
            if too_large:
                return self._refuse(limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            stream = request.META.get("wsgi.input")
            if stream is not None:
                data = stream.read(limit + 1)
                if len(data) > limit:
                    return self._refuse(limit)
                request.META["CONTENT_LENGTH"] = str(len(data))
                request._stream = io.BytesIO(data)
                request._read_started = False
        return self.get_response(request)

    @staticmethod
    def _refuse(limit: int):
        return error_json_response(
            "request_too_large",
            _("The request body is larger than the %(limit)s bytes accepted here.")
            % {"limit": limit},
            status=413,
        )


class NulRefusalMiddleware:
    """Answer 400 when the path or the query string holds a NUL character (``%00``).

    PostgreSQL cannot compare a text with NUL in it: ``/api/scan/%00`` or ``/d/%00`` would reach
    the database as an error (500) there, while SQLite answers 404. Both now answer 400 at once,
    in the API's error shape under ``/api/`` and as a short page elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        has_nul = "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        )
        if has_nul:
            message = _("The address may not contain the NUL character (code 0).")
            if request.path.startswith("/api/"):
                return error_json_response("nul_character", message, status=400)
            html = render_to_string(
                "errors/plain.html",
                {"title": _("Bad request"), "message": message, "LANGUAGE_CODE": get_language()},
            )
            return HttpResponse(html, status=400)
        return self.get_response(request)


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
    """Turn a database outage into a 503 and drop the broken connection."""

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
