"""The day plan, optimised by PyVRP.

How the dispatcher's rules map onto PyVRP 0.14 (a VRP with time windows, prizes and routing profiles):

* technician → a vehicle type of one vehicle: its own start and end depot (home base or office), the shift as
  the vehicle's time window, the daily job capacity as a one-dimensional load capacity (each job loads 1);
* job → a client with its service time and arrival window; a job pinned to a time gets a window of one
  second; emergencies, SLA-critical and pinned jobs are *required*, other jobs optional with a prize, the
  penalty for leaving them out, by priority (so an overbooked day drops planned work first);
* skills, areas and pins to a technician → PyVRP has no per-client vehicle list, so every job gets its own
  location and each technician a routing profile in which the jobs they may not do are unreachable
  (MAX_VALUE in and out: the same device PyVRP's own reader uses for "allowed clients");
* lunch break → PyVRP has no breaks, so each technician gets a required break client only they can reach,
  with the break's length as its service time and its allowed start as its window. It sits at a place of
  its own: reaching it costs nothing (the technician stops where they are); leaving it costs `break_leg`
  seconds and no metres, because the real next leg starts from the previous job, which a location matrix
  cannot say. After solving, every route is re-timed on the real legs (`insertion.schedule`), the break
  re-placed where it fits best, and the plan checked by `feasibility.check`; `break_leg` is set from the
  typical leg so that this re-timing rarely has anything to repair.
* warm start → a cheapest-insertion plan (insertion.py). Must jobs that it placed become required in PyVRP,
  so the solver keeps a plan that holds them all; those it could not place stay optional with a prize too
  large to give up, and are reported with a reason if still out.

Why PyVRP and not OR-Tools (measured on this 2-core machine, 30 s per instance, raw libraries, the six
Solomon instances in ../shared/benchmarks/solomon): PyVRP 0.14.1 averaged 0.12 % over the best-known
distances (worst RC101 +0.71 %); OR-Tools 9.15 with PARALLEL_CHEAPEST_INSERTION + guided local search 1.34 %,
and with PATH_CHEAPEST_ARC found no feasible solution for R101 and RC101. On a realistic overbooked city day
PyVRP drove 10–20 % fewer km. OR-Tools 9.15's SetAllowedVehiclesForIndex is broken as well. Through this
module (the product's own code) the Solomon figures are in README.md "Route planning".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyvrp
from pyvrp.constants import MAX_VALUE

from .insertion import RouteDraft, cheapest_insertion, schedule
from .model import Job, Plan, Problem, Route, Technician, may_serve, refusal

# Penalty for leaving a job out, in metres of travel it is worth: an urgent job is worth a long detour, a
# planned one (meter reading) only a short one. Sites tune these in settings (PLANNING_PENALTY_KM).
DEFAULT_PENALTY_M = {"urgent": 400_000, "normal": 120_000, "planned": 40_000, "emergency": 10_000_000}
# A must job that even the first plan could not place: optional, but worth more than any route's travel.
MUST_PRIZE = 1_000_000_000
JOB_NEIGHBOURS = 40
BREAK_NEIGHBOURS = 50
_RANK = {"emergency": 0, "urgent": 1, "normal": 2, "planned": 3}


@dataclass
class SolverSettings:
    seconds: float = 10.0
    seed: int = 1
    penalty_m: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PENALTY_M))
    # Seconds the solver assumes for the leg after a break; None: the 75th percentile of a job's legs to its
    # nearest neighbours, generous enough that the real leg is nearly always shorter.
    break_leg: int | None = None
    warm_start: bool = True
    # Called with a fraction 0..1 now and then (the Celery task's progress).
    progress: Callable[[float], None] | None = None


class _Stop:
    """PyVRP's stopping criterion: the time limit, and a progress report about once a second."""

    def __init__(self, seconds: float, progress: Callable[[float], None] | None) -> None:
        self.seconds, self.progress = max(seconds, 0.05), progress
        self.started = time.perf_counter()
        self.reported = self.started

    def __call__(self, best_cost: int) -> bool:
        now = time.perf_counter()
        if self.progress is not None and now - self.reported >= 1.0:
            self.reported = now
            self.progress(min((now - self.started) / self.seconds, 1.0))
        return now - self.started > self.seconds


@dataclass
class _Encoded:
    data: pyvrp.ProblemData
    job_client: dict[str, int]  # job id → client index
    break_client: dict[str, int]  # technician id → client index of their break
    vehicle_type: dict[str, int]  # technician id → vehicle type index
    client_job: dict[int, str]


