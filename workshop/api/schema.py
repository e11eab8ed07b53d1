"""The OpenAPI generator: every operation documents every status it can answer.

``AtelierAutoSchema`` adds the ``Error`` component as the answer to 400 (the request does not
match this schema), 401, 403, 422 (the schema allows it, a business rule refuses what it
says), 429 (``throttled``, ``login_locked``) and 503 (``database_unavailable``) everywhere; to
404 on paths with a parameter, on reads (a page past the last) and on writes (a row the body
names does not exist: ``fields`` names it); to 409 and 413 on writes; unless a view declares
its own answer for that status. docs/api.md, "Statuses", says what each one means.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from workshop.api.errors import ErrorSerializer

DESCRIPTIONS = {
    "400": "The request does not match this schema: `invalid` (with `fields`), "
    "`malformed_json`, `parse_error`, `unknown_field`, `nul_character`.",
    "401": "Not authenticated: `not_authenticated` or `authentication_failed`.",
    "403": "Forbidden for this role or workstation: `permission_denied`, `role_forbidden`…",
    "404": "Not found: `not_found` (or `scan_unknown` for a scan, or a page past the last). "
    "For a write, also a row the body names (a tag, an id, a code): `fields` names the field.",
    "409": "Conflict with the state of things: a refused move, a guard, an idempotency clash.",
    "422": "The request matches this schema but a business rule refuses what it says (a check "
    "digit, a code not in a list, an amount that does not add up): a domain error code, with "
    "`fields` when it is about one field. Nothing was written.",
    "413": "Request body too large: `request_too_large`.",
    "429": "Too many attempts: `throttled`, or `login_locked` after too many failed sign-ins.",
    "503": "The database cannot be reached (retry after `Retry-After` seconds): "
    "`database_unavailable`.",
}


class AtelierAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403"]
        if "{" in self.path or self.method == "GET":
            codes.append("404")  # a GET list: a page number past the end
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["409", "413"]
            if "404" not in codes:
                codes.append("404")  # a row the body names does not exist
        return [*codes, "422", "429", "503"]

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
