"""geocode_address against a local fake of the site's geocoder: found, not found, service down."""

import socket

import pytest

from dispatch.customers.geocoding import GeocodeResult, GeocoderUnavailable, geocode_address, geocoder_configured
from tests.fake_geocoder import KNOWN_LAT, KNOWN_LNG


def test_found_address_gives_coordinates(geocoder_server):
    result = geocode_address("88 Minzu Avenue")

    assert result == GeocodeResult(lat=KNOWN_LAT, lng=KNOWN_LNG)
    assert geocoder_server.requests == [("/search", "88 Minzu Avenue")]


def test_unknown_address_gives_none(geocoder_server):
    assert geocode_address("Nowhere Lane") is None


def test_photon_backend(geocoder_server, settings):
    settings.GEOCODER_BACKEND = "photon"

    assert geocode_address("88 Minzu Avenue") == GeocodeResult(lat=KNOWN_LAT, lng=KNOWN_LNG)
    assert geocode_address("Nowhere Lane") is None
    assert geocoder_server.requests[0][0] == "/api"


def test_geocoder_url_with_a_path_prefix(geocoder_server, settings):
    settings.GEOCODER_URL = f"{geocoder_server.url}/nominatim/"

    assert geocode_address("88 Minzu Avenue") is not None
    assert geocoder_server.requests == [("/nominatim/search", "88 Minzu Avenue")]


@pytest.mark.parametrize("mode", ["error", "slow", "html"])
def test_a_failing_service_raises_geocoder_unavailable(geocoder_server, settings, mode):
    geocoder_server.mode = mode
    geocoder_server.slow_seconds = 2
    settings.GEOCODER_TIMEOUT = 0.3

    with pytest.raises(GeocoderUnavailable):
        geocode_address("88 Minzu Avenue")


def test_a_service_that_is_not_running_raises_geocoder_unavailable(settings):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", f"http://127.0.0.1:{port}"

    with pytest.raises(GeocoderUnavailable):
        geocode_address("88 Minzu Avenue")


def test_geocoder_configured_needs_backend_and_url(settings):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", ""
    assert not geocoder_configured()
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "", "http://127.0.0.1:8080"
    assert not geocoder_configured()
    settings.GEOCODER_BACKEND = "nominatim"
    assert geocoder_configured()


def test_an_unknown_backend_is_not_configured(settings):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "google", "http://127.0.0.1:8080"

    assert not geocoder_configured()
