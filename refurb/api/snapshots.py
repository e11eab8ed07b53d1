"""Endpoints the bench agent and other erasure tools post to.

``POST /api/snapshots/`` takes a hardware snapshot (the Atelier agent's JSON or an eReuse
Workbench report) and ``POST /api/snapshots/erasures/`` takes erasure evidence for one device
(an nwipe log and/or structured records of hdparm, nvme format/sanitize, blkdiscard). Both
read the raw body themselves so the report is stored byte for byte, parse it before any
transaction, and leave every rule to ``refurb.ingest``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from refurb.ingest import erasure_import, report_error, snapshot_ingest
from refurb.selectors import device_failing_drives
from refurb.snapshots import parse_snapshot
from refurb.snapshots.errors import ReportError
from workshop.api.auth import request_actor, request_workstation
from workshop.api.base import ApiViewMixin
from workshop.api.errors import ErrorSerializer
from workshop.api.parsers import JsonLimitError, json_loads_checked
from workshop.api.throttles import SnapshotRateThrottle, TokenRateThrottle
from workshop.exceptions import BadRequest, DomainError
from workshop.models import Site
from workshop.roles import BENCH_ROLES

MAX_SNAPSHOT_BYTES = 10 * 1024 * 1024


def read_json_body(request, limit: int = MAX_SNAPSHOT_BYTES) -> tuple[dict, bytes]:
    """Return the request's JSON body and its raw bytes, or raise a 400/413 ``DomainError``."""
    django_request = request._request
    length = django_request.META.get("CONTENT_LENGTH") or ""
    if length.isdigit() and int(length) > limit:
        raise too_large(limit)
    if hasattr(django_request, "_body"):
        raw = django_request._body
    else:
        raw = django_request.read(limit + 1)
    if len(raw) > limit:
        raise too_large(limit)
    try:
        payload = json_loads_checked(raw.decode("utf-8"))
    except JsonLimitError as exc:
        # Well-formed JSON, which the schema allows (any object), holding what the workshop
        # cannot store (a NUL, a nesting or a number past the limits): 422, not 400.
        raise DomainError("malformed_json", str(exc)) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(
            "malformed_json",
            _(
                "The request body is not valid JSON (%(detail)s). Send the file the agent "
                "wrote, unchanged, with Content-Type: application/json."
            )
            % {"detail": exc},
        ) from exc
    return payload, raw


def too_large(limit: int) -> DomainError:
    return DomainError(
        "request_too_large",
        _(
            "The report is larger than the %(mib)s MiB accepted: send only the tools' outputs "
            "(no disk images or full logs)."
        )
        % {"mib": limit // (1024 * 1024)},
        status=413,
    )


class ErasureAnswerSerializer(serializers.Serializer):
    drive = serializers.CharField()
    serial = serializers.CharField()
    tool = serializers.CharField()
    result = serializers.CharField()
    verified = serializers.BooleanField()
    drive_status = serializers.CharField()


class SnapshotAnswerSerializer(serializers.Serializer):
    """What the server did with a snapshot and what the bench must do next."""

    snapshot = serializers.IntegerField()
    format = serializers.CharField()
    sha256 = serializers.CharField()
    device_tag = serializers.CharField()
    device_state = serializers.CharField()
    registered = serializers.BooleanField()
    drives_added = serializers.ListField(child=serializers.CharField())
    drives_updated = serializers.ListField(child=serializers.CharField())
    erasures = ErasureAnswerSerializer(many=True)
    checks = serializers.ListField(
        child=serializers.DictField(),
        help_text="Read-only runs (e.g. nwipe Verify Zeros): recorded as checks, never proof.",
    )
    to_destroy = serializers.ListField(
        child=serializers.CharField(), help_text="Drives whose erasure failed: destroy them."
    )
    failing_drives = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())


class ErasureImportAnswerSerializer(serializers.Serializer):
    erasures = ErasureAnswerSerializer(many=True)
    checks = serializers.ListField(child=serializers.DictField())
    drives_added = serializers.ListField(child=serializers.CharField())
    to_destroy = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())


ERRORS = {code: ErrorSerializer for code in (400, 403, 404, 409, 413)}


