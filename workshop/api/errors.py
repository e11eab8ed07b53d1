"""One JSON shape for every API error: ``{"code": ..., "message": ..., "fields": {...}}``.

``api_exception_handler`` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) turns domain errors, DRF
errors (validation, malformed JSON, authentication, permission, 404, 405, throttling) and
Django's own 404/403 into that shape, with messages in the request's language. ``codes`` are
stable: clients and tests match on them, never on the message.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from workshop.exceptions import DomainError


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    code = serializers.CharField(help_text="Stable machine-readable error code.")
    message = serializers.CharField(help_text="Human-readable message, in the request language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Errors by field name (empty when the error is not about one field).",
    )


class UnknownFieldError(exceptions.APIException):
    """The request body names a field the endpoint does not accept."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "unknown_field"

    def __init__(self, names: list[str]) -> None:
        self.names = sorted(names)
        super().__init__(
            _("Unknown field(s): %(names)s. Remove them and send the request again.")
            % {"names": ", ".join(self.names)}
        )


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def error_json_response(code: str, message, *, status: int, fields: dict | None = None):
    """Return a plain Django ``JsonResponse`` in the error shape (for middleware)."""
    return JsonResponse(error_body(code, message, fields), status=status)


def _flatten(detail) -> dict[str, list]:
    def messages(value):
        if isinstance(value, dict):
            return {key: messages(item) for key, item in value.items()}
        if isinstance(value, list):
            return [messages(item) for item in value]
        return str(value)

    if isinstance(detail, dict):
        return {str(key): messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": messages(detail)}
    return {"non_field_errors": [str(detail)]}


_SIMPLE_CODES: list[tuple[type[Exception], str]] = [
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def api_exception_handler(exc, context):
    """Answer any API error in the shared shape; return None for real bugs (500)."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        return Response(
            error_body("not_found", _("Nothing was found at this address.")),
            status=status.HTTP_404_NOT_FOUND,
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("request_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, UnknownFieldError):
        body = error_body(
            "unknown_field",
            exc.detail,
            {name: [_("This field is not accepted here.")] for name in exc.names},
        )
    elif isinstance(exc, exceptions.ValidationError):
        body = error_body(
            "invalid",
            _("Some fields are not valid: correct them and try again."),
            _flatten(exc.detail),
        )
    elif isinstance(exc, exceptions.ParseError):
        body = error_body(
            "malformed_json",
            _("The request body is not valid JSON: %(detail)s") % {"detail": exc.detail},
        )
    else:
        code = next(
            (code for kind, code in _SIMPLE_CODES if isinstance(exc, kind)),
            exc.default_code if isinstance(exc.default_code, str) else "error",
        )
        body = error_body(code, exc.detail if isinstance(exc.detail, str) else str(exc.detail))
    return Response(body, status=exc.status_code, headers=headers)
