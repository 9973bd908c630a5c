"""manage.py import_readings FILE [--meters] [--report bad-rows.csv]: CSV import with a progress bar on stderr."""

import csv
import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from dispatch.common.errors import DispatchError
from dispatch.meters.imports import import_meters, import_readings


class _Bar:
    def __init__(self, total_bytes: int, stream=sys.stderr) -> None:
        self.total = max(total_bytes, 1)
        self.stream = stream
        self.started = time.monotonic()

    def __call__(self, chars: int, rows: int) -> None:
        share = min(chars / self.total, 1.0)
        filled = int(share * 30)
        elapsed = time.monotonic() - self.started
        rate = rows / elapsed if elapsed > 0 else 0
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} {rows:>10,} rows "
                          f"{rate:>9,.0f} rows/s")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Import meter readings (meter_serial,value,read_at[,reading_type]) or, with --meters, meters from CSV."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--meters", action="store_true", help="The file lists meters to take into stock.")
        parser.add_argument("--report", help="Write every bad row (line, code, message) to this CSV file.")
        parser.add_argument("--chunk", type=int, default=50_000, help="Rows per batch (readings).")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, meters, report, chunk, no_progress, **options):
        if not os.path.exists(file):
            raise CommandError(f"{file}: no such file")
        bar = None if no_progress else _Bar(os.path.getsize(file), self.stderr._out)
        with open(file, encoding="utf-8-sig", errors="replace", newline="") as stream:
            try:
                if meters:
                    result = import_meters(stream, actor=None, progress=bar)
                else:
                    result = import_readings(stream, actor=None, chunk_rows=chunk, progress=bar)
            except DispatchError as exc:
                raise CommandError(exc.message) from exc
        if bar:
            bar.done()
        problems = sorted(result.problems, key=lambda problem: problem.line)
        if report:
            with open(report, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "meter_serial", "code", "kept", "message"])
                for problem in problems:
                    writer.writerow([problem.line, problem.serial, problem.code, problem.kept, problem.message])
        else:
            for problem in problems[:200]:
                self.stdout.write(f"line {problem.line}: {problem.code}{' (kept)' if problem.kept else ''}: "
                                  f"{problem.serial} {problem.message}")
            if len(problems) > 200:
                self.stdout.write(f"... {len(problems) - 200} more (use --report FILE)")
        self.stdout.write(f"{result.total} rows: {result.imported} imported ({result.implausible} implausible, "
                          f"on the clerk's list), {result.rejected} rejected, in {result.seconds:.1f} s")
