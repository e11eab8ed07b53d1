"""Admin screens of the manager audit: CO2e factors are edited here; stocktakes and shipment
lines are written by services and only shown."""

from django.contrib import admin

from inventory.models import (
    Co2Factor,
    RecyclingShipmentLine,
    Stocktake,
    StocktakeLine,
    StocktakeScan,
)
from workshop.admin import ReadOnlyAdmin, SiteScopedAdminMixin


@admin.register(Co2Factor)
class Co2FactorAdmin(admin.ModelAdmin):
    list_display = ["category", "kg_co2e_per_unit", "source"]
    list_select_related = ["category"]


@admin.register(Stocktake)
class StocktakeAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["id", "site", "status", "opened_at", "closed_at"]
    list_filter = ["site", "status"]


@admin.register(StocktakeScan)
class StocktakeScanAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "stocktake__site"
    list_display = ["stocktake", "code", "device", "location", "scanned_by", "scanned_at"]
    search_fields = ["code", "device__asset_tag"]
    list_select_related = ["stocktake", "device", "location", "scanned_by"]


@admin.register(StocktakeLine)
class StocktakeLineAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "stocktake__site"
    list_display = ["stocktake", "code", "kind", "device", "resolution", "resolved_at"]
    list_filter = ["kind", "resolution"]
    search_fields = ["code", "device__asset_tag"]
    list_select_related = ["stocktake", "device"]


@admin.register(RecyclingShipmentLine)
class RecyclingShipmentLineAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "shipment__site"
    list_display = ["shipment", "device", "description", "weight_kg", "added_at"]
    search_fields = ["device__asset_tag", "description"]
    list_select_related = ["shipment", "device"]
