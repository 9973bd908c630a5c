"""The planner in the dispatch system: a day built from work orders and staff, previewed, pinned, committed;
an emergency fitted into today's routes. Office-scoped, dispatch desk only."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from dispatch.org.models import WeeklyShift
from dispatch.workorders.models import RoutePlan, Status, WorkOrder
from dispatch.workorders.planning import services
from tests.factories import PremisesFactory
from tests.factories.workorders import WorkOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(today):
    return today + timedelta(days=1)


def order(area, lat, lng, **kwargs):
    return WorkOrderFactory(area=area, premises=PremisesFactory(area=area, lat=lat, lng=lng), **kwargs)


def office_hours(staff, *, lunch=True):
    WeeklyShift.objects.filter(staff=staff).update(start=time(8, 30), end=time(17, 30),
                                                   break_start=time(12) if lunch else None,
                                                   break_end=time(13) if lunch else None)


def plan_via_api(client, capture, payload):
    with capture(execute=True):
        response = client.post("/api/plans/", payload, format="json")
    assert response.status_code == 202, response.json()
    return client.get(f"/api/plans/{response.json()['id']}/").json()


def test_plan_preview_commit_and_reasons(as_user, dispatcher, office, area, make_tech, day,
                                         django_capture_on_commit_callbacks):
    near = make_tech("near", skills=("repair",), home_lat=22.82, home_lng=108.32)
    office_hours(near)
    jobs = [order(area, 22.82 + 0.002 * k, 108.32, scheduled_date=day) for k in range(3)]
    odd = order(area, 22.83, 108.33, kind="commissioning", scheduled_date=day)  # nobody holds the skill
    client = as_user(dispatcher)

    plan = plan_via_api(client, django_capture_on_commit_callbacks,
                        {"office": office.pk, "date": day.isoformat(), "seconds": 1})
    assert plan["state"] == "ready" and plan["progress"] == 100
    result = plan["result"]
    assert result["feasible"] is True
    (route,) = result["routes"]
    assert route["technician"] == near.pk and len(route["visits"]) == 3
    assert route["break"] is not None and route["km"] > 0 and 0 < route["utilisation"] <= 1
    assert {u["work_order"]: u["reason"] for u in result["unassigned"]} == {odd.pk: "skill_missing"}

    committed = client.post(f"/api/plans/{plan['id']}/commit/", format="json")
    assert committed.status_code == 200 and committed.json()["committed"] == 3
    for sequence, visit in enumerate(route["visits"], start=1):
        job = WorkOrder.objects.get(pk=visit["work_order"])
        assert job.status == Status.ASSIGNED and job.assignee == near and job.sequence == sequence
        assert job.scheduled_date == day and job.planned_start is not None
    assert {job.pk for job in jobs} == {visit["work_order"] for visit in route["visits"]}
    again = client.post(f"/api/plans/{plan['id']}/commit/", format="json")
    assert again.status_code == 409


def test_pin_to_a_technician_is_kept_though_another_is_nearer(as_user, dispatcher, office, area, make_tech, day,
                                                              django_capture_on_commit_callbacks):
    near = make_tech("near", home_lat=22.82, home_lng=108.32)
    far = make_tech("far", home_lat=22.95, home_lng=108.45)
    job = order(area, 22.821, 108.321, scheduled_date=day)
    client = as_user(dispatcher)
    plan = plan_via_api(client, django_capture_on_commit_callbacks,
                        {"office": office.pk, "date": day.isoformat(), "seconds": 1,
                         "pins": [{"work_order": job.pk, "technician": far.pk}]})
    routes = {route["technician"]: route for route in plan["result"]["routes"]}
    assert [visit["work_order"] for visit in routes[far.pk]["visits"]] == [job.pk]
    assert near.pk not in routes


def test_day_respects_allowed_areas_and_expired_certificates(office, area, make_tech, day):
    from tests.factories import AreaFactory, square

    elsewhere = AreaFactory(code="QX-02", office=office, boundary=square(108.40, 22.80, 0.05))
    expired = make_tech("expired", skills=(("repair", day - timedelta(days=1)),))
    bound = make_tech("bound")
    bound.allowed_areas.add(elsewhere)
    context = services.build_day(office=office, day=day)
    techs = {tech.id: tech for tech in context.problem.technicians}
    assert "repair" not in techs[str(expired.pk)].skills
    assert techs[str(bound.pk)].areas == frozenset({"QX-02"})


def test_only_the_dispatch_desk_of_the_office_plans(as_user, dispatcher, other_dispatcher, office, area, repairer,
                                                   day, django_capture_on_commit_callbacks):
    order(area, 22.82, 108.32, scheduled_date=day)
    technician = as_user(repairer.user)
    assert technician.post("/api/plans/", {"office": office.pk, "date": day.isoformat()},
                           format="json").status_code == 403
    plan = plan_via_api(as_user(dispatcher), django_capture_on_commit_callbacks,
                        {"office": office.pk, "date": day.isoformat(), "seconds": 1})
    outsider = as_user(other_dispatcher)
    assert outsider.get(f"/api/plans/{plan['id']}/").status_code == 404
    refused = outsider.post("/api/plans/", {"office": office.pk, "date": day.isoformat()}, format="json")
    assert refused.status_code == 400 and "office" in refused.json()["fields"]


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "date"),
    ({"date": "tomorrow"}, "date"),
    ({"date": "2030-01-01"}, "office"),
    ({"date": "2030-01-01", "areas": [999999]}, "areas"),
    ({"date": "2030-01-01", "seconds": 0}, "seconds"),
])
def test_bad_plan_requests_get_field_messages(as_user, dispatcher, office, payload, field):
    response = as_user(dispatcher).post("/api/plans/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_emergency_is_proposed_to_the_skilled_technician_and_confirmed(as_user, dispatcher, area, make_tech, today,
                                                                      monkeypatch):
    # The call comes in at 10:00, so that the job fits in the day whatever the hour the test runs at.
    morning = timezone.make_aware(datetime.combine(today, time(10)))
    monkeypatch.setattr(timezone, "now", lambda: morning)
    make_tech("plain", skills=("repair",), home_lat=22.82, home_lng=108.32)
    crew = make_tech("crew", skills=("repair", "emergency"), home_lat=22.90, home_lng=108.40)
    leak = order(area, 22.821, 108.321, kind="emergency")
    client = as_user(dispatcher)
    proposal = client.post("/api/plans/emergency-insertion/", {"work_order": leak.pk}, format="json")
    assert proposal.status_code == 200, proposal.json()
    body = proposal.json()
    assert body["technician"] == crew.pk and body["position"] == 1
    confirmed = client.post("/api/plans/emergency-insertion/", {"work_order": leak.pk, "confirm": True,
                                                                "technician": crew.pk, "position": 1},
                            format="json")
    assert confirmed.status_code == 200, confirmed.json()
    leak.refresh_from_db()
    assert leak.assignee == crew and leak.status == Status.ASSIGNED and leak.sequence == 1


def test_emergency_nobody_can_take_is_409(as_user, dispatcher, area, make_tech):
    make_tech("plain", skills=("repair",))
    leak = order(area, 22.821, 108.321, kind="emergency")
    response = as_user(dispatcher).post("/api/plans/emergency-insertion/", {"work_order": leak.pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "no_feasible_insertion"


def test_task_is_idempotent(office, day, dispatcher):
    plan = RoutePlan.objects.create(office=office, day=day, seconds=1, state=RoutePlan.State.READY,
                                    result={"routes": []})
    assert services.plan_run(plan.pk).result == {"routes": []}
