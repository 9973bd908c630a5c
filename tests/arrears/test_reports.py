"""Reports read from the ledger: aging, collection rate against targets, the monthly report as PDF and XLSX."""

import io
import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dispatch.arrears import ledger, reports
from dispatch.arrears.models import LateFee
from tests.factories.arrears import BillFactory, PaymentFactory, moment

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 28)


@pytest.fixture
def books(make_account, area, other_area):
    """Two areas, bills of April to June, payments and a late fee."""
    a = make_account("A-1")
    b = make_account("A-2", in_area=other_area)
    c = make_account("A-3")
    for account, amounts in ((a, ("100.00", "120.50", "90.00")), (b, ("300.00", "310.00", "305.25")),
                             (c, ("55.00", "60.00", "65.00"))):
        for month, amount in zip((4, 5, 6), amounts, strict=True):
            BillFactory(account=account, reference=f"{account.account_no}-{month}", due_date=date(2026, month, 20),
                        period=date(2026, month, 1), amount=Decimal(amount), issued_at=moment(date(2026, month, 1)))
    PaymentFactory(account=a, amount=Decimal("220.50"), paid_at=moment(date(2026, 6, 1)))  # April and May paid
    PaymentFactory(account=b, amount=Decimal("300.00"), paid_at=moment(date(2026, 5, 10)))  # April paid
    PaymentFactory(account=c, amount=Decimal("180.00"), paid_at=moment(date(2026, 6, 25)))  # all paid
    PaymentFactory(account=c, amount=Decimal("999.00"), paid_at=moment(date(2026, 7, 2)))  # after the report day
    LateFee.objects.create(account=b, accrued_on=date(2026, 6, 1), amount=Decimal("0.93"),
                           base_amount=Decimal("310.00"), per_mille=Decimal("3"), rule="3 ‰")
    return a, b, c


def test_aging_buckets_by_days_past_due(books, other_area):
    data = reports.aging(as_of=AS_OF)

    rows = {row["area"]: row for row in data["rows"]}
    # May bill 310.00 due 05-20 (39 days), fee 0.93 from 06-01 (27 days), June bill due 06-20 (8 days).
    assert rows["QX-02"]["31_60"] == Decimal("310.00")
    assert rows["QX-02"]["0_30"] == Decimal("0.93") + Decimal("305.25")
    # June bill 90.00 overdue 8 days; A-3 paid all.
    assert rows["QX-01"]["0_30"] == Decimal("90.00") and rows["QX-01"]["accounts_in_arrears"] == 1
    assert data["total"]["total"] == sum(ledger.position(pk, AS_OF).arrears for pk in
                                         [a.pk for a in books])


def test_aging_bucket_edges():
    assert [ledger.bucket_of(days) for days in (0, 30, 31, 60, 61, 90, 91)] == [
        "0_30", "0_30", "31_60", "31_60", "61_90", "61_90", "over_90"]


def test_collection_rate_by_area_and_month_against_the_targets(books):
    data = reports.collection_rate(as_of=AS_OF)

    rows = {(row["area"], row["month"]): row for row in data["rows"]}
    june = rows[("QX-01", "2026-06")]  # A-1 90.00 unpaid, A-3 65.00 paid
    assert june["billed"] == Decimal("155.00") and june["collected"] == Decimal("65.00")
    assert june["rate"] == Decimal("41.9") and june["target"] == Decimal("80") and june["met"] is False
    april = rows[("QX-02", "2026-04")]
    assert april["rate"] == Decimal("100.0") and april["target"] == Decimal("100") and april["met"] is True
    may = rows[("QX-02", "2026-05")]
    assert may["rate"] == Decimal("0.0") and may["target"] == Decimal("90")


def test_targets_are_configurable(books, settings):
    settings.ARREARS_COLLECTION_TARGETS = {0: 40, 1: 50}
    data = reports.collection_rate(as_of=AS_OF)
    assert {row["month"] for row in data["rows"]} == {"2026-06", "2026-05"}
    assert {row["met"] for row in data["rows"] if row["area"] == "QX-01" and row["month"] == "2026-06"} == {True}


def _amount(text: str, label: str) -> Decimal:
    line = next(line for line in text.splitlines() if label in line)
    return Decimal(re.findall(r"-?[\d,]+\.\d\d", line)[-1].replace(",", ""))


def test_monthly_report_pdf_totals_match_the_ledger(books, tmp_path):
    pdf = reports.monthly_pdf(date(2026, 6, 1))

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    totals = ledger.ledger_totals(AS_OF)
    arrears = sum(ledger.position(account.pk, AS_OF).arrears for account in books)
    assert "月度欠费报表" in text and "2026-06-28" in text
    assert _amount(text, "应收合计") == totals["billed"] == Decimal("1405.75")
    assert _amount(text, "滞纳金合计") == totals["fees"] == Decimal("0.93")
    assert _amount(text, "实收合计") == totals["paid"] == Decimal("700.50")  # the July payment is left out
    assert _amount(text, "余额合计") == totals["balance"]
    assert _amount(text, "欠费合计") == arrears
    assert "QX-01" in text and "QX-02" in text


def test_monthly_report_xlsx_has_the_same_numbers(books):
    workbook = load_workbook(io.BytesIO(reports.monthly_xlsx(date(2026, 6, 1))))

    ledger_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    total = ledger_rows[-1]
    totals = ledger.ledger_totals(AS_OF)
    assert Decimal(str(total[3])) == totals["billed"] and Decimal(str(total[5])) == totals["paid"]
    assert len(workbook.sheetnames) == 3
