import pytest

from dispatch.org.models import Area
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def test_manager_creates_area_with_boundary_and_locate_finds_it(as_user, manager, office):
    client = as_user(manager)
    response = client.post("/api/areas/", {"code": "QX-09", "name": "琅东", "office": office.pk,
                                           "boundary": square(108.40, 22.80, 0.02)}, format="json")
    assert response.status_code == 201, response.json()

    located = client.get("/api/areas/locate/", {"lat": 22.81, "lng": 108.41})

    assert located.status_code == 200
    assert located.json()["code"] == "QX-09"
    assert client.get("/api/areas/locate/", {"lat": 22.0, "lng": 108.0}).json()["code"] == "outside_areas"


@pytest.mark.parametrize("boundary", [
    {"type": "Polygon", "coordinates": [[[108.4, 22.8], [108.5, 22.8], [108.5, 22.9], [108.4, 22.9]]]},
    {"type": "Point", "coordinates": [108.4, 22.8]},
    {"type": "Polygon", "coordinates": [[[108.4, 22.8], [108.5, 22.9], [108.5, 22.8], [108.4, 22.9],
                                         [108.4, 22.8]]]},
    {"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4], ["a", "b"]]]},
    {"type": "Polygon", "coordinates": [[[400, 22.8], [108.5, 22.8], [108.5, 22.9], [400, 22.8]]]},
    "not even an object",
])
def test_bad_boundary_answers_400_on_the_boundary_field(as_user, manager, office, boundary):
    response = as_user(manager).post("/api/areas/", {"code": "BAD", "name": "x", "office": office.pk,
                                                     "boundary": boundary}, format="json")

    assert response.status_code == 400, response.content
    assert "boundary" in response.json()["fields"]
    assert not Area.objects.filter(code="BAD").exists()


def test_dispatcher_cannot_edit_areas_and_sees_only_own_office(as_user, dispatcher, office, other_office):
    AreaFactory(code="QX-01", office=office)
    AreaFactory(code="JN-01", office=other_office)
    client = as_user(dispatcher)

    codes = [row["code"] for row in client.get("/api/areas/").json()["results"]]
    refused = client.post("/api/areas/", {"code": "X", "name": "x", "office": office.pk}, format="json")

    assert codes == ["QX-01"]
    assert refused.status_code == 403


def test_moving_an_office_by_one_coordinate_keeps_the_other(as_user, manager, office):
    response = as_user(manager).patch(f"/api/offices/{office.pk}/", {"lat": 22.9}, format="json")

    assert response.status_code == 200, response.json()
    office.refresh_from_db()
    assert (office.lat, office.lng) == (22.9, 108.32)


@pytest.mark.parametrize("payload, field", [
    ({"lat": 95}, "lat"),
    ({"lng": "east"}, "lng"),
    ({"lat": None}, "lat"),  # dropping one coordinate leaves the pair incomplete
    ({"code": ""}, "code"),
])
def test_bad_office_patch_answers_400_on_the_field(as_user, manager, office, payload, field):
    response = as_user(manager).patch(f"/api/offices/{office.pk}/", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()


def test_an_office_still_in_use_cannot_be_deleted(as_user, manager, office):
    AreaFactory(code="QX-01", office=office)

    response = as_user(manager).delete(f"/api/offices/{office.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


@pytest.mark.parametrize("payload, field", [
    ({"boundary": {"type": "Polygon", "coordinates": [[[1, 1], [2, 2]]]}}, "boundary"),
    ({"code": "JN-01"}, "code"),
    ({"office": 999999}, "office"),
    ({"travel_speed_kmh": "0.5"}, "travel_speed_kmh"),
    ({"travel_speed_kmh": "fast"}, "travel_speed_kmh"),
])
def test_bad_area_patch_answers_400_on_the_field(as_user, manager, office, other_office, payload, field):
    area = AreaFactory(code="QX-01", office=office)
    AreaFactory(code="JN-01", office=other_office)

    response = as_user(manager).patch(f"/api/areas/{area.pk}/", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()


def test_unknown_area_answers_404_not_found(as_user, manager):
    response = as_user(manager).get("/api/areas/999999/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": response.json()["detail"]}


@pytest.mark.parametrize("query", [{"lat": 95, "lng": 108.3}, {"lat": "x", "lng": 108.3}, {"lat": 22.8}])
def test_locate_with_bad_coordinates_answers_400(as_user, manager, query):
    response = as_user(manager).get("/api/areas/locate/", query)

    assert response.status_code == 400
    assert response.json()["fields"]
