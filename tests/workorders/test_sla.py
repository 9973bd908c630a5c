from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.workorders import services
from dispatch.workorders.models import Notification, SlaPolicy, SlaState, WorkOrder, WorkOrderEvent
from tests.factories.workorders import WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_gas_escape_must_be_attended_within_an_hour_by_default(area):
    before = timezone.now()
    order = WorkOrderFactory(area=area, kind="emergency")

    assert order.priority == "emergency"
    assert timedelta(minutes=59) < order.attend_by - before <= timedelta(minutes=61)
    assert order.sla_state == SlaState.OK


def test_site_policy_overrides_the_kind_default(area):
    SlaPolicy.objects.create(kind="emergency", priority="emergency", attend_minutes=30, resolve_minutes=240)
    before = timezone.now()

    order = WorkOrderFactory(area=area, kind="emergency")

    assert order.attend_by - before <= timedelta(minutes=31)


def test_planned_work_has_no_clock(area):
    order = WorkOrderFactory(area=area, kind="meter_reading")

    assert order.sla_state == SlaState.NONE and order.attend_by is None


def test_refresh_flags_at_risk_then_breached_and_tells_the_office_dispatcher(area, dispatcher, other_dispatcher):
    order = WorkOrderFactory(area=area, kind="emergency")
    created = order.created_at

    services.refresh_sla_states(now=created + timedelta(minutes=30))
    assert WorkOrder.objects.get(pk=order.pk).sla_state == SlaState.OK

    services.refresh_sla_states(now=created + timedelta(minutes=50))
    assert WorkOrder.objects.get(pk=order.pk).sla_state == SlaState.AT_RISK

    counts = services.refresh_sla_states(now=created + timedelta(minutes=61))
    assert counts["breached"] == 1
    assert WorkOrder.objects.get(pk=order.pk).sla_state == SlaState.BREACHED
    topics = set(Notification.objects.filter(recipient=dispatcher, work_order=order).values_list("topic", flat=True))
    assert topics == {"emergency", "sla_at_risk", "sla_breached"}
    assert not Notification.objects.filter(recipient=other_dispatcher).exists()
    assert WorkOrderEvent.objects.filter(work_order=order, type="sla").count() == 2


def test_refresh_is_idempotent(area):
    order = WorkOrderFactory(area=area, kind="emergency")
    later = order.created_at + timedelta(hours=2)

    first = services.refresh_sla_states(now=later)
    second = services.refresh_sla_states(now=later)

    assert first["breached"] == 1 and second["breached"] == 0


def test_attending_in_time_switches_the_clock_to_the_resolve_deadline(area, repairer, dispatcher):
    order = WorkOrderFactory(area=area, kind="repair", priority="urgent")
    services.assign(work_order_id=order.pk, technician=repairer, actor=dispatcher)
    services.transition(work_order_id=order.pk, to_status="dispatched", actor=dispatcher)
    services.transition(work_order_id=order.pk, to_status="en_route", actor=repairer.user)
    services.transition(work_order_id=order.pk, to_status="on_site", actor=repairer.user)
    order.refresh_from_db()

    assert order.sla_due_at == order.resolve_by
    services.refresh_sla_states(now=order.created_at + timedelta(hours=5))
    order.refresh_from_db()
    assert order.sla_state == SlaState.OK


def test_completion_meets_the_sla(area, repairer, dispatcher):
    order = WorkOrderFactory(area=area, kind="repair", priority="urgent")
    services.assign(work_order_id=order.pk, technician=repairer, actor=dispatcher)
    for step in ("dispatched", "en_route", "on_site"):
        services.transition(work_order_id=order.pk, to_status=step, actor=dispatcher)
    services.complete(work_order_id=order.pk, actor=repairer.user,
                      checklist_answers={"leak_test_done": True, "supply_restored_safely": True},
                      data={"fault_found": "a", "work_done": "b"})

    order.refresh_from_db()
    assert order.sla_state == SlaState.MET and order.sla_due_at is None


def test_pause_stops_the_clock_and_resume_moves_the_deadlines(area, dispatcher, monkeypatch):
    order = WorkOrderFactory(area=area, kind="repair", priority="urgent")
    attend_by = order.attend_by
    paused_at = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: paused_at)
    services.pause_sla(work_order_id=order.pk, actor=dispatcher, reason="Customer asked to come after 18:00")

    assert services.refresh_sla_states(now=paused_at + timedelta(days=2))["breached"] == 0
    monkeypatch.setattr(timezone, "now", lambda: paused_at + timedelta(hours=3))
    services.resume_sla(work_order_id=order.pk, actor=dispatcher)

    order.refresh_from_db()
    assert order.attend_by == attend_by + timedelta(hours=3)
    assert order.sla_paused_at is None


def test_pause_needs_a_reason_and_a_running_clock(area, dispatcher, as_user):
    order = WorkOrderFactory(area=area, kind="repair", priority="urgent")
    planned = WorkOrderFactory(area=area, kind="meter_reading")
    client = as_user(dispatcher)

    no_reason = client.post(f"/api/workorders/{order.pk}/sla/pause/", {}, format="json")
    no_clock = client.post(f"/api/workorders/{planned.pk}/sla/pause/", {"reason": "x"}, format="json")

    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    assert no_clock.status_code == 409 and no_clock.json()["code"] == "sla_not_running"


def test_beat_schedule_runs_the_sla_check_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-sla-states"]

    assert entry["task"] == "dispatch.workorders.tasks.refresh_sla_states"
    assert entry["schedule"] == 60.0
