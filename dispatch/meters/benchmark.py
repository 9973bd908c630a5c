"""scripts/bench-readings: the reading import with every check against PostgreSQL COPY of the same file.

Builds (once per size) a bench database with METERS installed meters, each with an opening reading and one
earlier reading, and a CSV of ROWS readings (monthly rounds over those meters, about 0.5 % bad rows of every
kind). Then it times, on the same database, COPY of the file into a plain table of text columns and the import
(`import_readings`: parsing, meter and history lookups, duplicate and plausibility checks, COPY of the kept rows),
and prints both and the ratio.

Environment: ROWS (1000000), METERS (ROWS / 10), CHUNK (50000), BENCH_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/dispatch_readings_bench), BENCH_JSON (write the figures there), SEED (7).
"""

import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from benchmarks.django_setup import setup_bench_django

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dispatch_readings_bench"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _seed(meters: int, rng: random.Random, first_round: datetime) -> None:
    """Accounts, premises, installed meters with an opening reading and a reading a month before the file."""
    from django.db import connection, transaction

    from dispatch.customers.models import CustomerAccount, Premises
    from dispatch.meters.models import Meter, MeterInstallation, MeterReading, MeterSize

    if Meter.objects.filter(serial__startswith="BM").count() == meters:
        return
    _log(f"seeding {meters:,} meters ...")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE meters_meterreading, meters_meterinstallation, meters_meterevent, meters_meter, "
                       "customers_premises, customers_contact, customers_customeraccount RESTART IDENTITY CASCADE")
    size = MeterSize.objects.get(code="G4")
    installed_at = first_round - timedelta(days=400)
    previous_at = first_round - timedelta(days=30)
    with transaction.atomic():
        for start in range(0, meters, 10_000):
            numbers = range(start, min(start + 10_000, meters))
            accounts = CustomerAccount.objects.bulk_create([
                CustomerAccount(account_no=f"BA{n:08d}", name=f"Bench {n}", phone=f"1380000{n % 10000:04d}")
                for n in numbers])
            places = Premises.objects.bulk_create([
                Premises(premises_no=f"BP{n:08d}", account=account, address=f"{n} Bench Road")
                for n, account in zip(numbers, accounts, strict=True)])
            fleet = Meter.objects.bulk_create([
                Meter(serial=f"BM{n:08d}", manufacturer="Goldcard", model="G4-D", size=size,
                      manufactured_on=date(2022, 1, 1) + timedelta(days=n % 300),
                      service_life_expires_on=date(2032, 1, 1) + timedelta(days=n % 300), status="installed",
                      premises=place)
                for n, place in zip(numbers, places, strict=True)])
            MeterInstallation.objects.bulk_create([
                MeterInstallation(meter=meter, premises=meter.premises, installed_at=installed_at,
                                  opening_reading=Decimal(rng.randrange(0, 2000)))
                for meter in fleet])
            MeterReading.objects.bulk_create([
                MeterReading(meter=meter, premises=meter.premises, value=Decimal(2500 + int(meter.serial[2:]) % 10),
                             read_at=previous_at, source="import", consumption=Decimal(40),
                             period_days=Decimal(30))
                for meter in fleet])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_seed_readings")
        cursor.execute("CREATE TABLE bench_seed_readings AS SELECT * FROM meters_meterreading")
        cursor.execute("ANALYZE")
    _log(f"seeded in {time.monotonic() - started:.0f} s")


