import pytest

from dispatch.servicedesk.models import ServiceRequest
from dispatch.workorders.models import Notification, WorkOrder, WorkOrderEvent
from tests.factories import AreaFactory, PremisesFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


def intake(client, **payload):
    return client.post("/api/service-requests/", {"description": "caller report", **payload}, format="json")


def test_gas_leak_call_becomes_an_emergency_order_at_once(as_user, agent, dispatcher, area):
    response = intake(as_user(agent), request_type="gas_leak", address="民族大道 100 号 楼道", lat=22.82, lng=108.33,
                      caller_phone="13800000000")

    assert response.status_code == 201, response.json()
    order = WorkOrder.objects.get(pk=response.json()["work_order"])
    assert (order.kind, order.priority, order.area) == ("emergency", "emergency", area)
    assert order.attend_by is not None
    assert Notification.objects.filter(recipient=dispatcher, work_order=order, topic="emergency").exists()
    assert ServiceRequest.objects.get().owner == agent


def test_second_call_for_the_same_job_joins_the_open_order(as_user, agent, area):
    premises = PremisesFactory(area=area)
    client = as_user(agent)

    first = intake(client, request_type="repair", premises=premises.pk)
    second = intake(client, request_type="repair", premises=premises.pk, description="calling again")

    assert second.json()["work_order"] == first.json()["work_order"]
    assert second.json()["joined_existing"] is True
    assert WorkOrder.objects.count() == 1
    assert WorkOrderEvent.objects.filter(type="duplicate", reason="calling again").exists()


def test_a_different_kind_at_the_same_premises_is_a_new_order(as_user, agent, area):
    premises = PremisesFactory(area=area)
    client = as_user(agent)

    intake(client, request_type="repair", premises=premises.pk)
    intake(client, request_type="gas_leak", premises=premises.pk)

    assert WorkOrder.objects.count() == 2


def test_consultation_records_the_request_without_field_work(as_user, agent):
    response = intake(as_user(agent), request_type="billing")

    assert response.status_code == 201
    assert response.json()["work_order"] is None


def test_field_request_without_place_is_refused(as_user, agent):
    response = intake(as_user(agent), request_type="repair")

    assert response.status_code == 400
    assert "address" in response.json()["fields"]


def test_technicians_cannot_use_the_desk(as_user, technician):
    assert intake(as_user(technician), request_type="billing").status_code == 403
