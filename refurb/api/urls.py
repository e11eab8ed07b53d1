"""Bench-record and event routes under /api/."""

from rest_framework.routers import SimpleRouter

from refurb.api import software, views

router = SimpleRouter()
router.register("drives", views.DriveViewSet, basename="drive")
router.register("erasures", views.ErasureViewSet, basename="erasure")
router.register("destructions", views.DestructionViewSet, basename="destruction")
router.register("test-results", views.TestResultViewSet, basename="testresult")
router.register("events", views.EventViewSet, basename="event")
router.register("installations", software.InstallationViewSet, basename="installation")
router.register("system-images", software.SystemImageViewSet, basename="systemimage")

urlpatterns = router.urls
