"""A hand-counted month (March 2026) in two offices; the expected figures are worked out in each test."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from dispatch.servicedesk.models import Callback, Complaint
from dispatch.servicedesk.services import request_intake
from dispatch.workorders.models import WorkOrder, WorkOrderEvent
from tests.factories import AreaFactory, PremisesFactory, ServiceOfficeFactory, square
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician

MARCH = date(2026, 3, 1)


def at(day: int, hh: int = 10, mm: int = 0, month: int = 3) -> datetime:
    return timezone.make_aware(datetime.combine(date(2026, month, day), time(hh, mm)))


def order(premises, area, *, kind="repair", **fields):
    made = WorkOrderFactory(area=area, premises=premises, kind=kind)
    WorkOrder.objects.filter(pk=made.pk).update(**fields)
    made.refresh_from_db()
    return made


@pytest.fixture
def month_data(db, agent):
    qx = agent.staff.office
    jn = ServiceOfficeFactory(code="JN", name="Jiangnan")
    area = AreaFactory(code="QX-01", office=qx, boundary=square(108.30, 22.80, 0.05))
    other_area = AreaFactory(code="JN-01", office=jn, boundary=square(108.40, 22.80, 0.05))
    homes = [PremisesFactory(area=area) for _ in range(10)]  # 10 households in Qingxiu
    away = [PremisesFactory(area=other_area) for _ in range(5)]  # 5 in Jiangnan
    tech = make_technician(qx, "kpi-tech")

    # SLA, completed in March in Qingxiu: 4 met, 1 breached; one without a clock; one met in February.
    met = [order(homes[i], area, status="completed", sla_state="met", completed_at=at(5 + i)) for i in range(4)]
    breached = order(homes[4], area, status="closed", sla_state="breached", completed_at=at(12))
    no_clock = order(homes[5], area, status="completed", sla_state="none", completed_at=at(13))
    order(homes[6], area, status="completed", sla_state="met", completed_at=at(20, month=2))
    # ... and 1 breached in Jiangnan.
    order(away[0], other_area, status="completed", sla_state="breached", completed_at=at(14))
    # The technician did two of the met jobs and the breached one.
    WorkOrder.objects.filter(pk__in=[met[0].pk, met[1].pk, breached.pk]).update(assignee=tech)

    # First-time fix among the 6 completed in Qingxiu in March: met[2] was "unable" once, met[3] was reopened.
    WorkOrderEvent.objects.create(work_order=met[2], type="status", from_status="on_site", to_status="unable")
    WorkOrderEvent.objects.create(work_order=met[3], type="status", from_status="completed", to_status="new")

    # Emergencies created in March in Qingxiu: on site after 30, 50 and 90 minutes; one cancelled.
    for minutes, day in ((30, 3), (50, 4), (90, 6)):
        order(homes[7], area, kind="emergency", status="on_site", created_at=at(day),
              attended_at=at(day) + timedelta(minutes=minutes))
    order(homes[8], area, kind="emergency", status="cancelled", created_at=at(7))

    # Complaints accepted in March in Qingxiu: handled in time ×2, handled late ×1, not handled ×1;
    # founded: 3 of them.
    complaints = []
    for index, (handled_after, founded) in enumerate(((2, True), (20, True), (30, True), (None, False))):
        request = request_intake(actor=agent, request_type="complaint", premises=homes[index],
                                 description="hand-counted")
        created = at(10 + index)
        Complaint.objects.filter(request=request).update(
            created_at=created, due_at=created + timedelta(hours=24), founded=founded,
            handled_at=None if handled_after is None else created + timedelta(hours=handled_after))
        complaints.append(request.complaint)
    # One in Jiangnan, founded, in time.
    request = request_intake(actor=agent, request_type="complaint", premises=away[1], description="other office")
    Complaint.objects.filter(request=request).update(created_at=at(11), due_at=at(11) + timedelta(hours=24),
                                                     founded=True, handled_at=at(11) + timedelta(hours=1))

    # Callbacks answered in March in Qingxiu: 5, 4, 3, 2, 1; one answered in April; one still scheduled.
    completed = [*met, breached, no_clock]
    for satisfaction, job in zip((5, 4, 3, 2, 1), completed, strict=False):
        Callback.objects.create(work_order=job, kind=job.kind, office=qx, area=area, phone="1",
                                technician=job.assignee, scheduled_at=at(20), status="done",
                                done_at=at(20, 11), satisfaction=satisfaction)
    Callback.objects.create(work_order=completed[5], kind="repair", office=qx, area=area, phone="1",
                            scheduled_at=at(2, month=4), status="done", done_at=at(2, 11, month=4), satisfaction=1)
    # Planned inspections scheduled in March in Qingxiu: inspected 10 March, inspected 2 April (late), no access,
    # not visited; one scheduled in April.
    from dispatch.safety.models import Hazard, HazardType, Inspection

    plans = [order(homes[i], area, kind="safety_inspection", source="plan", scheduled_date=date(2026, 3, 5 + i))
             for i in range(4)]
    order(homes[4], area, kind="safety_inspection", source="plan", scheduled_date=date(2026, 4, 2))
    Inspection.objects.create(work_order=plans[0], premises=plans[0].premises, outcome="inspected",
                              inspected_at=at(10))
    Inspection.objects.create(work_order=plans[1], premises=plans[1].premises, outcome="inspected",
                              inspected_at=at(2, month=4))
    Inspection.objects.create(work_order=plans[2], premises=plans[2].premises, outcome="no_access",
                              inspected_at=at(12))

    # Hazards due in March in Qingxiu: rectified before, on the day, after; still open; one due in April.
    kind = HazardType.objects.first()
    for deadline, rectified in ((10, at(8)), (15, at(15, 23)), (20, at(25)), (25, None), (40, None)):
        due = date(2026, 3, deadline) if deadline <= 31 else date(2026, 4, deadline - 31)
        Hazard.objects.create(premises=homes[deadline % 10], hazard_type=kind, grade=2, found_at=at(1),
                              deadline=due, rectified_at=rectified, status="rectified" if rectified else "open")
    return {"qx": qx, "jn": jn, "area": area, "tech": tech, "complaints": complaints}
