"""The annual inspection plan of an area: every active premises inspected within its interval, spread by capacity.

For an area and a year, each active premises gets its due date from its last inspection (its safety file) plus
the interval of its customer class; never inspected or overdue means due at once. Premises due after the year,
or with an open safety inspection already, are left out. The due inspections are then placed in months by the
area's inspection capacity (the daily capacity of its technicians with the `inspection` skill, on working days,
times the share set in the safety settings): latest due first, each in its due month or, when that month is
full, the nearest earlier month with room, so no inspection is planned after its due date and early months only
take what later months cannot. Within a month the visits are spread over the working days, never after the due
date. When every month up to the due date is full, the inspection stays in its due month (over capacity; the
plan's per-month figures show it).

Writing: `work_order_create` per row (locks, one INSERT, an UPDATE for the number and an event INSERT each)
takes minutes for a city. `bulk_create_inspection_orders` writes the same rows, with the same numbers
("WO<yymmdd>-<id>"), SLA fields (`sla.start_clock` once for the kind and priority: planned inspections have no
clock unless the site set an SLA policy) and a `created` event each, in chunks: on PostgreSQL the ids come from
the table's sequence and the rows and events go in by COPY; elsewhere by `bulk_create`. No per-order signals or
notifications are sent (planned work is not an emergency).
"""

import calendar
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import Conflict
from dispatch.customers.models import CustomerAccount, Premises
from dispatch.org.models import Area, StaffProfile
from dispatch.workorders import sla
from dispatch.workorders.kinds import get_kind
from dispatch.workorders.models import OPEN_STATUSES, Source, Status, WorkOrder, WorkOrderEvent

from .config import add_months, interval_months
from .models import InspectionPlan, SafetyFile, SafetyPolicy

KIND = "safety_inspection"
CHUNK = 50_000


@dataclass
class Due:
    premises_id: int
    address: str
    lat: float | None
    lng: float | None
    contact_name: str
    contact_phone: str
    due: date
    scheduled: date | None = None


def working_days(year: int, month: int, not_before: date) -> list[date]:
    days = [date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]
    return [day for day in days if day.weekday() < 5 and day >= not_before]


def monthly_capacity(area: Area, year: int, first_day: date) -> dict[int, int | None]:
    """Inspections the area's technicians can do each month; None when the area has no inspector (no limit)."""
    daily = (StaffProfile.objects.filter(Q(primary_area=area) | Q(allowed_areas=area), is_active=True,
                                         skills__skill__code="inspection").distinct()
             .values_list("pk", "daily_capacity"))
    per_day = sum(capacity for _pk, capacity in daily)
    share = SafetyPolicy.current().inspection_capacity_percent / 100
    months = range(first_day.month if first_day.year == year else 1, 13)
    if per_day == 0:
        return dict.fromkeys(months)
    return {month: math.floor(per_day * share * len(working_days(year, month, first_day))) for month in months}


def _due_premises(area: Area, year: int, first_day: date) -> list[Due]:
    """Active premises of the area due for inspection by the end of the year, without an open inspection."""
    months = interval_months()
    year_end = date(year, 12, 31)
    # The premises already holding an open inspection, read apart: one pass over the area's open inspections
    # whatever the planner's statistics say (an anti-join planned on stale statistics of a freshly filled work-
    # order table degrades to a scan per premises).
    statuses = [str(status) for status in OPEN_STATUSES]
    busy = set(WorkOrder.objects.filter(premises__area=area, kind=KIND, status__in=statuses)
               .values_list("premises_id", flat=True))
    sql = f"""
        SELECT p.id, p.address, p.lat, p.lng, a.name, a.phone, a.customer_class, f.last_inspected_on
        FROM {Premises._meta.db_table} p
        JOIN {CustomerAccount._meta.db_table} a ON a.id = p.account_id
        LEFT JOIN {SafetyFile._meta.db_table} f ON f.premises_id = p.id
        WHERE p.area_id = %s AND p.is_active AND a.is_active
    """
    params = [area.pk]
    due: list[Due] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, address, lat, lng, name, phone, customer_class, last in cursor.fetchall():
            if pk in busy:
                continue
            if isinstance(last, str):
                last = date.fromisoformat(last)
            day = add_months(last, months.get(customer_class, 12)) if last is not None else first_day
            if day > year_end:
                continue
            due.append(Due(pk, address, lat, lng, name, phone, max(day, first_day)))
    return due


