import subprocess
from pathlib import Path

import pytest
from django.test import Client

from dispatch.common.errors import DispatchError
from dispatch.common.models import AuditEvent
from dispatch.meters.lab import certificates
from dispatch.meters.lab.models import CertificateStatus
from tests.factories import UserFactory

from .conftest import run_test

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def approved(verifier, checker, approver, new_meter, standard):
    test = run_test(verifier, new_meter, standard, ["-1.2", "0.4", "-0.3"], customer_name="张三丰")
    cert = certificates.certificate_issue(actor=verifier, test=test)
    for actor, step in ((verifier, "verify"), (checker, "check"), (approver, "approve")):
        cert = certificates.certificate_sign(actor=actor, certificate=cert, step=step)
    return cert


def test_signing_chain_order_and_different_people(verifier, checker, approver, new_meter, standard):
    test = run_test(verifier, new_meter, standard, ["0", "0.1", "0.1"])
    cert = certificates.certificate_issue(actor=verifier, test=test)
    assert cert.kind == "certificate" and cert.number.startswith("JD") and cert.status == "draft"
    with pytest.raises(DispatchError) as refused:
        certificates.certificate_sign(actor=approver, certificate=cert, step="approve")
    assert refused.value.code == "signing_out_of_order"
    cert = certificates.certificate_sign(actor=verifier, certificate=cert, step="verify")
    with pytest.raises(DispatchError) as refused:
        certificates.certificate_sign(actor=verifier, certificate=cert, step="check")
    assert refused.value.code == "signer_must_differ"
    cert = certificates.certificate_sign(actor=checker, certificate=cert, step="check")
    with pytest.raises(DispatchError) as refused:
        certificates.certificate_sign(actor=checker, certificate=cert, step="approve")
    assert refused.value.code == "signer_must_differ"
    outsider = UserFactory(username="mgr", roles=["manager"])
    with pytest.raises(DispatchError) as refused:
        certificates.certificate_sign(actor=outsider, certificate=cert, step="approve")
    assert refused.value.code == "not_lab_staff"
    cert = certificates.certificate_sign(actor=approver, certificate=cert, step="approve")
    assert cert.status == "approved" and len(cert.pdf_sha256) == 64 and cert.valid_until
    with pytest.raises(DispatchError) as refused:
        certificates.certificate_sign(actor=approver, certificate=cert, step="approve")
    assert refused.value.code == "certificate_immutable"
    steps = [e.changes.get("step") for e in AuditEvent.objects.filter(object_repr=cert.number).order_by("id")]
    assert steps == [None, "verify", "check", "approve"]


def test_failed_test_gives_a_numbered_result_notice(verifier, new_meter, standard):
    test = run_test(verifier, new_meter, standard, ["3.01", "0.1", "0.1"])
    notice = certificates.certificate_issue(actor=verifier, test=test)
    assert notice.kind == "notice" and notice.number.startswith("TZ") and notice.valid_until is None
    other = certificates.certificate_issue(actor=verifier, test=run_test(
        verifier, type(new_meter).objects.create(serial="X2", manufacturer="m", model="m", size=new_meter.size,
                                                 manufactured_on=new_meter.manufactured_on), standard,
        ["0", "0", "0"]))
    assert int(other.number[-6:]) == int(notice.number[-6:]) + 1      # one yearly sequence


def test_certificate_pdf_text_fonts_and_page_one_artefact(approved, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificates.certificate_pdf(approved))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    for expected in (approved.number, "G4-2026-000123", "合格 PASS", "检定证书", "Verification Certificate",
                     "BP-2000-01", "JL-2026-0815", "王检定", "李核验", "赵批准", "简单接受", "Page 1 of 2",
                     "第 2 页 共 2 页", "JJG 577-2012"):
        assert expected in text, expected
    assert "CJK" in fonts and all(" yes " in line for line in fonts.splitlines()[2:] if "CJK" in line), fonts
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / "certificate-page1")], check=True)
    assert (ARTIFACTS / "certificate-page1.png").stat().st_size > 10_000
    # The issued PDF is the stored one: the same bytes every time.
    assert certificates.certificate_pdf(approved) == path.read_bytes()


def test_revision_supersedes_and_the_public_page_says_so(approved, verifier, checker, approver):
    client = Client()
    page = client.get(f"/verify/{approved.number}")
    assert page.status_code == 200 and "CURRENT" in page.content.decode()
    assert "张**" in page.content.decode() and "张三丰" not in page.content.decode()

    revision = certificates.certificate_revise(actor=verifier, certificate=approved, reason="客户名称有误",
                                               customer_name="张三")
    assert revision.number == f"{approved.number}-R1"
    assert client.get(f"/verify/{revision.number}").status_code == 404        # drafts are not public
    assert "CURRENT" in client.get(f"/verify/{approved.number}").content.decode()  # still current
    for actor, step in ((checker, "verify"), (approver, "check"), (verifier, "approve")):
        revision = certificates.certificate_sign(actor=actor, certificate=revision, step=step)
    approved.refresh_from_db()
    assert approved.status == CertificateStatus.SUPERSEDED
    body = client.get(f"/verify/{approved.number}").content.decode()
    assert "SUPERSEDED" in body and f'href="/verify/{revision.number}"' in body
    assert "CURRENT" in client.get(f"/verify/{revision.number}").content.decode()
    with pytest.raises(DispatchError) as refused:
        certificates.certificate_revise(actor=verifier, certificate=approved, reason="again")
    assert refused.value.code == "not_current"


def test_public_page_answers_exact_numbers_only_and_limits_lookups(approved, settings):
    client = Client()
    assert client.get(f"/verify/{approved.number[:-1]}").status_code == 404
    assert client.get(f"/verify/{approved.number.lower()}").status_code == 404
    settings.LAB_VERIFY_RATE = (3, 600)
    codes = [client.get(f"/verify/{approved.number}").status_code for _ in range(4)]
    assert codes[-1] == 429


def test_approved_certificate_is_immutable_even_through_the_orm(approved):
    approved.customer_name = "someone else"
    with pytest.raises(DispatchError) as refused:
        approved.save()
    assert refused.value.code == "certificate_immutable"
    with pytest.raises(DispatchError):
        approved.delete()
