"""The clerk's implausible list (accept, correct, re-read) and readings recorded by completing work orders."""

from datetime import timedelta
from decimal import Decimal

import pytest

from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AuditEvent
from dispatch.meters import readings
from dispatch.meters.models import MeterReading, Plausibility
from dispatch.workorders import services as wo
from dispatch.workorders.models import WorkOrder
from tests.factories.meters import MeterFactory
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def implausible(meter, now):
    return readings.reading_record(actor=None, meter=meter, value="90", read_at=now - timedelta(hours=1),
                                   confirm=True)


def test_accept(implausible, dispatcher):
    reading = readings.reading_accept(actor=dispatcher, reading_id=implausible.pk, note="Customer confirmed")
    assert reading.plausibility == Plausibility.ACCEPTED
    assert AuditEvent.objects.filter(object_id=str(reading.pk), actor=dispatcher).exists()
    with pytest.raises(Conflict) as again:
        readings.reading_accept(actor=dispatcher, reading_id=implausible.pk)
    assert again.value.code == "illegal_transition"


def test_correct_keeps_the_original_and_recomputes(implausible, dispatcher):
    with pytest.raises(DispatchError) as no_reason:
        readings.reading_correct(actor=dispatcher, reading_id=implausible.pk, value="190", reason="")
    assert no_reason.value.code == "reason_required"

    reading = readings.reading_correct(actor=dispatcher, reading_id=implausible.pk, value="190",
                                       reason="Digits swapped")
    assert reading.value == Decimal("190") and reading.original_value == Decimal("90")
    assert reading.consumption == Decimal("90") and reading.plausibility == Plausibility.CORRECTED


def test_reread_raises_a_meter_reading_order(implausible, dispatcher):
    reading = readings.reading_order_reread(actor=dispatcher, reading_id=implausible.pk, reason="Check")
    order = reading.reread_order
    assert reading.plausibility == Plausibility.REREAD_ORDERED
    assert order.kind == "meter_reading" and order.premises == implausible.premises
    assert order.source_ref == f"reading:{implausible.pk}"
    with pytest.raises(Conflict):
        readings.reading_order_reread(actor=dispatcher, reading_id=implausible.pk)


def _on_site(order, technician):
    wo.assign(work_order_id=order.pk, technician=technician, actor=None)
    for step in ("dispatched", "en_route", "on_site"):
        wo.transition(work_order_id=order.pk, to_status=step, actor=technician.user)


@pytest.fixture
def reader(office):
    return make_technician(office, "reader", skills=("meter_reading", "meter_exchange"))


def test_completing_a_reading_order_records_the_reading(area, premises, meter, reader):
    order = WorkOrderFactory(area=area, premises=premises, kind="meter_reading")
    _on_site(order, reader)

    with pytest.raises(DispatchError) as implausible:
        wo.complete(work_order_id=order.pk, actor=reader.user, checklist_answers={"seals_intact": True},
                    data={"meter_serial": meter.serial, "reading_m3": "50"})
    assert implausible.value.code == "implausible_reading"
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"

    wo.complete(work_order_id=order.pk, actor=reader.user, checklist_answers={"seals_intact": True},
                data={"meter_serial": meter.serial, "reading_m3": "50", "confirmed": True})
    reading = MeterReading.objects.get(work_order=order)
    assert reading.source == "mobile" and reading.entered_by == reader.user
    assert reading.plausibility == Plausibility.IMPLAUSIBLE_CONFIRMED


def test_completing_a_reading_order_with_an_unknown_meter_is_refused(area, premises, meter, reader):
    order = WorkOrderFactory(area=area, premises=premises, kind="meter_reading")
    _on_site(order, reader)
    with pytest.raises(DispatchError) as unknown:
        wo.complete(work_order_id=order.pk, actor=reader.user, checklist_answers={"seals_intact": True},
                    data={"meter_serial": "NOPE", "reading_m3": "150"})
    assert unknown.value.code == "unknown_meter" and "data.meter_serial" in unknown.value.fields


@pytest.mark.parametrize(("kind", "removed_status"), [("meter_replacement", "removed"),
                                                      ("meter_complaint_removal", "in_lab")])
def test_completing_an_exchange_removes_and_installs(area, premises, meter, reader, kind, removed_status):
    new = MeterFactory()
    order = WorkOrderFactory(area=area, premises=premises, kind=kind)
    _on_site(order, reader)
    wo.complete(work_order_id=order.pk, actor=reader.user,
                checklist_answers={"leak_test_done": True, "seals_intact": True},
                data={"removed_serial": meter.serial, "removed_reading_m3": "180", "installed_serial": new.serial,
                      "installed_reading_m3": "0.5"})
    meter.refresh_from_db()
    new.refresh_from_db()
    assert meter.status == removed_status and meter.premises is None
    assert new.status == "installed" and new.premises == premises
    assert new.installations.get().work_order == order
    assert MeterReading.objects.get(meter=meter).value == Decimal("180")
