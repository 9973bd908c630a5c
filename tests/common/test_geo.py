"""Coordinates and GeoJSON boundaries: every refusal names its field."""

import math

import pytest

from dispatch.common.errors import DispatchError
from dispatch.common.geo import bounding_box, check_coordinates, contains, first_containing, parse_boundary

pytestmark = pytest.mark.usefixtures("english")

SQUARE = [[108.0, 22.0], [108.1, 22.0], [108.1, 22.1], [108.0, 22.1], [108.0, 22.0]]


def refusal(call, *args) -> DispatchError:
    with pytest.raises(DispatchError) as refused:
        call(*args)
    return refused.value


# --- check_coordinates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lat, lng", [(None, None), (22.8, 108.3), (-90, -180), (90, 180), (0, 0)])
def test_good_or_absent_coordinates_pass(lat, lng):
    check_coordinates(lat, lng)


@pytest.mark.parametrize("lat, lng, messages", [
    (22.8, None, {"lng": "Latitude and longitude must be given together."}),
    (None, 108.3, {"lat": "Latitude and longitude must be given together."}),
    (90.5, 108.3, {"lat": "Latitude must be between -90 and 90."}),
    (-91, 108.3, {"lat": "Latitude must be between -90 and 90."}),
    (22.8, 180.01, {"lng": "Longitude must be between -180 and 180."}),
    (22.8, -181, {"lng": "Longitude must be between -180 and 180."}),
    (95, 200, {"lat": "Latitude must be between -90 and 90.", "lng": "Longitude must be between -180 and 180."}),
    (math.nan, 108.3, {"lat": "Latitude must be between -90 and 90."}),
    (22.8, math.inf, {"lng": "Longitude must be between -180 and 180."}),
])
def test_bad_coordinates_are_refused_per_field(lat, lng, messages):
    error = refusal(check_coordinates, lat, lng)

    assert error.code == "invalid_coordinates"
    assert error.status_code == 400
    assert error.fields == {field: [message] for field, message in messages.items()}


def test_coordinates_outside_the_service_territory_are_refused(settings):
    settings.SERVICE_TERRITORY_BOUNDS = {"min_lat": 22.0, "max_lat": 23.5, "min_lng": 107.5, "max_lng": 109.0}
    check_coordinates(22.8, 108.3)

    error = refusal(check_coordinates, 39.9, 116.4)  # Beijing: a typing error for a Nanning utility

    assert error.fields == {"lat": ["Latitude is outside the service territory."],
                            "lng": ["Longitude is outside the service territory."]}
    assert refusal(check_coordinates, 22.8, 116.4).fields == {
        "lng": ["Longitude is outside the service territory."]}
    assert refusal(check_coordinates, 95, 116.4).fields["lat"] == ["Latitude must be between -90 and 90."]


# --- parse_boundary -------------------------------------------------------------------------------------


def test_polygon_is_accepted():
    shape = parse_boundary({"type": "Polygon", "coordinates": [SQUARE]})

    assert shape.geom_type == "Polygon"
    assert shape.bounds == (108.0, 22.0, 108.1, 22.1)


def test_polygon_with_a_hole_is_accepted():
    hole = [[108.04, 22.04], [108.06, 22.04], [108.06, 22.06], [108.04, 22.06], [108.04, 22.04]]

    shape = parse_boundary({"type": "Polygon", "coordinates": [SQUARE, hole]})

    assert shape.area == pytest.approx(0.01 - 0.0004)


def test_multipolygon_is_accepted():
    other = [[109.0, 23.0], [109.1, 23.0], [109.1, 23.1], [109.0, 23.1], [109.0, 23.0]]

    shape = parse_boundary({"type": "MultiPolygon", "coordinates": [[SQUARE], [other]]})

    assert shape.geom_type == "MultiPolygon"
    assert bounding_box({"type": "MultiPolygon", "coordinates": [[SQUARE], [other]]}).max_lat == 23.1


BOW_TIE = [[108.0, 22.0], [108.1, 22.1], [108.1, 22.0], [108.0, 22.1], [108.0, 22.0]]


