"""Daily stove-front pressure sampling at pipeline ends, and the customer notices before planned visits."""

from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.workorders.models import OPEN_STATUSES, Source, WorkOrder
from dispatch.workorders.services import work_order_create

from .models import InspectionNotice, PipelineEndPoint, SafetyPolicy


def sample_pressure_checks(*, day: date | None = None, actor=None) -> int:
    """Per area, the pipeline-end premises sampled longest ago get a pressure-check order for the day.

    Idempotent for a day: points with an open pressure check or already sampled that day are skipped."""
    day = day or timezone.localdate()
    per_area = SafetyPolicy.current().pressure_samples_per_area
    busy = WorkOrder.objects.filter(kind="pressure_check", status__in=OPEN_STATUSES).values("premises_id")
    points = (PipelineEndPoint.objects.filter(is_active=True, premises__is_active=True,
                                              premises__area__isnull=False)
              .exclude(premises_id__in=busy).exclude(last_sampled_on=day)
              .select_related("premises")
              .order_by("premises__area_id", F("last_sampled_on").asc(nulls_first=True), "pk"))
    # Samples already made today count against the area's quota: running twice makes no more.
    taken: dict[int, int] = dict(
        WorkOrder.objects.filter(kind="pressure_check", source_ref=f"PS-{day:%Y%m%d}")
        .values_list("premises__area_id").annotate(count=Count("id")).values_list("premises__area_id", "count"))
    created = 0
    for point in points:
        area_id = point.premises.area_id
        if taken.get(area_id, 0) >= per_area:
            continue
        taken[area_id] = taken.get(area_id, 0) + 1
        with transaction.atomic():
            work_order_create(actor=actor, kind="pressure_check", premises=point.premises, source=Source.SYSTEM,
                              source_ref=f"PS-{day:%Y%m%d}", scheduled_date=day,
                              description=_("Daily stove-front pressure sample (pipeline end)"))
            PipelineEndPoint.objects.filter(pk=point.pk).update(last_sampled_on=day)
        created += 1
    return created


# Hooks sending a notice of a planned visit: name -> callable(order) returning True when sent. The e-mail one is
# built in; a site adds its SMS gateway with register_notice_sender("sms", send).
NoticeSender = Callable[[WorkOrder], bool]
_senders: dict[str, NoticeSender] = {}


def register_notice_sender(channel: str, sender: NoticeSender) -> None:
    _senders[channel] = sender


def _email(order: WorkOrder) -> bool:
    account = order.premises.account if order.premises_id else None
    if account is None or not account.email:
        return False
    send_mail(_("Gas safety inspection on %(day)s") % {"day": order.scheduled_date},
              _("Our technician will visit %(address)s on %(day)s for the gas safety inspection. Call the hotline "
                "to book another time.") % {"address": order.address, "day": order.scheduled_date},
              settings.DEFAULT_FROM_EMAIL, [account.email], fail_silently=True)
    return True


register_notice_sender("email", _email)


def send_inspection_notices(*, today: date | None = None, limit: int = 5000) -> int:
    """Tell customers of planned inspections `notice_days_before` ahead, once per channel."""
    today = today or timezone.localdate()
    target = today + timedelta(days=SafetyPolicy.current().notice_days_before)
    orders = (WorkOrder.objects.filter(kind="safety_inspection", status__in=OPEN_STATUSES, scheduled_date__gt=today,
                                       scheduled_date__lte=target)
              .select_related("premises__account").order_by("scheduled_date", "pk")[:limit])
    sent = 0
    for order in orders:
        for channel, sender in list(_senders.items()):
            if InspectionNotice.objects.filter(work_order=order, channel=channel).exists():
                continue
            if sender(order):
                try:
                    InspectionNotice.objects.create(work_order=order, channel=channel)
                except IntegrityError:
                    continue
                sent += 1
    return sent
