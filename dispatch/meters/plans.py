"""Planned meter work: replacing meters near the end of their service life, and reading rounds, by area."""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from math import cos, radians

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import DispatchError
from dispatch.org.models import Area
from dispatch.workorders.models import OPEN_STATUSES, Source, WorkOrder
from dispatch.workorders.services import work_order_create

from .models import Meter, MeterStatus

DEFAULT_MONTHS_AHEAD = 3


def months_ahead_default() -> int:
    return int(getattr(settings, "METER_REPLACEMENT_MONTHS_AHEAD", DEFAULT_MONTHS_AHEAD))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def replacement_due(meters: QuerySet[Meter], *, months_ahead: int | None = None,
                    today: date | None = None) -> QuerySet[Meter]:
    """Installed meters whose service life ends within `months_ahead` months (or has ended), soonest first."""
    months = months_ahead_default() if months_ahead is None else months_ahead
    if months < 0 or months > 120:
        raise DispatchError("invalid", _("Give 0 to 120 months."),
                            fields={"months_ahead": [_("Give 0 to 120 months.")]})
    until = add_months(today or timezone.localdate(), months)
    return (meters.filter(status=MeterStatus.INSTALLED, service_life_expires_on__lte=until)
            .select_related("premises", "premises__area").order_by("service_life_expires_on", "serial"))


@dataclass
class PlanResult:
    created: list[WorkOrder] = field(default_factory=list)
    already_open: list[str] = field(default_factory=list)


def _open_orders(kind: str, premises_ids) -> set[int]:
    return set(WorkOrder.objects.filter(kind=kind, premises_id__in=list(premises_ids), status__in=OPEN_STATUSES)
               .values_list("premises_id", flat=True))


@transaction.atomic
def replacement_orders_create(*, actor, area: Area, months_ahead: int | None = None) -> PlanResult:
    """One meter_replacement work order per due meter in the area, unless one is already open there."""
    due = list(replacement_due(Meter.objects.filter(premises__area=area), months_ahead=months_ahead))
    result = PlanResult()
    busy = _open_orders("meter_replacement", {meter.premises_id for meter in due})
    for meter in due:
        if meter.premises_id in busy:
            result.already_open.append(meter.serial)
            continue
        busy.add(meter.premises_id)
        result.created.append(work_order_create(
            actor=actor, kind="meter_replacement", premises=meter.premises, source=Source.PLAN,
            source_ref=f"meter:{meter.serial}",
            description=_("Replace meter %(serial)s: its service life ends on %(date)s.")
            % {"serial": meter.serial, "date": meter.service_life_expires_on}))
    return result


def _route(points: list[tuple[int, float | None, float | None]], start: tuple[float, float] | None) -> list[int]:
    """Ids ordered as a walk: nearest neighbour from the start (the office); places without coordinates last."""
    located = [(pk, lat, lng) for pk, lat, lng in points if lat is not None and lng is not None]
    unlocated = [pk for pk, lat, lng in points if lat is None or lng is None]
    if not located:
        return unlocated
    here = start or (located[0][1], located[0][2])
    scale = cos(radians(here[0]))
    order = []
    remaining = located
    while remaining:
        nearest = min(range(len(remaining)), key=lambda i: (remaining[i][1] - here[0]) ** 2
                      + ((remaining[i][2] - here[1]) * scale) ** 2)
        pk, lat, lng = remaining.pop(nearest)
        order.append(pk)
        here = (lat, lng)
    return order + sorted(unlocated)


@transaction.atomic
def reading_round_create(*, actor, area: Area, scheduled_date: date | None = None) -> PlanResult:
    """A meter_reading work order for each premises of the area with an installed meter, created in walking order
    from the area's office (nearest next), skipping premises that already have an open reading order."""
    meters = list(Meter.objects.filter(status=MeterStatus.INSTALLED, premises__area=area)
                  .select_related("premises").order_by("premises_id", "serial"))
    by_premises: dict[int, list[Meter]] = {}
    for meter in meters:
        by_premises.setdefault(meter.premises_id, []).append(meter)
    busy = _open_orders("meter_reading", by_premises)
    office = area.office
    start = (office.lat, office.lng) if office.lat is not None and office.lng is not None else None
    points = [(pk, group[0].premises.lat, group[0].premises.lng) for pk, group in by_premises.items()]
    result = PlanResult()
    for premises_id in _route(points, start):
        group = by_premises[premises_id]
        if premises_id in busy:
            result.already_open.extend(meter.serial for meter in group)
            continue
        result.created.append(work_order_create(
            actor=actor, kind="meter_reading", premises=group[0].premises, source=Source.PLAN,
            source_ref="round:" + ",".join(meter.serial for meter in group)[:50], scheduled_date=scheduled_date,
            description=_("Reading round: meter %(serials)s.") % {"serials": ", ".join(m.serial for m in group)}))
    return result
