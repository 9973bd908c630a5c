"""Route planning on the dispatcher board: start, progress, preview (routes, left out, map), commit, discard;
an emergency fitted into today's routes; access and office scoping. Short solver runs (1 s)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from dispatch.workorders import services as workorder_services
from dispatch.workorders.models import RoutePlan, Status, WorkOrder
from tests.factories import AreaFactory, PremisesFactory, StaffProfileFactory, UserFactory, square
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import make_technician
from tests.workorders.test_board import HTMX, board_client, element

pytestmark = pytest.mark.django_db

BOARD = "/board/"


@pytest.fixture(autouse=True)
def _short_plans(settings, english):
    settings.PLANNING_BOARD_SECONDS = 1


@pytest.fixture
def day(today):
    return today + timedelta(days=1)


def job(area, lat, lng, **kwargs):
    return WorkOrderFactory(area=area, premises=PremisesFactory(area=area, lat=lat, lng=lng), **kwargs)


@pytest.fixture
def crew(office):
    """Two repairers at opposite ends of the area."""
    return [make_technician(office, "west", home_lat=22.81, home_lng=108.31),
            make_technician(office, "east", home_lat=22.84, home_lng=108.34)]


@pytest.fixture
def day_jobs(area, day):
    """Four repairs for the day near each home base, and one job nobody can do (no one holds the skill)."""
    repairs = [job(area, 22.811 + 0.002 * k, 108.311, scheduled_date=day) for k in range(2)]
    repairs += [job(area, 22.839 - 0.002 * k, 108.339, scheduled_date=day) for k in range(2)]
    odd = job(area, 22.825, 108.325, kind="commissioning", scheduled_date=day)
    return repairs, odd


def start(client, office, day, capture, **extra):
    """Press "Plan the day"; the task runs when the request's transaction commits (eager Celery)."""
    with capture(execute=True):
        response = client.post(f"{BOARD}plans/", {"office": office.pk, "date": day.isoformat(), **extra}, **HTMX)
    return response


def planned(client, office, day, capture):
    response = start(client, office, day, capture)
    assert response.status_code == 200, response.content.decode()[:500]
    return RoutePlan.objects.latest("created_at")


def polylines(html: str, kind: str) -> list[str]:
    return re.findall(rf'<polyline class="map-route {kind}"[^>]*data-technician-id="(\d+)"', html)


# --- start, progress, preview ------------------------------------------------------------------------------------


