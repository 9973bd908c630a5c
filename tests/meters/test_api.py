"""Meters and readings API: role scoping, actions, bad input as 4xx with field messages."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dispatch.meters import readings
from dispatch.meters.models import MeterReading
from tests.factories import AreaFactory, PremisesFactory, square
from tests.factories.meters import MeterFactory, installed_meter
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician

from .test_imports import stamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(other_office, now):
    """A meter and an implausible reading in another office's area."""
    area = AreaFactory(code="JN-01", office=other_office, boundary=square(108.40, 22.70, 0.05))
    meter = installed_meter(PremisesFactory(area=area), opening="100", installed_at=now - timedelta(days=100))
    return readings.reading_record(actor=None, meter=meter, value="1", read_at=now - timedelta(hours=2),
                                   confirm=True)


@pytest.fixture
def implausible(meter, now):
    return readings.reading_record(actor=None, meter=meter, value="90", read_at=now - timedelta(hours=1),
                                   confirm=True)


def test_meter_list_is_scoped_by_role(as_user, lab, dispatcher, technician, agent, meter, elsewhere):
    stock = MeterFactory()
    assert {m["serial"] for m in as_user(lab).get("/api/meters/").json()["results"]} == {
        meter.serial, elsewhere.meter.serial, stock.serial}
    assert {m["serial"] for m in as_user(dispatcher).get("/api/meters/").json()["results"]} == {
        meter.serial, stock.serial}
    assert as_user(technician).get("/api/meters/").status_code == 403
    assert as_user(agent).get("/api/meters/").status_code == 403


def test_meter_filters(as_user, lab, meter):
    MeterFactory(gas_type="lpg", serial="LPG-1")
    client = as_user(lab)
    assert [m["serial"] for m in client.get("/api/meters/", {"gas_type": "lpg"}).json()["results"]] == ["LPG-1"]
    assert [m["serial"] for m in client.get("/api/meters/", {"status": "installed"}).json()["results"]] == [
        meter.serial]
    assert client.get("/api/meters/", {"service_life_ends_before": "2000-01-01"}).json()["count"] == 0


