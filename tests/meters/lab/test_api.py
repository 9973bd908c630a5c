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


def test_a_delivery_batch_from_csv_to_approved_certificates(verifier, checker, approver, standard, settings,
                                                            tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dispatch.meters.lab.models import LabCertificate, VerificationTest
    from tests.factories.meters import MeterFactory

    settings.MEDIA_ROOT = tmp_path
    meters = [MeterFactory(serial=f"DL-{n}") for n in range(3)]
    api = client_for(verifier)
    batch = api.post("/api/lab/batches/", {"number": "DL-2026-11", "received_on": str(timezone.localdate()),
                                           "serials": [m.serial for m in meters], "standard": standard.pk},
                     format="json")
    assert batch.status_code == 201, batch.json()
    for test in VerificationTest.objects.filter(batch_id=batch.json()["id"]):
        api.post(f"/api/lab/tests/{test.pk}/environment/", ENV, format="json")
    rows = ["serial,point,v_ref,v_meter,t_ref,p_ref,t_meter,p_meter"] + [
        f"{m.serial},{code},10,{'10.2' if m.serial == 'DL-2' and code == 'qmax' else '10.01'},20,101,20,101"
        for m in meters for code in ("qmin", "0.2qmax", "qmax")]
    upload = SimpleUploadedFile("bench.csv", "\n".join(rows).encode())
    report = api.post(f"/api/lab/batches/{batch.json()['id']}/import/", {"file": upload}, format="multipart")
    assert report.json() == {"recorded": 9, "errors": []}
    for test in VerificationTest.objects.filter(batch_id=batch.json()["id"]):
        api.post(f"/api/lab/tests/{test.pk}/complete/", {}, format="json")
    detail = api.get(f"/api/lab/batches/{batch.json()['id']}/").json()
    assert detail["tests"] == {"total": 3, "open": 0, "passed": 2, "failed": 1}
    issued = api.post(f"/api/lab/batches/{batch.json()['id']}/issue-certificates/").json()
    assert sorted(cert["kind"] for cert in issued) == ["certificate", "certificate", "notice"]
    ids = [cert["id"] for cert in issued]
    for user, step in ((verifier, "verify"), (checker, "check")):
        result = client_for(user).post("/api/lab/certificates/sign-many/", {"certificates": ids, "step": step},
                                       format="json").json()
        assert len(result["signed"]) == 3 and result["refused"] == []
    with django_capture_on_commit_callbacks(execute=True):
        result = client_for(approver).post("/api/lab/certificates/sign-many/",
                                           {"certificates": ids, "step": "approve"}, format="json").json()
    assert result["print_job"]["total"] == 3
    job = client_for(approver).get(f"/api/lab/print-jobs/{result['print_job']['id']}/").json()
    assert (job["done"], job["state"]) == (3, "done")
    assert all(len(cert.pdf_sha256) == 64 and bytes(cert.pdf).startswith(b"%PDF")
               for cert in LabCertificate.objects.filter(pk__in=ids))
