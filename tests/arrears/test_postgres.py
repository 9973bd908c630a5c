"""On PostgreSQL: the same payment imported twice at once is stored once; a payment racing the daily run
still clears the case and cancels the visit."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection

from dispatch.arrears import imports
from dispatch.arrears.dunning import dunning_run
from dispatch.arrears.models import DunningCase, DunningStep, Payment
from dispatch.workorders.models import Status, WorkOrder

pytestmark = [pytest.mark.integration]


@pytest.fixture(autouse=True)
def _postgres():
    assert connection.vendor == "postgresql", "integration tests need DATABASE_URL pointing at PostgreSQL"


def _at_once(*actions):
    barrier = threading.Barrier(len(actions))
    results = []

    def run(action):
        try:
            barrier.wait()
            results.append(action())
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_one_payment_imported_twice_at_once_is_stored_once(clock, account, bill):
    row = [(2, {"reference": "PG-1", "account_no": account.account_no, "amount": "400.00",
                "paid_at": "2026-06-15T09:00"})]

    reports = _at_once(*(lambda: imports.import_rows("payments", row, actor=None).as_dict() for _ in range(2)))

    assert sorted((report["created"], report["unchanged"], report["rejected"]) for report in reports) == [
        (0, 1, 0), (1, 0, 0)]
    assert Payment.objects.filter(reference="PG-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_payment_racing_the_daily_run_leaves_the_case_cleared(clock, account, bill):
    for day in (date(2026, 4, 27), date(2026, 5, 11)):
        clock.set(day)
        dunning_run(day)
    clock.set(date(2026, 5, 25))
    row = [(2, {"reference": "PG-2", "account_no": account.account_no, "amount": "420.00",
                "paid_at": "2026-05-25T09:00"})]

    _at_once(lambda: dunning_run(date(2026, 5, 25)), lambda: imports.import_rows("payments", row, actor=None))

    assert DunningCase.objects.get(account=account).step == DunningStep.NONE
    assert not WorkOrder.objects.filter(kind="arrears_visit").exclude(status=Status.CANCELLED).exists()
