"""Callbacks: the day after a completed visit, sampled per kind, only inside the allowed hours; the outcome."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from dispatch.common.errors import DispatchError
from dispatch.servicedesk.callbacks import (
    create_callbacks,
    in_allowed_hours,
    next_slot,
    record_callback,
    reschedule,
    slots_for_day,
)
from dispatch.servicedesk.models import Callback, CallbackPolicy, Complaint
from dispatch.workorders.models import WorkOrder
from tests.factories.workorders import WorkOrderFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


def done_order(area, *, kind="repair", completed=None, status="completed", phone="13900000001"):
    order = WorkOrderFactory(area=area, kind=kind, contact_phone=phone)
    WorkOrder.objects.filter(pk=order.pk).update(status=status, completed_at=completed or local(DAY - timedelta(1), 14))
    order.refresh_from_db()
    return order


def test_slots_lie_inside_the_default_windows():
    slots = slots_for_day(DAY)
    assert slots[0] == local(DAY, 10, 30) and slots[-1] == local(DAY, 17, 25)
    assert all(in_allowed_hours(slot) and in_allowed_hours(slot + timedelta(minutes=4)) for slot in slots)
    assert not any(local(DAY, 11, 30) <= slot < local(DAY, 15) for slot in slots)


def test_next_slot_never_falls_outside_the_allowed_hours():
    moment = local(DAY, 0)
    while moment < local(DAY + timedelta(days=2), 0):
        slot = next_slot(moment)
        assert slot >= moment and in_allowed_hours(slot), (moment, slot)
        moment += timedelta(minutes=7)
    assert next_slot(local(DAY, 12)) == local(DAY, 15)
    assert next_slot(local(DAY, 17, 26)) == local(DAY + timedelta(1), 10, 30)


def test_windows_are_configurable(settings):
    settings.SERVICEDESK_CALLBACK_WINDOWS = [("19:00", "20:00")]
    settings.SERVICEDESK_CALLBACK_SLOT_MINUTES = 30
    assert slots_for_day(DAY) == [local(DAY, 19), local(DAY, 19, 30)]
    assert next_slot(local(DAY, 10, 45)) == local(DAY, 19)


def test_callbacks_are_created_the_day_after_and_only_in_the_windows(area):
    orders = [done_order(area) for _ in range(30)]
    today_job = done_order(area, completed=local(DAY, 9))

    assert create_callbacks(now=local(DAY, 8)) == 30
    callbacks = Callback.objects.all()
    assert {callback.work_order_id for callback in callbacks} == {order.pk for order in orders}
    assert all(in_allowed_hours(callback.scheduled_at) for callback in callbacks)
    assert all(timezone.localdate(callback.scheduled_at) == DAY for callback in callbacks)
    assert not Callback.objects.filter(work_order=today_job).exists()
    # Idempotent: running again creates nothing.
    assert create_callbacks(now=local(DAY, 9)) == 0


def test_late_in_the_day_the_rest_of_the_windows_or_tomorrow(area):
    done_order(area)
    create_callbacks(now=local(DAY, 16))
    assert local(DAY, 16) <= Callback.objects.get().scheduled_at < local(DAY, 17, 30)

    done_order(area)
    create_callbacks(now=local(DAY, 18))
    late = Callback.objects.order_by("-pk").first()
    assert timezone.localdate(late.scheduled_at) == DAY + timedelta(1) and in_allowed_hours(late.scheduled_at)


def test_cancelled_unable_or_phoneless_jobs_get_no_callback(area):
    done_order(area, status="unable")
    done_order(area, status="cancelled")
    order = done_order(area, phone="")
    WorkOrder.objects.filter(pk=order.pk).update(contact_phone="")
    order.premises.account.phone = ""
    order.premises.account.save()
    assert create_callbacks(now=local(DAY, 8)) == 0


def test_sample_rate_per_kind(area):
    CallbackPolicy.objects.create(kind="repair", sample_percent=20)
    CallbackPolicy.objects.create(kind="meter_reading", sample_percent=0)
    for _ in range(100):
        done_order(area)
    for _ in range(10):
        done_order(area, kind="meter_reading")

    created = create_callbacks(now=local(DAY, 8))

    assert 10 <= created <= 30
    assert not Callback.objects.filter(kind="meter_reading").exists()


def test_not_reached_is_tried_again_in_an_allowed_slot_then_given_up(area, agent):
    done_order(area)
    create_callbacks(now=local(DAY, 8))
    callback = Callback.objects.get()

    callback = record_callback(callback_id=callback.pk, actor=agent, reached=False, now=local(DAY, 11, 20))
    assert callback.status == "scheduled" and callback.scheduled_at == local(DAY, 15)
    callback = record_callback(callback_id=callback.pk, actor=agent, reached=False, now=local(DAY, 17, 20))
    assert callback.scheduled_at == local(DAY + timedelta(1), 10, 30)
    callback = record_callback(callback_id=callback.pk, actor=agent, reached=False, now=local(DAY, 17, 25))
    assert callback.status == "unreachable" and callback.attempts == 3


def test_reschedule_moves_into_the_windows(area, agent):
    done_order(area)
    create_callbacks(now=local(DAY, 8))
    later = timezone.now() + timedelta(days=2)
    callback = reschedule(callback_id=Callback.objects.get().pk, actor=agent,
                          at=timezone.make_aware(datetime.combine(timezone.localdate(later), time(13, 0))))
    assert in_allowed_hours(callback.scheduled_at) and timezone.localtime(callback.scheduled_at).hour == 15


def test_satisfied_answer_is_recorded(area, agent):
    done_order(area)
    create_callbacks(now=local(DAY, 8))
    callback = record_callback(callback_id=Callback.objects.get().pk, actor=agent, reached=True, satisfaction=5,
                               problem_solved=True, comments="Polite and quick")
    assert (callback.status, callback.satisfaction, callback.follow_up, callback.agent) == ("done", 5, "", agent)


def test_satisfaction_is_required_and_1_to_5(area, agent):
    done_order(area)
    create_callbacks(now=local(DAY, 8))
    for bad in (None, 0, 6):
        with pytest.raises(DispatchError):
            record_callback(callback_id=Callback.objects.get().pk, actor=agent, reached=True, satisfaction=bad)


def test_problem_not_solved_reopens_the_job(area, agent):
    order = done_order(area)
    create_callbacks(now=local(DAY, 8))
    callback = record_callback(callback_id=Callback.objects.get().pk, actor=agent, reached=True, satisfaction=2,
                               problem_solved=False, comments="Stove still smells of gas")
    order.refresh_from_db()
    assert callback.follow_up == "reopened"
    assert order.status == "new"
    event = order.events.filter(from_status="completed", to_status="new").get()
    assert "Stove still smells of gas" in event.reason


def test_dissatisfied_with_the_service_opens_a_complaint_owned_by_the_agent(area, agent):
    order = done_order(area)
    create_callbacks(now=local(DAY, 8))
    callback = record_callback(callback_id=Callback.objects.get().pk, actor=agent, reached=True, satisfaction=1,
                               problem_solved=True, comments="Technician was rude")
    complaint = Complaint.objects.get()
    assert callback.follow_up == "complaint" and callback.complaint == complaint
    assert complaint.work_order == order and complaint.owner == agent and complaint.category == "quality"
    assert complaint.office == order.office
