import copy
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from dispatch.workorders.planning.benchmark import read_solomon, solomon_total, synthetic_day
from dispatch.workorders.planning.feasibility import check
from dispatch.workorders.planning.insertion import cheapest_insertion, insert_emergency, schedule
from dispatch.workorders.planning.matrix import GreatCircleMatrix, OsrmMatrix, Place
from dispatch.workorders.planning.model import Break, Plan
from dispatch.workorders.planning.solver import SolverSettings, solve

from .helpers import H, flat_problem, job, tech

SOLOMON = Path(__file__).resolve().parents[3] / "benchmarks" / "solomon"
POINTS = [(0, 0), (1, 0), (2, 0), (3, 0), (20, 0)]


def one_route_plan(problem, tech_id, job_ids, **kwargs):
    route = schedule(problem, problem.technician(tech_id), job_ids, **kwargs)
    assert route is not None
    return Plan([route], {}, route.distance)


def test_checker_accepts_a_timed_route_and_catches_each_violation():
    rest = Break(12 * H, 12 * H, H)
    problem = flat_problem(POINTS, [tech("t", 0, skills={"x"}, areas={"n"}, capacity=3, rest=rest)],
                           [job("a", 1, skills={"x"}, area="n", earliest=9 * H, latest=10 * H), job("b", 2),
                            job("c", 3, pinned_time=14 * H)])
    plan = one_route_plan(problem, "t", ["a", "b", "c"])
    assert check(problem, plan).feasible

    def broken(change):
        bad = copy.deepcopy(plan)
        change(bad)
        return check(problem, bad).violations

    def late_window(p):
        p.routes[0].visits[0].start = p.routes[0].visits[0].end = 11 * H

    def lunch_moved(p):
        p.routes[0].break_start = 12 * H + 600

    def pin_moved(p):
        p.routes[0].visits[2].start += 60
        p.routes[0].visits[2].end += 60

    def overrun(p):
        p.routes[0].return_time = 19 * H

    def early_start(p):
        p.routes[0].departure = 7 * H

    assert any("window" in v for v in broken(late_window))
    assert any("break" in v for v in broken(lunch_moved))
    assert any("pinned" in v for v in broken(pin_moved))
    assert any("shift ends" in v for v in broken(overrun))
    assert any("before the shift" in v for v in broken(early_start))
    # A technician without the skill, outside the area, over capacity, and a job planned twice.
    for changed in (dict(skills=frozenset()), dict(areas=frozenset({"s"})), dict(capacity=2)):
        other = flat_problem(POINTS, [replace(problem.technicians[0], **changed)], problem.jobs)
        assert not check(other, plan).feasible
    twice = copy.deepcopy(plan)
    twice.routes[0].visits.append(copy.deepcopy(twice.routes[0].visits[0]))
    assert any("twice" in v for v in check(problem, twice).violations)


def test_checker_reports_missing_must_jobs():
    problem = flat_problem(POINTS, [tech("t", 0)], [job("leak", 1, priority="emergency")])
    report = check(problem, Plan([], {"leak": "no_time"}, 0))
    assert report.feasible and report.missing_must == ["leak"] and not report.complete


def test_break_is_placed_where_it_fits():
    rest = Break(11 * H + 1800, 12 * H + 1800, H)
    problem = flat_problem(POINTS, [tech("t", 0, rest=rest)],
                           [job("a", 1, earliest=11 * H, latest=11 * H), job("b", 2, earliest=13 * H, latest=14 * H)])
    route = schedule(problem, problem.technician("t"), ["a", "b"])
    assert route.break_after == 1 and 11 * H + 1800 <= route.break_start <= 12 * H + 1800
    assert route.visits[1].start >= route.break_start + H


