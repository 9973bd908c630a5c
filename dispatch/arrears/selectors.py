"""Reads of the arrears app, scoped by role: the dispatch desk sees its offices' customers, department-wide roles
every customer. Technicians reach a balance only through their own job (the job facts)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from dispatch.common.roles import Role, is_department_wide
from dispatch.customers.models import CustomerAccount
from dispatch.customers.selectors import customer_list
from dispatch.org.selectors import area_list

from .models import Bill, Dispute, DunningCase, DunningEvent, DunningPolicy, LateFee, Payment, PaymentPlan, PromiseToPay

READERS = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
# Payment plans, disputes and promises are agreed with the customer by the desk.
DESK_WRITERS = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
# The monthly report covers every office.
REPORT_READERS = (Role.AGENT, Role.MANAGER, Role.ADMIN)
POLICY_WRITERS = (Role.MANAGER, Role.ADMIN)
# The billing system signs in as a user in the admin group.
LEDGER_WRITERS = (Role.ADMIN,)


def arrears_accounts(*, user) -> QuerySet[CustomerAccount]:
    """Accounts with a ledger or a dunning case that the user may see."""
    has_ledger = (Exists(Bill.objects.filter(account=OuterRef("pk")))
                  | Exists(Payment.objects.filter(account=OuterRef("pk")))
                  | Exists(DunningCase.objects.filter(account=OuterRef("pk"))))
    return customer_list(user=user).filter(has_ledger).select_related("dunning_case").order_by("account_no")


def account_get(*, user, account_id: int) -> CustomerAccount | None:
    return customer_list(user=user).filter(pk=account_id).first()


def area_codes_for(user) -> set[str] | None:
    """None: every area (department-wide roles)."""
    if is_department_wide(user):
        return None
    return set(area_list(user=user).values_list("code", flat=True))


def ledger_entries(account: CustomerAccount) -> dict:
    return {"bills": Bill.objects.filter(account=account).order_by("due_date", "id"),
            "late_fees": LateFee.objects.filter(account=account).order_by("accrued_on"),
            "payments": Payment.objects.filter(account=account).order_by("paid_at", "id")}


def case_events(account: CustomerAccount) -> QuerySet[DunningEvent]:
    return DunningEvent.objects.filter(case__account=account).select_related("actor").order_by("at", "id")


def plan_list(*, user) -> QuerySet[PaymentPlan]:
    return PaymentPlan.objects.filter(account__in=customer_list(user=user)).select_related("account")


def dispute_list(*, user) -> QuerySet[Dispute]:
    return Dispute.objects.filter(account__in=customer_list(user=user)).select_related("account")


def promise_list(*, user) -> QuerySet[PromiseToPay]:
    return PromiseToPay.objects.filter(account__in=customer_list(user=user)).select_related("account")


def policy_list() -> QuerySet[DunningPolicy]:
    return DunningPolicy.objects.all()


def in_step(accounts: QuerySet[CustomerAccount], step: str) -> QuerySet[CustomerAccount]:
    if step == "none":
        return accounts.filter(Q(dunning_case__isnull=True) | Q(dunning_case__step="none"))
    return accounts.filter(dunning_case__step=step)
