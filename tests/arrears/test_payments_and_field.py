"""Payments clear the chase: pending visits and suspensions are cancelled (the phone is told), suspended supply
gets an urgent reconnection with its 24-hour SLA; what the technician records at the door."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dispatch.arrears import imports, ledger, services
from dispatch.arrears.models import DunningCase, DunningStep, Payment, PromiseToPay
from dispatch.workorders import services as workorders
from dispatch.workorders.models import Status, WorkOrder
from tests.factories.arrears import BillFactory

pytestmark = pytest.mark.django_db

API = "/m/api/v1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def on_site(kind, account, technician, dispatcher, *, to="on_site") -> WorkOrder:
    premises = account.premises.get()
    order = workorders.work_order_create(actor=dispatcher, kind=kind, premises=premises,
                                         scheduled_date=timezone.localdate())
    workorders.assign(work_order_id=order.pk, technician=technician, actor=dispatcher, sequence=1)
    steps = ["dispatched", "en_route", "on_site"]
    for step in steps[:steps.index(to) + 1]:
        workorders.transition(work_order_id=order.pk, to_status=step, actor=dispatcher)
    return WorkOrder.objects.get(pk=order.pk)


def photo(order, technician):
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 10, 10)).save(out, "JPEG")
    workorders.attachment_add(work_order_id=order.pk, actor=technician.user, kind="photo",
                              upload=SimpleUploadedFile("valve.jpg", out.getvalue(), content_type="image/jpeg"))


def pay(account, amount, reference="PAY-1"):
    return imports.import_rows("payments", [(2, {"reference": reference, "account_no": account.account_no,
                                                 "amount": str(amount), "paid_at": "2026-06-15T09:30"})],
                               actor=None)


def suspended(account, collector, dispatcher):
    """Supply suspended by a completed suspension order (June: no winter protection)."""
    order = on_site("supply_suspension", account, collector, dispatcher)
    photo(order, collector)
    workorders.complete(work_order_id=order.pk, actor=collector.user, checklist_answers={"supply_made_safe": True},
                        data={"method": "valve_locked", "seal_number": "S-001"})
    return order


def test_a_visit_is_cancelled_when_the_account_is_paid_before_the_technician_goes(
        clock, account, bill, collector, dispatcher, as_user, english):
    visit = on_site("arrears_visit", account, collector, dispatcher, to="dispatched")

    report = pay(account, "400.00")

    assert report.as_dict()["created"] == 1
    visit.refresh_from_db()
    assert visit.status == Status.CANCELLED
    assert "paid" in visit.events.last().reason
    answer = as_user(collector.user).get(f"{API}/jobs/{visit.pk}/")
    assert answer.status_code == 409 and answer.json()["code"] == "job_cancelled"


def test_a_part_payment_leaves_the_visit_in_place(clock, account, bill, collector, dispatcher):
    visit = on_site("arrears_visit", account, collector, dispatcher, to="dispatched")

    pay(account, "150.00")

    visit.refresh_from_db()
    assert visit.status == Status.DISPATCHED


def test_payment_clearing_arrears_of_suspended_supply_raises_urgent_reconnection_with_24h_sla(
        clock, account, bill, collector, dispatcher):
    suspended(account, collector, dispatcher)
    assert DunningCase.objects.get(account=account).supply_suspended
    before = timezone.now()

    pay(account, "400.00")

    reconnection = WorkOrder.objects.get(kind="reconnection", premises__account=account)
    assert reconnection.priority == "urgent" and reconnection.status == Status.NEW
    assert reconnection.sla_state == "ok"
    assert timedelta(hours=23, minutes=59) < reconnection.resolve_by - before <= timedelta(hours=24, minutes=1)
    # Paid twice (a replayed import) never raises a second reconnection.
    pay(account, "400.00")
    assert WorkOrder.objects.filter(kind="reconnection").count() == 1


def test_reconnection_restores_supply_only_after_a_passed_safety_check(clock, account, bill, collector, dispatcher):
    suspended(account, collector, dispatcher)
    pay(account, "400.00")
    order = WorkOrder.objects.get(kind="reconnection")
    workorders.assign(work_order_id=order.pk, technician=collector, actor=dispatcher)
    for step in ("dispatched", "en_route", "on_site"):
        workorders.transition(work_order_id=order.pk, to_status=step, actor=dispatcher)

    with pytest.raises(Exception) as refused:
        workorders.complete(work_order_id=order.pk, actor=collector.user, checklist_answers={"leak_test_done": True},
                            data={"appliances_relit": 2, "safety_check_passed": False})
    assert "data.safety_check_passed" in refused.value.fields
    workorders.complete(work_order_id=order.pk, actor=collector.user, checklist_answers={"leak_test_done": True},
                        data={"appliances_relit": 2, "safety_check_passed": True})

    case = DunningCase.objects.get(account=account)
    assert not case.supply_suspended and case.events.filter(type="supply").count() == 2


def test_suspension_of_a_vulnerable_customer_in_winter_is_refused_by_the_server(
        clock, make_account, collector, dispatcher, english):
    pensioner = make_account("V-9", is_pensioner_alone=True)
    BillFactory(account=pensioner, due_date=date(2026, 8, 1), amount=Decimal("500"))
    # Ordered in September, when no protection applied; by the visit it is winter.
    clock.set(date(2026, 9, 20))
    order = on_site("supply_suspension", pensioner, collector, dispatcher)
    photo(order, collector)
    clock.set(date(2026, 12, 10))

    with pytest.raises(Exception) as refused:
        workorders.complete(work_order_id=order.pk, actor=collector.user,
                            checklist_answers={"supply_made_safe": True},
                            data={"method": "meter_capped", "seal_number": "S-9"})

    assert refused.value.code == "protected_customer"
    assert refused.value.extra["protections"] == ["vulnerable_in_winter"]
    order.refresh_from_db()
    assert order.status == Status.ON_SITE
    assert not DunningCase.objects.filter(account=pensioner, supply_suspended=True).exists()


def test_suspension_refused_through_the_phone_with_the_code(clock, make_account, collector, dispatcher, as_user):
    patient = make_account("M-9")
    BillFactory(account=patient, due_date=date(2026, 3, 1), amount=Decimal("500"))
    order = on_site("supply_suspension", patient, collector, dispatcher)
    photo(order, collector)
    # The household tells the desk about a medical dependency after the order was made.
    patient.is_medically_dependent = True
    patient.save(update_fields=["is_medically_dependent"])

    answer = as_user(collector.user).post(f"{API}/jobs/{order.pk}/complete/", {
        "checklist_answers": {"supply_made_safe": True},
        "data": {"method": "valve_locked", "seal_number": "S-10"}}, format="json")

    assert answer.status_code == 400 and answer.json()["code"] == "protected_customer"


def test_suspension_needs_a_photo_of_the_supply_made_safe(clock, account, bill, collector, dispatcher):
    order = on_site("supply_suspension", account, collector, dispatcher)

    with pytest.raises(Exception) as refused:
        workorders.complete(work_order_id=order.pk, actor=collector.user,
                            checklist_answers={"supply_made_safe": True},
                            data={"method": "valve_locked", "seal_number": "S-1"})

    assert refused.value.code == "photo_required"


def test_payment_taken_at_the_door_is_a_field_payment_and_stops_the_suspension(
        clock, account, bill, collector, dispatcher, as_user):
    suspension = workorders.work_order_create(actor=dispatcher, kind="supply_suspension",
                                              premises=account.premises.get())
    visit = on_site("arrears_visit", account, collector, dispatcher)

    answer = as_user(collector.user).post(f"{API}/jobs/{visit.pk}/complete/", {
        "checklist_answers": {}, "data": {"outcome": "paid", "amount_paid": "400.00", "payment_method": "wechat",
                                          "receipt_no": "R-77"}}, format="json")

    assert answer.status_code == 200, answer.json()
    payment = Payment.objects.get()
    assert (payment.source, payment.amount, payment.method, payment.receipt_no, payment.work_order_id) == (
        "field", Decimal("400.00"), "wechat", "R-77", visit.pk)
    suspension.refresh_from_db()
    assert suspension.status == Status.CANCELLED


def test_promise_and_dispute_at_the_door(clock, account, bill, collector, dispatcher):
    visit = on_site("arrears_visit", account, collector, dispatcher)
    workorders.complete(work_order_id=visit.pk, actor=collector.user, checklist_answers={},
                        data={"outcome": "promise_to_pay", "promised_date": "2026-06-30", "promised_amount": "200"})
    promise = PromiseToPay.objects.get(account=account)
    assert promise.promised_date == date(2026, 6, 30) and promise.amount == Decimal("200.00")

    second = on_site("arrears_visit", account, collector, dispatcher)
    workorders.complete(work_order_id=second.pk, actor=collector.user, checklist_answers={},
                        data={"outcome": "dispute", "dispute_reason": "Estimated reading too high"})
    assert account.disputes.get().reason == "Estimated reading too high"


def test_payment_without_a_receipt_is_refused(clock, account, bill, collector, dispatcher, as_user):
    visit = on_site("arrears_visit", account, collector, dispatcher)

    answer = as_user(collector.user).post(f"{API}/jobs/{visit.pk}/complete/", {
        "checklist_answers": {}, "data": {"outcome": "paid", "amount_paid": "10"}}, format="json")

    assert answer.status_code == 400 and "data.amount_paid" in answer.json()["fields"]


def test_the_phone_shows_the_live_balance(clock, account, bill, collector, dispatcher, as_user):
    visit = on_site("arrears_visit", account, collector, dispatcher)
    pay(account, "150.00")

    facts = as_user(collector.user).get(f"{API}/jobs/{visit.pk}/").json()["facts"]

    balance = facts["balance"]
    assert balance["balance"] == "250.00" and balance["arrears"] == "250.00"
    assert balance["account_no"] == "A-1001" and balance["days_overdue"] == 56


def test_other_jobs_show_the_balance_only_when_in_arrears(clock, account, collector, dispatcher):
    from dispatch.arrears.completion import balance_facts

    order = workorders.work_order_create(actor=dispatcher, kind="repair", premises=account.premises.get())
    assert balance_facts(order) is None
    BillFactory(account=account, due_date=date(2026, 5, 1), amount=Decimal("80"))
    assert balance_facts(order)["arrears"] == "80.00"


def test_clearing_moves_the_case_back_to_none(clock, account, bill):
    from dispatch.arrears.dunning import dunning_run

    clock.set(date(2026, 4, 27))
    dunning_run(date(2026, 4, 27))
    assert DunningCase.objects.get(account=account).step == DunningStep.REMINDER

    services.payment_record(actor=None, account=account, reference="P-X", amount=Decimal("401.20"),
                            paid_at=ledger.now())

    case = DunningCase.objects.get(account=account)
    assert case.step == DunningStep.NONE
    assert list(case.events.filter(type="step").values_list("to_step", flat=True)) == ["reminder", "none"]


def test_a_technician_already_at_the_door_keeps_the_visit(clock, account, bill, collector, dispatcher):
    visit = on_site("arrears_visit", account, collector, dispatcher)

    pay(account, "400.00")

    visit.refresh_from_db()
    assert visit.status == Status.ON_SITE


def test_supply_of_a_paid_account_is_not_suspended(clock, account, bill, collector, dispatcher):
    order = on_site("supply_suspension", account, collector, dispatcher)
    photo(order, collector)
    pay(account, "400.00")

    with pytest.raises(Exception) as refused:
        workorders.complete(work_order_id=order.pk, actor=collector.user,
                            checklist_answers={"supply_made_safe": True},
                            data={"method": "valve_locked", "seal_number": "S-2"})

    assert refused.value.code == "no_arrears"
