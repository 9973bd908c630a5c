"""The safety officer's pages, exports, notices, pressure sampling and anomalies."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dispatch.safety import hazards as hazard_services
from dispatch.safety import sampling
from dispatch.safety.models import HazardType, PipelineEndPoint, PressureCheck, SafetyFile
from dispatch.safety.planning import generate_plan
from dispatch.safety.sampling import register_notice_sender, sample_pressure_checks, send_inspection_notices
from dispatch.workorders import services
from dispatch.workorders.models import Notification, WorkOrder
from tests.factories import UserFactory
from tests.factories.safety import complete_inspection, premises_of, to_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(area, inspector, officer):
    for _ in range(3):
        premises_of(area, "residential", last_inspected=date(timezone.localdate().year - 2, 1, 10))
    return generate_plan(area=area, year=timezone.localdate().year, actor=officer, today=timezone.localdate())


def test_coverage_page_for_the_safety_officer(client, officer, planned, inspector, dispatcher, english):
    order = WorkOrder.objects.filter(kind="safety_inspection").first()
    complete_inspection(to_site(order, inspector, dispatcher), inspector)
    client.force_login(officer)

    page = client.get("/safety/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "QX-01" in html and "<svg" in html and 'id="coverage-table"' in html
    row = page.context["rows"][0]
    assert row["due"] == planned.orders_created and row["on_time"] == (
        1 if order.scheduled_date.month >= timezone.localdate().month else 0)


@pytest.mark.parametrize("path", ["/safety/", "/safety/hazards/", "/safety/overdue/", "/safety/no-access/"])
def test_pages_are_for_officers_only(client, technician, officer, path):
    client.force_login(technician)
    assert client.get(path).status_code == 403
    client.force_login(officer)
    assert client.get(path).status_code == 200


def test_hazard_pages_and_exports(client, officer, area, english):
    premises = premises_of(area)
    hazard = hazard_services.hazard_raise(actor=None, premises=premises, follow_up=False,
                                          hazard_type=HazardType.objects.get(code="private_alteration"))
    type(hazard).objects.filter(pk=hazard.pk).update(deadline=date(2020, 1, 1))
    SafetyFile.objects.create(premises=premises_of(area), no_access_attempts=3, escalated_at=timezone.now())
    client.force_login(officer)

    assert "Private connection" in client.get("/safety/overdue/").content.decode()
    assert client.get("/safety/hazards/").context["table"][2]["0–7"] == 1
    workbook = load_workbook(BytesIO(client.get("/safety/overdue/export.xlsx").content))
    assert workbook.active["A2"].value == premises.premises_no
    workbook = load_workbook(BytesIO(client.get("/safety/no-access/export.xlsx").content))
    assert workbook.active["F2"].value == 3
    pdf = client.get("/safety/coverage/export.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/safety/premises/{premises.pk}/").status_code == 200
    assert client.get(f"/safety/notices/hazard/{hazard.pk}.pdf").content.startswith(b"%PDF")


def test_officers_of_another_office_do_not_see_the_area(client, other_office, planned):
    stranger = UserFactory(username="officer2", roles=["safety_officer"])
    from tests.factories import StaffProfileFactory

    StaffProfileFactory(user=stranger, office=other_office)
    client.force_login(stranger)
    assert client.get("/safety/").context["rows"] == []


def test_printable_notice_and_the_notice_hooks(client, planned, officer, monkeypatch):
    order = WorkOrder.objects.filter(kind="safety_inspection").first()
    client.force_login(officer)
    assert client.get(f"/safety/notices/inspection/{order.pk}.pdf").content.startswith(b"%PDF")

    sent = []
    monkeypatch.setattr(sampling, "_senders", dict(sampling._senders))
    register_notice_sender("sms", lambda wo: sent.append(wo.pk) or True)
    WorkOrder.objects.filter(pk=order.pk).update(scheduled_date=timezone.localdate() + timezone.timedelta(days=3))
    assert send_inspection_notices() == 1 and sent == [order.pk]
    assert send_inspection_notices() == 0  # once per channel


def test_daily_pressure_sampling_and_an_out_of_range_reading(area, inspector, dispatcher):
    for _ in range(3):
        PipelineEndPoint.objects.create(premises=premises_of(area))
    assert sample_pressure_checks() == 2  # two per area by default
    assert sample_pressure_checks() == 0  # idempotent for the day
    order = WorkOrder.objects.filter(kind="pressure_check").first()
    order = to_site(order, inspector, dispatcher)

    services.complete(work_order_id=order.pk, actor=inspector.user, checklist_answers={},
                      data={"pressure_kpa": "1.10", "instrument_serial": "PG-7"})

    check = PressureCheck.objects.get()
    assert (check.in_range, check.min_kpa, check.max_kpa) == (False, Decimal("1.50"), Decimal("3.00"))
    assert Notification.objects.filter(recipient=dispatcher, topic="pressure_anomaly").exists()
