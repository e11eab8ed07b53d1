"""Admin for printers (configured by managers) and print jobs (read-only history)."""

from django.contrib import admin

from labels.models import Printer, PrintJob
from workshop.admin import SiteScopedAdminMixin


@admin.register(Printer)
class PrinterAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "site", "kind", "default_stock", "host", "port", "queue", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["name", "host", "queue"]


@admin.register(PrintJob)
class PrintJobAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    site_lookup = "printer__site"

    list_display = [
        "id",
        "created_at",
        "template",
        "label_count",
        "printer",
        "status",
        "error_code",
        "actor",
    ]
    list_filter = ["status", "template", "printer"]
    list_select_related = ["printer", "actor"]
    search_fields = ["codes"]
    readonly_fields = [field.name for field in PrintJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
