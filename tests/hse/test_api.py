"""The HSE API: roles, scoping, the register with versioned changes, nonconformities through their rules,
bad input → 4xx."""

from datetime import date, timedelta

import pytest

from dispatch.hse.models import NcStatus, Nonconformity, RiskMethod
from tests.factories import AreaFactory
from tests.factories.hse import HazardRegisterFactory, make_hazard, make_nonconformity

pytestmark = pytest.mark.django_db


@pytest.fixture
def lec_register(office):
    return HazardRegisterFactory(name="Qingxiu field work", method=RiskMethod.LEC, office=office)


def entry(register, responsible, **extra):
    return {"register": register.pk, "activity": "Purging a new riser", "description": "Gas release indoors",
            "category": "fire_explosion", "responsible": responsible.pk, "analysis_date": "2026-10-01",
            "lec_l": "6", "lec_e": "3", "lec_c": "15", **extra}


def test_other_roles_get_403(as_user, dispatcher, technician, agent):
    for user in (dispatcher, technician, agent):
        client = as_user(user)
        assert client.get("/api/hse/hazards/").status_code == 403
        assert client.get("/api/hse/nonconformities/").status_code == 403
        assert client.post("/api/hse/nonconformities/", {"title": "x"}, format="json").status_code == 403


def test_anonymous_gets_401(api):
    assert api.get("/api/hse/hazards/").status_code == 401


def test_create_update_and_revisions(as_user, safety_officer, lec_register, english):
    client = as_user(safety_officer)
    created = client.post("/api/hse/hazards/", entry(lec_register, safety_officer), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["score"], body["band"], body["significant"], body["office"]) == ("270.000", "high", True,
                                                                                 lec_register.office_id)

    missing_reason = client.patch(f"/api/hse/hazards/{body['id']}/", {"lec_c": "3"}, format="json")
    assert missing_reason.status_code == 400
    assert missing_reason.json()["code"] == "reason_required"

    changed = client.patch(f"/api/hse/hazards/{body['id']}/", {"lec_c": "3", "reason": "Re-assessed", "version": 1},
                           format="json")
    assert changed.status_code == 200
    assert (changed.json()["band"], changed.json()["version"]) == ("general", 2)
    stale = client.patch(f"/api/hse/hazards/{body['id']}/", {"lec_c": "7", "reason": "x", "version": 1},
                         format="json")
    assert stale.status_code == 409

    revisions = client.get(f"/api/hse/hazards/{body['id']}/revisions/").json()
    assert [(r["version"], r["reason"]) for r in revisions] == [(1, "Entered"), (2, "Re-assessed")]
    assert revisions[1]["changes"]["band"] == ["high", "general"]

    control = client.post(f"/api/hse/hazards/{body['id']}/controls/",
                          {"control_type": "engineering", "description": "Portable gas detector on every purge",
                           "owner": safety_officer.pk, "status": "in_place", "reason": "Procedure GS-12"},
                          format="json")
    assert control.status_code == 201
    assert control.json()["controls"][0]["status"] == "in_place"


@pytest.mark.parametrize("bad", [
    {"lec_l": "4"}, {"lec_l": "abc"}, {"lec_e": "-1"}, {"category": "nonsense"}, {"responsible": 99999},
    {"activity": ""}, {"analysis_date": "yesterday"}, {"category": "emission"},
    {"acceptable": True}, {"residual_lec_l": "1"},
])
def test_bad_register_input_is_400(as_user, safety_officer, lec_register, bad):
    response = as_user(safety_officer).post("/api/hse/hazards/", {**entry(lec_register, safety_officer), **bad},
                                            format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] in {"invalid", "reason_required"}


def test_matrix_register_values_out_of_range_are_400(as_user, safety_officer, office):
    register = HazardRegisterFactory(method=RiskMethod.MATRIX, office=office)
    payload = {**entry(register, safety_officer), "likelihood": 6, "severity": 2}
    assert as_user(safety_officer).post("/api/hse/hazards/", payload, format="json").status_code == 400
    payload.update(likelihood=4, severity=4)
    created = as_user(safety_officer).post("/api/hse/hazards/", payload, format="json")
    assert created.status_code == 201 and created.json()["band"] == "high"


def test_safety_officers_see_and_file_only_their_offices(as_user, safety_officer, other_office, manager):
    theirs = make_hazard(office=other_office)
    assert as_user(safety_officer).get(f"/api/hse/hazards/{theirs.pk}/").status_code == 404
    foreign = HazardRegisterFactory(office=other_office)
    response = as_user(safety_officer).post("/api/hse/hazards/", entry(foreign, safety_officer), format="json")
    assert response.status_code == 400  # the register is not one they can see
    assert as_user(manager).get(f"/api/hse/hazards/{theirs.pk}/").status_code == 200


