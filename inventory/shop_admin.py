"""Admin screens of the shop: the data a manager edits (legal identity, price grid, spec
tiers, quotas, carbon factors) and read-only views of buyers, kits, sales and credit notes,
which are written by the services only."""

from django.contrib import admin

from inventory.models import (
    Buyer,
    CarbonFactor,
    CreditNote,
    Kit,
    PriceRule,
    QuotaRule,
    Sale,
    SiteLegal,
    SpecTier,
)


@admin.register(SiteLegal)
class SiteLegalAdmin(admin.ModelAdmin):
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


@admin.register(CarbonFactor)
class CarbonFactorAdmin(admin.ModelAdmin):
    list_display = ["category", "kg_co2e", "source"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Buyer)
class BuyerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "tier", "eligible_until", "checked_at"]
    list_filter = ["kind", "tier"]
    search_fields = ["name", "rna", "siren", "siret"]


@admin.register(Kit)
class KitAdmin(ReadOnlyAdmin):
    list_display = ["tag", "name", "status", "solidarity_price", "standard_price"]
    search_fields = ["tag", "name"]


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdmin):
    list_display = ["number", "buyer", "tier", "payment_method", "total", "completed_at"]
    search_fields = ["number", "buyer__name"]
    date_hierarchy = "completed_at"


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "sale", "total", "created_at"]
    search_fields = ["number", "sale__number"]
