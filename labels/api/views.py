"""Thin API views over ``labels.selectors`` and ``labels.services``.

Errors go through the shared handler (``workshop.api.errors``) as ``{"code", "message",
"fields"}``; a failed print (``print_failed``, 502/503) also carries the recorded ``job`` so the
client can offer a retry. A workstation token prints to its workstation's printer.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from labels import services
from labels.api.serializers import PrintJobCreateSerializer, PrintJobSerializer
from labels.models import LabelFormat, PrintJob
from labels.render.preview import render_png, render_svg
from labels.selectors import label_items, print_jobs
from labels.stocks import STOCKS
from labels.templates import build
from workshop.api.auth import request_actor, request_workstation
from workshop.api.base import ApiViewMixin
from workshop.api.pagination import PageNumberPagination
from workshop.exceptions import BadRequest, DomainError
from workshop.roles import ALL_ROLES

DEFAULT_STOCKS = {
    "pdf": "avery-l7160",
    "zpl": "zebra-57x32",
    "svg": "brother-62x29",
    "png": "brother-62x29",
}


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _with_job(error: DomainError) -> Response:
    """A failed print answers the shared error shape plus the recorded job."""
    job = getattr(error, "job", None)
    if job is None:
        raise error
    return Response({**error.as_dict(), "job": PrintJobSerializer(job).data}, status=error.status)


def _int(value, field: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise DomainError(
            "invalid", _("Give a whole number."), fields={field: [_("A whole number.")]}
        ) from None


class LabelFileView(ApiViewMixin, APIView):
    """``GET /api/labels/<template>/<code>.<pdf|zpl|svg|png>?stock=…&start_at=…``

    Renders without recording a job: printing goes through ``POST /api/print-jobs/``.
    SVG and PNG preview the first label only.
    """

    read_roles = ALL_ROLES

    @extend_schema(
        tags=["labels"],
        parameters=[
            OpenApiParameter("template", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Device, drive, location or collection tag, or a site code.",
            ),
            OpenApiParameter(
                "fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(DEFAULT_STOCKS)
            ),
            OpenApiParameter("stock", OpenApiTypes.STR, enum=sorted(STOCKS)),
            OpenApiParameter("start_at", OpenApiTypes.INT, description="First sheet position."),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The label file.")},
    )
    def get(self, request, template: str, code: str, fmt: str):
        stock_code = request.query_params.get("stock") or DEFAULT_STOCKS[fmt]
        if stock_code not in STOCKS:
            raise DomainError(
                "stock_unknown",
                _("Unknown label stock “%(stock)s”.") % {"stock": stock_code},
                fields={"stock": [", ".join(sorted(STOCKS))]},
            )
        stock = STOCKS[stock_code]
        start_at = _int(request.query_params.get("start_at"), "start_at", 1)
        items = label_items(template, [code], base_url=base_url(request))
        labels = [build(template, item.data) for item in items]
        if fmt == "svg":
            return HttpResponse(render_svg(labels[0], stock), content_type="image/svg+xml")
        if fmt == "png":
            return HttpResponse(render_png(labels[0], stock), content_type="image/png")
        label_format = LabelFormat.ZPL if fmt == "zpl" else LabelFormat.PDF
        data = services.labels_render(
            labels, stock, label_format, start_at=start_at if stock.sheet else 1
        )
        response = HttpResponse(data, content_type=services.CONTENT_TYPES[label_format])
        response["Content-Disposition"] = f'inline; filename="{template}-{code}.{fmt}"'
        return response


class PrintJobListView(ApiViewMixin, GenericAPIView):
    """``GET /api/print-jobs/?status=failed`` (paged) and ``POST /api/print-jobs/``."""

    read_roles = ALL_ROLES
    write_roles = ALL_ROLES
    serializer_class = PrintJobSerializer
    pagination_class = PageNumberPagination
    queryset = PrintJob.objects.none()  # for the schema; the selector reads the jobs

    @extend_schema(
        tags=["labels"],
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=PrintJob.Status.values)],
        responses={200: PrintJobSerializer(many=True)},
    )
    def get(self, request):
        wanted = request.query_params.get("status") or None
        if wanted and wanted not in PrintJob.Status.values:
            raise BadRequest(
                "invalid",
                _("Unknown status: choose queued, sent or failed."),
                fields={"status": [wanted]},
            )
        page = self.paginate_queryset(print_jobs(status=wanted))
        return self.get_paginated_response(PrintJobSerializer(page, many=True).data)

    @extend_schema(
        tags=["labels"],
        request=PrintJobCreateSerializer,
        responses={201: PrintJobSerializer},
    )
    def post(self, request):
        body = PrintJobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            job = services.print_job_create(
                template=data["template"],
                codes=data["codes"],
                stock=data["stock"] or None,
                printer=data.get("printer"),
                workstation=data.get("workstation") or request_workstation(request),
                copies=data["copies"],
                start_at=data["start_at"],
                actor=request_actor(request),
                base_url=base_url(request),
            )
        except DomainError as error:
            return _with_job(error)
        return Response(PrintJobSerializer(job).data, status=status.HTTP_201_CREATED)


class PrintJobRetryView(ApiViewMixin, APIView):
    """``POST /api/print-jobs/<id>/retry/``"""

    write_roles = ALL_ROLES

    @extend_schema(tags=["labels"], request=None, responses={200: PrintJobSerializer})
    def post(self, request, pk: int):
        job = get_object_or_404(PrintJob.objects.select_related("printer"), pk=pk)
        try:
            job = services.print_job_retry(
                job=job, actor=request_actor(request), base_url=base_url(request)
            )
        except DomainError as error:
            return _with_job(error)
        return Response(PrintJobSerializer(job).data)


class PrintJobDocumentView(ApiViewMixin, APIView):
    """``GET /api/print-jobs/<id>/document/``: the job's file, rendered again."""

    read_roles = ALL_ROLES

    @extend_schema(
        tags=["labels"],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The job's file.")},
    )
    def get(self, request, pk: int):
        job = get_object_or_404(PrintJob.objects.select_related("printer"), pk=pk)
        data, content_type, name = services.print_job_document(job, base_url=base_url(request))
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
