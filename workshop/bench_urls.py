"""URL names of the bench screens (namespace ``bench``)."""

from django.urls import path

from workshop.views import auth, benches, device, erasure, intake

app_name = "bench"

urlpatterns = [
    path("", auth.home, name="home"),
    path("signin/", auth.signin, name="signin"),
    path("signout/", auth.signout, name="signout"),
    path("workstation/", auth.workstation_choose, name="workstation"),
    path("scan/", device.scan, name="scan"),
    path("device/", device.lookup, name="lookup"),
    path("device/<str:tag>/", device.device_card, name="device"),
    path("device/<str:tag>/transition/", device.transition, name="transition"),
    path("intake/", intake.intake, name="intake"),
    path("intake/collection/", intake.collection_open, name="collection-open"),
    path("intake/collection/new/", intake.collection_create, name="collection-create"),
    path("intake/register/", intake.device_register, name="device-register"),
    path("intake/<str:tag>/", intake.intake_device, name="intake-device"),
    path("erasure/", erasure.erasure, name="erasure"),
    path("erasure/<str:tag>/", erasure.erasure_device, name="erasure-device"),
    path("erasure/<str:tag>/drives/", erasure.drive_add, name="drive-add"),
    path("erasure/<str:tag>/no-storage/", erasure.no_storage, name="no-storage"),
    path("drive/<str:drive_tag>/erasure/", erasure.drive_erasure, name="drive-erasure"),
    path("drive/<str:drive_tag>/destruction/", erasure.drive_destruction, name="drive-destruction"),
    path("test/", benches.test_bench, name="test"),
    path("test/<str:tag>/", benches.test_device, name="test-device"),
    path("test/<str:tag>/check/<int:item_id>/", benches.test_result, name="test-result"),
    path("grading/", benches.grading, name="grading"),
    path("grading/<str:tag>/", benches.grading_device, name="grading-device"),
    path("coach/", benches.coach, name="coach"),
]
