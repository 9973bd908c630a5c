from celery import shared_task

from . import sampling


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sample_pressure_checks() -> int:
    return sampling.sample_pressure_checks()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def send_inspection_notices() -> int:
    return sampling.send_inspection_notices()
