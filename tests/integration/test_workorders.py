"""Work orders on PostgreSQL: concurrent assignment, and SLA breaches found by beat and a real worker."""

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.workorders.models import Notification, SlaState, WorkOrder, WorkOrderEvent
from tests.factories import AreaFactory, ServiceOfficeFactory, StaffProfileFactory, UserFactory, square
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician

from .conftest import ROOT, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    return ServiceOfficeFactory(code="QX", name="Qingxiu")


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


def dispatcher_named(office, username):
    user = UserFactory(username=username, roles=["dispatcher"])
    StaffProfileFactory(user=user, office=office)
    return user


def test_two_dispatchers_assigning_at_once_one_wins_the_other_gets_409(office, area):
    order = WorkOrderFactory(area=area)
    desks = [dispatcher_named(office, "desk-a"), dispatcher_named(office, "desk-b")]
    technicians = [make_technician(office, "tech-a"), make_technician(office, "tech-b")]
    start = threading.Barrier(2)
    statuses: list[int] = []

    def assign(desk, technician):
        client = APIClient()
        client.force_authenticate(desk)
        start.wait()
        response = client.post(f"/api/workorders/{order.pk}/assign/", {"technician": technician.pk}, format="json")
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=assign, args=pair) for pair in zip(desks, technicians, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    order.refresh_from_db()
    assert order.assignee in technicians
    assignments = WorkOrderEvent.objects.filter(work_order=order, to_status="assigned")
    assert assignments.count() == 1
    assert assignments.get().data["to_technician"] == order.assignee_id


def test_many_concurrent_assignments_never_leave_two_assignees(office, area):
    order = WorkOrderFactory(area=area)
    pairs = [(dispatcher_named(office, f"desk-{n}"), make_technician(office, f"tech-{n}")) for n in range(6)]
    start = threading.Barrier(len(pairs))
    statuses: list[int] = []

    def assign(desk, technician):
        client = APIClient()
        client.force_authenticate(desk)
        start.wait()
        statuses.append(client.post(f"/api/workorders/{order.pk}/assign/", {"technician": technician.pk},
                                    format="json").status_code)
        connection.close()

    threads = [threading.Thread(target=assign, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses.count(200) == 1 and statuses.count(409) == len(pairs) - 1
    assert WorkOrderEvent.objects.filter(work_order=order, to_status="assigned").count() == 1


@pytest.fixture
def celery_beat_process(celery_worker_process):
    """Celery beat with the schedule from settings, checking SLA clocks every 2 seconds."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    env = {**os.environ, "SLA_CHECK_INTERVAL_SECONDS": "2",
           "DATABASE_URL": f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
                           f"{database['PORT'] or 5432}/{database['NAME']}"}
    log = (ROOT / "var" / "test-celery-beat.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "dispatch", "beat", "-l", "info"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    log.close()


def test_beat_and_a_real_worker_flag_a_breached_emergency(office, area, celery_beat_process):
    desk = dispatcher_named(office, "desk")
    order = WorkOrderFactory(area=area, kind="emergency")
    # The call came in 70 minutes ago: the one-hour attend deadline has passed.
    shift = timedelta(minutes=70)
    WorkOrder.objects.filter(pk=order.pk).update(
        created_at=order.created_at - shift, attend_by=order.attend_by - shift, resolve_by=order.resolve_by - shift,
        sla_warn_at=order.sla_warn_at - shift, sla_due_at=order.sla_due_at - shift)

    breached = wait_for(lambda: WorkOrder.objects.filter(pk=order.pk, sla_state=SlaState.BREACHED).first(),
                        timeout=60)

    assert breached.sla_state == SlaState.BREACHED
    assert Notification.objects.filter(recipient=desk, work_order=order, topic="sla_breached").exists()
    assert WorkOrderEvent.objects.filter(work_order=order, type="sla", data__sla="breached").count() == 1
    assert timezone.now() > breached.attend_by
