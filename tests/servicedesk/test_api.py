"""The desk API: complaint steps and hand-over, callbacks and their outcome."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.servicedesk.callbacks import create_callbacks
from dispatch.servicedesk.models import Callback, Complaint
from dispatch.workorders.models import WorkOrder
from tests.factories.workorders import WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_complaint_steps_and_hand_over_over_the_api(as_user, agent, other_agent, premises):
    client = as_user(agent)
    created = client.post("/api/service-requests/", {"request_type": "complaint", "premises": premises.pk,
                                                     "description": "Late"}, format="json")
    assert created.status_code == 201
    complaint = Complaint.objects.get()
    url = f"/api/desk/complaints/{complaint.pk}/"

    step = client.post(url + "transition/", {"to_status": "judged", "founded": True, "category": "timeliness"},
                       format="json")
    assert step.status_code == 200, step.json()
    assert step.json()["status"] == "judged" and [e["to_status"] for e in step.json()["events"]] == [
        "accepted", "judged"]
    skipped = client.post(url + "transition/", {"to_status": "closed", "summary": "x"}, format="json")
    assert skipped.status_code == 409 and skipped.json()["code"] == "illegal_transition"
    missing = client.post(url + "transition/", {"to_status": "assigned"}, format="json")
    assert missing.status_code == 400 and "department" in missing.json()["fields"]

    moved = client.post(url + "handover/", {"to_user": "agent2", "reason": "Shift ends"}, format="json")
    assert moved.status_code == 200 and moved.json()["owner"] == "agent2"
    refused = client.post(url + "transition/", {"to_status": "assigned", "department": "dispatch"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_owner"
    assert as_user(other_agent).get("/api/desk/complaints/").json()["count"] == 1


def test_callbacks_over_the_api(as_user, agent, area, technician):
    order = WorkOrderFactory(area=area, contact_phone="13900000001")
    WorkOrder.objects.filter(pk=order.pk).update(status="completed",
                                                 completed_at=timezone.now() - timedelta(days=1))
    create_callbacks(now=timezone.now())
    Callback.objects.update(scheduled_at=timezone.now() - timedelta(minutes=1))
    client = as_user(agent)
    listed = client.get("/api/desk/callbacks/").json()
    assert listed["count"] == 1
    callback_id = listed["results"][0]["id"]
    bad = client.post(f"/api/desk/callbacks/{callback_id}/record/", {"reached": True, "satisfaction": 9},
                      format="json")
    assert bad.status_code == 400
    done = client.post(f"/api/desk/callbacks/{callback_id}/record/",
                       {"reached": True, "satisfaction": 2, "problem_solved": False, "comments": "still smells"},
                       format="json")
    assert done.status_code == 200 and done.json()["follow_up"] == "reopened"
    order.refresh_from_db()
    assert order.status == "new"
    assert as_user(technician).get("/api/desk/callbacks/").status_code == 403
