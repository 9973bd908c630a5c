"""Lab tasks: thin, take ids, idempotent (a chunk re-run skips the PDFs already written)."""

from celery import shared_task

from . import printing


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, time_limit=900)
def render_certificates_chunk(job_id: int, certificate_ids: list[int], write: bool = True) -> int:
    return printing.render_chunk(job_id, certificate_ids, write=write)
