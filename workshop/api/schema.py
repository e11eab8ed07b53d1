"""The OpenAPI generator: every operation documents every status it can answer.

``AtelierAutoSchema`` adds the ``Error`` component as the answer to 400 (the request does not
match this schema), 401, 403, 422 (the schema allows it, a business rule refuses what it
says), 429 (``throttled``, ``login_locked``) and 503 (``database_unavailable``) everywhere; to
404 on paths with a parameter, on reads (a page past the last) and on writes (a few services
look up a code the body names: ``scan_unknown``); to 409 and 413 on writes; unless a view declares
its own answer for that status. docs/api.md, "Statuses", says what each one means.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from workshop.api.errors import ErrorSerializer

DESCRIPTIONS = {
    "400": "The request does not match this schema: `invalid` (with `fields`), "
    "`malformed_json`, `parse_error`, `unknown_field`, `nul_character`.",
    "401": "Not authenticated: `not_authenticated` or `authentication_failed`.",
    "403": "Forbidden for this role or workstation: `permission_denied`, `role_forbidden`…",
    "404": "Not found: what the path names does not exist or is not yours to see: `not_found` "
    "(`scan_unknown` for a scan), or a page past the last.",
    "409": "Conflict with the state of things: a refused move, a guard, a row not in the state "
    "the action needs, a duplicate (`duplicate`), an idempotency clash.",
    "422": "The request matches this schema but what it says is refused: a row the body names "
    "does not exist or is not yours (`invalid`, `not_found`, with `fields` naming the field), or "
    "a business rule (a check digit, a code not in a list, an amount that does not add up: the "
    "rule's own code). Nothing was written.",
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

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """An amount is a string of digits: say that it has at least one (drf-spectacular's
        pattern let ``""`` through, which the API refuses), and no minus sign when the field
        refuses negatives."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.DecimalField)
            and schema.get("format") == "decimal"
            and field.max_whole_digits
        ):
            minimum = field.min_value
            sign = "" if minimum is not None and minimum >= 0 else "-?"
            schema["pattern"] = (
                rf"^{sign}[0-9]{{1,{field.max_whole_digits}}}"
                rf"(\.[0-9]{{1,{field.decimal_places}}})?$"
            )
        return schema

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        """A write body refuses the fields it does not name (``unknown_field``, 400): say so
        with ``additionalProperties: false``."""
        from workshop.api.base import StrictFieldsMixin

        result = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, StrictFieldsMixin):
            result["additionalProperties"] = False
        one_of = getattr(serializer, "schema_one_of_required", None)
        if direction == "request" and one_of:
            # A body that must name exactly one of a few fields (``validate`` refuses both
            # or neither): say it, or a schema-valid body would be refused.
            result["oneOf"] = [{"required": list(names)} for names in one_of]
        return result

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = DESCRIPTIONS[code]
                responses[code] = response
        return dict(sorted(responses.items()))


# No NUL character (PostgreSQL cannot store one; the API answers 400); and, for a text that
# may not be blank, at least one character that is not white space (DRF trims text first).
# White space is every character ``str.isspace()`` names (DRF strips those), spelt out: a
# generator's ``\s`` may be narrower (hypothesis took "\x1c" for a letter).
SPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TEXT = r"^[^\x00]*$"
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _tighten_text(schema: dict) -> None:
    """Add the text rules the API applies to every string a request sends and that the schema
    has no stricter word for (an enum, a format, a pattern of its own)."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else TEXT
    for key in ("items", "additionalProperties"):
        _tighten_text(schema.get(key))
    for prop in (schema.get("properties") or {}).values():
        _tighten_text(prop)
    for key in ("oneOf", "anyOf", "allOf"):
        for item in schema.get(key) or ():
            _tighten_text(item)


def postprocess_request_rules(result, generator, request, public):
    """Make the schema say what a request must be, so that a request it allows is one the API
    accepts (schemathesis, ``positive_data_acceptance``):

    - request bodies are described as JSON only: the form encodings DRF also reads cannot
      carry a null, a nested object or a typed value, so a form generated from the JSON schema
      was refused (a ``null`` date sent as the text "null");
    - every text of a request body, a query string or a path refuses the NUL character, and a
      text that may not be blank needs one character that is not white space.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _tighten_text(schema)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") in ("query", "path"):
                    _tighten_text(parameter.get("schema"))
            content = operation.get("requestBody", {}).get("content", {})
            json_schema = content.get("application/json", {}).get("schema", {})
            ref = json_schema.get("$ref", "").rsplit("/", 1)[-1]
            body_schema = schemas.get(ref, json_schema)
            if {"required", "oneOf", "minProperties"} & set(body_schema):
                # The body must name something: sending none is refused like an empty one.
                operation["requestBody"]["required"] = True
            if "application/json" in content:
                for media_type in FORM_TYPES:
                    content.pop(media_type, None)
            for media in content.values():
                _tighten_text(media.get("schema"))
    return result
