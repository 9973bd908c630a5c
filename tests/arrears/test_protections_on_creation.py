"""A suspension order typed in by hand meets the same protections as the daily dunning run."""

from datetime import date

import pytest
from django.utils import timezone

from dispatch.workorders.models import WorkOrder
from tests.factories import AreaFactory, CustomerAccountFactory, PremisesFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


def test_hand_made_suspension_for_a_vulnerable_customer_in_winter_is_refused(as_user, dispatcher, area,
                                                                            monkeypatch):
    from dispatch.arrears import ledger

    monkeypatch.setattr(ledger, "today", lambda: date(2026, 12, 10))
    pensioner = CustomerAccountFactory(is_pensioner_alone=True)
    premises = PremisesFactory(account=pensioner, area=area)

    response = as_user(dispatcher).post("/api/workorders/", {"kind": "supply_suspension", "premises": premises.pk},
                                        format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "protected_customer"
    assert not WorkOrder.objects.exists()


def test_hand_made_suspension_without_premises_is_refused(as_user, dispatcher, area):
    response = as_user(dispatcher).post("/api/workorders/", {"kind": "supply_suspension", "address": "x",
                                                             "area": area.pk}, format="json")

    assert response.status_code == 400 and "premises" in response.json()["fields"]


def test_no_suspension_order_before_a_payment_plan_was_offered(as_user, dispatcher, area):
    premises = PremisesFactory(account=CustomerAccountFactory(), area=area)

    response = as_user(dispatcher).post("/api/workorders/", {"kind": "supply_suspension", "premises": premises.pk},
                                        format="json")

    assert response.status_code == 400
    assert response.json()["protections"] == ["plan_not_offered"]


def test_a_customer_without_protection_can_get_a_suspension_order(as_user, dispatcher, area):
    from .conftest import declined_plan_offer

    premises = PremisesFactory(account=declined_plan_offer(CustomerAccountFactory()), area=area)

    response = as_user(dispatcher).post("/api/workorders/", {"kind": "supply_suspension", "premises": premises.pk,
                                                             "scheduled_date": timezone.localdate().isoformat()},
                                        format="json")

    assert response.status_code == 201, response.json()
