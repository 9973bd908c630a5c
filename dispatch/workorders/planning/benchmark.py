"""Problems for measuring the planner: Solomon VRPTW instances and a generated city day.

Solomon: vehicles become technicians starting and ending at the depot, demand and capacity the daily
capacity, every customer a must job; distance = travel time = Euclidean distance truncated to one decimal
(the CVRPLIB convention of the best-known values), held in tenths so the solver works in integers.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .matrix import GreatCircleMatrix, Place
from .model import Break, Job, Problem, Technician

SCALE = 10  # Solomon units → integer tenths


@dataclass
class SolomonInstance:
    name: str
    problem: Problem
    vehicles: int


def read_solomon(path: str | Path) -> SolomonInstance:
    lines = [line.split() for line in Path(path).read_text().splitlines()]
    name = lines[0][0] if lines and lines[0] else Path(path).stem
    numbers = [row for row in lines if row and all(_is_number(cell) for cell in row)]
    vehicles, capacity = int(numbers[0][0]), int(numbers[0][1])
    rows = [[float(cell) for cell in row] for row in numbers[1:] if len(row) == 7]
    if not rows or int(rows[0][0]) != 0:
        raise ValueError(f"{path}: no depot row (customer 0)")
    xy = np.array([(row[1], row[2]) for row in rows])
    # Truncated to one decimal: floor(10 × distance), with a hair of tolerance for exact decimals.
    euclid = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    matrix = np.floor(euclid * SCALE + 1e-9).astype(np.int64)
    depot = rows[0]
    techs = [Technician(id=f"v{k + 1}", start=0, end=0, shift_start=int(depot[4]) * SCALE,
                        shift_end=int(depot[5]) * SCALE, capacity=capacity) for k in range(vehicles)]
    jobs = [Job(id=str(int(row[0])), place=index, duration=int(row[6]) * SCALE, earliest=int(row[4]) * SCALE,
                latest=int(row[5]) * SCALE, demand=int(row[3]), must=True)
            for index, row in enumerate(rows) if index > 0]
    problem = Problem(techs, jobs, matrix, matrix.copy(), coordinates=[(row[1], row[2]) for row in rows])
    return SolomonInstance(name, problem, vehicles)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# The generated city: a 24 × 18 km town around Nanning split into six areas with their own speeds.
CENTRE = (22.82, 108.32)
AREA_SPEEDS = {"A1": 18.0, "A2": 22.0, "A3": 28.0, "B1": 24.0, "B2": 30.0, "B3": 35.0}
SKILLS = ("gas-escape", "pipe-rectification", "metrology")


def _area_of(lat: float, lng: float) -> str:
    row = "A" if lat >= CENTRE[0] else "B"
    column = min(max(int((lng - (CENTRE[1] - 0.12)) / 0.08), 0), 2) + 1
    return f"{row}{column}"


def synthetic_day(jobs: int, techs: int, seed: int = 1) -> Problem:
    """A realistic overbooked day: shifts 08:30–17:30 with an hour's lunch from 12:00 (±30 min), skills on
    30 % of jobs, 2-hour appointment windows on 40 %, a few emergencies and SLA-critical jobs, areas."""
    rng = random.Random(seed)
    places: list[Place] = []

    def place(lat: float, lng: float) -> int:
        places.append(Place(lat, lng, _area_of(lat, lng)))
        return len(places) - 1

    offices = [place(CENTRE[0] + 0.03, CENTRE[1] - 0.05), place(CENTRE[0] - 0.03, CENTRE[1] + 0.05)]
    areas = sorted(AREA_SPEEDS)
    technicians = []
    for k in range(techs):
        home = offices[k % 2] if rng.random() < 0.6 else place(CENTRE[0] + rng.uniform(-0.08, 0.08),
                                                              CENTRE[1] + rng.uniform(-0.12, 0.12))
        skills = frozenset(skill for skill in SKILLS if rng.random() < 0.45)
        if k < 6:
            skills |= {"gas-escape"}  # an emergency crew in every shift
        allowed = None if rng.random() < 0.3 else frozenset(rng.sample(areas, rng.randint(3, 4)))
        technicians.append(Technician(
            id=f"T{k + 1:02d}", start=home, end=home, shift_start=8 * 3600 + 1800, shift_end=17 * 3600 + 1800,
            skills=skills, areas=allowed, capacity=rng.randint(13, 17),
            rest=Break(earliest=11 * 3600 + 1800, latest=12 * 3600 + 1800, duration=3600)))
    job_list = []
    for n in range(jobs):
        lat, lng = CENTRE[0] + rng.uniform(-0.08, 0.08), CENTRE[1] + rng.uniform(-0.12, 0.12)
        roll = rng.random()
        priority = "emergency" if roll < 0.015 else "urgent" if roll < 0.11 else "normal" if roll < 0.55 \
            else "planned"
        skills = frozenset({"gas-escape"}) if priority == "emergency" else (
            frozenset({rng.choice(SKILLS[1:])}) if rng.random() < 0.3 else frozenset())
        earliest, latest = 8 * 3600 + 1800, 17 * 3600 + 1800
        if priority == "emergency":
            earliest = rng.randint(9, 15) * 3600
            latest = earliest + 3600  # attend within the hour
        elif rng.random() < 0.4:
            earliest = rng.choice(range(8 * 3600 + 1800, 15 * 3600 + 1801, 1800))
            latest = earliest + 2 * 3600
        duration = {"emergency": 60, "urgent": 35, "normal": 25, "planned": 15}[priority] * 60
        duration = int(duration * rng.uniform(0.7, 1.3)) // 60 * 60
        job_list.append(Job(id=f"J{n + 1:04d}", place=place(lat, lng), duration=duration, skills=skills,
                            area=_area_of(lat, lng), earliest=earliest, latest=latest, priority=priority,
                            must=priority != "emergency" and rng.random() < 0.04))
    distance, duration = GreatCircleMatrix(circuity=1.35, speed_kmh=AREA_SPEEDS).matrices(places)
    return Problem(technicians, job_list, distance, duration, coordinates=[(p.lat, p.lng) for p in places])


def solomon_total(problem: Problem, routes: list[list[str]]) -> float:
    """Total distance of routes given as job ids, in Solomon units."""
    total = 0
    for route in routes:
        stops = [0, *(problem.job(job_id).place for job_id in route), 0]
        total += sum(int(problem.distance[a, b]) for a, b in itertools.pairwise(stops))
    return total / SCALE


def pct(value: float, best: float) -> float:
    return round(100 * (value - best) / best, 2) if best else math.nan
