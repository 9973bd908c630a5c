"""Nonconformity rules: one transition table, open needs a plan, done needs every action closed and an
effectiveness evaluation; illegal moves are 409; every change leaves an append-only event."""

from datetime import date, timedelta

import pytest

from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AppendOnlyError
from dispatch.hse import services
from dispatch.hse.models import CapaAction, NcStatus
from tests.factories.hse import make_nonconformity

pytestmark = pytest.mark.django_db

DEADLINE = date(2030, 1, 31)


def move(nc, to, actor, reason=""):
    return services.nonconformity_transition(actor=actor, nonconformity_id=nc.pk, to_status=to, reason=reason)


def to_action_plan(nc, actor):
    move(nc, NcStatus.ANALYSIS, actor)
    services.nonconformity_update(actor=actor, nonconformity_id=nc.pk,
                                  changes={"root_cause": "No lock check on the evening round"})
    return move(nc, NcStatus.ACTION_PLAN, actor)


def add_action(nc, actor, kind="corrective"):
    return services.action_add(actor=actor, nonconformity_id=nc.pk, kind=kind, description="Fit padlocks",
                               owner=actor, deadline=DEADLINE)


def test_cannot_open_without_a_plan(safety_officer):
    nc = make_nonconformity(actor=safety_officer)
    to_action_plan(nc, safety_officer)

    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.OPEN, safety_officer)
    assert refused.value.code == "plan_required"
    assert refused.value.status_code == 400

    cancelled = add_action(nc, safety_officer)
    services.action_cancel(actor=safety_officer, action_id=cancelled.pk, reason="Duplicate")
    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.OPEN, safety_officer)
    assert refused.value.code == "plan_required"  # a cancelled action is no plan

    add_action(nc, safety_officer)
    assert move(nc, NcStatus.OPEN, safety_officer).status == NcStatus.OPEN


def test_analysis_needs_a_root_cause_before_the_plan(safety_officer):
    nc = make_nonconformity(actor=safety_officer)
    move(nc, NcStatus.ANALYSIS, safety_officer)
    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.ACTION_PLAN, safety_officer)
    assert refused.value.code == "root_cause_required"


def test_cannot_close_with_an_open_action_or_without_evaluation(safety_officer):
    nc = make_nonconformity(actor=safety_officer)
    to_action_plan(nc, safety_officer)
    first, second = add_action(nc, safety_officer, "immediate"), add_action(nc, safety_officer, "preventive")
    move(nc, NcStatus.OPEN, safety_officer)
    services.action_complete(actor=safety_officer, action_id=first.pk, result="Padlocks fitted")

    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.DONE, safety_officer)
    assert refused.value.code == "actions_open"
    assert refused.value.extra == {"open_actions": 1}

    services.action_complete(actor=safety_officer, action_id=second.pk, result="Round checklist updated")
    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.DONE, safety_officer)
    assert refused.value.code == "evaluation_required"

    services.nonconformity_evaluate(actor=safety_officer, nonconformity_id=nc.pk, effective=False,
                                    evaluation="Two cabinets found open again in the spot check")
    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.DONE, safety_officer)
    assert refused.value.code == "not_effective"

    services.nonconformity_evaluate(actor=safety_officer, nonconformity_id=nc.pk, effective=True,
                                    evaluation="Spot checks over 4 weeks: all locked")
    done = move(nc, NcStatus.DONE, safety_officer)
    assert done.status == NcStatus.DONE and done.closed_at is not None
    assert [(e.from_status, e.to_status) for e in done.events.filter(type="status")] == [
        ("draft", "analysis"), ("analysis", "action_plan"), ("action_plan", "open"), ("open", "done")]


def test_not_effective_goes_back_to_the_plan_with_a_reason(safety_officer):
    nc = make_nonconformity(actor=safety_officer)
    to_action_plan(nc, safety_officer)
    action = add_action(nc, safety_officer)
    move(nc, NcStatus.OPEN, safety_officer)
    services.action_complete(actor=safety_officer, action_id=action.pk, result="done")
    services.nonconformity_evaluate(actor=safety_officer, nonconformity_id=nc.pk, effective=False, evaluation="No")

    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.ACTION_PLAN, safety_officer)
    assert refused.value.code == "reason_required"
    replanned = move(nc, NcStatus.ACTION_PLAN, safety_officer, reason="Padlocks not enough")
    assert (replanned.evaluation, replanned.effective) == ("", None)


@pytest.mark.parametrize(("path", "illegal"), [
    ([], NcStatus.OPEN), ([], NcStatus.DONE), ([], NcStatus.ACTION_PLAN),
    ([NcStatus.ANALYSIS], NcStatus.DONE), ([NcStatus.CANCELLED], NcStatus.ANALYSIS),
])
def test_illegal_transitions_are_409(safety_officer, path, illegal):
    nc = make_nonconformity(actor=safety_officer)
    for step in path:
        move(nc, step, safety_officer, reason="because")
    with pytest.raises(Conflict) as refused:
        move(nc, illegal, safety_officer)
    assert refused.value.code == "illegal_transition"
    assert refused.value.status_code == 409


def test_cancelling_needs_a_reason_and_cancels_the_open_actions(safety_officer):
    nc = make_nonconformity(actor=safety_officer)
    action = add_action(nc, safety_officer)
    with pytest.raises(DispatchError) as refused:
        move(nc, NcStatus.CANCELLED, safety_officer)
    assert refused.value.code == "reason_required"
    move(nc, NcStatus.CANCELLED, safety_officer, reason="Raised twice")
    action.refresh_from_db()
    assert action.status == CapaAction.Status.CANCELLED
    with pytest.raises(Conflict):
        add_action(nc, safety_officer)


def test_actions_validate_and_close_once(safety_officer):
    nc = make_nonconformity(actor=safety_officer)
    with pytest.raises(DispatchError) as refused:
        services.action_add(actor=safety_officer, nonconformity_id=nc.pk, kind="whatever", description="",
                            owner=safety_officer, deadline=date.today() + timedelta(days=3))
    assert set(refused.value.fields) == {"kind", "description"}
    action = add_action(nc, safety_officer)
    services.action_complete(actor=safety_officer, action_id=action.pk, result="ok")
    with pytest.raises(Conflict) as refused:
        services.action_complete(actor=safety_officer, action_id=action.pk, result="again")
    assert refused.value.code == "action_closed"


def test_events_are_append_only(safety_officer):
    event = make_nonconformity(actor=safety_officer).events.get()
    with pytest.raises(AppendOnlyError):
        event.delete()
