"""Certificates (检定证书) and result notices (检定结果通知书): numbering, the signing chain, revisions, the PDF.

Signing chain: verifier (检定员) → checker (核验员) → approver (批准人), three different people, each with the
lab role; any other order is refused (409 `signing_out_of_order`), a repeated signer too (`signer_must_differ`).
Approval renders the PDF once and keeps it with its SHA-256: from then on the certificate never changes
(`certificate_immutable`). A correction is a new revision (number `<first number>-R<n>`) that supersedes the
approved one when it is itself approved; the public page of the old number then points to the new one.

Settings: LAB_NAME, LAB_NAME_EN, LAB_ADDRESS, LAB_AUTHORISATION_NO (授权证书号), LAB_PUBLIC_URL (the address
printed in the QR code, e.g. https://gas.example.cn), LAB_CERTIFICATE_PREFIX / LAB_NOTICE_PREFIX.
"""

import base64
import hashlib
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.documents import render_pdf
from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AuditEvent
from dispatch.common.roles import Role, has_role

from ..services import add_years
from .models import (
    CertificateKind,
    CertificateSequence,
    CertificateStatus,
    LabCertificate,
    TestStatus,
    VerificationTest,
)
from .services import judge_test, profile_limits, reference_temperature_range

STEPS = {  # step: (status it needs, status it gives, the signer field, the time field)
    "verify": (CertificateStatus.DRAFT, CertificateStatus.VERIFIED, "verifier", "verified_at"),
    "check": (CertificateStatus.VERIFIED, CertificateStatus.CHECKED, "checker", "checked_at"),
    "approve": (CertificateStatus.CHECKED, CertificateStatus.APPROVED, "approver", "approved_at"),
}
FROZEN = (CertificateStatus.APPROVED, CertificateStatus.SUPERSEDED)


def _setting(name: str, default: str) -> str:
    return getattr(settings, name, default)


def lab_info() -> dict:
    return {"name": _setting("LAB_NAME", "燃气有限公司 计量室"),
            "name_en": _setting("LAB_NAME_EN", "Gas Company Metrology Laboratory"),
            "address": _setting("LAB_ADDRESS", ""),
            "authorisation_no": _setting("LAB_AUTHORISATION_NO", "(未配置 not configured)")}


def _next_number(kind: str, on: date) -> str:
    sequence, _created = CertificateSequence.objects.select_for_update().get_or_create(year=on.year)
    CertificateSequence.objects.filter(pk=sequence.pk).update(last=sequence.last + 1)
    prefix = (_setting("LAB_CERTIFICATE_PREFIX", "JD") if kind == CertificateKind.CERTIFICATE
              else _setting("LAB_NOTICE_PREFIX", "TZ"))
    return f"{prefix}{on.year}-{sequence.last + 1:06d}"


def valid_until_for(test: VerificationTest) -> date | None:
    """Certificates only: the profile's validity from the test date, never past the meter's service life."""
    if not test.passed:
        return None
    life_end = test.meter.service_life_expires_on
    if test.profile.validity_years:
        until = add_years(test.tested_on, test.profile.validity_years)
        return min(until, life_end) if life_end else until
    return life_end


def _completed(test: VerificationTest) -> VerificationTest:
    if test.status != TestStatus.COMPLETED:
        raise Conflict("test_not_completed", _("Complete the test before issuing its certificate."))
    return test


@transaction.atomic
def certificate_issue(*, actor, test: VerificationTest, remarks: str = "") -> LabCertificate:
    """The draft certificate (passed) or result notice (failed) of a completed test, numbered from the year's
    sequence. Signing follows."""
    _require_lab(actor)
    test = _completed(VerificationTest.objects.select_for_update().select_related("meter", "profile").get(
        pk=test.pk))
    if test.certificates.exists():
        raise Conflict("certificate_exists", _("This test already has a certificate; revise it instead."))
    kind = CertificateKind.CERTIFICATE if test.passed else CertificateKind.NOTICE
    number = _next_number(kind, timezone.localdate())
    certificate = LabCertificate.objects.create(
        number=number, base_number=number, kind=kind, test=test, customer_name=test.customer_name,
        customer_address=test.customer_address, remarks=remarks, valid_until=valid_until_for(test))
    record_event(actor=actor, action=AuditEvent.Action.CREATE, instance=certificate,
                 changes={"kind": kind, "test": test.record_no, "meter": test.meter.serial})
    return certificate


