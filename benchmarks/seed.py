"""Build, or reuse, the benchmark database: offices, areas, staff, customers, premises and N work orders.

The small reference data (5 offices, 40 areas, 40 technicians, 5 dispatchers) goes through the ORM so that it is
exactly what the application would write. The bulk (customers, premises, work orders) is generated inside
PostgreSQL with INSERT ... SELECT over generate_series: a million ORM saves would take an hour, this takes about
a minute. The bulk rows follow the shape of a real utility's table:

* created over the last two years at an even rate (about 1,400 jobs a day at 1,000,000 orders);
* orders older than three weeks are history: mostly closed, some completed, cancelled or unable, plus a thin
  backlog of forgotten "new" ones; the last three weeks hold the open work (new, assigned, dispatched), so a
  few per cent of the table is open, as in production;
* every area has one technician; assigned orders carry that technician, a day and a sequence;
* today each technician has exactly PER_DAY (15) sequenced jobs, some done, one on site, the rest to come;
  every other dated order is in the past (closed work) or in the coming week (planned work), so the
  technician's day endpoint returns a realistic 15 rows out of tens of thousands of that technician's orders.

A database that already holds the requested number of orders (and the bench_meta row that says it was built by
this module) is reused as it is, so a re-run only migrates and measures.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

OFFICES = 5
AREAS_PER_OFFICE = 8
PER_DAY = 15
# Bumped whenever the generated data changes shape, so that an older bench database is rebuilt, not reused.
SEED_VERSION = 2
# The queue endpoint is measured as the first office's dispatcher; the day endpoint as the first technician.
DISPATCHER = "bench_disp1"
TECHNICIAN = "bench_tech01"

# How often each kind occurs; kinds registered later by other apps get a small default weight.
KIND_WEIGHTS = {
    "meter_reading": 30, "safety_inspection": 15, "repair": 14, "arrears_visit": 8, "meter_replacement": 6,
    "emergency": 3, "pressure_check": 4, "hazard_rectification": 4, "supply_suspension": 3, "reconnection": 3,
    "commissioning": 3, "pipe_acceptance": 2, "meter_running_check": 2, "meter_box_maintenance": 2,
    "meter_complaint_removal": 1,
}


@dataclass(frozen=True)
class BenchData:
    orders: int
    day: date
    dispatcher: str
    technician: str
    queue_area_ids: list[int]
    reused: bool
    seconds_to_build: float


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _maintenance_url(url: str) -> str:
    """The same server and user, connected to the `postgres` database (to create or drop the bench one)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))


def _database_exists(url: str) -> bool:
    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (_database_name(url),)).fetchone() \
            is not None


