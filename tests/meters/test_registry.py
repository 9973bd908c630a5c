from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AppendOnlyError, AuditEvent
from dispatch.meters import services
from dispatch.meters.models import MeterEvent, MeterInstallation, MeterReading, MeterServiceLifePolicy, MeterStatus
from tests.factories import PremisesFactory
from tests.factories.meters import MeterFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("gas_type", "expires"), [("ng", date(2032, 3, 1)), ("lpg", date(2028, 3, 1)),
                                                   ("manufactured", date(2028, 3, 1))])
def test_service_life_follows_the_policy_rows(gas_type, expires):
    meter = MeterFactory(gas_type=gas_type, manufactured_on=date(2022, 3, 1))

    assert meter.service_life_expires_on == expires
    assert meter.status == MeterStatus.IN_STOCK
    assert list(meter.events.values_list("from_status", "to_status")) == [("", "in_stock")]


def test_changing_a_policy_recomputes_stored_expiry():
    ng = MeterFactory(gas_type="ng", manufactured_on=date(2020, 2, 29))
    lpg = MeterFactory(gas_type="lpg", manufactured_on=date(2020, 1, 1))

    services.service_life_policy_set(actor=None, gas_type="ng", years=8)

    ng.refresh_from_db()
    lpg.refresh_from_db()
    assert ng.service_life_expires_on == date(2028, 2, 29)
    assert lpg.service_life_expires_on == date(2026, 1, 1)
    assert MeterServiceLifePolicy.objects.get(gas_type="ng").years == 8


def test_without_a_policy_row_the_default_applies():
    MeterServiceLifePolicy.objects.all().delete()

    assert MeterFactory(gas_type="lpg", manufactured_on=date(2020, 5, 1)).service_life_expires_on == date(2026, 5, 1)


def test_duplicate_serial_and_impossible_dates_are_refused():
    MeterFactory(serial="X1")
    with pytest.raises(Conflict) as duplicate:
        MeterFactory(serial="X1")
    with pytest.raises(DispatchError) as dates:
        MeterFactory(manufactured_on=date(2022, 5, 1), first_verified_on=date(2022, 4, 1))

    assert duplicate.value.code == "duplicate_serial"
    assert "first_verified_on" in dates.value.fields


def test_install_and_remove_keep_history_events_and_audit(premises, now):
    meter = MeterFactory()

    installation = services.meter_install(actor=None, premises=premises, meter=meter, opening_reading=Decimal("12.5"),
                                          installed_at=now - timedelta(days=30))
    meter.refresh_from_db()
    assert meter.status == "installed" and meter.premises == premises
    services.meter_remove(actor=None, meter=meter, closing_reading=Decimal("80.250"), removed_at=now,
                          reason="Replaced")

    meter.refresh_from_db()
    installation.refresh_from_db()
    assert meter.status == "removed" and meter.premises is None
    assert installation.closing_reading == Decimal("80.250") and installation.removed_at == now
    assert list(meter.events.values_list("from_status", "to_status")) == [
        ("", "in_stock"), ("in_stock", "installed"), ("installed", "removed")]
    closing = MeterReading.objects.get(meter=meter)
    assert closing.value == Decimal("80.250") and closing.consumption == Decimal("67.750")
    assert AuditEvent.objects.filter(object_repr__contains=str(meter.pk)).count() >= 2


# Every (from, to) pair of statuses: the table allows some, everything else is 409.
ALL = [status.value for status in MeterStatus]


@pytest.mark.parametrize("from_status", ALL)
@pytest.mark.parametrize("to_status", ALL)
def test_transition_table(from_status, to_status):
    meter = MeterFactory()
    meter.status = from_status
    meter.save(update_fields=["status"])

    allowed = to_status in services.TRANSITIONS[from_status]
    if to_status in services.INSTALL_MOVES:
        with pytest.raises(Conflict) as refused:
            services.meter_transition(meter_id=meter.pk, to_status=to_status, actor=None, reason="r")
        assert refused.value.code in ("use_install",)
    elif allowed:
        services.meter_transition(meter_id=meter.pk, to_status=to_status, actor=None, reason="test")
        meter.refresh_from_db()
        assert meter.status == to_status
        assert meter.events.last().from_status == from_status
    else:
        with pytest.raises(Conflict) as refused:
            services.meter_transition(meter_id=meter.pk, to_status=to_status, actor=None, reason="r")
        assert refused.value.code == "illegal_transition" and refused.value.status_code == 409
        meter.refresh_from_db()
        assert meter.status == from_status


def test_scrapping_needs_a_reason():
    meter = MeterFactory()
    with pytest.raises(DispatchError) as refused:
        services.meter_transition(meter_id=meter.pk, to_status="scrapped", actor=None, reason=" ")
    assert refused.value.code == "reason_required"


def test_installed_meter_cannot_be_installed_twice_and_uninstalled_cannot_be_removed(premises, now):
    meter = MeterFactory()
    services.meter_install(actor=None, premises=premises, meter=meter, opening_reading=Decimal("0"))
    with pytest.raises(Conflict) as twice:
        services.meter_install(actor=None, premises=PremisesFactory(), meter=meter, opening_reading=Decimal("0"))
    stock = MeterFactory()
    with pytest.raises(Conflict) as not_installed:
        services.meter_remove(actor=None, meter=stock, closing_reading=Decimal("1"))

    assert twice.value.code == not_installed.value.code == "illegal_transition"
    assert MeterInstallation.objects.filter(meter=meter).count() == 1


def test_install_refuses_wrong_gas_and_expired_meters(premises):
    with pytest.raises(DispatchError) as gas:
        services.meter_install(actor=None, premises=premises, meter=MeterFactory(gas_type="lpg"),
                               opening_reading=Decimal("0"))
    with pytest.raises(DispatchError) as old:
        services.meter_install(actor=None, premises=premises, meter=MeterFactory(manufactured_on=date(2010, 1, 1)),
                               opening_reading=Decimal("0"))
    assert gas.value.code == "gas_type_mismatch"
    assert old.value.code == "meter_past_service_life"


def test_transition_locks_the_meter_row():
    meter = MeterFactory()
    with CaptureQueriesContext(connection) as queries:
        services.meter_transition(meter_id=meter.pk, to_status="in_lab", actor=None)
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)
    assert meter.events.count() == 2


def test_meter_events_are_append_only():
    event = MeterFactory().events.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert MeterEvent.objects.count() == 1
