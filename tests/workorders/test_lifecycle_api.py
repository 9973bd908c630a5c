"""The whole lifecycle through the API, with the rules each step enforces."""

from datetime import date, timedelta

import pytest

from dispatch.workorders.models import Status, WorkOrder, WorkOrderEvent
from tests.factories import PremisesFactory
from tests.factories.workorders import WorkOrderFactory

pytestmark = pytest.mark.django_db

REPAIR_DONE = {"checklist_answers": {"leak_test_done": True, "supply_restored_safely": True},
               "data": {"fault_found": "Blocked burner", "work_done": "Cleaned burner"}, "lat": 22.81, "lng": 108.31}


def post(client, order, action, payload=None):
    return client.post(f"/api/workorders/{order.pk}/{action}/", payload or {}, format="json")


def test_full_lifecycle_from_creation_to_close(as_user, api, dispatcher, repairer, area):
    premises = PremisesFactory(area=area, lat=22.81, lng=108.31)
    desk = as_user(dispatcher)
    created = desk.post("/api/workorders/", {"kind": "repair", "premises": premises.pk,
                                             "description": "No hot water"}, format="json")
    assert created.status_code == 201, created.json()
    order = WorkOrder.objects.get(pk=created.json()["id"])
    assert order.status == Status.NEW and order.area == area and order.required_skills == ["repair"]

    assert post(desk, order, "assign", {"technician": repairer.pk}).json()["status"] == "assigned"
    assert post(desk, order, "transition", {"to": "dispatched"}).json()["status"] == "dispatched"
    field = as_user(repairer.user)
    assert post(field, order, "transition", {"to": "en_route", "lat": 22.80, "lng": 108.30}).status_code == 200
    on_site = post(field, order, "transition", {"to": "on_site", "lat": 22.81, "lng": 108.31})
    assert on_site.json()["attended_at"] is not None
    completed = post(field, order, "complete", REPAIR_DONE)
    assert completed.status_code == 200, completed.json()
    assert completed.json()["completion_data"]["work_done"] == "Cleaned burner"
    desk = as_user(dispatcher)
    closed = post(desk, order, "transition", {"to": "closed"})

    assert closed.json()["status"] == "closed"
    moves = list(WorkOrderEvent.objects.filter(work_order=order, type="status").values_list("from_status", "to_status"))
    assert moves == [("new", "assigned"), ("assigned", "dispatched"), ("dispatched", "en_route"),
                     ("en_route", "on_site"), ("on_site", "completed"), ("completed", "closed")]
    arrival = WorkOrderEvent.objects.get(work_order=order, to_status="on_site")
    assert (arrival.actor, arrival.lat, arrival.lng) == (repairer.user, 22.81, 108.31)
    events = desk.get(f"/api/workorders/{order.pk}/events/").json()
    assert events[0]["type"] == "created"


def test_illegal_transition_answers_409_with_a_code(as_user, dispatcher, area):
    order = WorkOrderFactory(area=area)

    response = post(as_user(dispatcher), order, "transition", {"to": "on_site"})

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    order.refresh_from_db()
    assert order.status == Status.NEW


def test_cancel_needs_a_reason_and_cancelled_is_final(as_user, dispatcher, area):
    order = WorkOrderFactory(area=area)
    client = as_user(dispatcher)

    refused = post(client, order, "transition", {"to": "cancelled"})
    cancelled = post(client, order, "transition", {"to": "cancelled", "reason": "Customer fixed it"})
    reopened = post(client, order, "transition", {"to": "new", "reason": "again"})

    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    assert cancelled.json()["status"] == "cancelled"
    assert reopened.status_code == 409


def test_unable_to_complete_needs_a_listed_reason_and_can_be_reopened(as_user, dispatcher, repairer, area):
    order = WorkOrderFactory(area=area)
    desk = as_user(dispatcher)
    post(desk, order, "assign", {"technician": repairer.pk})
    post(desk, order, "transition", {"to": "dispatched"})
    field = as_user(repairer.user)
    post(field, order, "transition", {"to": "en_route"})
    post(field, order, "transition", {"to": "on_site"})

    missing = post(field, order, "transition", {"to": "unable", "reason": "nobody home"})
    unable = post(field, order, "transition", {"to": "unable", "unable_reason": "no_access"})
    reopened = post(as_user(dispatcher), order, "transition", {"to": "new", "reason": "Customer rebooked"})

    assert missing.status_code == 400 and "unable_reason" in missing.json()["fields"]
    assert unable.json()["status"] == "unable" and unable.json()["unable_reason"] == "no_access"
    assert reopened.json()["status"] == "new" and reopened.json()["assignee"] is None


