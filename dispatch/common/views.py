from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .audit import record_event
from .errors import DispatchError
from .health import health_report
from .roles import roles_of
from .throttling import check_login_allowed, clear_login_failures, client_ip, note_login_failure


@never_cache
def healthz(request):
    ok, checks = health_report()
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that locks a username out from one address after repeated failures, and audits every attempt."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_ip(self.request)
        try:
            check_login_allowed(username, address)
        except DispatchError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        try:
            cleaned = super().clean()
        except ValidationError:
            note_login_failure(username, address)
            record_event(actor=None, action="login_failed", reason=f"{username} from {address}")
            raise
        clear_login_failures(username, address)
        record_event(actor=self.get_user(), action="login", reason=address)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in (staff only), throttled and audited like the site's."""


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    roles = roles_of(request.user)
    if not roles:
        messages.warning(request, _("Your account has no role yet. Ask an administrator to give you one."))
    return render(request, "home.html", {"roles": sorted(roles)})
