"""Routes of the bench process: snapshot and erasure API, certificates, public verification."""

from django.urls import path

from refurb.api import snapshots
from refurb.views import certificates as views
from refurb.views import evidence, photos, software

app_name = "refurb"
urlpatterns = [
    path("api/snapshots/", snapshots.SnapshotCreateView.as_view(), name="snapshot-create"),
    path(
        "api/snapshots/erasures/",
        snapshots.ErasureImportView.as_view(),
        name="erasure-import",
    ),
    path(
        "devices/<str:tag>/certificate.pdf",
        views.certificate_device,
        name="certificate-device",
    ),
    path(
        "collections/<str:tag>/certificate.pdf",
        views.certificate_collection,
        name="certificate-collection",
    ),
    path("devices/<str:tag>/evidence/", evidence.device_evidence, name="evidence"),
    path("devices/<str:tag>/evidence.pdf", evidence.device_evidence_pdf, name="evidence-pdf"),
    path("licences/", software.licences, name="licences"),
    path("photos/<int:pk>/<str:size>.jpg", photos.photo_file, name="photo"),
    path("verify/", views.verify_index, name="verify-index"),
    path("verify/<str:code>", views.verify, name="verify"),
]
