"""Address lookup through geopy, only against the self-hosted service named in settings."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim, Photon

GEOCODERS = {"nominatim": Nominatim, "photon": Photon}


class GeocoderUnavailable(Exception):
    pass


@dataclass(frozen=True)
class GeocodeResult:
    lat: float
    lng: float


def geocoder_configured() -> bool:
    return settings.GEOCODER_BACKEND in GEOCODERS and bool(settings.GEOCODER_URL)


def _geocoder():
    url = urlsplit(settings.GEOCODER_URL)
    geocoder_class = GEOCODERS[settings.GEOCODER_BACKEND]
    return geocoder_class(domain=url.netloc + url.path.rstrip("/"), scheme=url.scheme or "http",
                          user_agent=settings.GEOCODER_USER_AGENT, timeout=settings.GEOCODER_TIMEOUT)


def geocode_address(address: str) -> GeocodeResult | None:
    """Coordinates for an address, None when the service does not know it; raises when it cannot answer."""
    try:
        location = _geocoder().geocode(address)
    except GeopyError as exc:
        raise GeocoderUnavailable(str(exc)) from exc
    if location is None:
        return None
    return GeocodeResult(lat=location.latitude, lng=location.longitude)
