import pytest

from dispatch.customers.checks import geocoder_settings


@pytest.mark.parametrize("backend, url, ids", [
    ("", "", []),
    ("nominatim", "http://10.0.0.5:8080", []),
    ("photon", "http://10.0.0.5:2322", []),
    ("google", "http://10.0.0.5:8080", ["customers.E001"]),
    ("", "http://10.0.0.5:8080", ["customers.E001"]),
    ("nominatim", "", ["customers.E002"]),
])
def test_geocoder_settings_check(settings, backend, url, ids):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = backend, url

    assert [message.id for message in geocoder_settings()] == ids


def test_the_check_is_registered(settings):
    from django.core.checks import run_checks

    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "google", "http://10.0.0.5"

    assert "customers.E001" in {message.id for message in run_checks()}
