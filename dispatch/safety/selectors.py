"""Reads for the safety officer's pages and the technician's job detail, scoped by the user's offices."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from dispatch.org.models import Area
from dispatch.org.selectors import area_list, office_ids_for
from dispatch.workorders.models import Source, WorkOrder

from .models import OPEN_HAZARD_STATUSES, Hazard, HazardStatus, Inspection, Outcome, SafetyFile

AGE_BUCKETS = ((0, 7, "0–7"), (8, 30, "8–30"), (31, 90, "31–90"), (91, None, "> 90"))


def _scope(queryset: QuerySet, user, path: str = "premises__area__office_id") -> QuerySet:
    offices = office_ids_for(user)
    return queryset if offices is None else queryset.filter(**{f"{path}__in": offices})


def open_hazard_facts(work_order) -> list[dict] | None:
    """The open hazards at the job's premises, for the technician at the door (mobile job detail)."""
    if work_order.premises_id is None:
        return None
    hazards = (Hazard.objects.filter(premises_id=work_order.premises_id, status__in=OPEN_HAZARD_STATUSES)
               .select_related("hazard_type").order_by("grade", "found_at"))
    return [{"id": hazard.pk, "grade": hazard.grade, "type": hazard.hazard_type.code,
             "title": hazard.hazard_type.name, "status": hazard.status, "description": hazard.description,
             "deadline": hazard.deadline.isoformat(), "made_safe": hazard.is_made_safe}
            for hazard in hazards]


def hazard_list(*, user) -> QuerySet[Hazard]:
    return _scope(Hazard.objects.select_related("premises__area", "premises__account", "hazard_type",
                                                "rectification_order"), user)


def open_hazards(*, user) -> QuerySet[Hazard]:
    return hazard_list(user=user).filter(status__in=OPEN_HAZARD_STATUSES)


def hazards_by_grade_and_age(*, user, today: date) -> dict[int, dict[str, int]]:
    table: dict[int, dict[str, int]] = {grade: {label: 0 for *_r, label in AGE_BUCKETS} for grade in (1, 2, 3)}
    for grade, found_at in open_hazards(user=user).values_list("grade", "found_at"):
        age = (today - timezone.localdate(found_at)).days
        label = next(label for low, high, label in AGE_BUCKETS if age >= low and (high is None or age <= high))
        table[grade][label] += 1
    return table


def overdue_rectifications(*, user, today: date) -> QuerySet[Hazard]:
    return open_hazards(user=user).exclude(status=HazardStatus.RECTIFIED).filter(deadline__lt=today).order_by(
        "deadline", "grade")


def no_access_list(*, user) -> QuerySet[SafetyFile]:
    return _scope(SafetyFile.objects.filter(escalated_at__isnull=False)
                  .select_related("premises__area", "premises__account"), user).order_by("escalated_at")


@dataclass
class CoverageCell:
    due: int = 0
    on_time: int = 0
    late: int = 0
    no_access: int = 0

    @property
    def percent(self) -> int | None:
        return None if not self.due else round(100 * self.on_time / self.due)


def coverage(*, user, year: int, today: date) -> tuple[list[Area], dict[int, dict[int, CoverageCell]]]:
    """Planned inspections by area and month of the year: due, inspected on time (by the end of the planned
    month), inspected late, no access. Counted in the database (a year is a million orders in a city)."""
    areas = list(area_list(user=user).filter(is_active=True))
    cells: dict[int, dict[int, CoverageCell]] = defaultdict(lambda: defaultdict(CoverageCell))
    planned = WorkOrder.objects.filter(kind="safety_inspection", source=Source.PLAN,
                                       scheduled_date__year=year, area__in=areas)
    for area_id, month, count in (planned.annotate(month=ExtractMonth("scheduled_date"))
                                  .values_list("area_id", "month").annotate(count=Count("id"))):
        cells[area_id][month].due = count
    inspections = (Inspection.objects.filter(work_order__in=planned)
                   .annotate(month=ExtractMonth("work_order__scheduled_date"),
                             visit_month=ExtractMonth("inspected_at"))
                   .values_list("work_order__area_id", "month")
                   .annotate(on_time=Count("id", filter=Q(outcome=Outcome.INSPECTED, inspected_at__year=year,
                                                           visit_month__lte=F("month"))),
                             done=Count("id", filter=Q(outcome=Outcome.INSPECTED)),
                             no_access=Count("id", filter=~Q(outcome=Outcome.INSPECTED))))
    for area_id, month, on_time, done, no_access in inspections:
        cell = cells[area_id][month]
        cell.on_time, cell.late, cell.no_access = on_time, done - on_time, no_access
    return areas, cells


def safety_file(*, user, premises_id: int) -> dict | None:
    from dispatch.customers.models import Premises

    premises = _scope(Premises.objects.select_related("account", "area"), user, "area__office_id").filter(
        pk=premises_id).first()
    if premises is None:
        return None
    return {
        "premises": premises,
        "file": SafetyFile.objects.filter(premises=premises).first(),
        "inspections": Inspection.objects.filter(premises=premises).select_related("work_order", "checklist")
        .order_by("-inspected_at"),
        "hazards": Hazard.objects.filter(premises=premises).select_related("hazard_type", "rectification_order")
        .order_by("status", "grade", "-found_at"),
        "rectifications": WorkOrder.objects.filter(premises=premises, kind="hazard_rectification")
        .order_by("-created_at"),
        "appliances": premises.gas_appliances.all(),
    }
