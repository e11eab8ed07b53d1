"""Serializers of the shop API: what each shop row answers, and the strict write bodies."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from refurb.models import Category, Device, Grade
from shop.models import (
    Buyer,
    CreditNote,
    CreditNoteLine,
    Kit,
    PaymentMethod,
    PriceRule,
    Reservation,
    Sale,
    SaleLine,
    SpecTier,
)
from workshop import tags
from workshop.api.base import StrictSerializer
from workshop.api.fields import AtelierDateTimeField
from workshop.models import Site

MONEY = {"max_digits": 12, "decimal_places": 2}


class BuyerSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    eligible_until = serializers.DateField(read_only=True, allow_null=True)
    proof_kind = serializers.ChoiceField(choices=Buyer.Proof.choices, allow_blank=True)
    email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")

    class Meta:
        model = Buyer
        fields = [
            "id",
            "kind",
            "name",
            "rna",
            "siren",
            "siret",
            "proof_kind",
            "address",
            "email",
            "tier",
            "tier_reason",
            "checked_at",
            "eligible_until",
            "site",
            "created_at",
        ]
        read_only_fields = fields


class BuyerCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Buyer.Kind.choices)
    name = serializers.CharField(max_length=160)
    rna = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    siren = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    siret = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    proof_kind = serializers.ChoiceField(
        choices=Buyer.Proof.choices, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    site = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Site.objects.all(),
        required=False,
        help_text="Site code; default: the workstation's or the person's site.",
    )


class BuyerRecheckSerializer(StrictSerializer):
    proof_kind = serializers.ChoiceField(
        choices=Buyer.Proof.choices,
        required=False,
        allow_blank=True,
        help_text="The kind of proof seen again (individuals only).",
    )


class EligibilitySerializer(serializers.Serializer):
    """The tier a buyer buys at today, at their site (``shop.selectors.buyer_tier``)."""

    buyer = serializers.IntegerField()
    tier = serializers.ChoiceField(choices=Buyer.Tier.choices)
    expired = serializers.BooleanField()
    reason = serializers.CharField()
    eligible_until = serializers.DateField(allow_null=True)
    refused = serializers.CharField(
        allow_null=True, help_text="Why a sale is refused today (``eligibility_expired``), or null."
    )


class PriceRuleSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    grade = serializers.SlugRelatedField(slug_field="code", read_only=True)
    spec_tier = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    solidarity_price = serializers.DecimalField(**MONEY, read_only=True)
    standard_price = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = PriceRule
        fields = [
            "id",
            "category",
            "grade",
            "spec_tier",
            "solidarity_price",
            "standard_price",
            "free_of_charge",
            "is_active",
        ]
        read_only_fields = fields


class PriceRuleWriteSerializer(StrictSerializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    grade = serializers.SlugRelatedField(slug_field="code", queryset=Grade.objects.all())
    spec_tier = serializers.SlugRelatedField(
        slug_field="name",
        queryset=SpecTier.objects.all(),
        required=False,
        allow_null=True,
        help_text="Spec tier name; null or absent: the fallback row of any specs.",
    )
    solidarity_price = serializers.DecimalField(**MONEY, min_value=0)
    standard_price = serializers.DecimalField(**MONEY, min_value=0)
    free_of_charge = serializers.BooleanField(required=False, default=False)
    is_active = serializers.BooleanField(required=False, default=True)


class KitSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    devices = serializers.SerializerMethodField()
    solidarity_price = serializers.DecimalField(**MONEY, read_only=True)
    standard_price = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Kit
        fields = [
            "tag",
            "site",
            "name",
            "status",
            "solidarity_price",
            "standard_price",
            "devices",
            "created_at",
        ]
        read_only_fields = fields

    def get_devices(self, kit) -> list[str]:
        return [item.device.asset_tag for item in kit.items.all() if item.active]


class KitCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    devices = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=50
    )
    solidarity_price = serializers.DecimalField(
        **MONEY, min_value=0, required=False, allow_null=True
    )
    standard_price = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), required=False
    )


class ReservationSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    buyer = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "device", "buyer", "status", "expires_at", "created_at"]
        read_only_fields = fields


class ReservationCreateSerializer(StrictSerializer):
    device = serializers.CharField(max_length=40, help_text="Asset tag of a device on sale.")
    buyer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    expires_at = AtelierDateTimeField(required=False)


class SaleLineSerializer(serializers.ModelSerializer):
    kit = serializers.SlugRelatedField(slug_field="tag", read_only=True, allow_null=True)
    price = serializers.DecimalField(**MONEY, read_only=True)
    vat = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = SaleLine
        fields = [
            "position",
            "asset_tag",
            "serial_number",
            "description",
            "category_code",
            "kit",
            "price",
            "vat",
            "returned",
        ]
        read_only_fields = fields


class SaleSerializer(serializers.ModelSerializer):
    """A sale and its invoice, as printed (the snapshots never change)."""

    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    buyer = serializers.PrimaryKeyRelatedField(read_only=True)
    buyer_name = serializers.SerializerMethodField()
    total = serializers.DecimalField(**MONEY, read_only=True)
    vat_total = serializers.DecimalField(**MONEY, read_only=True)
    lines = SaleLineSerializer(many=True, read_only=True)
    credit_notes = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True, help_text="Numbers of its credit notes."
    )

    class Meta:
        model = Sale
        fields = [
            "id",
            "number",
            "site",
            "buyer",
            "buyer_name",
            "tier",
            "payment_method",
            "vat_regime",
            "total",
            "vat_total",
            "warranty_until",
            "completed_at",
            "lines",
            "credit_notes",
        ]
        read_only_fields = fields

    def get_buyer_name(self, sale) -> str:
        return str((sale.buyer_snapshot or {}).get("name", ""))


class SaleCompletedSerializer(SaleSerializer):
    change_due = serializers.SerializerMethodField()

    class Meta(SaleSerializer.Meta):
        fields = [*SaleSerializer.Meta.fields, "change_due"]
        read_only_fields = fields

    def get_change_due(self, sale) -> str | None:
        change = getattr(sale, "change_due", None)
        return None if change is None else f"{change:.2f}"


class SaleCreateSerializer(StrictSerializer):
    buyer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    items = serializers.ListField(
        child=serializers.CharField(max_length=40),
        min_length=1,
        max_length=200,
        help_text="Asset tags of devices and tags of kits.",
    )
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    cash_given = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), required=False
    )


class CreditNoteLineSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(read_only=True, help_text="A device's or a part's tag.")
    amount = serializers.DecimalField(**MONEY, read_only=True)
    vat = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = CreditNoteLine
        fields = ["asset_tag", "amount", "vat"]
        read_only_fields = fields


class CreditNoteSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sale = serializers.PrimaryKeyRelatedField(read_only=True)
    invoice = serializers.CharField(source="sale.number", read_only=True)
    total = serializers.DecimalField(**MONEY, read_only=True)
    vat_total = serializers.DecimalField(**MONEY, read_only=True)
    lines = CreditNoteLineSerializer(many=True, read_only=True)

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "site",
            "sale",
            "invoice",
            "reason",
            "total",
            "vat_total",
            "created_at",
            "lines",
        ]
        read_only_fields = fields


class ReturnCreateSerializer(StrictSerializer):
    devices = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=200,
        help_text="Asset tags of the invoice's devices taken back.",
    )
    parts = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=200,
        help_text="P tags of the invoice's parts taken back.",
    )

    def validate(self, attrs):
        if not attrs.get("devices") and not attrs.get("parts"):
            raise serializers.ValidationError(
                {"devices": [_("Name at least one device or part to take back.")]}
            )
        return attrs

    reason = serializers.CharField(max_length=200)


def device_by_tag(code: str) -> Device | None:
    return Device.objects.filter(asset_tag=tags.normalize(code)).first()
