"""The monthly service report: PDF and XLSX numbers are the KPIs; generated on demand and on beat."""

import io
import subprocess
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from dispatch.reports import kpis, monthly
from dispatch.reports.kpis import Scope
from dispatch.reports.models import MonthlyReport

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_monthly_report_pdf_numbers_match_the_kpis(month_data, english, tmp_path):
    text = pdf_text(monthly.pdf(monthly.report_data(MARCH)), tmp_path)
    lines = text.splitlines()
    assert "Monthly service report 2026-03" in text
    january = {value.code: value for value in kpis.all_kpis(Scope(), date(2026, 1, 1))}
    february = {value.code: value for value in kpis.all_kpis(Scope(), date(2026, 2, 1))}
    for value in kpis.all_kpis(Scope(), MARCH):
        row = next(line for line in lines if line.strip().startswith(value.label))
        # January, February, March, then attained/counted, the target and the trend.
        tokens = row.split()
        counted = tokens.index(f"{value.numerator:.0f}/{value.denominator:.0f}")
        assert tokens[counted - 3: counted] == [january[value.code].display,
                                                   february[value.code].display, value.display], (value.code, row)
    sla_row = next(line for line in lines if line.strip().startswith("SLA attainment ("))
    assert "66.7" in sla_row and "4/6" in sla_row
    assert "Qingxiu" in text and "Jiangnan" in text


def test_monthly_report_in_chinese_embeds_the_cjk_font(month_data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(monthly.pdf(monthly.report_data(MARCH)))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts, fonts


def test_monthly_report_xlsx_has_the_same_numbers(month_data, english):
    book = load_workbook(io.BytesIO(monthly.xlsx(monthly.report_data(MARCH))))
    sheet = book[book.sheetnames[0]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    for value in kpis.all_kpis(Scope(), MARCH):
        row = rows[value.label]
        assert row[5] == value.value and row[6] == value.numerator and row[7] == value.denominator


def test_beat_generates_last_months_report_once(month_data):
    from dispatch.reports.tasks import monthly_report_due

    assert monthly.generate_due(today=date(2026, 4, 1)).month == MARCH
    assert monthly.generate_due(today=date(2026, 4, 2)) is None
    stored = MonthlyReport.objects.get()
    assert stored.kpis["sla"] == {"value": 66.7, "numerator": 4, "denominator": 6, "target": 95.0}
    assert bytes(stored.pdf).startswith(b"%PDF") and bytes(stored.xlsx).startswith(b"PK")
    # The beat task builds the month before today's (once).
    first = monthly_report_due.delay().get()
    assert first is not None and monthly_report_due.delay().get() is None


def test_on_demand_download_and_access(month_data, manager, technician, dispatcher):
    client = Client()
    client.force_login(manager)
    response = client.get("/reports/monthly/", {"month": "2026-03", "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "service-report-2026-03.pdf" in response["Content-Disposition"]
    response = client.get("/reports/monthly/", {"month": "2026-03", "format": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    client.force_login(technician)
    assert client.get("/reports/monthly/", {"month": "2026-03"}).status_code == 403
    client.force_login(dispatcher)
    other = month_data["jn"].pk
    assert client.get("/reports/", {"month": "2026-03", "office": other}).status_code == 403
