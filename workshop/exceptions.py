"""The one error type services raise.

A ``DomainError`` carries a stable ``code`` (clients and tests match on it), a message already
translated into the active language, optional per-field errors, and the HTTP status the API
answers with. Screens show ``message``; the API answers ``{"code", "message", "fields"}``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DomainError(Exception):
    """Raise when a business rule refuses an action; nothing has been written."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.message!r})"


class BadRequest(DomainError):
    """A request the API cannot read as its schema describes (malformed JSON, a field missing
    or of the wrong type, a NUL character): always 400. The API answers a plain
    ``DomainError`` of status 400, a business refusal of a well-formed request, with 422
    (``workshop.api.errors.api_status``)."""

    def __init__(self, code: str, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(code, message, fields=fields, status=400)


def validation_error_fields(error: ValidationError) -> dict[str, list[str]]:
    """Return Django validation errors as ``{field: [messages]}``."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(message) for err in errors for message in err.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(message) for message in error.messages]}


def validate(instance, **full_clean) -> None:
    """Run ``full_clean`` (with its keyword arguments: ``exclude``, ``validate_unique``…) and
    turn its ``ValidationError`` into a ``DomainError``."""
    try:
        instance.full_clean(**full_clean)
    except ValidationError as error:
        raise DomainError(
            "invalid",
            _("Some fields are not valid: correct them and try again."),
            fields=validation_error_fields(error),
        ) from error
