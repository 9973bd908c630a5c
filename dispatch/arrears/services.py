"""Writes of the arrears app: payments and what they set off, the dunning case's one transition function,
payment plans, disputes and promises to pay.

A payment that clears the arrears cancels the account's pending arrears visits and suspension orders (the phone
learns it from the mobile API as `job_cancelled`) and, when supply is suspended, raises an urgent reconnection
order whose SLA (24 h to resolve by default) comes from the reconnection kind.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AuditEvent
from dispatch.customers.models import CustomerAccount, Premises
from dispatch.workorders import services as workorders
from dispatch.workorders.models import OPEN_STATUSES, Priority, Source, Status, WorkOrder

from . import ledger
from .models import (
    Dispute,
    DunningCase,
    DunningEvent,
    DunningPolicy,
    DunningStep,
    LedgerSource,
    Payment,
    PaymentMethod,
    PaymentPlan,
    PromiseToPay,
)

ARREARS_KINDS = ("arrears_visit", "supply_suspension", "reconnection")
# The source reference of the orders the dunning run raises (other apps may raise suspensions of their own).
ARREARS_SOURCE_PREFIX = "arrears:"
# Orders that chase the arrears; a payment clearing them makes these pointless.
CHASING_KINDS = ("arrears_visit", "supply_suspension")

# The whole dunning lifecycle: one step forward at a time, or back to "none" when the arrears are cleared.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    DunningStep.NONE: frozenset({DunningStep.REMINDER}),
    DunningStep.REMINDER: frozenset({DunningStep.WRITTEN_NOTICE, DunningStep.NONE}),
    DunningStep.WRITTEN_NOTICE: frozenset({DunningStep.FIELD_VISIT, DunningStep.NONE}),
    DunningStep.FIELD_VISIT: frozenset({DunningStep.SUSPENSION_NOTICE, DunningStep.NONE}),
    DunningStep.SUSPENSION_NOTICE: frozenset({DunningStep.SUSPENSION, DunningStep.NONE}),
    DunningStep.SUSPENSION: frozenset({DunningStep.NONE}),
}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def case_for(account: CustomerAccount, *, lock: bool = True) -> DunningCase:
    case, _created = DunningCase.objects.get_or_create(account=account)
    if lock:
        case = DunningCase.objects.select_for_update().get(pk=case.pk)
    return case


def case_event(case: DunningCase, *, type: str, actor=None, from_step: str = "", to_step: str = "",
               reason: str = "", data: dict | None = None) -> DunningEvent:
    return DunningEvent.objects.create(case=case, actor=_user(actor), type=type, from_step=from_step,
                                       to_step=to_step, reason=reason[:500], data=data or {})


def case_move(case: DunningCase, to_step: str, *, actor=None, reason: str = "", today: date | None = None,
              data: dict | None = None) -> DunningCase:
    """The one place a dunning case changes step: checked against CASE_TRANSITIONS, recorded as an event.

    The caller holds the case row locked (select_for_update, see `case_for`)."""
    from_step = case.step
    if to_step not in CASE_TRANSITIONS[from_step]:
        raise Conflict("illegal_transition",
                       _("A dunning case cannot go from “%(from)s” to “%(to)s”.")
                       % {"from": DunningStep(from_step).label, "to": DunningStep(to_step).label},
                       extra={"step": from_step})
    case.step = to_step
    case.step_since = today or ledger.today()
    case.hold_reason = ""
    case.version += 1
    case.save()
    case_event(case, type=DunningEvent.Type.STEP, actor=actor, from_step=from_step, to_step=to_step,
               reason=reason, data=data)
    return case


# --- work orders ------------------------------------------------------------------------------------------------

def account_premises(account: CustomerAccount) -> list[Premises]:
    return list(Premises.objects.filter(account=account, is_active=True, area__isnull=False)
                .select_related("area").order_by("premises_no"))


def open_orders(account: CustomerAccount, kinds: tuple[str, ...]):
    return WorkOrder.objects.filter(premises__account=account, kind__in=kinds, status__in=OPEN_STATUSES)


def raise_orders(account: CustomerAccount, *, kind: str, actor=None, priority: str | None = None,
                 description: str = "") -> list[WorkOrder]:
    """One order of the kind at each of the account's supplied premises that has none open yet."""
    created = []
    for premises in account_premises(account):
        if open_orders(account, (kind,)).filter(premises=premises).exists():
            continue
        created.append(workorders.work_order_create(
            actor=actor, kind=kind, premises=premises, priority=priority, source=Source.SYSTEM,
            source_ref=f"{ARREARS_SOURCE_PREFIX}{account.account_no}", description=description))
    return created


