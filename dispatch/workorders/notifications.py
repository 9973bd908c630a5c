"""Telling dispatchers: an in-app notification per person, and an e-mail when the site turns e-mail on."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dispatch.common.roles import Role

from .models import Notification, SlaState, WorkOrder


def office_dispatchers(office_id: int):
    return get_user_model().objects.filter(
        Q(staff__office_id=office_id) | Q(staff__additional_offices__id=office_id),
        groups__name=Role.DISPATCHER, is_active=True).distinct()


def notify_office(order: WorkOrder, *, topic: str, message: str) -> int:
    recipients = list(office_dispatchers(order.office_id))
    Notification.objects.bulk_create(
        [Notification(recipient=user, work_order=order, topic=topic, message=message[:300]) for user in recipients],
        ignore_conflicts=True)
    emails = [user.email for user in recipients if user.email]
    if emails and settings.DISPATCH_EMAIL_NOTIFICATIONS:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(emails, message[:300]))
    return len(recipients)


def notify_sla(order: WorkOrder, state: str) -> int:
    due = order.sla_due_at
    if state == SlaState.BREACHED:
        message = _("SLA breached: %(number)s (%(address)s)") % {"number": order.number, "address": order.address}
    else:
        message = _("SLA at risk: %(number)s (%(address)s) is due at %(due)s") % {
            "number": order.number, "address": order.address, "due": due.strftime("%H:%M") if due else "—"}
    return notify_office(order, topic=f"sla_{state}", message=message)
