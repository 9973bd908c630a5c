import pytest
from rest_framework.test import APIClient

from tests.factories import ServiceOfficeFactory, StaffProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with production strength costs ~0.3 s per user; tests only need passwords to match."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(settings):
    """Messages in English whatever the default language (zh-hans), for tests that read them."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def office(db):
    return ServiceOfficeFactory(code="QX", name="Qingxiu")


@pytest.fixture
def other_office(db):
    return ServiceOfficeFactory(code="JN", name="Jiangnan")


def _staff(role: str, office, username: str):
    user = UserFactory(username=username, roles=[role])
    StaffProfileFactory(user=user, office=office)
    return user


@pytest.fixture
def dispatcher(office):
    return _staff("dispatcher", office, "dispatcher1")


@pytest.fixture
def other_dispatcher(other_office):
    return _staff("dispatcher", other_office, "dispatcher2")


@pytest.fixture
def agent(office):
    return _staff("agent", office, "agent1")


@pytest.fixture
def technician(office):
    return _staff("technician", office, "tech1")


@pytest.fixture
def manager(office):
    return _staff("manager", office, "manager1")


@pytest.fixture
def superuser(db):
    """A superuser with no role group: counts as admin."""
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def as_user(api):
    """as_user(user) returns the API client signed in as that user."""
    def sign_in(user):
        api.force_authenticate(user=user)
        return api

    return sign_in


@pytest.fixture
def geocoder_server(settings):
    """A local stand-in for the site's geocoding service (see tests/fake_geocoder.py).

    Yields the server; `server.mode` switches its behaviour ("ok", "error", "slow", "html"),
    `server.requests` lists the query strings it was asked.
    """
    from tests.fake_geocoder import running_fake_geocoder

    with running_fake_geocoder() as server:
        settings.GEOCODER_BACKEND = "nominatim"
        settings.GEOCODER_URL = server.url
        settings.GEOCODER_TIMEOUT = 1
        yield server
