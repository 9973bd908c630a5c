"""The intake screen: search, the one-screen customer view, guided scripts and the gas-leak advice."""

import pytest
from django.test import Client

from dispatch.servicedesk.models import Complaint, ServiceRequest
from dispatch.servicedesk.selectors import customer_lookup
from dispatch.workorders.models import WorkOrder
from tests.factories import ContactFactory, CustomerAccountFactory, PremisesFactory
from tests.factories.workorders import WorkOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(agent, english):
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def wang(area):
    account = CustomerAccountFactory(account_no="A00012345", name="王建国", phone="13877001234")
    premises = PremisesFactory(account=account, area=area, address="青秀区民族大道 88 号 3 栋 2 单元 501")
    ContactFactory(account=account, name="王小明", phone="13600009999")
    return account, premises


def test_lookup_by_phone_account_name_address_and_contact(agent, wang):
    account, _premises = wang
    CustomerAccountFactory(name="李四", phone="13900000000")
    zhang = CustomerAccountFactory(name="Zhang Weiming", phone="13900000001")
    for query in ("138770", "A0001234", "a0001234", "王建", "王建国", "民族大道 88", "136000099"):
        assert [found.pk for found in customer_lookup(user=agent, query=query)] == [account.pk], query
    # Part of a name from three characters on (a trigram index answers it); shorter parts match the start only.
    assert [found.pk for found in customer_lookup(user=agent, query="Weim")] == [zhang.pk]
    assert customer_lookup(user=agent, query="建国") == []
    assert customer_lookup(user=agent, query="x") == []
    assert customer_lookup(user=agent, query="nobody here") == []


def test_lookup_is_scoped_to_desk_roles(technician, wang):
    assert customer_lookup(user=technician, query="王建") == []


def test_intake_page_and_search(desk, wang):
    page = desk.get("/desk/")
    assert page.status_code == 200
    assert "Find the caller" in page.content.decode()
    results = desk.get("/desk/search/", {"q": "王建"}).content.decode()
    assert "A00012345" in results and "民族大道 88 号" in results


def test_customer_card_shows_premises_open_jobs_and_history(desk, wang, area):
    account, premises = wang
    open_order = WorkOrderFactory(area=area, premises=premises, kind="repair")
    done = WorkOrderFactory(area=area, premises=premises, kind="meter_reading")
    WorkOrder.objects.filter(pk=done.pk).update(status="closed")
    html = desk.get(f"/desk/customer/{account.pk}/").content.decode()
    assert premises.premises_no in html and open_order.number in html and done.number in html
    assert "王小明" in html
    assert 'id="caller-fields" hx-swap-oob="true"' in html


def test_technician_gets_no_desk(technician):
    client = Client()
    client.force_login(technician)
    assert client.get("/desk/").status_code == 403


def test_script_questions_per_type_and_gas_leak_advice(desk):
    html = desk.get("/desk/script/", {"request_type": "gas_leak"}).content.decode()
    assert "safety-advice" in html and "close the gas valve" in html and "script_smell_where" in html
    html = desk.get("/desk/script/", {"request_type": "billing"}).content.decode()
    assert "safety-advice" not in html and "script_bill_month" in html


def test_gas_leak_call_raises_an_emergency_and_shows_the_advice(desk, wang, agent):
    _account, premises = wang
    response = desk.post("/desk/request/", {"request_type": "gas_leak", "premises": premises.pk,
                                            "script_smell_where": "kitchen", "script_strength": "strong",
                                            "caller_phone": "13877001234"})
    html = response.content.decode()
    assert response.status_code == 200, html
    request = ServiceRequest.objects.get()
    assert request.owner == agent and request.script_answers == {"smell_where": "kitchen", "strength": "strong"}
    assert request.work_order.priority == "emergency" and request.work_order.kind == "emergency"
    assert request.work_order.number in html and "safety-advice" in html and "Leave the building" in html


def test_complaint_from_the_desk_starts_the_loop(desk, wang):
    _account, premises = wang
    response = desk.post("/desk/request/", {"request_type": "complaint", "premises": premises.pk,
                                            "description": "Technician late twice", "category": "timeliness"})
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.category == "timeliness" and complaint.number in response.content.decode()


def test_missing_details_come_back_on_the_form(desk):
    response = desk.post("/desk/request/", {"request_type": "repair", "description": "no place"})
    assert response.status_code == 422
    assert "request-error" in response.content.decode()


def test_complaint_page_walks_a_step_and_hands_over(desk, wang, other_agent):
    _account, premises = wang
    desk.post("/desk/request/", {"request_type": "complaint", "premises": premises.pk, "description": "Rude"})
    complaint = Complaint.objects.get()
    page = f"/desk/complaints/{complaint.pk}/"
    assert desk.get("/desk/complaints/").status_code == 200
    assert desk.post(page, {"to_status": "judged", "founded": "yes", "category": "attitude"}).status_code == 302
    assert desk.post(page, {"to_status": "assigned"}).status_code in (302, 422)
    bad = desk.post(page, {"to_status": "closed", "summary": "x"})
    assert bad.status_code == 422
    assert desk.post(page, {"action": "handover", "to_user": "agent2", "reason": "Off shift"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.owner == other_agent


def test_callback_page_records_an_answer(desk, area):
    from datetime import timedelta

    from django.utils import timezone

    from dispatch.servicedesk.callbacks import create_callbacks
    from dispatch.servicedesk.models import Callback

    order = WorkOrderFactory(area=area, contact_phone="13900000001")
    WorkOrder.objects.filter(pk=order.pk).update(status="completed",
                                                 completed_at=timezone.now() - timedelta(days=1))
    create_callbacks(now=timezone.now())
    callback = Callback.objects.get()
    Callback.objects.filter(pk=callback.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    assert order.number in desk.get("/desk/callbacks/").content.decode()
    response = desk.post("/desk/callbacks/", {"callback": callback.pk, "reached": "yes", "satisfaction": "5",
                                              "problem_solved": "yes"})
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.status == "done" and callback.satisfaction == 5


def test_customer_search_api(as_user, agent, technician, wang):
    account, _premises = wang
    response = as_user(agent).get("/api/desk/customer-search/", {"q": "民族大道 88"})
    assert response.status_code == 200
    assert response.json() == [{"id": account.pk, "account_no": "A00012345", "name": "王建国",
                                "phone": "13877001234", "address": "青秀区民族大道 88 号 3 栋 2 单元 501"}]
    assert as_user(technician).get("/api/desk/customer-search/", {"q": "王建"}).status_code == 403
