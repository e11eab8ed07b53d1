"""JSON read with limits, before anything parses deeper: nesting depth, number range, NUL.

``json_loads_checked`` first counts the nesting of the raw text (strings are skipped as whole
tokens by one regular expression, so it is linear and never recursive), refuses more than
``ATELIER_MAX_JSON_DEPTH`` levels, then parses with numbers checked as they are read (floats
finite: a ``1e400`` is refused, not turned into infinity; integers of at most
``MAX_INT_DIGITS`` digits — hardware reports carry 2**64-1 sizes) and refuses a NUL character
in any string or key (PostgreSQL cannot store one), naming the top-level field it is in.
``SafeJSONParser`` is DRF's JSON parser for every API view, and
``refurb.api.snapshots.read_json_body`` calls the same function, so a hostile body is always a
400 in the API's error shape, never a 500.
"""

from __future__ import annotations

import json
import math
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from workshop.exceptions import BadRequest, DomainError

DEFAULT_MAX_DEPTH = 64
MAX_INT_DIGITS = 40
# A JSON string as one token (the unrolled form: no alternation per character, so a report of
# mostly strings is stripped at the regex engine's speed), and whatever is not a bracket.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# A NUL in a parsed string can only come from this escape: JSON refuses a raw control
# character in a string (``json.loads`` is strict). Its absence spares the walk of the value.
_NUL_ESCAPE = "\\u0000"


class JsonLimitError(ValueError):
    """The body breaks one of the limits; ``str()`` says which, translated."""


class NulCharacterError(JsonLimitError):
    """A string or key holds NUL; ``field`` is the top-level field it is in, ``nested`` whether
    it is inside that field's object or list (a free-form ``specs``, ``smart``, ``payload``)
    rather than the field's own text or name."""

    def __init__(self, field: str, nested: bool = False) -> None:
        super().__init__(_("Text may not contain the NUL character (\\u0000)."))
        self.field = field
        self.nested = nested


def max_depth() -> int:
    return int(getattr(settings, "ATELIER_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH))


def json_depth(text: str, limit: int) -> int:
    """Return the nesting depth of ``text`` (stops counting past ``limit``): its strings taken
    out whole, then its brackets counted (a 68 KB hardware report: 3.8 → 1.1 ms)."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        else:
            depth -= 1
    return deepest


def _number_refused(text: str) -> JsonLimitError:
    return JsonLimitError(
        _("The number %(number)s is out of the accepted range.") % {"number": text[:40]}
    )


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _number_refused(text)
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _number_refused(text)
    return int(text)


def _parse_constant(name: str):
    raise JsonLimitError(_("%(name)s is not a number JSON allows.") % {"name": name})


def _nul_field(value) -> tuple[str, bool] | None:
    """The top-level key under which a NUL character hides (``""`` at the top), and whether it
    is inside an object below that key (a free-form object such as ``specs``: the schema says
    nothing of its texts), or None."""
    roots = list(value.items()) if isinstance(value, dict) else [("", value)]
    for root, item in roots:
        if "\x00" in str(root):
            return str(root).replace("\x00", ""), False
        stack = [(item, False)]
        while stack:
            item, in_object = stack.pop()
            if isinstance(item, str):
                if "\x00" in item:
                    return str(root), in_object
            elif isinstance(item, dict):
                stack.extend((key, True) for key in item.keys())
                stack.extend((child, True) for child in item.values())
            elif isinstance(item, list):
                stack.extend((child, in_object) for child in item)
    return None


def json_loads_checked(text: str):
    """Parse ``text`` as JSON within the limits; raise ``JsonLimitError`` or ``ValueError``."""
    limit = max_depth()
    if json_depth(text, limit) > limit:
        raise JsonLimitError(
            _("The JSON is nested more than %(limit)s levels deep.") % {"limit": limit}
        )
    value = json.loads(
        text,
        parse_float=_parse_float,
        parse_int=_parse_int,
        parse_constant=_parse_constant,
    )
    found = _nul_field(value) if _NUL_ESCAPE in text else None
    if found is not None:
        raise NulCharacterError(*found)
    return value


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with the limits of ``json_loads_checked``."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
            return json_loads_checked(text)
        except NulCharacterError as exc:
            # Like a serializer's refusal: code "invalid", the field named. A text of the
            # schema refuses NUL (its pattern): 400. Inside a free-form object the schema says
            # nothing: the body is well-formed, its content refused (422).
            error = DomainError if exc.nested else BadRequest
            raise error(
                "invalid",
                _("Some fields are not valid: correct them and try again."),
                fields={exc.field or "non_field_errors": [str(exc)]},
            ) from None
        except JsonLimitError as exc:
            raise ParseError(str(exc)) from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(_("JSON parse error - %(detail)s") % {"detail": exc}) from None
