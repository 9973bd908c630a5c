"""The lab's part of a customer "meter runs fast" complaint (DOMAIN.md "Gas meters").

The service desk's complaint (issue 11) calls, in order:

1. ``complaint_removal_order_create(actor=, premises=, complaint_ref=, complaint_on=)`` — a
   ``meter_complaint_removal`` work order. Completing it (mobile app) removes the meter with its closing reading,
   installs the temporary verified meter the technician brought, and sends the removed meter to the lab.
2. The lab tests the meter (``services.test_start(purpose="complaint", complaint_ref=, complaint_on=)``: in-service
   limits), completes the test and issues the certificate or result notice (``certificates``).
3. ``complaint_meter_test_result(actor=, test=)`` — the outcome to tell the customer, and, when the meter ran fast
   beyond the MPE, the re-billing of the months before the complaint (a ``ComplaintAdjustment``). Idempotent:
   calling it again returns the same figures. The service desk informs the customer with ``customer_message``
   and closes the complaint with its callback.

Re-billing (when the test failed and the meter ran fast):

* error used E: the mean of the rounded errors at the test points from qt to qmax (where household consumption
  happens), the same errors the certificate prints;
* period: the LAB_COMPLAINT_REBILL_MONTHS (2) calendar months before the complaint date;
* registered consumption: the meter's readings pro rata over the period (each reading's consumption spread evenly
  over its own period), or the figure given by the caller;
* corrected consumption = registered × 100 / (100 + E), to 0.001 m³; credit = (registered − corrected) × price
  (LAB_GAS_PRICE_PER_M3 or the caller's price), to 0.01.
Within tolerance the applicant may be charged the test fee; out of tolerance the utility bears it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AuditEvent

from ..models import MeterReading
from . import calc
from .models import ComplaintAdjustment, LabCertificate, TestPurpose, TestStatus, VerificationTest
from .services import judge_test


def complaint_removal_order_create(*, actor, premises, complaint_ref: str, complaint_on: date | None = None,
                                   description: str = ""):
    """The work order that removes the complained-about meter and fits a temporary verified one."""
    from dispatch.workorders.services import work_order_create

    text = description or _("Customer complaint %(ref)s: remove the meter for testing and fit a verified "
                            "temporary meter.") % {"ref": complaint_ref}
    return work_order_create(actor=actor, kind="meter_complaint_removal", premises=premises, description=text,
                             source_ref=complaint_ref[:60])


def meter_is_verified(meter) -> bool:
    """A meter fit to stand in for a complained-about one: its latest completed lab test passed, or, never tested
    here, it came with a first verification."""
    latest = meter.lab_tests.filter(status=TestStatus.COMPLETED).order_by("-completed_at", "-id").first()
    if latest is not None:
        return bool(latest.passed)
    return meter.first_verified_on is not None


def record_complaint_removal_verified(*, work_order, data: dict, actor) -> None:
    """meter_complaint_removal completion: the temporary meter must be verified, then the exchange and the removed
    meter to the lab (`completion.record_complaint_removal`)."""
    from ..completion import record_complaint_removal
    from ..models import Meter

    temporary = Meter.objects.filter(serial=data.get("installed_serial")).first()
    if temporary is not None and not meter_is_verified(temporary):
        raise DispatchError("temporary_meter_not_verified",
                            _("The temporary meter has no passed verification."),
                            fields={"data.installed_serial": [_("The temporary meter has no passed verification.")]})
    record_complaint_removal(work_order=work_order, data=data, actor=actor)


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    return date(year, month + 1, min(day.day, 28))


def registered_consumption(meter, start: date, end: date) -> Decimal:
    """The meter's consumption from `start` to `end` (local days, end exclusive), pro rata from its readings."""
    zone = timezone.get_current_timezone()
    start_at = datetime.combine(start, time.min, tzinfo=zone)
    end_at = datetime.combine(end, time.min, tzinfo=zone)
    total = Decimal("0")
    for reading in MeterReading.objects.filter(meter=meter, read_at__gt=start_at,
                                               consumption__isnull=False, period_days__gt=0).order_by("read_at"):
        period_start = reading.read_at - timedelta(days=float(reading.period_days))
        overlap = (min(reading.read_at, end_at) - max(period_start, start_at)).total_seconds()
        if overlap <= 0:
            continue
        share = Decimal(str(overlap)) / (Decimal(reading.period_days) * 86400)
        total += reading.consumption * min(share, Decimal("1"))
    return total.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@dataclass
