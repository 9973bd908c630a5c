"""HSE fed from the field: gas escapes become incidents, recurring customer hazards become nonconformities."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.hse.models import Incident, Nonconformity
from dispatch.reports.feeds import feed_hazard_trends
from dispatch.safety.models import Hazard, HazardType
from dispatch.workorders import services
from tests.factories import AreaFactory, PremisesFactory, square
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician

pytestmark = pytest.mark.django_db

ESCAPE = {"checklist_answers": {"leak_test_done": True, "area_ventilated": True}}


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))


def worked_emergency(area, office, dispatcher):
    crew = make_technician(office, f"crew{area.pk}{timezone.now().microsecond}", skills=("emergency",))
    order = WorkOrderFactory(area=area, kind="emergency")
    services.assign(work_order_id=order.pk, technician=crew, actor=dispatcher)
    for step in ("dispatched", "en_route", "on_site"):
        services.transition(work_order_id=order.pk, to_status=step, actor=dispatcher)
    return order, crew


@pytest.mark.parametrize("found, incidents", [(True, 1), (False, 0)])
def test_a_gas_escape_found_in_the_field_is_recorded_as_an_incident(area, office, dispatcher, found, incidents):
    order, crew = worked_emergency(area, office, dispatcher)

    services.complete(work_order_id=order.pk, actor=crew.user, **ESCAPE,
                      data={"escape_found": found, "made_safe": "Riser valve closed, joint re-made"})

    assert Incident.objects.filter(work_order=order).count() == incidents


def _hazards(area, type_code: str, count: int, days_ago: int = 5):
    hazard_type = HazardType.objects.get(code=type_code)
    for _ in range(count):
        Hazard.objects.create(premises=PremisesFactory(area=area), hazard_type=hazard_type, grade=2,
                              found_at=timezone.now() - timedelta(days=days_ago),
                              deadline=timezone.localdate() + timedelta(days=7))


def test_recurring_customer_hazards_in_an_area_raise_one_trend_nonconformity(area):
    from dispatch.hse.risk import risk_config

    threshold = risk_config().trend_threshold
    code = HazardType.objects.order_by("code").values_list("code", flat=True).first()
    _hazards(area, code, threshold)
    other = HazardType.objects.exclude(code=code).order_by("code").values_list("code", flat=True).first()
    _hazards(area, other, threshold - 1)
    _hazards(area, other, 5, days_ago=400)  # outside the window

    assert feed_hazard_trends() == 1
    assert feed_hazard_trends() == 0
    assert Nonconformity.objects.get().area == area
