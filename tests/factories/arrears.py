from datetime import date, datetime, time
from decimal import Decimal

import factory
from django.utils import timezone

from dispatch.arrears.models import Bill, Payment

from .customers import CustomerAccountFactory


def moment(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class BillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bill

    account = factory.SubFactory(CustomerAccountFactory)
    reference = factory.Sequence(lambda n: f"B{n:08d}")
    due_date = date(2026, 1, 20)
    period = factory.LazyAttribute(lambda o: date(o.due_date.year, o.due_date.month, 1))
    amount = Decimal("200.00")
    issued_at = factory.LazyAttribute(lambda o: moment(o.period))


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    account = factory.SubFactory(CustomerAccountFactory)
    reference = factory.Sequence(lambda n: f"PAY{n:08d}")
    amount = Decimal("100.00")
    paid_at = factory.LazyFunction(timezone.now)
    source = "billing"
    method = "bank_transfer"
