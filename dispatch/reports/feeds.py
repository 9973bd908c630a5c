"""Signals the department reads across apps: recurring customer hazards become HSE trend nonconformities.

This sits in reports because it reads safety and writes HSE, two apps of the same layer that do not import
each other.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.hse.services.activities import TrendObservation, detect_hazard_trends
from dispatch.safety.models import Hazard
from dispatch.servicedesk.models import Complaint, ComplaintEvent
from dispatch.workorders.models import Notification


def feed_hazard_trends(*, days: int | None = None) -> int:
    """Count customer hazards found per area and type over the last `days`; raise HSE trend nonconformities."""
    days = days or settings.HSE_TREND_WINDOW_DAYS
    since = timezone.now() - timedelta(days=days)
    counts = (Hazard.objects.filter(found_at__gte=since, premises__area__isnull=False)
              .values("premises__area_id", "hazard_type__code", "hazard_type__name")
              .annotate(found=Count("id")))
    observations = [TrendObservation(area_id=row["premises__area_id"], hazard_type=row["hazard_type__code"],
                                     count=row["found"], hazard_type_label=row["hazard_type__name"])
                    for row in counts]
    raised = detect_hazard_trends(actor=None, observations=observations,
                                  period=_("in the last %(days)d days") % {"days": days})
    return len(raised)


def meter_complaint_findings(*, outcome, actor) -> Complaint | None:
    """The lab's answer reaches the complaint it was made for: kept on the complaint and sent to its owner, who
    carries the loop on (proposal, approval, informing the customer with this text, the callback, closing)."""
    reference = outcome.test.complaint_ref
    if not reference:
        return None
    complaint = (Complaint.objects.select_related("request__owner", "work_order")
                 .filter(Q(number=reference) | Q(request__number=reference)).first())
    if complaint is None:
        return None
    ComplaintEvent.objects.create(
        complaint=complaint, actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=complaint.status, to_status=complaint.status, reason=_("Metrology lab result")[:500],
        data={"lab_test": outcome.test.pk, "passed": outcome.passed, "ran_fast": outcome.ran_fast,
              "error_percent": str(outcome.error_used),
              "certificate": outcome.certificate.number if outcome.certificate else None,
              "credit": str(outcome.adjustment.credit) if outcome.adjustment else None,
              "customer_message": outcome.customer_message})
    owner = complaint.request.owner
    if owner is not None:
        Notification.objects.get_or_create(
            recipient=owner, work_order=complaint.work_order, topic=f"lab_result:{complaint.pk}"[:40],
            defaults={"message": (_("Lab result for complaint %(number)s: %(message)s")
                                  % {"number": complaint.number, "message": outcome.customer_message})[:300]})
    return complaint