def typical_leg(problem: Problem) -> int:
    places = sorted({job.place for job in problem.jobs})
    if len(places) < 2:
        return 0
    sub = problem.duration[np.ix_(places, places)].astype(float)
    np.fill_diagonal(sub, np.inf)
    nearest = np.sort(sub, axis=1)[:, : min(10, len(places) - 1)]
    return int(np.percentile(nearest, 75))


def _encode(problem: Problem, required: set[str], penalty_m: dict[str, int], break_leg: int) -> _Encoded:
    techs, jobs = problem.technicians, problem.jobs
    # Locations: the depots (distinct start/end places), one per job, one per break.
    depot_places = sorted({tech.start for tech in techs} | {tech.end for tech in techs})
    depot_index = {place: index for index, place in enumerate(depot_places)}
    resting = [tech for tech in techs if tech.rest is not None]
    source = [*depot_places, *(job.place for job in jobs)]
    n_real = len(source)
    n = n_real + len(resting)

    coords = problem.coordinates
    locations = [pyvrp.Location(*(coords[place] if place < len(coords) else (0.0, 0.0))) for place in source]
    locations += [pyvrp.Location(0.0, 0.0, name=f"break {tech.id}") for tech in resting]

    base_d = np.zeros((n, n), dtype=np.int64)
    base_t = np.zeros((n, n), dtype=np.int64)
    base_d[:n_real, :n_real] = problem.distance[np.ix_(source, source)]
    base_t[:n_real, :n_real] = problem.duration[np.ix_(source, source)]
    # Into a break: nothing (the technician stays put). Out of it: the assumed leg, no metres.
    base_t[n_real:, :] = break_leg
    np.fill_diagonal(base_t, 0)

    depots = [pyvrp.Depot(index, name=f"depot {place}") for index, place in enumerate(depot_places)]
    clients: list[pyvrp.Client] = []
    job_client: dict[str, int] = {}
    for offset, job in enumerate(jobs):
        early, late = job.window
        is_required = job.id in required
        prize = 0 if is_required else (MUST_PRIZE if job.is_must else
                                       job.penalty if job.penalty is not None else penalty_m.get(job.priority, 0))
        job_client[job.id] = len(clients)
        clients.append(pyvrp.Client(len(depot_places) + offset, delivery=[job.demand], service_duration=job.duration,
                                    tw_early=early, tw_late=late, prize=prize, required=is_required, name=job.id))
    break_client: dict[str, int] = {}
    for offset, tech in enumerate(resting):
        assert tech.rest is not None
        break_client[tech.id] = len(clients)
        clients.append(pyvrp.Client(n_real + offset, delivery=[0], service_duration=tech.rest.duration,
                                    tw_early=tech.rest.earliest, tw_late=tech.rest.latest, required=True,
                                    name=f"break {tech.id}"))

    # One routing profile per distinct set of reachable locations.
    profiles: dict[tuple[int, ...], int] = {}
    blocked_sets: list[np.ndarray] = []
    vehicle_types: list[pyvrp.VehicleType] = []
    vehicle_type: dict[str, int] = {}
    break_locations = {tech.id: n_real + offset for offset, tech in enumerate(resting)}
    for tech in techs:
        blocked = [len(depot_places) + offset for offset, job in enumerate(jobs) if not may_serve(tech, job)]
        blocked += [location for other, location in break_locations.items() if other != tech.id]
        key = tuple(blocked)
        if key not in profiles:
            profiles[key] = len(profiles)
            blocked_sets.append(np.array(blocked, dtype=np.int64))
        vehicle_type[tech.id] = len(vehicle_types)
        vehicle_types.append(pyvrp.VehicleType(
            1, capacity=[tech.capacity], start_depot=depot_index[tech.start], end_depot=depot_index[tech.end],
            tw_early=tech.shift_start, tw_late=tech.shift_end, profile=profiles[key], name=tech.id))
    distances, durations = [], []
    for blocked in blocked_sets:
        d, t = base_d.copy(), base_t
        if len(blocked):
            # Distance only, as PyVRP's reader does: a huge duration would overflow the time-warp penalty.
            d[:, blocked] = MAX_VALUE
            d[blocked, :] = MAX_VALUE
            np.fill_diagonal(d, 0)
        distances.append(d)
        durations.append(t)
    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, distances, durations)
    return _Encoded(data, job_client, break_client, vehicle_type, {v: k for k, v in job_client.items()})


def _warm_solution(encoded: _Encoded, drafts: list[RouteDraft]) -> pyvrp.Solution:
    routes = []
    for draft in drafts:
        visits = [encoded.job_client[job_id] for job_id in draft.job_ids]
        if draft.tech.id in encoded.break_client:
            position = draft.timed.break_after if draft.timed is not None and draft.job_ids else 0
            visits.insert(position, encoded.break_client[draft.tech.id])
        if visits:
            routes.append(pyvrp.Route(encoded.data, visits, encoded.vehicle_type[draft.tech.id]))
    return pyvrp.Solution(encoded.data, routes)


