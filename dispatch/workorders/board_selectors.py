"""Reads for the dispatcher board, scoped through the work-order selectors.

Each function returns a bounded number of queries whatever the number of orders or technicians, so that the board
renders in constant time per request.
"""

from datetime import date

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from dispatch.org.models import ShiftException, StaffProfile, WeeklyShift
from dispatch.org.selectors import office_ids_for

from .models import OPEN_STATUSES, PRIORITY_RANK, RoutePlan, Status, WorkOrder
from .selectors import assignable_technicians, work_order_list

FINISHED_STATUSES = (Status.COMPLETED, Status.UNABLE, Status.CLOSED, Status.CANCELLED)


def board_queue(*, user, office_id: int, day: date, area_id: int | None = None, kind: str = "",
                priority: str = "", status: str = "") -> QuerySet[WorkOrder]:
    """The office's queue for a day, most pressing first (emergencies, then priority, then the SLA deadline).

    With no status, the open orders that are unscheduled or scheduled up to the day (yesterday's leftovers stay
    visible); "all" adds the finished orders of the day; a finished status shows those of the day.
    """
    orders = work_order_list(user=user).filter(office_id=office_id)
    if area_id:
        orders = orders.filter(area_id=area_id)
    if kind:
        orders = orders.filter(kind=kind)
    if priority:
        orders = orders.filter(priority=priority)
    backlog = Q(scheduled_date__isnull=True) | Q(scheduled_date__lte=day)
    of_the_day = Q(scheduled_date=day) | Q(scheduled_date__isnull=True, completed_at__date=day)
    if not status:
        orders = orders.filter(backlog, status__in=OPEN_STATUSES)
    elif status == "all":
        orders = orders.filter((backlog & Q(status__in=OPEN_STATUSES)) | (of_the_day & Q(status__in=FINISHED_STATUSES)))
    elif status in OPEN_STATUSES:
        orders = orders.filter(backlog, status=status)
    else:
        orders = orders.filter(of_the_day, status=status)
    rank = Case(*(When(priority=value, then=Value(position)) for value, position in PRIORITY_RANK.items()),
                default=Value(len(PRIORITY_RANK)), output_field=IntegerField())
    return orders.annotate(priority_rank=rank).order_by(
        "priority_rank", F("sla_due_at").asc(nulls_last=True), "created_at", "pk")


def board_technicians(*, user, office_id: int, day: date) -> QuerySet[StaffProfile]:
    """The office's assignable technicians with their shift, absence and skills for the day prefetched.

    Each carries `day_shifts` (the weekly shift of that weekday) and `day_exceptions` (leave, sickness, training
    or overtime on that date) as lists.
    """
    return (assignable_technicians(user=user).filter(office_id=office_id)
            .prefetch_related(
                Prefetch("weekly_shifts", queryset=WeeklyShift.objects.filter(weekday=day.weekday()),
                         to_attr="day_shifts"),
                Prefetch("shift_exceptions", queryset=ShiftException.objects.filter(date=day),
                         to_attr="day_exceptions"),
                "skills__skill")
            .order_by("employee_no"))


def board_day_jobs(*, user, technician_ids: list[int], day: date) -> QuerySet[WorkOrder]:
    """The jobs of these technicians on the day (every status but cancelled), in visiting order."""
    return (work_order_list(user=user)
            .filter(assignee_id__in=technician_ids, scheduled_date=day)
            .exclude(status=Status.CANCELLED)
            .order_by(F("sequence").asc(nulls_last=True), F("planned_start").asc(nulls_last=True),
                      F("window_start").asc(nulls_last=True), "assigned_at", "pk"))


def visible_plans(*, user) -> QuerySet[RoutePlan]:
    """Route plans of the offices the user may plan (every office for managers and admins)."""
    offices = office_ids_for(user)
    plans = RoutePlan.objects.select_related("office")
    return plans if offices is None else plans.filter(office_id__in=offices)


def board_plan(*, user, office_id: int, day: date) -> RoutePlan | None:
    """The plan the board shows for the office's day: the latest one made, unless it has been committed."""
    plan = visible_plans(user=user).filter(office_id=office_id, day=day).order_by("-created_at", "-pk").first()
    return None if plan is None or plan.state == RoutePlan.State.COMMITTED else plan
