"""SLA clocks: when an order must be attended and resolved, and when it counts as at risk."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .kinds import get_kind
from .models import SlaPolicy, SlaState, WorkOrder

DEFAULT_AT_RISK_PERCENT = 75


@dataclass(frozen=True)
class SlaClock:
    attend_minutes: int | None
    resolve_minutes: int | None
    at_risk_percent: int = DEFAULT_AT_RISK_PERCENT

    @property
    def applies(self) -> bool:
        return self.attend_minutes is not None or self.resolve_minutes is not None


def clock_for(kind_code: str, priority: str) -> SlaClock:
    """The site's policy for the kind and priority if one is configured, else the kind's registered default."""
    policy = SlaPolicy.objects.filter(kind=kind_code, priority=priority).first()
    if policy is not None:
        return SlaClock(policy.attend_minutes, policy.resolve_minutes, policy.at_risk_percent)
    target = get_kind(kind_code).sla.get(priority)
    if target is None:
        return SlaClock(None, None)
    return SlaClock(target.attend_minutes, target.resolve_minutes)


def start_clock(order: WorkOrder, started: datetime) -> None:
    clock = clock_for(order.kind, order.priority)
    order.attend_by = started + timedelta(minutes=clock.attend_minutes) if clock.attend_minutes else None
    order.resolve_by = started + timedelta(minutes=clock.resolve_minutes) if clock.resolve_minutes else None
    order.sla_state = SlaState.OK if clock.applies else SlaState.NONE
    set_marks(order, started, clock)


def set_marks(order: WorkOrder, started: datetime, clock: SlaClock | None = None) -> None:
    """Recompute when the running deadline turns at risk and breached (after start, pause or arrival)."""
    due = next_due(order)
    if due is None or order.sla_state in (SlaState.NONE, SlaState.MET):
        order.sla_warn_at = order.sla_due_at = None
        return
    clock = clock or clock_for(order.kind, order.priority)
    order.sla_due_at = due
    order.sla_warn_at = started + (due - started) * (clock.at_risk_percent / 100)


def next_due(order: WorkOrder) -> datetime | None:
    """The deadline the order is racing now: attending until someone is on site, then resolving."""
    if order.attended_at is None and order.attend_by is not None:
        return order.attend_by
    return order.resolve_by


def evaluate(order: WorkOrder, now: datetime) -> str:
    """The SLA state the order should be in at `now` (breached stays breached; a paused clock stands still)."""
    if order.sla_state in (SlaState.NONE, SlaState.MET, SlaState.BREACHED) or order.sla_paused_at is not None:
        return order.sla_state
    if order.sla_due_at is not None and now >= order.sla_due_at:
        return SlaState.BREACHED
    if order.sla_warn_at is not None and now >= order.sla_warn_at:
        return SlaState.AT_RISK
    return SlaState.OK


def shift_for_pause(order: WorkOrder, paused_for: timedelta) -> None:
    """Waiting on the customer does not count: move the deadlines and marks by the time paused."""
    for name in ("attend_by", "resolve_by", "sla_warn_at", "sla_due_at"):
        moment = getattr(order, name)
        if moment is not None and not (name == "attend_by" and order.attended_at is not None):
            setattr(order, name, moment + paused_for)
