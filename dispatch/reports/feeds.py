"""Signals the department reads across apps: recurring customer hazards become HSE trend nonconformities.

This sits in reports because it reads safety and writes HSE, two apps of the same layer that do not import
each other.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.hse.services.activities import TrendObservation, detect_hazard_trends
from dispatch.safety.models import Hazard


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
