"""Site and workstation endpoints (everyone reads, managers create) and the jobs (managers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from workshop import services
from workshop.api import serializers as s
from workshop.api.base import ApiViewMixin, ReadCreateViewSet
from workshop.jobs import job_retry_by, jobs_visible_to
from workshop.models import Job, Site, Workstation
from workshop.roles import MANAGER

MANAGERS = frozenset({MANAGER})


@extend_schema(tags=["workshop"])
class SiteViewSet(ReadCreateViewSet):
    queryset = Site.objects.all()
    serializer_class = s.SiteSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    lookup_field = "code"
    write_roles = MANAGERS
    not_found_message = _("No site has the code “%(key)s”.")

    def perform_service(self, data):
        return services.site_create(**data)


@extend_schema(tags=["workshop"])
class WorkstationViewSet(ReadCreateViewSet):
    queryset = Workstation.objects.select_related("site")
    serializer_class = s.WorkstationSerializer
    create_serializer_class = s.WorkstationCreateSerializer
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["name", "kind"]
    write_roles = MANAGERS
    not_found_message = _("No workstation has the id “%(key)s”.")

    @extend_schema(request=s.WorkstationCreateSerializer, responses={201: s.WorkstationSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.workstation_create(**data)


@extend_schema(tags=["workshop"])
class JobViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """``GET /api/jobs/`` (``?status=failed``), ``GET /api/jobs/{id}/`` and
    ``POST /api/jobs/{id}/retry/``: the jobs page's rows, for managers of the job's site."""

    serializer_class = s.JobSerializer
    queryset = Job.objects.none()  # for the schema; jobs_visible_to reads the rows
    matrix = {"list": ("job", "read"), "retrieve": ("job", "read"), "retry": ("job", "retry")}
    not_found_message = _("No job has the id “%(key)s”.")

    def get_queryset(self):
        rows = jobs_visible_to(self.request.user).order_by("-created_at", "-id")
        wanted = self.request.query_params.get("status", "")
        if self.action == "list" and wanted:
            if wanted not in Job.Status.values:
                raise ValidationError({"status": [_("Unknown status.")]})
            rows = rows.filter(status=wanted)
        return rows

    @extend_schema(
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Job.Status.values)]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: s.JobSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = self.get_object()
        job = job_retry_by(job, actor=request.user)
        return Response(self.get_serializer(job).data)
