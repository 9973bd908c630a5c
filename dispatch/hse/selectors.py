"""Reads of the HSE records, scoped by user.

Safety officers see the department-level records (no office) and those of their offices; department heads and
administrators see everything; every other role sees nothing (the pages and API answer 403 before asking).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dispatch.common.roles import Role, has_role
from dispatch.org.selectors import office_ids_for

from .models import (
    LEC_BAND_ORDER,
    MATRIX_BAND_ORDER,
    NC_CLOSED,
    CapaAction,
    Hazard,
    HazardControl,
    HazardRegister,
    HseNotification,
    Incident,
    InspectionChecklist,
    Nonconformity,
    RiskMethod,
    TrainingRecord,
)
from .risk import risk_config

HSE_ROLES = (Role.SAFETY_OFFICER, Role.MANAGER, Role.ADMIN)
HSE_WIDE_ROLES = (Role.MANAGER, Role.ADMIN)


def may_use_hse(user) -> bool:
    return has_role(user, *HSE_ROLES)


def _office_filter(user, field: str = "office") -> Q | None:
    """None: no restriction. Otherwise the Q of the offices the user may see, department-level records included."""
    if not may_use_hse(user):
        return Q(pk__in=[])
    if has_role(user, *HSE_WIDE_ROLES):
        return None
    offices = office_ids_for(user)
    if offices is None:
        return None
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": offices})


def _scoped(queryset: QuerySet, user, field: str = "office") -> QuerySet:
    condition = _office_filter(user, field)
    return queryset if condition is None else queryset.filter(condition)


def register_list(*, user) -> QuerySet[HazardRegister]:
    return _scoped(HazardRegister.objects.select_related("office"), user)


def hazard_list(*, user) -> QuerySet[Hazard]:
    current = HazardControl.objects.filter(hazard=OuterRef("pk"), status=HazardControl.Status.IN_PLACE)
    hazards = Hazard.objects.select_related("register", "office", "area", "responsible").annotate(
        has_current_controls=Exists(current))
    return _scoped(hazards, user)


def hazard_get(*, user, hazard_id: int) -> Hazard | None:
    return hazard_list(user=user).filter(pk=hazard_id).first()


def significant_without_controls(*, user) -> QuerySet[Hazard]:
    """Significant active hazards that have no control measure in place yet."""
    return hazard_list(user=user).filter(significant=True, status=Hazard.Status.ACTIVE,
                                         has_current_controls=False).order_by("-score", "number")


def nonconformity_list(*, user) -> QuerySet[Nonconformity]:
    return _scoped(Nonconformity.objects.select_related("office", "area", "responsible", "raised_by"), user)


def nonconformity_get(*, user, nonconformity_id: int) -> Nonconformity | None:
    return nonconformity_list(user=user).filter(pk=nonconformity_id).first()


def overdue_actions(*, user, today: date | None = None) -> QuerySet[CapaAction]:
    today = today or timezone.localdate()
    actions = CapaAction.objects.filter(status=CapaAction.Status.OPEN, deadline__lt=today).exclude(
        nonconformity__status__in=NC_CLOSED).select_related("nonconformity", "owner").order_by("deadline", "id")
    return _scoped(actions, user, "nonconformity__office")


def expiring_training(*, user, today: date | None = None) -> QuerySet[TrainingRecord]:
    today = today or timezone.localdate()
    horizon = today + timedelta(days=risk_config().training_warning_days)
    renewed = TrainingRecord.objects.filter(staff=OuterRef("staff"), course=OuterRef("course"),
                                            valid_until__gt=horizon)
    records = (TrainingRecord.objects.filter(valid_until__isnull=False, valid_until__lte=horizon,
                                             staff__is_active=True)
               .exclude(Exists(renewed)).select_related("staff__user", "staff__office", "skill")
               .order_by("valid_until"))
    if has_role(user, *HSE_WIDE_ROLES):
        return records
    if not may_use_hse(user):
        return records.none()
    offices = office_ids_for(user)
    return records if offices is None else records.filter(staff__office_id__in=offices)


def checklists_due(*, user, today: date | None = None) -> QuerySet[InspectionChecklist]:
    today = today or timezone.localdate()
    return _scoped(InspectionChecklist.objects.filter(is_active=True, next_due__lte=today), user)


def checklist_list(*, user) -> QuerySet[InspectionChecklist]:
    return _scoped(InspectionChecklist.objects.filter(is_active=True).select_related("office", "area"), user)


def training_list(*, user) -> QuerySet[TrainingRecord]:
    records = TrainingRecord.objects.select_related("staff__user", "skill")
    if has_role(user, *HSE_WIDE_ROLES):
        return records
    if not may_use_hse(user):
        return records.none()
    offices = office_ids_for(user)
    return records if offices is None else records.filter(staff__office_id__in=offices)


def incident_list(*, user) -> QuerySet[Incident]:
    return _scoped(Incident.objects.select_related("office", "area", "reported_by"), user)


def my_actions(*, user) -> QuerySet[CapaAction]:
    """The actions a person owns, whatever their role, on nonconformities still being handled."""
    return (CapaAction.objects.filter(owner=user).exclude(nonconformity__status__in=NC_CLOSED)
            .select_related("nonconformity").order_by("status", "deadline"))


def notification_list(*, user) -> QuerySet[HseNotification]:
    return HseNotification.objects.filter(recipient=user)


def valid_hse_trainings(*, staff_id: int, on: date) -> QuerySet[TrainingRecord]:
    """The training records valid on a day: what a competence check at assignment would ask (see README)."""
    return TrainingRecord.objects.filter(staff_id=staff_id).filter(Q(valid_until__isnull=True)
                                                                   | Q(valid_until__gte=on))


# --- heat map -----------------------------------------------------------------------------------------------


@dataclass
class HeatCell:
    likelihood: int
    severity: int
    count: int
    band: str


@dataclass
class BandBar:
    band: str
    label: str
    count: int


def matrix_heatmap(hazards: QuerySet[Hazard]) -> list[HeatCell]:
    """25 cells (likelihood 1–5 × severity 1–5) with the number of matrix-evaluated hazards in each."""
    from .risk import matrix_band

    config = risk_config()
    counts: dict[tuple[int, int], int] = {}
    for likelihood, severity in hazards.filter(register__method=RiskMethod.MATRIX).values_list("likelihood",
                                                                                              "severity"):
        if likelihood and severity:
            counts[(likelihood, severity)] = counts.get((likelihood, severity), 0) + 1
    return [HeatCell(likelihood=likelihood, severity=severity, count=counts.get((likelihood, severity), 0),
                     band=matrix_band(likelihood * severity, config))
            for likelihood in range(5, 0, -1) for severity in range(1, 6)]


def lec_band_counts(hazards: QuerySet[Hazard]) -> list[BandBar]:
    from .models import RiskBand

    counts: dict[str, int] = {}
    for band in hazards.filter(register__method=RiskMethod.LEC).values_list("band", flat=True):
        counts[band] = counts.get(band, 0) + 1
    return [BandBar(band=band, label=str(RiskBand(band).label), count=counts.get(band, 0))
            for band in reversed(LEC_BAND_ORDER)]


def band_rank(method: str, band: str) -> int:
    order = LEC_BAND_ORDER if method == RiskMethod.LEC else MATRIX_BAND_ORDER
    return order.index(band) if band in order else -1