def schedule(due: list[Due], capacity: dict[int, int | None], year: int, first_day: date) -> dict[int, int]:
    """Give each inspection a month (latest due first, at its due month or the nearest earlier with room) and a
    working day in it, never after its due date. Returns the count per month."""
    left = dict(capacity)
    first_month = min(capacity)
    per_month: dict[int, list[Due]] = defaultdict(list)
    for entry in sorted(due, key=lambda item: item.due, reverse=True):
        month = entry.due.month
        while left[month] is not None and left[month] <= 0 and month > first_month:
            month -= 1
        if left[month] is not None and left[month] <= 0:
            month = entry.due.month  # every month up to the due date is full: over capacity in the due month
        if left[month] is not None:
            left[month] -= 1
        per_month[month].append(entry)
    for month, entries in per_month.items():
        days = working_days(year, month, first_day) or [max(date(year, month, 1), first_day)]
        entries.sort(key=lambda item: item.due)
        count = len(entries)
        for index, entry in enumerate(entries):
            day = days[index * len(days) // count]
            if day > entry.due:
                earlier = [candidate for candidate in days if candidate <= entry.due]
                day = earlier[-1] if earlier else entry.due
            entry.scheduled = day
    return {month: len(entries) for month, entries in sorted(per_month.items())}


@transaction.atomic
def generate_plan(*, area: Area, year: int, actor, today: date | None = None, chunk_size: int = CHUNK
                  ) -> InspectionPlan:
    """Generate (once) the area's inspection plan for the year and create its safety-inspection orders."""
    today = today or timezone.localdate()
    if year < today.year:
        raise Conflict("plan_in_past", _("A plan cannot be made for a past year."))
    if InspectionPlan.objects.filter(area=area, year=year).exists():
        raise Conflict("plan_exists", _("The %(year)s plan of %(area)s already exists.")
                       % {"year": year, "area": area})
    first_day = max(date(year, 1, 1), today)
    capacity = monthly_capacity(area, year, first_day)
    due = _due_premises(area, year, first_day)
    monthly = schedule(due, capacity, year, first_day)
    created = bulk_create_inspection_orders(due, area=area, actor=actor, source_ref=f"PLAN-{year}-{area.code}",
                                            chunk_size=chunk_size)
    return InspectionPlan.objects.create(
        area=area, year=year, orders_created=created, monthly={str(key): value for key, value in monthly.items()},
        capacity={str(key): value for key, value in capacity.items()},
        created_by=actor if getattr(actor, "is_authenticated", False) else None)


def _template(area: Area, actor, source_ref: str, now) -> WorkOrder:
    spec = get_kind(KIND)
    order = WorkOrder(kind=KIND, status=Status.NEW, priority=spec.default_priority, source=Source.PLAN,
                      source_ref=source_ref, description=_("Annual safety inspection"), area=area,
                      office_id=area.office_id, required_skills=list(spec.required_skills),
                      duration_minutes=spec.default_duration_minutes,
                      created_by=actor if getattr(actor, "is_authenticated", False) else None,
                      created_at=now, updated_at=now, version=1, checklist_answers={}, completion_data={})
    sla.start_clock(order, now)
    return order


# Columns filled per row; every other column takes the template's value.
ROW_FIELDS = ("id", "number", "premises_id", "address", "lat", "lng", "contact_name", "contact_phone",
              "scheduled_date")


def bulk_create_inspection_orders(due: list[Due], *, area: Area, actor, source_ref: str,
                                  chunk_size: int = CHUNK) -> int:
    """Create a safety-inspection order (and its `created` event) for each scheduled entry, in chunks."""
    now = timezone.now()
    template = _template(area, actor, source_ref, now)
    prefix = f"WO{timezone.localdate(now):%y%m%d}-"
    event_data = json.dumps({"kind": KIND, "priority": template.priority, "source": Source.PLAN})
    actor_id = template.created_by_id
    for start in range(0, len(due), chunk_size):
        chunk = due[start:start + chunk_size]
        if connection.vendor == "postgresql":
            _copy_chunk(chunk, template, prefix, event_data, actor_id, now)
        else:
            _bulk_chunk(chunk, template, prefix, actor_id, now)
    return len(due)


def _copy_chunk(chunk: list[Due], template: WorkOrder, prefix: str, event_data: str, actor_id, now) -> None:
    fields = [field for field in WorkOrder._meta.concrete_fields]
    columns = [field.column for field in fields]
    constant = []
    for field in fields:
        value = getattr(template, field.attname)
        constant.append(json.dumps(value) if isinstance(value, dict | list) else value)
    positions = {field.attname: index for index, field in enumerate(fields)}
    slots = [positions[name] for name in ROW_FIELDS]
    table = WorkOrder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                       [len(chunk)])
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            row = list(constant)
            for pk, entry in zip(ids, chunk, strict=True):
                values = (pk, f"{prefix}{pk:07d}", entry.premises_id, entry.address, entry.lat, entry.lng,
                          entry.contact_name, entry.contact_phone, entry.scheduled)
                for slot, value in zip(slots, values, strict=True):
                    row[slot] = value
                copy.write_row(row)
        events = WorkOrderEvent._meta.db_table
        with raw.copy(f"COPY {events} (work_order_id, at, actor_id, type, from_status, to_status, reason, data) "
                      "FROM STDIN") as copy:
            for pk in ids:
                copy.write_row((pk, now, actor_id, WorkOrderEvent.Type.CREATED, "", Status.NEW, "", event_data))


