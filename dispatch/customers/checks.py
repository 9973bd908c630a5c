"""System checks: a geocoder named in settings must be one this code can talk to."""

from django.conf import settings
from django.core import checks


@checks.register()
def geocoder_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from .geocoding import GEOCODERS

    backend, url = settings.GEOCODER_BACKEND, settings.GEOCODER_URL
    if not backend and not url:
        return []
    if backend not in GEOCODERS:
        return [checks.Error(f"GEOCODER_BACKEND={backend!r} is not one of {', '.join(sorted(GEOCODERS))}.",
                             hint="Leave it empty to store premises without geocoding.", id="customers.E001")]
    if not url:
        return [checks.Error(f"GEOCODER_BACKEND={backend!r} needs GEOCODER_URL (the site's own service).",
                             id="customers.E002")]
    return []
