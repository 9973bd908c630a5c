from types import SimpleNamespace

from django.db.models import QuerySet

from dispatch.common.roles import Role, has_role, is_department_wide
from dispatch.customers.models import Contact, CustomerAccount, Premises
from dispatch.customers.selectors import customer_list
from dispatch.org.selectors import office_ids_for
from dispatch.workorders.kinds import job_facts
from dispatch.workorders.models import OPEN_STATUSES, WorkOrder

from .models import Callback, Complaint, ServiceRequest

DESK_ROLES = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)


def service_request_list(*, user) -> QuerySet[ServiceRequest]:
    requests = ServiceRequest.objects.select_related("work_order", "owner", "premises")
    if not has_role(user, *DESK_ROLES):
        return requests.none()
    if is_department_wide(user):
        return requests
    return requests.filter(work_order__office_id__in=office_ids_for(user)) | requests.filter(owner=user)


# --- The intake screen -------------------------------------------------------------------------------------------

SEARCH_LIMIT = 20
PHONE_CHARS = set("0123456789+- ")


def customer_lookup(*, user, query: str, limit: int = SEARCH_LIMIT) -> list[CustomerAccount]:
    """Find a caller by phone, account number, name or address: the first `limit` matches, best kind first.

    Each way of matching is its own small indexed query (see customers migration 0002) stopped after `limit`
    rows, instead of one OR across four tables that PostgreSQL can only answer by scanning: prefixes of the
    phones and the account number (B-tree, varchar_pattern_ops), the start of the name (B-tree), and from three
    characters on part of the name or the address (pg_trgm GIN).
    """
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    accounts = customer_list(user=user)
    ids: list[int] = []

    def take(queryset) -> None:
        if len(ids) < limit:
            # No ORDER BY (the model's default ordering would make PostgreSQL walk the account-number index
            # and filter, instead of reading the few matching rows from the search index).
            for pk in queryset.order_by().values_list("pk", flat=True)[: limit - len(ids)]:
                if pk not in ids:
                    ids.append(pk)

    if set(query) <= PHONE_CHARS:
        take(accounts.filter(phone__startswith=query))
        take(accounts.filter(phone_alt__startswith=query))
        take(accounts.filter(pk__in=Contact.objects.filter(phone__startswith=query).values("account_id")[:limit]))
    take(accounts.filter(account_no__startswith=query.upper()))
    if not set(query) <= PHONE_CHARS:
        names = not any(char.isdigit() for char in query)  # a name has no digits; an address usually has
        if names:
            take(accounts.filter(name__startswith=query))
        if len(query) >= 3:
            if names:
                take(accounts.filter(name__contains=query))
            take(accounts.filter(pk__in=Premises.objects.filter(address__contains=query)
                                 .values("account_id")[:limit]))
    found = CustomerAccount.objects.in_bulk(ids)
    # Premises addresses in one more query, for the result list.
    addresses: dict[int, str] = {}
    for account_id, address in (Premises.objects.filter(account_id__in=ids).order_by("premises_no")
                                .values_list("account_id", "address")):
        addresses.setdefault(account_id, address)
    results = []
    for pk in ids:
        account = found[pk]
        account.first_address = addresses.get(pk, "")
        results.append(account)
    return results


def customer_card(*, user, account_id: int) -> dict | None:
    """Everything the agent needs about a caller on one screen.

    Premises, open work orders, recent history, service requests and complaints come from this project's own
    tables. Hazards, the meter and arrears come from the providers other apps register with the work-order kind
    registry (`register_job_facts`), asked per premises, so the service desk imports no sibling domain app.
    """
    account = customer_list(user=user).filter(pk=account_id).first()
    if account is None:
        return None
    premises = list(Premises.objects.filter(account=account).select_related("area__office")
                    .defer("area__boundary").order_by("premises_no"))
    orders = (WorkOrder.objects.filter(premises__account=account).select_related("assignee__user", "area")
              .defer("area__boundary"))
    for place in premises:
        probe = SimpleNamespace(pk=None, premises_id=place.pk, premises=place, kind="", status="", office_id=None,
                                area_id=place.area_id)
        try:
            place.facts = job_facts(probe)
        except Exception:  # a provider that needs a real work order: leave its facts out, never break the screen
            place.facts = {}
    return {
        "account": account,
        "premises": premises,
        "contacts": list(account.contacts.all()),
        "open_orders": list(orders.filter(status__in=OPEN_STATUSES).order_by("-created_at")[:20]),
        "history": list(orders.exclude(status__in=OPEN_STATUSES).order_by("-created_at")[:10]),
        "requests": list(ServiceRequest.objects.filter(premises__account=account).select_related("owner")
                         .order_by("-created_at")[:10]),
        "complaints": list(Complaint.objects.filter(premises__account=account).select_related("request__owner")
                           .order_by("-created_at")[:10]),
    }


def my_callbacks(*, user, day) -> QuerySet[Callback]:
    if not has_role(user, *DESK_ROLES):
        return Callback.objects.none()
    callbacks = Callback.objects.select_related("work_order__premises__account", "technician__user")
    offices = office_ids_for(user)
    if offices is not None:
        callbacks = callbacks.filter(office_id__in=offices)
    return callbacks.filter(scheduled_at__date__lte=day, status=Callback.Status.SCHEDULED).order_by("scheduled_at")


def complaint_list(*, user) -> QuerySet[Complaint]:
    complaints = Complaint.objects.select_related("request__owner", "premises__account", "office", "area")
    if not has_role(user, *DESK_ROLES):
        return complaints.none()
    if is_department_wide(user):
        return complaints
    return complaints.filter(office_id__in=office_ids_for(user)) | complaints.filter(request__owner=user)