def test_completion_checks_the_checklist_and_the_kind_payload(as_user, dispatcher, repairer, area):
    order = WorkOrderFactory(area=area)
    desk = as_user(dispatcher)
    post(desk, order, "assign", {"technician": repairer.pk})
    post(desk, order, "transition", {"to": "dispatched"})
    field = as_user(repairer.user)
    post(field, order, "transition", {"to": "en_route"})
    post(field, order, "transition", {"to": "on_site"})

    response = post(field, order, "complete", {"checklist_answers": {"leak_test_done": "yes", "bogus": True},
                                               "data": {"fault_found": "x"}})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"checklist_answers.leak_test_done", "checklist_answers.bogus",
                                              "checklist_answers.supply_restored_safely", "data.work_done"}
    assert WorkOrder.objects.get(pk=order.pk).status == Status.ON_SITE


def test_stale_version_is_refused_with_409(as_user, dispatcher, repairer, make_tech, area):
    order = WorkOrderFactory(area=area)
    client = as_user(dispatcher)
    seen = client.get(f"/api/workorders/{order.pk}/").json()["version"]
    post(client, order, "assign", {"technician": repairer.pk, "version": seen})

    response = post(client, order, "assign", {"technician": make_tech("other").pk, "version": seen})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert WorkOrder.objects.get(pk=order.pk).assignee == repairer


def test_second_plain_assign_is_refused_and_reassign_with_version_works(as_user, dispatcher, repairer, make_tech,
                                                                       area):
    order = WorkOrderFactory(area=area)
    other = make_tech("other")
    client = as_user(dispatcher)
    first = post(client, order, "assign", {"technician": repairer.pk})

    second = post(client, order, "assign", {"technician": other.pk})
    moved = post(client, order, "assign", {"technician": other.pk, "version": first.json()["version"]})

    assert second.status_code == 409 and second.json()["code"] == "already_assigned"
    assert moved.status_code == 200 and moved.json()["assignee"] == other.pk


@pytest.mark.parametrize("setup, code", [
    ({"skills": ("meter_reading",)}, "skill_missing"),
    ({"skills": (("repair", date(2000, 1, 1)),)}, "certificate_expired"),
    ({"weekdays": []}, "off_shift"),
])
def test_assignment_refusals_carry_a_clear_reason(as_user, dispatcher, make_tech, area, setup, code):
    order = WorkOrderFactory(area=area)
    technician = make_tech("t", **setup)

    response = post(as_user(dispatcher), order, "assign", {"technician": technician.pk})

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert response.json()["fields"]["technician"]
    assert WorkOrder.objects.get(pk=order.pk).status == Status.NEW


def test_technician_on_leave_or_in_another_office_is_refused(as_user, dispatcher, on_leave, make_tech,
                                                             other_office, area):
    order = WorkOrderFactory(area=area)
    client = as_user(dispatcher)
    elsewhere = make_tech("elsewhere", office=other_office)

    leave = post(client, order, "assign", {"technician": on_leave.pk})
    foreign = post(client, order, "assign", {"technician": elsewhere.pk})

    assert leave.json()["code"] == "on_leave"
    # Technicians of other offices are not even choosable by this dispatcher.
    assert foreign.status_code == 400 and "technician" in foreign.json()["fields"]


def test_window_outside_shift_is_refused(as_user, dispatcher, make_tech, area, today):
    from datetime import datetime, time

    from django.utils import timezone

    day_worker = make_tech("day", hours=(time(8, 30), time(17, 30)))
    evening = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(19)))
    order = WorkOrderFactory(area=area, window_start=evening, window_end=evening + timedelta(hours=2))

    response = post(as_user(dispatcher), order, "assign", {"technician": day_worker.pk})

    assert response.json()["code"] == "off_shift"


