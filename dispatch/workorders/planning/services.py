"""The planner inside the dispatch system: build the day from work orders and staff, run, store, commit.

The solver layer (model, matrix, solver, insertion, feasibility) knows nothing of Django; this module turns an
office's open work and its technicians' day (shift and break from `working_day`, skills with valid
certificates, allowed areas, daily capacity, home base) into a `Problem`, stores the answer on a `RoutePlan`,
and commits it through the work-order services (`assign`), so every assignment is checked and audited as if
a dispatcher had made it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.common.roles import Role
from dispatch.org.competence import skill_refusal
from dispatch.org.models import Area, ServiceOffice, StaffProfile
from dispatch.org.selectors import working_day

from .. import services as workorder_services
from ..models import ACTIVE_STATUSES, Priority, RoutePlan, SlaState, Status, WorkOrder
from .feasibility import check
from .insertion import RouteDraft, insert_emergency
from .matrix import GreatCircleMatrix, MatrixProvider, Place
from .model import Break, Job, Plan, Problem, Technician
from .solver import SolverSettings, solve

# Lazy: translated when shown (the board, in the reader's language), not once at import.
REASONS = {
    "skill_missing": gettext_lazy("Nobody on shift holds the skill (with a valid certificate)."),
    "area_not_allowed": gettext_lazy("Nobody on shift may work in this area."),
    "pinned_elsewhere": gettext_lazy("Pinned to a technician who is not working that day."),
    "no_technician": gettext_lazy("No technician works that day."),
    "no_eligible_technician": gettext_lazy("No technician may take this job."),
    "outside_shift": gettext_lazy("The appointment window lies outside every suitable shift."),
    "capacity": gettext_lazy("Every suitable technician has reached their daily capacity."),
    "no_time": gettext_lazy("The day is full: lower-priority work is left out first."),
    "no_coordinates": gettext_lazy("The job has no coordinates."),
}


def _seconds(moment: time) -> int:
    # A shift "until 23:59" runs to midnight (as WorkingDay.covers says).
    if moment == time(23, 59):
        return 24 * 3600
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _local_seconds(moment: datetime, day: date) -> int:
    local = timezone.localtime(moment)
    offset = (local.date() - day).days * 86400
    return max(min(offset + _seconds(local.time().replace(microsecond=0)), 2 * 86400), -86400)


def matrix_provider(areas: list[Area]) -> MatrixProvider:
    """The site's provider (PLANNING_MATRIX_PROVIDER, a dotted path to a factory taking the areas), or the
    great-circle estimate with each area's travel speed."""
    dotted = getattr(settings, "PLANNING_MATRIX_PROVIDER", "")
    if dotted:
        return import_string(dotted)(areas)
    return GreatCircleMatrix(circuity=float(getattr(settings, "PLANNING_CIRCUITY", 1.35)),
                             speed_kmh={area.code: float(area.travel_speed_kmh) for area in areas})


@dataclass
class DayContext:
    problem: Problem
    orders: dict[str, WorkOrder]
    staff: dict[str, StaffProfile]
    skipped: dict[str, str]  # work order id → reason, for orders that never reach the solver


def technicians_for(office: ServiceOffice, day: date) -> list[StaffProfile]:
    return list(StaffProfile.objects.filter(
        Q(office=office) | Q(additional_offices=office), is_active=True, user__groups__name=Role.TECHNICIAN,
    ).distinct().select_related("user").prefetch_related("skills__skill", "allowed_areas").order_by("pk"))


def _technician(staff: StaffProfile, day: date, place: int) -> Technician | None:
    hours = working_day(staff, day)
    if hours is None:
        return None
    start, end = _seconds(hours.start), _seconds(hours.end)
    rest = None
    if hours.break_start and hours.break_end and hours.break_end > hours.break_start:
        flex = int(getattr(settings, "PLANNING_BREAK_FLEX_MINUTES", 30)) * 60
        begin, length = _seconds(hours.break_start), _seconds(hours.break_end) - _seconds(hours.break_start)
        earliest, latest = max(begin - flex, start), min(begin + flex, end - length)
        if earliest <= latest:
            rest = Break(earliest, latest, length)
    skills = frozenset(held.skill.code for held in staff.skills.all() if skill_refusal(held, day) is None)
    allowed = frozenset(area.code for area in staff.allowed_areas.all()) or None
    return Technician(id=str(staff.pk), start=place, end=place, shift_start=start, shift_end=end, skills=skills,
                      areas=allowed, capacity=staff.daily_capacity, rest=rest, name=str(staff))


def _is_sla_critical(order: WorkOrder, day_end: datetime) -> bool:
    if order.sla_state in (SlaState.AT_RISK, SlaState.BREACHED):
        return True
    due = order.attend_by if order.attended_at is None else order.resolve_by
    return due is not None and due <= day_end


