"""Callbacks (回访): the day after a visit, inside the hours customers may be called, with a follow-up.

The allowed hours (DOMAIN.md: 10:30–11:30 and 15:00–17:30 local) come from `conf.callback_windows()`; every
moment a callback is given, created or moved, comes from `slots_for_day` / `next_slot`, so none lies outside them.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.workorders import services as work_orders
from dispatch.workorders.models import Status, WorkOrder

from . import conf
from .models import Callback, CallbackPolicy, ComplaintCategory, RequestType

MAX_ATTEMPTS = 3
LOOKBACK_DAYS = 3


def _aware(day: date, moment) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_current_timezone())


def slots_for_day(day: date) -> list[datetime]:
    """Every start of a callback slot on the day: a whole slot fits inside one of the allowed windows."""
    step = timedelta(minutes=conf.callback_slot_minutes())
    slots = []
    for start, end in conf.callback_windows():
        moment, last = _aware(day, start), _aware(day, end)
        while moment + step <= last:
            slots.append(moment)
            moment += step
    return slots


def in_allowed_hours(moment: datetime) -> bool:
    local = timezone.localtime(moment).time()
    return any(start <= local < end for start, end in conf.callback_windows())


def next_slot(after: datetime) -> datetime:
    """The first slot start at or after the moment (the same day or a later one)."""
    day = timezone.localdate(after)
    for offset in range(8):
        for slot in slots_for_day(day + timedelta(days=offset)):
            if slot >= after:
                return slot
    raise ValueError("no callback window configured")


def sample_percent(kind: str) -> int:
    policy = CallbackPolicy.objects.filter(kind=kind).first()
    return policy.sample_percent if policy else conf.callback_default_percent()


def is_sampled(work_order_id: int, percent: int) -> bool:
    """A fixed, evenly spread choice per order: re-running the job never changes who is called back."""
    return (work_order_id * 2654435761) % 100 < percent


def create_callbacks(*, now: datetime | None = None) -> int:
    """Callbacks for the jobs completed before today (the last few days, so a missed run catches up).

    Each sampled job gets one callback, spread over today's remaining slots (or the next day's when today's
    windows are over). Idempotent: a job has at most one callback.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = _aware(today - timedelta(days=LOOKBACK_DAYS), datetime.min.time())
    end = _aware(today, datetime.min.time())
    done = (WorkOrder.objects.filter(status__in=[Status.COMPLETED, Status.CLOSED], completed_at__gte=start,
                                     completed_at__lt=end, callback__isnull=True)
            .select_related("premises__account").order_by("completed_at", "pk"))
    percents: dict[str, int] = {}
    chosen = []
    for order in done:
        if order.kind not in percents:
            percents[order.kind] = sample_percent(order.kind)
        phone = order.contact_phone or (order.premises.account.phone if order.premises_id else "")
        if phone and is_sampled(order.pk, percents[order.kind]):
            chosen.append((order, phone))
    if not chosen:
        return 0
    slots = [slot for slot in slots_for_day(today) if slot >= now]
    if not slots:
        slots = slots_for_day(timezone.localdate(next_slot(now)))
    created = Callback.objects.bulk_create(
        [Callback(work_order=order, kind=order.kind, office_id=order.office_id, area_id=order.area_id,
                  technician_id=order.assignee_id, phone=phone, scheduled_at=slots[index % len(slots)])
         for index, (order, phone) in enumerate(chosen)], ignore_conflicts=True)
    return len(created)


@transaction.atomic
def reschedule(*, callback_id: int, actor, at: datetime) -> Callback:
    """Move a callback the customer asked to be called at another time: to the first allowed slot from then."""
    callback = Callback.objects.select_for_update().filter(pk=callback_id).first()
    if callback is None:
        raise NotFound("not_found", _("Callback not found."))
    if callback.status != Callback.Status.SCHEDULED:
        raise Conflict("callback_done", _("This callback is no longer scheduled."))
    callback.scheduled_at = next_slot(max(at, timezone.now()))
    callback.save(update_fields=["scheduled_at", "updated_at"])
    record_event(actor=actor, action="update", instance=callback, changes={"scheduled_at": callback.scheduled_at})
    return callback


@transaction.atomic
def record_callback(*, callback_id: int, actor, reached: bool, satisfaction: int | None = None,
                    problem_solved: bool | None = None, comments: str = "", follow_up: str = "",
                    now: datetime | None = None) -> Callback:
    """Record the call. Not reached: tried again at the next allowed slot, up to three times.

    Reached: satisfaction 1–5 is required. A dissatisfied answer reopens the job (when the problem is not solved,
    or `follow_up="reopened"`) or opens a complaint owned by the calling agent (`follow_up="complaint"`).
    """
    from .services import request_intake

    now = now or timezone.now()
    callback = Callback.objects.select_for_update().select_related("work_order").filter(pk=callback_id).first()
    if callback is None:
        raise NotFound("not_found", _("Callback not found."))
    if callback.status != Callback.Status.SCHEDULED:
        raise Conflict("callback_done", _("This callback is no longer scheduled."))
    callback.attempts += 1
    callback.agent = actor if getattr(actor, "is_authenticated", False) else None
    if not reached:
        if callback.attempts >= MAX_ATTEMPTS:
            callback.status, callback.done_at = Callback.Status.UNREACHABLE, now
        else:
            callback.scheduled_at = next_slot(now + timedelta(hours=1))
        callback.comments = comments or callback.comments
        callback.save()
        return callback
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise DispatchError("invalid", _("Give the customer's satisfaction from 1 to 5."),
                            fields={"satisfaction": [_("Give a whole number from 1 to 5.")]})
    if follow_up not in Callback.FollowUp.values:
        raise DispatchError("invalid", _("Choose one of the listed follow-ups."),
                            fields={"follow_up": [_("Choose one of the listed follow-ups.")]})
    callback.status, callback.done_at = Callback.Status.DONE, now
    callback.satisfaction, callback.problem_solved, callback.comments = satisfaction, problem_solved, comments
    dissatisfied = satisfaction < conf.dissatisfied_below() or problem_solved is False
    if dissatisfied and not follow_up:
        follow_up = Callback.FollowUp.REOPENED if problem_solved is False else Callback.FollowUp.COMPLAINT
    order = callback.work_order
    if follow_up == Callback.FollowUp.REOPENED:
        reason = _("Callback %(date)s: %(comments)s") % {"date": timezone.localdate(now).isoformat(),
                                                         "comments": comments or _("customer not satisfied")}
        work_orders.transition(work_order_id=order.pk, to_status=Status.NEW, actor=actor, reason=reason)
    elif follow_up == Callback.FollowUp.COMPLAINT:
        request = request_intake(
            actor=actor, request_type=RequestType.COMPLAINT, premises=order.premises,
            description=comments or _("Dissatisfied at the callback after %(number)s.") % {"number": order.number},
            caller_phone=callback.phone, complaint_category=ComplaintCategory.WORK_QUALITY,
            complained_work_order=order)
        callback.complaint = request.complaint
    callback.follow_up = follow_up
    callback.save()
    record_event(actor=actor, action="update", instance=callback,
                 changes={"satisfaction": satisfaction, "follow_up": follow_up})
    return callback
