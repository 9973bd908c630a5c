"""`scripts/bench-search`: the hotline's caller search on 1,000,000 customers in PostgreSQL.

    .venv/bin/python -m benchmarks.customer_search [--customers N] [--clients N] [--seconds S] ...

Builds (or reuses) its own database: 1,000,000 customer accounts with realistic Chinese names, mobile phones and
account numbers, one premises each with a street address, and a contact for one account in ten, generated
inside PostgreSQL (INSERT ... SELECT over generate_series, secondary indexes dropped during the load and built
afterwards, as the migration defines them). Then starts gunicorn on it and measures GET /api/desk/customer-search/
by phone prefix, account-number prefix, partial name and partial address, interleaved with GET /api/ping/ (the
trivial endpoint: authentication and a JSON answer) in the same run. Target: each search's p95 within 3× the
ping's p95. Environment: CUSTOMERS, CLIENTS, SECONDS (BENCH_SECONDS), WARMUP, WORKERS,
SEARCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/dispatch_search_bench), BENCH_JSON, EXPLAIN=1, STRICT=1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

from . import queue_bench
from .load import Endpoint, fetch, run_load
from .seed import _database_exists, _insert_select, _recreate_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dispatch_search_bench"
DEFAULT_CUSTOMERS = 1_000_000
SEED_VERSION = 1
AGENT = "bench_agent"
SAMPLES = 60  # distinct queries per kind of search, cycled

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅文辉鹏飞宇浩然思雨欣怡佳琪子涵博文俊杰"
    "晨阳晓东海燕春林志强德福永庆少华丹丹婷婷雪梅金凤宏伟家豪一鸣嘉怡"
)
ROADS = ["民族大道", "东葛路", "桃源路", "青秀路", "金湖路", "竹溪大道", "园湖路", "长湖路", "星湖路", "教育路",
         "友爱路", "北湖路", "明秀路", "大学路", "江南大道", "白沙大道", "亭洪路", "五一路", "壮锦大道", "安吉大道"]
DISTRICTS = ["青秀区", "兴宁区", "江南区", "西乡塘区", "良庆区", "邕宁区"]


def log(message: str) -> None:
    print(f"[bench-search] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="benchmarks.customer_search", description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=int(env("CUSTOMERS") or DEFAULT_CUSTOMERS))
    parser.add_argument("--clients", type=int, default=int(env("CLIENTS") or 8))
    parser.add_argument("--seconds", type=float, default=float(env("BENCH_SECONDS") or env("SECONDS") or 60))
    parser.add_argument("--requests", type=int, default=int(env("REQUESTS")) if env("REQUESTS") else None)
    parser.add_argument("--warmup", type=float, default=float(env("WARMUP") or 5))
    parser.add_argument("--workers", type=int, default=int(env("WORKERS") or 4))
    parser.add_argument("--worker-class", default=env("WORKER_CLASS", "sync"))
    parser.add_argument("--database-url", default=env("SEARCH_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=env("BENCH_REDIS_URL", queue_bench.DEFAULT_REDIS_URL))
    parser.add_argument("--json", default=env("BENCH_JSON", ""))
    parser.add_argument("--explain", action="store_true", default=env("EXPLAIN", "") not in ("", "0"))
    parser.add_argument("--strict", action="store_true", default=env("STRICT", "") not in ("", "0"))
    args = parser.parse_args(argv)
    if not args.database_url:
        suffix = "" if args.customers == DEFAULT_CUSTOMERS else f"_{args.customers}"
        args.database_url = DEFAULT_URL + suffix
    args.orders = args.customers  # the shared report header names the size
    return args


def _meta(url: str) -> dict | None:
    if not _database_exists(url):
        return None
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('bench_meta')::text").fetchone()[0] != "bench_meta":
            return None
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'search'").fetchone()
        return json.loads(row[0]) if row else None


def _seed(url: str, customers: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connections

    from dispatch.common.roles import Role
    from dispatch.org.models import Area, ServiceOffice, StaffProfile

    connections.close_all()
    _recreate_database(url)
    call_command("migrate", interactive=False, verbosity=0)
    office = ServiceOffice.objects.create(code="SB", name="Search bench office", lat=22.8, lng=108.3)
    area_ids = [Area.objects.create(code=f"SB-{n:02d}", name=f"Search area {n}", office=office,
                                    boundary={"type": "Polygon", "coordinates": [[[108.2, 22.7], [108.5, 22.7],
                                                                                  [108.5, 23.0], [108.2, 22.7]]]},
                                    min_lat=22.7, max_lat=23.0, min_lng=108.2, max_lng=108.5).pk
                for n in range(1, 9)]
    user = User.objects.create(username=AGENT, first_name="Bench", last_name="Agent")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.AGENT))
    StaffProfile.objects.create(user=user, employee_no="SBA01", office=office)
    connections.close_all()
    params = {"n": customers, "surnames": SURNAMES, "given": GIVEN, "roads": ROADS, "districts": DISTRICTS,
              "area_ids": area_ids}
    tables = ("customers_customeraccount", "customers_premises", "customers_contact")
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT setseed(0.2024)")
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("""SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
                       JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                       WHERE t.relname = ANY(%s)
                         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)""",
                    (list(tables),))
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        log(f"inserting {customers:,} customers, premises and contacts ...")
        # Names: a common surname and one or two given-name characters; mobiles 13x-19x, unique by construction.
        _insert_select(cur, "customers_customeraccount", {
            "account_no": "'GA' || lpad(g::text, 10, '0')",
            "name": """(%(surnames)s::text[])[1 + floor(random() * cardinality(%(surnames)s::text[]))::int]
                       || (%(given)s::text[])[1 + floor(random() * cardinality(%(given)s::text[]))::int]
                       || CASE WHEN random() < 0.7 THEN
                            (%(given)s::text[])[1 + floor(random() * cardinality(%(given)s::text[]))::int]
                          ELSE '' END""",
            "customer_class": "CASE WHEN random() < 0.95 THEN 'residential' ELSE 'commercial' END",
            "phone": "'1' || (3 + mod(g, 7))::text || lpad(mod(g::bigint * 48271, 1000000007)::text, 9, '0')",
            "is_active": "true",
            "created_at": "now() - random() * interval '3650 days'",
            "updated_at": "now()",
        }, "FROM generate_series(1, %(n)s) AS g", params)
        _insert_select(cur, "customers_premises", {
            "premises_no": "'GP' || lpad(a.id::text, 10, '0')",
            "account_id": "a.id",
            "address": """(%(districts)s::text[])[1 + mod(a.id, cardinality(%(districts)s::text[]))::int]
                          || (%(roads)s::text[])[1 + mod(a.id / 7, cardinality(%(roads)s::text[]))::int]
                          || (1 + mod(a.id / 3, 400)) || '号' || (1 + mod(a.id, 30)) || '栋'
                          || (1 + mod(a.id / 30, 6)) || '单元' || (101 + mod(a.id / 180, 18) * 100
                          + mod(a.id, 4))""",
            "district": "''",
            "gas_type": "'ng'",
            "lat": "22.7 + random() * 0.3",
            "lng": "108.2 + random() * 0.3",
            "geocode_status": "'found'",
            "area_id": "(%(area_ids)s::bigint[])[1 + mod(a.id, cardinality(%(area_ids)s::bigint[]))::int]",
            "is_active": "true",
            "created_at": "a.created_at",
            "updated_at": "a.created_at",
        }, "FROM customers_customeraccount a", params)
        _insert_select(cur, "customers_contact", {
            "account_id": "a.id", "name": "'家属'", "relation": "'spouse'",
            "phone": "'15' || lpad(mod(a.id::bigint * 69621, 1000000007)::text, 9, '0')",
            "is_primary": "false", "created_at": "now()", "updated_at": "now()",
        }, "FROM customers_customeraccount a WHERE mod(a.id, 10) = 0", params)
        log("building the indexes ...")
        started = time.monotonic()
        for _name, definition in indexes:
            cur.execute(definition)  # type: ignore[arg-type]
        log(f"indexes built in {time.monotonic() - started:.0f} s")
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("INSERT INTO bench_meta VALUES ('search', %s) ON CONFLICT (key) DO UPDATE SET value = "
                    "excluded.value", (json.dumps({"customers": customers, "seed_version": SEED_VERSION}),))
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))


def prepare(url: str, customers: int) -> tuple[bool, float]:
    from django.core.management import call_command

    started = time.monotonic()
    meta = _meta(url)
    if meta == {"customers": customers, "seed_version": SEED_VERSION}:
        log(f"reusing {url.rsplit('/', 1)[-1]} with {customers:,} customers")
        call_command("migrate", interactive=False, verbosity=0)
        return True, time.monotonic() - started
    log(f"building {url.rsplit('/', 1)[-1]} with {customers:,} customers ...")
    _seed(url, customers)
    return False, time.monotonic() - started


def _queries(url: str) -> dict[str, list[str]]:
    """Real search terms taken from the data: what agents type, spread over the table."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            """SELECT a.phone, a.account_no, a.name, p.address FROM customers_customeraccount a
               JOIN customers_premises p ON p.account_id = a.id
               WHERE a.id IN (SELECT 1 + (g * 7919) %% (SELECT max(id) FROM customers_customeraccount)
                              FROM generate_series(1, %s) g)""", (SAMPLES,)).fetchall()
    # Phone: the first 7 digits typed; account: without the last two digits; name: surname and first given
    # character (a prefix, e.g. 王建), or a three-character name in full; address: road, number and building
    # (a part in the middle of the address, e.g. 民族大道88号3栋).
    names = [name[:2] if index % 2 else name for index, (_p, _a, name, _d) in enumerate(rows)]
    addresses = []
    for _phone, _account, _name, address in rows:
        start = next(index for index, char in enumerate(address) if char == "区") + 1
        addresses.append(address[start:address.index("栋") + 1])
    return {"phone": [row[0][:7] for row in rows], "account": [row[1][:-2] for row in rows], "name": names,
            "address": addresses}


def main(argv: list[str] | None = None) -> int:
    from urllib.parse import quote

    args = parse_args(argv)
    queue_bench._setup_django(args)
    reused, seconds = prepare(args.database_url, args.customers)
    tokens = queue_bench._tokens([AGENT])
    queries = _queries(args.database_url)
    endpoints = [Endpoint("ping", ("/api/ping/",), tokens[AGENT])]
    for name, terms in queries.items():
        endpoints.append(Endpoint(f"search-{name}", tuple(f"/api/desk/customer-search/?q={quote(term)}"
                                                         for term in terms), tokens[AGENT]))
    facts: list[tuple[str, str]] = []
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM customers_customeraccount").fetchone()[0]
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('customers_customeraccount') + "
                            "pg_total_relation_size('customers_premises'))").fetchone()[0]
    facts.append(("customers", f"{count:,} accounts with one premises each (tables with indexes {size})"))
    facts += [(f"{name} queries", f"{len(terms)} distinct, e.g. {terms[0]!r}, {terms[1]!r}")
              for name, terms in queries.items()]
    facts += queue_bench._query_profile(endpoints[1:], False)
    if args.explain:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        for endpoint in endpoints[1:]:
            with CaptureQueriesContext(connection) as captured:
                Client(HTTP_AUTHORIZATION=f"Token {endpoint.token}").get(endpoint.paths[0])
            for query in captured.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
                print(f"\n-- {endpoint.name}: {query['sql']}\n{plan}", file=sys.stderr)
    from django.db import connections

    connections.close_all()
    load_before = os.getloadavg()[0]
    port = queue_bench._free_port()
    (ROOT / "var").mkdir(exist_ok=True)
    log_path = ROOT / "var" / "bench-search-gunicorn.log"
    server = queue_bench._start_server(args, port, log_path)
    try:
        queue_bench._wait_ready(server, port, tokens[AGENT], log_path)
        for endpoint in endpoints[1:]:
            hits = 0
            for path in endpoint.paths:
                status, body = fetch("127.0.0.1", port, path, endpoint.token)
                if status != 200:
                    raise SystemExit(f"{endpoint.name} {path} answered {status}: {body[:200]!r}")
                hits += bool(json.loads(body))
            if hits < len(endpoint.paths):
                raise SystemExit(f"{endpoint.name}: only {hits} of {len(endpoint.paths)} queries found a customer")
            facts.append((f"{endpoint.name} answers", f"every query found its customer ({hits}/{hits})"))
        stats, duration = run_load("127.0.0.1", port, endpoints, clients=args.clients, seconds=args.seconds,
                                   warmup=args.warmup, requests=args.requests, log=log)
        facts.append(("load average (1 min)", f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"))
    finally:
        queue_bench._stop_server(server)
    built = f"reused, checked in {seconds:.0f} s" if reused else f"built in {seconds:.0f} s"
    report, all_pass = queue_bench._report(stats, "ping", args, duration, facts, built)
    print(report.replace("dispatch bench", "dispatch customer-search bench", 1)
          .replace(f"orders={args.orders:,}", f"customers={args.customers:,}", 1), flush=True)
    if args.json:
        from dataclasses import asdict

        Path(args.json).write_text(json.dumps({"customers": args.customers, "all_pass": all_pass,
                                               "facts": dict(facts), "duration_s": duration,
                                               "endpoints": [asdict(stat) for stat in stats]}, indent=2))
    if any(stat.errors for stat in stats):
        return 1
    return 2 if args.strict and not all_pass else 0


if __name__ == "__main__":
    sys.exit(main())
