from celery import shared_task
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from .services import reminders


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def send_hse_reminders() -> dict[str, int]:
    """Beat runs this every hour (HSE_REMINDER_INTERVAL_SECONDS); the service sends each reminder once a day."""
    return reminders.run_daily_reminders()


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True)
def send_hse_email(recipients: list[str], message: str) -> int:
    return send_mail(subject=_("HSE: %(message)s") % {"message": message[:60]}, message=message, from_email=None,
                     recipient_list=recipients)
