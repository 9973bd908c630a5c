"""Every rule the planner keeps, each where breaking it would be cheaper (less travel) than keeping it.

Short time limits and tiny problems: these test the model, not the search.
"""

import pytest

from dispatch.workorders.planning.feasibility import check
from dispatch.workorders.planning.model import Break
from dispatch.workorders.planning.solver import SolverSettings, solve

from .helpers import H, flat_problem, job, tech

FAST = SolverSettings(seconds=1.0)
# Place 0: the near technician's base, right next to the job at place 1; place 2: a far base, 20 km away.
POINTS = [(0, 0), (0.5, 0), (20, 0), (1, 0), (0.5, 0.5), (1.5, 0)]


def planned(problem, settings=FAST):
    plan = solve(problem, settings)
    report = check(problem, plan)
    assert report.feasible, report.violations
    return plan, {job_id: tech_id for job_id, tech_id in plan.assigned()}


def test_skill_sends_the_far_technician():
    problem = flat_problem(POINTS, [tech("near", 0), tech("far", 2, skills={"gas-escape"})],
                           [job("leak", 1, skills={"gas-escape"}, priority="urgent")])
    _, who = planned(problem)
    assert who == {"leak": "far"}


def test_area_sends_the_far_technician():
    problem = flat_problem(POINTS, [tech("near", 0, areas={"north"}), tech("far", 2, areas={"south"})],
                           [job("j", 1, area="south")])
    _, who = planned(problem)
    assert who == {"j": "far"}


def test_shift_keeps_work_inside_hours():
    # The near technician starts at 10:00; the job must begin by 09:00, so only the early (far) one can.
    problem = flat_problem(POINTS, [tech("near", 0, start=10 * H), tech("far", 2, start=7 * H)],
                           [job("early", 1, earliest=8 * H, latest=9 * H)])
    plan, who = planned(problem)
    assert who == {"early": "far"}
    route = plan.route_of("far")
    assert route.departure >= 7 * H and route.return_time <= 18 * H


def test_shift_end_leaves_out_rather_than_overrun():
    problem = flat_problem(POINTS, [tech("only", 0, start=8 * H, end=9 * H)],
                           [job("long", 1, duration=2 * H, priority="urgent")])
    plan, who = planned(problem)
    assert who == {}
    assert plan.unassigned == {"long": "outside_shift"}


def test_break_is_kept_and_work_goes_around_it():
    rest = Break(earliest=12 * H, latest=12 * H, duration=H)
    # The job's window falls inside the near technician's lunch; the far one lunches at 13:00.
    problem = flat_problem(POINTS, [tech("near", 0, rest=rest),
                                    tech("far", 2, rest=Break(earliest=13 * H, latest=13 * H, duration=H))],
                           [job("noon", 1, earliest=12 * H, latest=12 * H + 1800, duration=1200),
                            job("morning", 3, earliest=9 * H, latest=10 * H)])
    plan, who = planned(problem)
    assert who["noon"] == "far"
    for route in plan.routes:
        assert route.break_start is not None


def test_break_with_one_technician_leaves_the_job_out():
    rest = Break(earliest=12 * H, latest=12 * H, duration=H)
    problem = flat_problem(POINTS, [tech("only", 0, rest=rest)],
                           [job("noon", 1, earliest=12 * H, latest=12 * H + 1800, duration=1200),
                            job("other", 3)])
    plan, who = planned(problem)
    assert "noon" not in who and who["other"] == "only"
    route = plan.route_of("only")
    assert route.break_start == 12 * H
    visit = route.visits[0]
    assert visit.end <= 12 * H or visit.start >= 13 * H


def test_windows_force_the_longer_order():
    # Nearest-first would be a then b; b's window is in the morning and a's in the afternoon.
    problem = flat_problem(POINTS, [tech("only", 0)],
                           [job("a", 1, earliest=15 * H, latest=16 * H), job("b", 2, earliest=9 * H, latest=10 * H)])
    plan, _ = planned(problem)
    route = plan.route_of("only")
    assert route.job_ids == ["b", "a"]
    assert 15 * H <= route.visits[1].start <= 16 * H
    assert 9 * H <= route.visits[0].start <= 10 * H


def test_pin_to_technician_is_kept():
    problem = flat_problem(POINTS, [tech("near", 0), tech("far", 2)], [job("j", 1, pinned_technician="far")])
    _, who = planned(problem)
    assert who == {"j": "far"}


def test_pin_to_time_is_kept():
    problem = flat_problem(POINTS, [tech("only", 0)], [job("j", 1, pinned_time=14 * H), job("k", 3)])
    plan, _ = planned(problem)
    visit = next(v for v in plan.route_of("only").visits if v.job_id == "j")
    assert visit.start == 14 * H


@pytest.mark.parametrize(("capacity", "near_jobs"), [(12, 3), (2, None)])
def test_capacity_is_kept(capacity, near_jobs):
    problem = flat_problem(POINTS, [tech("near", 0, capacity=capacity), tech("far", 2)],
                           [job("a", 1), job("b", 3), job("c", 4)])
    _, who = planned(problem)
    assert len(who) == 3
    count = list(who.values()).count("near")
    # Without the limit the near technician does all three (the control); with it, at most two.
    assert count == near_jobs if near_jobs is not None else count <= capacity


def test_emergency_is_planned_on_an_overbooked_day():
    # Half a day, many planned jobs next door, an emergency far away that costs the most travel.
    points = [(0, 0), *[(0.1 * k, 0.1) for k in range(1, 16)], (15, 0)]
    jobs = [job(f"p{k}", k, duration=1200, priority="planned") for k in range(1, 16)]
    jobs.append(job("leak", 16, duration=3600, priority="emergency", earliest=9 * H, latest=10 * H))
    problem = flat_problem(points, [tech("only", 0, start=8 * H, end=13 * H)], jobs)
    plan, who = planned(problem)
    assert who["leak"] == "only"
    assert plan.unassigned and all(reason in {"no_time", "capacity"} for reason in plan.unassigned.values())


def test_sla_critical_job_is_planned_before_cheaper_work():
    points = [(0, 0), *[(0.1 * k, 0.1) for k in range(1, 12)], (12, 0)]
    jobs = [job(f"n{k}", k, duration=1800, priority="normal") for k in range(1, 12)]
    jobs.append(job("sla", 12, duration=1800, priority="normal", must=True))
    problem = flat_problem(points, [tech("only", 0, start=8 * H, end=12 * H)], jobs)
    _, who = planned(problem)
    assert "sla" in who


def test_unassigned_jobs_get_reasons():
    problem = flat_problem(POINTS, [tech("only", 0)],
                           [job("needs-skill", 1, skills={"metrology"}), job("pinned", 3, pinned_technician="ghost"),
                            job("night", 4, earliest=22 * H, latest=23 * H)])
    plan, who = planned(problem)
    assert who == {}
    assert plan.unassigned == {"needs-skill": "skill_missing", "pinned": "pinned_elsewhere",
                               "night": "outside_shift"}


@pytest.mark.parametrize("warm", [True, False])
def test_warm_and_cold_start_both_feasible(warm):
    problem = flat_problem(POINTS, [tech("a", 0), tech("b", 2)], [job(str(k), k) for k in (1, 3, 4, 5)])
    _plan, who = planned(problem, SolverSettings(seconds=0.5, warm_start=warm))
    assert len(who) == 4
