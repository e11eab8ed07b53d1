"""Report rollups in the admin: derived from the event log by refresh_report_rollups, shown only."""

from django.contrib import admin

from reports.models import BenchWeek, DonorReport, RollupState, WorkerWeek
from workshop.admin import ReadOnlyAdmin, SiteScopedAdminMixin
from workshop.selectors import user_site_ids


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    list_display = ["key", "complete_before", "last_event_id", "refreshed_at"]


@admin.register(BenchWeek)
class BenchWeekAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["week", "site", "workstation", "transitions", "devices"]
    list_filter = ["site"]
    list_select_related = ["site", "workstation"]


@admin.register(WorkerWeek)
class WorkerWeekAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    list_display = [
        "week",
        "site",
        "actor",
        "events",
        "transitions",
        "erasures",
        "tests",
        "devices",
    ]
    list_filter = ["site"]
    list_select_related = ["site", "actor"]


@admin.register(DonorReport)
class DonorReportAdmin(ReadOnlyAdmin):
    """Yearly donor reports (reports.tasks): a site's manager sees the donors of their site's
    collections only."""

    list_display = ["donor", "year", "devices", "certificates", "issued_at"]
    list_filter = ["year"]

    def get_queryset(self, request):
        site_ids = user_site_ids(request.user)
        queryset = super().get_queryset(request)
        if site_ids is None:
            return queryset
        return queryset.filter(donor__collections__site__in=site_ids).distinct()
