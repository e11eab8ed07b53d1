"""URL names of refurb's bench screens: the device card, erasure, test, grading and the coach
(namespace ``bench``, put together in ``workshop/urls.py``)."""

from django.urls import path

from refurb.views import benches, device, erasure, imports, photos, software

urlpatterns = [
    path("device/<str:tag>/", device.device_card, name="device"),
    path("device/<str:tag>/transition/", device.transition, name="transition"),
    path("erasure/", erasure.erasure, name="erasure"),
    path("erasure/<str:tag>/", erasure.erasure_device, name="erasure-device"),
    path("erasure/<str:tag>/drives/", erasure.drive_add, name="drive-add"),
    path("erasure/<str:tag>/no-storage/", erasure.no_storage, name="no-storage"),
    path("drive/<str:drive_tag>/erasure/", erasure.drive_erasure, name="drive-erasure"),
    path("drive/<str:drive_tag>/log/", erasure.drive_log_upload, name="drive-log"),
    path("drive/<str:drive_tag>/destruction/", erasure.drive_destruction, name="drive-destruction"),
    path("check/<int:pk>/", erasure.verification_check, name="verification-check"),
    path("test/", benches.test_bench, name="test"),
    path("test/<str:tag>/", benches.test_device, name="test-device"),
    path("test/<str:tag>/check/<int:item_id>/", benches.test_result, name="test-result"),
    path("test/<str:tag>/all-passed/", benches.test_all_passed, name="test-all-passed"),
    path("device/<str:tag>/system/", software.system_install, name="system-install"),
    path("grading/", benches.grading, name="grading"),
    path("grading/<str:tag>/", benches.grading_device, name="grading-device"),
    path("grading/<str:tag>/photos/", photos.photo_add, name="photo-add"),
    path("grading/<str:tag>/photos/<int:pk>/remove/", photos.photo_remove, name="photo-remove"),
    path("coach/", benches.coach, name="coach"),
    path("imports/", imports.report_imports, name="imports"),
    path("imports/<int:pk>/", imports.report_import, name="import"),
    path("coach/sign-off/<str:tag>/", benches.no_storage_sign_off, name="no-storage-sign-off"),
    path("coach/refuse/<str:tag>/", benches.no_storage_refuse, name="no-storage-refuse"),
]
