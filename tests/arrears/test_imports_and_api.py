"""Ledger imports from the billing system (CSV and API, idempotent by reference) and the arrears API."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dispatch.arrears import imports, ledger
from dispatch.arrears.models import Bill, DunningPolicy, Payment
from tests.factories import UserFactory
from tests.factories.arrears import BillFactory

pytestmark = pytest.mark.django_db

BILLS_CSV = """reference,account_no,period,amount,due_date,issued_at
B-1,A-1001,2026-04,210.50,2026-04-20,2026-04-01
B-2,A-1001,2026-05,189.50,2026-05-20,2026-05-01T08:00
B-3,NOPE,2026-05,10.00,2026-05-20,2026-05-01
B-4,A-1001,2026-05,-3,2026-05-20,2026-05-01
B-5,A-1001,May,3.00,2026-05-20,2026-05-01
"""


@pytest.fixture
def billing(db):
    """The billing system's API user (in the admin group)."""
    return UserFactory(username="billing", roles=["admin"])


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("ledger.csv", text.encode("utf-8"), content_type="text/csv")


def test_csv_import_keeps_good_rows_and_reports_each_bad_one(clock, account):
    report = imports.import_csv("bills", csv_file(BILLS_CSV), actor=None).as_dict()

    assert report["created"] == 2 and report["rejected"] == 3
    assert [(p["line"], p["code"], list(p["fields"])) for p in report["problems"]] == [
        (4, "unknown_account", ["account_no"]), (5, "invalid", ["amount"]), (6, "invalid", ["period"])]
    assert ledger.position(account.pk).balance == Decimal("400.00")


def test_importing_the_same_file_twice_changes_nothing(clock, account):
    imports.import_csv("bills", csv_file(BILLS_CSV), actor=None)
    again = imports.import_csv("bills", csv_file(BILLS_CSV), actor=None).as_dict()

    assert again["created"] == 0 and again["unchanged"] == 2
    assert Bill.objects.count() == 2


def test_a_reference_reused_with_other_values_is_a_conflict(clock, account):
    imports.import_csv("bills", csv_file(BILLS_CSV), actor=None)
    changed = BILLS_CSV.replace("B-1,A-1001,2026-04,210.50", "B-1,A-1001,2026-04,999.00")

    report = imports.import_csv("bills", csv_file(changed), actor=None).as_dict()

    assert report["problems"][0]["code"] == "reference_conflict"
    assert Bill.objects.get(reference="B-1").amount == Decimal("210.50")


def test_payments_by_api_are_idempotent_by_reference(clock, account, bill, billing, as_user):
    rows = {"rows": [{"reference": "P-1", "account_no": "A-1001", "amount": "150.00",
                      "paid_at": "2026-06-10T10:00", "method": "alipay"},
                     {"reference": "P-2", "account_no": "A-1001", "amount": "0", "paid_at": "2026-06-10"}]}
    client = as_user(billing)

    first = client.post("/api/arrears/ledger/payments/", rows, format="json").json()
    second = client.post("/api/arrears/ledger/payments/", rows, format="json").json()

    assert (first["created"], first["rejected"]) == (1, 1)
    assert first["problems"][0]["fields"] == {"amount": "The amount must be more than zero."} or \
        "amount" in first["problems"][0]["fields"]
    assert (second["created"], second["unchanged"]) == (0, 1)
    assert Payment.objects.get().method == "alipay"
    assert ledger.position(account.pk).balance == Decimal("250.00")


def test_bills_by_csv_upload_through_the_api(clock, account, billing, as_user):
    answer = as_user(billing).post("/api/arrears/ledger/bills/", {"file": csv_file(BILLS_CSV)}, format="multipart")
    assert answer.status_code == 200 and answer.json()["created"] == 2


def test_a_file_without_the_columns_is_refused_with_a_field_message(clock, billing, as_user):
    answer = as_user(billing).post("/api/arrears/ledger/bills/", {"file": csv_file("a,b\n1,2\n")},
                                   format="multipart")
    assert answer.status_code == 400 and "file" in answer.json()["fields"]


def test_empty_rows_are_a_400(billing, as_user):
    answer = as_user(billing).post("/api/arrears/ledger/bills/", {"rows": []}, format="json")
    assert answer.status_code == 400 and "rows" in answer.json()["fields"]


def test_only_admin_imports_the_ledger(dispatcher, as_user):
    assert as_user(dispatcher).post("/api/arrears/ledger/bills/", {"rows": [{}]}, format="json").status_code == 403


def test_accounts_show_the_live_position_scoped_to_the_dispatchers_office(
        clock, account, bill, dispatcher, other_dispatcher, as_user):
    mine = as_user(dispatcher).get("/api/arrears/accounts/").json()
    assert mine["count"] == 1
    row = mine["results"][0]
    assert row["account_no"] == "A-1001" and row["position"]["arrears"] == "400.00"
    assert row["position"]["aging"]["31_60"] == "400.00"

    assert as_user(other_dispatcher).get("/api/arrears/accounts/").json()["count"] == 0


