"""Query-string filters of the bench-record and event lists (django-filter)."""

from __future__ import annotations

import django_filters

from refurb.models import Destruction, DeviceEvent, Drive, Erasure, TestResult
from workshop.api.base import UtcDateTimeRangeFilter
from workshop.api.filters import IdFilter


class DriveFilter(django_filters.FilterSet):
    device = django_filters.CharFilter(field_name="device__asset_tag", help_text="Asset tag.")

    class Meta:
        model = Drive
        fields = ["status", "kind", "failing"]


class ErasureFilter(django_filters.FilterSet):
    drive = django_filters.CharFilter(field_name="drive__tag", help_text="Drive tag.")
    device = django_filters.CharFilter(
        field_name="drive__device__asset_tag", help_text="Asset tag."
    )

    class Meta:
        model = Erasure
        fields = ["method", "result", "verified"]


class DestructionFilter(django_filters.FilterSet):
    drive = django_filters.CharFilter(field_name="drive__tag", help_text="Drive tag.")
    device = django_filters.CharFilter(
        field_name="drive__device__asset_tag", help_text="Asset tag."
    )

    class Meta:
        model = Destruction
        fields = ["method"]


class TestResultFilter(django_filters.FilterSet):
    __test__ = False

    device = django_filters.CharFilter(field_name="device__asset_tag", help_text="Asset tag.")
    item = django_filters.CharFilter(field_name="item__code", help_text="Checklist item code.")

    class Meta:
        model = TestResult
        fields = ["passed"]


class EventFilter(django_filters.FilterSet):
    device = django_filters.CharFilter(field_name="device__asset_tag", help_text="Asset tag.")
    actor = django_filters.CharFilter(field_name="actor__username", help_text="Username.")
    created = UtcDateTimeRangeFilter(
        field_name="created_at", help_text="created_after / created_before (ISO 8601)."
    )
    # A workstation id that matches no workstation lists nothing (a 400 before: schemathesis).
    workstation = IdFilter(field_name="workstation_id", help_text="Workstation id.")

    class Meta:
        model = DeviceEvent
        fields = ["code", "workstation", "to_state"]
