"""``GET /api/scan/{code}``: resolve any scanned code and answer with the object it names.

The kind → serializer mapping is a registry so other apps add kinds without touching this
module: write a resolver in ``inventory.scan.RESOLVERS`` and call
``register_scan_serializer("kit", KitSerializer)`` (e.g. from the app's ``api`` module or
``AppConfig.ready``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from inventory.api.serializers import (
    CollectionSerializer,
    DeviceSerializer,
    LocationSerializer,
    device_scan_representation,
)
from inventory.scan import scan_device_values, scan_resolve
from refurb.api.serializers import DriveSerializer
from workshop.api.base import ApiViewMixin

SCAN_SERIALIZERS: dict[str, type[serializers.BaseSerializer]] = {}


def register_scan_serializer(kind: str, serializer_class: type[serializers.BaseSerializer]):
    """Say how a scanned object of ``kind`` is represented in ``GET /api/scan/{code}``."""
    SCAN_SERIALIZERS[kind] = serializer_class
    return serializer_class


register_scan_serializer("device", DeviceSerializer)
register_scan_serializer("drive", DriveSerializer)
register_scan_serializer("location", LocationSerializer)
register_scan_serializer("collection", CollectionSerializer)


class ScanResultSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="device, drive, location, collection (more to come).")
    code = serializers.CharField(help_text="The code as it was recognised.")
    object = serializers.DictField(help_text="The object, as its own endpoint represents it.")


class ScanView(ApiViewMixin, GenericAPIView):
    """Tell what a scanned code designates: a tag of ours or a manufacturer serial number."""

    serializer_class = ScanResultSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        tags=["scan"],
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="A tag (device, drive, location, collection) or a serial number.",
            )
        ],
        responses={200: ScanResultSerializer},
    )
    def get(self, request, code: str):
        if SCAN_SERIALIZERS["device"] is DeviceSerializer:
            # The scanner's hot path: a device tag read as one narrow row (inventory.scan).
            found = scan_device_values(code)
            if found is not None:
                data = device_scan_representation(found.obj, self.get_serializer_context())
                return Response({"kind": "device", "code": found.code, "object": data})
        result = scan_resolve(code)
        serializer_class = SCAN_SERIALIZERS[result.kind]
        data = serializer_class(result.obj, context=self.get_serializer_context()).data
        return Response({"kind": result.kind, "code": result.code, "object": data})
