"""CSV import of readings and of meters: every good row kept, every bad row reported with its line and reason.

Readings (`meter_serial,value,read_at[,reading_type]`) are read in chunks. For each chunk the meters, their open
installations, their last readings and their premises' history are loaded in a few queries; the rows are then
checked in file order against an in-memory state (each kept row becomes the next row's baseline) with the same
pure rules as a single reading (`plausibility.check`), and the kept rows are written in one COPY (PostgreSQL) or
bulk insert per chunk, each chunk in its own transaction. A reading dated before a meter's latest known reading
(back-dated) is checked and stored one by one against the database afterwards.

What happens to a row:

* rejected (not stored, reported): unknown meter, meter not installed, before its installation, non-numeric or
  negative reading or more than 3 decimals, unreadable date, a blocking plausibility failure (future date, value
  beyond the register), duplicate of an existing reading for the same meter and time, or of an earlier row of the
  file;
* implausible (stored as "implausible_confirmed" on the clerk's list, and reported): any other failed check;
* ok: stored.
"""

import csv
import gc
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import DispatchError
from dispatch.common.models import AuditEvent

from . import plausibility, services
from .models import (
    AccuracyClass,
    Meter,
    MeterEvent,
    MeterGasType,
    MeterInstallation,
    MeterLocation,
    MeterModelSpec,
    MeterReading,
    MeterSize,
    MeterStatus,
    MeterType,
    Plausibility,
    ReadingSource,
    ReadingType,
)
from .readings import HISTORY_DAYS, HISTORY_STATUSES, evaluate, load_history

CHUNK_ROWS = 50_000
VALUE = re.compile(r"^\d{1,9}(?:\.\d{1,3})?$")
READING_COLUMNS = ("meter_serial", "value", "read_at")
READING_OPTIONAL = ("reading_type",)


