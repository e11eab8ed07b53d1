"""Routes of the manager reports (namespace ``reports``)."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_index, name="index"),
    path("reports/audit/", views.audit_archive_screen, name="audit"),
    path("reports/audit.zip", views.audit_archive_download, name="audit_zip"),
    path("reports/audit/prepare/", views.audit_archive_prepare, name="audit_prepare"),
    path("reports/export/", views.report_export, name="export"),
    path("reports/workers/", views.report_workers, name="workers"),
    path("reports/repairs-ords.csv", views.report_ords, name="ords"),
    path("reports/<slug:name>.csv", views.report_csv, name="csv"),
    path("devices/<str:asset_tag>/history/", views.device_history, name="device_history"),
    path("donors/", views.donor_list, name="donors"),
    path("donors/<int:pk>/", views.donor_outcomes, name="donor"),
    path("donors/<int:pk>/outcomes/", views.donor_outcomes, name="donor_outcomes"),
]
