"""Coordinates and area boundaries (GeoJSON, WGS84 longitude/latitude order)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _
from shapely import geometry, prepared, validation

from .errors import DispatchError


@dataclass(frozen=True)
class BoundingBox:
    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float


def check_coordinates(lat: float | None, lng: float | None) -> None:
    """Refuse impossible or out-of-territory coordinates, with a message per field."""
    if lat is None and lng is None:
        return
    fields: dict[str, list[str]] = {}
    if lat is None or lng is None:
        missing = "lng" if lng is None else "lat"
        fields[missing] = [_("Latitude and longitude must be given together.")]
        raise DispatchError("invalid_coordinates", _("Coordinates are incomplete."), fields=fields)
    bounds = settings.SERVICE_TERRITORY_BOUNDS
    if not -90 <= lat <= 90:
        fields["lat"] = [_("Latitude must be between -90 and 90.")]
    elif not bounds["min_lat"] <= lat <= bounds["max_lat"]:
        fields["lat"] = [_("Latitude is outside the service territory.")]
    if not -180 <= lng <= 180:
        fields["lng"] = [_("Longitude must be between -180 and 180.")]
    elif not bounds["min_lng"] <= lng <= bounds["max_lng"]:
        fields["lng"] = [_("Longitude is outside the service territory.")]
    if fields:
        raise DispatchError("invalid_coordinates", _("Coordinates are not valid."), fields=fields)


def _ring_is_closed(ring) -> bool:
    return isinstance(ring, list) and len(ring) >= 4 and ring[0] == ring[-1]


def parse_boundary(boundary: dict) -> geometry.base.BaseGeometry:
    """Turn a GeoJSON Polygon or MultiPolygon into a valid shape, or explain what is wrong with it."""
    def refuse(message: str) -> DispatchError:
        return DispatchError("invalid_boundary", message, fields={"boundary": [message]})

    if not isinstance(boundary, dict) or boundary.get("type") not in {"Polygon", "MultiPolygon"}:
        raise refuse(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    coordinates = boundary.get("coordinates")
    polygons = [coordinates] if boundary["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise refuse(_("The boundary has no coordinates."))
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise refuse(_("Each polygon needs at least one ring of coordinates."))
        for ring in polygon:
            if not isinstance(ring, list) or not all(
                isinstance(point, list | tuple) and len(point) == 2
                and all(isinstance(value, int | float) and not isinstance(value, bool) for value in point)
                for point in ring
            ):
                raise refuse(_("Every point must be a [longitude, latitude] pair of numbers."))
            if not _ring_is_closed(ring):
                raise refuse(_("Every ring must have at least four points and end where it starts."))
            for lng, lat in ring:
                if not (-180 <= lng <= 180 and -90 <= lat <= 90):
                    raise refuse(_("A boundary point lies outside valid longitude/latitude."))
    shape = geometry.shape(boundary)
    if not shape.is_valid:
        raise refuse(_("The boundary is not a valid polygon: %(reason)s")
                     % {"reason": validation.explain_validity(shape)})
    return shape


def bounding_box(boundary: dict) -> BoundingBox:
    min_lng, min_lat, max_lng, max_lat = parse_boundary(boundary).bounds
    return BoundingBox(min_lng, min_lat, max_lng, max_lat)


@lru_cache(maxsize=4096)
def _prepared(boundary_key: str):
    return prepared.prep(geometry.shape(json.loads(boundary_key)))


def contains(boundary: dict, lat: float, lng: float) -> bool:
    return _prepared(json.dumps(boundary, sort_keys=True)).covers(geometry.Point(lng, lat))


def first_containing(candidates: Iterable[tuple[object, dict]], lat: float, lng: float):
    """The first candidate whose boundary covers the point, or None."""
    for key, boundary in candidates:
        if boundary and contains(boundary, lat, lng):
            return key
    return None
