from dispatch.meters.lab import certificates, printing
from dispatch.meters.lab.models import CertificatePrintJob

from .conftest import run_test


def test_print_job_renders_through_celery_with_progress(verifier, new_meter, standard, settings, tmp_path,
                                                        django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    cert = certificates.certificate_issue(actor=verifier, test=run_test(verifier, new_meter, standard,
                                                                        ["0", "0.2", "0.1"]))
    job = printing.print_job_create(actor=verifier, certificate_ids=[cert.pk, cert.pk, 999999])
    assert job.total == 2
    with django_capture_on_commit_callbacks(execute=True):
        printing.print_job_start(job, size=1)
    job.refresh_from_db()
    assert (job.done, job.failed, job.state) == (1, 1, CertificatePrintJob.State.DONE)
    assert (printing.job_dir(job) / f"{cert.number}.pdf").read_bytes().startswith(b"%PDF")
    # Re-running a chunk (a retried task) renders nothing again.
    assert printing.render_chunk(job.pk, [cert.pk]) == 0