def test_plan_the_day_shows_progress_then_the_preview(dispatcher, office, area, crew, day_jobs, day,
                                                      django_capture_on_commit_callbacks):
    repairs, odd = day_jobs
    client = board_client(dispatcher)
    page = client.get(BOARD, {"office": office.pk, "date": day.isoformat()}).content.decode()
    assert "Plan the day" in element(page, "plan-section")

    started = start(client, office, day, django_capture_on_commit_callbacks)

    # The answer to the button is the progress panel, polling itself every second until the plan is made.
    assert started.status_code == 200
    panel = started.content.decode()
    plan = RoutePlan.objects.get()
    assert plan.office == office and plan.day == day and plan.seconds == 1 and plan.created_by == dispatcher
    assert f'hx-get="/board/plans/{plan.pk}/"' in panel and 'hx-trigger="every 1s"' in panel
    assert 'data-state="queued"' in panel and "<progress" in panel

    plan.refresh_from_db()
    assert plan.state == RoutePlan.State.READY and plan.progress == 100
    polled = client.get(f"{BOARD}plans/{plan.pk}/", {"office": office.pk, "date": day.isoformat()}, **HTMX)

    # Ready: the whole board comes back with the preview in it (and no more polling).
    assert polled.status_code == 200
    assert polled["HX-Retarget"] == "#board-main" and polled["HX-Reswap"] == "outerHTML"
    html = polled.content.decode()
    preview = element(html, "plan-panel")
    assert 'hx-trigger="every 1s"' not in preview
    assert "Commit the plan" in preview and "Discard" in preview
    routes = plan.result["routes"]
    assert {route["technician"] for route in routes} == {tech.pk for tech in crew}
    for route in routes:
        box = re.search(rf'<div class="plan-route" data-technician-id="{route["technician"]}">(.*?)</ol>', preview,
                        re.S).group(1)
        # In visiting order, each with its arrival time.
        shown = re.findall(r'<li data-order-id="(\d+)"><time>(\d\d:\d\d)</time>', box)
        assert [int(pk) for pk, _at in shown] == [visit["work_order"] for visit in route["visits"]]
        first = timezone.localtime(timezone.datetime.fromisoformat(route["visits"][0]["arrival"]))
        assert shown[0][1] == first.strftime("%H:%M")
        assert f'{route["km"]} km' in box
        assert f'{round(route["utilisation"] * 100)} % busy' in box
    assert {visit["work_order"] for route in routes for visit in route["visits"]} == {r.pk for r in repairs}
    left = element(preview, "plan-panel")
    assert re.search(rf'<li data-order-id="{odd.pk}" data-reason="skill_missing"[^>]*><b>{odd.number}</b> — '
                     r"Nobody on shift holds the skill", left)
    # The routes on the map: one line per technician with jobs, home → jobs → home, each in its own colour.
    lines = polylines(html, "preview")
    assert sorted(int(pk) for pk in lines) == sorted(route["technician"] for route in routes if route["visits"])
    colours = re.findall(r'<polyline class="map-route preview" points="([^"]+)" style="stroke:(#[0-9a-f]{6})"', html)
    assert len({colour for _points, colour in colours}) == len(colours)
    for points, _colour in colours:
        coordinates = points.split()
        assert coordinates[0] == coordinates[-1]  # back home
        assert len(coordinates) == 2 + 2  # home, two jobs, home
    # Nothing has been assigned yet.
    assert WorkOrder.objects.filter(status=Status.NEW).count() == 5


def test_progress_while_the_planner_runs(dispatcher, office, day):
    plan = RoutePlan.objects.create(office=office, day=day, state=RoutePlan.State.RUNNING, progress=42, seconds=1)

    response = board_client(dispatcher).get(f"{BOARD}plans/{plan.pk}/", **HTMX)

    panel = response.content.decode()
    assert response.status_code == 200 and "HX-Retarget" not in response
    assert 'value="42"' in panel and "42 %" in panel and "Planning the day" in panel
    assert 'hx-trigger="every 1s"' in panel


def test_the_board_shows_the_days_pending_plan_on_load(dispatcher, office, area, crew, day_jobs, day,
                                                       django_capture_on_commit_callbacks):
    client = board_client(dispatcher)
    plan = planned(client, office, day, django_capture_on_commit_callbacks)

    html = client.get(BOARD, {"office": office.pk, "date": day.isoformat()}).content.decode()
    other_day = client.get(BOARD, {"office": office.pk, "date": (day + timedelta(days=1)).isoformat()})

    assert f'data-plan-id="{plan.pk}"' in html and "Commit the plan" in html
    assert len(polylines(html, "preview")) == 2
    assert "data-plan-id" not in other_day.content.decode()


def test_a_failed_plan_says_why_and_can_be_discarded(dispatcher, office, area, day):
    plan = RoutePlan.objects.create(office=office, day=day, state=RoutePlan.State.FAILED, error="matrix down")
    client = board_client(dispatcher)

    html = client.get(BOARD, {"office": office.pk, "date": day.isoformat()}).content.decode()
    assert "The planner failed: matrix down" in element(html, "plan-panel")

    response = client.post(f"{BOARD}plans/{plan.pk}/discard/", {"office": office.pk, "date": day.isoformat()},
                           **HTMX)
    assert response.status_code == 200 and not RoutePlan.objects.exists()


# --- commit and discard ------------------------------------------------------------------------------------------


