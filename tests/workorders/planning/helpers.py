"""Small planning problems on a flat map: places in km, 10 m/s (36 km/h), times in seconds from midnight."""

import numpy as np

from dispatch.workorders.planning.model import Break, Job, Problem, Technician

H = 3600


def flat_problem(points: list[tuple[float, float]], technicians: list[Technician], jobs: list[Job]) -> Problem:
    xy = np.array(points, dtype=float)
    km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    metres = np.rint(km * 1000).astype(np.int64)
    return Problem(technicians, jobs, metres, metres // 10, coordinates=points)


def tech(id: str, place: int, *, start: int = 8 * H, end: int = 18 * H, skills=(), areas=None, capacity=12,
         rest: Break | None = None) -> Technician:
    return Technician(id=id, start=place, end=place, shift_start=start, shift_end=end, skills=frozenset(skills),
                      areas=None if areas is None else frozenset(areas), capacity=capacity, rest=rest)


def job(id: str, place: int, *, duration: int = 1800, **kwargs) -> Job:
    skills = frozenset(kwargs.pop("skills", ()))
    return Job(id=id, place=place, duration=duration, skills=skills, **kwargs)
