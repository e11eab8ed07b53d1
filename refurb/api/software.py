"""The systems installed on devices: ``/api/installations/`` (record one, the bench agent's
command posts here, and read them) and ``/api/system-images/`` (the configured list)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets

from refurb import services
from refurb.models import Device, SystemImage, SystemInstallation
from workshop.access import role_allows
from workshop.api.auth import (
    WorkstationPrincipal,
    request_actor,
    request_roles,
    request_workstation,
)
from workshop.api.base import ApiViewMixin, ReadCreateViewSet, StrictSerializer
from workshop.api.fields import AtelierDateTimeField
from workshop.roles import BENCH_ROLES
from workshop.selectors import user_site_ids


class SystemImageSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = SystemImage
        fields = ["code", "name", "version", "label", "licence", "is_active", "order"]
        read_only_fields = fields


class InstallationSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    image = serializers.SlugRelatedField(slug_field="code", read_only=True)
    system = serializers.CharField(source="label", read_only=True)
    operator = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    licence = serializers.SerializerMethodField(
        help_text="The licence used (proprietary images): masked except to managers."
    )

    class Meta:
        model = SystemInstallation
        fields = [
            "id",
            "device",
            "image",
            "name",
            "version",
            "system",
            "installed_at",
            "first_boot_passed",
            "licence",
            "operator",
            "workstation",
            "actor_kind",
            "cycle",
            "note",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_licence(self, obj) -> str | None:
        if obj.licence is None:
            return None
        request = self.context.get("request")
        roles = request_roles(request) if request is not None else frozenset()
        by_token = isinstance(getattr(request, "user", None), WorkstationPrincipal)
        if role_allows(roles, "licence", "read_key") and not by_token:
            return obj.licence.key
        return obj.licence.masked


class InstallationCreateSerializer(StrictSerializer):
    device = serializers.SlugRelatedField(
        slug_field="asset_tag", queryset=Device.objects.all(), help_text="Asset tag."
    )
    image = serializers.CharField(
        max_length=40, help_text="Code of an active system image (GET /api/system-images/)."
    )
    first_boot_passed = serializers.BooleanField(help_text="Whether the first boot check passed.")
    installed_at = AtelierDateTimeField(
        required=False, allow_null=True, help_text="When it was installed (default: now)."
    )
    licence_key = serializers.CharField(
        max_length=100,
        allow_blank=True,
        default="",
        help_text="Proprietary images: the key used, from the site's stock (default: the next "
        "free one).",
    )
    note = serializers.CharField(max_length=500, allow_blank=True, default="")


class InstallationFilter(django_filters.FilterSet):
    device = django_filters.CharFilter(field_name="device__asset_tag", help_text="Asset tag.")
    image = django_filters.CharFilter(field_name="image__code", help_text="Image code.")

    class Meta:
        model = SystemInstallation
        fields = ["first_boot_passed"]


@extend_schema(tags=["bench"])
class InstallationViewSet(ReadCreateViewSet):
    """Systems installed on devices, of the caller's sites; a POST records one through
    ``refurb.services.system_install`` (the screens' service)."""

    serializer_class = InstallationSerializer
    create_serializer_class = InstallationCreateSerializer
    filterset_class = InstallationFilter
    ordering_fields = ["id", "installed_at"]
    write_roles = BENCH_ROLES
    not_found_message = _("No installation has the id “%(key)s”.")

    def get_queryset(self):
        queryset = SystemInstallation.objects.select_related(
            "device", "image", "operator", "licence"
        ).order_by("-id")
        site_ids = user_site_ids(self.request.user)
        return queryset if site_ids is None else queryset.filter(device__site_id__in=site_ids)

    @extend_schema(request=InstallationCreateSerializer, responses={201: InstallationSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.system_install(
            **data,
            actor=request_actor(self.request),
            workstation=request_workstation(self.request),
        )


@extend_schema(tags=["bench"])
class SystemImageViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The configured list of system images (a manager changes it in the admin)."""

    queryset = SystemImage.objects.all()
    serializer_class = SystemImageSerializer
    lookup_field = "code"
    filterset_fields = ["is_active", "licence"]
    not_found_message = _("No system image has the code “%(key)s”.")
