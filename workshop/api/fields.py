"""The one date-time field of the API: every date-time a request sends goes through it.

A date-time is accepted from the year 1900 to the year 2100 (as written), with an offset of whole
minutes (RFC 3339: ``Z``, ``+02:00``); anything else answers 400 with a translated message
naming the field. Python accepts years 1 to 9999 and offsets with seconds (``+00:09:21``), so
a year-30 erasure used to be stored and then printed with Paris's local mean time offset,
which no RFC 3339 client can read (found by schemathesis, ``--checks all``).

The same field writes every date-time the API answers: a moment whose offset in the server's
time zone is not whole minutes (Paris kept ``+00:09:21`` until 1911) is written in UTC, the
same instant with an offset every client reads.

``check_moment`` is the rule itself, used by the serializer field and by the list filters'
``…_after``/``…_before`` parameters (``workshop.api.base.UtcDateTimeRangeFilter``).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

# The year as written, in the offset sent (1900-01-01T00:00+01:00 is in range, although it is
# 1899 in UTC): the pattern below can say exactly that.
FIRST_YEAR, LAST_YEAR = 1900, 2100

DESCRIPTION = (
    "RFC 3339 date-time of a year from 1900 to 2100 (as written), with an offset of whole "
    "minutes (`Z`, `+02:00`); without an offset, the server's time zone (Europe/Paris)."
)

# RFC 3339 with an optional ``Z``/``±HH:MM`` offset; the year 1900-2100 is checked in the
# field (the pattern keeps generated examples in range: 19xx, 20xx, 2100).
PATTERN = (
    r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)

MESSAGES = {
    "out_of_range": _(
        "This date-time is out of range: give a date between 1900 and 2100 "
        "(ISO 8601, for example 2026-03-01T14:30:00+01:00)."
    ),
    "offset_seconds": _(
        "The time-zone offset must be whole minutes (for example +01:00 or Z), not “%(offset)s”."
    ),
}


def check_moment(value: datetime) -> str | None:
    """The message refusing ``value``, or None when the API accepts it."""
    offset = value.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        text = value.isoformat()
        return str(MESSAGES["offset_seconds"]) % {"offset": text[19:].lstrip(".0123456789")}
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return str(MESSAGES["out_of_range"])
    return None


class AtelierDateTimeField(serializers.DateTimeField):
    """A ``DateTimeField`` bounded to 1900-2100 with whole-minute offsets, written in RFC 3339."""

    def __init__(self, **kwargs):
        if kwargs.get("help_text") and not kwargs.get("read_only"):
            # The schema's description is the help text: say the rule there too.
            kwargs["help_text"] = f"{kwargs['help_text']} {DESCRIPTION}"
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = None
            with contextlib.suppress(ValueError, TypeError):
                parsed = parse_datetime(value)
            if parsed is not None:
                message = check_moment(parsed)
                if message is not None:
                    raise serializers.ValidationError(message, code="invalid")
        elif isinstance(value, datetime):
            message = check_moment(value)
            if message is not None:
                raise serializers.ValidationError(message, code="invalid")
        return super().to_internal_value(value)

    def to_representation(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            offset = self.enforce_timezone(value).utcoffset()
            if offset is not None and (offset.seconds % 60 or offset.microseconds):
                return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class AtelierDateTimeFieldSchema(OpenApiSerializerFieldExtension):
    """In a request, the field's range and offsets are declared (``pattern``, description), so
    a generated request that matches the schema is one the API accepts; an answer is any RFC
    3339 date-time (a record of 1905 or of 2101 in Paris time is still written correctly)."""

    target_class = AtelierDateTimeField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "string", "format": "date-time"}
        if direction == "request":
            schema.update(pattern=PATTERN, description=DESCRIPTION)
        return schema
