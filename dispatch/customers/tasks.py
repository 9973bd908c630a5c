from celery import shared_task

from .geocoding import GeocoderUnavailable, geocode_address
from .models import Premises
from .services import premises_record_geocode


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600, acks_late=True)
def geocode_premises(self, premises_id: int) -> str:
    premises = Premises.objects.filter(pk=premises_id).only("address", "district").first()
    if premises is None:
        return "gone"
    try:
        result = geocode_address(f"{premises.district} {premises.address}".strip())
    except GeocoderUnavailable as exc:
        if self.request.retries >= self.max_retries:
            premises_record_geocode(premises_id=premises_id, lat=None, lng=None,
                                    status=Premises.GeocodeStatus.FAILED)
            return "failed"
        raise self.retry(exc=exc) from exc
    if result is None:
        premises_record_geocode(premises_id=premises_id, lat=None, lng=None,
                                status=Premises.GeocodeStatus.NOT_FOUND)
        return "not_found"
    premises_record_geocode(premises_id=premises_id, lat=result.lat, lng=result.lng,
                            status=Premises.GeocodeStatus.FOUND)
    return "found"