def build_day(*, office: ServiceOffice, day: date, area_ids: list[int] | None = None,
              pins: list[dict] | None = None) -> DayContext:
    """The planning problem for an office's day: its open work for the day and its technicians on shift."""
    areas = list(Area.objects.filter(office=office, is_active=True).order_by("code"))
    if area_ids:
        areas = [area for area in areas if area.pk in set(area_ids)]
    day_start = timezone.make_aware(datetime.combine(day, time.min))
    day_end = day_start + timedelta(days=1)
    open_today = Q(status=Status.NEW) & (Q(scheduled_date=day) | Q(scheduled_date__isnull=True))
    mine_today = Q(status__in=ACTIVE_STATUSES, scheduled_date=day)
    orders = list(WorkOrder.objects.filter(open_today | mine_today, area__in=areas)
                  .exclude(window_start__gte=day_end).exclude(window_end__lt=day_start)
                  .select_related("area").order_by("pk"))
    pin_by_order = {int(pin["work_order"]): pin for pin in pins or []}

    places: list[Place] = []
    skipped: dict[str, str] = {}

    def place(lat: float, lng: float, area: str | None) -> int:
        places.append(Place(lat, lng, area))
        return len(places) - 1

    staff_by_id: dict[str, StaffProfile] = {}
    technicians: list[Technician] = []
    for staff in technicians_for(office, day):
        lat = staff.home_lat if staff.home_lat is not None else office.lat
        lng = staff.home_lng if staff.home_lng is not None else office.lng
        if lat is None or lng is None:
            continue
        tech = _technician(staff, day, place(lat, lng, staff.primary_area.code if staff.primary_area else None))
        if tech is not None:
            technicians.append(tech)
            staff_by_id[tech.id] = staff

    jobs: list[Job] = []
    by_id: dict[str, WorkOrder] = {}
    for order in orders:
        key = str(order.pk)
        if order.lat is None or order.lng is None:
            skipped[key] = "no_coordinates"
            continue
        earliest, latest = 0, 24 * 3600
        if order.window_start:
            earliest = max(_local_seconds(order.window_start, day), 0)
        if order.window_end:
            latest = min(_local_seconds(order.window_end, day), 24 * 3600)
        pin = pin_by_order.get(order.pk, {})
        pinned_tech = pin.get("technician")
        if order.status in (Status.DISPATCHED, Status.EN_ROUTE, Status.ON_SITE):
            pinned_tech = order.assignee_id  # already on its way: the plan keeps it with that technician
        pinned_time = None
        if pin.get("time"):
            hours, minutes = (int(part) for part in str(pin["time"]).split(":")[:2])
            pinned_time = hours * 3600 + minutes * 60
        jobs.append(Job(
            id=key, place=place(order.lat, order.lng, order.area.code), duration=order.duration_minutes * 60,
            skills=frozenset(order.required_skills), area=order.area.code, earliest=earliest,
            latest=max(latest, earliest), priority=order.priority,
            must=order.priority == Priority.EMERGENCY or _is_sla_critical(order, day_end),
            pinned_technician=str(pinned_tech) if pinned_tech else None, pinned_time=pinned_time,
            label=order.number))
        by_id[key] = order
    if places:
        distance, duration = matrix_provider(areas).matrices(places)
    else:
        distance = duration = [[0]]
    problem = Problem(technicians, jobs, distance, duration, coordinates=[(p.lat, p.lng) for p in places])
    return DayContext(problem, by_id, staff_by_id, skipped)


def _clock(day: date, seconds: int) -> str:
    moment = timezone.make_aware(datetime.combine(day, time.min)) + timedelta(seconds=seconds)
    return moment.isoformat()


def serialise(plan: Plan, context: DayContext, day: date) -> dict:
    """The plan as the dispatcher sees it: routes with times, km, utilisation; what is left out and why."""
    problem = context.problem
    routes = []
    for route in plan.routes:
        tech = problem.technician(route.technician_id)
        routes.append({
            "technician": int(tech.id), "name": tech.name,
            "departure": _clock(day, route.departure), "return": _clock(day, route.return_time),
            "km": round(route.distance / 1000, 1), "utilisation": route.utilisation(tech),
            "break": None if route.break_start is None or tech.rest is None else {
                "start": _clock(day, route.break_start), "end": _clock(day, route.break_start + tech.rest.duration),
                "after_visit": route.break_after},
            "visits": [{
                "work_order": int(visit.job_id), "number": context.orders[visit.job_id].number,
                "arrival": _clock(day, visit.arrival), "start": _clock(day, visit.start),
                "end": _clock(day, visit.end), "travel_km": round(visit.travel_distance / 1000, 2),
            } for visit in route.visits],
        })
    unassigned = [{"work_order": int(key), "number": context.orders[key].number if key in context.orders else "",
                   "reason": reason, "message": str(REASONS.get(reason, reason))}
                  for key, reason in {**context.skipped, **plan.unassigned}.items()]
    report = check(problem, plan)
    return {"routes": routes, "unassigned": unassigned, "km": round(plan.distance / 1000, 1),
            "assigned": sum(len(route["visits"]) for route in routes), "seconds": plan.seconds,
            "feasible": report.feasible, "violations": report.violations[:20]}


