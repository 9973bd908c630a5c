from celery import shared_task

from . import callbacks, complaints


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def desk_clock() -> dict[str, int]:
    """Every few minutes on beat: the complaint handling clock, then the day's callbacks. Both idempotent."""
    counts = complaints.escalate_complaints()
    counts["callbacks_created"] = callbacks.create_callbacks()
    return counts
