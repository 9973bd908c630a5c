"""The complaint closed loop: each step and its rules, ownership and hand-over, the 24-hour clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.common.errors import Conflict, DispatchError, PermissionDenied
from dispatch.common.models import AppendOnlyError, AuditEvent
from dispatch.servicedesk.complaints import (
    TRANSITIONS,
    close_request,
    complaint_transition,
    escalate_complaints,
    handover,
)
from dispatch.servicedesk.models import Complaint, ComplaintEvent, ComplaintStatus, RequestHandover
from dispatch.servicedesk.services import request_intake
from dispatch.workorders.models import Notification

pytestmark = pytest.mark.django_db
S = ComplaintStatus

STEPS = [
    (S.JUDGED, {"founded": True, "category": "timeliness"}),
    (S.ASSIGNED, {"department": "service_office"}),
    (S.INVESTIGATED, {"root_cause": "scheduling", "investigation": "Two emergencies that morning."}),
    (S.PROPOSED, {"proposal": "Apologise; book a fixed slot."}),
    ("approve", {}),
    (S.CARRIED_OUT, {"action_taken": "Visited and fixed on Tuesday 10:00."}),
    (S.INFORMED, {"customer_told": "Told by phone."}),
    (S.CALLED_BACK, {"satisfaction": 5, "callback_comments": "Fine now"}),
    (S.CLOSED, {"summary": "Slot booking rule reminded to the office."}),
]


def complaint_by(agent, premises, **kwargs):
    request = request_intake(actor=agent, request_type="complaint", premises=premises,
                             description="Nobody came on Monday", **kwargs)
    return request.complaint


def walk(complaint, agent, supervisor, until):
    for to_status, data in STEPS:
        if to_status == "approve":
            complaint = complaint_transition(complaint_id=complaint.pk, to_status=S.APPROVED, actor=supervisor)
        else:
            complaint = complaint_transition(complaint_id=complaint.pk, to_status=to_status, actor=agent, **data)
        if complaint.status == until:
            break
    return complaint


def test_a_complaint_call_is_accepted_with_a_24_hour_clock(agent, premises):
    complaint = complaint_by(agent, premises, complaint_category="attitude")

    assert complaint.status == S.ACCEPTED
    assert complaint.office == premises.area.office and complaint.area == premises.area
    assert complaint.due_at - complaint.created_at == timedelta(hours=24)
    assert complaint.owner == agent
    assert complaint.number.startswith("CP")
    assert list(complaint.events.values_list("to_status", flat=True)) == [S.ACCEPTED]


def test_the_whole_loop_records_one_event_per_step(agent, supervisor, premises):
    complaint = walk(complaint_by(agent, premises), agent, supervisor, until=S.CLOSED)

    assert complaint.status == S.CLOSED and complaint.closed_at is not None
    assert complaint.handled_at is not None and complaint.approved_by == supervisor
    assert list(complaint.events.values_list("to_status", flat=True)) == [
        "accepted", "judged", "assigned", "investigated", "proposed", "approved", "carried_out", "informed",
        "called_back", "closed"]
    assert complaint.request.status == "closed"


@pytest.mark.parametrize("step", [i for i, (name, _data) in enumerate(STEPS) if name != "approve"])
def test_each_step_refuses_missing_details(agent, supervisor, premises, step):
    complaint = complaint_by(agent, premises)
    if step:
        complaint = walk(complaint, agent, supervisor, until=STEPS[step - 1][0] if STEPS[step - 1][0] != "approve"
                         else S.APPROVED)
    to_status, data = STEPS[step]
    with pytest.raises(DispatchError) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=to_status, actor=agent)
    assert refused.value.code == "invalid"
    assert set(refused.value.fields) == set(data) - {"callback_comments"}


def test_steps_cannot_be_skipped(agent, premises):
    complaint = complaint_by(agent, premises)
    for target in (S.ASSIGNED, S.PROPOSED, S.CLOSED, "nonsense"):
        with pytest.raises(Conflict) as refused:
            complaint_transition(complaint_id=complaint.pk, to_status=target, actor=agent, department="dispatch",
                                 proposal="x", summary="x")
        assert refused.value.code == "illegal_transition"
    assert set(TRANSITIONS[S.CLOSED]) == set()


def test_bad_values_are_refused_per_field(agent, premises):
    complaint = complaint_by(agent, premises)
    with pytest.raises(DispatchError) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=S.JUDGED, actor=agent, founded="yes",
                             category="weather")
    assert set(refused.value.fields) == {"founded", "category"}


def test_unfounded_complaint_is_explained_not_assigned(agent, premises):
    complaint = complaint_by(agent, premises)
    complaint_transition(complaint_id=complaint.pk, to_status=S.JUDGED, actor=agent, founded=False,
                         category="billing")
    with pytest.raises(Conflict) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=S.ASSIGNED, actor=agent, department="billing")
    assert refused.value.code == "not_founded"

    complaint = complaint_transition(complaint_id=complaint.pk, to_status=S.INFORMED, actor=agent,
                                     customer_told="Explained the tiered tariff.")
    assert complaint.handled_at is not None


def test_founded_complaint_must_go_to_a_department(agent, premises):
    complaint = complaint_by(agent, premises)
    complaint_transition(complaint_id=complaint.pk, to_status=S.JUDGED, actor=agent, founded=True,
                         category="quality")
    with pytest.raises(Conflict) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=S.INFORMED, actor=agent, customer_told="x")
    assert refused.value.code == "founded"


def test_only_a_supervisor_approves_and_not_their_own_proposal(agent, supervisor, premises):
    complaint = walk(complaint_by(agent, premises), agent, supervisor, until=S.PROPOSED)
    with pytest.raises(PermissionDenied) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=S.APPROVED, actor=agent)
    assert refused.value.code == "supervisor_required"

    own = walk(complaint_by(supervisor, premises), supervisor, supervisor, until=S.PROPOSED)
    with pytest.raises(PermissionDenied) as refused:
        complaint_transition(complaint_id=own.pk, to_status=S.APPROVED, actor=supervisor)
    assert refused.value.code == "four_eyes"


def test_supervisor_sends_a_proposal_back_with_a_reason(agent, supervisor, premises):
    complaint = walk(complaint_by(agent, premises), agent, supervisor, until=S.PROPOSED)
    with pytest.raises(DispatchError) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=S.INVESTIGATED, actor=supervisor)
    assert refused.value.code == "reason_required"

    complaint = complaint_transition(complaint_id=complaint.pk, to_status=S.INVESTIGATED, actor=supervisor,
                                     reason="Compensation not considered")
    assert complaint.status == S.INVESTIGATED
    assert complaint.events.last().reason == "Compensation not considered"


def test_a_dissatisfied_callback_blocks_closing_until_investigated_again(agent, supervisor, premises):
    complaint = walk(complaint_by(agent, premises), agent, supervisor, until=S.INFORMED)
    complaint = complaint_transition(complaint_id=complaint.pk, to_status=S.CALLED_BACK, actor=agent,
                                     satisfaction=2)
    with pytest.raises(Conflict) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=S.CLOSED, actor=agent, summary="done")
    assert refused.value.code == "customer_dissatisfied"

    complaint = complaint_transition(complaint_id=complaint.pk, to_status=S.INVESTIGATED, actor=agent,
                                     reason="Customer still unhappy")
    assert complaint.status == S.INVESTIGATED


def test_satisfaction_must_be_1_to_5(agent, supervisor, premises):
    complaint = walk(complaint_by(agent, premises), agent, supervisor, until=S.INFORMED)
    for bad in (0, 6, "5", True):
        with pytest.raises(DispatchError):
            complaint_transition(complaint_id=complaint.pk, to_status=S.CALLED_BACK, actor=agent, satisfaction=bad)


def test_only_the_owner_moves_the_complaint(agent, other_agent, premises):
    complaint = complaint_by(agent, premises)
    with pytest.raises(PermissionDenied) as refused:
        complaint_transition(complaint_id=complaint.pk, to_status=S.JUDGED, actor=other_agent, founded=True,
                             category="quality")
    assert refused.value.code == "not_owner"


def test_hand_over_is_explicit_and_audited(agent, other_agent, premises, outsider):
    complaint = complaint_by(agent, premises)
    with pytest.raises(DispatchError):
        handover(request_id=complaint.request_id, to_user=other_agent, actor=agent, reason="")
    with pytest.raises(PermissionDenied):
        handover(request_id=complaint.request_id, to_user=other_agent, actor=other_agent, reason="taking it")
    with pytest.raises(DispatchError):
        handover(request_id=complaint.request_id, to_user=outsider, actor=agent, reason="lab")

    handover(request_id=complaint.request_id, to_user=other_agent, actor=agent, reason="Shift ends")

    complaint.refresh_from_db()
    assert complaint.owner == other_agent
    row = RequestHandover.objects.get()
    assert (row.from_owner, row.to_owner, row.by, row.reason) == (agent, other_agent, agent, "Shift ends")
    assert AuditEvent.objects.filter(object_id=str(complaint.request_id), reason="Shift ends").exists()
    assert complaint.events.filter(data__handover__to="agent2").exists()
    # The new owner now handles it; the old one no longer can.
    complaint_transition(complaint_id=complaint.pk, to_status=S.JUDGED, actor=other_agent, founded=True,
                         category="quality")
    with pytest.raises(PermissionDenied):
        complaint_transition(complaint_id=complaint.pk, to_status=S.ASSIGNED, actor=agent, department="dispatch")


def test_request_closes_only_after_its_complaint(agent, supervisor, premises):
    complaint = complaint_by(agent, premises)
    with pytest.raises(Conflict) as refused:
        close_request(request_id=complaint.request_id, actor=agent)
    assert refused.value.code == "complaint_open"
    billing = request_intake(actor=agent, request_type="billing", description="Why so high?")
    assert close_request(request_id=billing.pk, actor=agent).status == "closed"


def test_events_are_append_only(agent, premises):
    event = ComplaintEvent.objects.filter(complaint=complaint_by(agent, premises)).get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_clock_warns_the_owner_then_escalates_to_supervisors_once(agent, supervisor, premises):
    complaint = complaint_by(agent, premises)
    start = complaint.created_at

    assert escalate_complaints(now=start + timedelta(hours=17)) == {"warned": 0, "escalated": 0}
    assert escalate_complaints(now=start + timedelta(hours=19)) == {"warned": 1, "escalated": 0}
    assert Notification.objects.filter(recipient=agent, topic__startswith="complaint_at_risk").count() == 1
    assert escalate_complaints(now=start + timedelta(hours=20)) == {"warned": 0, "escalated": 0}

    assert escalate_complaints(now=start + timedelta(hours=24, minutes=1)) == {"warned": 0, "escalated": 1}
    assert escalate_complaints(now=start + timedelta(hours=30)) == {"warned": 0, "escalated": 0}
    assert Notification.objects.filter(recipient=supervisor, topic__startswith="complaint_overdue").count() == 1
    assert Notification.objects.filter(recipient=agent, topic__startswith="complaint_overdue").count() == 1
    complaint.refresh_from_db()
    assert complaint.escalation_level == 2
    assert complaint.events.filter(data__escalation=2).count() == 1


def test_a_handled_complaint_is_not_escalated(agent, supervisor, premises):
    complaint = complaint_by(agent, premises)
    complaint_transition(complaint_id=complaint.pk, to_status=S.JUDGED, actor=agent, founded=False,
                         category="billing")
    complaint_transition(complaint_id=complaint.pk, to_status=S.INFORMED, actor=agent, customer_told="ok")

    assert escalate_complaints(now=timezone.now() + timedelta(hours=30)) == {"warned": 0, "escalated": 0}


def test_the_beat_task_runs_the_clock(agent, premises, settings):
    from dispatch.servicedesk.tasks import desk_clock

    assert "servicedesk-clock" in settings.CELERY_BEAT_SCHEDULE
    complaint_by(agent, premises)
    Complaint.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    assert desk_clock.delay().get()["escalated"] == 1
