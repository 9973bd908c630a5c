"""Timing a technician's day, and cheapest feasible insertion.

`schedule` turns a job sequence into times (arrival, work, break, return) or says it cannot be done.
`cheapest_insertion` builds a first plan job by job, each at the place in any route that adds the least travel
and keeps every route feasible. It serves twice:

* as the solver's warm start: PyVRP from a cold start sometimes leaves emergencies out of an overbooked day,
  and a plan that already holds every must job lets the solver make them required without ever losing them;
* for an emergency that comes in during the day (`insert_emergency`): tried against the live routes (each
  technician's current position and committed jobs), it answers in milliseconds, well inside the 2 s asked for.

Insertion is a construction heuristic, not a metaheuristic: the optimising is PyVRP's (see solver.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .model import Job, Plan, Problem, Route, Technician, Visit, may_serve

# How many of the cheapest positions are timed before a job is declared not to fit: timing is the slow part,
# and the cheap positions are nearly always the feasible ones when any is.
MAX_TIMED_POSITIONS = 40


def schedule(problem: Problem, tech: Technician, job_ids: Sequence[str], *, break_after: int | None = None,
             break_leg: int | None = None, depart: int | None = None, every_break: bool = False) -> Route | None:
    """The day of `tech` doing the jobs in this order, or None if a window, the break or the shift is broken.

    The break goes after `break_after` jobs; None tries the sensible positions (every one with
    `every_break`) and keeps the one that ends the day earliest. `break_leg` replaces the travel time of
    the leg after the break (the solver's model of it, see solver.py); None is the real day. `depart` is
    the earliest moment the technician can leave (now, for a day already under way).
    """
    jobs = [problem.job(job_id) for job_id in job_ids]
    if sum(job.demand for job in jobs) > tech.capacity:
        return None
    rest = tech.rest if jobs else None
    if rest is None:
        return _timed(problem, tech, jobs, None, break_leg, depart)
    if break_after is not None:
        positions = [break_after]
    elif every_break:
        positions = list(range(len(jobs) + 1))
    else:
        positions = _break_positions(problem, tech, jobs, depart)
    best: Route | None = None
    for position in positions:
        route = _timed(problem, tech, jobs, position, break_leg, depart)
        if route is not None and (best is None or route.return_time < best.return_time):
            best = route
    return best


def _break_positions(problem: Problem, tech: Technician, jobs: list[Job], depart: int | None) -> list[int]:
    """Where the break can sensibly go: after the jobs that end around its window.

    The day without the break gives each job's earliest end; a break only delays what follows it. So if that
    day already misses a window, no break position helps; and the break goes after the last job ending
    before the window opens, or after any later one still ending before the window closes (earlier positions
    only add waiting, later ones are too late).
    """
    assert tech.rest is not None
    time = max(tech.shift_start, depart if depart is not None else tech.shift_start)
    place = tech.start
    free = [time]
    for job in jobs:
        early, late = job.window
        start = max(time + int(problem.duration[place, job.place]), early)
        if start > late:
            return []
        time = start + job.duration
        place = job.place
        free.append(time)
    low = max((p for p, moment in enumerate(free) if moment <= tech.rest.earliest), default=0)
    high = max((p for p, moment in enumerate(free) if moment <= tech.rest.latest), default=-1)
    return list(range(low, high + 1))


def _timed(problem: Problem, tech: Technician, jobs: list[Job], break_after: int | None, break_leg: int | None,
           depart: int | None) -> Route | None:
    distance, duration = problem.distance, problem.duration
    time = max(tech.shift_start, depart if depart is not None else tech.shift_start)
    place = tech.start
    visits: list[Visit] = []
    total = 0
    break_start: int | None = None
    after_break = False
    for index, job in enumerate(jobs):
        if break_after == index:
            break_start, time = _rest(tech, time)
            if break_start is None:
                return None
            after_break = True
        leg_t = int(duration[place, job.place])
        if after_break and break_leg is not None:
            leg_t = break_leg
        after_break = False
        leg_d = int(distance[place, job.place])
        arrival = time + leg_t
        early, late = job.window
        start = max(arrival, early)
        if start > late:
            return None
        time = start + job.duration
        visits.append(Visit(job.id, arrival, start, time, leg_d, leg_t))
        total += leg_d
        place = job.place
    if break_after == len(jobs):
        break_start, time = _rest(tech, time)
        if break_start is None:
            return None
        after_break = True
    leg_t = int(duration[place, tech.end])
    if after_break and break_leg is not None:
        leg_t = break_leg
    back = time + leg_t
    if back > tech.shift_end:
        return None
    total += int(distance[place, tech.end])
    leave = max(tech.shift_start, depart if depart is not None else tech.shift_start)
    if visits and break_after != 0 and visits[0].start > visits[0].arrival:
        # Leave later rather than wait at the first door: nothing after it moves.
        wait = visits[0].start - visits[0].arrival
        leave += wait
        visits[0].arrival += wait
    return Route(tech.id, visits, leave, back, total, break_start, break_after or 0, return_duration=leg_t)


def _rest(tech: Technician, time: int) -> tuple[int | None, int]:
    assert tech.rest is not None
    start = max(time, tech.rest.earliest)
    if start > tech.rest.latest:
        return None, time
    return start, start + tech.rest.duration


@dataclass
class RouteDraft:
    """A technician's jobs in order, fixed (committed, under way) or open to moving, and when they can start."""

    tech: Technician
    job_ids: list[str]
    depart: int | None = None
    timed: Route | None = None


def _costs(problem: Problem, draft: RouteDraft, job: Job) -> np.ndarray:
    """Added metres of putting the job at each position 0..n of the route."""
    places = [draft.tech.start, *(problem.job(job_id).place for job_id in draft.job_ids), draft.tech.end]
    before, after = np.array(places[:-1]), np.array(places[1:])
    d = problem.distance
    return d[before, job.place] + d[job.place, after] - d[before, after]


@dataclass
class Insertion:
    tech_id: str
    position: int
    added_distance: int
    route: Route


def best_insertion(problem: Problem, drafts: Iterable[RouteDraft], job: Job, *,
                   break_leg: int | None = None) -> Insertion | None:
    """The cheapest feasible place for the job in any of the routes, or None."""
    candidates: list[tuple[int, int, RouteDraft]] = []
    for draft in drafts:
        if not may_serve(draft.tech, job):
            continue
        load = sum(problem.job(job_id).demand for job_id in draft.job_ids)
        if load + job.demand > draft.tech.capacity:
            continue
        for position, cost in enumerate(_costs(problem, draft, job).tolist()):
            candidates.append((cost, position, draft))
    candidates.sort(key=lambda item: (item[0], item[1]))
    for cost, position, draft in candidates[:MAX_TIMED_POSITIONS]:
        order = [*draft.job_ids[:position], job.id, *draft.job_ids[position:]]
        # The break first where it was (moved along by the insertion), then anywhere.
        hint = None
        if draft.timed is not None and draft.timed.break_start is not None:
            hint = draft.timed.break_after + (1 if position < draft.timed.break_after else 0)
        route = None
        if hint is not None:
            route = schedule(problem, draft.tech, order, break_after=hint, break_leg=break_leg, depart=draft.depart)
        if route is None:
            route = schedule(problem, draft.tech, order, break_leg=break_leg, depart=draft.depart)
        if route is not None:
            return Insertion(draft.tech.id, position, int(cost), route)
    return None


def insertion_order(jobs: Iterable[Job]) -> list[Job]:
    """Must jobs first, then by priority; within that the tightest window first (hardest to place later)."""
    rank = {"emergency": 0, "urgent": 1, "normal": 2, "planned": 3}
    return sorted(jobs, key=lambda job: (not job.is_must, rank.get(job.priority, 4),
                                         job.window[1] - job.window[0], job.id))


def cheapest_insertion(problem: Problem, *, drafts: list[RouteDraft] | None = None,
                       jobs: Iterable[Job] | None = None, break_leg: int | None = None
                       ) -> tuple[list[RouteDraft], list[str]]:
    """Insert the jobs one by one into the routes; returns the routes and the ids of the jobs that did not fit."""
    if drafts is None:
        drafts = [RouteDraft(tech, []) for tech in problem.technicians]
    for draft in drafts:
        if draft.timed is None:
            draft.timed = schedule(problem, draft.tech, draft.job_ids, break_leg=break_leg, depart=draft.depart)
    by_tech = {draft.tech.id: draft for draft in drafts}
    left_out: list[str] = []
    for job in insertion_order(problem.jobs if jobs is None else jobs):
        found = best_insertion(problem, drafts, job, break_leg=break_leg)
        if found is None:
            left_out.append(job.id)
            continue
        draft = by_tech[found.tech_id]
        draft.job_ids.insert(found.position, job.id)
        draft.timed = found.route
    return drafts, left_out


@dataclass
class Proposal:
    """Where an emergency fits: the technician, after how many of their remaining jobs, arriving when."""

    tech_id: str
    position: int
    arrival: int
    added_distance: int
    route: Route  # the technician's rest of the day with the emergency in it
    delayed: dict[str, int]  # job id → seconds later than before


def live_drafts(problem: Problem, plan: Plan, now: int) -> list[RouteDraft]:
    """Each technician's rest of the day at `now`, from the plan: where they are, when they are free, what is
    left. A job already started stays where it is; a break already begun is over for the insertion."""
    drafts = []
    for tech in problem.technicians:
        route = plan.route_of(tech.id)
        place, free, rest, left = tech.start, max(now, tech.shift_start), tech.rest, []
        if route is not None:
            for visit in route.visits:
                if visit.start < now:
                    place, free = problem.job(visit.job_id).place, max(now, visit.end)
                else:
                    left.append(visit.job_id)
            if route.break_start is not None and route.break_start < now:
                free = max(free, route.break_start + (tech.rest.duration if tech.rest else 0))
                rest = None
        if free >= tech.shift_end:
            continue
        drafts.append(RouteDraft(replace(tech, start=place, rest=rest), left, depart=free))
    return drafts


def insert_emergency(problem: Problem, plan: Plan, job: Job, *, now: int,
                     drafts: list[RouteDraft] | None = None) -> Proposal | None:
    """The cheapest feasible insertion of the emergency into the live routes (skills, areas, windows of the
    jobs already promised, breaks and shifts all kept), or None if nobody can get there in its window."""
    extended = Problem(problem.technicians, [*problem.jobs, job], problem.distance, problem.duration,
                       problem.coordinates)
    drafts = drafts if drafts is not None else live_drafts(extended, plan, now)
    before = {}
    for draft in drafts:
        draft.timed = schedule(extended, draft.tech, draft.job_ids, depart=draft.depart)
        if draft.timed is not None:
            before.update({visit.job_id: visit.start for visit in draft.timed.visits})
    # A day that no longer fits as committed (running late) is left alone rather than made worse.
    usable = [draft for draft in drafts if draft.timed is not None]
    found = best_insertion(extended, usable, job)
    if found is None:
        return None
    arrival = next(visit.start for visit in found.route.visits if visit.job_id == job.id)
    delayed = {visit.job_id: visit.start - before[visit.job_id] for visit in found.route.visits
               if visit.job_id in before and visit.start > before[visit.job_id]}
    return Proposal(found.tech_id, found.position, arrival, found.added_distance, found.route, delayed)
