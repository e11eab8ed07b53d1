"""Report rollups in the admin: derived from the event log by refresh_report_rollups, shown only."""

from django.contrib import admin

from reports.models import BenchWeek, RollupState, WorkerWeek
from workshop.admin import ReadOnlyAdmin


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    list_display = ["key", "complete_before", "last_event_id", "refreshed_at"]


@admin.register(BenchWeek)
class BenchWeekAdmin(ReadOnlyAdmin):
    list_display = ["week", "site", "workstation", "transitions", "devices"]
    list_filter = ["site"]
    list_select_related = ["site", "workstation"]


@admin.register(WorkerWeek)
class WorkerWeekAdmin(ReadOnlyAdmin):
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
