"""/healthz: 200 when database, cache and broker answer; 503 naming the failing check otherwise, never a 500."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections

from dispatch.common.health import health_report

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_on_the_embedded_default(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["database"]["detail"] == "sqlite"
    assert body["checks"]["cache"]["detail"] == "LocMemCache"
    assert body["checks"]["broker"]["detail"].startswith("eager")
    assert "no-cache" in response["Cache-Control"]


def test_database_down_answers_503_naming_the_database(client):
    with mock.patch.object(connections["default"], "cursor",
                           side_effect=OperationalError("could not connect to server")):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False
    assert "OperationalError" in body["checks"]["database"]["error"]
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_cache_down_answers_503_naming_the_cache(client):
    with mock.patch.object(caches["default"], "set", side_effect=ConnectionError("Error 111 connecting")):
        response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False
    assert "ConnectionError" in checks["cache"]["error"]
    assert checks["database"]["ok"] is True


def test_cache_that_loses_values_is_reported(client):
    with mock.patch.object(caches["default"], "get", return_value=None):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert "did not return" in response.json()["checks"]["cache"]["error"]


def test_broker_down_answers_503_naming_the_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from dispatch.celery import app

    with mock.patch.object(app, "connection_for_write", side_effect=OSError("Connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert "Connection refused" in checks["broker"]["error"]
    assert checks["database"]["ok"] and checks["cache"]["ok"]


def test_everything_down_still_answers_json_not_500(client):
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")), \
            mock.patch.object(caches["default"], "set", side_effect=RuntimeError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert [name for name, check in checks.items() if not check["ok"]] == ["database", "cache"]


def test_errors_are_cut_short():
    with mock.patch.object(caches["default"], "set", side_effect=RuntimeError("x" * 5000)):
        ok, checks = health_report()

    assert ok is False
    assert len(checks["cache"]["error"]) <= 300
