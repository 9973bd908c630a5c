"""scripts/bench-safety-plan: the annual inspection plan for PREMISES premises against COPY of as many work orders.

Builds (once per size) a bench database with PREMISES premises over AREAS areas (accounts and premises written by
COPY; classes 85 % residential, the rest commercial, industrial and welfare; safety files whose last inspection
makes every premises due in the plan year), and one inspector per area. Then, in the same run:

1. plan generation for every area (`dispatch.safety.planning.generate_plan`: due dates, capacity spreading,
   numbered work orders and their creation events), timed from the first area to the last commit;
2. COPY of the same work-order rows (exported from the plan's own orders beforehand, not timed) into a plain table
   of the same columns without indexes or constraints, median of three;

and prints both and the ratio (target: plan ≤ 3 × COPY). The plan's orders are deleted before each run.

Environment: PREMISES (1000000), AREAS (20), BENCH_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/dispatch_safety_bench), BENCH_JSON (write the figures there).
"""

import io
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.django_setup import setup_bench_django

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dispatch_safety_bench"
TARGET_RATIO = 3.0
CLASSES = ["residential"] * 17 + ["commercial", "industrial", "welfare"]


def _log(message: str) -> None:
    print(f"[bench-safety] {message}", file=sys.stderr, flush=True)


