"""Thin API views over ``labels.selectors`` and ``labels.services``.

Domain errors answer ``{"code", "message", "fields"}`` with the error's status (a failed print
also carries the recorded ``job``). When the shared API error handler lands in
``workshop/api/errors.py`` these views can drop ``_domain_error``.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from labels import services
from labels.api.serializers import PrintJobCreateSerializer, PrintJobSerializer
from labels.models import LabelFormat, PrintJob
from labels.render.preview import render_png, render_svg
from labels.selectors import label_items, print_jobs
from labels.stocks import STOCKS
from labels.templates import build
from workshop.exceptions import DomainError

DEFAULT_STOCKS = {
    "pdf": "avery-l7160",
    "zpl": "zebra-57x32",
    "svg": "brother-62x29",
    "png": "brother-62x29",
}


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _domain_error(error: DomainError) -> Response:
    body = error.as_dict()
    job = getattr(error, "job", None)
    if job is not None:
        body["job"] = PrintJobSerializer(job).data
    return Response(body, status=error.status)


class CanPrint(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return request.user.has_perm("labels.view_printjob")
        return request.user.has_perm("labels.add_printjob")


class LabelFileView(APIView):
    """``GET /api/labels/<template>/<code>.<pdf|zpl|svg|png>?stock=…&start_at=…``"""

    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, template: str, code: str, fmt: str):
        try:
            stock_code = request.query_params.get("stock") or DEFAULT_STOCKS[fmt]
            if stock_code not in STOCKS:
                raise DomainError(
                    "stock_unknown",
                    _("Unknown label stock."),
                    fields={"stock": [f"valid: {', '.join(sorted(STOCKS))}"]},
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
        except DomainError as error:
            return _domain_error(error)
        response = HttpResponse(data, content_type=services.CONTENT_TYPES[label_format])
        response["Content-Disposition"] = f'inline; filename="{template}-{code}.{fmt}"'
        return response


def _int(value, field: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise DomainError(
            "invalid", _("Give a whole number."), fields={field: [_("A whole number.")]}
        ) from None


class PrintJobListView(APIView):
    """``GET /api/print-jobs/?status=failed`` and ``POST /api/print-jobs/``."""

    permission_classes = [permissions.IsAuthenticated, CanPrint]

    def get(self, request):
        wanted = request.query_params.get("status") or None
        if wanted and wanted not in PrintJob.Status.values:
            return Response(
                {
                    "code": "invalid",
                    "message": _("Unknown status."),
                    "fields": {"status": [wanted]},
                },
                status=400,
            )
        return Response(PrintJobSerializer(print_jobs(status=wanted), many=True).data)

    def post(self, request):
        serializer = PrintJobCreateSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(
                {
                    "code": "invalid",
                    "message": _("Some fields are not valid: correct them and try again."),
                    "fields": serializer.errors,
                },
                status=400,
            )
        data = serializer.validated_data
        try:
            job = services.print_job_create(
                template=data["template"],
                codes=data["codes"],
                stock=data["stock"] or None,
                printer=data.get("printer"),
                workstation=data.get("workstation"),
                copies=data["copies"],
                start_at=data["start_at"],
                actor=request.user,
                base_url=base_url(request),
            )
        except DomainError as error:
            return _domain_error(error)
        return Response(PrintJobSerializer(job).data, status=status.HTTP_201_CREATED)


class PrintJobRetryView(APIView):
    """``POST /api/print-jobs/<id>/retry/``"""

    permission_classes = [permissions.IsAuthenticated, CanPrint]

    def post(self, request, pk: int):
        job = get_object_or_404(PrintJob.objects.select_related("printer"), pk=pk)
        try:
            job = services.print_job_retry(job=job, actor=request.user, base_url=base_url(request))
        except DomainError as error:
            return _domain_error(error)
        return Response(PrintJobSerializer(job).data)


class PrintJobDocumentView(APIView):
    """``GET /api/print-jobs/<id>/document/``: the job's file (download printers)."""

    permission_classes = [permissions.IsAuthenticated, CanPrint]

    def get(self, request, pk: int):
        job = get_object_or_404(PrintJob.objects.select_related("printer"), pk=pk)
        try:
            data, content_type, name = services.print_job_document(job, base_url=base_url(request))
        except DomainError as error:
            return _domain_error(error)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
