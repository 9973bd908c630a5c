"""Reads of customer data, scoped by role: personal data goes only to those whose work needs it."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from dispatch.common.roles import Role, has_role, is_department_wide
from dispatch.org.selectors import office_ids_for

from .models import Contact, CustomerAccount, Premises

# Roles that look customers up directly; technicians reach customer data only through their own jobs.
CUSTOMER_DIRECTORY_ROLES = (Role.AGENT, Role.DISPATCHER, Role.SAFETY_OFFICER, Role.LAB, Role.MANAGER, Role.ADMIN)


def premises_list(*, user) -> QuerySet[Premises]:
    premises = Premises.objects.select_related("account", "area", "area__office")
    if not has_role(user, *CUSTOMER_DIRECTORY_ROLES):
        return premises.none()
    if is_department_wide(user):
        return premises
    return premises.filter(area__office_id__in=office_ids_for(user))


def customer_list(*, user) -> QuerySet[CustomerAccount]:
    accounts = CustomerAccount.objects.all()
    if not has_role(user, *CUSTOMER_DIRECTORY_ROLES):
        return accounts.none()
    if is_department_wide(user):
        return accounts
    in_my_offices = Premises.objects.filter(account=OuterRef("pk"), area__office_id__in=office_ids_for(user))
    return accounts.filter(Exists(in_my_offices))


def contact_list(*, user) -> QuerySet[Contact]:
    return Contact.objects.filter(account__in=customer_list(user=user)).select_related("account")


def customer_search(*, user, query: str) -> QuerySet[CustomerAccount]:
    """Find a caller by phone, account number, name or address."""
    query = query.strip()
    matches = (Q(phone__startswith=query) | Q(phone_alt__startswith=query) | Q(account_no__startswith=query)
               | Q(name__startswith=query) | Q(contacts__phone__startswith=query)
               | Q(premises__address__contains=query))
    return customer_list(user=user).filter(matches).distinct()
