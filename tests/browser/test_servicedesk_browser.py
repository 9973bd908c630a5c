"""The agent's intake screen and the department head's dashboard in Chromium, screenshots kept as artefacts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.reports import kpis
from dispatch.servicedesk.models import ServiceRequest
from dispatch.workorders.models import WorkOrder
from tests.factories import (
    AreaFactory,
    CustomerAccountFactory,
    PremisesFactory,
    ServiceOfficeFactory,
    StaffProfileFactory,
    UserFactory,
    square,
)
from tests.factories.org import PASSWORD
from tests.factories.workorders import WorkOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_agent_finds_the_caller_and_raises_a_gas_leak(live_server, page, artifacts):
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    area = AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))
    account = CustomerAccountFactory(account_no="A00012345", name="Wang Jianguo", phone="13877001234")
    premises = PremisesFactory(account=account, area=area, address="88 Minzu Avenue, block 3, unit 2")
    old = WorkOrderFactory(area=area, premises=premises, kind="repair")
    WorkOrder.objects.filter(pk=old.pk).update(status="closed", completed_at=timezone.now() - timedelta(days=40))
    agent = UserFactory(username="agent", first_name="Li", last_name="Na", roles=["agent"])
    StaffProfileFactory(user=agent, office=office)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/desk/")
    expect(page.locator("h1")).to_have_text("Hotline intake")
    page.fill("#search-box", "138770")
    result = page.locator("#result-list a[data-account='A00012345']")
    expect(result).to_be_visible()
    result.click()
    expect(page.locator("#customer-name")).to_contain_text("Wang Jianguo")
    expect(page.locator("#premises-table")).to_contain_text("88 Minzu Avenue")
    expect(page.locator("#history")).to_contain_text(old.number)
    expect(page.locator("input[name=caller_phone]")).to_have_value("13877001234")

    page.select_option("#request-type", "gas_leak")
    expect(page.locator("#safety-advice")).to_contain_text("Leave the building")
    page.fill("#script_smell_where", "kitchen")
    page.fill("#script_strength", "strong")
    page.click("#open-request")
    expect(page.locator("#request-number")).to_be_visible()
    expect(page.locator("#work-order")).to_contain_text("Emergency")
    expect(page.locator("#safety-advice")).to_be_visible()
    request = ServiceRequest.objects.get()
    assert request.work_order.priority == "emergency" and request.owner == agent
    assert request.script_answers["smell_where"] == "kitchen"

    path = artifacts / "desk-intake.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.exists() and path.stat().st_size > 0
    assert errors == []


def test_department_head_dashboard(live_server, page, artifacts):
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    area = AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))
    now = timezone.now()
    for index in range(6):
        order = WorkOrderFactory(area=area)
        WorkOrder.objects.filter(pk=order.pk).update(
            status="completed", sla_state="met" if index else "breached",
            completed_at=now - timedelta(days=31 * (index % 3)))
    head = UserFactory(username="head", first_name="Zhou", roles=["manager"])
    StaffProfileFactory(user=head, office=office)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("#dashboard-title")).to_contain_text("Service KPIs")
    expect(page.locator("#kpi-cards .kpi")).to_have_count(len(kpis.DEFINITIONS))
    expect(page.locator(".kpi[data-kpi='sla'] svg.chart rect").first).to_be_attached()
    expect(page.locator("#office-table")).to_contain_text("Qingxiu")
    page.click(".kpi[data-kpi='sla'] a")
    expect(page.locator("#drill-table")).to_be_visible()
    page.go_back()

    path = artifacts / "desk-dashboard.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.exists() and path.stat().st_size > 0
    assert errors == []
