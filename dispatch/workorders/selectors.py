"""Reads of work orders, scoped to what the user may see."""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dispatch.common.errors import Conflict, NotFound
from dispatch.common.roles import Role, has_role, is_department_wide
from dispatch.org.models import StaffProfile
from dispatch.org.selectors import office_ids_for

from .models import Notification, Status, WorkOrder, WorkOrderEvent

OFFICE_ROLES = (Role.DISPATCHER, Role.SAFETY_OFFICER)


def work_order_list(*, user) -> QuerySet[WorkOrder]:
    """Department-wide roles see everything; dispatchers and safety officers their offices; technicians their jobs."""
    # An area's boundary can be a large polygon: it is not needed to list orders, so it is not fetched.
    orders = (WorkOrder.objects.select_related("area", "office", "assignee__user", "premises__account")
              .defer("area__boundary"))
    if is_department_wide(user):
        return orders
    if has_role(user, *OFFICE_ROLES):
        return orders.filter(office_id__in=office_ids_for(user))
    if has_role(user, Role.TECHNICIAN):
        return orders.filter(assignee__user=user)
    return orders.none()


def work_order_get(*, user, work_order_id: int) -> WorkOrder | None:
    return work_order_list(user=user).filter(pk=work_order_id).first()


def technician_day(*, user, technician: StaffProfile, day: date) -> QuerySet[WorkOrder]:
    """A technician's jobs for a day in the order they will be done (unsequenced emergencies first)."""
    return (work_order_list(user=user)
            .filter(assignee=technician, scheduled_date=day)
            .order_by("sequence", "window_start", "created_at"))


def work_order_events(*, user, work_order_id: int) -> QuerySet[WorkOrderEvent]:
    return (WorkOrderEvent.objects.filter(work_order__in=work_order_list(user=user).filter(pk=work_order_id))
            .select_related("actor").order_by("at", "id"))


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("work_order")


def assignable_technicians(*, user) -> QuerySet[StaffProfile]:
    staff = StaffProfile.objects.filter(is_active=True, user__groups__name=Role.TECHNICIAN).select_related(
        "user", "office", "primary_area")
    offices = office_ids_for(user)
    return staff if offices is None else staff.filter(office_id__in=offices)


def premises_history(*, premises_id: int | None, exclude_id: int, limit: int = 5) -> list[WorkOrder]:
    """The last finished jobs at a premises, for the technician standing at its door."""
    if premises_id is None:
        return []
    return list(WorkOrder.objects.filter(premises_id=premises_id, status__in=[Status.COMPLETED, Status.CLOSED,
                                                                             Status.UNABLE])
                .exclude(pk=exclude_id).order_by("-completed_at", "-created_at")
                .only("number", "kind", "status", "completed_at", "unable_reason", "resolution_notes")[:limit])


def technician_job(*, user, work_order_id: int) -> WorkOrder:
    """The technician's own job; a job taken away while they were offline answers with why, not just 404."""
    order = work_order_list(user=user).filter(pk=work_order_id).first()
    if order is not None:
        if order.status == Status.CANCELLED:
            raise Conflict("job_cancelled", _("This job was cancelled."), extra={"work_order": work_order_id})
        return order
    staff_id = StaffProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    was_mine = staff_id is not None and WorkOrderEvent.objects.filter(
        work_order_id=work_order_id, type=WorkOrderEvent.Type.STATUS, data__to_technician=staff_id).exists()
    if was_mine:
        cancelled = WorkOrder.objects.filter(pk=work_order_id, status=Status.CANCELLED).exists()
        if cancelled:
            raise Conflict("job_cancelled", _("This job was cancelled."), extra={"work_order": work_order_id})
        raise Conflict("job_reassigned", _("This job is no longer assigned to you."),
                       extra={"work_order": work_order_id})
    raise NotFound("not_found", _("Work order not found."))
