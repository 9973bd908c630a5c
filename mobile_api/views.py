"""The technician's mobile web view: an installable app shell that works offline against the API v1.

The shell, the manifest and the service worker are the same for every technician (no personal data), so the
service worker can keep them on the phone; the jobs come from /m/api/v1/ with the technician's token.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dispatch.customers.models import GasType
from dispatch.workorders.models import Priority, Status, UnableReason

# The files of the app shell, cached by the service worker (paths under STATIC_ROOT / the static finders).
SHELL_ASSETS = ("mobile/app.css", "mobile/store.js", "mobile/app.js", "mobile/icons/icon-192.png",
                "mobile/icons/icon-512.png", "mobile/icons/icon-maskable-512.png", "mobile/icons/apple-touch-icon.png")
ICONS = (("mobile/icons/icon-192.png", "192x192", "any"), ("mobile/icons/icon-512.png", "512x512", "any"),
         ("mobile/icons/icon-maskable-512.png", "512x512", "maskable"))
THEME_COLOR = "#0b3d91"
NO_CACHE = "no-cache"


@lru_cache(maxsize=1)
def _assets_digest() -> str:
    """A short hash of the shell's files: a new release gives a new service-worker cache."""
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    digest.update(json.dumps([code for code, _name in settings.LANGUAGES]).encode())
    return digest.hexdigest()[:12]


def shell_version() -> str:
    # In DEBUG the files change while the server runs: no memo then.
    if settings.DEBUG:
        _assets_digest.cache_clear()
    return _assets_digest()


@require_GET
def app(request: HttpRequest) -> HttpResponse:
    """The app shell; `?lang=en` or `?lang=zh-hans` keeps the technician's language choice in Django's cookie."""
    choice = request.GET.get("lang")
    if choice is not None:
        response = HttpResponseRedirect(reverse("mobile_web:app"))
        if choice in dict(settings.LANGUAGES):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, choice, max_age=settings.LANGUAGE_COOKIE_AGE,
                                path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax")
        return response
    config = {
        "api": reverse("mobile_api:login").removesuffix("auth/login/"),
        "app": reverse("mobile_web:app"),
        "sw": reverse("mobile_web:sw"),
        "scope": reverse("mobile_web:app"),
        "language": get_language(),
        "time_zone": settings.TIME_ZONE,
        "version": shell_version(),
    }
    labels = {
        "status": {value: str(label) for value, label in Status.choices},
        "priority": {value: str(label) for value, label in Priority.choices},
        "unable_reasons": [[value, str(label)] for value, label in UnableReason.choices],
        "gas_type": {value: str(label) for value, label in GasType.choices},
    }
    response = render(request, "mobile_api/app.html", {
        "config": config, "labels": labels, "languages": settings.LANGUAGES, "theme_color": THEME_COLOR})
    response["Cache-Control"] = NO_CACHE
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: name, start page, scope and icons, so the phone can install the app."""
    app_url = reverse("mobile_web:app")
    body = {
        "name": _("Field jobs — gas service"),
        "short_name": _("Field jobs"),
        "description": _("Today's jobs for gas service technicians, also without a network."),
        "lang": get_language(),
        "id": app_url,
        "start_url": app_url,
        "scope": app_url,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for path, sizes, purpose in ICONS],
    }
    response = JsonResponse(body, content_type="application/manifest+json",
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = NO_CACHE
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /m/ so it may control the app; it caches the shell for offline use."""
    app_url = reverse("mobile_web:app")
    assets = [static(name) for name in SHELL_ASSETS]
    context = {
        "version": shell_version(),
        "shell_url": app_url,
        "precache_json": json.dumps([app_url, reverse("mobile_web:manifest"), *assets]),
        "assets_json": json.dumps([*assets, reverse("mobile_web:manifest")]),
    }
    response = render(request, "mobile_api/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = app_url
    response["Cache-Control"] = NO_CACHE
    return response