@dataclass
class RowProblem:
    line: int
    code: str
    message: str
    serial: str = ""
    kept: bool = False
    checks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "message": self.message, "meter_serial": self.serial,
                "kept": self.kept, "checks": self.checks}


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    implausible: int = 0
    rejected: int = 0
    seconds: float = 0.0
    problems: list[RowProblem] = field(default_factory=list)
    # Where the time went (seconds): parse, load, check, write (incl. commit), one_by_one.
    timings: dict[str, float] = field(default_factory=dict)

    def timed(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - since
        return now

    def problem(self, line: int, code: str, message: str, serial: str = "", *, kept: bool = False,
                checks: Iterable[str] = ()) -> None:
        self.problems.append(RowProblem(line, code, str(message), serial, kept, list(checks)))
        if kept:
            self.implausible += 1
        else:
            self.rejected += 1

    def as_dict(self) -> dict[str, Any]:
        return {"total_rows": self.total, "imported": self.imported, "implausible": self.implausible,
                "rejected": self.rejected, "seconds": round(self.seconds, 3),
                "problems": [problem.as_dict() for problem in sorted(self.problems, key=lambda p: p.line)]}


Progress = Callable[[int, int], None]  # (characters read so far, rows read so far)


class _CountingLines:
    """Lines of a text stream, counting the characters read (for a progress bar)."""

    def __init__(self, stream: Iterable[str]) -> None:
        self.stream = stream
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.stream:
            self.chars += len(line)
            yield line


def _header(row: list[str] | None, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, int]:
    names = [name.strip().lower().lstrip("\ufeff") for name in (row or [])]
    missing = [name for name in required if name not in names]
    if missing:
        message = _("The first line must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        raise DispatchError("invalid_header", message, fields={"file": [message]})
    return {name: names.index(name) for name in (*required, *optional) if name in names}


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_moment(raw: str, zone: ZoneInfo) -> datetime | None:
    """ISO 8601 date or date-time; without an offset it is the utility's local time."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


@dataclass
class _MeterState:
    id: int
    premises_id: int | None
    expires: Any
    digits: int | None
    installed_at: datetime | None
    # The baseline the next row is compared with: value, moment, from the installation, line of the file or 0.
    value: Decimal | None = None
    at: datetime | None = None
    is_installation: bool = False
    line: int = 0


class _ReadingImport:
    def __init__(self, *, actor, report: ImportReport) -> None:
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.report = report
        self.zone = _local_zone()
        self.now = timezone.now()
        self.started = self.now
        self.rules = plausibility.rules()
        self.meters: dict[str, _MeterState | None] = {}
        self.history: dict[int, plausibility.History] = {}
        self.specs = {(spec.manufacturer, spec.model): spec.register_digits
                      for spec in MeterModelSpec.objects.all()}
        self.use_copy = connection.vendor == "postgresql"

    # Loading, a chunk at a time -------------------------------------------------------------------------------

    def _load_meters(self, serials: set[str], earliest: datetime) -> None:
        serials -= self.meters.keys()
        if not serials:
            return
        found, installations, last = ({}, {}, {})
        for serial_chunk in _chunks(sorted(serials), 20_000):
            rows = self._meter_rows(serial_chunk)
            found.update({row[1]: row for row in rows})
            ids = [row[0] for row in rows]
            installations.update(self._open_installations(ids))
            last.update(self._last_readings(ids))
        premises_ids = set()
        for serial in serials:
            row = found.get(serial)
            if row is None:
                self.meters[serial] = None
                continue
            meter_id, _serial, premises_id, expires, manufacturer, model = row
            installation = installations.get(meter_id)
            state = _MeterState(meter_id, premises_id, expires, self.specs.get((manufacturer, model)),
                                installation[0] if installation else None)
            previous = last.get(meter_id)
            baseline = plausibility.choose_baseline(
                previous_value=previous[0] if previous else None, previous_at=previous[1] if previous else None,
                opening_value=installation[1] if installation else None,
                installed_at=installation[0] if installation else None)
            if baseline is not None:
                state.value, state.at, state.is_installation = baseline.value, baseline.at, baseline.is_installation
            self.meters[serial] = state
            if premises_id is not None and premises_id not in self.history:
                premises_ids.add(premises_id)
        for id_chunk in _chunks(sorted(premises_ids), 20_000):
            loaded = self._history(id_chunk, earliest - timedelta(days=HISTORY_DAYS))
            for premises_id in id_chunk:
                self.history[premises_id] = loaded.get(premises_id, {})

    # On PostgreSQL the batch lookups pass their keys as one array parameter (= ANY), not thousands of literals.

    def _meter_rows(self, serials: list[str]) -> list[tuple]:
        fields = ("id", "serial", "premises_id", "service_life_expires_on", "manufacturer", "model")
        if not self.use_copy:
            return list(Meter.objects.filter(serial__in=serials).values_list(*fields))
        return self._sql(f"SELECT {', '.join(fields)} FROM {Meter._meta.db_table} WHERE serial = ANY(%s)",
                         [serials])

    def _open_installations(self, meter_ids: list[int]) -> dict[int, tuple[datetime, Decimal]]:
        if not self.use_copy:
            rows = MeterInstallation.objects.filter(meter_id__in=meter_ids, removed_at__isnull=True).values_list(
                "meter_id", "installed_at", "opening_reading")
        else:
            rows = self._sql(f"SELECT meter_id, installed_at, opening_reading FROM "
                             f"{MeterInstallation._meta.db_table} WHERE meter_id = ANY(%s) AND removed_at IS NULL",
                             [meter_ids])
        return {meter_id: (at, opening) for meter_id, at, opening in rows}

    def _history(self, premises_ids: list[int], since: datetime) -> dict[int, plausibility.History]:
        if not self.use_copy:
            return load_history(premises_ids, since)
        history: dict[int, plausibility.History] = {}
        rows = self._sql(
            "SELECT premises_id, (EXTRACT(YEAR FROM read_at AT TIME ZONE %s) * 12 + EXTRACT(MONTH FROM read_at AT "
            "TIME ZONE %s) - 1)::int AS month, SUM(consumption), SUM(period_days) "
            f"FROM {MeterReading._meta.db_table} WHERE premises_id = ANY(%s) AND read_at >= %s "
            "AND consumption IS NOT NULL AND plausibility = ANY(%s) GROUP BY 1, 2",
            [settings.TIME_ZONE, settings.TIME_ZONE, premises_ids, since, [str(s) for s in HISTORY_STATUSES]])
        for premises_id, month, used, days in rows:
            history.setdefault(premises_id, {})[month] = [float(used or 0), float(days or 0)]
        return history

    @staticmethod
    def _sql(sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _last_readings(self, meter_ids: list[int]) -> dict[int, tuple[Decimal, datetime]]:
        if self.use_copy:
            rows = self._sql(f"SELECT DISTINCT ON (meter_id) meter_id, value, read_at FROM "
                             f"{MeterReading._meta.db_table} WHERE meter_id = ANY(%s) ORDER BY meter_id, read_at DESC",
                             [meter_ids])
            return {meter_id: (value, at) for meter_id, value, at in rows}
        readings = MeterReading.objects.filter(meter_id__in=meter_ids)
        latest = readings.values("meter_id").annotate(at=Max("read_at")).order_by()
        query = Q()
        for row in latest:
            query |= Q(meter_id=row["meter_id"], read_at=row["at"])
        if not query:
            return {}
        return {meter_id: (value, at) for meter_id, value, at in
                MeterReading.objects.filter(query).values_list("meter_id", "value", "read_at")}

    # Checking ---------------------------------------------------------------------------------------------------

    def run_chunk(self, rows: list[tuple[int, list[str]]], columns: dict[str, int]) -> None:
        report = self.report
        serial_at, value_at, read_at_at = columns["meter_serial"], columns["value"], columns["read_at"]
        type_at = columns.get("reading_type")
        reading_types = frozenset(ReadingType.values)
        width = max(serial_at, value_at, read_at_at) + 1
        parsed = []
        earliest = None
        clock = time.perf_counter()
        for line, row in rows:
            if len(row) < width:
                report.problem(line, "invalid_row", _("The row has too few columns."))
                continue
            serial = row[serial_at].strip()
            raw_value = row[value_at].strip()
            if not serial:
                report.problem(line, "invalid_row", _("The meter serial number is missing."))
                continue
            if not VALUE.match(raw_value):
                report.problem(line, "invalid_value",
                               _("The reading “%(value)s” is not a number of 0 or more with at most 3 decimals.")
                               % {"value": raw_value[:40]}, serial)
                continue
            read_at = parse_moment(row[read_at_at], self.zone)
            if read_at is None:
                report.problem(line, "invalid_date", _("The date “%(value)s” is not a date and time.")
                               % {"value": row[read_at_at][:40]}, serial)
                continue
            reading_type = (row[type_at].strip() if type_at is not None and type_at < len(row) else ""
                            ) or ReadingType.ACTUAL
            if reading_type not in reading_types:
                report.problem(line, "invalid_type", _("Unknown reading type “%(value)s”.")
                               % {"value": reading_type[:40]}, serial)
                continue
            parsed.append((line, serial, Decimal(raw_value), read_at, reading_type))
            if earliest is None or read_at < earliest:
                earliest = read_at
        clock = report.timed("parse", clock)
        if not parsed:
            return
        self._load_meters({row[1] for row in parsed}, earliest)
        clock = report.timed("load", clock)
        keep = []
        back_dated = []
        check = plausibility.check
        add_to_history = plausibility.add_to_history
        rules, now = self.rules, self.now
        for line, serial, value, read_at, reading_type in parsed:
            state = self.meters[serial]
            if state is None:
                report.problem(line, "unknown_meter", _("No meter has this serial number."), serial)
                continue
            if state.premises_id is None:
                report.problem(line, "meter_not_installed", _("The meter is not installed."), serial)
                continue
            if state.installed_at is not None and read_at < state.installed_at:
                report.problem(line, "before_installation",
                               _("The reading is dated before the meter was installed."), serial)
                continue
            if state.at is not None and read_at <= state.at:
                if read_at == state.at and state.line:
                    report.problem(line, "duplicate_in_file",
                                   _("Line %(line)s has a reading of this meter at the same time.")
                                   % {"line": state.line}, serial)
                elif read_at == state.at and not state.is_installation:
                    report.problem(line, "duplicate", _("This meter already has a reading at that time."), serial)
                else:
                    back_dated.append((line, serial, value, read_at, reading_type))
                continue
            baseline = None if state.at is None else plausibility.Baseline(state.value, state.at,
                                                                           state.is_installation)
            history = self.history.setdefault(state.premises_id, {})
            outcome = check(value=value, read_at=read_at, now=now, baseline=baseline, register_digits=state.digits,
                            service_life_expires_on=state.expires, history=history, rules=rules)
            if outcome.failed:
                if outcome.blocking:
                    report.problem(line, outcome.failed[0], _describe(outcome.failed), serial,
                                   checks=outcome.failed)
                    continue
                report.problem(line, "implausible", _describe(outcome.failed), serial, kept=True,
                               checks=outcome.failed)
            elif outcome.consumption is not None:
                add_to_history(history, read_at, float(outcome.consumption), outcome.period_days, rules.zone)
            state.value, state.at, state.is_installation, state.line = value, read_at, False, line
            keep.append((state.id, state.premises_id, value, read_at, reading_type, outcome))
        clock = report.timed("check", clock)
        with transaction.atomic():
            self._write(keep)
        clock = report.timed("write", clock)
        report.imported += len(keep)
        for row in back_dated:
            self._one_by_one(*row)
        report.timed("one_by_one", clock)

    def _write(self, keep: list) -> None:
        if not keep:
            return
        entered_by = self.actor.pk if self.actor else None
        if self.use_copy:
            self._copy(keep, entered_by)
            return
        MeterReading.objects.bulk_create([
            MeterReading(meter_id=meter_id, premises_id=premises_id, value=value, read_at=read_at,
                         reading_type=reading_type, source=ReadingSource.IMPORT, consumption=outcome.consumption,
                         period_days=_days(outcome.period_days),
                         plausibility=Plausibility.IMPLAUSIBLE_CONFIRMED if outcome.failed else Plausibility.OK,
                         failed_checks=list(outcome.failed), entered_by_id=entered_by)
            for meter_id, premises_id, value, read_at, reading_type, outcome in keep], batch_size=2000)

    def _copy(self, keep: list, entered_by: int | None) -> None:
        """COPY the kept rows into the readings table (text format, built as one string per block)."""
        table = MeterReading._meta.db_table
        by = "\\N" if entered_by is None else str(entered_by)
        created = self.started.isoformat()
        ok, implausible = Plausibility.OK.value, Plausibility.IMPLAUSIBLE_CONFIRMED.value
        source = ReadingSource.IMPORT.value
        sql = (f"COPY {table} (meter_id, premises_id, value, read_at, reading_type, source, photo, consumption, "
               "period_days, plausibility, failed_checks, clerk_note, entered_by_id, created_at) FROM STDIN")
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            lines = []
            for meter_id, premises_id, value, read_at, reading_type, outcome in keep:
                consumption = "\\N" if outcome.consumption is None else str(outcome.consumption)
                days = "\\N" if outcome.period_days is None else f"{min(outcome.period_days, 99999.999):.3f}"
                if outcome.failed:
                    status, checks = implausible, json.dumps(list(outcome.failed))
                else:
                    status, checks = ok, "[]"
                lines.append(f"{meter_id}\t{premises_id}\t{value}\t{read_at.isoformat()}\t{reading_type}\t{source}"
                             f"\t\t{consumption}\t{days}\t{status}\t{checks}\t\t{by}\t{created}\n")
                if len(lines) >= 10_000:
                    copy.write("".join(lines))
                    lines.clear()
            if lines:
                copy.write("".join(lines))

    def _one_by_one(self, line: int, serial: str, value: Decimal, read_at: datetime, reading_type: str) -> None:
        """A back-dated row: checked against the database around its own date and stored on its own."""
        state = self.meters[serial]
        existing = MeterReading.objects.filter(meter_id=state.id, read_at=read_at).values("created_at").first()
        if existing is not None:
            if existing["created_at"] >= self.started:
                self.report.problem(line, "duplicate_in_file",
                                    _("An earlier line has a reading of this meter at the same time."), serial)
            else:
                self.report.problem(line, "duplicate", _("This meter already has a reading at that time."), serial)
            return
        meter = Meter.objects.get(pk=state.id)
        installation = MeterInstallation.objects.filter(meter=meter, removed_at__isnull=True).first()
        outcome = evaluate(meter=meter, premises=meter.premises, value=value, read_at=read_at,
                           installation=installation)
        if outcome.blocking:
            self.report.problem(line, outcome.failed[0], _describe(outcome.failed), serial, checks=outcome.failed)
            return
        if outcome.failed:
            self.report.problem(line, "implausible", _describe(outcome.failed), serial, kept=True,
                                checks=outcome.failed)
        with transaction.atomic():
            self._write([(state.id, state.premises_id, value, read_at, reading_type, outcome)])
        self.report.imported += 1


def _describe(failed) -> str:
    return " ".join(check["message"] for check in plausibility.describe(failed))


def _days(days: float | None) -> Decimal | None:
    return None if days is None else Decimal(f"{min(days, 99999.999):.3f}")


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def import_readings(stream: Iterable[str], *, actor, chunk_rows: int = CHUNK_ROWS,
                    progress: Progress | None = None) -> ImportReport:
    """Import readings from CSV text lines; see the module docstring for what happens to each row."""
    # The import holds millions of small objects (meter states, history, rows of a chunk) that all live to the
    # end: the cyclic garbage collector would walk them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import_readings(stream, actor=actor, chunk_rows=chunk_rows, progress=progress)
    finally:
        if collecting:
            gc.enable()


def _import_readings(stream: Iterable[str], *, actor, chunk_rows: int, progress: Progress | None) -> ImportReport:
    started = time.monotonic()
    report = ImportReport()
    lines = _CountingLines(stream)
    reader = csv.reader(lines)
    columns = _header(next(reader, None), READING_COLUMNS, READING_OPTIONAL)
    job = _ReadingImport(actor=actor, report=report)
    chunk: list[tuple[int, list[str]]] = []
    for line, row in _rows(reader, report):
        chunk.append((line, row))
        if len(chunk) >= chunk_rows:
            report.total += len(chunk)
            job.run_chunk(chunk, columns)
            chunk = []
            if progress:
                progress(lines.chars, report.total)
    if chunk:
        report.total += len(chunk)
        job.run_chunk(chunk, columns)
    if progress:
        progress(lines.chars, report.total)
    report.seconds = time.monotonic() - started
    record_event(actor=job.actor, action=AuditEvent.Action.CREATE, instance=None,
                 changes={"import": "meter_readings", "total": report.total, "imported": report.imported,
                          "implausible": report.implausible, "rejected": report.rejected})
    return report


# Meters -----------------------------------------------------------------------------------------------------------

METER_COLUMNS = ("serial", "manufacturer", "model", "size", "manufactured_on")
METER_OPTIONAL = ("meter_type", "accuracy_class", "gas_type", "first_verified_on", "certificate_no", "location",
                  "meter_box")


def _meter_row(row: list[str], columns: dict[str, int], sizes: dict[str, MeterSize]) -> tuple[dict, list[str]]:
    def cell(name: str, default: str = "") -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else default

    errors = []
    fields: dict[str, Any] = {"serial": cell("serial"), "manufacturer": cell("manufacturer"), "model": cell("model")}
    for name in ("serial", "manufacturer", "model"):
        if not fields[name]:
            errors.append(_("%(column)s is missing.") % {"column": name})
    if len(fields["serial"]) > 40:
        errors.append(_("The serial number is longer than 40 characters."))
    size = sizes.get(cell("size"))
    if size is None:
        errors.append(_("Unknown meter size “%(value)s”.") % {"value": cell("size")[:20]})
    fields["size"] = size
    for name, choices, default in (("meter_type", MeterType, MeterType.DIAPHRAGM),
                                   ("accuracy_class", AccuracyClass, AccuracyClass.CLASS_1_5),
                                   ("gas_type", MeterGasType, MeterGasType.NATURAL_GAS),
                                   ("location", MeterLocation, MeterLocation.INDOOR)):
        value = cell(name, default) or default
        if value not in choices.values:
            errors.append(_("Unknown %(column)s “%(value)s”.") % {"column": name, "value": value[:20]})
        fields[name] = value
    for name, column in (("manufactured_on", "manufactured_on"), ("first_verified_on", "first_verified_on")):
        raw = cell(column)
        if not raw:
            fields[name] = None
            if name == "manufactured_on":
                errors.append(_("%(column)s is missing.") % {"column": column})
            continue
        try:
            fields[name] = datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError:
            errors.append(_("%(column)s “%(value)s” is not a date (YYYY-MM-DD).") % {"column": column,
                                                                                     "value": raw[:20]})
            fields[name] = None
    fields["first_verification_certificate_no"] = cell("certificate_no")[:60]
    fields["meter_box"] = cell("meter_box")[:60]
    if not errors:
        try:
            services._check_meter_fields(fields)
        except DispatchError as exc:
            errors.extend(message for messages in exc.fields.values() for message in messages)
    return fields, errors


def import_meters(stream: Iterable[str], *, actor, progress: Progress | None = None) -> ImportReport:
    """Take meters into stock from CSV; each good row registered, each bad row reported."""
    started = time.monotonic()
    report = ImportReport()
    lines = _CountingLines(stream)
    reader = csv.reader(lines)
    columns = _header(next(reader, None), METER_COLUMNS, METER_OPTIONAL)
    sizes = {size.code: size for size in MeterSize.objects.all()}
    years = services.service_life_years()
    user = actor if getattr(actor, "is_authenticated", False) else None
    seen: dict[str, int] = {}
    batch: list[Meter] = []

    def flush():
        existing = set(Meter.objects.filter(serial__in=[meter.serial for meter in batch])
                       .values_list("serial", flat=True))
        fresh = []
        for meter in batch:
            if meter.serial in existing:
                report.problem(meter._line, "duplicate", _("A meter with this serial number is already registered."),
                               meter.serial)
            else:
                fresh.append(meter)
        with transaction.atomic():
            created = Meter.objects.bulk_create(fresh, batch_size=2000)
            if created and created[0].pk is None:
                ids = dict(Meter.objects.filter(serial__in=[m.serial for m in created]).values_list("serial", "id"))
                for meter in created:
                    meter.pk = ids[meter.serial]
            MeterEvent.objects.bulk_create([MeterEvent(meter=meter, actor=user, from_status="",
                                                       to_status=MeterStatus.IN_STOCK, reason=_("Imported"))
                                            for meter in created], batch_size=2000)
        report.imported += len(fresh)
        batch.clear()

    for line, row in _rows(reader, report):
        report.total += 1
        fields, errors = _meter_row(row, columns, sizes)
        if errors:
            report.problem(line, "invalid_row", " ".join(str(error) for error in errors), fields.get("serial", ""))
            continue
        if fields["serial"] in seen:
            report.problem(line, "duplicate_in_file", _("Line %(line)s has the same serial number.")
                           % {"line": seen[fields["serial"]]}, fields["serial"])
            continue
        seen[fields["serial"]] = line
        meter = Meter(**fields, status=MeterStatus.IN_STOCK,
                      service_life_expires_on=services.service_life_expiry(fields["manufactured_on"],
                                                                           fields["gas_type"], years))
        meter._line = line
        batch.append(meter)
        if len(batch) >= 5000:
            flush()
            if progress:
                progress(lines.chars, report.total)
    if batch:
        flush()
    if progress:
        progress(lines.chars, report.total)
    report.seconds = time.monotonic() - started
    record_event(actor=user, action=AuditEvent.Action.CREATE, instance=None,
                 changes={"import": "meters", "total": report.total, "imported": report.imported,
                          "rejected": report.rejected})
    return report


def text_lines(upload) -> io.TextIOWrapper:
    """An uploaded file as text lines (UTF-8, with or without a byte-order mark)."""
    # Undecodable bytes become U+FFFD: the row is then reported (unknown meter, not a number), never skipped.
    return io.TextIOWrapper(upload, encoding="utf-8-sig", errors="replace", newline="")


def _rows(reader, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each non-empty row; a line the CSV reader cannot read is reported and skipped."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.total += 1
            report.problem(reader.line_num, "invalid_row", _("The line cannot be read as CSV: %(error)s")
                           % {"error": exc})
            continue
        if row and any(cell.strip() for cell in row):
            yield reader.line_num, row
