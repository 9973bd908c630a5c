"""`make bench`: latency of the dispatcher's queue and the technician's day on a large PostgreSQL table.

    .venv/bin/python -m benchmarks.queue_bench [--orders N] [--clients N] [--seconds S | --requests N] ...

Every option also reads an environment variable (ORDERS, CLIENTS, SECONDS, REQUESTS, WARMUP, WORKERS,
WORKER_CLASS, BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_JSON, EXPLAIN, STRICT), which is how scripts/bench and
the Makefile pass them.

Steps: build or reuse the bench database (benchmarks.seed), start gunicorn on it on a free port, check each
endpoint answers what it should, warm up, then measure the endpoints interleaved with concurrent clients
and print one table. The trivial endpoint (GET /api/ping/: authentication and a JSON answer, nothing else) is the
yardstick: the target is that each real endpoint's p95 stays within TARGET_RATIO times its p95, measured in the
same run. Progress goes to stderr, the report to stdout. Exit status 1 when any request failed (the figures
would not mean anything), and with --strict 2 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

# Neither module imports Django at import time: Django is set up on the bench database in main().
from . import seed
from .load import Endpoint, Stats, fetch, run_load
from .seed import BenchData

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 3.0
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dispatch_bench"
DEFAULT_ORDERS = 1_000_000
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.queue_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=_env_int("ORDERS", DEFAULT_ORDERS), help="work orders in the DB")
    parser.add_argument("--clients", type=int, default=_env_int("CLIENTS", 8), help="concurrent HTTP clients")
    # SECONDS is also bash's own counter of seconds since the shell started; bash passes on the value it was
    # given (plus the second or so the shell ran), and BENCH_SECONDS is there for shells that do not.
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("BENCH_SECONDS") or os.environ.get("SECONDS") or 60),
                        help="length of the measured phase (all endpoints interleaved)")
    parser.add_argument("--requests", type=int, default=_env_int("REQUESTS", None),
                        help="instead of --seconds: measure until each endpoint has had this many requests")
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("WARMUP") or 5),
                        help="seconds of unrecorded load first (connections, caches, imports)")
    parser.add_argument("--workers", type=int, default=_env_int("WORKERS", 4), help="gunicorn workers")
    parser.add_argument("--worker-class", default=os.environ.get("WORKER_CLASS", "sync"), help="gunicorn -k")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help=f"default {DEFAULT_DATABASE_URL}, with _<orders> appended for other sizes")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--json", default=os.environ.get("BENCH_JSON", ""), help="also write the results here")
    parser.add_argument("--explain", action="store_true", default=os.environ.get("EXPLAIN", "") not in ("", "0"),
                        help="print EXPLAIN (ANALYZE, BUFFERS) of each work-order query the endpoints run")
    parser.add_argument("--strict", action="store_true", default=os.environ.get("STRICT", "") not in ("", "0"),
                        help="exit 2 when an endpoint misses the target")
    args = parser.parse_args(argv)
    if not args.database_url:
        # One database per size: a quick smoke run must not throw away the full-size data that took a minute or
        # two to build, and each size is reused on its next run.
        suffix = "" if args.orders == DEFAULT_ORDERS else f"_{args.orders}"
        args.database_url = DEFAULT_DATABASE_URL + suffix
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark runs on PostgreSQL: BENCH_DATABASE_URL must be postgres://...")
    return args


def _setup_django(args: argparse.Namespace) -> None:
    # The orchestrator itself uses Django (migrate, ORM seed, tokens, query capture) on the bench database.
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "dispatch.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


def _tokens(usernames: list[str]) -> dict[str, str]:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    return {name: Token.objects.get_or_create(user=User.objects.get(username=name))[0].key for name in usernames}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(args: argparse.Namespace, port: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
           "DJANGO_SETTINGS_MODULE": "dispatch.settings", "DEBUG": "false"}
    command = [sys.executable, "-m", "gunicorn", "dispatch.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(args.workers), "--worker-class", args.worker_class, "--timeout", "120",
               "--log-level", "warning", "--backlog", "2048"]
    log(f"starting gunicorn ({args.workers} {args.worker_class} workers) on 127.0.0.1:{port}, log {log_path}")
    # Its own session, so that stopping it takes its workers along and nothing else.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_ready(server: subprocess.Popen, port: int, token: str, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            status, _body = fetch("127.0.0.1", port, "/api/ping/", token, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within 90 s; see {log_path}")


def _stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _check_answers(port: int, endpoints: list[Endpoint], data: BenchData) -> list[tuple[str, str]]:
    """Each endpoint must answer 200 with what it is supposed to before its speed means anything."""
    facts = []
    for endpoint in endpoints:
        status, body = fetch("127.0.0.1", port, endpoint.paths[0], endpoint.token)
        if status != 200:
            raise SystemExit(f"{endpoint.name} {endpoint.paths[0]} answered {status}: {body[:300]!r}")
        payload = json.loads(body)
        if endpoint.name == "queue":
            if not payload.get("results") or any(row["status"] != "new" for row in payload["results"]):
                raise SystemExit(f"queue returned no new orders: {body[:300]!r}")
            facts.append(("queue page", f"{len(payload['results'])} rows of {payload['count']:,} (first area)"))
        elif endpoint.name in ("day", "my-day"):
            rows = payload["jobs"] if endpoint.name == "my-day" else payload
            if not rows:
                raise SystemExit(f"the technician's {endpoint.name} on {data.day} is empty")
            facts.append((f"{endpoint.name} answer", f"{len(rows)} rows"))
    return facts


def _query_profile(endpoints: list[Endpoint], explain: bool) -> list[tuple[str, str]]:
    """Run each endpoint once in-process, count its queries and, if asked, print the plans of the big ones."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    facts = []
    for endpoint in endpoints:
        client = Client(HTTP_AUTHORIZATION=f"Token {endpoint.token}")
        client.get(endpoint.paths[0])  # once unrecorded: connection set-up and first-use caches are not the point
        with CaptureQueriesContext(connection) as captured:
            response = client.get(endpoint.paths[0])
        assert response.status_code == 200, (endpoint.paths[0], response.status_code)
        db_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        facts.append((f"{endpoint.name} queries", f"{len(captured)} ({db_ms:.1f} ms in the database, in-process)"))
        if not explain:
            continue
        for query in captured.captured_queries:
            if "workorders_workorder" not in query["sql"]:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
            print(f"\n-- {endpoint.name}: {query['sql']}\n{plan}", file=sys.stderr)
    return facts


