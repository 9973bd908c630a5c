"""The HSE API, mounted at /api/hse/ by dispatch/urls.py."""

from rest_framework.routers import SimpleRouter

from .api import HazardRegisterViewSet, HazardViewSet, HseNotificationViewSet, NonconformityViewSet

router = SimpleRouter()
router.register("registers", HazardRegisterViewSet, basename="hse-register")
router.register("hazards", HazardViewSet, basename="hse-hazard")
router.register("nonconformities", NonconformityViewSet, basename="hse-nonconformity")
router.register("notifications", HseNotificationViewSet, basename="hse-notification")

urlpatterns = router.urls