def test_filters(as_user, safety_officer, lec_register):
    make_hazard(register=lec_register, activity="Meter change")
    make_hazard(register=lec_register, activity="Office kitchen", lec_l="1", lec_e="1", lec_c="1")
    client = as_user(safety_officer)
    assert client.get("/api/hse/hazards/", {"band": "significant"}).json()["count"] == 1
    assert client.get("/api/hse/hazards/", {"significant": "false"}).json()["count"] == 1
    assert client.get("/api/hse/hazards/", {"q": "kitchen"}).json()["count"] == 1
    assert client.get("/api/hse/hazards/", {"band": "purple"}).status_code == 400


def test_nonconformity_lifecycle_over_the_api(as_user, safety_officer, office):
    client = as_user(safety_officer)
    nc = client.post("/api/hse/nonconformities/", {"title": "Expired extinguisher in van 3", "office": office.pk},
                     format="json").json()
    url = f"/api/hse/nonconformities/{nc['id']}/"

    assert client.post(url + "transition/", {"to": "open"}, format="json").status_code == 409
    assert client.post(url + "transition/", {"to": "nowhere"}, format="json").status_code == 400
    assert client.post(url + "transition/", {"to": "analysis"}, format="json").status_code == 200
    assert client.patch(url, {"root_cause": "No monthly van check"}, format="json").status_code == 200
    assert client.post(url + "transition/", {"to": "action_plan"}, format="json").status_code == 200
    refused = client.post(url + "transition/", {"to": "open"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "plan_required")

    bad_action = client.post(url + "actions/", {"kind": "corrective", "description": "x", "owner": safety_officer.pk,
                                                "deadline": "soon"}, format="json")
    assert bad_action.status_code == 400
    action = client.post(url + "actions/", {"kind": "corrective", "description": "Add vans to the monthly check",
                                            "owner": safety_officer.pk,
                                            "deadline": (date.today() + timedelta(days=20)).isoformat()},
                         format="json")
    assert action.status_code == 201
    assert client.post(url + "transition/", {"to": "open"}, format="json").status_code == 200

    refused = client.post(url + "transition/", {"to": "done"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "actions_open")
    done = client.post(url + "actions/complete/", {"action": action.json()["id"], "result": "Checklist updated"},
                       format="json")
    assert done.status_code == 200
    refused = client.post(url + "transition/", {"to": "done"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "evaluation_required")
    assert client.post(url + "evaluate/", {"evaluation": "3 months, no expired kit", "effective": True},
                       format="json").status_code == 200
    closed = client.post(url + "transition/", {"to": "done"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    events = client.get(url + "events/").json()
    assert [e["to_status"] for e in events if e["type"] == "status"] == ["analysis", "action_plan", "open", "done"]


def test_trend_hook_raises_one_nonconformity_per_area_and_type(as_user, safety_officer, office):
    area = AreaFactory(office=office)
    client = as_user(safety_officer)
    payload = {"observations": [{"area": area.pk, "hazard_type": "rubber_hose_aged", "count": 7},
                                {"area": area.pk, "hazard_type": "no_shutoff_valve", "count": 2}],
               "threshold": 5, "period": "in October"}
    first = client.post("/api/hse/nonconformities/trends/", payload, format="json")
    assert first.status_code == 201
    assert len(first.json()) == 1 and first.json()[0]["source"] == "trend"
    assert client.post("/api/hse/nonconformities/trends/", payload, format="json").json() == []
    assert client.post("/api/hse/nonconformities/trends/", {"observations": []}, format="json").status_code == 400
    assert Nonconformity.objects.filter(source="trend").count() == 1


def test_notifications_are_personal(as_user, safety_officer, technician):
    from dispatch.hse.services.reminders import notify

    notify([technician], topic="capa_due", key="k1", message="Due soon")
    mine = as_user(technician).get("/api/hse/notifications/").json()
    assert [n["message"] for n in mine["results"]] == ["Due soon"]
    read = as_user(technician).post(f"/api/hse/notifications/{mine['results'][0]['id']}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert as_user(safety_officer).get("/api/hse/notifications/").json()["count"] == 0


def test_closed_nonconformity_cannot_change(as_user, safety_officer):
    nc = make_nonconformity(actor=safety_officer)
    client = as_user(safety_officer)
    client.post(f"/api/hse/nonconformities/{nc.pk}/transition/", {"to": "cancelled", "reason": "dup"}, format="json")
    response = client.patch(f"/api/hse/nonconformities/{nc.pk}/", {"title": "new"}, format="json")
    assert response.status_code == 409
    nc.refresh_from_db()
    assert nc.status == NcStatus.CANCELLED