class ComplaintOutcome:
    test: VerificationTest
    certificate: LabCertificate | None
    passed: bool
    ran_fast: bool
    error_used: Decimal
    adjustment: ComplaintAdjustment | None
    test_fee_payable_by_customer: bool
    customer_message: str

    def as_dict(self) -> dict:
        adj = self.adjustment
        return {
            "test": self.test.record_no, "certificate": self.certificate.number if self.certificate else None,
            "passed": self.passed, "ran_fast": self.ran_fast, "error_used": str(self.error_used),
            "test_fee_payable_by_customer": self.test_fee_payable_by_customer,
            "customer_message": self.customer_message,
            "adjustment": None if adj is None else {
                "period_start": adj.period_start.isoformat(), "period_end": adj.period_end.isoformat(),
                "measured_m3": str(adj.measured_m3), "corrected_m3": str(adj.corrected_m3),
                "price_per_m3": str(adj.price_per_m3), "credit": str(adj.credit)},
        }


def _error_used(test: VerificationTest) -> Decimal:
    high = [point.error_rounded for point in judge_test(test).points if point.zone == "high"]
    if not high:
        return Decimal("0")
    return (sum(high) / len(high)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def complaint_meter_test_result(*, actor, test: VerificationTest, measured_m3: Decimal | None = None,
                                price_per_m3: Decimal | None = None) -> ComplaintOutcome:
    """The outcome of a complaint's lab test; computes (once) the credit when the meter ran fast beyond the MPE."""
    test = VerificationTest.objects.select_for_update().select_related("meter__size", "profile").get(pk=test.pk)
    if test.purpose != TestPurpose.COMPLAINT:
        raise DispatchError("not_a_complaint_test", _("This test was not made for a customer complaint."))
    if test.status != TestStatus.COMPLETED:
        raise Conflict("test_not_completed", _("The lab test is not completed yet."))
    certificate = test.certificates.order_by("-revision").first()
    error = _error_used(test)
    ran_fast = not test.passed and error > 0
    adjustment = ComplaintAdjustment.objects.filter(test=test).first()
    if ran_fast and adjustment is None:
        if test.complaint_on is None:
            raise DispatchError("complaint_date_required", _("The test has no complaint date."),
                                fields={"complaint_on": [_("This field is required.")]})
        months = getattr(settings, "LAB_COMPLAINT_REBILL_MONTHS", 2)
        start, end = months_before(test.complaint_on, months), test.complaint_on
        measured = (Decimal(measured_m3) if measured_m3 is not None
                    else registered_consumption(test.meter, start, end))
        price = Decimal(str(price_per_m3 if price_per_m3 is not None
                            else getattr(settings, "LAB_GAS_PRICE_PER_M3", "2.61")))
        corrected = calc.corrected_consumption(measured, error)
        credit = calc.credit_amount(measured, corrected, price)
        message = _("Your gas meter %(serial)s was tested on %(date)s and found to run fast by %(error)s %% "
                    "(beyond the permissible error). The %(months)s months before your complaint are re-billed: "
                    "%(measured)s m³ registered, %(corrected)s m³ corrected, a credit of %(credit)s. "
                    "The test is free of charge. Certificate / notice: %(number)s.") % {
            "serial": test.meter.serial, "date": test.tested_on, "error": error, "months": months,
            "measured": measured, "corrected": corrected, "credit": credit,
            "number": certificate.number if certificate else "—"}
        adjustment = ComplaintAdjustment.objects.create(
            test=test, complaint_ref=test.complaint_ref, period_start=start, period_end=end, error_used=error,
            measured_m3=measured, corrected_m3=corrected, price_per_m3=price, credit=credit,
            customer_message=message)
        record_event(actor=actor, action=AuditEvent.Action.CREATE, instance=adjustment,
                     changes={"complaint": test.complaint_ref, "error": error, "measured_m3": measured,
                              "corrected_m3": corrected, "credit": credit})
    if adjustment is not None:
        message = adjustment.customer_message
    elif test.passed:
        message = _("Your gas meter %(serial)s was tested on %(date)s and is within the permissible error "
                    "(%(error)s %%). The test fee may be charged. Certificate: %(number)s.") % {
            "serial": test.meter.serial, "date": test.tested_on, "error": error,
            "number": certificate.number if certificate else "—"}
    else:
        message = _("Your gas meter %(serial)s was tested on %(date)s and is outside the permissible error but "
                    "does not run fast (%(error)s %%); your bills are not increased and the test is free of "
                    "charge. Result notice: %(number)s.") % {
            "serial": test.meter.serial, "date": test.tested_on, "error": error,
            "number": certificate.number if certificate else "—"}
    outcome = ComplaintOutcome(test=test, certificate=certificate, passed=bool(test.passed), ran_fast=ran_fast,
                               error_used=error, adjustment=adjustment,
                               test_fee_payable_by_customer=bool(test.passed), customer_message=message)
    for listener in _result_listeners:
        listener(outcome=outcome, actor=actor)
    return outcome


# Who else learns a complaint test's outcome (the service desk's complaint, through the reports app, which may
# import both): called as listener(outcome=, actor=) inside the same transaction.
_result_listeners: list = []


def register_complaint_result_listener(listener) -> None:
    if listener not in _result_listeners:
        _result_listeners.append(listener)
