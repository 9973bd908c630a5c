"""The geocode_premises task: FOUND / NOT_FOUND, and FAILED once the retries with back-off are spent."""

from unittest import mock

import pytest
from celery.exceptions import Retry

from dispatch.customers import services
from dispatch.customers.geocoding import GeocodeResult, GeocoderUnavailable
from dispatch.customers.models import Premises
from dispatch.customers.tasks import geocode_premises, retry_countdown
from tests.factories import AreaFactory, CustomerAccountFactory, PremisesFactory, square
from tests.fake_geocoder import KNOWN_LAT, KNOWN_LNG

pytestmark = pytest.mark.django_db

Status = Premises.GeocodeStatus


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.32, 22.81, 0.02))


def run_as_worker(premises_id: int, retries: int):
    """Run the task body as a worker would on its `retries`-th retry (not eagerly)."""
    geocode_premises.push_request(retries=retries, is_eager=False, called_directly=False)
    try:
        return geocode_premises.run(premises_id)
    finally:
        geocode_premises.pop_request()


def test_eager_task_finds_the_address_and_places_the_premises(geocoder_server, area):
    premises = PremisesFactory(address="88 Minzu Avenue", geocode_status=Status.PENDING)

    result = geocode_premises.delay(premises.pk)

    assert result.get() == "found"
    premises.refresh_from_db()
    assert (premises.lat, premises.lng, premises.area, premises.geocode_status) == (
        KNOWN_LAT, KNOWN_LNG, area, Status.FOUND)


def test_eager_task_marks_unknown_addresses_not_found(geocoder_server, area):
    premises = PremisesFactory(address="Nowhere Lane", geocode_status=Status.PENDING)

    assert geocode_premises.delay(premises.pk).get() == "not_found"

    premises.refresh_from_db()
    assert premises.geocode_status == Status.NOT_FOUND
    assert premises.lat is None


def test_creating_premises_geocodes_them_on_commit(geocoder_server, area, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        premises = services.premises_create(actor=agent, premises_no="P-1", account=CustomerAccountFactory(),
                                            address="88 Minzu Avenue", district="青秀区")

    premises.refresh_from_db()
    assert premises.geocode_status == Status.FOUND
    assert premises.area == area
    assert geocoder_server.requests == [("/search", "青秀区 88 Minzu Avenue")]


def test_eager_task_with_the_geocoder_down_marks_failed_without_raising(geocoder_server, area):
    """In the embedded default there is no worker to retry later: the outage is recorded at once."""
    geocoder_server.mode = "error"
    premises = PremisesFactory(address="88 Minzu Avenue", geocode_status=Status.PENDING)

    assert geocode_premises.delay(premises.pk).get() == "failed"

    premises.refresh_from_db()
    assert premises.geocode_status == Status.FAILED


def test_api_create_with_the_geocoder_down_still_answers_201(
        geocoder_server, as_user, agent, area, django_capture_on_commit_callbacks):
    geocoder_server.mode = "error"
    account = CustomerAccountFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(agent).post("/api/premises/", {"premises_no": "P-1", "account": account.pk,
                                                          "address": "88 Minzu Avenue"}, format="json")

    assert response.status_code == 201, response.content
    assert Premises.objects.get(premises_no="P-1").geocode_status == Status.FAILED


def test_a_broker_that_refuses_the_task_leaves_the_premises_failed_not_a_500(
        settings, as_user, agent, django_capture_on_commit_callbacks):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", "http://127.0.0.1:9"
    account = CustomerAccountFactory()

    with mock.patch.object(geocode_premises, "delay", side_effect=ConnectionError("broker down")), \
            django_capture_on_commit_callbacks(execute=True):
        response = as_user(agent).post("/api/premises/", {"premises_no": "P-1", "account": account.pk,
                                                          "address": "88 Minzu Avenue"}, format="json")

    assert response.status_code == 201
    assert Premises.objects.get(premises_no="P-1").geocode_status == Status.FAILED


@pytest.mark.parametrize("retries", range(5))
def test_worker_retries_with_growing_back_off(area, retries):
    premises = PremisesFactory(geocode_status=Status.PENDING)

    with mock.patch("dispatch.customers.tasks.geocode_address", side_effect=GeocoderUnavailable("down")), \
            mock.patch.object(geocode_premises, "retry", side_effect=Retry("retry")) as retry, \
            pytest.raises(Retry):
        run_as_worker(premises.pk, retries=retries)

    countdown = retry.call_args.kwargs["countdown"]
    assert countdown == min(600, 30 * 2 ** retries)
    assert isinstance(retry.call_args.kwargs["exc"], GeocoderUnavailable)
    premises.refresh_from_db()
    assert premises.geocode_status == Status.PENDING, "still waiting while retries remain"


def test_back_off_grows_and_is_capped():
    countdowns = [retry_countdown(retries) for retries in range(geocode_premises.max_retries)]

    assert countdowns == [30, 60, 120, 240, 480]
    assert retry_countdown(20) == 600


def test_worker_marks_failed_after_the_last_retry(area):
    premises = PremisesFactory(geocode_status=Status.PENDING)

    with mock.patch("dispatch.customers.tasks.geocode_address", side_effect=GeocoderUnavailable("down")), \
            mock.patch.object(geocode_premises, "retry") as retry:
        result = run_as_worker(premises.pk, retries=geocode_premises.max_retries)

    assert result == "failed"
    retry.assert_not_called()
    premises.refresh_from_db()
    assert premises.geocode_status == Status.FAILED


def test_worker_succeeds_on_a_retry(area):
    premises = PremisesFactory(geocode_status=Status.PENDING)

    with mock.patch("dispatch.customers.tasks.geocode_address", return_value=GeocodeResult(22.82, 108.33)):
        assert run_as_worker(premises.pk, retries=3) == "found"

    premises.refresh_from_db()
    assert (premises.geocode_status, premises.area) == (Status.FOUND, area)


def test_task_for_deleted_premises_is_a_no_op(geocoder_server):
    assert geocode_premises.delay(999999).get() == "gone"
    assert geocoder_server.requests == []


def test_task_is_idempotent_and_respects_manual_coordinates(geocoder_server, area):
    premises = PremisesFactory(address="88 Minzu Avenue", geocode_status=Status.PENDING)
    geocode_premises.delay(premises.pk)
    geocode_premises.delay(premises.pk)
    premises.refresh_from_db()
    assert premises.geocode_status == Status.FOUND

    Premises.objects.filter(pk=premises.pk).update(lat=22.825, lng=108.325, geocode_status=Status.MANUAL)
    geocode_premises.delay(premises.pk)

    premises.refresh_from_db()
    assert (premises.lat, premises.lng, premises.geocode_status) == (22.825, 108.325, Status.MANUAL)
