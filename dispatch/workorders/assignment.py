"""Who may take a work order: skills and certificates, office, shift and leave on the day of the job."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.roles import Role, has_role
from dispatch.org.competence import skill_refusal
from dispatch.org.models import ShiftException, StaffProfile
from dispatch.org.selectors import is_on_shift, working_day

from .models import Priority, WorkOrder


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def job_day(order: WorkOrder) -> date:
    if order.scheduled_date:
        return order.scheduled_date
    if order.window_start:
        return timezone.localdate(order.window_start)
    return timezone.localdate()


def assignment_refusal(order: WorkOrder, staff: StaffProfile, *, day: date | None = None) -> Refusal | None:
    """Why the person may not take the order, or None if they may."""
    name = str(staff)
    if not staff.is_active or not has_role(staff.user, Role.TECHNICIAN):
        return Refusal("not_a_technician", _("%(name)s is not an active technician.") % {"name": name})
    office_ids = {staff.office_id, *staff.additional_offices.values_list("id", flat=True)}
    if order.office_id not in office_ids:
        return Refusal("other_office", _("%(name)s works for another service office.") % {"name": name})
    day = day or job_day(order)
    held = {held.skill.code: held for held in staff.skills.select_related("skill", "staff__user")}
    for code in order.required_skills:
        skill = held.get(code)
        if skill is None:
            return Refusal("skill_missing", _("%(name)s lacks the skill “%(skill)s”.") % {"name": name, "skill": code})
        refusal = skill_refusal(skill, day)
        if refusal is not None:
            return Refusal(refusal.code, refusal.message)
    hours = working_day(staff, day)
    if hours is None:
        absence = ShiftException.objects.filter(staff=staff, date=day).exclude(
            kind=ShiftException.Kind.OVERTIME).first()
        if absence is not None:
            return Refusal("on_leave", _("%(name)s is absent on %(day)s (%(kind)s).")
                           % {"name": name, "day": day, "kind": absence.get_kind_display()})
        return Refusal("off_shift", _("%(name)s does not work on %(day)s.") % {"name": name, "day": day})
    if order.window_start and order.window_end:
        start = timezone.localtime(order.window_start).time()
        end = timezone.localtime(order.window_end).time()
        if end <= hours.start or start >= hours.end:
            return Refusal("off_shift", _("The appointment window lies outside %(name)s’s shift.") % {"name": name})
    if order.priority == Priority.EMERGENCY and day == timezone.localdate() and not is_on_shift(
            staff, timezone.localtime()):
        return Refusal("off_shift", _("%(name)s is not on shift now.") % {"name": name})
    return None
