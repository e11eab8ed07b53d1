"""Bench-record and event endpoints: thin views over querysets/selectors and services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from refurb import services
from refurb.api import filters
from refurb.api import serializers as s
from refurb.models import Destruction, DeviceEvent, Drive, Erasure, TestResult
from workshop.api.auth import request_actor, request_workstation
from workshop.api.base import ApiViewMixin, CursorPagination, ReadCreateViewSet
from workshop.roles import BENCH_ROLES


class _BenchRecordViewSet(ReadCreateViewSet):
    write_roles = BENCH_ROLES

    def _who(self) -> dict:
        return {
            "actor": request_actor(self.request),
            "workstation": request_workstation(self.request),
        }


@extend_schema(tags=["bench"])
class DriveViewSet(_BenchRecordViewSet):
    queryset = Drive.objects.select_related("device")
    serializer_class = s.DriveSerializer
    create_serializer_class = s.DriveCreateSerializer
    filterset_class = filters.DriveFilter
    search_fields = ["tag", "serial_number", "model"]
    ordering_fields = ["id", "tag", "created_at"]
    lookup_field = "tag"
    not_found_message = _("No drive has the tag “%(key)s”.")

    @extend_schema(request=s.DriveCreateSerializer, responses={201: s.DriveSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.drive_add(**data, **self._who())


@extend_schema(tags=["bench"])
class ErasureViewSet(_BenchRecordViewSet):
    queryset = Erasure.objects.select_related("drive__device", "operator")
    serializer_class = s.ErasureSerializer
    create_serializer_class = s.ErasureCreateSerializer
    filterset_class = filters.ErasureFilter
    ordering_fields = ["id", "created_at", "finished_at"]
    not_found_message = _("No erasure has the id “%(key)s”.")

    @extend_schema(request=s.ErasureCreateSerializer, responses={201: s.ErasureSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.drive_record_erasure(**data, **self._who())


@extend_schema(tags=["bench"])
class DestructionViewSet(_BenchRecordViewSet):
    queryset = Destruction.objects.select_related("drive__device", "operator").order_by("id")
    serializer_class = s.DestructionSerializer
    create_serializer_class = s.DestructionCreateSerializer
    filterset_class = filters.DestructionFilter
    ordering_fields = ["id", "destroyed_at"]
    not_found_message = _("No destruction has the id “%(key)s”.")

    @extend_schema(request=s.DestructionCreateSerializer, responses={201: s.DestructionSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.drive_record_destruction(**data, **self._who())


@extend_schema(tags=["bench"])
class TestResultViewSet(_BenchRecordViewSet):
    __test__ = False

    queryset = TestResult.objects.select_related("device", "item", "operator")
    serializer_class = s.TestResultSerializer
    create_serializer_class = s.TestResultCreateSerializer
    filterset_class = filters.TestResultFilter
    ordering_fields = ["id", "created_at"]
    not_found_message = _("No test result has the id “%(key)s”.")

    @extend_schema(request=s.TestResultCreateSerializer, responses={201: s.TestResultSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.test_record_result(**data, **self._who())


class EventCursorPagination(CursorPagination):
    ordering = "-id"


@extend_schema(tags=["events"])
class EventViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The append-only event log of every device (read-only)."""

    queryset = DeviceEvent.objects.select_related("device", "actor")
    serializer_class = s.EventSerializer
    filterset_class = filters.EventFilter
    pagination_class = EventCursorPagination
    ordering_fields = ["id", "created_at"]
    not_found_message = _("No event has the id “%(key)s”.")