# A technician already at the door sees the cleared balance on the phone and finishes the visit there.
CANCELLABLE_STATUSES = (Status.NEW, Status.ASSIGNED, Status.DISPATCHED, Status.EN_ROUTE)


def cancel_chasing_orders(account: CustomerAccount, *, actor=None, reason: str) -> list[WorkOrder]:
    cancelled = []
    orders = WorkOrder.objects.filter(premises__account=account, kind__in=CHASING_KINDS,
                                      status__in=CANCELLABLE_STATUSES)
    for order_id in orders.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                cancelled.append(workorders.transition(work_order_id=order_id, to_status=Status.CANCELLED,
                                                       actor=actor, reason=reason))
        except Conflict:
            # Moved on meanwhile (arrived, completed): the payment stands; the technician sees the balance.
            continue
    return cancelled


# --- payments ---------------------------------------------------------------------------------------------------

@transaction.atomic
def clear_case(account: CustomerAccount, *, actor=None, reason: str, today: date | None = None) -> dict:
    """The arrears are paid: stop chasing, and restore supply if it was suspended."""
    today = today or ledger.today()
    case = case_for(account)
    cancelled = cancel_chasing_orders(account, actor=actor, reason=reason)
    reconnection = []
    if case.supply_suspended and not open_orders(account, ("reconnection",)).exists():
        reconnection = raise_orders(account, kind="reconnection", actor=actor, priority=Priority.URGENT,
                                    description=_("Arrears paid: restore supply, relight the appliances and check "
                                                  "the installation is safe."))
    if case.step != DunningStep.NONE:
        case_move(case, DunningStep.NONE, actor=actor, reason=reason, today=today)
    elif case.hold_reason:
        case.hold_reason = ""
        case.save(update_fields=["hold_reason", "updated_at"])
    return {"cancelled": [order.pk for order in cancelled], "reconnection": [order.pk for order in reconnection]}


def after_payment(account: CustomerAccount, *, actor=None, today: date | None = None) -> dict | None:
    """Called after every payment: when nothing overdue is left, the case is cleared."""
    today = today or ledger.today()
    position = ledger.position(account.pk, today)
    if position.arrears > 0:
        return None
    case = DunningCase.objects.filter(account=account).first()
    chasing = open_orders(account, CHASING_KINDS).exists()
    if case is None and not chasing:
        return None
    if case is not None and case.step == DunningStep.NONE and not case.supply_suspended and not chasing:
        return None
    return clear_case(account, actor=actor, today=today,
                      reason=_("Arrears paid (balance %(balance)s).") % {"balance": position.balance})


@transaction.atomic
def payment_record(*, actor, account: CustomerAccount, reference: str, amount: Decimal, paid_at: datetime,
                   method: str = PaymentMethod.OTHER, source: str = LedgerSource.BILLING, receipt_no: str = "",
                   work_order: WorkOrder | None = None) -> tuple[Payment, bool]:
    """Record one payment, idempotent by reference: the same payment again is a no-op (created=False); another
    payment under a used reference is refused (409 reference_conflict)."""
    existing = Payment.objects.filter(reference=reference).first()
    if existing is not None:
        if existing.account_id != account.pk or existing.amount != amount:
            raise Conflict("reference_conflict",
                           _("Payment reference %(ref)s is already used for another payment.") % {"ref": reference},
                           extra={"reference": reference})
        return existing, False
    if amount <= 0:
        raise DispatchError("invalid", _("A payment must be more than zero."),
                            fields={"amount": [_("A payment must be more than zero.")]})
    payment = Payment.objects.create(account=account, reference=reference, amount=amount, paid_at=paid_at,
                                     method=method, source=source, receipt_no=receipt_no, work_order=work_order,
                                     recorded_by=_user(actor))
    record_event(actor=actor, action=AuditEvent.Action.CREATE, instance=payment,
                 changes={"amount": str(amount), "source": source, "reference": reference})
    after_payment(account, actor=actor)
    return payment, True


