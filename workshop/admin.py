from django.contrib import admin

from workshop.models import Site, TagSequence, Workstation


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Workstation)
class WorkstationAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "kind", "printer", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["name"]


@admin.register(TagSequence)
class TagSequenceAdmin(admin.ModelAdmin):
    list_display = ["site", "kind", "last_number"]
    list_filter = ["site"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
