"""Query-string filters of the shop lists (django-filter); a bad enum value answers 400."""

from __future__ import annotations

import django_filters

from shop.models import Buyer, CreditNote, Kit, PaymentMethod, PriceRule, Reservation, Sale
from workshop.api.base import UtcDateTimeRangeFilter
from workshop.api.filters import IdFilter


class BuyerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Buyer.Kind.choices)
    tier = django_filters.ChoiceFilter(choices=Buyer.Tier.choices)
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")

    class Meta:
        model = Buyer
        fields = []


class PriceRuleFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code", help_text="Category code.")
    grade = django_filters.CharFilter(field_name="grade__code", help_text="Grade code.")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = PriceRule
        fields = []


class KitFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Kit.Status.choices)
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")

    class Meta:
        model = Kit
        fields = []


class ReservationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Reservation.Status.choices)
    buyer = IdFilter(field_name="buyer_id", help_text="Buyer id.")
    device = django_filters.CharFilter(field_name="device__asset_tag", help_text="Asset tag.")

    class Meta:
        model = Reservation
        fields = []


class SaleFilter(django_filters.FilterSet):
    buyer = IdFilter(field_name="buyer_id", help_text="Buyer id.")
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")
    payment_method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    tier = django_filters.ChoiceFilter(choices=Buyer.Tier.choices)
    number = django_filters.CharFilter(help_text="Invoice number.")
    completed = UtcDateTimeRangeFilter(
        field_name="completed_at", help_text="completed_after / completed_before (ISO 8601)."
    )

    class Meta:
        model = Sale
        fields = []


class CreditNoteFilter(django_filters.FilterSet):
    sale = IdFilter(field_name="sale_id", help_text="Sale id.")
    site = django_filters.CharFilter(field_name="site__code", help_text="Site code.")
    created = UtcDateTimeRangeFilter(
        field_name="created_at", help_text="created_after / created_before (ISO 8601)."
    )

    class Meta:
        model = CreditNote
        fields = []
