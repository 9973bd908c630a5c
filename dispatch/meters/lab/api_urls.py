from dispatch.common.api import IdRouter as DefaultRouter

from . import api

router = DefaultRouter()
router.register("standards", api.StandardViewSet, basename="lab-standard")
router.register("profiles", api.ProfileViewSet, basename="lab-profile")
router.register("tests", api.TestViewSet, basename="lab-test")
router.register("batches", api.BatchViewSet, basename="lab-batch")
router.register("certificates", api.CertificateViewSet, basename="lab-certificate")
router.register("print-jobs", api.PrintJobViewSet, basename="lab-print-job")

urlpatterns = router.urls
