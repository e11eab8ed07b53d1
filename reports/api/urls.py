"""Report, certificate and donor-outcome routes under /api/."""

from django.urls import path

from reports.api import views

urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<slug:name>/", views.ReportView.as_view(), name="report"),
    path("certificates/", views.CertificateIssueView.as_view(), name="certificates"),
    path(
        "certificates/<str:code>/pdf/",
        views.CertificatePdfView.as_view(),
        name="certificate-pdf",
    ),
    path("verify/<str:code>/", views.VerifyView.as_view(), name="verify"),
    path("donors/<int:id>/outcomes/", views.DonorOutcomesView.as_view(), name="donor-outcomes"),
]