def _csv(path: Path, rows: int, meters: int, rng: random.Random, first_round: datetime) -> dict[str, int]:
    """Monthly rounds over the meters, values rising from 2500; about 0.5 % bad rows of every kind."""
    if path.exists():
        return json.loads(path.with_suffix(".json").read_text())
    _log(f"writing {rows:,} rows to {path} ...")
    path.parent.mkdir(parents=True, exist_ok=True)
    bad = {"unknown_meter": 0, "invalid_value": 0, "future_date": 0, "duplicate_in_file": 0, "implausible": 0}
    values = [2500.0 + n % 10 for n in range(meters)]
    rounds = -(-rows // meters)
    written = 0
    future = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    with path.open("w", encoding="utf-8") as out:
        out.write("meter_serial,value,read_at,reading_type\n")
        for round_no in range(rounds):
            day = first_round + timedelta(days=30 * round_no)
            for n in range(meters):
                if written >= rows:
                    break
                values[n] += 20 + rng.random() * 40
                moment = (day + timedelta(seconds=n % 36000)).strftime("%Y-%m-%d %H:%M:%S")  # local time
                roll = rng.random()
                if roll < 0.001:
                    out.write(f"XX{n:08d},{values[n]:.3f},{moment},actual\n")
                    bad["unknown_meter"] += 1
                elif roll < 0.002:
                    out.write(f"BM{n:08d},{values[n]:.1f}x,{moment},actual\n")
                    bad["invalid_value"] += 1
                elif roll < 0.003:
                    out.write(f"BM{n:08d},{values[n]:.3f},{future},actual\n")
                    bad["future_date"] += 1
                elif roll < 0.004:
                    out.write(f"BM{n:08d},{values[n]:.3f},{moment},actual\n")
                    out.write(f"BM{n:08d},{values[n] + 1:.3f},{moment},actual\n")
                    bad["duplicate_in_file"] += 1
                    written += 1
                elif roll < 0.005:
                    out.write(f"BM{n:08d},{values[n] - 500:.3f},{moment},customer_read\n")
                    bad["implausible"] += 1
                else:
                    out.write(f"BM{n:08d},{values[n]:.3f},{moment},actual\n")
                written += 1
    path.with_suffix(".json").write_text(json.dumps(bad))
    return bad


def _time_copy(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_readings")
        cursor.execute("CREATE TABLE bench_plain_readings (meter_serial text, value text, read_at text, "
                       "reading_type text)")
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY bench_plain_readings FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, path.open("rb") as data:
        while block := data.read(1 << 20):
            copy.write(block)
    return time.monotonic() - started


def _time_table_floor() -> float:
    """COPY of the rows the import kept straight into a copy of the readings table (same indexes and foreign
    keys), without any parsing or checks: what storing them costs by itself."""
    import io

    from django.db import connection

    columns = ("meter_id, premises_id, value, read_at, reading_type, source, photo, consumption, period_days, "
               "plausibility, failed_checks, clerk_note, entered_by_id, created_at")
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY (SELECT {columns} FROM meters_meterreading WHERE id NOT IN "
                                "(SELECT id FROM bench_seed_readings)) TO STDOUT") as copy:
            for block in copy:
                buffer.write(block)
        cursor.execute("DROP TABLE IF EXISTS bench_readings_floor")
        cursor.execute("CREATE TABLE bench_readings_floor (LIKE meters_meterreading INCLUDING ALL)")
        cursor.execute("ALTER TABLE bench_readings_floor ADD FOREIGN KEY (meter_id) REFERENCES meters_meter (id) "
                       "DEFERRABLE INITIALLY DEFERRED, ADD FOREIGN KEY (premises_id) REFERENCES customers_premises "
                       "(id) DEFERRABLE INITIALLY DEFERRED")
    buffer.seek(0)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        with cursor.cursor.copy(f"COPY bench_readings_floor ({columns}) FROM STDIN") as copy:
            while block := buffer.read(1 << 20):
                copy.write(block)
        cursor.execute("COMMIT")
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_readings_floor")
    return seconds


def _reset_readings() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE meters_meterreading")
        cursor.execute("INSERT INTO meters_meterreading SELECT * FROM bench_seed_readings")
        cursor.execute("VACUUM ANALYZE meters_meterreading")


def main() -> int:
    rows = int(os.environ.get("ROWS", "1000000"))
    meters = int(os.environ.get("METERS", str(max(rows // 10, 1))))
    chunk = int(os.environ.get("CHUNK", "50000"))
    rng = random.Random(int(os.environ.get("SEED", "7")))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_bench_django(url)
    from django.db import connection
    from django.utils import timezone

    from dispatch.meters.imports import import_readings

    today = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    first_round = today - timedelta(days=30 * (-(-rows // meters)) + 1)
    _seed(meters, rng, first_round)
    path = ROOT / "var" / "bench" / f"readings_{rows}_{meters}.csv"
    bad = _csv(path, rows, meters, rng, first_round)
    connection.set_autocommit(True)
    copies = [_time_copy(path) for _ in range(3)]
    copy_seconds = statistics.median(copies)
    _reset_readings()
    _log("importing ...")
    started = time.monotonic()
    with path.open(encoding="utf-8", newline="") as stream:
        report = import_readings(stream, actor=None, chunk_rows=chunk)
    import_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meters_meterreading")
        stored = cursor.fetchone()[0] - meters
    floor_seconds = _time_table_floor()
    codes: dict[str, int] = {}
    for problem in report.problems:
        codes[problem.code] = codes.get(problem.code, 0) + 1
    figures = {
        "rows": report.total, "meters": meters, "copy_seconds": round(copy_seconds, 3),
        "copy_runs": [round(value, 3) for value in copies], "import_seconds": round(import_seconds, 3),
        "ratio": round(import_seconds / copy_seconds, 2), "imported": report.imported,
        "copy_kept_rows_into_readings_table_seconds": round(floor_seconds, 3),
        "implausible": report.implausible, "rejected": report.rejected, "problems_by_code": codes,
        "bad_rows_written": bad, "rows_per_second": round(report.total / import_seconds),
        "database": url, "stored_rows": stored,
        "import_phases": {phase: round(seconds, 2) for phase, seconds in report.timings.items()},
    }
    print(f"readings: {report.total:,} rows over {meters:,} meters")
    print(f"COPY into a plain table: {copy_seconds:8.2f} s (median of {', '.join(f'{v:.2f}' for v in copies)})")
    print(f"import with all checks:  {import_seconds:8.2f} s ({figures['rows_per_second']:,} rows/s)")
    print(f"ratio import / COPY:     {figures['ratio']:8.2f}")
    print(f"for reference, COPY of the kept rows into the readings table itself (indexes, foreign keys, no "
          f"checks): {floor_seconds:.2f} s ({floor_seconds / copy_seconds:.1f} × the plain COPY)")
    print("import phases (s):       " + ", ".join(f"{k} {v}" for k, v in figures["import_phases"].items()))
    print(f"kept {report.imported:,} ({report.implausible:,} implausible), rejected {report.rejected:,}: {codes}")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
