"""Site and workstation endpoints: everyone reads, managers create."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema

from workshop import services
from workshop.api import serializers as s
from workshop.api.base import ReadCreateViewSet
from workshop.models import Site, Workstation
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