@pytest.mark.parametrize("boundary, message", [
    # wrong types
    ("a string", "must be a GeoJSON Polygon or MultiPolygon"),
    (None, "must be a GeoJSON Polygon or MultiPolygon"),
    ([SQUARE], "must be a GeoJSON Polygon or MultiPolygon"),
    ({"type": "Point", "coordinates": [108.0, 22.0]}, "must be a GeoJSON Polygon or MultiPolygon"),
    ({"type": "LineString", "coordinates": SQUARE}, "must be a GeoJSON Polygon or MultiPolygon"),
    ({"type": "polygon", "coordinates": [SQUARE]}, "must be a GeoJSON Polygon or MultiPolygon"),
    ({"coordinates": [SQUARE]}, "must be a GeoJSON Polygon or MultiPolygon"),
    ({"type": "Polygon"}, "Each polygon needs at least one ring"),
    ({"type": "Polygon", "coordinates": []}, "Each polygon needs at least one ring"),
    ({"type": "MultiPolygon", "coordinates": []}, "has no coordinates"),
    ({"type": "MultiPolygon", "coordinates": "abc"}, "has no coordinates"),
    ({"type": "MultiPolygon", "coordinates": [SQUARE]}, "pair of numbers"),  # a Polygon's nesting
    ({"type": "Polygon", "coordinates": SQUARE}, "pair of numbers"),  # one level too shallow
    ({"type": "Polygon", "coordinates": {"ring": SQUARE}}, "Each polygon needs at least one ring"),
    # non-numeric points
    ({"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4], ["a", "b"]]]}, "pair of numbers"),
    ({"type": "Polygon", "coordinates": [[[108.0, 22.0, 5.0], *SQUARE[1:]]]}, "pair of numbers"),
    ({"type": "Polygon", "coordinates": [[[True, False], *SQUARE[1:]]]}, "pair of numbers"),
    ({"type": "Polygon", "coordinates": [[[None, 22.0], *SQUARE[1:]]]}, "pair of numbers"),
    # unclosed or too short rings
    ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "end where it starts"),
    ({"type": "Polygon", "coordinates": [[SQUARE[0], SQUARE[1], SQUARE[0]]]}, "at least four points"),
    ({"type": "Polygon", "coordinates": [[]]}, "at least four points"),
    # out of range
    ({"type": "Polygon", "coordinates": [[[400, 22.8], [108.5, 22.8], [108.5, 22.9], [400, 22.8]]]},
     "outside valid longitude/latitude"),
    ({"type": "Polygon", "coordinates": [[[108.0, -95], [108.1, 22.0], [108.1, 22.1], [108.0, -95]]]},
     "outside valid longitude/latitude"),
    ({"type": "Polygon", "coordinates": [[[math.nan, 22.0], [108.1, 22.0], [108.1, 22.1], [math.nan, 22.0]]]},
     "outside valid longitude/latitude"),
    # geometrically invalid
    ({"type": "Polygon", "coordinates": [BOW_TIE]}, "not a valid polygon"),
    ({"type": "Polygon", "coordinates": [[SQUARE[0], SQUARE[1], SQUARE[1], SQUARE[0]]]}, "not a valid polygon"),
    ({"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]}, "not a valid polygon"),  # overlapping
])
def test_bad_boundaries_are_refused_on_the_boundary_field(boundary, message):
    error = refusal(parse_boundary, boundary)

    assert error.code == "invalid_boundary"
    assert error.status_code == 400
    assert list(error.fields) == ["boundary"]
    assert len(error.fields["boundary"]) == 1
    assert message in error.fields["boundary"][0]
    assert error.message == error.fields["boundary"][0]


def test_bow_tie_message_says_where_it_crosses():
    error = refusal(parse_boundary, {"type": "Polygon", "coordinates": [BOW_TIE]})

    assert "Self-intersection" in error.fields["boundary"][0]


# --- contains / first_containing ------------------------------------------------------------------------


def test_contains_covers_the_edge_and_uses_lat_lng_order():
    square = {"type": "Polygon", "coordinates": [SQUARE]}

    assert contains(square, 22.05, 108.05)
    assert contains(square, 22.0, 108.05)  # on the edge
    assert not contains(square, 108.05, 22.05)  # swapped
    assert not contains(square, 22.2, 108.05)


def test_first_containing_returns_the_first_match_and_skips_empty_boundaries():
    square = {"type": "Polygon", "coordinates": [SQUARE]}

    assert first_containing([("none", None), ("a", square), ("b", square)], 22.05, 108.05) == "a"
    assert first_containing([("a", square)], 30, 100) is None
