"""Admin screens of the shop: the data a manager edits (legal identity, price grid, spec
tiers, quotas, carbon factors) and read-only views of buyers, kits, sales and credit notes,
which are written by the services only."""

from django.contrib import admin

from shop.models import (
    Buyer,
    BuyerAccount,
    CreditNote,
    CreditNoteLine,
    DevicePrice,
    DocumentCounter,
    Kit,
    KitItem,
    Order,
    OrderEvent,
    OrderLine,
    PartSaleLine,
    PriceRule,
    QuotaRule,
    Reservation,
    Sale,
    SaleLine,
    SiteLegal,
    SpecTier,
)
from workshop.admin import ReadOnlyAdmin, SiteScopedAdminMixin


@admin.register(SiteLegal)
class SiteLegalAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    site_lookup = "site"
    list_display = ["site", "legal_name", "siret", "vat_regime", "warranty_months"]


@admin.register(SpecTier)
class SpecTierAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "min_cpu_generation", "min_ram_gb", "min_storage_gb"]


@admin.register(PriceRule)
class PriceRuleAdmin(admin.ModelAdmin):
    list_display = [
        "category",
        "grade",
        "spec_tier",
        "solidarity_price",
        "standard_price",
        "free_of_charge",
        "is_active",
    ]
    list_filter = ["category", "grade", "spec_tier", "is_active"]
    list_editable = ["solidarity_price", "standard_price", "free_of_charge", "is_active"]


@admin.register(QuotaRule)
class QuotaRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "buyer_kind", "max_devices", "period_months", "is_active"]
    filter_horizontal = ["categories"]


@admin.register(Buyer)
class BuyerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "site", "tier", "eligible_until", "checked_at"]
    list_filter = ["kind", "tier", "site"]
    search_fields = ["name", "rna", "siren", "siret"]

    def get_queryset(self, request):
        from shop.selectors import buyers_visible_to

        return buyers_visible_to(request.user)


@admin.register(Kit)
class KitAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "site"
    list_display = ["tag", "name", "status", "solidarity_price", "standard_price"]
    search_fields = ["tag", "name"]


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdmin):
    list_display = ["number", "buyer", "tier", "payment_method", "total", "completed_at"]
    search_fields = ["number", "buyer__name"]
    date_hierarchy = "completed_at"

    def get_queryset(self, request):
        from shop.selectors import sales_visible_to

        return sales_visible_to(request.user).select_related("buyer")


@admin.register(CreditNote)
class CreditNoteAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "sale__site"
    list_display = ["number", "sale", "total", "created_at"]
    search_fields = ["number", "sale__number"]


@admin.register(DevicePrice)
class DevicePriceAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = ["device", "solidarity_price", "standard_price", "free_of_charge"]
    search_fields = ["device__asset_tag"]
    list_select_related = ["device"]


@admin.register(KitItem)
class KitItemAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "kit__site"
    list_display = ["kit", "device"]
    search_fields = ["kit__tag", "device__asset_tag"]
    list_select_related = ["kit", "device"]


@admin.register(Reservation)
class ReservationAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = ["device", "buyer", "expires_at", "status"]
    search_fields = ["device__asset_tag", "buyer__name"]
    list_select_related = ["device", "buyer"]


@admin.register(DocumentCounter)
class DocumentCounterAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "site"
    list_display = ["site", "kind", "year", "last_number"]


@admin.register(SaleLine)
class SaleLineAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "sale__site"
    list_display = ["sale", "asset_tag", "description", "price", "returned"]
    search_fields = ["asset_tag", "sale__number"]
    list_select_related = ["sale"]


@admin.register(CreditNoteLine)
class CreditNoteLineAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "credit_note__sale__site"
    list_display = ["credit_note", "sale_line", "part_line", "amount"]
    list_select_related = ["credit_note", "sale_line", "part_line"]


@admin.register(PartSaleLine)
class PartSaleLineAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "sale__site"
    list_display = ["sale", "tag", "description", "origin_tag", "price"]
    search_fields = ["tag", "origin_tag", "sale__number"]
    list_select_related = ["sale"]


@admin.register(BuyerAccount)
class BuyerAccountAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Association accounts: reviewed on the shop staff's screens (``account_review``)."""

    site_lookup = "site"
    list_display = ["legal_name", "kind", "site", "status", "email", "created_at"]
    list_filter = ["status", "kind", "site"]
    search_fields = ["legal_name", "email", "rna", "siren", "siret"]
    list_select_related = ["site"]


@admin.register(Order)
class OrderAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Online orders: written by ``shop.services.orders`` only."""

    site_lookup = "site"
    list_display = ["number", "site", "account", "status", "fulfilment", "placed_at"]
    list_filter = ["status", "fulfilment", "site"]
    search_fields = ["number", "account__legal_name"]
    list_select_related = ["site", "account"]


@admin.register(OrderEvent)
class OrderEventAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "order__site"
    list_display = ["order", "code", "status", "actor", "created_at"]
    list_select_related = ["order", "actor"]


@admin.register(OrderLine)
class OrderLineAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "order__site"
    list_display = ["order", "device", "kit", "picked_at"]
    list_select_related = ["order", "device", "kit"]


# The public catalogue's derived rows (shop.services.catalogue keeps them in step), shown.
from shop.models import CatalogueOffer, CatalogueUnit  # noqa: E402


@admin.register(CatalogueOffer)
class CatalogueOfferAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["pk", "kind", "make", "model", "grade", "site", "units"]
    list_filter = ["site", "kind"]
    search_fields = ["make", "model"]


@admin.register(CatalogueUnit)
class CatalogueUnitAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "offer__site"
    list_display = ["device", "offer", "solidarity_price"]
    list_select_related = ["device", "offer"]