def _recreate_database(url: str) -> None:
    name = _database_name(url)
    # A guard against a mistyped BENCH_DATABASE_URL: this drops the database, so it must be a bench one.
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: a bench database name must contain 'bench'")
    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _existing_meta(url: str) -> dict | None:
    """The meta row of a previous build, if the database still holds exactly what it describes."""
    if not _database_exists(url):
        return None
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute("SELECT to_regclass('bench_meta')::text, "
                              "to_regclass('workorders_workorder')::text").fetchone()
        if tables != ("bench_meta", "workorders_workorder"):
            return None
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'build'").fetchone()
        if row is None:
            return None
        meta = json.loads(row[0])
        count = conn.execute("SELECT count(*) FROM workorders_workorder").fetchone()[0]
        return meta if count == meta.get("orders") and meta.get("seed_version") == SEED_VERSION else None


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _boundary(lat: float, lng: float, dlat: float, dlng: float, per_side: int = 30) -> dict:
    """A GeoJSON polygon of 4 x per_side vertices: the size of a boundary traced along real streets, which every
    work-order row of the queue carries along (select_related("area")) and the server parses."""
    ring: list[list[float]] = []
    for side in range(4):
        for k in range(per_side):
            t = k / per_side
            wobble = 0.0005 * ((k * 7919 + side * 104729) % 11 - 5)  # deterministic, a few tens of metres
            point = [(lng + dlng * t, lat + wobble), (lng + dlng + wobble, lat + dlat * t),
                     (lng + dlng * (1 - t), lat + dlat + wobble), (lng + wobble, lat + dlat * (1 - t))][side]
            ring.append([round(point[0], 6), round(point[1], 6)])
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _seed_reference() -> tuple[list[int], list[int], list[int]]:
    """Offices, areas, one technician per area and one dispatcher per office, through the ORM.

    Returns the area ids, the technician (staff) id of each area, and the first office's area ids.
    """
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from dispatch.common.roles import Role
    from dispatch.org.models import Area, ServiceOffice, StaffProfile

    area_ids: list[int] = []
    tech_ids: list[int] = []
    first_office_areas: list[int] = []
    with transaction.atomic():
        technicians = Group.objects.get(name=Role.TECHNICIAN)
        dispatchers = Group.objects.get(name=Role.DISPATCHER)
        for o in range(1, OFFICES + 1):
            office = ServiceOffice.objects.create(code=f"BO{o}", name=f"Bench office {o}",
                                                  lat=22.8 + o / 100, lng=108.3 + o / 100)
            user = User.objects.create(username=f"bench_disp{o}", first_name="Dispatcher", last_name=str(o))
            user.set_unusable_password()  # the bench signs in with tokens only
            user.save(update_fields=["password"])
            user.groups.add(dispatchers)
            StaffProfile.objects.create(user=user, employee_no=f"BD{o:03d}", office=office)
            for a in range(1, AREAS_PER_OFFICE + 1):
                n = (o - 1) * AREAS_PER_OFFICE + a
                lat, lng = 22.70 + (n % 8) * 0.03, 108.20 + (n // 8) * 0.05
                area = Area.objects.create(code=f"BO{o}-A{a:02d}", name=f"Bench area {n}", office=office,
                                           boundary=_boundary(lat, lng, 0.03, 0.05),
                                           min_lat=lat - 0.003, max_lat=lat + 0.033, min_lng=lng - 0.003,
                                           max_lng=lng + 0.053)
                user = User.objects.create(username=f"bench_tech{n:02d}", first_name="Technician",
                                           last_name=str(n))
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(technicians)
                staff = StaffProfile.objects.create(user=user, employee_no=f"BT{n:03d}", office=office,
                                                    primary_area=area, home_lat=lat, home_lng=lng)
                staff.allowed_areas.add(area)
                area_ids.append(area.pk)
                tech_ids.append(staff.pk)
                if o == 1:
                    first_office_areas.append(area.pk)
    return area_ids, tech_ids, first_office_areas


# Values for NOT NULL columns the generator does not name: Django keeps defaults in Python, not in the
# database, so a column another app adds later would otherwise break the bulk insert.
_TYPE_DEFAULTS = {
    "character varying": "''", "text": "''", "integer": "0", "smallint": "0", "bigint": "0",
    "double precision": "0", "numeric": "0", "real": "0", "boolean": "false", "jsonb": "'{}'::jsonb",
    "timestamp with time zone": "now()", "date": "current_date", "time without time zone": "'00:00'",
    "uuid": "gen_random_uuid()",
}


def _insert_select(cur: psycopg.Cursor, table: str, columns: dict[str, str], tail: str,
                   params: dict[str, object]) -> int:
    """INSERT INTO table (columns) SELECT <expressions> <tail>, filling unnamed NOT NULL columns by type."""
    cur.execute(
        """SELECT column_name, data_type FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = %s AND is_nullable = 'NO'
             AND column_default IS NULL AND is_identity = 'NO'""", (table,))
    for column, data_type in cur.fetchall():
        if column not in columns:
            if data_type not in _TYPE_DEFAULTS:
                raise RuntimeError(f"bench seed: no default for {table}.{column} ({data_type}); add it to seed.py")
            columns[column] = _TYPE_DEFAULTS[data_type]
    names = ", ".join(columns)
    exprs = ",\n  ".join(f"{expr} AS {name}" for name, expr in columns.items())
    cur.execute(f"INSERT INTO {table} ({names})\nSELECT {exprs}\n{tail}", params)  # type: ignore[arg-type]
    return cur.rowcount


def _weighted_kinds() -> list[str]:
    from dispatch.workorders.kinds import all_kinds

    codes = [kind.code for kind in all_kinds()]
    return [code for code in codes for _ in range(KIND_WEIGHTS.get(code, 2))]


# Columns shared by the historical bulk and today's jobs; `o` is the row, `bp` its premises, `t` its technician.
def _order_columns() -> dict[str, str]:
    return {
        "kind": "o.kind",
        "status": "o.status",
        "priority": """CASE WHEN o.kind = 'emergency' THEN 'emergency' WHEN o.u_prio < 0.10 THEN 'urgent'
                            WHEN o.u_prio < 0.70 THEN 'normal' ELSE 'planned' END""",
        "source": """CASE WHEN o.kind IN ('meter_reading', 'safety_inspection', 'arrears_visit') THEN 'plan'
                          ELSE 'hotline' END""",
        "description": "'Customer reports a problem; ' || o.kind || ' at ' || bp.address",
        "premises_id": "bp.id",
        "address": "bp.address",
        "lat": "bp.lat",
        "lng": "bp.lng",
        "area_id": "bp.area_id",
        "office_id": "bp.office_id",
        "required_skills": "'[]'::jsonb",
        "duration_minutes": "30 + 15 * floor(o.u_seq * 4)::int",
        "attend_by": "o.created_at + interval '24 hours'",
        "resolve_by": "o.created_at + interval '72 hours'",
        "sla_state": """CASE WHEN o.status IN ('completed', 'closed') THEN 'met'
                             WHEN o.status IN ('new', 'assigned', 'dispatched', 'en_route', 'on_site') THEN
                                  CASE WHEN o.created_at < %(now)s - interval '72 hours' THEN 'breached'
                                       ELSE 'ok' END
                             ELSE 'none' END""",
        "sla_warn_at": """CASE WHEN o.status IN ('new', 'assigned', 'dispatched', 'en_route', 'on_site')
                                    AND o.created_at >= %(now)s - interval '72 hours'
                               THEN o.created_at + interval '54 hours' END""",
        "sla_due_at": """CASE WHEN o.status IN ('new', 'assigned', 'dispatched', 'en_route', 'on_site')
                                   AND o.created_at >= %(now)s - interval '72 hours'
                              THEN o.created_at + interval '72 hours' END""",
        "attended_at": """CASE WHEN o.status IN ('on_site', 'completed', 'closed', 'unable')
                               THEN o.created_at + interval '20 hours' END""",
        "completed_at": """CASE WHEN o.status IN ('completed', 'closed')
                                THEN o.created_at + interval '21 hours' END""",
        "closed_at": "CASE WHEN o.status = 'closed' THEN o.created_at + interval '3 days' END",
        "unable_reason": "CASE WHEN o.status = 'unable' THEN 'no_access' ELSE '' END",
        "resolution_notes": """CASE WHEN o.status IN ('completed', 'closed')
                                    THEN 'Leak test negative; supply restored and appliances checked.'
                                    ELSE '' END""",
        "checklist_answers": """CASE WHEN o.status IN ('completed', 'closed')
                                     THEN '{"leak_test_done": true, "supply_restored_safely": true}'::jsonb
                                     ELSE '{}'::jsonb END""",
        "completion_data": """CASE WHEN o.status IN ('completed', 'closed')
                                   THEN '{"fault_found": "worn regulator seal", "work_done": "seal replaced"}'::jsonb
                                   ELSE '{}'::jsonb END""",
        "version": "CASE WHEN o.status = 'new' THEN 1 ELSE 3 + floor(o.u_seq * 4)::int END",
        "created_at": "o.created_at",
        "updated_at": "LEAST(o.created_at + interval '3 days', %(now)s)",
    }


_HISTORY_TAIL = """
FROM (
  SELECT r.*, (%(kinds)s::text[])[1 + floor(r.u_kind * %(nkinds)s)::int] AS kind,
    CASE WHEN r.created_at > %(now)s - interval '21 days' THEN
           CASE WHEN r.u_status < 0.40 THEN 'new' WHEN r.u_status < 0.60 THEN 'assigned'
                WHEN r.u_status < 0.65 THEN 'dispatched' WHEN r.u_status < 0.85 THEN 'completed'
                WHEN r.u_status < 0.95 THEN 'closed' ELSE 'cancelled' END
         ELSE
           CASE WHEN r.u_status < 0.002 THEN 'new' WHEN r.u_status < 0.88 THEN 'closed'
                WHEN r.u_status < 0.93 THEN 'completed' WHEN r.u_status < 0.98 THEN 'cancelled'
                ELSE 'unable' END
    END AS status
  FROM bench_raw r
) o
JOIN bench_premises bp ON bp.rn = o.prn
JOIN bench_area_tech t ON t.area_id = bp.area_id
"""

_TODAY_TAIL = """
FROM (
  SELECT t.idx, k.k, (%(kinds)s::text[])[1 + mod(t.idx * 31 + k.k * 7, %(nkinds)s)::int] AS kind,
         CASE WHEN k.k <= 5 THEN 'completed' WHEN k.k = 6 THEN 'on_site' WHEN k.k = 7 THEN 'en_route'
              WHEN k.k <= 11 THEN 'dispatched' ELSE 'assigned' END AS status,
         %(now)s - (1 + mod(k.k, 4)) * interval '1 day' - k.k * interval '17 minutes' AS created_at,
         mod(k.k * 37, 100) / 100.0 AS u_prio, mod(k.k * 53, 100) / 100.0 AS u_seq
  FROM bench_area_tech t CROSS JOIN generate_series(1, %(per_day)s) AS k(k)
) o
JOIN bench_area_tech t ON t.idx = o.idx
JOIN bench_area_size s ON s.area_id = t.area_id
JOIN bench_premises bp ON bp.area_id = t.area_id AND bp.arn = 1 + mod(o.k * 7919 + o.idx * 104729, s.n)
"""


def _seed_bulk(url: str, orders: int, area_ids: list[int], tech_ids: list[int], day: date, now: datetime,
               tz: str) -> None:
    kinds = _weighted_kinds()
    premises = max(2000, orders // 5)
    today_jobs = len(tech_ids) * PER_DAY
    history = orders - today_jobs
    params: dict[str, object] = {
        "now": now, "day": day, "tz": tz, "kinds": kinds, "nkinds": len(kinds), "per_day": PER_DAY,
        "n": history, "npremises": premises, "span": 730 * 86400.0, "area_ids": area_ids, "tech_ids": tech_ids,
    }
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        # Fixed seed: two builds of the same size hold the same data, so figures stay comparable across runs.
        cur.execute("SELECT setseed(0.4242)")
        # Generated rows reference only rows inserted just before; skipping the FK triggers halves the load time.
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SET LOCAL work_mem = '256MB'")
        _insert_select(cur, "customers_customeraccount", {
            "account_no": "'BA' || lpad(g::text, 9, '0')",
            "name": "'Customer ' || g",
            "customer_class": """CASE WHEN random() < 0.93 THEN 'residential' WHEN random() < 0.8 THEN 'commercial'
                                      ELSE 'welfare' END""",
            "phone": "'0771-' || lpad(mod(g * 7919, 10000000)::text, 7, '0')",
            "is_pensioner_alone": "random() < 0.03",
            "is_active": "true",
            "created_at": "%(now)s - random() * interval '3650 days'",
            "updated_at": "%(now)s",
        }, "FROM generate_series(1, %(npremises)s) AS g", params)
        _insert_select(cur, "customers_premises", {
            "premises_no": "'BP' || lpad(a.rn::text, 9, '0')",
            "account_id": "a.id",
            "address": "'No. ' || (1 + mod(a.rn, 300)) || ' Minzu Avenue, block ' || (a.rn / 300) || ', unit ' "
                       "|| (1 + mod(a.rn, 6))",
            "district": "'Qingxiu'",
            "gas_type": "'ng'",
            "lat": "22.7 + random() * 0.24",
            "lng": "108.2 + random() * 0.25",
            "geocode_status": "'found'",
            "area_id": "(%(area_ids)s::bigint[])[1 + mod(a.rn, cardinality(%(area_ids)s::bigint[]))::int]",
            "is_active": "true",
            "created_at": "a.created_at",
            "updated_at": "a.created_at",
        }, "FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS rn FROM customers_customeraccount) a",
            params)
        cur.execute("""
            CREATE TEMP TABLE bench_premises ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY p.id) AS rn,
                   row_number() OVER (PARTITION BY p.area_id ORDER BY p.id) AS arn,
                   p.id, p.area_id, a.office_id, p.address, p.lat, p.lng
            FROM customers_premises p JOIN org_area a ON a.id = p.area_id""")
        cur.execute("CREATE INDEX ON bench_premises (rn)")
        cur.execute("CREATE INDEX ON bench_premises (area_id, arn)")
        cur.execute("""
            CREATE TEMP TABLE bench_area_tech ON COMMIT DROP AS
            SELECT row_number() OVER () AS idx, area_id, staff_id
            FROM unnest(%(area_ids)s::bigint[], %(tech_ids)s::bigint[]) AS x(area_id, staff_id)""", params)
        cur.execute("""CREATE TEMP TABLE bench_area_size ON COMMIT DROP AS
                       SELECT area_id, count(*) AS n FROM bench_premises GROUP BY area_id""")
        # The random draws of each row, made once (a temp table, so no planner may evaluate random() twice).
        cur.execute("""
            CREATE TEMP TABLE bench_raw ON COMMIT DROP AS
            SELECT g AS i,
                   %(now)s::timestamptz - make_interval(secs => %(span)s * (1.0 - g::float8 / %(n)s)
                                                                + random() * 3600) AS created_at,
                   1 + floor(random() * %(npremises)s)::bigint AS prn,
                   random() AS u_status, random() AS u_kind, random() AS u_day, random() AS u_seq,
                   random() AS u_prio
            FROM generate_series(1, %(n)s) AS g""", params)
        cur.execute("ANALYZE bench_premises; ANALYZE bench_area_tech; ANALYZE bench_raw")

        # Loading into a table without its secondary indexes and building them afterwards is several times
        # faster than maintaining seven B-trees row by row. Constraint indexes (primary key, unique number) stay.
        cur.execute("""
            SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
            WHERE x.indrelid = 'workorders_workorder'::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)""")
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))

        history_columns = _order_columns() | {
            "number": "'WB' || lpad(o.i::text, 9, '0')",
            "assignee_id": "CASE WHEN o.status IN ('new', 'cancelled') THEN NULL ELSE t.staff_id END",
            "assigned_at": "CASE WHEN o.status IN ('new', 'cancelled') THEN NULL "
                           "ELSE o.created_at + interval '2 hours' END",
            # Open assigned work is planned for the coming week, history lies before today: only the jobs
            # generated below fall on the measured day.
            "scheduled_date": """CASE WHEN o.status = 'new' THEN NULL
                                      WHEN o.status IN ('assigned', 'dispatched')
                                           THEN %(day)s::date + 1 + floor(o.u_day * 7)::int
                                      ELSE LEAST((o.created_at AT TIME ZONE %(tz)s)::date + floor(o.u_day * 5)::int,
                                                 %(day)s::date - 1) END""",
            "sequence": "CASE WHEN o.status IN ('new', 'cancelled') THEN NULL ELSE 1 + floor(o.u_seq * 30)::int END",
        }
        _insert_select(cur, "workorders_workorder", history_columns, _HISTORY_TAIL, params)
        window = "((%(day)s::date + time '08:00' + (o.k - 1) * interval '30 minutes') AT TIME ZONE %(tz)s)"
        today_columns = _order_columns() | {
            "number": "'WT' || lpad(o.idx::text, 3, '0') || '-' || lpad(o.k::text, 3, '0')",
            "assignee_id": "t.staff_id",
            "assigned_at": "o.created_at + interval '2 hours'",
            "scheduled_date": "%(day)s::date",
            "sequence": "o.k",
            "window_start": window,
            "window_end": f"{window} + interval '2 hours'",
            "planned_start": window,
        }
        _insert_select(cur, "workorders_workorder", today_columns, _TODAY_TAIL, params)
        for _name, definition in indexes:
            cur.execute(definition)  # type: ignore[arg-type]
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        conn.commit()
    # Autovacuum would get there eventually; the visibility map matters for index-only counts, so do it now.
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("customers_customeraccount", "customers_premises", "workorders_workorder"):
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))