def test_register_and_bad_input(as_user, lab, dispatcher, english):
    body = {"serial": "NEW-1", "manufacturer": "Goldcard", "model": "G4-D", "size": "G4",
            "manufactured_on": "2024-01-01"}
    assert as_user(dispatcher).post("/api/meters/", body, format="json").status_code == 403
    created = as_user(lab).post("/api/meters/", body, format="json")
    assert created.status_code == 201 and created.json()["service_life_expires_on"] == "2034-01-01"
    assert created.json()["status"] == "in_stock"

    again = as_user(lab).post("/api/meters/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate_serial"
    bad = as_user(lab).post("/api/meters/", {**body, "serial": "NEW-2", "size": "G99", "manufactured_on": "x"},
                            format="json")
    assert bad.status_code == 400 and {"size", "manufactured_on"} <= set(bad.json()["fields"])


def test_transition_install_remove_and_events(as_user, lab, premises):
    meter = MeterFactory()
    client = as_user(lab)
    illegal = client.post(f"/api/meters/{meter.pk}/transition/", {"to_status": "installed"}, format="json")
    assert illegal.status_code == 400 and "to_status" in illegal.json()["fields"]
    scrap = client.post(f"/api/meters/{meter.pk}/transition/", {"to_status": "scrapped"}, format="json")
    assert scrap.status_code == 400 and scrap.json()["code"] == "reason_required"

    install = client.post(f"/api/meters/{meter.pk}/install/", {"premises": premises.pk, "opening_reading": "3.5"},
                          format="json")
    assert install.status_code == 201
    to_lab = client.post(f"/api/meters/{meter.pk}/transition/", {"to_status": "in_lab"}, format="json")
    assert to_lab.status_code == 409 and to_lab.json()["code"] == "illegal_transition"
    bad = client.post(f"/api/meters/{meter.pk}/remove/", {"closing_reading": "-1"}, format="json")
    assert bad.status_code == 400 and "closing_reading" in bad.json()["fields"]
    assert client.post(f"/api/meters/{meter.pk}/remove/", {"closing_reading": "10"}, format="json").status_code == 200
    events = client.get(f"/api/meters/{meter.pk}/events/").json()
    assert [(e["from_status"], e["to_status"]) for e in events] == [("", "in_stock"), ("in_stock", "installed"),
                                                                   ("installed", "removed")]


def test_reading_record_api_asks_to_confirm(as_user, dispatcher, meter, now):
    client = as_user(dispatcher)
    body = {"meter": meter.serial, "value": "50", "read_at": now.isoformat()}
    refused = client.post("/api/meter-readings/", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "implausible_reading"
    assert refused.json()["failed_checks"][0]["code"] == "below_previous"
    kept = client.post("/api/meter-readings/", {**body, "confirm": True}, format="json")
    assert kept.status_code == 201 and kept.json()["plausibility"] == "implausible_confirmed"
    bad = client.post("/api/meter-readings/", {"meter": "NOPE", "value": "abc"}, format="json")
    assert bad.status_code == 400 and {"meter", "value"} <= set(bad.json()["fields"])


def test_implausible_list_and_clerk_actions(as_user, dispatcher, other_dispatcher, technician, implausible,
                                            elsewhere):
    client = as_user(dispatcher)
    listed = client.get("/api/meter-readings/implausible/").json()
    assert [r["id"] for r in listed["results"]] == [implausible.pk]

    assert as_user(technician).post(f"/api/meter-readings/{implausible.pk}/accept/", {}).status_code == 403
    client = as_user(dispatcher)  # one client: signing in again switches it back
    assert client.post(f"/api/meter-readings/{elsewhere.pk}/accept/", {}).status_code == 404
    no_reason = client.post(f"/api/meter-readings/{implausible.pk}/correct/", {"value": "190"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    corrected = client.post(f"/api/meter-readings/{implausible.pk}/correct/", {"value": "190", "reason": "typo"},
                            format="json")
    assert corrected.status_code == 200 and corrected.json()["plausibility"] == "corrected"
    again = client.post(f"/api/meter-readings/{implausible.pk}/reread/", {}, format="json")
    assert again.status_code == 409

    reread = as_user(other_dispatcher).post(f"/api/meter-readings/{elsewhere.pk}/reread/", {}, format="json")
    assert reread.status_code == 200 and reread.json()["reread_order_number"].startswith("WO")


def test_technician_sees_only_readings_of_own_jobs(as_user, office, area, premises, meter, implausible, now):
    reader = make_technician(office, "reader", skills=("meter_reading",))
    order = WorkOrderFactory(area=area, premises=premises, kind="meter_reading")
    from dispatch.workorders import services as wo

    wo.assign(work_order_id=order.pk, technician=reader, actor=None)
    own = readings.reading_record(actor=reader.user, meter=meter, value="150", read_at=now - timedelta(minutes=5),
                                  work_order=order)
    listed = as_user(reader.user).get("/api/meter-readings/").json()
    assert [r["id"] for r in listed["results"]] == [own.pk]
    assert as_user(reader.user).get(f"/api/meter-readings/{implausible.pk}/").status_code == 404
    assert as_user(reader.user).post("/api/meter-readings/", {"meter": meter.serial, "value": "160"},
                                     format="json").status_code == 403


def test_import_endpoint_returns_a_row_report(as_user, dispatcher, lab, meter, now):
    text = (f"meter_serial,value,read_at\n{meter.serial},150,{stamp(now - timedelta(days=1))}\n"
            f"NOPE,1,{stamp(now)}\n{meter.serial},abc,{stamp(now)}\n")
    upload = SimpleUploadedFile("readings.csv", text.encode(), content_type="text/csv")
    response = as_user(dispatcher).post("/api/meter-readings/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert (body["total_rows"], body["imported"], body["rejected"]) == (3, 1, 2)
    assert [(p["line"], p["code"]) for p in body["problems"]] == [(3, "unknown_meter"), (4, "invalid_value")]
    assert MeterReading.objects.filter(source="import").count() == 1

    missing = as_user(dispatcher).post("/api/meter-readings/import/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["fields"]
    header = as_user(dispatcher).post("/api/meter-readings/import/", {
        "file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")}, format="multipart")
    assert header.status_code == 400 and header.json()["code"] == "invalid_header"

    meters = SimpleUploadedFile("meters.csv", b"serial,manufacturer,model,size,manufactured_on\nZ1,G,M,G4,2024-01-01\n")
    assert as_user(dispatcher).post("/api/meters/import/", {"file": meters}, format="multipart").status_code == 403
    meters.seek(0)
    imported = as_user(lab).post("/api/meters/import/", {"file": meters}, format="multipart")
    assert imported.status_code == 200 and imported.json()["imported"] == 1


def test_anonymous_is_refused(api):
    assert api.get("/api/meters/").status_code in (401, 403)
    assert api.get("/api/meter-readings/").status_code in (401, 403)
