"""scripts/bench end to end in smoke mode: a small database, a few seconds of load, a report with no errors.

Timings are not asserted (they depend on the machine); the point is that the benchmark still builds its data,
serves the endpoints and measures them, so that `make bench` keeps working as the code changes.
"""

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = {"ping", "queue", "day", "my-day"}


def _smoke_database_url() -> str:
    """A database of its own next to the test one: never the full-size dispatch_bench a developer keeps."""
    url = os.environ.get("DATABASE_URL", "")
    assert url.startswith(("postgres://", "postgresql://")), "the bench smoke test needs DATABASE_URL on PostgreSQL"
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "dispatch"
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}_bench_smoke", parts.query, parts.fragment))


def _table_rows(report: str) -> dict[str, list[str]]:
    """The markdown table's data rows by endpoint name: requests, errors, median, p95, p99, ratio, verdict."""
    rows = {}
    for line in report.splitlines():
        if line.startswith("| ") and not line.startswith("| endpoint"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.integration
def test_bench_smoke_measures_the_endpoints_without_errors(tmp_path):
    results = tmp_path / "bench.json"
    env = {
        **os.environ,
        "ORDERS": "5000", "SECONDS": "3", "WARMUP": "1", "CLIENTS": "3", "WORKERS": "2",
        "BENCH_DATABASE_URL": _smoke_database_url(),
        "BENCH_REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        "BENCH_JSON": str(results), "BENCH_SUITE": "queue",
    }
    for name in ("REQUESTS", "EXPLAIN", "STRICT"):
        env.pop(name, None)

    completed = subprocess.run([str(ROOT / "scripts" / "bench")], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=600)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = _table_rows(completed.stdout)
    assert set(rows) == ENDPOINTS, completed.stdout
    for name, cells in rows.items():
        assert int(cells[0]) > 0, f"{name} was not measured"
        assert cells[1] == "0", f"{name} had errors:\n{completed.stdout}"
    assert "work orders: 5,000" in completed.stdout
    data = json.loads(results.read_text())
    assert {endpoint["name"] for endpoint in data["endpoints"]} == ENDPOINTS
    assert all(endpoint["errors"] == 0 for endpoint in data["endpoints"])