def _write_meta(url: str, meta: dict) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO bench_meta (key, value) VALUES ('build', %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (json.dumps(meta),))


def prepare(url: str, orders: int, log: Callable[[str], None] = print) -> BenchData:
    """Make the database at `url` hold `orders` work orders; reuse it when it already does."""
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    minimum = OFFICES * AREAS_PER_OFFICE * PER_DAY + 100
    if orders < minimum:
        raise SystemExit(f"ORDERS must be at least {minimum}")
    started = time.monotonic()
    meta = _existing_meta(url)
    if meta is not None and meta.get("orders") == orders:
        log(f"reusing {_database_name(url)}: {orders:,} work orders built {meta['built_at']}")
        _migrate()  # picks up new migrations (an added index, say) on the existing data
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE workorders_workorder")
        return BenchData(orders=orders, day=date.fromisoformat(meta["day"]), dispatcher=meta["dispatcher"],
                         technician=meta["technician"], queue_area_ids=meta["queue_area_ids"], reused=True,
                         seconds_to_build=time.monotonic() - started)

    log(f"building {_database_name(url)} with {orders:,} work orders ...")
    connections.close_all()
    _recreate_database(url)
    _migrate()
    area_ids, tech_ids, queue_area_ids = _seed_reference()
    connections.close_all()
    now = timezone.now().replace(microsecond=0)
    day = timezone.localdate(now)
    _seed_bulk(url, orders, area_ids, tech_ids, day, now, settings.TIME_ZONE)
    meta = {"orders": orders, "seed_version": SEED_VERSION, "day": day.isoformat(), "dispatcher": DISPATCHER,
            "technician": TECHNICIAN, "queue_area_ids": queue_area_ids, "built_at": now.isoformat()}
    _write_meta(url, meta)
    elapsed = time.monotonic() - started
    log(f"built in {elapsed:.0f} s")
    return BenchData(orders=orders, day=day, dispatcher=DISPATCHER, technician=TECHNICIAN,
                     queue_area_ids=queue_area_ids, reused=False, seconds_to_build=elapsed)


