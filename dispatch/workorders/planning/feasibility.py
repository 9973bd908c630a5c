"""An independent check of a plan against its problem: the tests and the benchmark trust this, not the solver.

It re-derives everything from the problem's matrices and the plan's stated times, without the solver's code
or its model of breaks: each job at most once, every must job planned, each technician allowed (skills, area,
pin), capacity, shift start and end, appointment windows and pinned times, the break (length, window, no work
or travel during it), consistent travel times and distances.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Job, Plan, Problem, Route, Technician


@dataclass
class Report:
    violations: list[str] = field(default_factory=list)
    missing_must: list[str] = field(default_factory=list)  # must jobs not planned (reported, not a violation)
    distance: int = 0

    @property
    def feasible(self) -> bool:
        return not self.violations

    @property
    def complete(self) -> bool:
        return not self.violations and not self.missing_must


def check(problem: Problem, plan: Plan) -> Report:
    report = Report()
    jobs = {job.id: job for job in problem.jobs}
    techs = {tech.id: tech for tech in problem.technicians}
    seen: set[str] = set()
    used_techs: set[str] = set()
    for route in plan.routes:
        tech = techs.get(route.technician_id)
        if tech is None:
            report.violations.append(f"route for unknown technician {route.technician_id}")
            continue
        if tech.id in used_techs:
            report.violations.append(f"{tech.id}: two routes")
        used_techs.add(tech.id)
        for visit in route.visits:
            if visit.job_id not in jobs:
                report.violations.append(f"{tech.id}: unknown job {visit.job_id}")
            elif visit.job_id in seen:
                report.violations.append(f"{visit.job_id}: planned twice")
            seen.add(visit.job_id)
        if all(visit.job_id in jobs for visit in route.visits):
            _check_route(problem, tech, route, jobs, report)
    for job in problem.jobs:
        must = job.must or job.priority == "emergency" or job.pinned_technician or job.pinned_time is not None
        if must and job.id not in seen:
            report.missing_must.append(job.id)
        if job.id in seen and job.id in plan.unassigned:
            report.violations.append(f"{job.id}: both planned and unassigned")
    if report.distance != plan.distance:
        report.violations.append(f"plan distance {plan.distance} != {report.distance} recomputed")
    return report


def _check_route(problem: Problem, tech: Technician, route: Route, jobs: dict[str, Job], report: Report) -> None:
    v = report.violations
    d, t = problem.distance, problem.duration
    name = tech.id
    load = sum(jobs[visit.job_id].demand for visit in route.visits)
    if load > tech.capacity:
        v.append(f"{name}: load {load} over capacity {tech.capacity}")
    if route.departure < tech.shift_start:
        v.append(f"{name}: leaves at {route.departure}, before the shift starts at {tech.shift_start}")
    has_break = tech.rest is not None and bool(route.visits)
    if has_break:
        rest = tech.rest
        assert rest is not None
        if route.break_start is None:
            v.append(f"{name}: no break")
        elif not rest.earliest <= route.break_start <= rest.latest:
            v.append(f"{name}: break at {route.break_start} outside {rest.earliest}..{rest.latest}")
        if not 0 <= route.break_after <= len(route.visits):
            v.append(f"{name}: break position {route.break_after} out of range")
    place, free, distance = tech.start, route.departure, 0
    for index, visit in enumerate(route.visits):
        job = jobs[visit.job_id]
        if has_break and route.break_after == index and route.break_start is not None:
            if route.break_start < free:
                v.append(f"{name}: break at {route.break_start} overlaps work or travel until {free}")
            free = route.break_start + tech.rest.duration  # type: ignore[union-attr]
        # Skills, area and pin, checked here on their own (not with the model's helper).
        if not set(job.skills) <= set(tech.skills):
            v.append(f"{job.id}: {name} lacks {sorted(set(job.skills) - set(tech.skills))}")
        if tech.areas is not None and job.area is not None and job.area not in tech.areas:
            v.append(f"{job.id}: area {job.area} not allowed for {name}")
        if job.pinned_technician is not None and job.pinned_technician != name:
            v.append(f"{job.id}: pinned to {job.pinned_technician}, planned for {name}")
        leg_t, leg_d = int(t[place, job.place]), int(d[place, job.place])
        if visit.travel_distance != leg_d:
            v.append(f"{job.id}: leg of {visit.travel_distance} m stated, {leg_d} m in the matrix")
        if visit.arrival < free + leg_t:
            v.append(f"{job.id}: arrives at {visit.arrival}, cannot before {free + leg_t}")
        if visit.start < visit.arrival:
            v.append(f"{job.id}: starts before arriving")
        if job.pinned_time is not None:
            if visit.start != job.pinned_time:
                v.append(f"{job.id}: pinned to {job.pinned_time}, starts at {visit.start}")
        elif not job.earliest <= visit.start <= job.latest:
            v.append(f"{job.id}: starts at {visit.start} outside its window {job.earliest}..{job.latest}")
        if visit.end != visit.start + job.duration:
            v.append(f"{job.id}: work of {visit.end - visit.start} s, needs {job.duration} s")
        distance += leg_d
        place, free = job.place, visit.end
    if has_break and route.break_after == len(route.visits) and route.break_start is not None:
        if route.break_start < free:
            v.append(f"{name}: break at {route.break_start} overlaps work until {free}")
        free = route.break_start + tech.rest.duration  # type: ignore[union-attr]
    back = free + int(t[place, tech.end])
    distance += int(d[place, tech.end])
    if route.return_time < back:
        v.append(f"{name}: back at {route.return_time}, cannot before {back}")
    if max(route.return_time, back) > tech.shift_end:
        v.append(f"{name}: back at {max(route.return_time, back)}, after the shift ends at {tech.shift_end}")
    if route.distance != distance:
        v.append(f"{name}: route distance {route.distance} != {distance} recomputed")
    report.distance += distance
