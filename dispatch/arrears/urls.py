from django.urls import include, path

from dispatch.common.api import IdRouter as DefaultRouter

from . import api

router = DefaultRouter()
router.register("accounts", api.AccountViewSet, basename="arrears-account")
router.register("policies", api.PolicyViewSet, basename="dunning-policy")
router.register("payment-plans", api.PaymentPlanViewSet, basename="payment-plan")
router.register("disputes", api.DisputeViewSet, basename="dispute")
router.register("promises", api.PromiseViewSet, basename="promise-to-pay")

urlpatterns = [
    path("ledger/bills/", api.BillImportView.as_view(), name="arrears-bill-import"),
    path("ledger/payments/", api.PaymentImportView.as_view(), name="arrears-payment-import"),
    path("reports/aging/", api.AgingReportView.as_view(), name="arrears-aging"),
    path("reports/collection-rate/", api.CollectionRateReportView.as_view(), name="arrears-collection-rate"),
    path("reports/monthly/", api.MonthlyReportView.as_view(), name="arrears-monthly-report"),
    path("run/", api.DunningRunView.as_view(), name="arrears-run"),
    path("", include(router.urls)),
]
