"""The daily run moves an account one policy step at a time, and protections hold it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from dispatch.arrears.dunning import dunning_run
from dispatch.arrears.models import (
    Dispute,
    DunningCase,
    DunningEvent,
    DunningPolicy,
    DunningRun,
    DunningStep,
    LateFee,
    PaymentPlan,
    PromiseToPay,
)
from dispatch.workorders.models import WorkOrder
from tests.factories.arrears import BillFactory

pytestmark = pytest.mark.django_db

DUE = date(2026, 4, 20)
# With the default policy: reminder 7 days after the due date, written notice 14 days later, field visit 14 days
# later, suspension notice 25 days later, suspension 3 days after the notice.
REMINDER, NOTICE, VISIT = DUE + timedelta(7), DUE + timedelta(21), DUE + timedelta(35)
SUSPENSION_NOTICE, SUSPENSION = VISIT + timedelta(25), VISIT + timedelta(28)


def step(account) -> str:
    return DunningCase.objects.get(account=account).step


def walk(clock, days):
    for day in days:
        clock.set(day)
        dunning_run(day)


def test_reminder_only_once_the_policy_days_have_passed(clock, account, bill):
    walk(clock, [REMINDER - timedelta(1)])
    assert step(account) == DunningStep.NONE

    walk(clock, [REMINDER])
    assert step(account) == DunningStep.REMINDER


def test_written_notice_after_the_days_between_steps(clock, account, bill):
    walk(clock, [REMINDER, NOTICE - timedelta(1)])
    assert step(account) == DunningStep.REMINDER

    walk(clock, [NOTICE])
    assert step(account) == DunningStep.WRITTEN_NOTICE


def test_field_visit_raises_an_arrears_visit_in_the_premises_area(clock, account, bill, area):
    walk(clock, [REMINDER, NOTICE, VISIT])

    assert step(account) == DunningStep.FIELD_VISIT
    visit = WorkOrder.objects.get(kind="arrears_visit")
    assert visit.premises.account == account and visit.area == area and visit.status == "new"
    assert DunningRun.objects.get(day=VISIT).summary["work_orders_by_area"] == {"arrears_visit": {"QX-01": 1}}


def test_suspension_notice_then_suspension_order(clock, account, bill):
    walk(clock, [REMINDER, NOTICE, VISIT, SUSPENSION_NOTICE])
    assert step(account) == DunningStep.SUSPENSION_NOTICE
    assert not WorkOrder.objects.filter(kind="supply_suspension").exists()

    walk(clock, [SUSPENSION - timedelta(1)])
    assert step(account) == DunningStep.SUSPENSION_NOTICE

    walk(clock, [SUSPENSION])
    assert step(account) == DunningStep.SUSPENSION
    assert WorkOrder.objects.filter(kind="supply_suspension", premises__account=account).count() == 1


def test_steps_are_recorded_as_append_only_events(clock, account, bill):
    walk(clock, [REMINDER, NOTICE, VISIT])

    moves = list(DunningEvent.objects.filter(case__account=account, type="step")
                 .values_list("from_step", "to_step"))
    assert moves == [("none", "reminder"), ("reminder", "written_notice"), ("written_notice", "field_visit")]


def test_one_step_per_run_even_when_long_overdue(clock, account, bill):
    walk(clock, [DUE + timedelta(200)])
    assert step(account) == DunningStep.REMINDER


def test_a_second_run_the_same_day_changes_nothing(clock, account, bill):
    walk(clock, [REMINDER])
    first = dunning_run(REMINDER)
    again = dunning_run(REMINDER)

    assert again == first
    assert LateFee.objects.filter(account=account).count() == 1
    assert DunningEvent.objects.filter(case__account=account, type="step").count() == 1


def test_late_fee_is_a_ledger_line_with_its_rule(clock, account, bill):
    walk(clock, [REMINDER])

    fee = LateFee.objects.get(account=account)
    assert fee.amount == Decimal("1.20")  # 3 ‰ of 400.00
    assert fee.base_amount == Decimal("400.00") and fee.per_mille == Decimal("3.00")
    assert "3.00 ‰" in fee.rule


def test_late_fee_rate_comes_from_the_class_policy(clock, account, bill):
    DunningPolicy.objects.filter(customer_class="residential").update(late_fee_per_mille=Decimal("0"))
    walk(clock, [REMINDER])
    assert not LateFee.objects.exists()


def test_below_the_minimum_amount_nothing_happens(clock, account):
    BillFactory(account=account, due_date=DUE, amount=Decimal("20.00"))
    walk(clock, [REMINDER])
    assert step(account) == DunningStep.NONE


def test_policy_differs_by_customer_class(clock, make_account):
    DunningPolicy.objects.filter(customer_class="commercial").update(reminder_after_days=2)
    shop = make_account("C-1", customer_class="commercial")
    home = make_account("R-1")
    for account in (shop, home):
        BillFactory(account=account, due_date=DUE, amount=Decimal("900.00"))

    walk(clock, [DUE + timedelta(2)])

    assert step(shop) == DunningStep.REMINDER and step(home) == DunningStep.NONE


def test_a_vulnerable_customer_in_winter_is_never_suspended(clock, make_account):
    pensioner = make_account("V-1", is_pensioner_alone=True)
    due = date(2026, 10, 10)
    BillFactory(account=pensioner, due_date=due, amount=Decimal("600.00"))
    visit = due + timedelta(35)
    walk(clock, [due + timedelta(7), due + timedelta(21), visit])
    assert step(pensioner) == DunningStep.FIELD_VISIT

    walk(clock, [visit + timedelta(days) for days in range(20, 90, 5)])  # into January

    case = DunningCase.objects.get(account=pensioner)
    assert case.step == DunningStep.FIELD_VISIT and not case.supply_suspended
    assert case.hold_reason == "vulnerable_in_winter"
    assert not WorkOrder.objects.filter(kind="supply_suspension").exists()
    assert DunningEvent.objects.filter(case=case, type="held").count() == 1


def test_the_same_customer_outside_winter_follows_the_steps(clock, make_account):
    pensioner = make_account("V-2", is_pensioner_alone=True)
    BillFactory(account=pensioner, due_date=DUE, amount=Decimal("600.00"))
    walk(clock, [REMINDER, NOTICE, VISIT, SUSPENSION_NOTICE, SUSPENSION])
    assert step(pensioner) == DunningStep.SUSPENSION


def test_winter_months_are_configurable(clock, make_account):
    DunningPolicy.objects.filter(customer_class="residential").update(winter_months=[5, 6, 7])
    pensioner = make_account("V-3", has_young_children=True)
    BillFactory(account=pensioner, due_date=DUE, amount=Decimal("600.00"))
    walk(clock, [REMINDER, NOTICE, VISIT, SUSPENSION_NOTICE])
    assert step(pensioner) == DunningStep.FIELD_VISIT


def test_medically_dependent_customers_are_protected_all_year(clock, make_account):
    patient = make_account("M-1", is_medically_dependent=True)
    BillFactory(account=patient, due_date=DUE, amount=Decimal("600.00"))
    walk(clock, [REMINDER, NOTICE, VISIT, SUSPENSION_NOTICE])
    assert DunningCase.objects.get(account=patient).hold_reason == "medically_dependent"


@pytest.mark.parametrize("protection", ["payment_plan", "dispute", "promise_to_pay"])
def test_plans_disputes_and_promises_hold_every_step(clock, account, bill, protection):
    walk(clock, [REMINDER])
    if protection == "payment_plan":
        PaymentPlan.objects.create(account=account, total=Decimal("400"), instalments=4, first_due=NOTICE)
    elif protection == "dispute":
        Dispute.objects.create(account=account, reason="Meter read twice")
    else:
        PromiseToPay.objects.create(account=account, promised_date=VISIT + timedelta(5))

    walk(clock, [NOTICE, VISIT])

    case = DunningCase.objects.get(account=account)
    assert case.step == DunningStep.REMINDER and case.hold_reason == protection
    assert not WorkOrder.objects.exists()


def test_a_broken_promise_lets_the_steps_go_on(clock, account, bill):
    walk(clock, [REMINDER])
    PromiseToPay.objects.create(account=account, promised_date=NOTICE - timedelta(3))
    walk(clock, [NOTICE])
    assert step(account) == DunningStep.WRITTEN_NOTICE


def test_disabled_policy_leaves_the_class_alone(clock, account, bill):
    DunningPolicy.objects.filter(customer_class="residential").update(enabled=False)
    walk(clock, [REMINDER])
    assert not DunningCase.objects.exists()


def test_a_site_may_protect_everyone_in_winter(clock, account):
    DunningPolicy.objects.filter(customer_class="residential").update(protect_everyone_in_winter=True)
    due = date(2026, 9, 1)
    BillFactory(account=account, due_date=due, amount=Decimal("600.00"))
    visit = due + timedelta(35)
    walk(clock, [due + timedelta(7), due + timedelta(21), visit, visit + timedelta(25), visit + timedelta(40)])

    case = DunningCase.objects.get(account=account)
    assert case.step == DunningStep.FIELD_VISIT and case.hold_reason == "winter"


def test_the_steps_go_on_once_the_dispute_is_closed(clock, account, bill):
    walk(clock, [REMINDER])
    dispute = Dispute.objects.create(account=account, reason="Meter read twice")
    walk(clock, [NOTICE])
    assert DunningCase.objects.get(account=account).hold_reason == "dispute"

    dispute.status = Dispute.Status.REJECTED
    dispute.save()
    walk(clock, [NOTICE + timedelta(1)])

    case = DunningCase.objects.get(account=account)
    assert case.step == DunningStep.WRITTEN_NOTICE and case.hold_reason == ""


def test_suspension_waits_until_a_payment_plan_was_offered(clock, make_account):
    never_offered = make_account("P-1", plan_offered=False)
    BillFactory(account=never_offered, due_date=DUE, amount=Decimal("600.00"))

    walk(clock, [REMINDER, NOTICE, VISIT, SUSPENSION_NOTICE])

    case = DunningCase.objects.get(account=never_offered)
    assert case.hold_reason == "plan_not_offered"
    assert not WorkOrder.objects.filter(kind="supply_suspension").exists()
