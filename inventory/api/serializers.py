"""Representations of inventory objects, and the bodies that create or change them."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.models import Collection, Donor, Location
from inventory.selectors import donor_name_visible
from refurb.api.serializers import EventSerializer
from refurb.models import Category, Device, Drive
from refurb.states import State
from refurb.transitions import allowed_targets
from workshop.api.auth import request_roles, request_workstation
from workshop.api.base import StrictFieldsMixin, StrictSerializer
from workshop.api.fields import AtelierDateTimeField
from workshop.models import Site


class LocationSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Location
        fields = ["tag", "site", "name", "kind", "is_active"]


class LocationCreateSerializer(StrictSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    name = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(choices=Location.Kind.choices, default=Location.Kind.SHELF)


class DonorSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Donor
        fields = ["id", "kind", "name", "siret", "contact_email", "address", "created_at"]
        read_only_fields = ["id", "created_at"]
        # The service validates the model (SIRET, person without SIRET).
        extra_kwargs = {"siret": {"validators": []}}


class CollectionSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    donor_name = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_donor_name(self, collection) -> str | None:
        """A private donor's name only for managers of the collection's site."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if donor_name_visible(user, collection.donor, collection.site_id):
            return collection.donor.name
        return None

    class Meta:
        model = Collection
        fields = [
            "tag",
            "donor",
            "donor_name",
            "site",
            "received_on",
            "declared_count",
            "gross_weight_kg",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class CollectionCreateSerializer(StrictSerializer):
    donor = serializers.PrimaryKeyRelatedField(queryset=Donor.objects.all())
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    received_on = serializers.DateField(required=False)
    declared_count = serializers.IntegerField(min_value=0, default=0)
    gross_weight_kg = serializers.DecimalField(
        max_digits=10, decimal_places=3, min_value=Decimal("0"), default=Decimal("0")
    )
    notes = serializers.CharField(allow_blank=True, default="")


class DriveBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Drive
        fields = ["tag", "serial_number", "kind", "status"]
        read_only_fields = fields


class DeviceSerializer(serializers.ModelSerializer):
    """A device with the states the caller may move it to (``next``)."""

    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    collection = serializers.SlugRelatedField(slug_field="tag", read_only=True, allow_null=True)
    location = serializers.SlugRelatedField(slug_field="tag", read_only=True, allow_null=True)
    grade = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    state_label = serializers.SerializerMethodField()
    donor = serializers.SerializerMethodField()
    next = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "asset_tag",
            "site",
            "category",
            "collection",
            "donor",
            "make",
            "model",
            "serial_number",
            "specs",
            "weight_kg",
            "location",
            "state",
            "state_label",
            "grade",
            "no_storage_confirmed",
            "no_storage_signed_off",
            "received_at",
            "state_changed_at",
            "updated_at",
            "event_seq",
            "next",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_donor(self, device) -> int | None:
        return device.collection.donor_id if device.collection_id else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_state_label(self, device) -> str:
        # Not get_state_display: it rebuilds and hashes the whole (lazy) choices list per row.
        return str(State(device.state).label)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(State.choices)))
    def get_next(self, device) -> list[str]:
        return next_states(device.state, self.context)


def next_states(state: str, context: dict) -> list[str]:
    """The states the request's caller may move a device in ``state`` to (``next``)."""
    request = context.get("request")
    if request is None:
        return []
    # The caller is the same for every row of a page: work the targets out once per state.
    by_state = context.setdefault("_next_by_state", {})
    if state not in by_state:
        by_state[state] = [
            str(target)
            for target in allowed_targets(
                state,
                roles=request_roles(request),
                workstation=request_workstation(request),
            )
        ]
    return by_state[state]


# The fields of DeviceSerializer whose representation is not the bare value, built once.
_DATETIME = AtelierDateTimeField(read_only=True)
_WEIGHT = serializers.DecimalField(max_digits=8, decimal_places=3, read_only=True)


def device_scan_representation(row: dict, context: dict) -> dict:
    """``DeviceSerializer``'s answer, from a row of ``inventory.scan.DEVICE_SCAN_VALUES``.

    The scanner's hot path: no model objects, no serializer fields built per request.
    ``tests/api/test_endpoints.py`` checks that both answers stay the same.
    """
    weight = row["weight_kg"]
    return {
        "asset_tag": row["asset_tag"],
        "site": row["site__code"],
        "category": row["category__code"],
        "collection": row["collection__tag"],
        "donor": row["collection__donor"],
        "make": row["make"],
        "model": row["model"],
        "serial_number": row["serial_number"],
        "specs": row["specs"],
        "weight_kg": None if weight is None else _WEIGHT.to_representation(weight),
        "location": row["location__tag"],
        "state": row["state"],
        "state_label": str(State(row["state"]).label),
        "grade": row["grade__code"],
        "no_storage_confirmed": bool(row["no_storage_confirmed"]),
        "no_storage_signed_off": bool(row["no_storage_signed_off"]),
        "received_at": _DATETIME.to_representation(row["received_at"]),
        "state_changed_at": _DATETIME.to_representation(row["state_changed_at"]),
        "updated_at": _DATETIME.to_representation(row["updated_at"]),
        "event_seq": row["event_seq"],
        "next": next_states(row["state"], context),
    }


class DeviceDetailSerializer(DeviceSerializer):
    drives = DriveBriefSerializer(many=True, read_only=True)

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "drives"]
        read_only_fields = fields


class DeviceRegisterSerializer(StrictSerializer):
    site = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Site.objects.all(),
        required=False,
        help_text="Site code; defaults to the workstation's site for a workstation token.",
    )
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    collection = serializers.SlugRelatedField(
        slug_field="tag", queryset=Collection.objects.all(), required=False, allow_null=True
    )
    location = serializers.SlugRelatedField(
        slug_field="tag", queryset=Location.objects.all(), required=False, allow_null=True
    )
    make = serializers.CharField(max_length=80, allow_blank=True, default="")
    model = serializers.CharField(max_length=120, allow_blank=True, default="")
    serial_number = serializers.CharField(max_length=80, allow_blank=True, default="")
    weight_kg = serializers.DecimalField(
        max_digits=8, decimal_places=3, min_value=Decimal("0"), required=False, allow_null=True
    )
    specs = serializers.DictField(required=False)


class DeviceMoveSerializer(StrictSerializer):
    location = serializers.SlugRelatedField(slug_field="tag", queryset=Location.objects.all())


class NoStorageRefusalSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=500, help_text="What was found, e.g. “an M.2 SSD under the cover”."
    )


class TransitionSerializer(StrictSerializer):
    to = serializers.ChoiceField(choices=State.choices)
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")
    payload = serializers.DictField(
        required=False, help_text='Input of the move, e.g. {"grade": "A"} to grade a device.'
    )


class TransitionResultSerializer(serializers.Serializer):
    device = DeviceDetailSerializer()
    event = EventSerializer()


class MoveResultSerializer(serializers.Serializer):
    device = DeviceDetailSerializer()
    event = EventSerializer(allow_null=True)
