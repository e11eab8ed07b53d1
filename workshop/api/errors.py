"""One JSON shape for every API error: ``{"code": ..., "message": ..., "fields": {...}}``.

``api_exception_handler`` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) turns domain errors, DRF
errors (validation, malformed JSON, authentication, permission, 404, 405, throttling) and
Django's own 404/403 into that shape, with messages in the request's language. ``codes`` are
stable: clients and tests match on them, never on the message. A lost database
(``OperationalError``/``InterfaceError``) answers 503 ``database_unavailable``, like
``workshop.middleware.DatabaseUnavailableMiddleware`` does outside DRF views.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from workshop.exceptions import BadRequest, DomainError


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
    """Map each field to its list of messages, as the schema says (``ErrorSerializer``).

    Errors of a list item or of a nested object get a dotted name: ``codes.0`` for the first
    code of a list, ``drives.1.serial`` for a field of the second drive (found by schemathesis:
    ``{"codes": {"0": [...]}}`` broke the documented shape).
    """
    fields: dict[str, list] = {}

    def walk(name: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{name}.{key}" if name else str(key), item)
        elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    walk(f"{name}.{index}" if name else str(index), item)
                else:
                    fields.setdefault(name or "non_field_errors", []).append(str(item))
        elif isinstance(value, list):
            fields.setdefault(name or "non_field_errors", []).extend(str(item) for item in value)
        else:
            fields.setdefault(name or "non_field_errors", []).append(str(value))

    walk("", detail)
    return fields


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


def api_status(error: DomainError) -> int:
    """The API's status for a service's refusal: a 400 from a service becomes 422.

    400 means the request does not match the schema (a field missing, of the wrong type or
    format, unknown), which the serializers check before any service runs. A service refuses
    a request the schema allows because of what it says (a SIRET whose check digit is wrong,
    a licence key sent for free software, a payment that does not add up): that is 422, so a
    client (and schemathesis's ``positive_data_acceptance``) tells "fix the request's shape"
    from "the shape is right, the content is refused". 403, 404 and 409 (the state of
    things) stay as the service says.
    """
    if error.status == 400 and not isinstance(error, BadRequest):
        return status.HTTP_422_UNPROCESSABLE_ENTITY
    return error.status


# DRF's codes for a value of the right shape that names nothing, or a duplicate: a body the
# schema allows, refused for what it says (422, or 409 for a duplicate), never 400.
CONTENT_CODES = frozenset({"does_not_exist", "unique"})


def error_codes(detail) -> set[str]:
    """The codes of every error in a ``ValidationError``'s detail (``does_not_exist`` for a
    tag or id in the body that no visible row has, ``unique`` for a duplicate, ...)."""
    codes: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            codes.add(getattr(value, "code", None) or "")

    walk(detail)
    return codes or {""}


def api_exception_handler(exc, context):
    """Answer any API error in the shared shape; return None for real bugs (500)."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=api_status(exc))
    if isinstance(exc, OperationalError | InterfaceError):
        from workshop.middleware import close_broken_connections, logger

        logger.error("database unavailable on %s: %s", context["request"].path, exc)
        close_broken_connections()
        return Response(
            error_body(
                "database_unavailable", _("The database cannot be reached. Try again in a moment.")
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
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
    elif isinstance(exc, exceptions.ValidationError) and error_codes(exc.detail) <= CONTENT_CODES:
        # The body matches the schema; what it names is refused (docs/api.md, "Statuses").
        codes = error_codes(exc.detail)
        duplicate = codes <= {"unique"}
        return Response(
            error_body(
                "duplicate" if duplicate else "invalid",
                _("This already exists: change the fields named, or use the existing one.")
                if duplicate
                else _("Some fields are not valid: correct them and try again."),
                _flatten(exc.detail),
            ),
            status=status.HTTP_409_CONFLICT if duplicate else status.HTTP_422_UNPROCESSABLE_ENTITY,
            headers=headers,
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


def page_not_found(request, exception=None):
    """``handler404``: the error shape for a path under ``/api/`` that no route matches."""
    if request.path.startswith("/api/"):
        return error_json_response("not_found", _("Nothing was found at this address."), status=404)
    from django.views import defaults

    return defaults.page_not_found(request, exception)
