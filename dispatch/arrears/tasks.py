from celery import shared_task

from . import dunning, ledger, reports


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def daily_dunning_run() -> dict:
    """Daily (beat): today's dunning run, and on the report day (the 28th) the monthly arrears report."""
    today = ledger.today()
    summary = dunning.dunning_run(today)
    if today == reports.report_day(today):
        reports.monthly_store(today)
    return summary
