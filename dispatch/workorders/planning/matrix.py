"""Travel distance and time between places, behind one small interface so a site can plug in its own router.

The default estimates road distance as great-circle distance × a circuity factor (roads are not straight; 1.3
to 1.4 is typical of Chinese city grids) and time as that distance ÷ the average speed of the areas the leg
runs through (`Area.travel_speed_kmh`). `OsrmMatrix` asks an OSRM server's table endpoint instead; any object
with the same `matrices` method will do (settings: PLANNING_MATRIX_PROVIDER, a dotted path).
"""

from __future__ import annotations

import json
import math
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Place:
    lat: float
    lng: float
    area: str | None = None  # for the area's travel speed


class MatrixProvider(Protocol):
    def matrices(self, places: Sequence[Place]) -> tuple[np.ndarray, np.ndarray]:
        """(distance in metres, duration in seconds), both int64 place × place, zero on the diagonal."""
        ...


@dataclass
class GreatCircleMatrix:
    circuity: float = 1.35
    default_speed_kmh: float = 25.0
    speed_kmh: dict[str, float] = field(default_factory=dict)

    def matrices(self, places: Sequence[Place]) -> tuple[np.ndarray, np.ndarray]:
        lat = np.radians([place.lat for place in places])
        lng = np.radians([place.lng for place in places])
        # Haversine, vectorised: 600 places take a few milliseconds.
        dlat = lat[:, None] - lat[None, :]
        dlng = lng[:, None] - lng[None, :]
        a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlng / 2) ** 2
        metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1))) * self.circuity
        speed = np.array([self.speed_kmh.get(place.area or "", self.default_speed_kmh) for place in places],
                         dtype=float) / 3.6  # m/s
        # Half the leg at each end's speed: the harmonic mean, so a slow old town slows every leg into it.
        seconds = metres / 2 / speed[:, None] + metres / 2 / speed[None, :]
        return np.rint(metres).astype(np.int64), np.rint(seconds).astype(np.int64)


@dataclass
class OsrmMatrix:
    """An OSRM server's table service (`/table/v1/{profile}/{lng,lat;...}?annotations=distance,duration`).

    Large days are asked for in one request; an OSRM server limits the table size with --max-table-size
    (default 100), so a site planning bigger days raises it. Places OSRM cannot reach fall back to the
    great-circle estimate rather than failing the whole plan.
    """

    base_url: str
    profile: str = "driving"
    timeout: float = 30.0
    fallback: GreatCircleMatrix = field(default_factory=GreatCircleMatrix)

    def matrices(self, places: Sequence[Place]) -> tuple[np.ndarray, np.ndarray]:
        coordinates = ";".join(f"{place.lng:.6f},{place.lat:.6f}" for place in places)
        url = f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{coordinates}?annotations=distance,duration"
        with urllib.request.urlopen(url, timeout=self.timeout) as response:
            body = json.load(response)
        if body.get("code") != "Ok":
            raise RuntimeError(f"OSRM table failed: {body.get('code')} {body.get('message', '')}")
        return self.parse(body, places)

    def parse(self, body: dict, places: Sequence[Place]) -> tuple[np.ndarray, np.ndarray]:
        estimate_d, estimate_t = self.fallback.matrices(places)
        raw_d = np.array([[math.nan if v is None else v for v in row] for row in body["distances"]], dtype=float)
        raw_t = np.array([[math.nan if v is None else v for v in row] for row in body["durations"]], dtype=float)
        distance = np.where(np.isnan(raw_d), estimate_d, np.rint(raw_d)).astype(np.int64)
        duration = np.where(np.isnan(raw_t), estimate_t, np.rint(raw_t)).astype(np.int64)
        np.fill_diagonal(distance, 0)
        np.fill_diagonal(duration, 0)
        return distance, duration
