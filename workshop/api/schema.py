"""The OpenAPI generator: every operation documents the shared error shape.

``AtelierAutoSchema`` adds the ``Error`` component as the answer to 401 and 403 everywhere,
to 404 on paths with a parameter, and to 400, 409 and 413 on writes, unless a view declares
its own answer for that status.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from workshop.api.errors import ErrorSerializer

DESCRIPTIONS = {
    "400": "Invalid input: `invalid`, `malformed_json`, `unknown_field`, or a domain error.",
    "401": "Not authenticated: `not_authenticated` or `authentication_failed`.",
    "403": "Forbidden for this role or workstation: `permission_denied`, `role_forbidden`…",
    "404": "Not found: `not_found` (or `scan_unknown` for a scan).",
    "409": "Conflict with the state of things: a refused move, a guard, an idempotency clash.",
    "413": "Request body too large: `request_too_large`.",
}


class AtelierAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "409", "413"]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = DESCRIPTIONS[code]
                responses[code] = response
        return dict(sorted(responses.items()))
