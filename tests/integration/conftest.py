"""Integration tests run in pass 2 of scripts/test, against PostgreSQL, Redis and a real Celery worker."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _require_real_services():
    """Integration tests are meaningless on the embedded default: refuse to run them there."""
    assert connection.vendor == "postgresql", "integration tests need DATABASE_URL pointing at PostgreSQL"
    assert not settings.CELERY_TASK_ALWAYS_EAGER, "integration tests need REDIS_URL (a real broker)"


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process on the test database and the run's own queue."""
    from dispatch.celery import app

    app.control.purge()
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
                        f"{database['PORT'] or 5432}/{database['NAME']}",
    }
    # Its own node name, so that only this worker's answer counts as "ready" (not another run's on the same Redis).
    node = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}@localhost"
    log = (ROOT / "var" / "test-celery-worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dispatch", "worker", "-P", "solo", "-Q",
         settings.CELERY_TASK_DEFAULT_QUEUE, "-n", node, "--without-heartbeat", "--without-gossip", "--without-mingle",
         "-l", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    # Generous: on a loaded two-core machine a cold worker can take a while to import Django and connect.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited:\n{Path(log.name).read_text()[-3000:]}")
        replies = app.control.ping(destination=[node], timeout=1)
        if replies:
            break
    else:
        process.kill()
        raise RuntimeError(f"celery worker did not answer within 120 s:\n{Path(log.name).read_text()[-3000:]}")
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value or fail with the last value seen."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    assert value, f"condition not met within {timeout} s"
    return value
