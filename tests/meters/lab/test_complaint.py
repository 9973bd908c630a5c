from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dispatch.common.errors import DispatchError
from dispatch.meters.lab import certificates, complaint
from dispatch.meters.models import MeterReading, MeterStatus
from tests.factories.meters import MeterFactory

from .conftest import run_test


def test_fast_meter_gives_corrected_consumption_and_credit(removed_for_complaint, verifier, checker, standard,
                                                          premises):
    meter = removed_for_complaint
    # Class 1.5 in service: 2 × 1.5 = 3 % from qt; +3.50 and +3.20 are over, so the notice; E used = 3.35 %.
    test = run_test(verifier, meter, standard, ["4.1", "3.5", "3.2"], purpose="complaint",
                    complaint_ref="TS-2026-0042", complaint_on=date(2026, 10, 15))
    assert test.limits == "in_service" and not test.passed
    assert test.customer_name == premises.account.name
    notice = certificates.certificate_issue(actor=verifier, test=test)
    outcome = complaint.complaint_meter_test_result(actor=checker, test=test, measured_m3=Decimal("57.8"),
                                                    price_per_m3=Decimal("2.61"))
    # 57.8 × 100 / 103.35 = 55.92646 → 55.926 m³; (57.8 − 55.926) × 2.61 = 4.89114 → 4.89.
    adj = outcome.adjustment
    assert outcome.ran_fast and outcome.error_used == Decimal("3.35")
    assert (adj.period_start, adj.period_end) == (date(2026, 8, 15), date(2026, 10, 15))
    assert (adj.corrected_m3, adj.credit) == (Decimal("55.926"), Decimal("4.89"))
    assert notice.number in outcome.customer_message and not outcome.test_fee_payable_by_customer
    again = complaint.complaint_meter_test_result(actor=checker, test=test, measured_m3=Decimal("99"))
    assert again.adjustment.pk == adj.pk and again.adjustment.credit == Decimal("4.89")
    meter.refresh_from_db()
    assert meter.status == MeterStatus.SCRAPPED


def test_consumption_is_taken_pro_rata_from_the_readings(meter, premises):
    zone = timezone.get_current_timezone()
    # Three monthly readings of 30 days each: 30, 60 and 90 m³, read on 1 Sep, 1 Oct and 31 Oct.
    for day, consumption in ((date(2026, 9, 1), 30), (date(2026, 10, 1), 60), (date(2026, 10, 31), 90)):
        MeterReading.objects.create(meter=meter, premises=premises, value=Decimal("1000") + consumption,
                                    read_at=datetime(day.year, day.month, day.day, tzinfo=zone),
                                    consumption=Decimal(consumption), period_days=Decimal("30"))
    # 15 Aug – 15 Oct: 17 of 30 days of the first (17 m³), all of the second (60), 14 of 30 of the third (42).
    assert complaint.registered_consumption(meter, date(2026, 8, 15), date(2026, 10, 15)) == Decimal("119.000")


def test_within_tolerance_no_credit_and_fee_payable(removed_for_complaint, verifier, standard):
    test = run_test(verifier, removed_for_complaint, standard, ["2.9", "2.9", "-1"], purpose="complaint",
                    complaint_on=date(2026, 10, 15))
    outcome = complaint.complaint_meter_test_result(actor=verifier, test=test)
    assert test.passed and outcome.adjustment is None and outcome.test_fee_payable_by_customer
    assert outcome.as_dict()["adjustment"] is None


def test_slow_meter_out_of_tolerance_gets_no_credit(removed_for_complaint, verifier, standard):
    test = run_test(verifier, removed_for_complaint, standard, ["-7", "-3.5", "-3.2"], purpose="complaint",
                    complaint_on=date(2026, 10, 15))
    outcome = complaint.complaint_meter_test_result(actor=verifier, test=test)
    assert not outcome.passed and not outcome.ran_fast and outcome.adjustment is None


def test_only_completed_complaint_tests(verifier, new_meter, standard):
    test = run_test(verifier, new_meter, standard, ["0", "0", "0"])
    with pytest.raises(DispatchError) as refused:
        complaint.complaint_meter_test_result(actor=verifier, test=test)
    assert refused.value.code == "not_a_complaint_test"


def test_months_before_keeps_to_the_calendar():
    assert complaint.months_before(date(2026, 4, 30), 2) == date(2026, 2, 28)
    assert complaint.months_before(date(2026, 1, 15), 2) == date(2025, 11, 15)
    assert complaint.months_before(date(2026, 3, 31), 1) - date(2026, 2, 28) == timedelta(0)


def test_the_temporary_meter_must_be_verified(meter, premises, verifier, standard):
    from dispatch.workorders.kinds import get_kind

    order = complaint.complaint_removal_order_create(actor=None, premises=premises, complaint_ref="TS-7")
    never = MeterFactory(serial="TEMP-NV", first_verified_on=None)
    data = {"removed_serial": meter.serial, "removed_reading_m3": Decimal("10"), "installed_serial": never.serial,
            "installed_reading_m3": Decimal("0")}
    record = get_kind("meter_complaint_removal").record_completion
    with pytest.raises(DispatchError) as refused:
        record(work_order=order, data=data, actor=None)
    assert refused.value.code == "temporary_meter_not_verified"
    run_test(verifier, never, standard, ["0", "0.1", "0.1"])          # passes the lab: now it may stand in
    record(work_order=order, data=data, actor=None)
    meter.refresh_from_db()
    assert meter.status == MeterStatus.IN_LAB
