"""Query-string filters of the inventory lists (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Subquery
from drf_spectacular.utils import extend_schema_field

from inventory.models import Collection, Donor, Location
from refurb.models import Device, Drive
from refurb.states import State
from workshop.api.base import UtcDateTimeRangeFilter
from workshop.api.filters import IdFilter


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class DeviceFilter(django_filters.FilterSet):
    # distinct=False: state is a column of the device itself, so no join can repeat a row, and
    # SELECT DISTINCT would make PostgreSQL dedupe every match before it takes one page.
    state = django_filters.MultipleChoiceFilter(
        choices=State.choices, distinct=False, help_text="Repeatable."
    )
    category = django_filters.CharFilter(
        field_name="category_id", method="filter_code", help_text="Category code."
    )
    grade = django_filters.CharFilter(field_name="grade__code", help_text="Grade code (A, B, C).")
    site = django_filters.CharFilter(
        field_name="site_id", method="filter_code", help_text="Site code."
    )
    location = django_filters.CharFilter(field_name="location__tag", help_text="Location tag.")
    collection = django_filters.CharFilter(
        field_name="collection__tag", help_text="Collection tag."
    )
    donor = IdFilter(field_name="collection__donor_id", help_text="Donor id.")
    make = django_filters.CharFilter(lookup_expr="icontains", help_text="Make contains.")
    model = django_filters.CharFilter(lookup_expr="icontains", help_text="Model contains.")
    received = UtcDateTimeRangeFilter(
        field_name="received_at", help_text="received_after / received_before (ISO 8601)."
    )
    updated = UtcDateTimeRangeFilter(
        field_name="updated_at", help_text="updated_after / updated_before (ISO 8601)."
    )
    unerased_drives = django_filters.BooleanFilter(
        method="filter_unerased_drives",
        help_text="true: devices with a drive neither erased nor destroyed; false: without.",
    )

    class Meta:
        model = Device
        fields = []

    def filter_code(self, queryset, name, value):
        """Filter ``site_id``/``category_id`` on the id of the code, looked up in a subquery.

        Comparing the foreign key to a scalar subquery (not ``site__code`` through the join)
        lets PostgreSQL walk the ``device_list_filter`` index backwards and stop after one page
        instead of reading and sorting every match (docs/performance.md).
        """
        related = Device._meta.get_field(name.removesuffix("_id")).related_model
        code = Subquery(related.objects.filter(code=value).order_by().values("pk")[:1])
        return queryset.filter(**{name: code})

    def filter_unerased_drives(self, queryset, name, value):
        unsafe = Drive.objects.filter(device=OuterRef("pk")).exclude(status__in=Drive.SAFE_STATUSES)
        return queryset.filter(Exists(unsafe)) if value else queryset.exclude(Exists(unsafe))


class LocationFilter(django_filters.FilterSet):
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")

    class Meta:
        model = Location
        fields = ["kind", "is_active"]


class DonorFilter(django_filters.FilterSet):
    class Meta:
        model = Donor
        fields = ["kind"]


class CollectionFilter(django_filters.FilterSet):
    donor = IdFilter(field_name="donor_id", help_text="Donor id.")
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")
    received_on = django_filters.DateFromToRangeFilter(
        help_text="received_on_after / received_on_before (dates)."
    )

    class Meta:
        model = Collection
        fields = ["donor"]
