"""The HSE API, mounted at /api/hse/ by dispatch/urls.py."""

from dispatch.common.api import IdSimpleRouter as SimpleRouter

from .api import (
    HazardRegisterViewSet,
    HazardViewSet,
    HseNotificationViewSet,
    IncidentViewSet,
    InspectionChecklistViewSet,
    MyActionViewSet,
    NonconformityViewSet,
    TrainingRecordViewSet,
)

router = SimpleRouter()
router.register("registers", HazardRegisterViewSet, basename="hse-register")
router.register("hazards", HazardViewSet, basename="hse-hazard")
router.register("nonconformities", NonconformityViewSet, basename="hse-nonconformity")
router.register("incidents", IncidentViewSet, basename="hse-incident")
router.register("checklists", InspectionChecklistViewSet, basename="hse-checklist")
router.register("training", TrainingRecordViewSet, basename="hse-training")
router.register("my-actions", MyActionViewSet, basename="hse-my-action")
router.register("notifications", HseNotificationViewSet, basename="hse-notification")

urlpatterns = router.urls