def _require_lab(actor) -> None:
    if actor is None or not has_role(actor, Role.LAB):
        raise DispatchError("not_lab_staff", _("Only metrology lab staff may sign certificates."),
                            status_code=403)


@transaction.atomic
def certificate_sign(*, actor, certificate: LabCertificate, step: str, render: bool = True) -> LabCertificate:
    """One signature of the chain verify → check → approve (three different lab staff). `render=False` (bulk
    approval) leaves the PDF to a print job, which stores it and its hash (`printing.render_chunk`)."""
    _require_lab(actor)
    if step not in STEPS:
        raise DispatchError("invalid", _("Unknown signing step."), fields={"step": [_("verify, check or approve")]})
    cert = LabCertificate.objects.select_for_update().get(pk=certificate.pk)
    needs, gives, signer_field, time_field = STEPS[step]
    if cert.status in FROZEN:
        raise Conflict("certificate_immutable", _("An approved certificate cannot change; issue a revision."))
    if cert.status != needs:
        raise Conflict("signing_out_of_order",
                       _("This certificate is “%(status)s”: it cannot be signed for “%(step)s” now.")
                       % {"status": CertificateStatus(cert.status).label, "step": step},
                       extra={"status": cert.status})
    earlier = {cert.verifier_id, cert.checker_id} - {None}
    if actor.pk in earlier:
        raise DispatchError("signer_must_differ",
                            _("The verifier, the checker and the approver must be different people."),
                            status_code=409)
    setattr(cert, signer_field, actor)
    setattr(cert, time_field, timezone.now())
    cert.status = gives
    if gives == CertificateStatus.APPROVED:
        cert.issued_on = timezone.localdate()
        if render:
            cert.pdf = render_certificate(cert)
            cert.pdf_sha256 = hashlib.sha256(cert.pdf).hexdigest()
        if cert.supersedes_id:
            old = LabCertificate.objects.select_for_update().get(pk=cert.supersedes_id)
            LabCertificate.objects.filter(pk=old.pk).update(status=CertificateStatus.SUPERSEDED,
                                                            updated_at=timezone.now())
            record_event(actor=actor, action=AuditEvent.Action.UPDATE, instance=old,
                         changes={"status": [old.status, CertificateStatus.SUPERSEDED], "by": cert.number})
    cert.save()
    record_event(actor=actor, action=AuditEvent.Action.UPDATE, instance=cert,
                 changes={"step": step, "status": [needs, gives], "sha256": cert.pdf_sha256 or None})
    return cert


@transaction.atomic
def certificate_revise(*, actor, certificate: LabCertificate, reason: str, customer_name: str | None = None,
                       customer_address: str | None = None, remarks: str | None = None,
                       test: VerificationTest | None = None) -> LabCertificate:
    """A correction: a new draft revision of an approved certificate (optionally on a re-test of the same meter).
    It supersedes the old one once approved; until then the old one stays current."""
    _require_lab(actor)
    if not reason.strip():
        raise DispatchError("reason_required", _("Give the reason for the revision."),
                            fields={"reason": [_("This field is required.")]})
    old = LabCertificate.objects.select_for_update().select_related("test").get(pk=certificate.pk)
    if old.status != CertificateStatus.APPROVED:
        raise Conflict("not_current", _("Only the current approved certificate can be revised."),
                       extra={"status": old.status})
    if LabCertificate.objects.filter(supersedes=old).exists():
        raise Conflict("revision_pending", _("A revision of this certificate is already in progress."))
    test = _completed(test or old.test)
    if test.meter_id != old.test.meter_id:
        raise DispatchError("invalid", _("A revision must be about the same meter."),
                            fields={"test": [_("A revision must be about the same meter.")]})
    kind = CertificateKind.CERTIFICATE if test.passed else CertificateKind.NOTICE
    revision = old.revision + 1
    cert = LabCertificate.objects.create(
        number=f"{old.base_number}-R{revision}", base_number=old.base_number, revision=revision, kind=kind,
        test=test, supersedes=old, revision_reason=reason[:500],
        customer_name=old.customer_name if customer_name is None else customer_name,
        customer_address=old.customer_address if customer_address is None else customer_address,
        remarks=old.remarks if remarks is None else remarks, valid_until=valid_until_for(test))
    record_event(actor=actor, action=AuditEvent.Action.CREATE, instance=cert,
                 changes={"supersedes": old.number, "revision": revision}, reason=reason)
    return cert


