"""Area writes: validated boundaries, a bounding box kept in step, one audit event per real change."""

import pytest

from dispatch.common.errors import DispatchError
from dispatch.common.models import AuditEvent
from dispatch.org.models import Area
from dispatch.org.services import area_create, area_update
from tests.factories import square

pytestmark = pytest.mark.django_db


def events(area):
    return AuditEvent.objects.filter(object_id=str(area.pk), content_type__model="area").order_by("id")


def test_area_create_stores_the_bounding_box_and_audits(manager, office):
    area = area_create(actor=manager, code="QX-01", name="琅东", office=office, boundary=square(108.30, 22.80, 0.05))

    area.refresh_from_db()
    assert (area.min_lng, area.min_lat) == (108.30, 22.80)
    assert area.max_lng == pytest.approx(108.35)
    assert area.max_lat == pytest.approx(22.85)
    [event] = events(area)
    assert event.action == "create"
    assert event.actor == manager
    assert event.changes["code"] == "QX-01"
    assert event.changes["office"] == office.pk


def test_area_update_moves_the_box_and_audits_only_the_changed_fields(manager, office):
    area = area_create(actor=manager, code="QX-01", name="a", office=office, boundary=square(108.30, 22.80))

    area_update(actor=manager, area=area, boundary=square(109.0, 23.0), name="a")

    area.refresh_from_db()
    assert (area.min_lng, area.min_lat) == (109.0, 23.0)
    update = events(area).last()
    assert update.action == "update"
    assert set(update.changes) == {"boundary"}


def test_area_update_without_a_change_writes_no_event(manager, office):
    area = area_create(actor=manager, code="QX-01", name="a", office=office, boundary=square(108.30, 22.80))

    area_update(actor=manager, area=area, name="a", code="QX-01")

    assert events(area).count() == 1


def test_removing_the_boundary_clears_the_box(manager, office):
    area = area_create(actor=manager, code="QX-01", name="a", office=office, boundary=square(108.30, 22.80))

    area_update(actor=manager, area=area, boundary=None)

    area.refresh_from_db()
    assert area.min_lat is area.max_lat is area.min_lng is area.max_lng is None


def test_bad_boundary_is_refused_and_nothing_is_written(manager, office):
    with pytest.raises(DispatchError) as refused:
        area_create(actor=manager, code="BAD", name="x", office=office,
                    boundary={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]})

    assert "boundary" in refused.value.fields
    assert not Area.objects.filter(code="BAD").exists()
    assert not AuditEvent.objects.exists()