@transaction.atomic
def plan_create(*, actor, office: ServiceOffice, day: date, area_ids: list[int] | None = None,
                pins: list[dict] | None = None, seconds: int = 20) -> RoutePlan:
    """Queue the planning of a day; the task fills in the result (progress on the way)."""
    from .tasks import plan_day

    wrong = [pk for pk in area_ids or [] if not Area.objects.filter(pk=pk, office=office).exists()]
    if wrong:
        raise DispatchError("invalid", _("These areas are not in the office."),
                            fields={"areas": [_("Not an area of this office: %(ids)s") % {"ids": wrong}]})
    plan = RoutePlan.objects.create(office=office, day=day, area_ids=list(area_ids or []), pins=pins or [],
                                    seconds=seconds, created_by=actor if actor and actor.is_authenticated else None)
    transaction.on_commit(lambda: plan_day.delay(plan.pk))
    return plan


def plan_run(plan_id: int) -> RoutePlan:
    """Build the day, solve it and store the preview. Idempotent: a plan already run is left as it is."""
    claimed = RoutePlan.objects.filter(pk=plan_id, state=RoutePlan.State.QUEUED).update(
        state=RoutePlan.State.RUNNING, progress=1)
    plan = RoutePlan.objects.get(pk=plan_id)
    if not claimed:
        return plan

    def progress(fraction: float) -> None:
        RoutePlan.objects.filter(pk=plan_id).update(progress=max(1, min(99, int(5 + 90 * fraction))))

    try:
        context = build_day(office=plan.office, day=plan.day, area_ids=plan.area_ids, pins=plan.pins)
        result = solve(context.problem, SolverSettings(seconds=plan.seconds, progress=progress))
        plan.result = serialise(result, context, plan.day)
        plan.state, plan.progress = RoutePlan.State.READY, 100
    except Exception as exc:  # the dispatcher sees why instead of a plan stuck at "planning"
        plan.state, plan.error = RoutePlan.State.FAILED, str(exc)[:500]
        plan.save(update_fields=["state", "error", "updated_at"])
        raise
    plan.save(update_fields=["state", "progress", "result", "updated_at"])
    return plan


def plan_commit(*, plan_id: int, actor) -> dict:
    """Assign and order the planned jobs through the work-order services; each order succeeds or fails alone
    (a job changed since the preview, a certificate expired meanwhile) and is reported."""
    with transaction.atomic():
        plan = RoutePlan.objects.select_for_update().filter(pk=plan_id).first()
        if plan is None:
            raise NotFound("not_found", _("Plan not found."))
        if plan.state != RoutePlan.State.READY:
            raise Conflict("plan_not_ready", _("Only a plan ready for review can be committed."),
                           extra={"state": plan.state})
        plan.state, plan.committed_at, plan.committed_by = RoutePlan.State.COMMITTED, timezone.now(), actor
        plan.save(update_fields=["state", "committed_at", "committed_by", "updated_at"])
    results = []
    for route in plan.result.get("routes", []):
        technician = StaffProfile.objects.get(pk=route["technician"])
        for sequence, visit in enumerate(route["visits"], start=1):
            results.append(_commit_visit(plan, technician, sequence, visit, actor))
    return {"plan": plan.pk, "committed": sum(r["ok"] for r in results), "results": results}


def _commit_visit(plan: RoutePlan, technician: StaffProfile, sequence: int, visit: dict, actor) -> dict:
    order_id = visit["work_order"]
    try:
        with transaction.atomic():
            order = WorkOrder.objects.get(pk=order_id)
            if order.status == Status.NEW or (order.status == Status.ASSIGNED and order.assignee_id != technician.pk):
                workorder_services.assign(
                    work_order_id=order.pk, technician=technician, actor=actor, scheduled_date=plan.day,
                    sequence=sequence, expected_version=None if order.status == Status.NEW else order.version)
            elif order.assignee_id != technician.pk:
                raise Conflict("moved_on", _("The job has moved on since the plan was made."))
            # The order in the day and the planned arrival are planning data, not a status change: set them
            # directly (version bumped so a stale screen is refused), whatever the job's status.
            WorkOrder.objects.filter(pk=order.pk).update(
                sequence=sequence, scheduled_date=plan.day, planned_start=datetime.fromisoformat(visit["arrival"]),
                version=F("version") + 1)
    except WorkOrder.DoesNotExist:
        return {"work_order": order_id, "ok": False, "code": "not_found", "detail": str(_("Work order not found."))}
    except DispatchError as exc:
        return {"work_order": order_id, "ok": False, "code": exc.code, "detail": exc.message}
    return {"work_order": order_id, "ok": True, "code": "", "detail": ""}


