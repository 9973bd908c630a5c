"""CSV imports keep every good row and report every bad one."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from dispatch.common.errors import DispatchError
from dispatch.meters.imports import import_meters, import_readings
from dispatch.meters.models import Meter, MeterReading, Plausibility
from dispatch.meters.readings import reading_record
from tests.factories import PremisesFactory
from tests.factories.meters import MeterFactory, installed_meter

pytestmark = pytest.mark.django_db


def stamp(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def two_meters(premises, now):
    first = installed_meter(premises, opening="100", installed_at=now - timedelta(days=200), serial="A1")
    second = installed_meter(PremisesFactory(area=premises.area), opening="5",
                             installed_at=now - timedelta(days=200), serial="B2")
    return first, second


def test_bad_rows_are_reported_and_good_rows_kept(two_meters, now, english):
    _first, second = two_meters
    reading_record(actor=None, meter=second, value="20", read_at=now - timedelta(days=60))
    text = "\n".join([
        "meter_serial,value,read_at,reading_type",
        f"A1,130.5,{stamp(now - timedelta(days=30))},actual",                 # 2 ok
        f"NOPE,10,{stamp(now - timedelta(days=30))},actual",                  # 3 unknown meter
        f"A1,12a,{stamp(now - timedelta(days=20))},actual",                   # 4 non-numeric
        f"A1,140,{stamp(now + timedelta(days=3))},actual",                    # 5 future date
        f"B2,20,{stamp(now - timedelta(days=60))},actual",                    # 6 duplicate of a stored reading
        f"A1,131,{stamp(now - timedelta(days=30))},actual",                   # 7 duplicate of line 2
        f"A1,50,{stamp(now - timedelta(days=10))},customer_read",             # 8 implausible: kept
        f"B2,30.125,{stamp(now - timedelta(days=1))},estimated",              # 9 ok
        "A1,1,not-a-date,actual",                                             # 10 bad date
        "",
        f"A1,1,{stamp(now)},guessed",                                         # 12 bad type
        "B2",                                                                 # 13 too few columns
        f"B2,-4,{stamp(now)}",                                                # 14 negative
    ])

    report = import_readings(io.StringIO(text), actor=None, chunk_rows=3)

    problems = {problem.line: problem for problem in report.problems}
    assert {line: problem.code for line, problem in problems.items()} == {
        3: "unknown_meter", 4: "invalid_value", 5: "future_date", 6: "duplicate", 7: "duplicate_in_file",
        8: "implausible", 10: "invalid_date", 12: "invalid_type", 13: "invalid_row", 14: "invalid_value"}
    assert problems[8].kept and problems[8].checks == ["below_previous"]
    assert "Line 2" in problems[7].message
    assert (report.total, report.imported, report.implausible, report.rejected) == (12, 3, 1, 9)
    stored = {(r.meter.serial, r.value, r.plausibility) for r in MeterReading.objects.filter(source="import")}
    assert stored == {("A1", Decimal("130.500"), "ok"), ("A1", Decimal("50.000"), "implausible_confirmed"),
                      ("B2", Decimal("30.125"), "ok")}
    assert MeterReading.objects.get(meter=second, value=Decimal("30.125")).consumption == Decimal("10.125")


def test_rows_chain_within_the_file_and_match_single_recording(two_meters, now):
    """Each kept row is the next row's baseline, across chunks, as if recorded one at a time."""
    first, _ = two_meters
    rows = ["meter_serial,value,read_at"]
    value = Decimal("100")
    for month in range(6, 0, -1):
        value += 30
        rows.append(f"A1,{value},{stamp(now - timedelta(days=30 * month))}")
    rows.append(f"A1,{value + 400},{stamp(now)}")  # far above the usual 1 m³ a day

    report = import_readings(io.StringIO("\n".join(rows)), actor=None, chunk_rows=2)

    assert report.imported == 7 and [p.checks for p in report.problems] == [["outside_tolerance"]]
    consumption = list(MeterReading.objects.filter(meter=first).order_by("read_at").values_list("consumption",
                                                                                                 flat=True))
    assert consumption == [Decimal("30")] * 6 + [Decimal("400")]


def test_back_dated_rows_are_checked_against_their_own_date(two_meters, now):
    first, _ = two_meters
    reading_record(actor=None, meter=first, value="160", read_at=now - timedelta(days=10))
    text = (f"meter_serial,value,read_at\nA1,130,{stamp(now - timedelta(days=40))}\n"
            f"A1,170,{stamp(now - timedelta(days=10))}\nA1,120,{stamp(now - timedelta(days=50))}\n")

    report = import_readings(io.StringIO(text), actor=None)

    assert [(p.line, p.code) for p in report.problems] == [(3, "duplicate")]
    assert MeterReading.objects.filter(meter=first).count() == 3


def test_readings_of_uninstalled_meters_and_before_installation(two_meters, now):
    MeterFactory(serial="STOCK")
    text = (f"meter_serial,value,read_at\nSTOCK,1,{stamp(now)}\n"
            f"A1,101,{stamp(now - timedelta(days=300))}\n")
    report = import_readings(io.StringIO(text), actor=None)
    assert [p.code for p in report.problems] == ["meter_not_installed", "before_installation"]


def test_missing_header_column_is_refused():
    with pytest.raises(DispatchError) as refused:
        import_readings(io.StringIO("serial,value\nA1,1\n"), actor=None)
    assert refused.value.code == "invalid_header"


def test_management_command_reports_and_writes_bad_rows(two_meters, now, tmp_path):
    source = tmp_path / "readings.csv"
    source.write_text(f"meter_serial,value,read_at\nA1,150,{stamp(now - timedelta(days=5))}\nZZ,1,{stamp(now)}\n")
    report_file = tmp_path / "bad.csv"
    out, err = io.StringIO(), io.StringIO()

    call_command("import_readings", str(source), "--report", str(report_file), stdout=out, stderr=err)

    assert "2 rows: 1 imported" in out.getvalue()
    assert "unknown_meter" in report_file.read_text()
    assert MeterReading.objects.filter(meter__serial="A1", plausibility=Plausibility.OK).count() == 1


def test_meter_import(english):
    MeterFactory(serial="OLD")
    text = "\n".join([
        "serial,manufacturer,model,size,manufactured_on,gas_type,first_verified_on,certificate_no",
        "N1,Goldcard,G4-D,G4,2024-01-10,ng,2024-02-01,JD-1",
        "N2,Goldcard,G4-D,G9,2024-01-10,ng,,",
        "OLD,Goldcard,G4-D,G4,2024-01-10,ng,,",
        "N1,Goldcard,G4-D,G4,2024-01-10,ng,,",
        "N3,Goldcard,G4-D,G4,2024-13-10,lpg,,",
        "N4,Viewshine,U6,G6,2023-05-05,lpg,,",
    ])
    report = import_meters(io.StringIO(text), actor=None)

    assert {p.line: p.code for p in report.problems} == {3: "invalid_row", 4: "duplicate", 5: "duplicate_in_file",
                                                          6: "invalid_row"}
    assert report.imported == 2
    n4 = Meter.objects.get(serial="N4")
    assert n4.status == "in_stock" and str(n4.service_life_expires_on) == "2029-05-05"
    assert n4.events.get().to_status == "in_stock"
