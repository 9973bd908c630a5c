"""Measure the route planner: `plan_benchmark --solomon FILE --seconds N` or `--synthetic JOBS,TECHS --seed S`.

Both run the product's own planning code (planning.solver.solve) and check the answer with the independent
checker (planning.feasibility), then print one JSON line.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from dispatch.workorders.planning import benchmark, feasibility, insertion
from dispatch.workorders.planning.model import Job
from dispatch.workorders.planning.solver import SolverSettings, solve


class Command(BaseCommand):
    help = "Solve a Solomon VRPTW instance or a generated city day with the planner; print one JSON line."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--solomon", metavar="FILE", help="a Solomon-format instance (e.g. C101.txt)")
        source.add_argument("--synthetic", metavar="JOBS,TECHS", help="a generated day, e.g. 600,40")
        parser.add_argument("--seconds", type=float, default=30.0, help="time limit (default 30)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if options["seconds"] <= 0:
            raise CommandError("--seconds must be positive")
        settings = SolverSettings(seconds=options["seconds"], seed=options["seed"])
        if options["solomon"]:
            out = self._solomon(options["solomon"], settings)
        else:
            out = self._synthetic(options["synthetic"], options["seed"], settings)
        self.stdout.write(json.dumps(out))

    def _solomon(self, path: str, settings: SolverSettings) -> dict:
        try:
            instance = benchmark.read_solomon(path)
        except (OSError, ValueError, IndexError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        plan = solve(instance.problem, settings)
        report = feasibility.check(instance.problem, plan)
        return {
            "instance": instance.name, "vehicles": len(plan.routes),
            "distance": round(plan.distance / benchmark.SCALE, 1),
            "feasible": report.complete, "seconds": plan.seconds,
            "routes": [[int(job_id) for job_id in route.job_ids] for route in plan.routes],
        }

    def _synthetic(self, spec: str, seed: int, settings: SolverSettings) -> dict:
        try:
            jobs, techs = (int(part) for part in spec.split(","))
        except ValueError as exc:
            raise CommandError("--synthetic takes JOBS,TECHS, e.g. 600,40") from exc
        problem = benchmark.synthetic_day(jobs, techs, seed)
        plan = solve(problem, settings)
        report = feasibility.check(problem, plan)
        by_priority: dict[str, int] = {}
        for job_id in plan.unassigned:
            priority = problem.job(job_id).priority
            by_priority[priority] = by_priority.get(priority, 0) + 1
        must = [job for job in problem.jobs if job.is_must]
        # An emergency rung in at 10:00, fitted into the day as it stands then.
        emergency = Job(id="EMERGENCY", place=problem.jobs[len(problem.jobs) // 2].place, duration=3600,
                        skills=frozenset({"gas-escape"}), earliest=10 * 3600, latest=11 * 3600,
                        priority="emergency", area=problem.jobs[len(problem.jobs) // 2].area)
        started = time.perf_counter()
        proposal = insertion.insert_emergency(problem, plan, emergency, now=10 * 3600)
        insertion_seconds = round(time.perf_counter() - started, 3)
        return {
            "instance": f"synthetic-{jobs}x{techs}-seed{seed}", "vehicles": len(plan.routes),
            "distance": round(plan.distance / 1000, 1), "feasible": report.feasible, "seconds": plan.seconds,
            "routes": [route.job_ids for route in plan.routes],
            "assigned": sum(len(route.visits) for route in plan.routes), "jobs": jobs,
            "unassigned_by_priority": by_priority,
            "must_jobs": len(must), "must_unassigned": len(report.missing_must),
            "breaks_kept": all(route.break_start is not None for route in plan.routes
                               if problem.technician(route.technician_id).rest is not None),
            "km": round(plan.distance / 1000, 1),
            "emergency_insertion": {
                "seconds": insertion_seconds,
                "technician": proposal.tech_id if proposal else None,
                "arrival": proposal.arrival if proposal else None,
                "added_km": round(proposal.added_distance / 1000, 1) if proposal else None,
            },
        }
