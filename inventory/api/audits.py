"""Stocktakes and recycling shipments through the API: the same services as the office screens.

A stocktake is opened, scanned (by anyone of its site), reconciled, resolved and closed by its
site's managers; a shipment is handled by its site's coaches and managers. Another site's row
answers 404, as if it did not exist (``site_scope``); the role is the access matrix's
(``matrix``).
"""

from __future__ import annotations

import django_filters
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from inventory import services
from inventory.documents.stocktake import stocktake_lines, stocktake_summary
from inventory.models import (
    Location,
    RecyclingShipment,
    RecyclingShipmentLine,
    Stocktake,
    StocktakeLine,
    StocktakeScan,
)
from inventory.scan import scan_resolve
from workshop.api.auth import request_actor, request_workstation
from workshop.api.base import ApiViewMixin, StrictSerializer, access_guard, caller_site, site_scope
from workshop.api.fields import AtelierDateTimeField
from workshop.api.filters import StrictFilterBackend
from workshop.api.parsers import SafeJSONParser
from workshop.exceptions import DomainError
from workshop.models import Site

ID_REGEX = "[0-9]{1,18}"
KG = {"max_digits": 10, "decimal_places": 3}


# --- serializers --------------------------------------------------------------------------


class StocktakeSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    locations = serializers.SlugRelatedField(slug_field="tag", many=True, read_only=True)
    reconciled_at = AtelierDateTimeField(read_only=True, allow_null=True)
    closed_at = AtelierDateTimeField(read_only=True, allow_null=True)
    scans = serializers.IntegerField(source="scan_count", read_only=True)

    class Meta:
        model = Stocktake
        fields = [
            "id",
            "site",
            "status",
            "note",
            "locations",
            "opened_at",
            "reconciled_at",
            "closed_at",
            "scans",
        ]
        read_only_fields = fields


class StocktakeSummarySerializer(serializers.Serializer):
    found = serializers.IntegerField()
    elsewhere = serializers.IntegerField()
    missing = serializers.IntegerField()
    unexpected = serializers.IntegerField()
    unknown = serializers.IntegerField()
    unresolved = serializers.IntegerField()
    scans = serializers.IntegerField()


class StocktakeDetailSerializer(StocktakeSerializer):
    summary = serializers.SerializerMethodField()

    class Meta(StocktakeSerializer.Meta):
        fields = [*StocktakeSerializer.Meta.fields, "summary"]
        read_only_fields = fields

    @extend_schema_field(StocktakeSummarySerializer)
    def get_summary(self, stocktake) -> dict:
        return stocktake_summary(stocktake)


class StocktakeOpenSerializer(StrictSerializer):
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), required=False
    )
    locations = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=500,
        help_text="Location tags to count; none: the whole site.",
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StocktakeScanCreateSerializer(StrictSerializer):
    code = serializers.CharField(max_length=80, help_text="The label scanned (tag or serial).")
    location = serializers.CharField(max_length=40, help_text="Tag of the location scanned at.")


class StocktakeScanSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True, allow_null=True)
    location = serializers.SlugRelatedField(slug_field="tag", read_only=True)
    known = serializers.SerializerMethodField()
    created = serializers.SerializerMethodField()

    class Meta:
        model = StocktakeScan
        fields = ["id", "code", "device", "known", "location", "scanned_at", "created"]
        read_only_fields = fields

    def get_known(self, scan) -> bool:
        return scan.device_id is not None

    def get_created(self, scan) -> bool:
        return bool(getattr(scan, "created", True))


class StocktakeLineSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True, allow_null=True)
    expected_location = serializers.SlugRelatedField(
        slug_field="tag", read_only=True, allow_null=True
    )
    scanned_location = serializers.SlugRelatedField(
        slug_field="tag", read_only=True, allow_null=True
    )
    resolution = serializers.ChoiceField(
        choices=StocktakeLine.Resolution.choices,
        help_text="Empty while the line is to resolve.",
        read_only=True,
    )
    device_state = serializers.CharField(read_only=True)
    resolved_at = AtelierDateTimeField(read_only=True, allow_null=True)
    applied_at = AtelierDateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = StocktakeLine
        fields = [
            "id",
            "code",
            "kind",
            "device",
            "device_state",
            "expected_location",
            "scanned_location",
            "resolution",
            "reason",
            "resolved_at",
            "applied_at",
        ]
        read_only_fields = fields