def batch_certificates_issue(*, actor, batch) -> list[LabCertificate]:
    """A certificate or notice for every completed test of a delivery batch that has none yet."""
    tests = batch.tests.filter(status=TestStatus.COMPLETED, certificates__isnull=True).order_by("id")
    return [certificate_issue(actor=actor, test=test) for test in tests]


def certificates_sign_many(*, actor, certificates: list[LabCertificate], step: str) -> dict:
    """The same signature on many certificates (a batch). Each is signed on its own (one refusal does not stop the
    others); approvals leave the PDFs to a print job through Celery, returned as `print_job`."""
    from . import printing

    signed, refused = [], []
    for cert in certificates:
        try:
            with transaction.atomic():
                signed.append(certificate_sign(actor=actor, certificate=cert, step=step, render=False))
        except DispatchError as error:
            refused.append({"certificate": cert.number, "code": error.code, "message": error.message})
    job = None
    if step == "approve" and signed:
        job = printing.print_job_create(actor=actor, certificate_ids=[cert.pk for cert in signed])
        printing.print_job_start(job)
    return {"signed": signed, "refused": refused, "print_job": job}


def current_of(certificate: LabCertificate) -> LabCertificate:
    """The approved certificate that replaced this one (itself if it is current)."""
    cert = certificate
    for _hop in range(50):
        successor = LabCertificate.objects.filter(supersedes=cert, status__in=FROZEN).first()
        if successor is None:
            return cert
        cert = successor
    return cert


# The document ----------------------------------------------------------------------------------------------

def public_url(number: str) -> str:
    base = _setting("LAB_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("lab-verify", args=[number])


def qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def mask_name(name: str) -> str:
    """Keep the first character: 张三丰 → 张**, Li Wei → L*****."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def certificate_context(cert: LabCertificate) -> dict:
    test = cert.test
    meter, profile, standard = test.meter, test.profile, test.standard
    verdict = judge_test(test) if test.points.exists() else None
    limits = profile_limits(profile, meter.accuracy_class)
    factor = profile.in_service_factor if test.limits == "in_service" else None
    if factor is not None:
        limits = limits.scaled(factor)
    t_min, t_max = reference_temperature_range(profile, meter)
    by_code = {p.code: p for p in (verdict.points if verdict else [])}
    points = [{"point": p, "result": by_code.get(p.code)} for p in test.points.all()]
    return {
        "cert": cert, "test": test, "meter": meter, "profile": profile, "standard": standard, "lab": lab_info(),
        "points": points, "limits": limits, "same_sign_applied": test.same_sign_applied,
        "in_service": factor is not None, "temp_range": (t_min, t_max),
        "draft": cert.status not in FROZEN, "qr": qr_data_uri(public_url(cert.number)),
        "verify_url": public_url(cert.number), "resolution": profile.error_resolution.normalize(),
        "mpe_low": limits.low, "mpe_high": limits.high, "mpe_same_sign": limits.same_sign,
    }


def certificate_pdf(cert: LabCertificate) -> bytes:
    """The issued PDF if approved, otherwise a fresh render (marked draft)."""
    if cert.status in FROZEN and cert.pdf:
        return bytes(cert.pdf)
    return render_certificate(cert)


def render_certificate(cert: LabCertificate) -> bytes:
    return render_pdf("meters/lab/certificate.html", certificate_context(cert))
