"""Repair tickets and parts over the API: read the tickets of one's sites, fit a part.

Thin views: the reads are bounded to the caller's sites (``workshop.selectors.user_site_ids``),
and fitting calls ``inventory.services.part_fit``, the service the ticket screen calls.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from inventory import services
from inventory.models import Part
from refurb.models import Repair
from workshop.api.auth import request_actor, request_workstation
from workshop.api.base import ApiViewMixin, StrictSerializer
from workshop.exceptions import DomainError
from workshop.roles import ALL_ROLES, BENCH_ROLES
from workshop.selectors import user_site_ids


class PartSerializer(serializers.ModelSerializer):
    origin = serializers.CharField(source="origin.asset_tag", read_only=True)
    fitted_in = serializers.CharField(
        source="fitted_in.asset_tag", read_only=True, default=None, allow_null=True
    )
    location = serializers.CharField(
        source="location.tag", read_only=True, default=None, allow_null=True
    )
    drive = serializers.CharField(source="drive.tag", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Part
        fields = [
            "tag",
            "category",
            "description",
            "specs",
            "origin",
            "drive",
            "status",
            "test_status",
            "location",
            "fitted_in",
            "price",
        ]
        read_only_fields = fields


class RepairSerializer(serializers.ModelSerializer):
    # Blank until the ticket is closed (or the device found unrepairable): "" is a value.
    outcome = serializers.ChoiceField(
        choices=Repair.Outcome.choices, allow_blank=True, read_only=True
    )
    barrier = serializers.ChoiceField(
        choices=Repair.Barrier.choices, allow_blank=True, read_only=True
    )
    device = serializers.CharField(source="device.asset_tag", read_only=True)
    workstation = serializers.CharField(
        source="workstation.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Repair
        fields = [
            "id",
            "device",
            "status",
            "outcome",
            "barrier",
            "fault",
            "failed_checks",
            "diagnosis",
            "workstation",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields


class PartFitSerializer(StrictSerializer):
    part = serializers.CharField(max_length=20, help_text=_("The part's P tag."))
    category = serializers.ChoiceField(choices=Part.Category.choices)


def _sites(queryset, request, lookup: str):
    site_ids = user_site_ids(request.user)
    return queryset if site_ids is None else queryset.filter(**{f"{lookup}__in": site_ids})


@extend_schema(tags=["repairs"])
class RepairViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Repair tickets of the caller's sites, newest first (``?status=open``)."""

    serializer_class = RepairSerializer
    read_roles = BENCH_ROLES
    write_roles = BENCH_ROLES
    not_found_message = _("No repair ticket has the number “%(key)s”.")

    def get_queryset(self):
        queryset = Repair.objects.select_related("device", "workstation").order_by("-id")
        status = self.request.query_params.get("status")
        if status in Repair.Status.values:
            queryset = queryset.filter(status=status)
        return _sites(queryset, self.request, "device__site")

    @extend_schema(request=PartFitSerializer, responses={200: PartSerializer})
    @action(detail=True, methods=["post"], url_path="fit")
    def fit(self, request, pk=None):
        """Fit a part of the stock into the ticket's device in place of its ``category`` part."""
        ticket = self.get_object()
        body = PartFitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        part = (
            _sites(Part.objects.all(), request, "site")
            .filter(tag=body.validated_data["part"].strip().upper())
            .first()
        )
        if part is None:
            raise DomainError(
                "scan_unknown",
                _("“%(code)s” is not a part of the stock.") % {"code": body.validated_data["part"]},
                fields={"part": [_("Unknown part.")]},
                status=422,
            )
        fitted = services.part_fit(
            part=part,
            repair=ticket,
            category=body.validated_data["category"],
            actor=request_actor(request),
            workstation=request_workstation(request),
        )
        return Response(
            PartSerializer(
                Part.objects.select_related("origin", "fitted_in", "location", "drive").get(
                    pk=fitted.pk
                )
            ).data
        )


@extend_schema(tags=["repairs"])
class PartViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Parts of the caller's sites (``?status=in_stock``), by their P tag."""

    serializer_class = PartSerializer
    read_roles = ALL_ROLES
    lookup_field = "tag"
    not_found_message = _("No part has the tag “%(key)s”.")

    def get_queryset(self):
        queryset = Part.objects.select_related("origin", "fitted_in", "location", "drive")
        status = self.request.query_params.get("status")
        if status in Part.Status.values:
            queryset = queryset.filter(status=status)
        return _sites(queryset.order_by("-id"), self.request, "site")