def test_great_circle_matrix_uses_circuity_and_area_speed():
    places = [Place(22.80, 108.30, "slow"), Place(22.81, 108.30, "slow"), Place(22.81, 108.30, "fast")]
    distance, duration = GreatCircleMatrix(circuity=1.5, speed_kmh={"slow": 18, "fast": 36}).matrices(places)
    assert distance[0, 1] == pytest.approx(1112 * 1.5, rel=0.01)
    assert distance[1, 2] == 0 and np.all(np.diag(distance) == 0)
    assert duration[0, 1] == pytest.approx(distance[0, 1] / 5, rel=0.01)  # 18 km/h = 5 m/s
    assert duration[1, 0] == duration[0, 1]


def test_osrm_table_is_parsed_and_gaps_fall_back_to_estimates():
    places = [Place(22.80, 108.30), Place(22.81, 108.30)]
    body = {"code": "Ok", "distances": [[0, 1500.4], [None, 0]], "durations": [[0, 200.6], [None, 0]]}
    distance, duration = OsrmMatrix("http://osrm.invalid").parse(body, places)
    assert distance[0, 1] == 1500 and duration[0, 1] == 201
    assert distance[1, 0] > 1000 and duration[1, 0] > 0


def test_emergency_goes_to_a_technician_with_the_skill_and_keeps_promised_windows():
    problem = flat_problem([(0, 0), (0.5, 0), (1, 0), (9, 0), (1.2, 0)],
                           [tech("near", 0), tech("far", 3, skills={"gas-escape"})],
                           [job("a", 1, earliest=13 * H, latest=14 * H), job("b", 2)])
    plan = solve(problem, SolverSettings(seconds=0.5))
    leak = job("leak", 4, skills={"gas-escape"}, priority="emergency", earliest=10 * H, latest=11 * H)
    proposal = insert_emergency(problem, plan, leak, now=10 * H)
    assert proposal is not None and proposal.tech_id == "far"
    assert 10 * H <= proposal.arrival <= 11 * H
    for visit in proposal.route.visits:
        assert visit.start >= 10 * H


def test_emergency_without_anyone_able_is_refused():
    problem = flat_problem(POINTS, [tech("t", 0)], [job("a", 1)])
    plan = solve(problem, SolverSettings(seconds=0.3))
    assert insert_emergency(problem, plan, job("leak", 2, skills={"gas-escape"}), now=10 * H) is None


def test_cheapest_insertion_is_feasible_on_a_generated_day():
    problem = synthetic_day(80, 6, seed=3)
    drafts, left_out = cheapest_insertion(problem)
    plan = Plan([d.timed for d in drafts if d.timed and d.timed.visits], dict.fromkeys(left_out, "no_time"),
                sum(d.timed.distance for d in drafts if d.timed and d.timed.visits))
    assert check(problem, plan).feasible


def test_generated_day_plans_every_must_job_and_keeps_breaks():
    problem = synthetic_day(120, 8, seed=2)
    plan = solve(problem, SolverSettings(seconds=2))
    report = check(problem, plan)
    assert report.feasible, report.violations[:5]
    assert report.missing_must == []
    assert all(route.break_start is not None for route in plan.routes)


def test_solomon_reader_matches_the_best_known_cost():
    instance = read_solomon(SOLOMON / "C101.txt")
    routes = [line.split(":")[1].split() for line in (SOLOMON / "C101.sol").read_text().splitlines()
              if line.startswith("Route")]
    assert instance.vehicles == 25 and len(instance.problem.jobs) == 100
    assert solomon_total(instance.problem, routes) == 827.3


def test_plan_benchmark_command_prints_a_checked_solution():
    out = io.StringIO()
    call_command("plan_benchmark", solomon=str(SOLOMON / "C201.txt"), seconds=1, stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"instance", "vehicles", "distance", "feasible", "seconds", "routes"}
    assert result["feasible"] is True
    assert sorted(c for route in result["routes"] for c in route) == list(range(1, 101))


def test_plan_benchmark_synthetic():
    out = io.StringIO()
    call_command("plan_benchmark", synthetic="60,4", seed=1, seconds=1, stdout=out)
    result = json.loads(out.getvalue())
    assert result["feasible"] and result["must_unassigned"] == 0 and result["breaks_kept"]
    assert result["assigned"] + sum(result["unassigned_by_priority"].values()) == 60
