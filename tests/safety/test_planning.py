"""The annual plan: every customer inspected within the interval of its class, spread by capacity."""

import re
from datetime import date

import pytest

from dispatch.common.errors import Conflict
from dispatch.safety.config import add_months
from dispatch.safety.models import InspectionInterval, InspectionPlan, SafetyPolicy
from dispatch.safety.planning import generate_plan, working_days
from dispatch.workorders.models import Source, WorkOrder, WorkOrderEvent
from tests.factories.safety import inspection_order, premises_of
from tests.workorders.conftest import make_technician

pytestmark = pytest.mark.django_db

TODAY = date(2025, 11, 20)
YEAR = 2026


@pytest.fixture
def customers(area):
    """Every class, never inspected, overdue, due in the year, and due only after the year."""
    cases = [
        ("residential", None), ("residential", date(2024, 3, 15)), ("residential", date(2024, 12, 31)),
        ("residential", date(2025, 6, 1)), ("residential", date(2022, 1, 1)),
        ("commercial", date(2025, 2, 28)), ("commercial", date(2025, 12, 10)), ("commercial", None),
        ("industrial", date(2025, 7, 31)), ("welfare", date(2025, 1, 31)), ("welfare", date(2024, 5, 5)),
    ]
    return [(premises_of(area, customer_class, last_inspected=last), customer_class, last)
            for customer_class, last in cases]


def _due(customer_class: str, last: date | None) -> date:
    months = {"residential": 24}.get(customer_class, 12)
    return date(YEAR, 1, 1) if last is None else max(add_months(last, months), date(YEAR, 1, 1))


def test_plan_meets_the_interval_for_every_customer(area, customers, inspector, officer):
    plan = generate_plan(area=area, year=YEAR, actor=officer, today=TODAY)

    orders = {order.premises_id: order for order in WorkOrder.objects.filter(kind="safety_inspection")}
    assert WorkOrder.objects.filter(kind="safety_inspection").count() == len(orders)  # one each at most
    for premises, customer_class, last in customers:
        due = _due(customer_class, last)
        if due > date(YEAR, 12, 31):
            assert premises.pk not in orders, (customer_class, last)
            continue
        order = orders[premises.pk]
        assert date(YEAR, 1, 1) <= order.scheduled_date <= due, (customer_class, last, order.scheduled_date)
        assert order.scheduled_date.weekday() < 5
    # Residential inspected in June 2025 is due June 2027: not in the 2026 plan; every other one is.
    assert plan.orders_created == len(orders) == len(customers) - 1
    assert sum(plan.monthly.values()) == plan.orders_created


def test_plan_uses_the_configured_interval(area, inspector, officer):
    premises = premises_of(area, "residential", last_inspected=date(2025, 4, 10))
    assert not generate_plan(area=area, year=YEAR, actor=officer, today=TODAY).orders_created
    InspectionInterval.objects.filter(customer_class="residential").update(months=12)
    area2 = type(area).objects.create(code="QX-02", name="Two", office=area.office)
    premises.area = area2
    premises.save()
    generate_plan(area=area2, year=YEAR, actor=officer, today=TODAY)
    assert WorkOrder.objects.get(premises=premises).scheduled_date <= date(YEAR, 4, 10)


def test_orders_are_real_work_orders_with_numbers_and_creation_events(area, customers, inspector, officer):
    generate_plan(area=area, year=YEAR, actor=officer, today=TODAY)

    order = WorkOrder.objects.filter(kind="safety_inspection").first()
    assert re.fullmatch(rf"WO\d{{6}}-{order.pk:07d}", order.number)
    assert order.source == Source.PLAN and order.source_ref == f"PLAN-{YEAR}-QX-01"
    assert order.required_skills == ["inspection"] and order.duration_minutes == 30
    assert order.office_id == area.office_id and order.contact_phone == order.premises.account.phone
    assert order.status == "new" and order.sla_state == "none" and order.created_by == officer
    events = WorkOrderEvent.objects.filter(work_order__kind="safety_inspection", type="created")
    assert events.count() == WorkOrder.objects.filter(kind="safety_inspection").count()
    assert events.first().data["source"] == "plan"


def test_months_are_filled_by_capacity_without_passing_a_due_date(area, office, officer):
    make_technician(office, "small", skills=("inspection",), primary_area=area, daily_capacity=1)
    SafetyPolicy.objects.update(inspection_capacity_percent=50)
    # 30 residential customers last inspected in March 2024: all due in March 2026.
    for day in range(1, 31):
        premises_of(area, "residential", last_inspected=date(2024, 3, 1 + day % 28))

    plan = generate_plan(area=area, year=YEAR, actor=officer, today=TODAY)

    capacity = {int(month): value for month, value in plan.capacity.items()}
    assert capacity[3] == len(working_days(YEAR, 3, date(YEAR, 1, 1))) // 2
    loads = {int(month): count for month, count in plan.monthly.items()}
    assert loads[3] == capacity[3] and loads[2] == capacity[2]  # March full, then February
    assert loads[1] == 30 - capacity[3] - capacity[2]
    for order in WorkOrder.objects.filter(kind="safety_inspection").select_related("premises__safety_file"):
        assert order.scheduled_date <= add_months(order.premises.safety_file.last_inspected_on, 24)


def test_a_plan_is_made_once_and_skips_premises_with_an_open_inspection(area, inspector, officer):
    busy = premises_of(area, "commercial")
    inspection_order(busy)
    premises_of(area, "commercial")

    plan = generate_plan(area=area, year=YEAR, actor=officer, today=TODAY)

    assert plan.orders_created == 1
    assert WorkOrder.objects.filter(premises=busy).count() == 1
    with pytest.raises(Conflict) as refused:
        generate_plan(area=area, year=YEAR, actor=officer, today=TODAY)
    assert refused.value.code == "plan_exists"
    assert InspectionPlan.objects.count() == 1


def test_inactive_premises_are_left_out(area, inspector, officer):
    premises_of(area, "commercial", is_active=False)
    assert generate_plan(area=area, year=YEAR, actor=officer, today=TODAY).orders_created == 0
