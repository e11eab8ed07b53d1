"""Inventory endpoints: thin views that read through querysets/selectors and write via services."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from inventory import services
from inventory.api import filters
from inventory.api import serializers as s
from inventory.api.serializers import device_scan_representation
from inventory.models import Collection, Donor, Location
from inventory.scan import DEVICE_SCAN_VALUES
from inventory.selectors import donors_visible_to
from refurb import services as refurb_services
from refurb.api.serializers import EventSerializer
from refurb.models import Device
from refurb.selectors import device_timeline
from workshop import tags
from workshop.access import site_allowed
from workshop.api.auth import request_actor, request_roles, request_workstation
from workshop.api.base import CursorPagination, ReadCreateViewSet
from workshop.exceptions import DomainError
from workshop.roles import ALL_ROLES, BENCH_ROLES, COACH, MANAGER, SHOP

STOCK_ROLES = frozenset({COACH, SHOP, MANAGER})


@extend_schema(tags=["inventory"])
class LocationViewSet(ReadCreateViewSet):
    queryset = Location.objects.select_related("site")
    serializer_class = s.LocationSerializer
    create_serializer_class = s.LocationCreateSerializer
    filterset_class = filters.LocationFilter
    search_fields = ["tag", "name"]
    ordering_fields = ["name", "tag"]
    lookup_field = "tag"
    write_roles = STOCK_ROLES
    not_found_message = _("No location has the tag “%(key)s”.")

    @extend_schema(request=s.LocationCreateSerializer, responses={201: s.LocationSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.location_create(**data)


@extend_schema(tags=["inventory"])
class DonorViewSet(ReadCreateViewSet):
    queryset = Donor.objects.all()
    serializer_class = s.DonorSerializer
    filterset_class = filters.DonorFilter
    search_fields = ["name", "siret"]
    ordering_fields = ["name", "created_at"]
    write_roles = ALL_ROLES
    not_found_message = _("No donor has the id “%(key)s”.")

    def get_queryset(self):
        # Private persons only for managers of their collections' site (inventory.selectors);
        # whoever creates a donor gets back what they just typed.
        if self.action == "create":
            return Donor.objects.all()
        return donors_visible_to(self.request.user)

    def perform_service(self, data):
        return services.donor_create(**data)


@extend_schema(tags=["inventory"])
class CollectionViewSet(ReadCreateViewSet):
    queryset = Collection.objects.select_related("donor", "site")
    serializer_class = s.CollectionSerializer
    create_serializer_class = s.CollectionCreateSerializer
    filterset_class = filters.CollectionFilter
    search_fields = ["tag", "donor__name"]
    ordering_fields = ["received_on", "tag", "created_at"]
    lookup_field = "tag"
    write_roles = ALL_ROLES
    not_found_message = _("No collection has the tag “%(key)s”.")

    @extend_schema(request=s.CollectionCreateSerializer, responses={201: s.CollectionSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        return services.collection_create(**data)


class DeviceCursorPagination(CursorPagination):
    ordering = "-id"


@extend_schema(tags=["devices"])
class DeviceViewSet(ReadCreateViewSet):
    """Devices, addressed by asset tag; every representation lists the allowed ``next`` states."""

    queryset = Device.objects.select_related("site", "category", "collection", "location", "grade")
    serializer_class = s.DeviceSerializer
    create_serializer_class = s.DeviceRegisterSerializer
    filterset_class = filters.DeviceFilter
    pagination_class = DeviceCursorPagination
    search_fields = ["asset_tag", "serial_number", "model"]
    ordering_fields = ["id", "asset_tag", "received_at", "updated_at", "state_changed_at", "state"]
    lookup_field = "asset_tag"
    lookup_value_regex = "[^/]+"
    write_roles = ALL_ROLES
    not_found_message = _("No device has the tag “%(key)s”.")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("drives")
        return queryset

    def filter_queryset(self, queryset):
        # One device addressed by its tag: the list's filters, search and ordering do not
        # apply, and building the filter form costs a detail request or a write ~8 ms.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action in ("retrieve",):
            return s.DeviceDetailSerializer
        return super().get_serializer_class()

    def list(self, request, *args, **kwargs):
        """A page of devices as the scanner's hot path answers one (``DEVICE_SCAN_VALUES``,
        ``device_scan_representation``): narrow rows, no model objects, the same answer as
        ``DeviceSerializer`` (``tests/api/test_endpoints.py``); two fifths of the list's time
        went into building and serialising model objects."""
        queryset = self.filter_queryset(self.get_queryset()).values("id", *DEVICE_SCAN_VALUES)
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context()
        rows = [
            device_scan_representation(row, context) for row in (queryset if page is None else page)
        ]
        return Response(rows) if page is None else self.get_paginated_response(rows)

    def _lookup_tag(self) -> str:
        """The device tag of the URL, normalised; a mistyped tag answers 400 tag_check_failed."""
        code = tags.normalize(self.kwargs[self.lookup_field])
        if tags.looks_like_tag(code):
            tags.parse_tag(code)
        self.kwargs[self.lookup_field] = code
        return code

    def get_object(self):
        self._lookup_tag()
        return super().get_object()

    def _detail(self, device, event=None) -> dict:
        """Serialise ``device`` as the write left it, reading only its drives again.

        The service wrote through its own locked copy (``event.device``): every column is
        copied from it, and a relation whose key changed is taken from the copy or read again.
        """
        locked = getattr(event, "device", None) if event is not None else None
        if locked is not None and locked is not device:
            for field in Device._meta.concrete_fields:
                old, new = getattr(device, field.attname), getattr(locked, field.attname)
                if field.is_relation:
                    cached = field.is_cached(locked)
                    if cached:
                        field.set_cached_value(device, field.get_cached_value(locked))
                    elif old != new:
                        field.delete_cached_value(device)
                setattr(device, field.attname, new)
        getattr(device, "_prefetched_objects_cache", {}).pop("drives", None)
        prefetch_related_objects([device], "drives")
        return s.DeviceDetailSerializer(device, context=self.get_serializer_context()).data

    @extend_schema(request=s.DeviceRegisterSerializer, responses={201: s.DeviceSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_service(self, data):
        workstation = request_workstation(self.request)
        site = data.pop("site", None) or (workstation.site if workstation else None)
        if site is None:
            raise DomainError(
                "invalid",
                _("Some fields are not valid: correct them and try again."),
                fields={"site": [str(_("This field is required."))]},
            )
        return refurb_services.device_register(
            site=site, actor=request_actor(self.request), workstation=workstation, **data
        )

    @extend_schema(request=s.TransitionSerializer, responses={200: s.TransitionResultSerializer})
    @action(detail=True, methods=["post"])
    def transitions(self, request, asset_tag=None):
        """Move the device to another state through the transition table."""
        # The scanner's hot path: the service reads and locks the device by its tag, joined
        # to what the answer shows, in one query (no read of the device before it).
        code = self._lookup_tag()
        body = s.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = refurb_services.device_move_ask(
            asset_tag=code,
            to=body.validated_data["to"],
            actor=request_actor(request),
            workstation=request_workstation(request),
            reason=body.validated_data["reason"],
            inputs=body.validated_data.get("payload") or {},
            roles=request_roles(request),
        )
        return Response(
            {"device": self._detail(event.device, event), "event": EventSerializer(event).data}
        )

    @extend_schema(request=s.DeviceMoveSerializer, responses={200: s.MoveResultSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, asset_tag=None):
        """Put the device at a location (scan the location's tag)."""
        device = self.get_object()
        body = s.DeviceMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.device_move(
            device=device,
            location=body.validated_data["location"],
            actor=request_actor(request),
            workstation=request_workstation(request),
        )
        return Response(
            {
                "device": self._detail(device, event),
                "event": EventSerializer(event).data if event else None,
            }
        )

    @extend_schema(request=None, responses={200: s.MoveResultSerializer})
    @action(detail=True, methods=["post"], url_path="no-storage", write_roles=BENCH_ROLES)
    def no_storage(self, request, asset_tag=None):
        """Confirm that the device holds no drive at all (so it may leave ``received``)."""
        device = self.get_object()
        event = refurb_services.device_confirm_no_storage(
            device=device, actor=request_actor(request), workstation=request_workstation(request)
        )
        return Response(
            {"device": self._detail(device, event), "event": EventSerializer(event).data}
        )

    @extend_schema(request=None, responses={200: s.MoveResultSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="no-storage/sign-off",
        write_roles=frozenset({COACH, MANAGER}),
    )
    def no_storage_sign_off(self, request, asset_tag=None):
        """Sign off a "no storage" declaration: a coach or a manager, never its declarer."""
        device = self.get_object()
        event = refurb_services.device_sign_off_no_storage(
            device=device, actor=request_actor(request), workstation=request_workstation(request)
        )
        return Response(
            {"device": self._detail(device, event), "event": EventSerializer(event).data}
        )

    @extend_schema(request=s.NoStorageRefusalSerializer, responses={200: s.MoveResultSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="no-storage/refuse",
        write_roles=frozenset({COACH, MANAGER}),
    )
    def no_storage_refuse(self, request, asset_tag=None):
        """Refuse a "no storage" declaration, with what was found: the declaration is undone."""
        device = self.get_object()
        body = s.NoStorageRefusalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = refurb_services.device_refuse_no_storage(
            device=device,
            actor=request_actor(request),
            reason=body.validated_data["reason"],
            workstation=request_workstation(request),
        )
        return Response(
            {"device": self._detail(device, event), "event": EventSerializer(event).data}
        )

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, asset_tag=None):
        """Return every event of the device, oldest first: read at the device's site only."""
        device = self.get_object()
        if not site_allowed(
            device.site_id, actor=request_actor(request), workstation=request_workstation(request)
        ):
            # Its events name the workers of another site (as the history page says).
            raise DomainError(
                "other_site",
                _("%(tag)s belongs to the site %(site)s: its history is read at that site.")
                % {"tag": device.asset_tag, "site": device.site.code},
                status=403,
            )
        events = device_timeline(device).select_related("device")
        return Response(EventSerializer(events, many=True).data)