RESOLUTIONS = [(value, label) for value, label in StocktakeLine.Resolution.choices if value]


class StocktakeResolveSerializer(StrictSerializer):
    resolution = serializers.ChoiceField(choices=RESOLUTIONS)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        min_length=1,
        max_length=1000,
        help_text="The line ids to resolve; or give ``kind`` instead.",
    )
    kind = serializers.ChoiceField(
        choices=StocktakeLine.Kind.choices,
        required=False,
        help_text="Resolve every line of this finding still to resolve.",
    )


class ReconcileSerializer(serializers.Serializer):
    stocktake = StocktakeDetailSerializer()
    lines = serializers.DictField(child=serializers.IntegerField())


class ShipmentLineSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True, allow_null=True)
    weight_kg = serializers.DecimalField(**KG, read_only=True)

    class Meta:
        model = RecyclingShipmentLine
        fields = ["id", "device", "description", "weight_kg", "added_at"]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    weight_kg = serializers.DecimalField(**KG, read_only=True)
    shipped_at = AtelierDateTimeField(read_only=True, allow_null=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)

    class Meta:
        model = RecyclingShipment
        fields = [
            "id",
            "site",
            "status",
            "recycler",
            "shipped_on",
            "shipped_at",
            "weight_kg",
            "certificate_ref",
            "created_at",
            "lines",
        ]
        read_only_fields = fields


class ShipmentOpenSerializer(StrictSerializer):
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), required=False
    )
    recycler = serializers.CharField(max_length=160)


class ShipmentDeviceSerializer(StrictSerializer):
    device = serializers.CharField(max_length=80, help_text="Asset tag (or serial) of the device.")
    weight_kg = serializers.DecimalField(**KG, min_value=0, required=False, allow_null=True)


class ShipmentPartsSerializer(StrictSerializer):
    description = serializers.CharField(max_length=160)
    weight_kg = serializers.DecimalField(**KG, min_value=0)


class ShipmentCertificateSerializer(StrictSerializer):
    certificate_ref = serializers.CharField(max_length=80)


# --- filters ------------------------------------------------------------------------------


class StocktakeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Stocktake.Status.choices)
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")

    class Meta:
        model = Stocktake
        fields = []


class StocktakeLineFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=StocktakeLine.Kind.choices)
    pending = django_filters.BooleanFilter(
        method="filter_pending", help_text="true: lines still to resolve; false: resolved."
    )

    class Meta:
        model = StocktakeLine
        fields = []

    def filter_pending(self, queryset, name, value):
        pending = StocktakeLine.Resolution.PENDING
        return (
            queryset.filter(resolution=pending) if value else queryset.exclude(resolution=pending)
        )


class ShipmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RecyclingShipment.Status.choices)
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")

    class Meta:
        model = RecyclingShipment
        fields = []


# --- views --------------------------------------------------------------------------------


def _locations(tags: list[str], site) -> list[Location]:
    wanted = [tag.strip().upper() for tag in tags]
    found = {loc.tag: loc for loc in Location.objects.filter(tag__in=wanted)}
    unknown = [tag for tag in wanted if tag not in found]
    if unknown:
        raise DomainError(
            "location_unknown",
            _("No location has these tags: %(tags)s.") % {"tags": ", ".join(unknown)},
            fields={"locations": unknown},
        )
    return [found[tag] for tag in dict.fromkeys(wanted)]