def _copy(cursor, sql: str, lines) -> None:
    with cursor.copy(sql) as copy:
        buffer = io.StringIO()
        for count, line in enumerate(lines, start=1):
            buffer.write(line)
            if count % 100_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def _seed(premises: int, areas: int, year: int) -> list:
    """Offices, areas and inspectors by the ORM; accounts, premises and safety files by COPY (once per size)."""
    from django.db import connection

    from dispatch.customers.models import Premises
    from dispatch.org.models import Area, ServiceOffice
    from tests.factories.org import square  # plain GeoJSON helper, no test machinery
    from tests.workorders.conftest import make_technician

    bench_areas = list(Area.objects.filter(code__startswith="BS-").order_by("code"))
    if len(bench_areas) == areas and Premises.objects.filter(premises_no__startswith="SB").count() == premises:
        return bench_areas
    _log(f"seeding {premises:,} premises over {areas} areas ...")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workorders_workorderevent, workorders_workorder, safety_safetyfile, "
                       "safety_inspectionplan, customers_premises, customers_contact, customers_customeraccount "
                       "RESTART IDENTITY CASCADE")
    office, _ = ServiceOffice.objects.get_or_create(code="BS", defaults={"name": "Bench safety office"})
    bench_areas = []
    for index in range(areas):
        area, _ = Area.objects.get_or_create(code=f"BS-{index:02d}", defaults={
            "name": f"Bench area {index}", "office": office, "boundary": square(108.0 + index * 0.1, 22.5, 0.09)})
        bench_areas.append(area)
        if not area.primary_staff.exists():
            make_technician(office, f"bench-inspector-{index:02d}", skills=("inspection",), primary_area=area,
                            daily_capacity=40, employee_no=f"BSI{index:03d}")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        _copy(raw, "COPY customers_customeraccount (id, created_at, updated_at, account_no, name, customer_class, "
                   "phone, phone_alt, email, is_pensioner_alone, has_young_children, is_medically_dependent, "
                   "has_disability, vulnerability_notes, is_active) FROM STDIN",
              (f"{n}\t2020-01-01 00:00:00+00\t2020-01-01 00:00:00+00\tSA{n:09d}\tBench customer {n}\t"
               f"{CLASSES[n % len(CLASSES)]}\t138{n % 100_000_000:08d}\t\t\tf\tf\tf\tf\t\tt\n"
               for n in range(1, premises + 1)))
        area_ids = [area.pk for area in bench_areas]
        _copy(raw, "COPY customers_premises (id, created_at, updated_at, premises_no, account_id, address, district, "
                   "gas_type, lat, lng, geocode_status, area_id, access_notes, is_active) FROM STDIN",
              (f"{n}\t2020-01-01 00:00:00+00\t2020-01-01 00:00:00+00\tSB{n:09d}\t{n}\t{n} Bench Road, flat "
               f"{n % 40}\t\tng\t22.55\t108.05\tmanual\t{area_ids[n % areas]}\t\tt\n" for n in range(1, premises + 1)))
        # The last inspection puts every premises' due date in the plan year, spread over its days.
        def last(n: int) -> str:
            day = date.fromordinal(date(year, 1, 1).toordinal() + n % 365)
            years = 2 if CLASSES[n % len(CLASSES)] == "residential" else 1
            try:
                return day.replace(year=day.year - years).isoformat()
            except ValueError:  # 29 February
                return date(day.year - years, 2, 28).isoformat()

        _copy(raw, "COPY safety_safetyfile (created_at, updated_at, premises_id, last_inspected_on, "
                   "no_access_attempts) FROM STDIN",
              (f"2020-01-01 00:00:00+00\t2020-01-01 00:00:00+00\t{n}\t{last(n)}\t0\n" for n in range(1, premises + 1)))
        for table in ("customers_customeraccount", "customers_premises"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE")
    _log(f"seeded in {time.monotonic() - started:.0f} s")
    return bench_areas


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workorders_workorderevent, workorders_workorder, safety_inspectionplan CASCADE")
        cursor.execute("VACUUM ANALYZE workorders_workorder")
        cursor.execute("VACUUM ANALYZE workorders_workorderevent")


def _time_copy(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_workorders")
        cursor.execute("CREATE TABLE bench_plain_workorders (LIKE workorders_workorder)")
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy("COPY bench_plain_workorders FROM STDIN") as copy, \
            path.open("rb") as data:
        while block := data.read(1 << 20):
            copy.write(block)
    return time.monotonic() - started


def main() -> int:
    premises = int(os.environ.get("PREMISES", "1000000"))
    areas = int(os.environ.get("AREAS", "20"))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_bench_django(url)
    from django.db import connection
    from django.utils import timezone

    from dispatch.safety.planning import generate_plan

    year = timezone.localdate().year + 1
    bench_areas = _seed(premises, areas, year)
    connection.set_autocommit(True)
    _reset()
    _log(f"generating the {year} plan for {premises:,} premises in {areas} areas ...")
    started = time.monotonic()
    created = 0
    for area in bench_areas:
        created += generate_plan(area=area, year=year, actor=None).orders_created
    plan_seconds = time.monotonic() - started
    _log(f"plan: {created:,} orders in {plan_seconds:.1f} s; exporting them for COPY ...")
    path = ROOT / "var" / "bench" / f"safety_plan_orders_{premises}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor, path.open("wb") as out, cursor.cursor.copy(
            "COPY (SELECT * FROM workorders_workorder WHERE kind = 'safety_inspection') TO STDOUT") as copy:
        for block in copy:
            out.write(block)
    copies = [_time_copy(path) for _ in range(3)]
    copy_seconds = statistics.median(copies)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_plain_workorders")
        copied = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM workorders_workorderevent WHERE type = 'created'")
        events = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_plain_workorders")
    ratio = plan_seconds / copy_seconds
    figures = {"premises": premises, "areas": areas, "year": year, "orders": created, "events": events,
               "copied_rows": copied, "plan_seconds": round(plan_seconds, 2), "copy_seconds": round(copy_seconds, 2),
               "copy_runs": [round(value, 2) for value in copies], "ratio": round(ratio, 2),
               "target_ratio": TARGET_RATIO, "met": ratio <= TARGET_RATIO}
    print(f"safety plan: {created:,} inspections planned for {premises:,} premises ({areas} areas) "
          f"in {plan_seconds:.1f} s")
    print(f"COPY of the same {copied:,} work-order rows into a plain table: {copy_seconds:.1f} s (median of 3)")
    print(f"ratio plan / COPY: {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}) {'met' if figures['met'] else 'MISSED'}")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