def describe(url: str, data: BenchData) -> list[tuple[str, str]]:
    """Facts about the data the figures were measured on, for the report."""
    with psycopg.connect(url, autocommit=True) as conn:
        def one(query: str, *args: object) -> object:
            return conn.execute(query, args).fetchone()[0]  # type: ignore[index]

        total = one("SELECT count(*) FROM workorders_workorder")
        open_count = one("SELECT count(*) FROM workorders_workorder WHERE status IN "
                         "('new', 'assigned', 'dispatched', 'en_route', 'on_site')")
        new_in_areas = one("SELECT count(*) FROM workorders_workorder WHERE status = 'new' AND area_id = ANY(%s)",
                           data.queue_area_ids)
        tech_total = one("SELECT count(*) FROM workorders_workorder w JOIN org_staffprofile s ON s.id = w.assignee_id "
                         "JOIN auth_user u ON u.id = s.user_id WHERE u.username = %s", data.technician)
        tech_day = one("SELECT count(*) FROM workorders_workorder w JOIN org_staffprofile s ON s.id = w.assignee_id "
                       "JOIN auth_user u ON u.id = s.user_id WHERE u.username = %s AND w.scheduled_date = %s",
                       data.technician, data.day)
        size = one("SELECT pg_size_pretty(pg_total_relation_size('workorders_workorder'))")
        premises = one("SELECT count(*) FROM customers_premises")
    return [
        ("work orders", f"{total:,} ({open_count:,} open; table with indexes {size})"),
        ("premises / areas", f"{premises:,} / {OFFICES * AREAS_PER_OFFICE} in {OFFICES} offices"),
        ("queue", f"{data.dispatcher}: status=new in {len(data.queue_area_ids)} areas of one office "
                  f"(cycled), {new_in_areas:,} new orders there, page_size=50"),
        ("day", f"{data.technician} on {data.day}: {tech_day} jobs today of {tech_total:,} in total"),
    ]
