"""On PostgreSQL: the COPY path of the import and meter status changes under concurrent requests."""

import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from dispatch.common.errors import DispatchError
from dispatch.meters.imports import import_readings
from dispatch.meters.models import MeterEvent, MeterInstallation, MeterReading
from dispatch.meters.services import meter_install
from tests.factories import PremisesFactory
from tests.factories.meters import MeterFactory, installed_meter

from .test_imports import stamp

pytestmark = [pytest.mark.integration]


@pytest.fixture(autouse=True)
def _postgres():
    assert connection.vendor == "postgresql", "integration tests need DATABASE_URL pointing at PostgreSQL"


@pytest.mark.django_db
def test_copy_import_keeps_good_rows_and_reports_bad(premises, now):
    meter = installed_meter(premises, opening="100", installed_at=now - timedelta(days=200), serial="PG1")
    text = "\n".join([
        "meter_serial,value,read_at",
        f"PG1,130.5,{stamp(now - timedelta(days=30))}",
        f"PG1,131,{stamp(now - timedelta(days=30))}",
        f"NOPE,1,{stamp(now)}",
        f"PG1,x,{stamp(now)}",
        f"PG1,140,{stamp(now + timedelta(days=2))}",
        f"PG1,120,{stamp(now - timedelta(days=2))}",
        f"PG1,150,{stamp(now - timedelta(days=1))}",
    ])
    report = import_readings(io.StringIO(text), actor=None, chunk_rows=2)

    assert {p.line: p.code for p in report.problems} == {
        3: "duplicate_in_file", 4: "unknown_meter", 5: "invalid_value", 6: "future_date", 7: "implausible",
        8: "implausible"}
    rows = list(MeterReading.objects.filter(meter=meter).order_by("read_at").values_list(
        "value", "plausibility", "failed_checks", "consumption"))
    assert rows == [(Decimal("130.500"), "ok", [], Decimal("30.500")),
                    (Decimal("120.000"), "implausible_confirmed", ["below_previous"], None),
                    # 30 m³ in a day after the (implausible) 120 is far from the usual 1 m³ a day.
                    (Decimal("150.000"), "implausible_confirmed", ["outside_tolerance"], Decimal("30.000"))]


@pytest.fixture
def seeded_meter_config(transactional_db):
    """The sizes and service lives a migration seeds: other transactional tests' flushes remove them."""
    from importlib import import_module

    from django.apps import apps

    import_module("dispatch.meters.migrations.0002_default_sizes_and_service_life").seed(apps, None)


@pytest.mark.django_db(transaction=True)
def test_two_installs_of_one_meter_at_once_one_wins(seeded_meter_config, area):
    meter = MeterFactory()
    places = [PremisesFactory(area=area), PremisesFactory(area=area)]
    barrier = threading.Barrier(2)
    outcomes = []

    def install(place):
        try:
            barrier.wait()
            meter_install(actor=None, premises=place, meter=meter, opening_reading=Decimal("0"))
            outcomes.append("ok")
        except DispatchError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=install, args=(place,)) for place in places]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["illegal_transition", "ok"]
    assert MeterInstallation.objects.filter(meter=meter).count() == 1
    assert MeterEvent.objects.filter(meter=meter, to_status="installed").count() == 1
