"""Key performance indicators of the customer service department, per month and office, area or technician.

Each KPI is a ratio counted from records (work orders, complaints, callbacks, premises), with the records behind
it available as a drill-down (`records`). Definitions (the month is local time, [first day, next first day)):

* sla: work orders completed in the month whose SLA clock ran; attained = finished within it (sla_state "met").
* emergency: emergency orders created in the month (not cancelled); attained = on site within the kind's attend
  target (60 min by default, SlaPolicy overrides). Orders not yet attended count as missed once past the target.
* first_fix: orders completed in the month; fixed first time = never "unable" and never reopened.
* complaint_handling: complaints accepted in the month; handled = the customer told the outcome within the clock.
* satisfaction: callbacks answered in the month; satisfied = satisfaction not below the dissatisfied cut-off.
* founded_per_1000: founded complaints accepted in the month per 1,000 active households (premises) in scope.
* inspection_coverage: planned safety inspections scheduled in the month; attained = inspected by the month's end
  (the safety app's own definition of "on time").
* hazard_rectification: customer hazards due for rectification in the month; attained = rectified by the deadline.
* collection: the month's bills in scope; the value is the share of their amount paid so far (payments applied to
  each account's charges oldest first, as the arrears ledger does); the target depends on the bills' age
  (DOMAIN.md: 80 % this month, 90 % last month, 100 % before). A bill counts as attained once fully paid.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dispatch.customers.models import Premises
from dispatch.servicedesk import conf as desk_conf
from dispatch.servicedesk.models import Callback, Complaint
from dispatch.workorders.kinds import UnknownKind, get_kind
from dispatch.workorders.models import Priority, SlaPolicy, SlaState, Status, WorkOrder, WorkOrderEvent

REOPENED_FROM = (Status.COMPLETED, Status.UNABLE, Status.CLOSED)


@dataclass(frozen=True)
class Scope:
    """Whose figures: every office (all None), one office, one area or one technician."""

    office_id: int | None = None
    area_id: int | None = None
    technician_id: int | None = None

    def orders(self, queryset: QuerySet, technician_field: str = "assignee_id", office_field: str = "office_id",
               area_field: str = "area_id") -> QuerySet:
        if self.office_id:
            queryset = queryset.filter(**{office_field: self.office_id})
        if self.area_id:
            queryset = queryset.filter(**{area_field: self.area_id})
        if self.technician_id:
            queryset = queryset.filter(**{technician_field: self.technician_id})
        return queryset


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(first, datetime.min.time()), zone),
            timezone.make_aware(datetime.combine(following, datetime.min.time()), zone))


def previous_months(month: date, count: int) -> list[date]:
    """The `count` months ending with `month`, oldest first."""
    months, current = [], month.replace(day=1)
    for _step in range(count):
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


@dataclass(frozen=True)
class KpiValue:
    code: str
    label: str
    numerator: float
    denominator: float
    value: float | None  # percent, or per 1,000 for founded_per_1000
    target: float
    unit: str  # "%" or "‰"
    higher_is_better: bool

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value < self.target

    @property
    def display(self) -> str:
        return "—" if self.value is None else f"{self.value:.1f}"


def _ratio(numerator: int, denominator: int, scale: float = 100.0) -> float | None:
    return None if not denominator else round(numerator * scale / denominator, 1)


def _target(code: str, default: float) -> float:
    return float(getattr(settings, "REPORTS_KPI_TARGETS", {}).get(code, default))


# --- the records behind each KPI (drill-down) and the predicate that counts one as attained ------------------------

def sla_records(scope: Scope, month: date) -> QuerySet[WorkOrder]:
    start, end = month_bounds(month)
    return scope.orders(WorkOrder.objects.filter(completed_at__gte=start, completed_at__lt=end,
                                                 sla_state__in=[SlaState.MET, SlaState.BREACHED]))


def emergency_target_minutes() -> int:
    policy = SlaPolicy.objects.filter(kind="emergency", priority=Priority.EMERGENCY).first()
    if policy and policy.attend_minutes:
        return policy.attend_minutes
    try:
        target = get_kind("emergency").sla.get(Priority.EMERGENCY)
    except UnknownKind:
        target = None
    return target.attend_minutes if target and target.attend_minutes else 60


def emergency_records(scope: Scope, month: date, now: datetime | None = None) -> QuerySet[WorkOrder]:
    start, end = month_bounds(month)
    limit = timedelta(minutes=emergency_target_minutes())
    now = now or timezone.now()
    orders = scope.orders(WorkOrder.objects.filter(kind="emergency", created_at__gte=start, created_at__lt=end)
                          .exclude(status=Status.CANCELLED))
    # Still waiting but within the target: not decided yet, left out.
    return orders.exclude(attended_at__isnull=True, created_at__gt=now - limit)


def _emergency_attained(_scope: "Scope", _month: date) -> Q:
    target = timedelta(minutes=emergency_target_minutes())
    return Q(attended_at__isnull=False, attended_at__lte=F("created_at") + target)


def _repeat_visit() -> Exists:
    return Exists(WorkOrderEvent.objects.filter(work_order=OuterRef("pk"), type=WorkOrderEvent.Type.STATUS).filter(
        Q(to_status=Status.UNABLE) | Q(to_status=Status.NEW, from_status__in=REOPENED_FROM)))


def first_fix_records(scope: Scope, month: date) -> QuerySet[WorkOrder]:
    start, end = month_bounds(month)
    return scope.orders(WorkOrder.objects.filter(completed_at__gte=start, completed_at__lt=end,
                                                 status__in=[Status.COMPLETED, Status.CLOSED])
                        .annotate(repeat_visit=_repeat_visit()))


def complaint_records(scope: Scope, month: date) -> QuerySet[Complaint]:
    start, end = month_bounds(month)
    return scope.orders(Complaint.objects.filter(created_at__gte=start, created_at__lt=end), "technician_id")


def satisfaction_records(scope: Scope, month: date) -> QuerySet[Callback]:
    start, end = month_bounds(month)
    return scope.orders(Callback.objects.filter(status=Callback.Status.DONE, done_at__gte=start, done_at__lt=end),
                        "technician_id")


def households(scope: Scope) -> int | None:
    if scope.technician_id:
        return None
    premises = Premises.objects.filter(is_active=True)
    if scope.office_id:
        premises = premises.filter(area__office_id=scope.office_id)
    if scope.area_id:
        premises = premises.filter(area_id=scope.area_id)
    return premises.count()


def inspection_records(scope: Scope, month: date) -> QuerySet[WorkOrder]:
    from dispatch.safety.models import Inspection, Outcome

    _start, end = month_bounds(month)
    following = end.astimezone(timezone.get_current_timezone()).date()
    done = Inspection.objects.filter(work_order=OuterRef("pk"), outcome=Outcome.INSPECTED, inspected_at__lt=end)
    return scope.orders(WorkOrder.objects.filter(kind="safety_inspection", source="plan",
                                                 scheduled_date__gte=month.replace(day=1), scheduled_date__lt=following)
                        .annotate(inspected_in_time=Exists(done)))


def hazard_records(scope: Scope, month: date) -> QuerySet:
    from dispatch.safety.models import Hazard

    _start, end = month_bounds(month)
    following = end.astimezone(timezone.get_current_timezone()).date()
    return scope.orders(Hazard.objects.filter(deadline__gte=month.replace(day=1), deadline__lt=following)
                        .select_related("premises", "hazard_type"),
                        "rectification_order__assignee_id", "premises__area__office_id", "premises__area_id")


def collection_records(scope: Scope, month: date) -> QuerySet:
    """The bills of the month in scope (by the account's premises); a technician has no collection figure."""
    from dispatch.arrears.models import Bill

    if scope.technician_id:
        return Bill.objects.none()
    bills = scope.orders(Bill.objects.filter(period=month.replace(day=1)), "pk",
                         "account__premises__area__office_id", "account__premises__area_id")
    return Bill.objects.filter(pk__in=bills.values("pk")).select_related("account")


def _bills_left(bills: QuerySet) -> dict[int, Decimal]:
    """What is still unpaid of each bill today, the account's payments applied to its charges oldest first."""
    from dispatch.arrears import ledger

    rows = list(bills.values_list("pk", "account_id", "reference"))
    charges, paid = ledger.charges_for({account_id for _pk, account_id, _ref in rows}, ledger.today())
    left: dict[str, Decimal] = {}
    for account_id, account_charges in charges.items():
        ledger.settle(account_charges, paid[account_id], ledger.today())
        left.update({charge.reference: charge.left for charge in account_charges if charge.kind == "bill"})
    return {pk: left.get(reference, Decimal(0)) for pk, _account_id, reference in rows}


def _collected(scope: Scope, month: date) -> Q:
    left = _bills_left(collection_records(scope, month))
    return Q(pk__in=[pk for pk, unpaid in left.items() if unpaid <= 0])


def collection_target(month: date) -> float:
    """DOMAIN.md: this month's bills 80 % collected, last month's 90 %, the month before's 100 %."""
    from dispatch.arrears.reports import targets

    today = timezone.localdate()
    back = (today.year - month.year) * 12 + today.month - month.month
    goals = targets()
    return float(goals.get(back, goals[max(goals)]))


def _rectified_in_time(_scope: "Scope", _month: date) -> Q:
    return Q(rectified_at__isnull=False, rectified_at__date__lte=F("deadline"))


@dataclass(frozen=True)
class KpiDefinition:
    code: str
    label: object
    unit: str
    default_target: float
    higher_is_better: bool
    records: Callable[[Scope, date], QuerySet]
    attained: Callable[[Scope, date], Q]


DEFINITIONS: dict[str, KpiDefinition] = {
    definition.code: definition for definition in (
        KpiDefinition("sla", _("SLA attainment"), "%", 95.0, True, sla_records,
                      lambda _scope, _month: Q(sla_state=SlaState.MET)),
        KpiDefinition("emergency", _("Emergencies attended within target"), "%", 97.0, True, emergency_records,
                      _emergency_attained),
        KpiDefinition("first_fix", _("First-time fix rate"), "%", 90.0, True, first_fix_records,
                      lambda _scope, _month: Q(repeat_visit=False)),
        KpiDefinition("complaint_handling", _("Complaints handled within the clock"), "%", 100.0, True,
                      complaint_records,
                      lambda _scope, _month: Q(handled_at__isnull=False, handled_at__lte=F("due_at"))),
        KpiDefinition("satisfaction", _("Customer satisfaction"), "%", 95.0, True, satisfaction_records,
                      lambda _scope, _month: Q(satisfaction__gte=desk_conf.dissatisfied_below())),
        # DOMAIN.md: founded complaints under 2 % of households a month = 20 per 1,000 (REPORTS_KPI_TARGETS).
        KpiDefinition("founded_per_1000", _("Founded complaints per 1,000 households"), "‰", 20.0, False,
                      complaint_records, lambda _scope, _month: Q(founded=True)),
        KpiDefinition("inspection_coverage", _("Planned inspections done in their month"), "%", 100.0, True,
                      inspection_records, lambda _scope, _month: Q(inspected_in_time=True)),
        KpiDefinition("hazard_rectification", _("Hazards rectified by their deadline"), "%", 100.0, True,
                      hazard_records, _rectified_in_time),
        # Money, not counts: the share of the month's billed amount paid so far (see compute).
        KpiDefinition("collection", _("Collection rate of the month's bills"), "%", 100.0, True,
                      collection_records, _collected),
    )
}


def compute(code: str, scope: Scope, month: date) -> KpiValue:
    definition = DEFINITIONS[code]
    records = definition.records(scope, month)
    counts = records.aggregate(total=Count("pk"), attained=Count("pk", filter=definition.attained(scope, month)))
    numerator, denominator = counts["attained"], counts["total"]
    target = _target(code, definition.default_target)
    if code == "founded_per_1000":
        denominator = households(scope) or 0
        value = _ratio(numerator, denominator, 1000.0)
    elif code == "collection":
        left = _bills_left(records)
        billed = sum((bill.amount for bill in records), Decimal(0))
        numerator, denominator = float(billed - sum(left.values(), Decimal(0))), float(billed)
        value = None if not billed else round(numerator * 100 / denominator, 1)
        target = _target(code, collection_target(month))
    else:
        value = _ratio(numerator, denominator)
    return KpiValue(code=code, label=str(definition.label), numerator=numerator, denominator=denominator,
                    value=value, target=target, unit=definition.unit, higher_is_better=definition.higher_is_better)


def all_kpis(scope: Scope, month: date) -> list[KpiValue]:
    return [compute(code, scope, month) for code in DEFINITIONS]


def drill_down(code: str, scope: Scope, month: date) -> QuerySet:
    """The records behind a KPI, each annotated `attained` (True / False)."""
    from django.db.models import BooleanField, Case, Value, When

    definition = DEFINITIONS[code]
    return definition.records(scope, month).annotate(
        attained=Case(When(definition.attained(scope, month), then=Value(True)), default=Value(False),
                      output_field=BooleanField())).order_by("created_at")


def sla_by_kind(scope: Scope, month: date) -> list[tuple[str, int, int, float | None]]:
    rows = (sla_records(scope, month).values("kind")
            .annotate(total=Count("pk"), met=Count("pk", filter=Q(sla_state=SlaState.MET))).order_by("kind"))
    return [(row["kind"], row["met"], row["total"], _ratio(row["met"], row["total"])) for row in rows]


def complaint_analysis(scope: Scope, month: date) -> dict[str, list[tuple[str, int]]]:
    from dispatch.servicedesk.models import ComplaintCategory, RootCause

    records = complaint_records(scope, month)
    by_category = records.values("category").annotate(n=Count("pk")).order_by("-n", "category")
    by_cause = records.exclude(root_cause="").values("root_cause").annotate(n=Count("pk")).order_by("-n")
    category_labels = dict(ComplaintCategory.choices)
    cause_labels = dict(RootCause.choices)
    return {
        "by_category": [(str(category_labels.get(row["category"], _("Not judged yet"))), row["n"])
                        for row in by_category],
        "by_root_cause": [(str(cause_labels.get(row["root_cause"], row["root_cause"])), row["n"])
                          for row in by_cause],
        "founded": [(str(_("Founded")), records.filter(founded=True).count()),
                    (str(_("Not founded")), records.filter(founded=False).count()),
                    (str(_("Not judged yet")), records.filter(founded__isnull=True).count())],
    }


def open_risks(scope: Scope, now: datetime | None = None) -> dict[str, QuerySet]:
    from dispatch.servicedesk.complaints import OPEN_COMPLAINT_STATUSES

    now = now or timezone.now()
    return {
        "overdue_complaints": scope.orders(Complaint.objects.filter(
            status__in=OPEN_COMPLAINT_STATUSES, handled_at__isnull=True, due_at__lt=now), "technician_id"),
        "breached_orders": scope.orders(WorkOrder.objects.filter(
            status__in=[Status.NEW, Status.ASSIGNED, Status.DISPATCHED, Status.EN_ROUTE, Status.ON_SITE],
            sla_state=SlaState.BREACHED)),
        "unattended_emergencies": scope.orders(WorkOrder.objects.filter(
            kind="emergency", attended_at__isnull=True,
            status__in=[Status.NEW, Status.ASSIGNED, Status.DISPATCHED, Status.EN_ROUTE])),
    }
