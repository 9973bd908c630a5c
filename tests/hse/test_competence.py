"""An expired HSE training takes the skill it qualifies for out of assignment and planning."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.hse.models import TrainingRecord
from dispatch.org.models import Skill
from dispatch.workorders.assignment import assignment_refusal
from tests.factories import AreaFactory, square
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(office):
    area = AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))
    return WorkOrderFactory(area=area, kind="repair")


def train(staff, *, valid_days: int):
    today = timezone.localdate()
    TrainingRecord.objects.create(staff=staff, course="Gas appliance repair safety", completed_on=today - timedelta(
        days=400), valid_until=today + timedelta(days=valid_days), skill=Skill.objects.get(code="repair"))


def test_expired_training_for_the_skill_refuses_assignment(office, order):
    technician = make_technician(office, "lapsed")
    train(technician, valid_days=-1)

    refusal = assignment_refusal(order, technician)

    assert refusal is not None and refusal.code == "training_expired"


def test_a_valid_training_or_none_at_all_leaves_the_skill_usable(office, order):
    renewed = make_technician(office, "renewed")
    train(renewed, valid_days=-30)
    train(renewed, valid_days=30)
    untrained = make_technician(office, "untrained")

    assert assignment_refusal(order, renewed) is None
    assert assignment_refusal(order, untrained) is None


def test_planning_leaves_out_the_skill_of_an_expired_training(office, order):
    from dispatch.workorders.planning.services import build_day

    lapsed = make_technician(office, "lapsed-planner")
    train(lapsed, valid_days=-1)
    current = make_technician(office, "current-planner")

    technicians = {tech.id: tech for tech in build_day(office=office, day=timezone.localdate()).problem.technicians}

    assert "repair" not in technicians[str(lapsed.pk)].skills
    assert "repair" in technicians[str(current.pk)].skills
