from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from dispatch.arrears import ledger
from tests.factories import AreaFactory, CustomerAccountFactory, PremisesFactory, square
from tests.factories.arrears import BillFactory
from tests.workorders.conftest import make_technician


@pytest.fixture
def clock(monkeypatch):
    """clock.set(date) moves the arrears app's day (the dunning run, protections, balances)."""
    class Clock:
        day = date(2026, 6, 15)

        def set(self, day: date) -> None:
            self.day = day

    current = Clock()
    monkeypatch.setattr(ledger, "today", lambda: current.day)
    monkeypatch.setattr(ledger, "now", lambda: timezone.make_aware(datetime.combine(current.day, time(10))))
    return current


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def other_area(office):
    return AreaFactory(code="QX-02", office=office, boundary=square(108.40, 22.80, 0.05))


def declined_plan_offer(account):
    """Most scenarios start after the desk offered a payment plan and the customer declined (DOMAIN.md)."""
    from dispatch.arrears.models import PaymentPlan

    PaymentPlan.objects.create(account=account, total=Decimal("100.00"), instalments=2, first_due=date(2026, 1, 1),
                               status=PaymentPlan.Status.DECLINED)
    return account


@pytest.fixture
def account(area):
    premises = PremisesFactory(area=area, account=CustomerAccountFactory(account_no="A-1001", name="张三"))
    return declined_plan_offer(premises.account)


@pytest.fixture
def premises(account):
    return account.premises.get()


@pytest.fixture
def make_account(area):
    def make(account_no: str, *, in_area=None, plan_offered: bool = True, **flags):
        account = CustomerAccountFactory(account_no=account_no, **flags)
        PremisesFactory(area=in_area or area, account=account)
        return declined_plan_offer(account) if plan_offered else account

    return make


@pytest.fixture
def bill(account):
    """400.00 due on 2026-04-20 (the April bill)."""
    return BillFactory(account=account, reference="B-2026-04", due_date=date(2026, 4, 20),
                       amount=Decimal("400.00"))


@pytest.fixture
def collector(office):
    return make_technician(office, "collector", skills=("arrears", "repair"))
