"""API for incidents (with field emergencies), self-inspections and training records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AreaFactory, StaffProfileFactory
from tests.factories.hse import InspectionChecklistFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def test_incident_report_and_its_capa(as_user, safety_officer, office):
    client = as_user(safety_officer)
    bad = client.post("/api/hse/incidents/", {"kind": "near_miss", "occurred_at": "not a time", "place": "",
                                              "description": "x"}, format="json")
    assert bad.status_code == 400
    created = client.post("/api/hse/incidents/", {
        "kind": "near_miss", "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "place": "Meter store ladder", "description": "Ladder slipped, nobody hurt", "office": office.pk,
        "people_involved": "Fitter Wang"}, format="json")
    assert created.status_code == 201, created.json()
    incident = created.json()
    assert incident["number"].startswith("IN-")

    closing = client.patch(f"/api/hse/incidents/{incident['id']}/", {"status": "closed"}, format="json")
    assert closing.status_code == 400 and "root_cause" in closing.json()["fields"]
    assert client.patch(f"/api/hse/incidents/{incident['id']}/", {"root_cause": "No anti-slip feet"},
                        format="json").status_code == 200
    nc = client.post(f"/api/hse/incidents/{incident['id']}/raise-nonconformity/", {}, format="json")
    assert nc.status_code == 201 and nc.json()["source"] == "incident"
    again = client.post(f"/api/hse/incidents/{incident['id']}/raise-nonconformity/", {}, format="json")
    assert again.status_code == 409


def test_gas_emergency_from_the_field(as_user, safety_officer, dispatcher, office):
    from dispatch.workorders import services as workorders

    area = AreaFactory(office=office)
    order = workorders.work_order_create(actor=dispatcher, kind="emergency", area=area, address="3 Taoyuan Road")
    client = as_user(safety_officer)
    first = client.post("/api/hse/incidents/from-work-order/", {"work_order": order.pk}, format="json")
    assert first.status_code == 201
    assert (first.json()["kind"], first.json()["work_order"]) == ("gas_emergency", order.pk)
    assert client.post("/api/hse/incidents/from-work-order/", {"work_order": order.pk},
                       format="json").json()["id"] == first.json()["id"]
    assert client.post("/api/hse/incidents/from-work-order/", {"work_order": 999999},
                       format="json").status_code == 404


def test_self_inspection_over_the_api(as_user, safety_officer, office):
    checklist = InspectionChecklistFactory(office=office)
    client = as_user(safety_officer)
    assert client.get("/api/hse/checklists/").json()["count"] == 1
    url = f"/api/hse/checklists/{checklist.pk}/inspections/"
    assert client.post(url, {"date": timezone.localdate().isoformat(), "answers": [{"ok": True}]},
                       format="json").status_code == 400
    done = client.post(url, {"date": timezone.localdate().isoformat(),
                             "answers": [{"ok": True}, {"ok": False, "note": "Detector overdue"}, {"ok": True}]},
                       format="json")
    assert done.status_code == 201
    assert done.json()["findings"][0]["nonconformity"] is not None


def test_training_records(as_user, safety_officer, office, other_office):
    client = as_user(safety_officer)
    mine = StaffProfileFactory(office=office)
    theirs = StaffProfileFactory(office=other_office)
    today = timezone.localdate()
    payload = {"staff": mine.pk, "course": "Confined space", "completed_on": (today - timedelta(days=30)).isoformat(),
               "valid_until": (today + timedelta(days=10)).isoformat()}
    assert client.post("/api/hse/training/", payload, format="json").status_code == 201
    assert client.post("/api/hse/training/", {**payload, "staff": theirs.pk}, format="json").status_code == 403
    assert client.post("/api/hse/training/", {**payload, "valid_until": "2000-01-01"},
                       format="json").status_code == 400
    TrainingRecordFactory(staff=theirs)
    assert client.get("/api/hse/training/").json()["count"] == 1
    assert client.get("/api/hse/training/", {"expiring": "true"}).json()["count"] == 1


def test_action_owners_of_any_role_report_their_actions_done(as_user, safety_officer, technician):
    from dispatch.hse import services
    from tests.factories.hse import make_nonconformity

    nc = make_nonconformity(actor=safety_officer)
    mine = services.action_add(actor=safety_officer, nonconformity_id=nc.pk, kind="corrective",
                               description="Re-label the isolation valves", owner=technician,
                               deadline=timezone.localdate() + timedelta(days=5))
    services.action_add(actor=safety_officer, nonconformity_id=nc.pk, kind="preventive", description="Audit",
                        owner=safety_officer, deadline=timezone.localdate() + timedelta(days=5))
    client = as_user(technician)
    listed = client.get("/api/hse/my-actions/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert client.post(f"/api/hse/my-actions/{mine.pk}/complete/", {"result": ""}, format="json").status_code == 400
    done = client.post(f"/api/hse/my-actions/{mine.pk}/complete/", {"result": "Labels fitted"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert client.post(f"/api/hse/my-actions/{mine.pk}/complete/", {"result": "again"},
                       format="json").status_code == 404
    assert client.get("/api/hse/nonconformities/").status_code == 403
