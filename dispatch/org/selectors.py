"""Reads of the organisation, scoped to what the user may see."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from dispatch.common.geo import first_containing
from dispatch.common.roles import Role, has_role, is_department_wide

from .models import Area, ServiceOffice, ShiftException, StaffProfile


def office_ids_for(user) -> set[int] | None:
    """The offices whose records the user may see; None means every office."""
    if is_department_wide(user):
        return None
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    if staff is None:
        return set()
    cached = getattr(user, "_dispatch_office_ids", None)
    if cached is None:
        cached = {staff.office_id, *staff.additional_offices.values_list("id", flat=True)}
        user._dispatch_office_ids = cached
    return cached


def office_list(*, user) -> QuerySet[ServiceOffice]:
    offices = ServiceOffice.objects.all()
    ids = office_ids_for(user)
    return offices if ids is None else offices.filter(id__in=ids)


def area_list(*, user) -> QuerySet[Area]:
    areas = Area.objects.select_related("office")
    ids = office_ids_for(user)
    return areas if ids is None else areas.filter(office_id__in=ids)


def staff_list(*, user) -> QuerySet[StaffProfile]:
    staff = StaffProfile.objects.select_related("user", "office", "primary_area").prefetch_related(
        "skills__skill", "allowed_areas")
    if has_role(user, Role.TECHNICIAN) and not has_role(user, Role.DISPATCHER, Role.SAFETY_OFFICER):
        return staff.filter(user=user)
    ids = office_ids_for(user)
    return staff if ids is None else staff.filter(office_id__in=ids)


def area_containing(lat: float, lng: float) -> Area | None:
    """The active area whose boundary covers the point, testing only areas whose bounding box does."""
    candidates = Area.objects.filter(
        is_active=True, min_lat__lte=lat, max_lat__gte=lat, min_lng__lte=lng, max_lng__gte=lng,
    ).only("id", "boundary", "code").order_by("code")
    return first_containing(((area, area.boundary) for area in candidates), lat, lng)


@dataclass(frozen=True)
class WorkingDay:
    start: time
    end: time
    break_start: time | None = None
    break_end: time | None = None

    def covers(self, moment: time) -> bool:
        # A time field cannot hold 24:00, so a shift "until 23:59" runs to midnight.
        return self.start <= moment and (moment < self.end or self.end == time(23, 59))


def working_day(staff: StaffProfile, day: date) -> WorkingDay | None:
    """The hours a person works on a day: their weekly shift, unless leave, sickness or overtime says else."""
    exception = ShiftException.objects.filter(staff=staff, date=day).first()
    if exception is not None:
        if exception.kind == ShiftException.Kind.OVERTIME and exception.start and exception.end:
            return WorkingDay(exception.start, exception.end)
        if exception.kind != ShiftException.Kind.OVERTIME:
            return None
    shift = staff.weekly_shifts.filter(weekday=day.weekday()).first()
    if shift is None:
        return None
    return WorkingDay(shift.start, shift.end, shift.break_start, shift.break_end)


def is_on_shift(staff: StaffProfile, moment: datetime) -> bool:
    """Whether the moment falls in the person's working hours; shifts are local times, so an aware moment
    (e.g. `timezone.now()`, which is UTC) is first converted to the utility's zone."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    day = working_day(staff, moment.date())
    return day is not None and day.covers(moment.time())


def staff_with_skill(skill_codes: list[str], on: date) -> QuerySet[StaffProfile]:
    """Active staff holding every given skill with a certificate valid on the date (where one is needed)."""
    staff = StaffProfile.objects.filter(is_active=True)
    for code in skill_codes:
        staff = staff.filter(
            Q(skills__skill__code=code)
            & (Q(skills__skill__requires_certificate=False) | Q(skills__valid_until__gte=on))
        )
    return staff.distinct()
