"""Self-inspections raise nonconformities from findings; incidents link their CAPA and field emergencies;
training records validate; trend detection over plain counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.common.errors import Conflict, DispatchError
from dispatch.hse import selectors, services
from dispatch.hse.models import Incident, NcSource, NcStatus
from dispatch.hse.services import TrendObservation
from tests.factories import AreaFactory, StaffProfileFactory
from tests.factories.hse import InspectionChecklistFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def test_failed_items_of_a_self_inspection_raise_nonconformities(safety_officer, office):
    today = timezone.localdate()
    checklist = InspectionChecklistFactory(office=office, responsible=safety_officer, next_due=today, every_days=30)

    with pytest.raises(DispatchError) as refused:
        services.self_inspection_record(actor=safety_officer, checklist_id=checklist.pk, day=today,
                                        answers=[{"ok": True}, {"ok": False}, {"ok": True}])
    assert "answers[1]" in refused.value.fields  # a finding needs a description
    with pytest.raises(DispatchError):
        services.self_inspection_record(actor=safety_officer, checklist_id=checklist.pk, day=today,
                                        answers=[{"ok": True}])

    inspection = services.self_inspection_record(
        actor=safety_officer, checklist_id=checklist.pk, day=today,
        answers=[{"ok": True}, {"ok": False, "note": "Detector in room 2 past calibration"}, {"ok": True}])

    finding = inspection.findings.get()
    nc = finding.nonconformity
    assert (nc.source, nc.status, nc.office, nc.responsible) == (NcSource.SELF_INSPECTION, NcStatus.DRAFT, office,
                                                                 safety_officer)
    assert "Detector in room 2" in nc.description
    checklist.refresh_from_db()
    assert checklist.next_due == today + timedelta(days=30)


def test_incident_links_capa_and_field_emergency_is_linked_once(safety_officer, office, dispatcher):
    from dispatch.workorders import services as workorders

    area = AreaFactory(office=office)
    order = workorders.work_order_create(actor=dispatcher, kind="emergency", area=area,
                                         address="12 Minzu Road", description="Smell of gas in the stairwell")
    incident = services.incident_from_work_order(actor=safety_officer, work_order=order)
    assert services.incident_from_work_order(actor=safety_officer, work_order=order) == incident
    assert (incident.kind, incident.place, incident.area, incident.office) == (
        Incident.Kind.GAS_EMERGENCY, "12 Minzu Road", area, office)

    services.incident_update(actor=safety_officer, incident_id=incident.pk,
                             changes={"root_cause": "Corroded riser joint", "status": "investigating"})
    nc = services.incident_raise_nonconformity(actor=safety_officer, incident_id=incident.pk,
                                               responsible=safety_officer)
    assert (nc.source, nc.incident, nc.root_cause) == (NcSource.INCIDENT, incident, "Corroded riser joint")
    with pytest.raises(Conflict):
        services.incident_raise_nonconformity(actor=safety_officer, incident_id=incident.pk)

    with pytest.raises(DispatchError) as refused:
        services.incident_create(actor=safety_officer, kind="near_miss", occurred_at=timezone.now() + timedelta(
            days=1), place="", description="Ladder slipped")
    assert {"occurred_at", "place"} <= set(refused.value.fields)


def test_trend_detection_over_counts(safety_officer, office):
    area = AreaFactory(office=office)
    observations = [TrendObservation(area_id=area.pk, hazard_type="hose_aged", count=5),
                    TrendObservation(area_id=area.pk, hazard_type="no_ventilation", count=4)]

    raised = services.detect_hazard_trends(actor=None, observations=observations)  # default threshold 5
    assert [nc.trend_key for nc in raised] == [f"{area.pk}:hose_aged"]
    assert services.detect_hazard_trends(actor=None, observations=observations) == []  # one open per trend
    services.nonconformity_transition(actor=safety_officer, nonconformity_id=raised[0].pk, to_status="cancelled",
                                      reason="Handled by the inspection campaign")
    assert len(services.detect_hazard_trends(actor=None, observations=observations)) == 1


def test_training_records_and_expiry(safety_officer, office):
    today = timezone.localdate()
    staff = StaffProfileFactory(office=office)
    with pytest.raises(DispatchError) as refused:
        services.training_record_create(actor=safety_officer, staff=staff, course="First aid",
                                        completed_on=today, valid_until=today - timedelta(days=1))
    assert "valid_until" in refused.value.fields
    record = services.training_record_create(actor=safety_officer, staff=staff, course="First aid",
                                             completed_on=today - timedelta(days=700),
                                             valid_until=today + timedelta(days=10))
    TrainingRecordFactory(staff=StaffProfileFactory(office=office), valid_until=today + timedelta(days=200))

    assert list(selectors.expiring_training(user=safety_officer, today=today)) == [record]
    assert list(selectors.valid_hse_trainings(staff_id=staff.pk, on=today + timedelta(days=11))) == []
    assert list(selectors.valid_hse_trainings(staff_id=staff.pk, on=today)) == [record]