@extend_schema(tags=["audits"])
class StocktakeViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """``/api/stocktakes/``: open, scan, reconcile, resolve and close a stocktake."""

    filterset_class = StocktakeFilter
    ordering_fields = ["id", "opened_at"]
    lookup_value_regex = ID_REGEX
    parser_classes = [SafeJSONParser]  # JSON bodies only, as the schema says
    matrix = {
        "list": ("stocktake", "read"),
        "retrieve": ("stocktake", "read"),
        "lines": ("stocktake", "read"),
        "create": ("stocktake", "open"),
        "scans": ("stocktake", "scan"),
        "reconcile": ("stocktake", "reconcile"),
        "resolve": ("stocktake", "resolve"),
        "close": ("stocktake", "close"),
    }
    not_found_message = gettext_lazy("No stocktake has the id “%(key)s”.")

    def get_queryset(self):
        stocktakes = (
            Stocktake.objects.select_related("site")
            .prefetch_related("locations")
            .annotate(scan_count=Count("scans", distinct=True))
            .order_by("-opened_at", "-id")
        )
        return site_scope(stocktakes, self.request)

    def get_serializer_class(self):
        return StocktakeSerializer if self.action == "list" else StocktakeDetailSerializer

    def _detail(self, stocktake) -> dict:
        fresh = self.get_queryset().get(pk=stocktake.pk)
        return StocktakeDetailSerializer(fresh).data

    @extend_schema(responses={200: StocktakeDetailSerializer})
    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object()))

    @extend_schema(request=StocktakeOpenSerializer, responses={201: StocktakeDetailSerializer})
    def create(self, request):
        """Open a stocktake of a site, or of some of its locations."""
        body = StocktakeOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        site = caller_site(request, data.get("site"))
        access_guard(request, "stocktake", "open", site)
        stocktake = services.stocktake_open(
            site=site,
            locations=_locations(data.get("locations") or [], site),
            note=data["note"],
            actor=request_actor(request),
        )
        return Response(self._detail(stocktake), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StocktakeScanCreateSerializer,
        responses={201: StocktakeScanSerializer, 200: StocktakeScanSerializer},
    )
    @action(detail=True, methods=["post"])
    def scans(self, request, pk=None):
        """Record a label found at a location (201; 200 when it was already counted)."""
        stocktake = self.get_object()
        access_guard(request, "stocktake", "scan", stocktake.site_id)
        body = StocktakeScanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tag = body.validated_data["location"].strip().upper()
        location = Location.objects.filter(tag=tag, site_id=stocktake.site_id).first()
        if location is None:
            raise DomainError(
                "location_unknown",
                _("Scan the label of a location of this site first."),
                fields={"location": [_("Unknown location.")]},
            )
        scan, created = services.stocktake_record_scan(
            stocktake=stocktake,
            code=body.validated_data["code"],
            location=location,
            actor=request_actor(request),
        )
        scan.created = created
        return Response(
            StocktakeScanSerializer(scan).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=StocktakeLine.Kind.values),
            OpenApiParameter(
                "pending", OpenApiTypes.BOOL, description="true: lines still to resolve."
            ),
        ],
        responses={200: StocktakeLineSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def lines(self, request, pk=None):
        """The reconciled findings (found where expected, elsewhere, missing, unexpected…)."""
        stocktake = self.get_object()
        errors = StrictFilterBackend.refusals(StocktakeLineFilter(), request.query_params)
        lines = StocktakeLineFilter(request.query_params, queryset=stocktake_lines(stocktake))
        if errors or not lines.is_valid():
            raise ValidationError(errors or lines.errors)
        return Response(StocktakeLineSerializer(lines.qs, many=True).data)

    @extend_schema(request=None, responses={200: StocktakeDetailSerializer})
    @action(detail=True, methods=["post"])
    def reconcile(self, request, pk=None):
        """Compare the scans with what the system believes: one line per difference."""
        stocktake = self.get_object()
        access_guard(request, "stocktake", "reconcile", stocktake.site_id)
        services.stocktake_reconcile(stocktake=stocktake)
        return Response(self._detail(stocktake))

    @extend_schema(
        request=StocktakeResolveSerializer, responses={200: StocktakeLineSerializer(many=True)}
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Decide about lines (``lines`` or every pending line of a ``kind``); applied at close."""
        stocktake = self.get_object()
        access_guard(request, "stocktake", "resolve", stocktake.site_id)
        body = StocktakeResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        resolved = services.stocktake_resolve_lines(
            stocktake=stocktake,
            resolution=data["resolution"],
            reason=data["reason"],
            line_ids=data.get("lines"),
            kind=data.get("kind"),
            actor=request_actor(request),
        )
        ids = [line.pk for line in resolved]
        return Response(
            StocktakeLineSerializer(stocktake_lines(stocktake).filter(pk__in=ids), many=True).data
        )

    @extend_schema(request=None, responses={200: StocktakeDetailSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Apply every resolution (moves, write-offs, finds) and close: all or nothing."""
        stocktake = self.get_object()
        access_guard(request, "stocktake", "close", stocktake.site_id)
        services.stocktake_close(stocktake=stocktake, actor=request_actor(request))
        return Response(self._detail(stocktake))


@extend_schema(tags=["audits"])
class ShipmentViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """``/api/recycling-shipments/``: what leaves for the recycler, weighed and data-safe."""

    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilter
    ordering_fields = ["id", "shipped_on"]
    lookup_value_regex = ID_REGEX
    parser_classes = [SafeJSONParser]
    matrix = {
        "list": ("shipment", "read"),
        "retrieve": ("shipment", "read"),
        "create": ("shipment", "write"),
        "devices": ("shipment", "write"),
        "parts": ("shipment", "write"),
        "ship": ("shipment", "write"),
        "certificate": ("shipment", "write"),
    }
    not_found_message = gettext_lazy("No shipment has the id “%(key)s”.")

    def get_queryset(self):
        shipments = RecyclingShipment.objects.select_related("site").prefetch_related(
            "lines__device"
        )
        return site_scope(shipments.order_by("-id"), self.request)

    def _answer(self, shipment, code=status.HTTP_200_OK) -> Response:
        return Response(
            ShipmentSerializer(self.get_queryset().get(pk=shipment.pk)).data, status=code
        )

    def _open(self, request):
        shipment = self.get_object()
        access_guard(request, "shipment", "write", shipment.site_id)
        return shipment

    @extend_schema(request=ShipmentOpenSerializer, responses={201: ShipmentSerializer})
    def create(self, request):
        body = ShipmentOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        site = caller_site(request, body.validated_data.get("site"))
        access_guard(request, "shipment", "write", site)
        shipment = services.shipment_open(
            site=site, recycler=body.validated_data["recycler"], actor=request_actor(request)
        )
        return self._answer(shipment, status.HTTP_201_CREATED)

    @extend_schema(request=ShipmentDeviceSerializer, responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"])
    def devices(self, request, pk=None):
        """Put a device bound for recycling in the shipment."""
        shipment = self._open(request)
        body = ShipmentDeviceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = scan_resolve(body.validated_data["device"])
        if found.kind != "device":
            raise DomainError(
                "not_a_device",
                _("Scan a device's asset tag."),
                fields={"device": [_("Not a device.")]},
            )
        services.shipment_add_device(
            shipment=shipment, device=found.obj, weight_kg=body.validated_data.get("weight_kg")
        )
        return self._answer(shipment)

    @extend_schema(request=ShipmentPartsSerializer, responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"])
    def parts(self, request, pk=None):
        """Add loose parts, weighed."""
        shipment = self._open(request)
        body = ShipmentPartsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.shipment_add_parts(shipment=shipment, **body.validated_data)
        return self._answer(shipment)

    @extend_schema(request=None, responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        """Mark it gone: every device data-safe, all or nothing."""
        shipment = self._open(request)
        services.shipment_ship(
            shipment=shipment,
            actor=request_actor(request),
            workstation=request_workstation(request),
        )
        return self._answer(shipment)

    @extend_schema(request=ShipmentCertificateSerializer, responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"])
    def certificate(self, request, pk=None):
        """Record the reference of the recycler's certificate (once shipped)."""
        shipment = self._open(request)
        body = ShipmentCertificateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.shipment_record_certificate(
            shipment=shipment, certificate_ref=body.validated_data["certificate_ref"]
        )
        return self._answer(shipment)
