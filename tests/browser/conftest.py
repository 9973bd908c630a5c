"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's ORM must be told that synchronous calls
are fine there; the variable is set here, before any test touches the database.
"""

import os
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (scripts/system-deps does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A dispatcher's desktop: a wide screen, English pages (the default language is Chinese)."""
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "locale": "en-US",
            "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def wait_for_live_server_idle(timeout: float = 10.0) -> None:
    """Wait until the live server has answered every request in flight.

    The live server shares the test's in-memory SQLite connection; flushing the database while a late request (a
    phone's background sync, say) still runs on it fails with "database table is locked".
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any("process_request_thread" in thread.name for thread in threading.enumerate()):
            return
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush():
    """Set up after the database and before the browser, so it tears down between the two: pages closed, then the
    server's last requests answered, then the database flushed."""
    yield
    wait_for_live_server_idle()
