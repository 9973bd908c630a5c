"""Route planning on PostgreSQL with a real Celery worker: the task plans the day, reporting progress on the way."""

from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from django.utils import timezone

from dispatch.org.models import WeeklyShift
from dispatch.workorders.models import RoutePlan
from dispatch.workorders.planning import services
from tests.factories import AreaFactory, PremisesFactory, ServiceOfficeFactory, StaffProfileFactory, UserFactory, square
from tests.factories.workorders import WorkOrderFactory

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SECONDS = 4


def test_a_real_worker_plans_the_day_and_reports_progress(celery_worker_process):
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    area = AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))
    desk = UserFactory(username="desk", roles=["dispatcher"])
    StaffProfileFactory(user=desk, office=office)
    day = timezone.localdate() + timedelta(days=1)
    crew = []
    for index, (lat, lng) in enumerate([(22.81, 108.31), (22.84, 108.31), (22.825, 108.345)]):
        staff = StaffProfileFactory(user=UserFactory(username=f"tech{index}", roles=["technician"]), office=office,
                                    skills=["repair"], weekdays=[], home_lat=lat, home_lng=lng)
        for weekday in range(7):
            WeeklyShift.objects.create(staff=staff, weekday=weekday, start=clock(8), end=clock(17),
                                       break_start=clock(12), break_end=clock(13))
        crew.append(staff)
    jobs = [WorkOrderFactory(area=area, scheduled_date=day,
                             premises=PremisesFactory(area=area, lat=22.805 + 0.003 * k, lng=108.305 + 0.0025 * k))
            for k in range(15)]

    plan = services.plan_create(actor=desk, office=office, day=day, seconds=SECONDS)  # queued on commit

    seen: list[tuple[str, int]] = []

    def finished():
        current = RoutePlan.objects.values_list("state", "progress").get(pk=plan.pk)
        if not seen or seen[-1] != current:
            seen.append(current)
        return current[0] in (RoutePlan.State.READY, RoutePlan.State.FAILED)

    wait_for(finished, timeout=120, interval=0.1)

    plan.refresh_from_db()
    assert plan.state == RoutePlan.State.READY, plan.error
    assert plan.progress == 100
    # Progress was reported while the worker ran: the plan was seen running, part done, before it was ready.
    running = [progress for state, progress in seen if state == RoutePlan.State.RUNNING]
    assert running and all(0 < progress < 100 for progress in running), seen
    assert max(running) > 1, seen  # moved on from "claimed" as the solver reported
    result = plan.result
    assert result["feasible"] is True and result["violations"] == []
    assert result["assigned"] == len(jobs) and result["unassigned"] == []
    assert {route["technician"] for route in result["routes"]} <= {staff.pk for staff in crew}
    for route in result["routes"]:
        arrivals = [datetime.fromisoformat(visit["arrival"]) for visit in route["visits"]]
        assert arrivals == sorted(arrivals)
        assert all(timezone.localtime(moment).date() == day for moment in arrivals)
        assert route["km"] > 0 and 0 < route["utilisation"] <= 1
