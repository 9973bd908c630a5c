from celery import shared_task

from . import feeds, monthly


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def monthly_report_due() -> str | None:
    report = monthly.generate_due()
    return f"{report.month:%Y-%m}" if report else None


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def feed_hazard_trends() -> int:
    return feeds.feed_hazard_trends()
