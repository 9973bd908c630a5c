"""Areas edited in the admin go through the services: validated, boxed and audited."""

import json

import pytest

from dispatch.common.models import AuditEvent
from dispatch.org.models import Area
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def area_form(office, **overrides):
    form = {"code": "QX-05", "name": "琅东", "office": office.pk, "boundary": json.dumps(square(108.3, 22.8)),
            "travel_speed_kmh": "25.0", "is_active": "on"}
    form.update(overrides)
    return form


def test_adding_an_area_in_the_admin_is_audited_and_boxed(client, superuser, office):
    client.force_login(superuser)

    response = client.post("/admin/org/area/add/", area_form(office))

    assert response.status_code == 302, response.content
    area = Area.objects.get(code="QX-05")
    assert area.min_lng == 108.3
    event = AuditEvent.objects.get(action="create", object_id=str(area.pk))
    assert event.actor == superuser


@pytest.mark.parametrize("boundary", [
    {"type": "Polygon", "coordinates": [[[108.4, 22.8], [108.5, 22.9], [108.5, 22.8], [108.4, 22.9],
                                         [108.4, 22.8]]]},
    {"type": "Point", "coordinates": [108.4, 22.8]},
    [1, 2, 3],
])
def test_a_bad_boundary_in_the_admin_is_a_form_error_not_a_crash(client, superuser, office, boundary):
    client.force_login(superuser)

    response = client.post("/admin/org/area/add/", area_form(office, boundary=json.dumps(boundary)))

    assert response.status_code == 200
    assert "boundary" in response.context["adminform"].form.errors
    assert not Area.objects.filter(code="QX-05").exists()


def test_changing_an_area_boundary_in_the_admin_to_a_bad_one_is_a_form_error(client, superuser, office):
    area = AreaFactory(code="QX-05", office=office, boundary=square(108.3, 22.8))
    client.force_login(superuser)
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}

    response = client.post(f"/admin/org/area/{area.pk}/change/", area_form(office, boundary=json.dumps(bow_tie)))

    assert response.status_code == 200
    assert "boundary" in response.context["adminform"].form.errors
    area.refresh_from_db()
    assert area.boundary == square(108.3, 22.8)


@pytest.mark.parametrize("lat, lng, field", [("95", "108.3", "lat"), ("22.8", "", "lng")])
def test_bad_office_coordinates_in_the_admin_are_form_errors(client, superuser, lat, lng, field):
    from dispatch.org.models import ServiceOffice

    client.force_login(superuser)

    response = client.post("/admin/org/serviceoffice/add/", {"code": "XX", "name": "x", "address": "", "phone": "",
                                                             "lat": lat, "lng": lng})

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ServiceOffice.objects.filter(code="XX").exists()
