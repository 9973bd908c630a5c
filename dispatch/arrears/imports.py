"""Bills and payments from the billing system, by CSV file or by the API: idempotent by reference.

Each row is checked and stored on its own (a savepoint each), so every good row is kept and every bad one is
reported with its line, reference, code and field messages. A row whose reference is already in the ledger with
the same values is "unchanged"; with other values it is refused as a conflict (the billing system corrects a bill
with a new reference, never by rewriting one).
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import DispatchError
from dispatch.common.models import AuditEvent
from dispatch.customers.models import CustomerAccount

from . import services
from .models import Bill, LedgerSource, PaymentMethod

BILL_COLUMNS = ("reference", "account_no", "period", "amount", "due_date", "issued_at")
PAYMENT_COLUMNS = ("reference", "account_no", "amount", "paid_at")
PAYMENT_OPTIONAL = ("method", "receipt_no")
MAX_ROWS = 100_000


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    unchanged: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "created": self.created, "unchanged": self.unchanged,
                "rejected": len(self.problems), "problems": self.problems}


class RowError(Exception):
    def __init__(self, code: str, fields: dict[str, str]):
        super().__init__(code)
        self.code = code
        self.fields = fields


def _text(row: dict, name: str, max_length: int = 60) -> str:
    value = str(row.get(name) or "").strip()
    if not value:
        raise RowError("invalid", {name: _("This field is required.")})
    if len(value) > max_length:
        raise RowError("invalid", {name: _("At most %(n)s characters.") % {"n": max_length}})
    return value


def _money(row: dict, name: str, *, positive: bool) -> Decimal:
    raw = str(row.get(name) or "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError("invalid", {name: _("Give an amount such as 123.45.")}) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or abs(value) >= Decimal("1e10"):
        raise RowError("invalid", {name: _("Give an amount such as 123.45.")})
    if value < 0 or (positive and value == 0):
        raise RowError("invalid", {name: _("The amount must be more than zero.") if positive
                                   else _("The amount cannot be negative.")})
    return value


def _date(row: dict, name: str) -> date:
    raw = str(row.get(name) or "").strip()
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise RowError("invalid", {name: _("Give a date as YYYY-MM-DD.")})
    return value


def _moment(row: dict, name: str) -> datetime:
    raw = str(row.get(name) or "").strip()
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = datetime.combine(day, time(12)) if day else None
    except ValueError:
        value = None
    if value is None:
        raise RowError("invalid", {name: _("Give a date and time as YYYY-MM-DDTHH:MM, or a date.")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + timezone.timedelta(days=1):
        raise RowError("invalid", {name: _("This moment is in the future.")})
    return value


def _period(row: dict) -> date:
    raw = str(row.get("period") or "").strip()
    try:
        year, month = raw[:7].split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise RowError("invalid", {"period": _("Give the billing month as YYYY-MM.")}) from None


def _account(row: dict, accounts: dict[str, CustomerAccount]) -> CustomerAccount:
    number = _text(row, "account_no", 30)
    account = accounts.get(number)
    if account is None:
        account = CustomerAccount.objects.filter(account_no=number).first()
        if account is None:
            raise RowError("unknown_account", {"account_no": _("No customer account has this number.")})
        accounts[number] = account
    return account


def _bill(row: dict, accounts: dict, actor) -> bool:
    reference = _text(row, "reference")
    account = _account(row, accounts)
    values = {"account": account, "period": _period(row), "amount": _money(row, "amount", positive=False),
              "due_date": _date(row, "due_date"), "issued_at": _moment(row, "issued_at")}
    existing = Bill.objects.filter(reference=reference).first()
    if existing is not None:
        same = (existing.account_id == account.pk and existing.amount == values["amount"]
                and existing.due_date == values["due_date"] and existing.period == values["period"])
        if not same:
            raise RowError("reference_conflict", {"reference": _("This bill reference is already in the ledger "
                                                                 "with other values.")})
        return False
    bill = Bill.objects.create(reference=reference, **values)
    record_event(actor=actor, action=AuditEvent.Action.CREATE, instance=bill,
                 changes={"amount": str(bill.amount), "due_date": bill.due_date.isoformat()})
    return True


def _payment(row: dict, accounts: dict, actor, touched: set[int]) -> bool:
    reference = _text(row, "reference")
    account = _account(row, accounts)
    method = str(row.get("method") or PaymentMethod.OTHER).strip()
    if method not in PaymentMethod.values:
        raise RowError("invalid", {"method": _("Not a known payment method.")})
    amount = _money(row, "amount", positive=True)
    paid_at = _moment(row, "paid_at")
    receipt_no = str(row.get("receipt_no") or "").strip()[:40]
    try:
        _payment_obj, created = services.payment_record(
            actor=actor, account=account, reference=reference, amount=amount, paid_at=paid_at, method=method,
            source=LedgerSource.BILLING, receipt_no=receipt_no)
    except DispatchError as exc:
        raise RowError(exc.code, {"reference": exc.message}) from None
    if created:
        touched.add(account.pk)
    return created


def import_rows(kind: str, rows: Iterable[tuple[int, dict]], *, actor) -> ImportReport:
    """Store each row of bills or payments on its own; `rows` are (line, mapping) pairs."""
    report = ImportReport(kind=kind)
    accounts: dict[str, CustomerAccount] = {}
    touched: set[int] = set()
    for line, row in rows:
        try:
            try:
                with transaction.atomic():
                    created = (_bill(row, accounts, actor) if kind == "bills"
                               else _payment(row, accounts, actor, touched))
            except IntegrityError:
                # The same reference arrived at the same moment from another import: compare with that row now.
                with transaction.atomic():
                    created = (_bill(row, accounts, actor) if kind == "bills"
                               else _payment(row, accounts, actor, touched))
        except RowError as exc:
            report.problems.append({"line": line, "reference": str(row.get("reference") or "")[:60],
                                    "code": exc.code, "fields": exc.fields})
            continue
        if created:
            report.created += 1
        else:
            report.unchanged += 1
    return report


def csv_rows(kind: str, lines: Iterable[str]) -> Iterable[tuple[int, dict]]:
    """The data rows of a CSV file with a header row, checked for the required columns."""
    reader = csv.DictReader(lines)
    required = BILL_COLUMNS if kind == "bills" else PAYMENT_COLUMNS
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise DispatchError("invalid_file", _("The file lacks the columns: %(cols)s.") % {"cols": ", ".join(missing)},
                            fields={"file": [_("Columns needed: %(cols)s.") % {"cols": ", ".join(required)}]})
    reader.fieldnames = header
    for index, row in enumerate(reader, start=2):
        if index > MAX_ROWS + 1:
            raise DispatchError("file_too_large", _("At most %(n)s rows per file.") % {"n": MAX_ROWS})
        yield index, row


def text_lines(upload) -> io.TextIOWrapper:
    return io.TextIOWrapper(upload.file if hasattr(upload, "file") else upload, encoding="utf-8-sig", newline="")


def import_csv(kind: str, upload, *, actor) -> ImportReport:
    try:
        return import_rows(kind, csv_rows(kind, text_lines(upload)), actor=actor)
    except UnicodeDecodeError:
        raise DispatchError("invalid_file", _("The file is not UTF-8 text."),
                            fields={"file": [_("Save the file as UTF-8 CSV.")]}) from None
