"""Routes of the manager reports (namespace ``reports``)."""

from django.urls import path

from reports import views, views_donors

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
    path("donors/<int:pk>/send-link/", views_donors.donor_send_link, name="donor_send_link"),
    path(
        "collections/<int:pk>/certificates/",
        views_donors.collection_certificates,
        name="collection_certificates",
    ),
    path("reports/donors/", views_donors.donor_reports, name="donor_reports"),
    path(
        "reports/donors/<int:pk>.<str:fmt>",
        views_donors.donor_report_download,
        name="donor_report_download",
    ),
    # The donor's own page, by signed link (no account).
    path("my-donations/", views_donors.donor_link_request, name="donor_link"),
    path("my-donations/<str:token>/", views_donors.donor_own_page, name="donor_page"),
    path(
        "my-donations/<str:token>/certificates/<str:tag>.pdf",
        views_donors.donor_device_certificate,
        name="donor_device_certificate",
    ),
    path(
        "my-donations/<str:token>/collections/<str:tag>.pdf",
        views_donors.donor_collection_certificate,
        name="donor_collection_certificate",
    ),
]
