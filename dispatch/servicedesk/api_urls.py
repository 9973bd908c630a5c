from django.urls import include, path

from dispatch.common.api import IdSimpleRouter as SimpleRouter

from .api import CallbackViewSet, ComplaintViewSet, CustomerLookupView

router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="desk-complaint")
router.register("callbacks", CallbackViewSet, basename="desk-callback")

urlpatterns = [
    path("customer-search/", CustomerLookupView.as_view(), name="desk-customer-search"),
    path("", include(router.urls)),
]