def test_account_detail_lists_the_ledger_and_protections(clock, make_account, agent, as_user):
    account = make_account("V-5", is_medically_dependent=True)
    BillFactory(account=account, due_date=date(2026, 5, 1), amount=Decimal("70"))

    detail = as_user(agent).get(f"/api/arrears/accounts/{account.pk}/").json()

    assert [bill["amount"] for bill in detail["bills"]] == ["70.00"]
    assert [item["code"] for item in detail["protections"]] == ["medically_dependent"]


def test_technicians_have_no_arrears_api(technician, as_user):
    assert as_user(technician).get("/api/arrears/accounts/").status_code == 403


def test_desk_records_a_payment_plan_and_a_dispute(clock, account, agent, as_user):
    client = as_user(agent)
    plan = client.post("/api/arrears/payment-plans/", {"account": account.pk, "total": "400.00", "instalments": 4,
                                                       "first_due": "2026-07-01"}, format="json")
    assert plan.status_code == 201, plan.json()
    again = client.post("/api/arrears/payment-plans/", {"account": account.pk, "total": "400.00", "instalments": 4,
                                                        "first_due": "2026-07-01"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "plan_exists"
    dispute = client.post("/api/arrears/disputes/", {"account": account.pk, "reason": ""}, format="json")
    assert dispute.status_code == 400 and "reason" in dispute.json()["fields"]
    dispute = client.post("/api/arrears/disputes/", {"account": account.pk, "reason": "Wrong tariff"}, format="json")
    resolved = client.post(f"/api/arrears/disputes/{dispute.json()['id']}/resolve/",
                           {"status": "rejected", "resolution": "Tariff checked"}, format="json")
    assert resolved.json()["status"] == "rejected"


def test_policy_update_checks_the_winter_months(manager, as_user):
    policy = DunningPolicy.objects.get(customer_class="residential")
    client = as_user(manager)

    bad = client.patch(f"/api/arrears/policies/{policy.pk}/", {"winter_months": [13]}, format="json")
    good = client.patch(f"/api/arrears/policies/{policy.pk}/", {"late_fee_per_mille": "2.50"}, format="json")

    assert bad.status_code == 400 and "winter_months" in bad.json()["fields"]
    assert good.status_code == 200 and good.json()["late_fee_per_mille"] == "2.50"


def test_report_downloads(clock, account, bill, manager, as_user):
    client = as_user(manager)
    pdf = client.get("/api/arrears/reports/monthly/?month=2026-06")
    xlsx = client.get("/api/arrears/reports/monthly/?month=2026-06&output=xlsx")
    bad = client.get("/api/arrears/reports/monthly/?month=2026-13")

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert bad.status_code == 400 and "month" in bad.json()["fields"]
    aging = client.get("/api/arrears/reports/aging/?as_of=2026-06-15").json()
    assert aging["total"]["total"] == "400.00"
    assert client.get("/api/arrears/reports/collection-rate/?as_of=nope").status_code == 400


def test_daily_task_runs_once_a_day_and_keeps_the_report_on_the_28th(clock, account, bill, settings, tmp_path):
    from dispatch.arrears.models import MonthlyReport
    from dispatch.arrears.tasks import daily_dunning_run

    settings.MEDIA_ROOT = tmp_path
    clock.set(date(2026, 6, 28))
    summary = daily_dunning_run()

    assert summary["day"] == "2026-06-28" and summary["reminder"] == 1
    report = MonthlyReport.objects.get(month=date(2026, 6, 1))
    assert report.pdf.read()[:4] == b"%PDF"
    io.BytesIO(report.xlsx.read())


def test_policy_changed_in_the_admin_is_audited(client, superuser):
    from dispatch.common.models import AuditEvent

    policy = DunningPolicy.objects.get(customer_class="commercial")
    client.force_login(superuser)
    url = f"/admin/arrears/dunningpolicy/{policy.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({"minimum_amount": "80.00", "winter_months": "[11, 12, 1, 2]"})
    data = {key: value for key, value in data.items() if value is not False}

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.minimum_amount == Decimal("80.00") and policy.winter_months == [11, 12, 1, 2]
    audit = AuditEvent.objects.filter(object_id=str(policy.pk), action="update").get()
    assert audit.changes["minimum_amount"] == ["50.00", "80.00"]


def test_suspension_notice_to_print_names_the_day(clock, account, bill, agent, as_user, tmp_path):
    import subprocess

    answer = as_user(agent).get(f"/api/arrears/accounts/{account.pk}/notice/?kind=suspension")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "燃气停气通知" in text and "2026-06-18" in text and "400.00" in text
    assert as_user(agent).get(f"/api/arrears/accounts/{account.pk}/notice/?kind=x").status_code == 400