def solve(problem: Problem, settings: SolverSettings | None = None) -> Plan:
    """Plan the day: who does which job, in which order, arriving when; what is left out and why."""
    settings = settings or SolverSettings()
    started = time.perf_counter()
    report = settings.progress or (lambda fraction: None)
    break_leg = settings.break_leg if settings.break_leg is not None else typical_leg(problem)

    # Jobs nobody may do never enter the solver; they are reported with the reason.
    unassigned: dict[str, str] = {}
    plannable: list[Job] = []
    for job in problem.jobs:
        reason = _static_reason(problem, job)
        if reason:
            unassigned[job.id] = reason
        else:
            plannable.append(job)
    if not problem.technicians or not plannable:
        # Nothing to plan, or nobody to plan it for (PyVRP refuses a problem without vehicles): say so at once.
        for job in plannable:
            unassigned[job.id] = "no_technician"
        report(1.0)
        return Plan(routes=[], unassigned=unassigned, distance=0, seconds=round(time.perf_counter() - started, 2),
                    solver="pyvrp", stats={})
    sub = Problem(problem.technicians, plannable, problem.distance, problem.duration, problem.coordinates)

    # The first plan, in the solver's own model of breaks, so PyVRP accepts it as feasible.
    drafts, left_out = cheapest_insertion(sub, break_leg=break_leg) if settings.warm_start else ([], [])
    placed = {job_id for draft in drafts for job_id in draft.job_ids}
    required = {job.id for job in plannable if job.is_must and (job.id in placed or not settings.warm_start)}
    report(0.05)

    encoded = _encode(sub, required, settings.penalty_m, break_leg)
    initial = _warm_solution(encoded, drafts) if settings.warm_start else None
    # Keep a moment for re-timing and re-insertion on the real legs after the search.
    remaining = settings.seconds - (time.perf_counter() - started) - min(1.0, 0.1 * settings.seconds)
    result = _run(encoded, sub, initial, _Stop(remaining, report), settings.seed)
    best = result.best
    if not best.is_feasible() and initial is not None:
        best = initial  # cannot happen with a feasible warm start; kept as the safe answer
    real: dict[str, Route] = {}
    dropped_jobs: list[str] = []
    for pyvrp_route in best.routes():
        tech = problem.technicians[pyvrp_route.vehicle_type()]
        job_ids = [encoded.client_job[activity.idx] for activity in pyvrp_route
                   if activity.is_client() and activity.idx in encoded.client_job]
        route, dropped = _real_route(sub, tech, job_ids)
        dropped_jobs.extend(dropped)
        if route is not None:
            real[tech.id] = route
    # Jobs the re-timing dropped, and any the solver left out, get one more try on the real legs.
    drafts_real = [RouteDraft(tech, real[tech.id].job_ids if tech.id in real else [], timed=real.get(tech.id))
                   for tech in sub.technicians]
    routed = {job_id for route in real.values() for job_id in route.job_ids}
    retry = [job for job in plannable if job.id not in routed]
    drafts_real, _ = cheapest_insertion(sub, drafts=drafts_real, jobs=retry)
    routes = [draft.timed for draft in drafts_real if draft.timed is not None and draft.timed.visits]
    routed = {job_id for route in routes for job_id in route.job_ids}
    for job in plannable:
        if job.id not in routed and job.id not in unassigned:
            unassigned[job.id] = _left_out_reason(sub, job, routes)
    report(1.0)
    return Plan(
        routes=routes, unassigned=unassigned, distance=sum(route.distance for route in routes),
        seconds=round(time.perf_counter() - started, 2), solver="pyvrp",
        stats={"warm_start_left_out": len(left_out), "retimed_dropped": len(dropped_jobs), "break_leg": break_leg,
               "iterations": result.num_iterations, "objective": int(result.cost()) if best.is_feasible() else None,
               "profiles": encoded.data.num_profiles})


