from celery import shared_task
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from . import services


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def refresh_sla_states() -> dict[str, int]:
    return services.refresh_sla_states()


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True)
def send_notification_email(recipients: list[str], message: str) -> int:
    return send_mail(subject=_("Dispatch: %(message)s") % {"message": message[:60]}, message=message,
                     from_email=None, recipient_list=recipients)


# The route planner's task lives in its package; imported here so that Celery's autodiscovery registers it.
from .planning.tasks import plan_day  # noqa: E402, F401
