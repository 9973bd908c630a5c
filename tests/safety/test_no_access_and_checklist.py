"""No access counted and escalated after N attempts; the checklist version an inspection used is kept."""

import pytest
from django.utils import timezone

from dispatch.common.errors import DispatchError
from dispatch.safety.completion import REVISIT_SLOTS, revisit_slot
from dispatch.safety.models import ChecklistTemplate, Inspection, Outcome, SafetyFile, SafetyPolicy
from dispatch.workorders import services
from dispatch.workorders.models import WorkOrder
from tests.factories.safety import complete_inspection, inspection_order, premises_of, to_site

pytestmark = pytest.mark.django_db


def _no_access(order, inspector, dispatcher):
    order = to_site(order, inspector, dispatcher)
    return services.complete(work_order_id=order.pk, actor=inspector.user, checklist_answers={},
                             data={"access": "no_access", "card_left": True})


def _revisit(premises):
    return (WorkOrder.objects.filter(premises=premises, kind="safety_inspection", status="new")
            .order_by("-pk").first())


def test_no_access_escalates_after_n_attempts_with_revisits_at_another_time(area, inspector, dispatcher):
    premises = premises_of(area)
    order = inspection_order(premises, dispatcher)
    revisits = []
    for attempt in (1, 2):
        _no_access(order, inspector, dispatcher)
        safety_file = SafetyFile.objects.get(premises=premises)
        assert safety_file.no_access_attempts == attempt and safety_file.escalated_at is None
        order = _revisit(premises)
        revisits.append(order)
        assert order.source_ref.startswith("NA-") and order.window_start is not None
        assert (timezone.localtime(order.window_start).time(), timezone.localtime(order.window_end).time()) == \
            revisit_slot(timezone.now())
    _no_access(order, inspector, dispatcher)

    safety_file = SafetyFile.objects.get(premises=premises)
    assert safety_file.no_access_attempts == 3 and safety_file.escalated_at is not None
    assert _revisit(premises) is None  # no silent fourth visit: the officer's list decides
    assert Inspection.objects.filter(premises=premises, outcome=Outcome.NO_ACCESS, card_left=True).count() == 3


def test_the_attempt_limit_is_configurable_and_an_inspection_clears_the_run(area, inspector, dispatcher):
    SafetyPolicy.objects.update(no_access_attempts=1)
    premises = premises_of(area)
    _no_access(inspection_order(premises, dispatcher), inspector, dispatcher)
    assert SafetyFile.objects.get(premises=premises).escalated_at is not None

    complete_inspection(to_site(inspection_order(premises, dispatcher), inspector, dispatcher), inspector)
    safety_file = SafetyFile.objects.get(premises=premises)
    assert (safety_file.no_access_attempts, safety_file.escalated_at) == (0, None)
    assert safety_file.last_inspected_on == timezone.localdate()


def test_revisit_slots_differ_from_the_failed_visit():
    from datetime import datetime

    zone = timezone.get_current_timezone()
    for hour in (8, 10, 15, 19, 22):
        visited = datetime(2026, 3, 2, hour, tzinfo=zone)
        start, end = revisit_slot(visited)
        assert not (start.hour <= hour < end.hour)
        assert (start, end) in REVISIT_SLOTS


def test_the_checklist_version_is_kept(area, inspector, dispatcher):
    premises = premises_of(area, "commercial")
    v1 = ChecklistTemplate.objects.get(customer_class="commercial", gas_type="ng", version=1)
    extras = {"retrofit_gas_alarm": True, "retrofit_shutoff_valve": True}
    first = complete_inspection(to_site(inspection_order(premises, dispatcher), inspector, dispatcher), inspector,
                                data={"answers": extras})

    v2 = ChecklistTemplate.objects.create(customer_class="commercial", gas_type="ng", version=2,
                                          items=[*v1.items, {"key": "kitchen_hood_ok", "label": "Hood clean",
                                                             "answer": "yes_no", "required": True}])
    v1.is_active = False
    v1.save()
    second_order = to_site(inspection_order(premises, dispatcher), inspector, dispatcher)
    with pytest.raises(DispatchError) as refused:
        complete_inspection(second_order, inspector, data={"answers": extras})
    assert "data.answers.kitchen_hood_ok" in refused.value.fields
    complete_inspection(second_order, inspector, data={"answers": {**extras, "kitchen_hood_ok": True}})

    one, two = Inspection.objects.get(work_order=first), Inspection.objects.get(work_order=second_order)
    assert (one.checklist, one.checklist_version) == (v1, 1)
    assert (two.checklist, two.checklist_version) == (v2, 2)
    assert one.answers["retrofit_gas_alarm"] is True and "kitchen_hood_ok" not in one.answers


def test_a_completion_may_name_the_version_it_was_done_with(area, inspector, dispatcher):
    premises = premises_of(area, "residential", gas_type="lpg")
    v1 = ChecklistTemplate.objects.get(customer_class="residential", gas_type="lpg", version=1)
    ChecklistTemplate.objects.create(customer_class="residential", gas_type="lpg", version=2, items=[])
    order = to_site(inspection_order(premises, dispatcher), inspector, dispatcher)
    complete_inspection(order, inspector, data={"checklist_version": 1, "stove_pressure_kpa": "2.80"})
    inspection = Inspection.objects.get(work_order=order)
    assert inspection.checklist == v1 and inspection.pressure_in_range is True


def test_missing_required_items_refuse_the_inspection(area, inspector, dispatcher):
    order = to_site(inspection_order(premises_of(area), dispatcher), inspector, dispatcher)
    with pytest.raises(DispatchError) as refused:
        services.complete(work_order_id=order.pk, actor=inspector.user, checklist_answers={"hose_ok": True},
                          data={"access": "inspected"})
    assert "data.answers.no_leak" in refused.value.fields