def test_commit_assigns_in_order_and_the_timelines_and_map_show_it(dispatcher, office, area, crew, day_jobs, day,
                                                                   django_capture_on_commit_callbacks):
    _repairs, odd = day_jobs
    client = board_client(dispatcher)
    plan = planned(client, office, day, django_capture_on_commit_callbacks)

    response = client.post(f"{BOARD}plans/{plan.pk}/commit/", {"office": office.pk, "date": day.isoformat()},
                           **HTMX)

    assert response.status_code == 200 and response["HX-Retarget"] == "#board-main"
    html = response.content.decode()
    assert "Plan committed: 4 jobs assigned and ordered." in html
    plan.refresh_from_db()
    assert plan.state == RoutePlan.State.COMMITTED and plan.committed_by == dispatcher
    for route in plan.result["routes"]:
        for sequence, visit in enumerate(route["visits"], start=1):
            order = WorkOrder.objects.get(pk=visit["work_order"])
            assert (order.status, order.assignee_id, order.sequence) == (Status.ASSIGNED, route["technician"],
                                                                         sequence)
            assert order.scheduled_date == day and order.planned_start is not None
            # On the technician's timeline at the planned time (not an estimate).
            row = element(html, f"tech-{route['technician']}")
            slot = re.search(rf'<a class="slot [^"]*"\s+href="#wo-{order.pk}"', row).group(0)
            assert "estimated" not in slot
    odd.refresh_from_db()
    assert odd.status == Status.NEW
    # No preview any more: the committed routes are drawn instead.
    assert "Commit the plan" not in html
    assert polylines(html, "preview") == []
    assert sorted(int(pk) for pk in polylines(html, "committed")) == sorted(tech.pk for tech in crew)
    again = client.post(f"{BOARD}plans/{plan.pk}/commit/", **HTMX)
    assert again.status_code == 409 and "Only a plan ready for review can be committed." in again.content.decode()


def test_committed_routes_are_drawn_without_a_preview(dispatcher, office, area, crew, day):
    west, east = crew
    for sequence, lat in enumerate((22.812, 22.815, 22.818), start=1):
        order = job(area, lat, 108.312)
        workorder_services.assign(work_order_id=order.pk, technician=west, actor=dispatcher, scheduled_date=day,
                                  sequence=sequence)
    loose = job(area, 22.83, 108.33)  # assigned by hand: no place in a route
    workorder_services.assign(work_order_id=loose.pk, technician=east, actor=dispatcher, scheduled_date=day)

    html = board_client(dispatcher).get(BOARD, {"office": office.pk, "date": day.isoformat()}).content.decode()

    assert polylines(html, "committed") == [str(west.pk)]
    points = re.search(r'<polyline class="map-route committed" points="([^"]+)"', html).group(1).split()
    assert len(points) == 5 and points[0] == points[-1]


