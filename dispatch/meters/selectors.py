"""Reads of meters and readings, scoped to what the user may see."""

from django.db.models import Q, QuerySet

from dispatch.common.roles import Role, has_role, is_department_wide
from dispatch.org.selectors import office_ids_for

from .models import Meter, MeterEvent, MeterReading, MeterStatus, Plausibility

# Lab, department head and admin see every meter and reading; dispatchers those of their offices' premises
# (and the stock); technicians only the readings taken on their own jobs.
METER_READERS = (Role.LAB, Role.MANAGER, Role.ADMIN, Role.DISPATCHER)
READING_READERS = (*METER_READERS, Role.TECHNICIAN)
WIDE_ROLES = (Role.LAB, Role.MANAGER, Role.ADMIN)


def _wide(user) -> bool:
    return has_role(user, *WIDE_ROLES) or (is_department_wide(user) and has_role(user, *METER_READERS))


def meter_list(*, user) -> QuerySet[Meter]:
    meters = Meter.objects.select_related("size", "premises")
    if _wide(user):
        return meters
    if has_role(user, Role.DISPATCHER):
        return meters.filter(Q(premises__isnull=True) | Q(premises__area__office_id__in=office_ids_for(user)))
    return meters.none()


def meter_events(*, user, meter_id: int) -> QuerySet[MeterEvent]:
    return MeterEvent.objects.filter(meter__in=meter_list(user=user).filter(pk=meter_id)).select_related("actor")


def reading_list(*, user) -> QuerySet[MeterReading]:
    readings = MeterReading.objects.select_related("meter", "premises", "work_order", "reread_order")
    if _wide(user):
        return readings
    if has_role(user, Role.DISPATCHER):
        return readings.filter(premises__area__office_id__in=office_ids_for(user))
    if has_role(user, Role.TECHNICIAN):
        return readings.filter(work_order__assignee__user=user)
    return readings.none()


def implausible_list(*, user) -> QuerySet[MeterReading]:
    """The clerk's list: readings confirmed although they failed a check, oldest first."""
    return reading_list(user=user).filter(plausibility=Plausibility.IMPLAUSIBLE_CONFIRMED).order_by("read_at", "id")


def meter_facts(work_order) -> dict | None:
    """The meter installed at the job's premises and its last reading, for the technician at the door."""
    if work_order.premises_id is None:
        return None
    meter = (Meter.objects.filter(premises_id=work_order.premises_id, status=MeterStatus.INSTALLED)
             .select_related("size").first())
    if meter is None:
        return None
    last = meter.readings.order_by("-read_at").only("value", "read_at").first()
    return {
        "serial": meter.serial, "type": meter.get_meter_type_display(), "size": meter.size.code,
        "location": meter.get_location_display(), "meter_box": meter.meter_box,
        "service_life_expires_on": meter.service_life_expires_on,
        "last_reading": {"value": str(last.value), "read_at": last.read_at} if last else None,
    }
