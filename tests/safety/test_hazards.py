"""Hazards: grade-1 make-safe before completion, deadlines by grade, rectification and closing on re-inspection."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.common.errors import Conflict, DispatchError
from dispatch.safety import hazards as hazard_services
from dispatch.safety.models import Hazard, HazardEvent, HazardGradePolicy, HazardStatus, HazardType, Inspection
from dispatch.workorders import services
from dispatch.workorders.kinds import job_facts
from dispatch.workorders.models import Status, WorkOrder
from tests.factories.safety import complete_inspection, inspection_order, premises_of, to_site

pytestmark = pytest.mark.django_db

LEAK = {"no_leak": False}


@pytest.fixture
def premises(area):
    return premises_of(area, "residential")


@pytest.fixture
def visit(premises, inspector, dispatcher):
    return to_site(inspection_order(premises, dispatcher), inspector, dispatcher)


def test_a_grade_1_hazard_without_make_safe_blocks_completion(visit, inspector):
    with pytest.raises(DispatchError) as refused:
        complete_inspection(visit, inspector, answers=LEAK)

    assert refused.value.code == "make_safe_required"
    visit.refresh_from_db()
    assert visit.status == Status.ON_SITE  # the whole completion rolled back
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_a_grade_1_hazard_raised_by_hand_also_blocks_until_made_safe(visit, inspector, premises):
    hazard = hazard_services.hazard_raise(actor=inspector.user, premises=premises,
                                          hazard_type=HazardType.objects.get(code="heater_in_bathroom"),
                                          found_by_order=visit)
    with pytest.raises(DispatchError) as refused:
        complete_inspection(visit, inspector)
    assert refused.value.code == "make_safe_required"

    hazard_services.record_make_safe(hazard_id=hazard.pk, actor=inspector.user, isolated="Heater valve closed",
                                     customer_consented=True)
    complete_inspection(visit, inspector)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFICATION_ORDERED and hazard.made_safe_at is not None


def test_made_safe_grade_1_hazard_completes_and_orders_rectification_the_same_day(visit, inspector, premises):
    data = {"hazards": [{"type": "gas_leak", "checklist_key": "no_leak", "description": "Joint at the meter",
                         "isolated": "Meter inlet valve closed and labelled", "customer_consented": True}]}
    order = complete_inspection(visit, inspector, answers=LEAK, data=data)

    assert order.status == Status.COMPLETED
    hazard = Hazard.objects.get()
    assert (hazard.grade, hazard.status, hazard.deadline) == (1, HazardStatus.RECTIFICATION_ORDERED,
                                                              timezone.localdate())
    rectification = hazard.rectification_order
    assert (rectification.kind, rectification.priority) == ("hazard_rectification", "urgent")
    assert rectification.required_skills == ["pipe_rectification"]
    assert [(e.from_status, e.to_status) for e in hazard.events.all()] == [
        ("", "open"), ("open", "made_safe"), ("made_safe", "rectification_ordered")]


@pytest.mark.parametrize(("grade", "days"), [(1, 0), (2, 7), (3, 30)])
def test_deadlines_by_grade(premises, grade, days):
    hazard = hazard_services.hazard_raise(actor=None, premises=premises, grade=grade, follow_up=False,
                                          hazard_type=HazardType.objects.get(code="private_alteration"))
    assert hazard.deadline == timezone.localdate() + timedelta(days=days)


def test_deadlines_follow_the_configured_policy(premises):
    HazardGradePolicy.objects.filter(grade=2).update(rectify_within_days=3)
    hazard = hazard_services.hazard_raise(actor=None, premises=premises, follow_up=False,
                                          hazard_type=HazardType.objects.get(code="aged_rubber_hose"))
    assert hazard.grade == 2 and hazard.deadline == timezone.localdate() + timedelta(days=3)


def test_failed_item_raises_its_hazard_type_with_the_default_grade(visit, inspector):
    complete_inspection(visit, inspector, answers={"hose_ok": False})
    hazard = Hazard.objects.get()
    assert (hazard.hazard_type.code, hazard.grade, hazard.checklist_key) == ("aged_rubber_hose", 2, "hose_ok")
    assert hazard.status == HazardStatus.RECTIFICATION_ORDERED
    assert hazard.deadline == timezone.localdate() + timedelta(days=7)


def test_customer_must_act_gets_a_notice_instead_of_an_order(premises):
    hazard = hazard_services.hazard_raise(actor=None, premises=premises,
                                          hazard_type=HazardType.objects.get(code="stove_over_age"))
    assert hazard.status == HazardStatus.CUSTOMER_NOTIFIED and hazard.rectification_order is None


def test_rectified_then_re_inspection_closes(visit, inspector, fitter, dispatcher, premises):
    complete_inspection(visit, inspector, answers={"hose_ok": False})
    hazard = Hazard.objects.get()
    job = to_site(hazard.rectification_order, fitter, dispatcher)
    services.complete(work_order_id=job.pk, actor=fitter.user, checklist_answers={"leak_test_done": True},
                      data={"rectified": True, "work_done": "Metal corrugated hose fitted"})
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED
    recheck = hazard.recheck_order
    assert recheck.kind == "safety_inspection" and recheck.premises == premises

    complete_inspection(to_site(recheck, inspector, dispatcher), inspector)

    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_at is not None
    assert list(hazard.events.values_list("to_status", flat=True)) == [
        "open", "rectification_ordered", "rectified", "closed"]
    assert Hazard.objects.count() == 1


def test_re_inspection_finding_the_hazard_still_there_reopens_it(visit, inspector, premises, dispatcher):
    complete_inspection(visit, inspector, answers={"hose_ok": False})
    hazard = Hazard.objects.get()
    hazard_services.hazard_transition(hazard_id=hazard.pk, to_status=HazardStatus.RECTIFIED, actor=None)
    complete_inspection(to_site(inspection_order(premises), inspector, dispatcher), inspector,
                        answers={"hose_ok": False})
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN and Hazard.objects.count() == 1


def test_refused_grade_1_goes_to_the_officer_who_may_order_suspension(visit, inspector, officer):
    data = {"hazards": [{"type": "gas_leak", "checklist_key": "no_leak", "customer_consented": False}]}
    complete_inspection(visit, inspector, answers=LEAK, data=data)
    hazard = Hazard.objects.get()
    assert hazard.status == HazardStatus.ESCALATED and hazard.customer_consented is False

    hazard = hazard_services.order_supply_suspension(hazard_id=hazard.pk, actor=officer, reason="Refuses repair")
    assert hazard.suspension_order.kind == "supply_suspension"
    assert hazard.events.last().data["suspension_order"] == hazard.suspension_order.pk
    with pytest.raises(Conflict):
        hazard_services.order_supply_suspension(hazard_id=hazard.pk, actor=officer, reason="again")


def test_customer_refusing_to_rectify_grade_1_escalates(premises):
    hazard = hazard_services.hazard_raise(actor=None, premises=premises,
                                          hazard_type=HazardType.objects.get(code="lpg_beside_piped_gas"),
                                          isolated="Bottle valve shut", customer_consented=True)
    assert hazard.status == HazardStatus.CUSTOMER_NOTIFIED
    hazard = hazard_services.customer_refuses(hazard_id=hazard.pk, actor=None, reason="Will not move the bottle")
    assert hazard.status == HazardStatus.ESCALATED


def test_illegal_hazard_transition_is_refused_and_events_are_append_only(premises):
    hazard = hazard_services.hazard_raise(actor=None, premises=premises, follow_up=False,
                                          hazard_type=HazardType.objects.get(code="meter_damaged"))
    with pytest.raises(Conflict) as refused:
        hazard_services.hazard_transition(hazard_id=hazard.pk, to_status=HazardStatus.CLOSED, actor=None)
    assert refused.value.code == "illegal_transition"
    event = HazardEvent.objects.get()
    with pytest.raises(RuntimeError):
        event.save()


def test_technician_sees_open_hazards_in_the_job_facts(premises, dispatcher):
    hazard_services.hazard_raise(actor=None, premises=premises, follow_up=False,
                                 hazard_type=HazardType.objects.get(code="aged_rubber_hose"))
    order = inspection_order(premises, dispatcher)
    facts = job_facts(order)
    assert [(item["type"], item["grade"]) for item in facts["hazards"]] == [("aged_rubber_hose", 2)]
    assert job_facts(WorkOrder(premises=None)).get("hazards") is None
