"""Reading the ledger: balances, arrears and their age, all summed from bills, late fees and payments.

Payments settle the oldest charge first (bills by due date, a late fee on the day it accrued). What is left of a
charge whose due date has passed is in arrears, aged by the days since that date.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from .models import Bill, LateFee, Payment

ZERO = Decimal("0.00")
BUCKETS = ("0_30", "31_60", "61_90", "over_90")


def today() -> date:
    """The utility's current day; the one clock of the app (tests move it)."""
    return timezone.localdate()


def now() -> datetime:
    """The current moment, on the same clock as `today`."""
    return timezone.now()


def end_of(day: date) -> datetime:
    """The last moment of a local day, for "as of" sums on datetimes."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) - timedelta(microseconds=1)


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 30:
        return "0_30"
    if days_overdue <= 60:
        return "31_60"
    if days_overdue <= 90:
        return "61_90"
    return "over_90"


@dataclass
class Charge:
    due: date
    amount: Decimal
    kind: str  # bill | fee
    reference: str = ""
    period: date | None = None
    left: Decimal = ZERO


@dataclass
class Position:
    """An account's ledger as of a day."""

    as_of: date
    billed: Decimal = ZERO
    fees: Decimal = ZERO
    paid: Decimal = ZERO
    arrears: Decimal = ZERO
    oldest_due: date | None = None
    aging: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    # What is left unpaid of the bills of each billing period (first day of the month).
    unpaid_by_period: dict[date, Decimal] = field(default_factory=dict)
    overdue_bills: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.billed + self.fees - self.paid

    @property
    def days_overdue(self) -> int:
        return (self.as_of - self.oldest_due).days if self.oldest_due else 0

    def as_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "balance": str(self.balance), "arrears": str(self.arrears),
                "billed": str(self.billed), "late_fees": str(self.fees), "paid": str(self.paid),
                "oldest_due": self.oldest_due.isoformat() if self.oldest_due else None,
                "days_overdue": self.days_overdue, "aging": {key: str(value) for key, value in self.aging.items()}}


def settle(charges: list[Charge], paid: Decimal, as_of: date) -> Position:
    """Apply the payments to the charges oldest first and read what is left, overdue and by age."""
    position = Position(as_of=as_of, paid=paid)
    remaining = paid
    for charge in sorted(charges, key=lambda c: (c.due, c.kind != "bill", c.reference)):
        if charge.kind == "bill":
            position.billed += charge.amount
        else:
            position.fees += charge.amount
        applied = min(remaining, charge.amount)
        remaining -= applied
        charge.left = charge.amount - applied
        if charge.kind == "bill" and charge.period is not None:
            position.unpaid_by_period[charge.period] = position.unpaid_by_period.get(charge.period, ZERO) + charge.left
        overdue = charge.due < as_of if charge.kind == "bill" else charge.due <= as_of
        if overdue and charge.left > 0:
            position.arrears += charge.left
            if charge.kind == "bill":
                position.overdue_bills += charge.left
            if position.oldest_due is None:
                position.oldest_due = charge.due
            position.aging[bucket_of((as_of - charge.due).days)] += charge.left
    return position


def charges_for(account_ids: Iterable[int], as_of: date) -> tuple[dict[int, list[Charge]], dict[int, Decimal]]:
    """Every account's charges and total paid, as of the end of `as_of`, in three queries."""
    ids = list(account_ids)
    moment = end_of(as_of)
    charges: dict[int, list[Charge]] = {pk: [] for pk in ids}
    for account_id, reference, period, amount, due in (
            Bill.objects.filter(account_id__in=ids, issued_at__lte=moment)
            .values_list("account_id", "reference", "period", "amount", "due_date")):
        charges[account_id].append(Charge(due=due, amount=amount, kind="bill", reference=reference, period=period))
    for account_id, accrued_on, amount in (LateFee.objects.filter(account_id__in=ids, accrued_on__lte=as_of)
                                           .values_list("account_id", "accrued_on", "amount")):
        charges[account_id].append(Charge(due=accrued_on, amount=amount, kind="fee",
                                          reference=f"fee-{accrued_on.isoformat()}"))
    paid = {pk: ZERO for pk in ids}
    for row in (Payment.objects.filter(account_id__in=ids, paid_at__lte=moment).values("account_id")
                .annotate(total=Sum("amount"))):
        paid[row["account_id"]] = row["total"]
    return charges, paid


def positions(account_ids: Iterable[int], as_of: date | None = None) -> dict[int, Position]:
    as_of = as_of or today()
    charges, paid = charges_for(account_ids, as_of)
    return {pk: settle(charges[pk], paid[pk], as_of) for pk in charges}


def position(account_id: int, as_of: date | None = None) -> Position:
    return positions([account_id], as_of)[account_id]


def ledger_totals(as_of: date) -> dict[str, Decimal]:
    """The sums over the whole ledger as of a day: what a report's totals must equal."""
    moment = end_of(as_of)
    billed = Bill.objects.filter(issued_at__lte=moment).aggregate(total=Sum("amount"))["total"] or ZERO
    fees = LateFee.objects.filter(accrued_on__lte=as_of).aggregate(total=Sum("amount"))["total"] or ZERO
    paid = Payment.objects.filter(paid_at__lte=moment).aggregate(total=Sum("amount"))["total"] or ZERO
    return {"billed": billed, "fees": fees, "paid": paid, "balance": billed + fees - paid}
