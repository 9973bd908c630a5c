"""The planning problem and its answer as plain data: no Django, no solver types.

Units: every time is whole seconds from midnight of the planned day (local time), every distance whole metres
(the Solomon benchmark uses tenths of its own units instead). Places are indices into the problem's two
matrices, so the same jobs can be planned on great-circle estimates or on a routing service's table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

DAY = 24 * 3600
# Priorities, most pressing first. Emergencies are always "must" jobs; others may be made must (SLA-critical).
PRIORITIES = ("emergency", "urgent", "normal", "planned")


@dataclass(frozen=True)
class Break:
    """A rest the technician must take: `duration` seconds starting between `earliest` and `latest`.

    It is taken where the technician is (after a job, before driving on): no travel, no work during it.
    """

    earliest: int
    latest: int
    duration: int


@dataclass(frozen=True)
class Technician:
    id: str
    start: int  # place index where the day starts (home base or office) ...
    end: int  # ... and where it ends
    shift_start: int
    shift_end: int
    skills: frozenset[str] = frozenset()
    # Areas the technician may work in; None means every area.
    areas: frozenset[str] | None = None
    capacity: int = 12  # jobs a day (Solomon: the vehicle's load capacity)
    rest: Break | None = None
    name: str = ""


@dataclass(frozen=True)
class Job:
    id: str
    place: int
    duration: int
    skills: frozenset[str] = frozenset()
    area: str | None = None
    # Appointment window for the arrival (the start of the work).
    earliest: int = 0
    latest: int = DAY
    priority: str = "normal"
    # Must be planned: emergencies, SLA-critical and pinned jobs. Others may be left out at a penalty.
    must: bool = False
    demand: int = 1
    pinned_technician: str | None = None
    pinned_time: int | None = None
    # Overrides the priority's penalty for leaving the job out (metres of travel it is worth).
    penalty: int | None = None
    label: str = ""

    @property
    def window(self) -> tuple[int, int]:
        """The arrival window the plan must keep: the pinned moment if there is one."""
        if self.pinned_time is not None:
            return self.pinned_time, self.pinned_time
        return self.earliest, self.latest

    @property
    def is_must(self) -> bool:
        return self.must or self.priority == "emergency" or self.pinned_technician is not None \
            or self.pinned_time is not None


def may_serve(tech: Technician, job: Job) -> bool:
    """Whether the technician is allowed to do the job at all (skills, area, pin); time is checked elsewhere."""
    if job.pinned_technician is not None and job.pinned_technician != tech.id:
        return False
    if not job.skills <= tech.skills:
        return False
    return tech.areas is None or job.area is None or job.area in tech.areas


def refusal(tech: Technician, job: Job) -> str | None:
    """The reason code why the technician may not do the job, for messages and tests."""
    if job.pinned_technician is not None and job.pinned_technician != tech.id:
        return "pinned_elsewhere"
    if not job.skills <= tech.skills:
        return "skill_missing"
    if tech.areas is not None and job.area is not None and job.area not in tech.areas:
        return "area_not_allowed"
    return None


@dataclass
class Problem:
    technicians: list[Technician]
    jobs: list[Job]
    distance: np.ndarray  # metres, place × place
    duration: np.ndarray  # seconds, place × place
    # Only for reporting: (lat, lng) or (x, y) of each place.
    coordinates: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.distance = np.asarray(self.distance, dtype=np.int64)
        self.duration = np.asarray(self.duration, dtype=np.int64)
        if self.distance.shape != self.duration.shape or self.distance.ndim != 2 \
                or self.distance.shape[0] != self.distance.shape[1]:
            raise ValueError("distance and duration must be square matrices of the same size")
        places = self.distance.shape[0]
        for item in [*self.jobs, *self.technicians]:
            for place in ((item.place,) if isinstance(item, Job) else (item.start, item.end)):
                if not 0 <= place < places:
                    raise ValueError(f"{item.id}: place {place} is not in the matrices")
        ids = [job.id for job in self.jobs]
        if len(set(ids)) != len(ids):
            raise ValueError("job ids must be unique")
        if len({tech.id for tech in self.technicians}) != len(self.technicians):
            raise ValueError("technician ids must be unique")

    def job(self, job_id: str) -> Job:
        return self._jobs_by_id()[job_id]

    def technician(self, tech_id: str) -> Technician:
        return {tech.id: tech for tech in self.technicians}[tech_id]

    def _jobs_by_id(self) -> dict[str, Job]:
        cached = getattr(self, "_by_id", None)
        if cached is None or len(cached) != len(self.jobs):
            cached = {job.id: job for job in self.jobs}
            self._by_id = cached
        return cached


@dataclass
class Visit:
    job_id: str
    arrival: int
    start: int  # the work starts (after waiting for the window, if early)
    end: int
    travel_distance: int  # from the previous place
    travel_duration: int


@dataclass
class Route:
    technician_id: str
    visits: list[Visit]
    departure: int  # leaves the start place
    return_time: int  # reaches the end place
    distance: int
    # The break: its start, and how many visits come before it (0: before leaving); None if not needed.
    break_start: int | None = None
    break_after: int = 0
    return_duration: int = 0  # travel time of the last leg, to the end place

    @property
    def job_ids(self) -> list[str]:
        return [visit.job_id for visit in self.visits]

    def utilisation(self, tech: Technician) -> float:
        """Share of the shift spent working or travelling (waiting and the break do not count)."""
        shift = max(tech.shift_end - tech.shift_start, 1)
        busy = sum(visit.end - visit.start + visit.travel_duration for visit in self.visits)
        if self.visits:
            busy += self.return_duration
        return round(min(busy / shift, 1.0), 3)


@dataclass
class Plan:
    routes: list[Route]
    # job id → reason code (no_eligible_technician, no_time, capacity, ...), for the dispatcher.
    unassigned: dict[str, str]
    distance: int
    seconds: float = 0.0
    solver: str = "pyvrp"
    stats: dict = field(default_factory=dict)

    def route_of(self, tech_id: str) -> Route | None:
        return next((route for route in self.routes if route.technician_id == tech_id), None)

    def assigned(self) -> Iterable[tuple[str, str]]:
        for route in self.routes:
            for visit in route.visits:
                yield visit.job_id, route.technician_id
