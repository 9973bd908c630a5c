import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dispatch.workorders import services
from dispatch.workorders.models import Status, WorkOrder, WorkOrderAttachment, WorkOrderEvent
from tests.factories import PremisesFactory
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician

pytestmark = pytest.mark.django_db

API = "/m/api/v1"
REPAIR_DONE = {"checklist_answers": {"leak_test_done": True, "supply_restored_safely": True},
               "data": {"fault_found": "Blocked burner", "work_done": "Cleaned"}}


@pytest.fixture
def area(office):
    from tests.factories import AreaFactory, square

    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def tech(office):
    return make_technician(office, "fieldtech")


@pytest.fixture
def on_site_job(area, tech, dispatcher):
    premises = PremisesFactory(area=area, lat=22.81, lng=108.31, access_notes="Dog in the yard")
    order = WorkOrderFactory(area=area, premises=premises, scheduled_date=timezone.localdate())
    services.assign(work_order_id=order.pk, technician=tech, actor=dispatcher, sequence=1)
    for step in ("dispatched", "en_route", "on_site"):
        services.transition(work_order_id=order.pk, to_status=step, actor=dispatcher)
    return order


def jpeg(size=(64, 48), gps=None) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    if gps:
        lat, lng = gps
        exif[0x8825] = {1: "N", 2: (22.0, 48.0, lat), 3: "E", 4: (108.0, 18.0, lng)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_token_login_and_my_day_with_what_is_needed_at_the_door(api, tech, on_site_job):
    login = api.post(f"{API}/auth/login/", {"username": "fieldtech", "password": "correct-horse-battery-9"},
                     format="json")
    assert login.status_code == 200, login.json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {login.json()['token']}")

    day = api.get(f"{API}/day/").json()

    job = day["jobs"][0]
    assert job["number"] == on_site_job.number
    assert job["navigation_uri"].startswith("geo:22.81,108.31")
    assert job["access_notes"] == "Dog in the yard"
    assert job["customer"]["phone"]
    detail = api.get(f"{API}/jobs/{on_site_job.pk}/").json()
    assert [item["key"] for item in detail["form"]["checklist"]] == ["leak_test_done", "supply_restored_safely"]
    assert {field["name"] for field in detail["form"]["fields"]} >= {"fault_found", "work_done"}
    assert api.post(f"{API}/auth/logout/").status_code == 204
    assert api.get(f"{API}/day/").status_code == 401


def test_another_technicians_job_answers_404(as_user, office, on_site_job):
    stranger = make_technician(office, "stranger")

    client = as_user(stranger.user)

    assert client.get(f"{API}/jobs/{on_site_job.pk}/").status_code == 404
    assert client.post(f"{API}/jobs/{on_site_job.pk}/complete/", REPAIR_DONE, format="json").status_code == 404


def test_completion_posted_twice_with_one_key_is_recorded_once(as_user, tech, on_site_job):
    client = as_user(tech.user)

    first = client.post(f"{API}/jobs/{on_site_job.pk}/complete/", REPAIR_DONE, format="json",
                        HTTP_IDEMPOTENCY_KEY="phone-1-action-7")
    replay = client.post(f"{API}/jobs/{on_site_job.pk}/complete/", REPAIR_DONE, format="json",
                         HTTP_IDEMPOTENCY_KEY="phone-1-action-7")

    assert first.status_code == replay.status_code == 200
    assert replay["Idempotent-Replay"] == "true"
    assert replay.json() == first.json()
    assert WorkOrderEvent.objects.filter(work_order=on_site_job, to_status="completed").count() == 1


def test_the_same_key_on_another_request_is_refused(as_user, tech, on_site_job):
    client = as_user(tech.user)
    client.post(f"{API}/jobs/{on_site_job.pk}/complete/", REPAIR_DONE, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    reused = client.post(f"{API}/jobs/{on_site_job.pk}/move/", {"to": "unable", "unable_reason": "other"},
                         format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


def test_a_refusal_is_replayed_as_a_refusal(as_user, tech, on_site_job):
    client = as_user(tech.user)
    bad = {"checklist_answers": {}, "data": {}}

    first = client.post(f"{API}/jobs/{on_site_job.pk}/complete/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    again = client.post(f"{API}/jobs/{on_site_job.pk}/complete/", REPAIR_DONE, format="json",
                        HTTP_IDEMPOTENCY_KEY="k2")

    assert first.status_code == again.status_code == 400
    assert WorkOrder.objects.get(pk=on_site_job.pk).status == Status.ON_SITE


def test_replay_of_a_job_reassigned_meanwhile_gets_a_clear_code(as_user, tech, office, area, dispatcher):
    order = WorkOrderFactory(area=area, scheduled_date=timezone.localdate())
    services.assign(work_order_id=order.pk, technician=tech, actor=dispatcher)
    services.assign(work_order_id=order.pk, technician=make_technician(office, "colleague"), actor=dispatcher,
                    expected_version=WorkOrder.objects.get(pk=order.pk).version)

    response = as_user(tech.user).post(f"{API}/jobs/{order.pk}/move/", {"to": "en_route"}, format="json",
                                       HTTP_IDEMPOTENCY_KEY="offline-1")

    assert response.status_code == 409
    assert response.json()["code"] == "job_reassigned"


def test_replay_of_a_cancelled_job_gets_a_clear_code(as_user, tech, area, dispatcher):
    order = WorkOrderFactory(area=area)
    services.assign(work_order_id=order.pk, technician=tech, actor=dispatcher)
    services.transition(work_order_id=order.pk, to_status="cancelled", actor=dispatcher, reason="Customer called")

    response = as_user(tech.user).post(f"{API}/jobs/{order.pk}/move/", {"to": "en_route"}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "job_cancelled"


def test_photo_keeps_its_exif_location_and_is_served_only_to_the_technician(as_user, tech, office, on_site_job):
    client = as_user(tech.user)
    upload = SimpleUploadedFile("kitchen.jpg", jpeg(gps=(36.0, 54.0)), content_type="image/jpeg")

    response = client.post(f"{API}/jobs/{on_site_job.pk}/photos/", {"file": upload, "caption": "Hose"})

    assert response.status_code == 201, response.json()
    photo = WorkOrderAttachment.objects.get()
    assert (round(photo.lat, 3), round(photo.lng, 3)) == (22.81, 108.315)
    url = f"{API}/jobs/{on_site_job.pk}/attachments/{photo.pk}/"
    assert client.get(url).status_code == 200
    assert as_user(make_technician(office, "nosy").user).get(url).status_code == 404


def test_signature_needs_the_signers_name(as_user, tech, on_site_job):
    client = as_user(tech.user)
    png = io.BytesIO()
    Image.new("L", (300, 120), 255).save(png, "PNG")

    unnamed = client.post(f"{API}/jobs/{on_site_job.pk}/signature/",
                          {"file": SimpleUploadedFile("s.png", png.getvalue(), content_type="image/png")})
    named = client.post(f"{API}/jobs/{on_site_job.pk}/signature/",
                        {"file": SimpleUploadedFile("s.png", png.getvalue(), content_type="image/png"),
                         "signer_name": "李四"})

    assert unnamed.status_code == 400 and "signer_name" in unnamed.json()["fields"]
    assert named.status_code == 201 and named.json()["signer_name"] == "李四"


@pytest.mark.parametrize("name, content", [
    ("report.jpg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
    ("huge.jpg", b"\xff\xd8\xff\xe0" + b"0" * (20 * 1024 * 1024)),
    ("empty.png", b""),
])
def test_files_that_are_not_images_or_too_big_are_refused(as_user, tech, on_site_job, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")

    response = as_user(tech.user).post(f"{API}/jobs/{on_site_job.pk}/photos/", {"file": upload})

    assert 400 <= response.status_code < 500
    assert "file" in response.json()["fields"]
    assert not WorkOrderAttachment.objects.exists()


def test_moves_are_stamped_with_the_location_and_dispatch_moves_are_not_allowed(as_user, tech, area, dispatcher):
    order = WorkOrderFactory(area=area, scheduled_date=timezone.localdate() + timedelta(days=1))
    services.assign(work_order_id=order.pk, technician=tech, actor=dispatcher)
    client = as_user(tech.user)

    refused = client.post(f"{API}/jobs/{order.pk}/move/", {"to": "dispatched"}, format="json")
    services.transition(work_order_id=order.pk, to_status="dispatched", actor=dispatcher)
    moved = client.post(f"{API}/jobs/{order.pk}/move/", {"to": "en_route", "lat": 22.8, "lng": 108.3}, format="json")

    assert refused.status_code == 400 and "to" in refused.json()["fields"]
    assert moved.json()["status"] == "en_route"
    event = WorkOrderEvent.objects.get(work_order=order, to_status="en_route")
    assert (event.actor, event.lat, event.lng) == (tech.user, 22.8, 108.3)


def test_dispatchers_cannot_use_the_technician_api(as_user, dispatcher):
    assert as_user(dispatcher).get(f"{API}/day/").status_code == 403


def test_completion_form_gives_choice_labels_for_the_phone_to_show():
    from django.utils import translation

    from mobile_api.serializers import completion_form

    with translation.override("en"):
        fields = {field["name"]: field for field in completion_form("meter_box_maintenance")["fields"]}

    assert fields["condition"]["type"] == "choice"
    assert ["rusty", "rusty"] in fields["condition"]["choices"]
    assert fields["work_done"]["required"] is True


def test_job_detail_shows_the_facts_other_apps_register(as_user, tech, on_site_job, monkeypatch):
    from dispatch.workorders import kinds

    monkeypatch.setattr(kinds, "_job_facts", {
        "hazards": lambda order: [{"grade": 1, "title": "Aged hose"}] if order.premises_id else None,
        "nothing": lambda order: None,
    })

    detail = as_user(tech.user).get(f"{API}/jobs/{on_site_job.pk}/").json()

    assert detail["facts"] == {"hazards": [{"grade": 1, "title": "Aged hose"}]}


def test_job_detail_shows_the_installed_meter_and_its_last_reading(as_user, tech, on_site_job):
    from decimal import Decimal

    from dispatch.meters.services import meter_install
    from tests.factories.meters import MeterFactory

    meter = MeterFactory(serial="NG-2022-0001")
    meter_install(actor=None, premises=on_site_job.premises, meter=meter, opening_reading=Decimal("12.345"),
                  installed_at=timezone.now() - timedelta(days=30))

    facts = as_user(tech.user).get(f"{API}/jobs/{on_site_job.pk}/").json()["facts"]

    assert facts["meter"]["serial"] == "NG-2022-0001"
    assert facts["meter"]["size"] == "G4"
