"""Replay the first answer to a POST repeated with the same ``Idempotency-Key``.

A client that may retry (a bench agent on a flaky network, a double-click) sends a key of its
choice. The first request claims ``(key, principal)`` in its own committed row before running,
so a second identical request sent meanwhile finds the claim and gets 409
``idempotency_in_progress`` instead of running twice; once the first finishes, repeats get its
status and body back and change nothing. The same key with another method, path or body is a
client bug: 409 ``idempotency_mismatch``. Answers of 500 and above release the claim.
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from workshop.api.auth import request_principal
from workshop.api.errors import error_body
from workshop.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255


class _Answered(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class IdempotentMixin:
    """Give a DRF view's POST handlers ``Idempotency-Key`` semantics."""

    _idempotency_claim: IdempotencyKey | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_claim = None
        key = request.META.get(HEADER, "").strip()
        if request.method != "POST" or not key:
            return
        if len(key) > MAX_KEY_LENGTH:
            raise _Answered(
                Response(
                    error_body(
                        "invalid_idempotency_key",
                        _("The Idempotency-Key header is longer than 255 characters."),
                    ),
                    status=400,
                )
            )
        fingerprint = hashlib.sha256(request._request.body).hexdigest()
        principal = request_principal(request)
        try:
            with transaction.atomic():
                self._idempotency_claim = IdempotencyKey.objects.create(
                    key=key,
                    principal=principal,
                    method=request.method,
                    path=request.path[:500],
                    fingerprint=fingerprint,
                )
            return
        except IntegrityError:
            pass
        previous = IdempotencyKey.objects.filter(key=key, principal=principal).first()
        if previous is None:  # released between our insert and our read: a retry may claim it
            raise _Answered(self._in_progress())
        if (previous.method, previous.path, previous.fingerprint) != (
            request.method,
            request.path[:500],
            fingerprint,
        ):
            raise _Answered(
                Response(
                    error_body(
                        "idempotency_mismatch",
                        _(
                            "This Idempotency-Key was already used for another request. "
                            "Use a new key for a new request."
                        ),
                    ),
                    status=409,
                )
            )
        if previous.status is None:
            raise _Answered(self._in_progress())
        response = Response(previous.body, status=previous.status)
        response["Idempotent-Replayed"] = "true"
        raise _Answered(response)

    @staticmethod
    def _in_progress() -> Response:
        return Response(
            error_body(
                "idempotency_in_progress",
                _("A request with this Idempotency-Key is still running: retry in a moment."),
            ),
            status=409,
        )

    def handle_exception(self, exc):
        if isinstance(exc, _Answered):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            if response.status_code >= 500:
                IdempotencyKey.objects.filter(pk=claim.pk).delete()
            else:
                data = getattr(response, "data", None)
                body = json.loads(JSONRenderer().render(data)) if data is not None else None
                IdempotencyKey.objects.filter(pk=claim.pk).update(
                    status=response.status_code, body=body
                )
        return response

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:
            claim, self._idempotency_claim = self._idempotency_claim, None
            if claim is not None:
                IdempotencyKey.objects.filter(pk=claim.pk).delete()
            raise
