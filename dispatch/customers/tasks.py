from celery import shared_task

from .geocoding import GeocoderUnavailable, geocode_address
from .models import Premises
from .services import premises_record_geocode

# A geocoder outage is retried after 30 s, 1, 2, 4 and 8 minutes (capped at 10), then recorded as FAILED.
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 600


def retry_countdown(retries: int) -> int:
    """Seconds to wait before the next attempt, after `retries` retries already made."""
    return min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** retries)


@shared_task(bind=True, max_retries=5, acks_late=True)
def geocode_premises(self, premises_id: int) -> str:
    premises = Premises.objects.filter(pk=premises_id).only("address", "district").first()
    if premises is None:
        return "gone"
    try:
        result = geocode_address(f"{premises.district} {premises.address}".strip())
    except GeocoderUnavailable as exc:
        # Run eagerly (the embedded default) there is no worker to come back later: record the outage now.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            premises_record_geocode(premises_id=premises_id, lat=None, lng=None,
                                    status=Premises.GeocodeStatus.FAILED)
            return "failed"
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
    if result is None:
        premises_record_geocode(premises_id=premises_id, lat=None, lng=None,
                                status=Premises.GeocodeStatus.NOT_FOUND)
        return "not_found"
    premises_record_geocode(premises_id=premises_id, lat=result.lat, lng=result.lng,
                            status=Premises.GeocodeStatus.FOUND)
    return "found"
