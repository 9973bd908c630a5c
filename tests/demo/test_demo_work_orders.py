import pytest
from django.utils import timezone

from dispatch.workorders.models import Status, WorkOrder, WorkOrderEvent

from .test_seed_demo import seed

pytestmark = pytest.mark.django_db


def test_demo_has_a_queue_planned_days_emergencies_and_history():
    seed()

    today = timezone.localdate()
    assert WorkOrder.objects.filter(status=Status.NEW, priority="emergency").count() == 3
    assert WorkOrder.objects.filter(status=Status.NEW, scheduled_date=today).exists()
    assert WorkOrder.objects.filter(assignee__user__username="tech", scheduled_date=today).exists()
    assert WorkOrder.objects.filter(status=Status.CLOSED).exists()
    # Made through the services: every order has its creation event and numbers follow the pattern.
    assert WorkOrderEvent.objects.filter(type="created").count() == WorkOrder.objects.count()
    assert all(number.startswith("WO") for number in WorkOrder.objects.values_list("number", flat=True))


def test_assigned_demo_jobs_respect_the_assignment_rules():
    from dispatch.workorders.assignment import assignment_refusal

    seed()

    for order in WorkOrder.objects.filter(status=Status.ASSIGNED).select_related("assignee__user"):
        assert assignment_refusal(order, order.assignee) is None, order.number


def test_demo_arrears_visits_have_unpaid_bills_behind_them():
    from dispatch.arrears import ledger
    from dispatch.arrears.models import Bill

    seed()

    visits = WorkOrder.objects.filter(kind="arrears_visit").select_related("premises")
    assert visits.exists()
    for visit in visits:
        assert Bill.objects.filter(account_id=visit.premises.account_id).count() == 2
        assert ledger.position(visit.premises.account_id).arrears > 0


def test_demo_has_an_hse_register_with_evaluated_entries():
    from dispatch.hse.models import Hazard

    seed()

    bands = set(Hazard.objects.values_list("band", flat=True))
    assert Hazard.objects.count() == 5 and Hazard.objects.filter(significant=True).exists()
    assert "high" in bands and "low" in bands
    assert all(hazard.revisions.count() == 1 for hazard in Hazard.objects.all())
