from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from dispatch.common import auth_api, views
from dispatch.common.api import IdRouter
from dispatch.customers.api import ContactViewSet, CustomerViewSet, PremisesViewSet
from dispatch.meters.api import MeterReadingViewSet, MeterViewSet
from dispatch.org.api import AreaViewSet, ServiceOfficeViewSet, SkillViewSet, StaffViewSet
from dispatch.servicedesk.api import ServiceRequestViewSet
from dispatch.workorders.api import NotificationViewSet, WorkOrderKindList, WorkOrderViewSet
from dispatch.workorders.planning.api import RoutePlanViewSet

# The admin keeps its own login view (it handles signed-in non-staff users) but with the throttled form.
admin.site.login_form = views.ThrottledAdminAuthenticationForm

router = IdRouter()
router.register("offices", ServiceOfficeViewSet, basename="office")
router.register("areas", AreaViewSet, basename="area")
router.register("staff", StaffViewSet, basename="staff")
router.register("skills", SkillViewSet, basename="skill")
router.register("customers", CustomerViewSet, basename="customer")
router.register("premises", PremisesViewSet, basename="premises")
router.register("contacts", ContactViewSet, basename="contact")
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("workorders", WorkOrderViewSet, basename="workorder")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("meters", MeterViewSet, basename="meter")
router.register("meter-readings", MeterReadingViewSet, basename="meter-reading")
router.register("plans", RoutePlanViewSet, basename="plan")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("board/", include("dispatch.workorders.board_urls")),
    path("hse/", include("dispatch.hse.urls")),
    path("safety/", include("dispatch.safety.urls")),
    path("desk/", include("dispatch.servicedesk.urls")),
    path("reports/", include("dispatch.reports.urls")),
    path("verify/", include("dispatch.meters.lab.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/auth/token/", auth_api.TokenLoginView.as_view(), name="api-token-login"),
    path("api/auth/logout/", auth_api.TokenLogoutView.as_view(), name="api-token-logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/workorder-kinds/", WorkOrderKindList.as_view(), name="workorder-kinds"),
    path("api/ping/", include("dispatch.common.ping")),
    path("api/hse/", include("dispatch.hse.api_urls")),
    path("api/arrears/", include("dispatch.arrears.urls")),
    path("api/lab/", include("dispatch.meters.lab.api_urls")),
    path("api/desk/", include("dispatch.servicedesk.api_urls")),
    path("api/", include(router.urls)),
    path("m/api/v1/", include("mobile_api.urls")),
    path("m/", include("mobile_api.web_urls")),
]
