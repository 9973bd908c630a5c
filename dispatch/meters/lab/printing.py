"""Rendering many certificates through Celery: a print job split into chunks, one task per chunk, each adding to
the job's progress. The PDFs go to MEDIA_ROOT/lab/print/<job>/<number>.pdf (approved ones are their stored,
signed PDF; others a fresh render marked draft)."""

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .certificates import FROZEN, render_certificate
from .models import CertificatePrintJob, LabCertificate

CHUNK = 25
logger = logging.getLogger(__name__)


def job_dir(job: CertificatePrintJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "lab" / "print" / str(job.pk)


def print_job_create(*, actor, certificate_ids: list[int]) -> CertificatePrintJob:
    ids = list(dict.fromkeys(int(pk) for pk in certificate_ids))
    return CertificatePrintJob.objects.create(certificate_ids=ids, total=len(ids),
                                              created_by=actor if getattr(actor, "is_authenticated", False) else None)


def chunks(job: CertificatePrintJob, size: int = CHUNK) -> list[list[int]]:
    return [job.certificate_ids[start:start + size] for start in range(0, len(job.certificate_ids), size)]


def print_job_start(job: CertificatePrintJob, *, size: int = CHUNK) -> None:
    """Queue one task per chunk after the commit (eager without a broker)."""
    from .tasks import render_certificates_chunk

    def queue():
        for part in chunks(job, size):
            render_certificates_chunk.delay(job.pk, part)

    transaction.on_commit(queue)


def render_chunk(job_id: int, certificate_ids: list[int], *, write: bool = True) -> int:
    """Render the chunk; idempotent (a file already written is not rendered again). Returns how many rendered."""
    job = CertificatePrintJob.objects.get(pk=job_id)
    CertificatePrintJob.objects.filter(pk=job_id, state=CertificatePrintJob.State.QUEUED).update(
        state=CertificatePrintJob.State.RUNNING)
    folder = job_dir(job)
    if write:
        folder.mkdir(parents=True, exist_ok=True)
    rendered = failed = 0
    certificates = LabCertificate.objects.filter(pk__in=certificate_ids).select_related(
        "test__meter__size", "test__profile", "test__standard", "verifier", "checker", "approver", "supersedes")
    for cert in certificates:
        target = folder / f"{cert.number}.pdf"
        if write and target.exists():
            continue
        try:
            pdf = bytes(cert.pdf) if cert.status in FROZEN and cert.pdf and write else render_certificate(cert)
        except Exception:  # one bad certificate must not stop the batch: it is counted and logged
            logger.exception("certificate %s could not be rendered", cert.number)
            failed += 1
            continue
        if cert.status in FROZEN and not cert.pdf_sha256:
            # Approved in bulk without its PDF: this render becomes the issued, hashed document (once).
            LabCertificate.objects.filter(pk=cert.pk, pdf_sha256="").update(
                pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest())
        if write:
            target.write_bytes(pdf)
        rendered += 1
    missing = len(certificate_ids) - len(certificates)
    CertificatePrintJob.objects.filter(pk=job_id).update(done=F("done") + rendered,
                                                         failed=F("failed") + failed + missing)
    CertificatePrintJob.objects.filter(pk=job_id, done__gte=F("total") - F("failed")).update(
        state=CertificatePrintJob.State.DONE, finished_at=timezone.now())
    return rendered