def test_bulk_assign_reports_each_order(as_user, dispatcher, repairer, other_office, area):
    from tests.factories import AreaFactory

    good = WorkOrderFactory(area=area)
    meter = WorkOrderFactory(area=area, kind="meter_reading")
    foreign = WorkOrderFactory(area=AreaFactory(code="JN-9", office=other_office))

    response = as_user(dispatcher).post("/api/workorders/bulk-assign/", {
        "work_orders": [good.pk, meter.pk, foreign.pk], "technician": repairer.pk}, format="json")

    results = {row["work_order_id"]: row for row in response.json()}
    assert results[good.pk]["ok"] is True
    assert results[meter.pk]["code"] == "skill_missing"
    assert results[foreign.pk]["code"] == "not_found"


def test_technician_sees_only_own_jobs_and_cannot_assign(as_user, dispatcher, repairer, make_tech, area):
    mine = WorkOrderFactory(area=area)
    theirs = WorkOrderFactory(area=area)
    post(as_user(dispatcher), mine, "assign", {"technician": repairer.pk})
    post(as_user(dispatcher), theirs, "assign", {"technician": make_tech("colleague").pk})
    field = as_user(repairer.user)

    listed = [row["id"] for row in field.get("/api/workorders/").json()["results"]]

    assert listed == [mine.pk]
    assert field.get(f"/api/workorders/{theirs.pk}/").status_code == 404
    assert post(field, theirs, "transition", {"to": "en_route"}).status_code == 404
    assert post(field, mine, "assign", {"technician": repairer.pk}).status_code == 403
    assert post(field, mine, "transition", {"to": "cancelled", "reason": "x"}).status_code == 403


def test_dispatcher_does_not_see_other_offices_orders(as_user, other_dispatcher, area):
    order = WorkOrderFactory(area=area)

    client = as_user(other_dispatcher)

    assert client.get("/api/workorders/").json()["count"] == 0
    assert client.get(f"/api/workorders/{order.pk}/").status_code == 404


@pytest.mark.parametrize("payload, field", [
    ({"kind": "teleport", "address": "x"}, "kind"),
    ({"kind": "repair"}, "address"),
    ({"kind": "repair", "address": "x", "lat": 91, "lng": 108.3}, "lat"),
    ({"kind": "repair", "address": "x", "area": 99999}, "area"),
    ({"kind": "repair", "address": "x", "priority": "whenever"}, "priority"),
    ({"kind": "repair", "address": "x", "window_start": "2026-11-24T10:00:00+08:00",
      "window_end": "2026-11-24T09:00:00+08:00"}, "window_end"),
    ({"kind": "repair", "address": "x", "duration_minutes": 0}, "duration_minutes"),
])
def test_bad_work_order_input_answers_400_with_the_field(as_user, dispatcher, area, payload, field):
    response = as_user(dispatcher).post("/api/workorders/", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()


def test_technicians_day_lists_jobs_in_sequence(as_user, dispatcher, repairer, area, today):
    first, second = WorkOrderFactory(area=area), WorkOrderFactory(area=area)
    client = as_user(dispatcher)
    client.post("/api/workorders/bulk-assign/", {"work_orders": [second.pk, first.pk], "technician": repairer.pk,
                                                 "scheduled_date": today.isoformat()}, format="json")

    day = as_user(repairer.user).get("/api/workorders/day/").json()

    assert [row["id"] for row in day] == [second.pk, first.pk]


def test_kinds_endpoint_lists_every_registered_kind(as_user, dispatcher):
    kinds = {row["code"] for row in as_user(dispatcher).get("/api/workorder-kinds/").json()}

    assert kinds == {"repair", "emergency", "commissioning", "pipe_acceptance", "meter_reading", "arrears_visit",
                     "supply_suspension", "reconnection", "safety_inspection", "hazard_rectification",
                     "pressure_check", "meter_replacement", "meter_complaint_removal", "meter_box_maintenance",
                     "meter_running_check"}


def test_queue_makes_a_constant_number_of_queries(as_user, dispatcher, repairer, area,
                                                  django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(dispatcher)

    def queries_for(count):
        for _ in range(count):
            order = WorkOrderFactory(area=area)
            post(client, order, "assign", {"technician": repairer.pk})
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/workorders/", {"area": area.pk, "status": "assigned", "page_size": 50})
        assert response.status_code == 200
        return len(captured)

    few = queries_for(3)
    many = queries_for(40)

    assert few == many
