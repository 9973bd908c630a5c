"""The collection-rate KPI: the share of the month's billed amount paid so far, by office and area."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dispatch.reports import kpis
from dispatch.reports.kpis import Scope
from tests.factories import AreaFactory, CustomerAccountFactory, PremisesFactory, ServiceOfficeFactory, square
from tests.factories.arrears import BillFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    """Two offices; March bills of 200 + 300 in QX (250 paid) and 100 in JN (all paid); a February bill apart."""
    qx, jn = ServiceOfficeFactory(code="QX"), ServiceOfficeFactory(code="JN")
    qx_area = AreaFactory(code="QX-01", office=qx, boundary=square(108.30, 22.80, 0.05))
    jn_area = AreaFactory(code="JN-01", office=jn, boundary=square(108.40, 22.80, 0.05))
    accounts = []
    for area, amounts in ((qx_area, ["200.00", "300.00"]), (jn_area, ["100.00"])):
        for amount in amounts:
            account = CustomerAccountFactory()
            PremisesFactory(account=account, area=area)
            BillFactory(account=account, due_date=date(2026, 3, 20), amount=Decimal(amount))
            accounts.append(account)
    BillFactory(account=accounts[0], due_date=date(2026, 2, 20), amount=Decimal("50.00"))
    paid_at = timezone.now() - timedelta(days=1)
    # The first account's 250 pays February's 50 first (oldest first), then 200 of March: March fully paid.
    PaymentFactory(account=accounts[0], amount=Decimal("250.00"), paid_at=paid_at)
    PaymentFactory(account=accounts[1], amount=Decimal("100.00"), paid_at=paid_at)
    PaymentFactory(account=accounts[2], amount=Decimal("100.00"), paid_at=paid_at)
    return qx, jn


def test_collection_rate_is_the_paid_share_of_the_months_billed_amount(ledger):
    qx, jn = ledger
    march = date(2026, 3, 1)

    everyone = kpis.compute("collection", Scope(), march)
    office = kpis.compute("collection", Scope(office_id=qx.pk), march)

    # Hand count: billed 200 + 300 + 100 = 600; paid towards March 200 + 100 + 100 = 400.
    assert (everyone.numerator, everyone.denominator, everyone.value) == (400.0, 600.0, 66.7)
    assert (office.numerator, office.denominator, office.value) == (200 + 100.0, 500.0, 60.0)
    assert kpis.compute("collection", Scope(office_id=jn.pk), march).value == 100.0
    # Older bills are held to the 100 % target of DOMAIN.md.
    assert everyone.target == 100.0 and everyone.met is False


def test_collection_drill_down_marks_the_bills_fully_paid(ledger):
    march = date(2026, 3, 1)

    rows = {bill.amount: bill.attained for bill in kpis.drill_down("collection", Scope(), march)}

    assert rows == {Decimal("200.00"): True, Decimal("300.00"): False, Decimal("100.00"): True}


def test_a_technician_has_no_collection_figure(ledger):
    assert kpis.compute("collection", Scope(technician_id=1), date(2026, 3, 1)).value is None


def test_collection_drill_down_page_lists_the_bills(ledger, client, manager, english):
    client.force_login(manager)

    page = client.get("/reports/kpi/collection/", {"month": "2026-03"}).content.decode()

    assert page.count("<tr>") >= 4 and "300.00" in page
