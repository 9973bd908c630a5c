from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from .conftest import ENV


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lab_flow_through_the_api(verifier, checker, approver, new_meter, english):
    api = client_for(verifier)
    today = timezone.localdate()
    standard = api.post("/api/lab/standards/", {
        "name": "Bell prover", "kind": "bell_prover", "serial": "BP-9", "range_min": "0.016", "range_max": "40",
        "uncertainty": "U = 0.2 %, k = 2", "calibration_certificate_no": "CAL-9", "calibrated_by": "NIM",
        "calibrated_on": str(today - timedelta(days=10)), "calibration_valid_until": str(today + timedelta(days=300))},
        format="json")
    assert standard.status_code == 201, standard.json()
    test = api.post("/api/lab/tests/", {"meter_serial": new_meter.serial, "standard": standard.json()["id"]},
                    format="json")
    assert test.status_code == 201, test.json()
    test_id = test.json()["id"]
    assert test.json()["profile_version"] == "JJG577-2012 v1"
    bad = api.post(f"/api/lab/tests/{test_id}/environment/", {**ENV, "humidity_pct": "80"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "outside_reference_conditions"
    assert api.post(f"/api/lab/tests/{test_id}/environment/", ENV, format="json").status_code == 200
    for code in ("qmin", "0.2qmax", "qmax"):
        point = api.post(f"/api/lab/tests/{test_id}/points/", {
            "code": code, "v_ref": "10", "v_meter": "10.05", "t_ref_c": "20", "p_ref_kpa": "101.5",
            "t_meter_c": "20.3", "p_meter_kpa": "101.4"}, format="json")
        assert point.status_code == 200, point.json()
    done = api.post(f"/api/lab/tests/{test_id}/complete/", {}, format="json")
    assert done.status_code == 200 and done.json()["passed"] is True
    cert = api.post("/api/lab/certificates/", {"test": test_id}, format="json").json()
    out_of_order = client_for(checker).post(f"/api/lab/certificates/{cert['id']}/sign/", {"step": "check"},
                                            format="json")
    assert out_of_order.status_code == 409 and out_of_order.json()["code"] == "signing_out_of_order"
    for user, step in ((verifier, "verify"), (checker, "check"), (approver, "approve")):
        signed = client_for(user).post(f"/api/lab/certificates/{cert['id']}/sign/", {"step": step}, format="json")
        assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "approved" and signed.json()["verify_url"].endswith(cert["number"])
    pdf = api.get(f"/api/lab/certificates/{cert['id']}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    revised = api.post(f"/api/lab/certificates/{cert['id']}/revise/", {"reason": "typo"}, format="json")
    assert revised.status_code == 201 and revised.json()["number"] == f"{cert['number']}-R1"


def test_only_lab_staff_write_and_managers_read(dispatcher, db):
    assert client_for(dispatcher).get("/api/lab/certificates/").status_code == 403
    from tests.factories import UserFactory

    manager = UserFactory(username="boss", roles=["manager"])
    assert client_for(manager).get("/api/lab/profiles/").status_code == 200
    assert client_for(manager).post("/api/lab/standards/", {}, format="json").status_code == 403
