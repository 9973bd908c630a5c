"""An officer enters and changes register entries on the pages: evaluated, versioned, refused with messages."""

import pytest

from dispatch.hse.models import Hazard, RiskMethod
from tests.factories.hse import HazardRegisterFactory, make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def lec_register(office):
    return HazardRegisterFactory(name="Field work", method=RiskMethod.LEC, office=office)


def test_officer_enters_a_hazard_and_the_risk_is_evaluated(client, safety_officer, lec_register, english):
    client.force_login(safety_officer)
    assert client.get("/hse/hazards/new/").status_code == 200

    response = client.post("/hse/hazards/new/", {
        "register": lec_register.pk, "kind": "hazard", "activity": "Purging a riser", "description": "Gas release",
        "category": Hazard._meta.get_field("category").choices[0][0], "routine": "on",
        "responsible": safety_officer.pk, "lec_l": "3", "lec_e": "6", "lec_c": "15", "status": "active",
        "reason": "Found on the self-inspection of 2026-11"})

    hazard = Hazard.objects.get(activity="Purging a riser")
    assert response.status_code == 302 and response["Location"] == f"/hse/hazards/{hazard.pk}/"
    assert (hazard.score, hazard.band, hazard.significant) == (270, "high", True)
    assert hazard.revisions.get().reason == "Found on the self-inspection of 2026-11"


def test_a_change_needs_a_reason_and_is_versioned(client, safety_officer, lec_register, english):
    hazard = make_hazard(register=lec_register, activity="Van loading", lec_l="3", lec_e="6", lec_c="1",
                         responsible=safety_officer)
    client.force_login(safety_officer)
    form = client.get(f"/hse/hazards/{hazard.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data["lec_c"] = "7"

    missing = client.post(f"/hse/hazards/{hazard.pk}/edit/", {**data, "reason": ""})
    saved = client.post(f"/hse/hazards/{hazard.pk}/edit/", {**data, "reason": "Heavier loads since November"})

    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    assert saved.status_code == 302
    hazard.refresh_from_db()
    assert hazard.lec_c == 7 and hazard.score == 126 and hazard.band == "significant"
    assert list(hazard.revisions.order_by("id").values_list("reason", flat=True))[-1] == "Heavier loads since November"


def test_a_refused_evaluation_comes_back_as_a_form_error(client, safety_officer, lec_register, english):
    client.force_login(safety_officer)

    response = client.post("/hse/hazards/new/", {
        "register": lec_register.pk, "kind": "hazard", "activity": "Bad", "description": "x",
        "category": Hazard._meta.get_field("category").choices[0][0], "responsible": safety_officer.pk,
        "lec_l": "4", "lec_e": "6", "lec_c": "15", "status": "active", "reason": "test"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Hazard.objects.filter(activity="Bad").exists()


def test_other_roles_cannot_enter_hazards(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get("/hse/hazards/new/").status_code == 403