def _bulk_chunk(chunk: list[Due], template: WorkOrder, prefix: str, actor_id, now) -> None:
    values = {field.attname: getattr(template, field.attname) for field in WorkOrder._meta.concrete_fields
              if field.attname != "id"}
    orders = []
    for index, entry in enumerate(chunk):
        order = WorkOrder(**values)
        order.number = f"TMP-{now.timestamp()}-{index}"
        (order.premises_id, order.address, order.lat, order.lng, order.contact_name, order.contact_phone,
         order.scheduled_date) = (entry.premises_id, entry.address, entry.lat, entry.lng, entry.contact_name,
                                  entry.contact_phone, entry.scheduled)
        orders.append(order)
    WorkOrder.objects.bulk_create(orders)
    for order in orders:
        order.number = f"{prefix}{order.pk:07d}"
    WorkOrder.objects.bulk_update(orders, ["number"])
    WorkOrderEvent.objects.bulk_create([
        WorkOrderEvent(work_order_id=order.pk, actor_id=actor_id, type=WorkOrderEvent.Type.CREATED,
                       to_status=Status.NEW, data={"kind": KIND, "priority": order.priority, "source": Source.PLAN})
        for order in orders])


def due_dates_for(area: Area, year: int, today: date) -> dict[int, date]:
    """Every due premises' due date (used by the tests and the coverage page to check the plan)."""
    first_day = max(date(year, 1, 1), today)
    return {entry.premises_id: entry.due for entry in _due_premises(area, year, first_day)}


def next_due(last_inspected: date | None, customer_class: str, today: date) -> date:
    if last_inspected is None:
        return today
    return add_months(last_inspected, interval_months().get(customer_class, 12))

