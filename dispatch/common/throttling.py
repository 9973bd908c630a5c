"""Sign-in throttling shared by the web login and the API token login."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import DispatchError


def _key(username: str, client_ip: str) -> str:
    return f"login-failures:{username.strip().lower()}:{client_ip}"


def check_login_allowed(username: str, client_ip: str) -> None:
    if cache.get(_key(username, client_ip), 0) >= settings.LOGIN_FAILURE_LIMIT:
        minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
        raise DispatchError(
            "login_locked",
            _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes},
            status_code=429,
        )


def note_login_failure(username: str, client_ip: str) -> None:
    key = _key(username, client_ip)
    if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def clear_login_failures(username: str, client_ip: str) -> None:
    cache.delete(_key(username, client_ip))


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"