def _neighbours(encoded: _Encoded, problem: Problem) -> dict:
    """PyVRP's granular neighbourhood, with the break clients put where they help.

    A break is zero metres from every place, so PyVRP would count every technician's break among each job's
    nearest neighbours, crowding out the real ones, and would try jobs next to breaks of technicians who may
    not do them. Instead a job keeps its nearest jobs plus the breaks of the technicians who may do it (so a
    job can move to just after a break), and a break gets the jobs its technician may do nearest their start.
    """
    from pyvrp.search import NeighbourhoodParams, compute_neighbours

    breaks = set(encoded.break_client.values())
    params = NeighbourhoodParams(num_neighbours=min(JOB_NEIGHBOURS + len(breaks),
                                                    max(encoded.data.num_clients - 1, 1)))
    neighbours = compute_neighbours(encoded.data, params)
    client_activity = {activity.idx: activity for activity in neighbours}
    pruned = {activity: [other for other in near if other.idx not in breaks][:JOB_NEIGHBOURS]
              for activity, near in neighbours.items() if activity.idx not in breaks}
    for tech in problem.technicians:
        client = encoded.break_client.get(tech.id)
        if client is None or client not in client_activity:
            continue
        allowed = [job for job in problem.jobs if may_serve(tech, job)]
        for job in allowed:
            activity = client_activity.get(encoded.job_client[job.id])
            if activity is not None:
                pruned[activity].append(client_activity[client])
        allowed.sort(key=lambda job: int(problem.distance[tech.start, job.place]))
        pruned[client_activity[client]] = [client_activity[encoded.job_client[job.id]]
                                           for job in allowed[:BREAK_NEIGHBOURS]
                                           if encoded.job_client[job.id] in client_activity]
    return pruned


def _run(encoded: _Encoded, problem: Problem, initial: pyvrp.Solution | None, stop: _Stop, seed: int):
    """pyvrp.solve() with our own neighbourhood (see `_neighbours`); otherwise PyVRP's defaults."""
    from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
    from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
    from pyvrp.search import OPERATORS, LocalSearch, PerturbationManager, PerturbationParams

    data = encoded.data
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    search = LocalSearch(data, rng, _neighbours(encoded, problem), PerturbationManager(PerturbationParams()))
    for operator in OPERATORS:
        if operator.supports(data):
            search.add_operator(operator(data))
    penalty = PenaltyParams()
    manager = PenaltyManager(penalty.midpoint_penalties(data), penalty)
    if initial is None:
        initial = search(pyvrp.Solution.make_random(data, rng), manager.max_cost_evaluator(), exhaustive=True)
    algorithm = IteratedLocalSearch(data, manager, search, initial, IteratedLocalSearchParams())
    return algorithm.run(stop, collect_stats=False, display=False)


def _real_route(problem: Problem, tech: Technician, job_ids: list[str]) -> tuple[Route | None, list[str]]:
    """Time the solver's sequence on the real legs; if it no longer fits, drop as little as possible.

    The solver's leg after the break is an assumption (`break_leg`); where the real one is longer the day can
    run past a window. Then the break is tried at every position, and failing that the least important job
    whose removal makes the day fit is dropped (it goes back to the pool for re-insertion).
    """
    job_ids = list(job_ids)
    dropped: list[str] = []
    while job_ids:
        route = schedule(problem, tech, job_ids, every_break=True)
        if route is not None:
            return route, dropped
        # Optional work goes first, least important first; a must job only once nothing optional is left.
        optional = [job_id for job_id in job_ids if not problem.job(job_id).is_must]
        pool = optional or job_ids
        order = sorted(pool, key=lambda job_id: -_RANK.get(problem.job(job_id).priority, 4))
        victim = next((job_id for job_id in order
                       if schedule(problem, tech, [j for j in job_ids if j != job_id], every_break=True)),
                      order[0])
        job_ids.remove(victim)
        dropped.append(victim)
    return schedule(problem, tech, []), dropped


def _static_reason(problem: Problem, job: Job) -> str | None:
    """Why no technician can ever do this job today, or None."""
    eligible = [tech for tech in problem.technicians if may_serve(tech, job)]
    if not eligible:
        reasons = [refusal(tech, job) for tech in problem.technicians]
        if not reasons:
            return "no_technician"
        for code in ("pinned_elsewhere", "skill_missing", "area_not_allowed"):
            if code in reasons and all(reason == code for reason in reasons if reason != "pinned_elsewhere"):
                return code
        return reasons[0] or "no_eligible_technician"
    early, late = job.window
    if not any(max(early, tech.shift_start) + job.duration <= tech.shift_end and late >= tech.shift_start
               for tech in eligible):
        return "outside_shift"
    return None


def _left_out_reason(problem: Problem, job: Job, routes: list[Route]) -> str:
    eligible = {tech.id: tech for tech in problem.technicians if may_serve(tech, job)}
    loads = {route.technician_id: sum(problem.job(v).demand for v in route.job_ids) for route in routes}
    if all(loads.get(tech_id, 0) + job.demand > tech.capacity for tech_id, tech in eligible.items()):
        return "capacity"
    return "no_time"
