"""The OpenAPI generator: every operation documents the shared error shape.

``AtelierAutoSchema`` adds the ``Error`` component as the answer to 401 and 403 everywhere,
to 404 on paths with a parameter and on reads (a page past the last), to 400 on reads (a filter
that does not parse) and, 409 and 413 on writes, to 429 (``throttled``,
``login_locked``) and 503 (``database_unavailable``) everywhere, unless a view declares its own
answer for that status.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from workshop.api.errors import ErrorSerializer

DESCRIPTIONS = {
    "400": "Invalid input: `invalid`, `malformed_json`, `unknown_field`, or a domain error.",
    "401": "Not authenticated: `not_authenticated` or `authentication_failed`.",
    "403": "Forbidden for this role or workstation: `permission_denied`, `role_forbidden`…",
    "404": "Not found: `not_found` (or `scan_unknown` for a scan, or a page past the last; "
    "for a write, a row the body names).",
    "409": "Conflict with the state of things: a refused move, a guard, an idempotency clash.",
    "413": "Request body too large: `request_too_large`.",
    "429": "Too many attempts: `throttled`, or `login_locked` after too many failed sign-ins.",
    "503": "The database cannot be reached (retry after `Retry-After` seconds): "
    "`database_unavailable`.",
}


class AtelierAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["401", "403"]
        if "{" in self.path or self.method == "GET":
            codes.append("404")  # a GET list: a page number past the end
        if self.method == "GET":
            codes.append("400")  # a filter value that does not parse
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "409", "413"]
            if "404" not in codes:
                codes.append("404")  # a row the body names does not exist
        return [*codes, "429", "503"]

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        """A write body refuses the fields it does not name (``unknown_field``, 400): say so
        with ``additionalProperties: false``."""
        from workshop.api.base import StrictFieldsMixin

        result = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, StrictFieldsMixin):
            result["additionalProperties"] = False
        return result

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = DESCRIPTIONS[code]
                responses[code] = response
        return dict(sorted(responses.items()))
