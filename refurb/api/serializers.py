"""Representations of bench records and events, and the bodies that record them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from refurb.models import (
    ChecklistItem,
    Destruction,
    Device,
    DeviceEvent,
    Drive,
    Erasure,
    NistMethod,
    TestResult,
)
from refurb.states import State
from workshop.api.base import StrictSerializer
from workshop.api.fields import AtelierDateTimeField


class EventSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    code_label = serializers.CharField(read_only=True)
    # Blank for events that are not moves (a note, an erasure): the schema must say so.
    from_state = serializers.ChoiceField(choices=State.choices, allow_blank=True, read_only=True)
    to_state = serializers.ChoiceField(choices=State.choices, allow_blank=True, read_only=True)

    class Meta:
        model = DeviceEvent
        fields = [
            "id",
            "device",
            "seq",
            "code",
            "code_label",
            "from_state",
            "to_state",
            "actor",
            "workstation",
            "reason",
            "payload",
            "created_at",
        ]
        read_only_fields = fields


class DriveSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Drive
        fields = [
            "tag",
            "device",
            "serial_number",
            "model",
            "kind",
            "capacity_bytes",
            "status",
            "status_label",
            "smart",
            "failing",
            "created_at",
        ]
        read_only_fields = fields


class DriveCreateSerializer(StrictSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", queryset=Device.objects.all())
    kind = serializers.ChoiceField(choices=Drive.Kind.choices, default=Drive.Kind.HDD)
    serial_number = serializers.CharField(max_length=80, allow_blank=True, default="")
    model = serializers.CharField(max_length=120, allow_blank=True, default="")
    capacity_bytes = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    smart = serializers.DictField(required=False)
    failing = serializers.BooleanField(default=False)


class ErasureSerializer(serializers.ModelSerializer):
    drive = serializers.SlugRelatedField(slug_field="tag", read_only=True)
    device = serializers.CharField(source="drive.device.asset_tag", read_only=True)
    operator = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    is_proof = serializers.BooleanField(read_only=True)

    class Meta:
        model = Erasure
        fields = [
            "id",
            "drive",
            "device",
            "method",
            "standard",
            "tool",
            "passes",
            "verified",
            "result",
            "is_proof",
            "started_at",
            "finished_at",
            "operator",
            "workstation",
            "log",
            "created_at",
        ]
        read_only_fields = fields


class ErasureCreateSerializer(StrictSerializer):
    drive = serializers.SlugRelatedField(slug_field="tag", queryset=Drive.objects.all())
    method = serializers.ChoiceField(choices=NistMethod.choices)
    tool = serializers.CharField(max_length=80)
    result = serializers.ChoiceField(choices=Erasure.Result.choices)
    verified = serializers.BooleanField()
    passes = serializers.IntegerField(min_value=1, max_value=100, default=1)
    standard = serializers.CharField(max_length=80, allow_blank=True, default="")
    started_at = AtelierDateTimeField(required=False, allow_null=True)
    finished_at = AtelierDateTimeField(required=False, allow_null=True)
    log = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)


class DestructionSerializer(serializers.ModelSerializer):
    drive = serializers.SlugRelatedField(slug_field="tag", read_only=True)
    device = serializers.CharField(source="drive.device.asset_tag", read_only=True)
    operator = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Destruction
        fields = [
            "id",
            "drive",
            "device",
            "method",
            "witness",
            "operator",
            "workstation",
            "destroyed_at",
            "certificate_ref",
        ]
        read_only_fields = fields


class DestructionCreateSerializer(StrictSerializer):
    drive = serializers.SlugRelatedField(slug_field="tag", queryset=Drive.objects.all())
    method = serializers.ChoiceField(choices=Destruction.Method.choices)
    witness = serializers.CharField(max_length=120)
    certificate_ref = serializers.CharField(max_length=80, allow_blank=True, default="")


class TestResultSerializer(serializers.ModelSerializer):
    __test__ = False

    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    item_label = serializers.CharField(source="item.label", read_only=True)
    operator = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = TestResult
        fields = [
            "id",
            "device",
            "item",
            "item_label",
            "passed",
            "note",
            "operator",
            "workstation",
            "created_at",
        ]
        read_only_fields = fields


class TestResultCreateSerializer(StrictSerializer):
    __test__ = False

    device = serializers.SlugRelatedField(slug_field="asset_tag", queryset=Device.objects.all())
    item = serializers.SlugField(help_text="Code of a checklist item of the device's category.")
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=500, allow_blank=True, default="")

    def validate(self, attrs):
        item = ChecklistItem.objects.filter(
            category_id=attrs["device"].category_id, code=attrs["item"]
        ).first()
        if item is None:
            raise serializers.ValidationError(
                {"item": [_("No check with this code in the device's checklist.")]},
                code="does_not_exist",
            )
        attrs["item"] = item
        return attrs
