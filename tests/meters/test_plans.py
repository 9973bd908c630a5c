"""Replacement planning and reading rounds by area."""

from datetime import date, timedelta

import pytest

from dispatch.common.errors import DispatchError
from dispatch.meters import plans
from dispatch.meters.models import Meter
from dispatch.workorders.models import WorkOrder
from tests.factories import PremisesFactory
from tests.factories.meters import installed_meter

pytestmark = pytest.mark.django_db


def _expiring(premises, days: int) -> Meter:
    meter = installed_meter(premises, opening="0")
    Meter.objects.filter(pk=meter.pk).update(service_life_expires_on=date.today() + timedelta(days=days))
    return meter


def test_add_months_keeps_month_ends():
    assert plans.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert plans.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_replacement_due_and_orders(area, settings, dispatcher):
    soon = _expiring(PremisesFactory(area=area, lat=22.81, lng=108.31), 40)
    overdue = _expiring(PremisesFactory(area=area, lat=22.82, lng=108.32), -5)
    later = _expiring(PremisesFactory(area=area, lat=22.83, lng=108.33), 200)

    assert list(plans.replacement_due(Meter.objects.all(), months_ahead=3)) == [overdue, soon]
    settings.METER_REPLACEMENT_MONTHS_AHEAD = 12
    assert later in plans.replacement_due(Meter.objects.all())
    with pytest.raises(DispatchError):
        plans.replacement_due(Meter.objects.all(), months_ahead=-1)

    first = plans.replacement_orders_create(actor=dispatcher, area=area, months_ahead=3)
    again = plans.replacement_orders_create(actor=dispatcher, area=area, months_ahead=3)

    assert [order.source_ref for order in first.created] == [f"meter:{overdue.serial}", f"meter:{soon.serial}"]
    assert {order.kind for order in first.created} == {"meter_replacement"}
    assert again.created == [] and sorted(again.already_open) == sorted([overdue.serial, soon.serial])


def test_reading_round_walks_from_the_office(area, dispatcher):
    area.office.lat, area.office.lng = 22.80, 108.30
    area.office.save()
    far = installed_meter(PremisesFactory(area=area, lat=22.84, lng=108.34), opening="0")
    near = installed_meter(PremisesFactory(area=area, lat=22.801, lng=108.301), opening="0")
    middle = installed_meter(PremisesFactory(area=area, lat=22.82, lng=108.32), opening="0")
    nowhere = installed_meter(PremisesFactory(area=area), opening="0")

    result = plans.reading_round_create(actor=dispatcher, area=area, scheduled_date=date.today())

    assert [order.premises_id for order in result.created] == [near.premises_id, middle.premises_id,
                                                              far.premises_id, nowhere.premises_id]
    assert all(order.kind == "meter_reading" and order.source == "plan" for order in result.created)
    assert plans.reading_round_create(actor=dispatcher, area=area).created == []


def test_plan_api(as_user, area, dispatcher, technician, lab):
    _expiring(PremisesFactory(area=area, lat=22.81, lng=108.31), 10)
    assert as_user(lab).get("/api/meters/replacement-due/", {"months_ahead": 1}).json()["count"] == 1
    bad = as_user(lab).get("/api/meters/replacement-due/", {"months_ahead": "x"})
    assert bad.status_code == 400 and "months_ahead" in bad.json()["fields"]
    assert as_user(technician).post("/api/meters/replacement-orders/", {"area": area.pk},
                                    format="json").status_code == 403
    created = as_user(dispatcher).post("/api/meters/replacement-orders/", {"area": area.pk}, format="json")
    assert created.status_code == 201 and len(created.json()["created"]) == 1
    assert WorkOrder.objects.filter(kind="meter_replacement").count() == 1
    unknown = as_user(dispatcher).post("/api/meters/reading-round/", {"area": 99999}, format="json")
    assert unknown.status_code == 400 and "area" in unknown.json()["fields"]
    round_ = as_user(dispatcher).post("/api/meters/reading-round/", {"area": area.pk}, format="json")
    assert round_.status_code == 201 and len(round_.json()["created"]) == 1
