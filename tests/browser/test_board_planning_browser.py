"""Planning a day from the dispatcher board in a real browser: preview with routes on the map, commit, timelines."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.org.models import WeeklyShift
from dispatch.workorders.models import RoutePlan, Status, WorkOrder
from dispatch.workorders.planning import services as planning
from tests.factories import AreaFactory, PremisesFactory, ServiceOfficeFactory, StaffProfileFactory, UserFactory, square
from tests.factories.org import PASSWORD
from tests.factories.workorders import WorkOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOMES = [(22.805, 108.305), (22.845, 108.305), (22.825, 108.345)]


@pytest.fixture(autouse=True)
def _short_plans(settings):
    settings.PLANNING_BOARD_SECONDS = 2


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def small_day(day):
    """An office with three repairers (08:00–17:00, lunch at noon) and twelve repairs for the day."""
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    area = AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))
    desk = UserFactory(username="desk", first_name="Desk", roles=["dispatcher"])
    StaffProfileFactory(user=desk, office=office)
    crew = []
    for index, (lat, lng) in enumerate(HOMES):
        user = UserFactory(username=f"tech{index}", first_name=["Wei", "Lan", "Hua"][index], last_name="Li",
                           roles=["technician"])
        staff = StaffProfileFactory(user=user, office=office, skills=["repair"], weekdays=[], home_lat=lat,
                                    home_lng=lng)
        for weekday in range(7):
            WeeklyShift.objects.create(staff=staff, weekday=weekday, start=time(8), end=time(17),
                                       break_start=time(12), break_end=time(13))
        crew.append(staff)
    jobs = []
    for index in range(12):
        home_lat, home_lng = HOMES[index % 3]
        lat, lng = home_lat + 0.003 * (index // 3 + 1), home_lng + 0.002 * (index // 3)
        jobs.append(WorkOrderFactory(area=area, premises=PremisesFactory(area=area, lat=lat, lng=lng),
                                     scheduled_date=day, address=f"{index + 1} Minzu Avenue"))
    return office, crew, jobs


def _sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "desk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("a[href='/board/']").first).to_be_visible()


def _shot(page, artifacts, name: str):
    path = artifacts / f"board-plan-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_dispatcher_plans_the_day_reviews_the_routes_and_commits(live_server, page, artifacts, small_day, day):
    office, _crew, _jobs = small_day
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = []
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/board/?office={office.pk}&date={day.isoformat()}")
    expect(page.locator(".queue .wo-card")).to_have_count(12)
    expect(page.locator(".map-route")).to_have_count(0)

    page.locator("button.plan-start").click()

    panel = page.locator("#plan-panel")
    expect(panel.locator("button.plan-commit")).to_be_visible(timeout=30_000)
    plan = RoutePlan.objects.get()
    assert plan.state == RoutePlan.State.READY
    with_jobs = [route for route in plan.result["routes"] if route["visits"]]
    assert sum(len(route["visits"]) for route in with_jobs) == 12
    # Per technician: the route in visiting order with arrival times, km and utilisation.
    expect(panel.locator(".plan-route")).to_have_count(len(with_jobs))
    for route in with_jobs:
        box = panel.locator(f".plan-route[data-technician-id='{route['technician']}']")
        expect(box.locator(".plan-visits li")).to_have_count(len(route["visits"]))
        expect(box.locator(".plan-visits li").first).to_have_attribute(
            "data-order-id", str(route["visits"][0]["work_order"]))
        expect(box.locator(".plan-visits li time").first).to_have_text(re.compile(r"^\d\d:\d\d$"))
        expect(box.locator(".plan-figures")).to_contain_text(f"{route['km']} km")
        expect(box.locator(".plan-figures")).to_contain_text("% busy")
    # The routes on the map: one line per technician with jobs, each its own colour.
    lines = page.locator("svg.board-map polyline.map-route.preview")
    expect(lines).to_have_count(len(with_jobs))
    colours = {lines.nth(n).evaluate("line => getComputedStyle(line).stroke") for n in range(len(with_jobs))}
    assert len(colours) == len(with_jobs)
    assert WorkOrder.objects.filter(status=Status.NEW).count() == 12  # nothing assigned before the commit
    shots.append(_shot(page, artifacts, "preview"))

    panel.locator("button.plan-commit").click()

    expect(page.locator(".plan-notice.ok")).to_contain_text("Plan committed: 12 jobs assigned and ordered.")
    expect(page.locator("button.plan-commit")).to_have_count(0)
    for route in with_jobs:
        row = page.locator(f"#tech-{route['technician']}")
        expect(row.locator(".slot")).to_have_count(len(route["visits"]))
        expect(row.locator(".slot.estimated")).to_have_count(0)  # at their planned times
    expect(page.locator(".queue .wo-card .badge-status", has_text="Assigned")).to_have_count(12)
    expect(page.locator("svg.board-map polyline.map-route.committed")).to_have_count(len(with_jobs))
    assert WorkOrder.objects.filter(status=Status.ASSIGNED, sequence__isnull=False).count() == 12
    shots.append(_shot(page, artifacts, "committed"))

    # A reload still shows the committed routes.
    page.reload()
    expect(page.locator("svg.board-map polyline.map-route.committed")).to_have_count(len(with_jobs))

    assert errors == []
    for path in shots:
        assert path.exists() and path.stat().st_size > 0, path


def test_the_board_polls_a_running_plan_until_its_preview_is_ready(live_server, page, artifacts, small_day, day):
    office, _crew, _jobs = small_day
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A plan waiting for a worker (as when Celery runs elsewhere).
    plan = RoutePlan.objects.create(office=office, day=day, seconds=1, created_by=None)
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/board/?office={office.pk}&date={day.isoformat()}")
    panel = page.locator("#plan-panel")
    expect(panel).to_have_attribute("data-state", "queued")
    expect(panel).to_contain_text("Waiting for the planner")
    RoutePlan.objects.filter(pk=plan.pk).update(state=RoutePlan.State.RUNNING, progress=37)
    expect(panel.locator("progress")).to_have_attribute("value", "37")  # polled, no reload
    path = _shot(page, artifacts, "progress")
    RoutePlan.objects.filter(pk=plan.pk).update(state=RoutePlan.State.QUEUED, progress=0)

    planning.plan_run(plan.pk)  # the worker's job, done here

    expect(page.locator("#plan-panel button.plan-commit")).to_be_visible(timeout=30_000)
    expect(page.locator("svg.board-map polyline.map-route.preview")).to_have_count(
        len([route for route in RoutePlan.objects.get(pk=plan.pk).result["routes"] if route["visits"]]))
    page.locator("#plan-panel button.plan-discard").click()
    expect(page.locator("#plan-panel")).to_contain_text("Plan discarded")
    expect(page.locator("svg.board-map polyline.map-route")).to_have_count(0)
    assert not RoutePlan.objects.exists()
    assert errors == []
    assert path.exists() and path.stat().st_size > 0
