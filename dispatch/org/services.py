"""Writes to the organisation: areas with validated boundaries, staff, shifts."""

from typing import Any

from django.db import transaction

from dispatch.common.audit import diff, record_event, snapshot
from dispatch.common.geo import bounding_box

from .models import Area

AREA_FIELDS = ["code", "name", "office", "boundary", "travel_speed_kmh", "is_active"]


def _apply_boundary(area: Area) -> None:
    if area.boundary:
        box = bounding_box(area.boundary)
        area.min_lat, area.max_lat, area.min_lng, area.max_lng = (
            box.min_lat, box.max_lat, box.min_lng, box.max_lng)
    else:
        area.min_lat = area.max_lat = area.min_lng = area.max_lng = None


@transaction.atomic
def area_create(*, actor, **fields: Any) -> Area:
    area = Area(**fields)
    _apply_boundary(area)
    area.full_clean()
    area.save()
    record_event(actor=actor, action="create", instance=area, changes=snapshot(area, AREA_FIELDS))
    return area


@transaction.atomic
def area_update(*, actor, area: Area, **fields: Any) -> Area:
    before = snapshot(area, AREA_FIELDS)
    for name, value in fields.items():
        setattr(area, name, value)
    _apply_boundary(area)
    area.full_clean()
    area.save()
    changes = diff(before, snapshot(area, AREA_FIELDS))
    if changes:
        record_event(actor=actor, action="update", instance=area, changes=changes)
    return area
