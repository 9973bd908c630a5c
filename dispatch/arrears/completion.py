"""What completing an arrears job records, called by the work-order core inside the completion transaction
(WorkOrderKind.record_completion): a refusal here leaves the order uncompleted."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dispatch.common.errors import DispatchError
from dispatch.workorders.models import Source, WorkOrderAttachment

from . import ledger, services
from .models import DunningCase, DunningEvent, LedgerSource
from .policy import check_may_suspend, protections
from .services import ARREARS_SOURCE_PREFIX


def _day(value) -> date:
    # The work-order core hands over the serializer's output: dates and amounts as strings.
    return value if isinstance(value, date) else parse_date(str(value))


def _money(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _account(work_order):
    if work_order.premises is None:
        raise DispatchError("no_premises", _("This work order has no premises, so no customer account."))
    return work_order.premises.account


def record_visit(*, work_order, data: dict, actor) -> None:
    """arrears_visit: a payment taken, a promise to pay, a dispute, no access or a refusal."""
    account = _account(work_order)
    outcome = data["outcome"]
    case = services.case_for(account)
    services.case_event(case, type=DunningEvent.Type.NOTE, actor=actor,
                        reason=_("Arrears visit %(number)s: %(outcome)s") % {"number": work_order.number,
                                                                             "outcome": outcome},
                        data={"work_order": work_order.pk, **{key: str(value) for key, value in data.items()}})
    if outcome == "paid":
        services.payment_record(
            actor=actor, account=account, reference=f"FIELD-{data['receipt_no']}",
            amount=Decimal(str(data["amount_paid"])),
            paid_at=ledger.now(), method=data.get("payment_method") or "cash", source=LedgerSource.FIELD,
            receipt_no=data["receipt_no"], work_order=work_order)
    elif outcome == "promise_to_pay":
        services.promise_record(actor=actor, account=account, promised_date=_day(data["promised_date"]),
                                amount=_money(data.get("promised_amount")), work_order=work_order)
    elif outcome == "dispute":
        services.dispute_open(actor=actor, account=account, reason=data.get("dispute_reason") or "",
                              work_order=work_order)


def for_arrears(source: str, source_ref: str) -> bool:
    """Whether a suspension is for arrears: typed in by a person, or raised by the dunning run. Another part of the
    system may suspend supply for a reason of its own (a refused grade-1 hazard), to which no arrears rule applies."""
    return source != Source.SYSTEM or source_ref.startswith(ARREARS_SOURCE_PREFIX)


def record_suspension(*, work_order, data: dict, actor) -> None:
    """supply_suspension: refused when a protection applies; supply made safe is shown on photos."""
    if not work_order.attachments.filter(kind=WorkOrderAttachment.Kind.PHOTO).exists():
        raise DispatchError("photo_required", _("Take a photo of the locked valve or capped meter first."),
                            fields={"photos": [_("At least one photo is needed.")]})
    if not for_arrears(work_order.source, work_order.source_ref):
        return
    account = _account(work_order)
    check_may_suspend(account, ledger.today())
    if ledger.position(account.pk).arrears <= 0:
        raise DispatchError("no_arrears", _("The account has no arrears any more: do not suspend the supply."))
    case = services.case_for(account)
    case.supply_suspended, case.suspended_at = True, timezone.now()
    case.version += 1
    case.save()
    services.case_event(case, type=DunningEvent.Type.SUPPLY, actor=actor,
                        reason=_("Supply suspended by %(number)s.") % {"number": work_order.number},
                        data={"work_order": work_order.pk, "supply": "suspended", "method": data["method"],
                              "seal_number": data["seal_number"]})


def record_reconnection(*, work_order, data: dict, actor) -> None:
    """reconnection: supply restored after the relight and a passed safety check (the serializer insists)."""
    account = _account(work_order)
    case = services.case_for(account)
    case.supply_suspended, case.suspended_at = False, None
    case.version += 1
    case.save()
    services.case_event(case, type=DunningEvent.Type.SUPPLY, actor=actor,
                        reason=_("Supply restored by %(number)s.") % {"number": work_order.number},
                        data={"work_order": work_order.pk, "supply": "restored",
                              "appliances_relit": data["appliances_relit"]})


def balance_facts(work_order) -> dict | None:
    """The live balance at the door: always on arrears jobs, on other jobs only when the account is in arrears."""
    if work_order.premises_id is None:
        return None
    account = work_order.premises.account
    position = ledger.position(account.pk)
    if work_order.kind not in services.ARREARS_KINDS and position.arrears <= 0:
        return None
    case = DunningCase.objects.filter(account=account).first()
    return {**position.as_dict(), "account_no": account.account_no,
            "step": case.step if case else "none", "supply_suspended": bool(case and case.supply_suspended),
            "protections": [protection.code for protection in protections(account, position.as_of)]}


def check_suspension_allowed(*, premises, actor, source: str, source_ref: str) -> None:
    """supply_suspension orders made by hand are refused up front for a protected customer, as the daily run's are."""
    if not for_arrears(source, source_ref):
        return
    if premises is None:
        raise DispatchError("invalid", _("A supply suspension needs the premises."),
                            fields={"premises": [_("This field is required.")]})
    check_may_suspend(premises.account, ledger.today())
