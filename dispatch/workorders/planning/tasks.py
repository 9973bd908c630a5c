"""The planning task: thin, takes the plan's id, idempotent (a plan already claimed is not run twice)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, max_retries=1, time_limit=600)
def plan_day(plan_id: int) -> str:
    return services.plan_run(plan_id).state