def _live_drafts(context: DayContext, now_s: int, day: date) -> list[RouteDraft]:
    """Each technician's rest of today: where they are, when they are free, the committed jobs still to do."""
    problem = context.problem
    drafts = []
    for tech in problem.technicians:
        staff_id = int(tech.id)
        committed = [order for order in context.orders.values()
                     if order.assignee_id == staff_id and order.status in ACTIVE_STATUSES]
        committed.sort(key=lambda order: (order.status != Status.ON_SITE, order.status != Status.EN_ROUTE,
                                          order.sequence or 999, order.pk))
        place, free = tech.start, max(now_s, tech.shift_start)
        left: list[str] = []
        for order in committed:
            if order.status == Status.ON_SITE:
                # On site: there until the job is done (by its expected duration).
                place = problem.job(str(order.pk)).place
                started = _local_seconds(order.attended_at, day) if order.attended_at else now_s
                free = max(free, started + order.duration_minutes * 60)
            else:
                left.append(str(order.pk))
        if free >= tech.shift_end:
            continue
        rest = tech.rest if tech.rest is None or now_s < tech.rest.latest else None
        tech_now = replace(tech, start=place, rest=rest)
        drafts.append(RouteDraft(tech_now, left, depart=free))
    return drafts


def emergency_proposal(*, work_order: WorkOrder, now: datetime | None = None) -> dict:
    """Where a new emergency fits into today's live routes: the cheapest feasible insertion with the skill."""
    now = timezone.localtime(now or timezone.now())
    day = now.date()
    if work_order.status != Status.NEW:
        raise Conflict("already_assigned", _("Only an unassigned order can be inserted."))
    if work_order.lat is None or work_order.lng is None:
        raise DispatchError("invalid", _("The job has no coordinates."),
                            fields={"work_order": [_("The job has no coordinates.")]})
    context = build_day(office=work_order.office, day=day)
    key = str(work_order.pk)
    now_s = _seconds(now.time().replace(microsecond=0))
    base = next((job for job in context.problem.jobs if job.id == key), None)
    if base is None:
        raise DispatchError("invalid", _("The order is not open for today in its office."),
                            fields={"work_order": [_("The order is not open for today in its office.")]})
    attend_by = _local_seconds(work_order.attend_by, day) if work_order.attend_by else base.latest
    job = replace(base, earliest=max(base.earliest, now_s), latest=max(min(base.latest, attend_by), now_s),
                  must=True)
    others = [other for other in context.problem.jobs if other.id != key]
    problem = Problem(context.problem.technicians, others, context.problem.distance, context.problem.duration)
    proposal = insert_emergency(problem, Plan([], {}, 0), job, now=now_s, drafts=_live_drafts(context, now_s, day))
    if proposal is None:
        raise Conflict("no_feasible_insertion",
                       _("No technician on shift with the skill can reach the job in time; assign it by hand."))
    staff = context.staff[proposal.tech_id]
    return {
        "work_order": work_order.pk, "technician": staff.pk, "name": str(staff),
        "position": proposal.position + 1, "arrival": _clock(day, proposal.arrival),
        "added_km": round(proposal.added_distance / 1000, 2),
        "route": [{"work_order": int(visit.job_id), "arrival": _clock(day, visit.arrival),
                   "start": _clock(day, visit.start)} for visit in proposal.route.visits],
        "delayed": [{"work_order": int(job_id), "minutes": round(seconds / 60)}
                    for job_id, seconds in proposal.delayed.items()],
    }


def emergency_confirm(*, work_order: WorkOrder, technician: StaffProfile, position: int, actor) -> WorkOrder:
    """Assign the emergency as proposed and move the technician's later jobs down one place."""
    day = timezone.localdate()
    with transaction.atomic():
        WorkOrder.objects.filter(assignee=technician, scheduled_date=day, sequence__gte=position).exclude(
            pk=work_order.pk).update(sequence=F("sequence") + 1, version=F("version") + 1)
        return workorder_services.assign(work_order_id=work_order.pk, technician=technician, actor=actor,
                                         scheduled_date=day, sequence=position)
