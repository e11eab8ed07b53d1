"""Refuse oversized request bodies with 413 before anything reads them.

The limit is ``ATELIER_MAX_REQUEST_BYTES`` (1 MiB by default); ``ATELIER_MAX_REQUEST_BYTES_BY_PATH``
maps path prefixes to their own limit (the longest matching prefix wins), so an upload endpoint
can allow more. A body with a ``Content-Length`` is judged on that header without being read; a
chunked body without one is read up to the limit plus one byte and refused if it goes past it,
and otherwise handed on as if it had been sent with its length.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _

from workshop.api.errors import error_json_response

DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024


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