def _report(stats: list[Stats], baseline: str, args: argparse.Namespace, duration: float, facts: list[tuple[str, str]],
            built: str) -> tuple[str, bool]:
    base_p95 = next(stat.p95_ms for stat in stats if stat.name == baseline)
    lines = [
        f"dispatch bench {datetime.now(UTC).astimezone():%Y-%m-%d %H:%M %Z} on {platform.node()} "
        f"({os.cpu_count()} CPUs, PostgreSQL at {args.database_url.rsplit('@', 1)[-1]})",
        f"parameters: orders={args.orders:,} clients={args.clients} workers={args.workers} ({args.worker_class}) "
        f"measured {duration:.0f} s after {args.warmup:g} s warm-up; database {built}",
    ]
    lines += [f"  {name}: {value}" for name, value in facts]
    total = sum(stat.requests for stat in stats)
    lines.append(f"  throughput: {total / duration:.0f} requests/s in all")
    lines.append("")
    lines.append("| endpoint | requests | errors | median ms | p95 ms | p99 ms | p95 / ping p95 | target ≤ 3× |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---|")
    all_pass = True
    for stat in stats:
        ratio = stat.p95_ms / base_p95
        if stat.name == baseline:
            verdict = "(baseline)"
        else:
            ok = ratio <= TARGET_RATIO and stat.errors == 0
            all_pass = all_pass and ok
            verdict = "PASS" if ok else "MISS"
        lines.append(f"| {stat.name} | {stat.requests} | {stat.errors} | {stat.median_ms:.1f} | {stat.p95_ms:.1f} "
                     f"| {stat.p99_ms:.1f} | {ratio:.2f} | {verdict} |")
    for stat in stats:
        if stat.first_error:
            lines.append(f"first error of {stat.name}: {stat.first_error}")
    return "\n".join(lines), all_pass


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _setup_django(args)
    data = seed.prepare(args.database_url, args.orders, log=log)
    tokens = _tokens([data.dispatcher, data.technician])
    endpoints = [
        # The trivial endpoint is asked as the technician: the same token lookup as the day endpoint's.
        Endpoint("ping", ("/api/ping/",), tokens[data.technician]),
        Endpoint("queue", tuple(f"/api/workorders/?area={area}&status=new&page_size=50"
                                for area in data.queue_area_ids), tokens[data.dispatcher]),
        Endpoint("day", (f"/api/workorders/day/?date={data.day.isoformat()}",), tokens[data.technician]),
        # The phone's "my day" (mobile_api v1): the same jobs with what the technician needs at each door.
        Endpoint("my-day", (f"/m/api/v1/day/?date={data.day.isoformat()}",), tokens[data.technician]),
    ]
    facts = seed.describe(args.database_url, data)
    facts += _query_profile(endpoints, args.explain)
    from django.db import connections

    connections.close_all()  # the orchestrator holds no connection while the server is measured

    load_before = os.getloadavg()[0]
    port = _free_port()
    (ROOT / "var").mkdir(exist_ok=True)
    log_path = ROOT / "var" / "bench-gunicorn.log"
    server = _start_server(args, port, log_path)
    try:
        _wait_ready(server, port, tokens[data.technician], log_path)
        facts += _check_answers(port, endpoints, data)
        stats, duration = run_load("127.0.0.1", port, endpoints, clients=args.clients, seconds=args.seconds,
                                   warmup=args.warmup, requests=args.requests, log=log)
        # Other work on the machine slows every endpoint and blurs the figures: say how busy it was.
        facts.append(("load average (1 min)", f"{load_before:.1f} before the server started, "
                                              f"{os.getloadavg()[0]:.1f} at the end of the run"))
    finally:
        _stop_server(server)

    built = (f"reused (built in an earlier run), checked in {data.seconds_to_build:.0f} s" if data.reused
             else f"built in {data.seconds_to_build:.0f} s")
    report, all_pass = _report(stats, "ping", args, duration, facts, built)
    print(report, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "orders": args.orders, "clients": args.clients, "workers": args.workers, "duration_s": duration,
            "target_ratio": TARGET_RATIO, "all_pass": all_pass, "facts": dict(facts),
            "endpoints": [asdict(stat) for stat in stats]}, indent=2, default=str))
    if any(stat.errors for stat in stats):
        return 1
    return 2 if args.strict and not all_pass else 0


if __name__ == "__main__":
    sys.exit(main())
