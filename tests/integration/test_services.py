"""The foundation on real services: health, cache, and a task executed by a real Celery worker."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from dispatch.customers.models import Premises
from dispatch.customers.services import premises_create
from tests.factories import AreaFactory, CustomerAccountFactory, square

from .conftest import wait_for

pytestmark = [pytest.mark.integration]


@pytest.mark.django_db
def test_healthz_reports_postgresql_redis_and_broker_up():
    response = Client().get("/healthz")

    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert checks["database"]["detail"] == "postgresql"
    assert checks["cache"]["detail"] == "RedisCache"
    assert checks["broker"]["ok"] is True


class FakeNominatim(BaseHTTPRequestHandler):
    """A stand-in for a site's self-hosted Nominatim: knows one street."""

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
        results = [{"lat": "22.8155", "lon": "108.3275", "display_name": query, "place_id": 1,
                    "boundingbox": ["22.81", "22.82", "108.32", "108.33"]}] if "Minzu" in query else []
        body = json.dumps(results).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(settings, monkeypatch):
    """The geocoder, configured for this process and for the worker it starts."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", url
    monkeypatch.setenv("GEOCODER_BACKEND", "nominatim")
    monkeypatch.setenv("GEOCODER_URL", url)
    yield url
    server.shutdown()


def test_geocoding_runs_on_a_real_worker_and_places_the_premises(nominatim, celery_worker_process):
    area = AreaFactory(code="QX-01", boundary=square(108.32, 22.81, 0.02))
    account = CustomerAccountFactory()

    found = premises_create(actor=None, premises_no="P-GEO-1", account=account, address="88 Minzu Avenue")
    unknown = premises_create(actor=None, premises_no="P-GEO-2", account=account, address="Nowhere Lane")

    found = wait_for(lambda: Premises.objects.filter(pk=found.pk, geocode_status="found").first())
    assert (found.lat, found.lng) == (22.8155, 108.3275)
    assert found.area == area
    wait_for(lambda: Premises.objects.filter(pk=unknown.pk, geocode_status="not_found").exists())