# --- protections the desk records -------------------------------------------------------------------------------

@transaction.atomic
def payment_plan_create(*, actor, account: CustomerAccount, total: Decimal, instalments: int, first_due: date,
                        notes: str = "") -> PaymentPlan:
    if PaymentPlan.objects.filter(account=account, status=PaymentPlan.Status.ACTIVE).exists():
        raise Conflict("plan_exists", _("The customer already has an active payment plan."))
    plan = PaymentPlan.objects.create(account=account, total=total, instalments=instalments, first_due=first_due,
                                      notes=notes, created_by=_user(actor))
    case_event(case_for(account), type=DunningEvent.Type.NOTE, actor=actor,
               reason=_("Payment plan agreed."), data={"payment_plan": plan.pk})
    record_event(actor=actor, action=AuditEvent.Action.CREATE, instance=plan)
    return plan


@transaction.atomic
def payment_plan_set_status(*, actor, plan: PaymentPlan, status: str) -> PaymentPlan:
    if plan.status != PaymentPlan.Status.ACTIVE:
        raise Conflict("illegal_transition", _("Only an active payment plan can change."))
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    case_event(case_for(plan.account), type=DunningEvent.Type.NOTE, actor=actor,
               reason=_("Payment plan %(status)s.") % {"status": plan.get_status_display()},
               data={"payment_plan": plan.pk})
    return plan


@transaction.atomic
def dispute_open(*, actor, account: CustomerAccount, reason: str, work_order: WorkOrder | None = None) -> Dispute:
    if not reason.strip():
        raise DispatchError("reason_required", _("Say what the customer disputes."),
                            fields={"reason": [_("This field is required.")]})
    dispute = Dispute.objects.create(account=account, reason=reason, work_order=work_order, created_by=_user(actor))
    case_event(case_for(account), type=DunningEvent.Type.NOTE, actor=actor, reason=reason,
               data={"dispute": dispute.pk})
    return dispute


@transaction.atomic
def dispute_resolve(*, actor, dispute: Dispute, status: str, resolution: str) -> Dispute:
    if dispute.status != Dispute.Status.OPEN:
        raise Conflict("illegal_transition", _("This dispute is already resolved."))
    if status not in (Dispute.Status.UPHELD, Dispute.Status.REJECTED):
        raise DispatchError("invalid", _("Uphold or reject the dispute."), fields={"status": [_("Not a choice.")]})
    dispute.status, dispute.resolution, dispute.resolved_at = status, resolution, timezone.now()
    dispute.save()
    case_event(case_for(dispute.account), type=DunningEvent.Type.NOTE, actor=actor, reason=resolution,
               data={"dispute": dispute.pk, "status": status})
    return dispute


@transaction.atomic
def promise_record(*, actor, account: CustomerAccount, promised_date: date, amount: Decimal | None = None,
                   work_order: WorkOrder | None = None) -> PromiseToPay:
    if promised_date < ledger.today():
        raise DispatchError("invalid", _("The promised date has passed."),
                            fields={"promised_date": [_("The promised date has passed.")]})
    promise = PromiseToPay.objects.create(account=account, promised_date=promised_date, amount=amount,
                                          work_order=work_order, created_by=_user(actor))
    case_event(case_for(account), type=DunningEvent.Type.NOTE, actor=actor,
               reason=_("Promise to pay by %(date)s.") % {"date": promised_date.isoformat()},
               data={"promise": promise.pk, "amount": str(amount) if amount is not None else None})
    return promise


@transaction.atomic
def policy_save(*, actor, policy: DunningPolicy, changes: dict) -> DunningPolicy:
    """Save a dunning policy (admin or API) and audit what changed."""
    from dispatch.common.audit import diff, snapshot

    fields = list(changes)
    before = snapshot(policy, fields) if policy.pk else {}
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    record_event(actor=actor, action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
                 instance=policy, changes=diff(before, snapshot(policy, fields)))
    return policy
