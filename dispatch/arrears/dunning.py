"""The daily dunning run: late fees, then each account one step along its class's policy, raising arrears-visit
and suspension work orders in the premises' areas. Run by Celery beat; idempotent per day."""

from collections import Counter, defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.customers.models import CustomerAccount

from . import ledger, services
from .models import Bill, DunningCase, DunningEvent, DunningPolicy, DunningRun, DunningStep, LateFee
from .policy import Protection, policy_for, protections

CHUNK = 500
CENT = Decimal("0.01")
SUSPENSION_STEPS = (DunningStep.SUSPENSION_NOTICE, DunningStep.SUSPENSION)


def next_step(case: DunningCase, position: ledger.Position, policy: DunningPolicy, today: date) -> str | None:
    """The step the case is due to move to today under the policy, if any."""
    waited = (today - case.step_since).days if case.step_since else 0
    if case.step == DunningStep.NONE:
        return DunningStep.REMINDER if position.days_overdue >= policy.reminder_after_days else None
    due = {
        DunningStep.REMINDER: (policy.notice_after_days, DunningStep.WRITTEN_NOTICE),
        DunningStep.WRITTEN_NOTICE: (policy.visit_after_days, DunningStep.FIELD_VISIT),
        DunningStep.FIELD_VISIT: (policy.suspension_notice_after_days, DunningStep.SUSPENSION_NOTICE),
        DunningStep.SUSPENSION_NOTICE: (policy.suspension_after_days, DunningStep.SUSPENSION),
    }.get(case.step)
    if due is None or waited < due[0]:
        return None
    return due[1]


def accrue_late_fee(account: CustomerAccount, position: ledger.Position, policy: DunningPolicy,
                    today: date) -> LateFee | None:
    """Today's late fee on the overdue bills (not on earlier fees), once a day."""
    if policy.late_fee_per_mille <= 0 or position.overdue_bills <= 0:
        return None
    if position.days_overdue <= policy.late_fee_grace_days:
        return None
    amount = (position.overdue_bills * policy.late_fee_per_mille / 1000).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        return None
    rule = _("%(rate)s ‰ a day of %(base)s overdue (%(policy)s policy)") % {
        "rate": policy.late_fee_per_mille, "base": position.overdue_bills, "policy": policy.customer_class}
    fee, created = LateFee.objects.get_or_create(
        account=account, accrued_on=today,
        defaults={"amount": amount, "base_amount": position.overdue_bills, "per_mille": policy.late_fee_per_mille,
                  "rule": rule[:200]})
    return fee if created else None


def _hold(case: DunningCase, found: list[Protection], summary: Counter) -> None:
    reason = ",".join(protection.code for protection in found)
    summary["held"] += 1
    if case.hold_reason != reason:
        case.hold_reason = reason[:40]
        case.save(update_fields=["hold_reason", "updated_at"])
        services.case_event(case, type=DunningEvent.Type.HELD, reason=" ".join(p.message for p in found),
                            data={"protections": [protection.code for protection in found]})


def process_account(account: CustomerAccount, position: ledger.Position, policy: DunningPolicy, today: date,
                    summary: Counter, orders: dict) -> None:
    case = services.case_for(account)
    if case.last_run_on == today:
        return
    case.last_run_on = today
    case.save(update_fields=["last_run_on", "updated_at"])
    if accrue_late_fee(account, position, policy, today) is not None:
        summary["late_fees"] += 1
        position = ledger.position(account.pk, today)
    if position.arrears <= 0:
        if case.step != DunningStep.NONE or case.supply_suspended:
            result = services.clear_case(account, today=today, reason=_("No arrears left."))
            summary["cleared"] += 1
            for order_id in result["reconnection"]:
                orders["reconnection"].append(order_id)
        return
    if position.arrears < policy.minimum_amount:
        return
    found = protections(account, today, policy)
    holds = [protection for protection in found if protection.holds_dunning]
    if holds:
        _hold(case, holds, summary)
        return
    if case.hold_reason and not set(case.hold_reason.split(",")) & {protection.code for protection in found}:
        services.case_event(case, type=DunningEvent.Type.NOTE, reason=_("No protection applies any more."),
                            data={"released": case.hold_reason})
        case.hold_reason = ""
        case.save(update_fields=["hold_reason", "updated_at"])
    step = next_step(case, position, policy, today)
    if step is None:
        return
    if step in SUSPENSION_STEPS and found:
        _hold(case, found, summary)
        return
    reason = _("Arrears %(arrears)s, %(days)s days overdue.") % {"arrears": position.arrears,
                                                                "days": position.days_overdue}
    services.case_move(case, step, reason=reason, today=today,
                       data={"arrears": str(position.arrears), "days_overdue": position.days_overdue})
    summary[str(step)] += 1
    kind = {DunningStep.FIELD_VISIT: "arrears_visit", DunningStep.SUSPENSION: "supply_suspension"}.get(step)
    if kind is not None:
        created = services.raise_orders(account, kind=kind, description=reason)
        if not created and not services.open_orders(account, (kind,)).exists():
            services.case_event(case, type=DunningEvent.Type.NOTE,
                                reason=_("No supplied premises with an area: no work order raised."))
        orders[kind].extend(order.pk for order in created)


def dunning_run(today: date | None = None) -> dict:
    """Move every account with a ledger or an open case along its policy. Once per day: a second call for the same
    day answers the first run's summary; an interrupted run picks up the accounts not yet done."""
    today = today or ledger.today()
    run, _created = DunningRun.objects.get_or_create(day=today)
    if run.finished_at is not None:
        return run.summary
    summary: Counter = Counter()
    orders: dict[str, list[int]] = defaultdict(list)
    policies: dict[str, DunningPolicy] = {}
    candidates = (CustomerAccount.objects.filter(
        Q(pk__in=Bill.objects.values("account_id"))
        | Q(pk__in=DunningCase.objects.exclude(step=DunningStep.NONE, supply_suspended=False).values("account_id")))
        .order_by("pk"))
    last = 0
    while True:
        chunk = list(candidates.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            break
        last = chunk[-1].pk
        positions = ledger.positions([account.pk for account in chunk], today)
        # Most accounts owe nothing overdue and have no case to close: nothing to lock or write for them.
        open_cases = set(DunningCase.objects.filter(account__in=chunk).exclude(
            step=DunningStep.NONE, supply_suspended=False, hold_reason="").values_list("account_id", flat=True))
        for account in chunk:
            if positions[account.pk].arrears <= 0 and account.pk not in open_cases:
                continue
            policy = policies.get(account.customer_class)
            if policy is None:
                policy = policies[account.customer_class] = policy_for(account.customer_class)
            if not policy.enabled:
                continue
            with transaction.atomic():
                process_account(account, positions[account.pk], policy, today, summary, orders)
            summary["accounts"] += 1
    from dispatch.workorders.models import WorkOrder

    by_area: dict[str, dict[str, int]] = {}
    for kind, ids in orders.items():
        counts = Counter(WorkOrder.objects.filter(pk__in=ids).values_list("area__code", flat=True))
        by_area[kind] = dict(sorted(counts.items()))
    run.summary = {"day": today.isoformat(), **dict(summary), "work_orders_by_area": by_area}
    run.finished_at = timezone.now()
    run.save(update_fields=["summary", "finished_at"])
    return run.summary