def _site(request):
    code = (request.query_params.get("site") or "").strip().upper()
    if not code:
        return None
    site = Site.objects.filter(code=code).first()
    if site is None:
        raise DomainError(
            "site_not_found",
            _("No site has code %(code)s.") % {"code": code},
            fields={"site": [_("Unknown site code.")]},
        )
    return site


class SnapshotCreateView(ApiViewMixin, APIView):
    """Receive one hardware snapshot; answer the device's tag and what the bench must do."""

    throttle_classes = [TokenRateThrottle, SnapshotRateThrottle]
    write_roles = BENCH_ROLES

    @extend_schema(
        tags=["bench"],
        summary="Send a hardware snapshot (bench agent or eReuse Workbench JSON)",
        # Any object the agent or Workbench wrote (its format is told from its keys); an empty
        # or missing body is no snapshot.
        request={
            "application/json": {"type": "object", "minProperties": 1, "additionalProperties": {}}
        },
        responses={201: SnapshotAnswerSerializer, **ERRORS},
    )
    def post(self, request):
        payload, raw = read_json_body(request)
        try:
            parsed = parse_snapshot(payload)
        except ReportError as exc:
            raise report_error(exc) from exc
        snapshot = snapshot_ingest(
            payload=payload,
            raw=raw,
            workstation=request_workstation(request),
            actor=request_actor(request),
            site=_site(request),
            parsed=parsed,
        )
        device = snapshot.device
        outcome = snapshot.outcome
        return Response(
            {
                "snapshot": snapshot.pk,
                "format": snapshot.source_format,
                "sha256": snapshot.raw_sha256,
                "device_tag": device.asset_tag,
                "device_state": device.state,
                "registered": snapshot.registered,
                "drives_added": outcome.drives_added,
                "drives_updated": outcome.drives_updated,
                "erasures": outcome.erasures,
                "checks": outcome.checks,
                "to_destroy": outcome.to_destroy,
                "failing_drives": [d.tag for d in device_failing_drives(device)],
                "warnings": outcome.warnings,
            },
            status=status.HTTP_201_CREATED,
        )


class ErasureImportView(ApiViewMixin, APIView):
    """Receive erasure evidence for one device: ``{"asset_tag", "nwipe_log", "records"}``."""

    throttle_classes = [TokenRateThrottle, SnapshotRateThrottle]
    write_roles = BENCH_ROLES

    @extend_schema(
        tags=["bench"],
        summary="Send erasure evidence for one device (nwipe log, structured records)",
        request={
            "application/json": {
                "type": "object",
                "required": ["asset_tag"],
                "properties": {
                    "asset_tag": {"type": "string", "minLength": 1, "maxLength": 40},
                    "nwipe_log": {"type": "string", "nullable": True},
                    "records": {"type": "array", "items": {"type": "object"}},
                },
            }
        },
        responses={201: ErasureImportAnswerSerializer, **ERRORS},
    )
    def post(self, request):
        payload, _raw = read_json_body(request)
        if not isinstance(payload, dict) or not payload.get("asset_tag"):
            raise BadRequest(
                "invalid",
                _("Say which device the erasures are for: give its asset_tag."),
                fields={"asset_tag": [_("This field is required.")]},
            )
        records = payload.get("records") or []
        log = payload.get("nwipe_log")
        if not isinstance(records, list) or (log is not None and not isinstance(log, str)):
            raise BadRequest(
                "invalid",
                _("records must be a list of objects and nwipe_log the log's text."),
                fields={"records": [_("Expected a list.")], "nwipe_log": [_("Expected text.")]},
            )
        outcome = erasure_import(
            asset_tag=str(payload["asset_tag"]),
            actor=request_actor(request),
            workstation=request_workstation(request),
            nwipe_log=log,
            records=records,
            utc_offset=payload.get("utc_offset"),
        )
        return Response(
            {
                "erasures": outcome.erasures,
                "checks": outcome.checks,
                "drives_added": outcome.drives_added,
                "to_destroy": outcome.to_destroy,
                "warnings": outcome.warnings,
            },
            status=status.HTTP_201_CREATED,
        )
