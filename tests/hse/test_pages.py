"""The safety officer's pages: register with filters and heat map, what needs attention, exports."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dispatch.common.models import AuditEvent
from dispatch.hse import services
from dispatch.hse.models import RiskMethod
from tests.factories import StaffProfileFactory
from tests.factories.hse import (
    HazardRegisterFactory,
    InspectionChecklistFactory,
    TrainingRecordFactory,
    make_hazard,
    make_nonconformity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_data(office, safety_officer):
    lec = HazardRegisterFactory(name="Field work", method=RiskMethod.LEC, office=office)
    matrix = HazardRegisterFactory(name="Offices", method=RiskMethod.MATRIX, office=office)
    significant = make_hazard(register=lec, activity="Cutting into live mains", lec_l="3", lec_e="6", lec_c="7",
                              responsible=safety_officer)
    make_hazard(register=lec, activity="Filing in the archive", lec_l="1", lec_e="6", lec_c="1")
    make_hazard(register=matrix, activity="Stairs to the meter room", likelihood=4, severity=4)
    make_hazard(register=matrix, activity="Van loading", likelihood=4, severity=4)
    make_hazard(register=matrix, activity="Printer toner", likelihood=1, severity=2)
    return significant


@pytest.mark.parametrize("path", ["/hse/", "/hse/attention/", "/hse/register.xlsx", "/hse/register.pdf"])
def test_other_roles_get_403_and_anonymous_the_sign_in(client, dispatcher, path):
    assert client.get(path).status_code == 302
    client.force_login(dispatcher)
    assert client.get(path).status_code == 403


def test_register_page_with_heat_map_and_filters(client, safety_officer, register_data, english):
    client.force_login(safety_officer)
    page = client.get("/hse/").content.decode()

    assert "Cutting into live mains" in page and "Printer toner" in page
    assert re.search(r'data-likelihood="4" data-severity="4" data-count="2" data-band="high"', page)
    assert re.search(r'data-likelihood="1" data-severity="2" data-count="1" data-band="low"', page)
    assert re.search(r'class="lec-bar" data-band="significant" data-count="1"', page)
    assert re.search(r'class="lec-bar" data-band="low" data-count="1"', page)
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", "")

    filtered = client.get("/hse/", {"band": "high"}).content.decode()
    assert "Stairs to the meter room" in filtered and "Cutting into live mains" not in filtered
    assert client.get("/hse/", {"band": "nonsense"}).status_code == 200  # shown as a form error, no 500


def test_attention_page(client, safety_officer, register_data, office, english):
    nc = make_nonconformity(actor=safety_officer, office=office)
    services.action_add(actor=safety_officer, nonconformity_id=nc.pk, kind="immediate", description="Barrier tape",
                        owner=safety_officer, deadline=timezone.localdate() - timedelta(days=2))
    TrainingRecordFactory(staff=StaffProfileFactory(office=office), course="Breathing apparatus",
                          valid_until=timezone.localdate() + timedelta(days=5))
    InspectionChecklistFactory(office=office, name="Van safety kit", next_due=timezone.localdate())
    client.force_login(safety_officer)

    page = client.get("/hse/attention/").content.decode()

    assert "Cutting into live mains" in page          # significant, no control in place
    assert "Filing in the archive" not in page
    assert "Barrier tape" in page                     # overdue action
    assert "Breathing apparatus" in page              # expiring training
    assert "Van safety kit" in page                   # self-inspection due


def test_hazard_page_shows_the_history(client, safety_officer, register_data):
    services.hazard_update(actor=safety_officer, hazard_id=register_data.pk, reason="Method statement revised",
                           changes={"lec_e": "3"})
    client.force_login(safety_officer)
    page = client.get(f"/hse/hazards/{register_data.pk}/").content.decode()
    assert "Method statement revised" in page
    assert client.get("/hse/hazards/999999/").status_code == 404


def test_xlsx_export_follows_the_filters_and_is_audited(client, safety_officer, register_data, english):
    client.force_login(safety_officer)
    response = client.get("/hse/register.xlsx", {"significant": "true"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number"
    assert {row[3] for row in rows[1:]} == {"Cutting into live mains", "Stairs to the meter room", "Van loading"}
    assert AuditEvent.objects.filter(action="export", actor=safety_officer).exists()


def test_pdf_export(client, safety_officer, register_data):
    client.force_login(safety_officer)
    response = client.get("/hse/register.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