def test_discard_throws_the_preview_away(dispatcher, office, area, crew, day_jobs, day,
                                         django_capture_on_commit_callbacks):
    client = board_client(dispatcher)
    older = planned(client, office, day, django_capture_on_commit_callbacks)
    plan = planned(client, office, day, django_capture_on_commit_callbacks)
    assert older.pk != plan.pk

    response = client.post(f"{BOARD}plans/{plan.pk}/discard/", {"office": office.pk, "date": day.isoformat()},
                           **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and "Plan discarded" in html
    # The preview it superseded goes too, so no older proposal resurfaces.
    assert not RoutePlan.objects.exists()
    assert "data-plan-id" not in html and polylines(html, "preview") == []
    assert not WorkOrder.objects.exclude(status=Status.NEW).exists()
    gone = client.get(f"{BOARD}plans/{plan.pk}/", **HTMX)
    assert gone.status_code == 200 and "The plan has been discarded." in gone.content.decode()


def test_a_committed_plan_cannot_be_discarded(dispatcher, office, day):
    plan = RoutePlan.objects.create(office=office, day=day, state=RoutePlan.State.COMMITTED)

    response = board_client(dispatcher).post(f"{BOARD}plans/{plan.pk}/discard/", **HTMX)

    assert response.status_code == 409
    assert RoutePlan.objects.filter(pk=plan.pk).exists()


def test_without_javascript_the_actions_go_back_to_the_board(dispatcher, office, area, crew, day_jobs, day,
                                                             django_capture_on_commit_callbacks):
    client = board_client(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BOARD}plans/", {"office": office.pk, "date": day.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == f"/board/?office={office.pk}&date={day.isoformat()}"
    plan = RoutePlan.objects.get()
    committed = client.post(f"{BOARD}plans/{plan.pk}/commit/")
    assert committed.status_code == 302
    assert WorkOrder.objects.filter(status=Status.ASSIGNED).count() == 4


# --- emergency insertion -----------------------------------------------------------------------------------------


@pytest.fixture
def awake(today, monkeypatch):
    """The call comes in at 10:00, so that the emergency fits in the day whatever the hour the test runs at."""
    morning = timezone.make_aware(datetime.combine(today, time(10)))
    monkeypatch.setattr(timezone, "now", lambda: morning)


def test_propose_and_confirm_an_emergency_insertion(awake, dispatcher, office, area, today):
    make_technician(office, "plain", skills=("repair",), home_lat=22.82, home_lng=108.32)
    responder = make_technician(office, "responder", skills=("repair", "emergency"), home_lat=22.90,
                                home_lng=108.40)
    leak = job(area, 22.821, 108.321, kind="emergency")
    client = board_client(dispatcher)
    page = client.get(BOARD, {"office": office.pk, "date": today.isoformat()}).content.decode()
    assert "Propose insertion" in element(page, f"wo-{leak.pk}")
    tomorrow = client.get(BOARD, {"office": office.pk, "date": (today + timedelta(days=1)).isoformat()})
    assert "Propose insertion" not in element(tomorrow.content.decode(), f"wo-{leak.pk}")

    proposed = client.post(f"{BOARD}orders/{leak.pk}/propose-insertion/", {"date": today.isoformat()}, **HTMX)

    assert proposed.status_code == 200
    card = element(proposed.content.decode(), f"wo-{leak.pk}")
    assert f'data-technician-id="{responder.pk}" data-position="1"' in card
    name = responder.user.get_full_name()
    assert re.search(rf"Fits best with <b>{name}</b> as stop 1 of the rest of the day, arriving \d\d:\d\d, "
                     r"[\d.]+ km more\.", card)
    assert f'name="technician" value="{responder.pk}"' in card and 'name="position" value="1"' in card
    leak.refresh_from_db()
    assert leak.status == Status.NEW  # a proposal changes nothing

    confirmed = client.post(f"{BOARD}orders/{leak.pk}/confirm-insertion/",
                            {"technician": responder.pk, "position": 1, "date": today.isoformat()}, **HTMX)

    assert confirmed.status_code == 200
    leak.refresh_from_db()
    assert (leak.status, leak.assignee, leak.sequence) == (Status.ASSIGNED, responder, 1)
    html = confirmed.content.decode()
    assert "Propose insertion" not in element(html, f"wo-{leak.pk}")
    assert f'data-order-id="{leak.pk}"' in element(html, f"tech-{responder.pk}")  # the row, out of band


def test_an_emergency_nobody_can_reach_says_so_in_its_card(dispatcher, office, area, today):
    make_technician(office, "plain", skills=("repair",))
    leak = job(area, 22.821, 108.321, kind="emergency")

    response = board_client(dispatcher).post(f"{BOARD}orders/{leak.pk}/propose-insertion/",
                                             {"date": today.isoformat()}, **HTMX)

    assert response.status_code == 409
    assert "No technician on shift with the skill" in element(response.content.decode(), f"wo-{leak.pk}")


def test_confirm_without_a_proposal_is_refused(dispatcher, office, area, today):
    leak = job(area, 22.821, 108.321, kind="emergency")

    response = board_client(dispatcher).post(f"{BOARD}orders/{leak.pk}/confirm-insertion/",
                                             {"date": today.isoformat()}, **HTMX)

    assert response.status_code == 400
    assert "Propose the insertion again" in response.content.decode()
    leak.refresh_from_db()
    assert leak.status == Status.NEW


# --- access and scoping ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["technician", "agent"])
def test_other_roles_may_not_plan(office, area, day, role):
    user = UserFactory(username=f"someone-{role}", roles=[role])
    StaffProfileFactory(user=user, office=office)
    plan = RoutePlan.objects.create(office=office, day=day, state=RoutePlan.State.READY, result={"routes": []})
    leak = job(area, 22.821, 108.321, kind="emergency")
    client = board_client(user)

    assert client.post(f"{BOARD}plans/", {"office": office.pk, "date": day.isoformat()}, **HTMX).status_code == 403
    assert client.get(f"{BOARD}plans/{plan.pk}/", **HTMX).status_code == 403
    assert client.post(f"{BOARD}plans/{plan.pk}/commit/", **HTMX).status_code == 403
    assert client.post(f"{BOARD}plans/{plan.pk}/discard/", **HTMX).status_code == 403
    assert client.post(f"{BOARD}orders/{leak.pk}/propose-insertion/", **HTMX).status_code == 403
    assert client.post(f"{BOARD}orders/{leak.pk}/confirm-insertion/", **HTMX).status_code == 403
    plan.refresh_from_db()
    assert plan.state == RoutePlan.State.READY


def test_another_offices_plans_and_orders_are_out_of_reach(dispatcher, other_dispatcher, office, other_office, day):
    far = AreaFactory(code="JN-01", office=other_office, boundary=square(108.20, 22.70, 0.05))
    theirs = RoutePlan.objects.create(office=other_office, day=day, state=RoutePlan.State.READY,
                                      result={"routes": [], "unassigned": [], "km": 0, "feasible": True})
    leak = job(far, 22.71, 108.21, kind="emergency")
    client = board_client(dispatcher)

    assert client.post(f"{BOARD}plans/", {"office": other_office.pk, "date": day.isoformat()},
                       **HTMX).status_code == 404
    assert client.get(f"{BOARD}plans/{theirs.pk}/", **HTMX).status_code == 404
    assert client.post(f"{BOARD}plans/{theirs.pk}/commit/", **HTMX).status_code == 404
    assert client.post(f"{BOARD}plans/{theirs.pk}/discard/", **HTMX).status_code == 404
    assert client.post(f"{BOARD}orders/{leak.pk}/propose-insertion/", **HTMX).status_code == 404
    forced = client.get(BOARD, {"office": other_office.pk, "date": day.isoformat()}).content.decode()
    assert f'data-plan-id="{theirs.pk}"' not in forced
    assert RoutePlan.objects.filter(office=office).count() == 0
    theirs.refresh_from_db()
    assert theirs.state == RoutePlan.State.READY
    # Their own dispatcher sees it.
    own = board_client(other_dispatcher).get(BOARD, {"date": day.isoformat()}).content.decode()
    assert f'data-plan-id="{theirs.pk}"' in own


def test_managers_plan_any_office_even_one_nobody_works_in(manager, other_office, day,
                                                           django_capture_on_commit_callbacks):
    far = AreaFactory(code="JN-01", office=other_office, boundary=square(108.20, 22.70, 0.05))
    lone = job(far, 22.71, 108.21, scheduled_date=day)
    client = board_client(manager)

    response = start(client, other_office, day, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    plan = RoutePlan.objects.get()
    assert plan.office == other_office and plan.state == RoutePlan.State.READY
    html = client.get(f"{BOARD}plans/{plan.pk}/", **HTMX).content.decode()
    assert "No routes: nothing could be planned." in html
    assert re.search(rf'data-reason="no_technician"[^>]*><b>{lone.number}</b> — No technician works that day', html)
