"""Customer writes: each create/update leaves exactly one audit event with the changed fields, none if unchanged."""

from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType

from dispatch.common.errors import DispatchError
from dispatch.common.models import AuditEvent
from dispatch.customers import services
from dispatch.customers.models import Contact, CustomerAccount, Premises
from tests.factories import AreaFactory, CustomerAccountFactory, PremisesFactory, square

pytestmark = pytest.mark.django_db

Status = Premises.GeocodeStatus


def events_for(instance):
    return list(AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(instance),
                                          object_id=str(instance.pk)).order_by("id"))


@pytest.fixture
def west(office):
    return AreaFactory(code="QX-W", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def east(office):
    return AreaFactory(code="QX-E", office=office, boundary=square(108.40, 22.80, 0.05))


# --- accounts -------------------------------------------------------------------------------------------


def test_account_create_writes_one_create_event_with_every_field(agent):
    account = services.account_create(actor=agent, account_no="100200", name="李四", phone="13800138000",
                                      is_pensioner_alone=True)

    [event] = events_for(account)
    assert (event.action, event.actor, event.object_repr) == ("create", agent, "100200 李四")
    assert event.changes["name"] == "李四"
    assert event.changes["is_pensioner_alone"] is True
    assert set(event.changes) == set(services.ACCOUNT_FIELDS)


def test_account_update_writes_one_event_with_only_the_changed_fields(agent):
    account = CustomerAccountFactory(name="李四", phone="13800138000")

    services.account_update(actor=agent, account=account, name="李四四", phone="13800138000",
                            has_young_children=True)

    [event] = events_for(account)
    assert event.action == "update"
    assert event.actor == agent
    assert event.changes == {"name": ["李四", "李四四"], "has_young_children": [False, True]}
    account.refresh_from_db()
    assert account.name == "李四四"


def test_account_update_without_change_writes_no_event(agent):
    account = CustomerAccountFactory(name="李四")

    services.account_update(actor=agent, account=account, name="李四")
    services.account_update(actor=agent, account=account)

    assert events_for(account) == []


def test_invalid_account_is_refused_and_not_audited(agent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.account_create(actor=agent, account_no="1", name="x", phone="not a phone")

    assert "phone" in refused.value.message_dict
    assert not CustomerAccount.objects.exists()
    assert not AuditEvent.objects.exists()


# --- premises -------------------------------------------------------------------------------------------


def test_premises_create_with_coordinates_is_placed_manual_and_audited_once(agent, west):
    account = CustomerAccountFactory()

    premises = services.premises_create(actor=agent, premises_no="P-1", account=account, address="民族大道 88 号",
                                        lat=22.82, lng=108.32)

    assert premises.area == west
    assert premises.geocode_status == Status.MANUAL
    [event] = events_for(premises)
    assert event.action == "create"
    assert event.changes["area"] == west.pk
    assert event.changes["account"] == account.pk


def test_premises_create_outside_every_area_is_refused_on_area(agent, west):
    with pytest.raises(DispatchError) as refused:
        services.premises_create(actor=agent, premises_no="P-1", account=CustomerAccountFactory(), address="x",
                                 lat=22.0, lng=108.0)

    assert refused.value.code == "outside_areas"
    assert "area" in refused.value.fields
    assert not Premises.objects.exists()


def test_premises_create_with_a_chosen_area_keeps_it(agent, west, east):
    premises = services.premises_create(actor=agent, premises_no="P-1", account=CustomerAccountFactory(),
                                        address="x", lat=22.82, lng=108.32, area=east)

    assert premises.area == east


def test_moving_premises_re_places_the_area(agent, west, east):
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west, geocode_status=Status.FOUND)

    services.premises_update(actor=agent, premises=premises, lat=22.82, lng=108.42)

    premises.refresh_from_db()
    assert premises.area == east
    assert premises.geocode_status == Status.MANUAL
    [event] = events_for(premises)
    assert event.changes == {"lng": [108.32, 108.42], "area": [west.pk, east.pk]}


def test_moving_premises_outside_every_area_is_refused(agent, west):
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west)

    with pytest.raises(DispatchError) as refused:
        services.premises_update(actor=agent, premises=premises, lat=10.0, lng=10.0)

    assert "area" in refused.value.fields
    premises.refresh_from_db()
    assert (premises.lat, premises.area) == (22.82, west)


def test_resending_the_same_coordinates_changes_nothing(agent, west, east):
    """A client that PUTs the record back unchanged must not turn a geocoded position into a manual one,
    nor undo an area chosen by hand."""
    premises = PremisesFactory(lat=22.82, lng=108.32, area=east, geocode_status=Status.FOUND)

    services.premises_update(actor=agent, premises=premises, lat=22.82, lng=108.32, address=premises.address)

    premises.refresh_from_db()
    assert premises.geocode_status == Status.FOUND
    assert premises.area == east
    assert events_for(premises) == []


def test_premises_update_without_change_writes_no_event(agent, west):
    premises = PremisesFactory(area=west, access_notes="dog")

    services.premises_update(actor=agent, premises=premises, access_notes="dog")

    assert events_for(premises) == []


def test_premises_update_of_plain_fields_writes_one_event(agent, west):
    premises = PremisesFactory(area=west, access_notes="")

    services.premises_update(actor=agent, premises=premises, access_notes="dog; ring twice", district="青秀区")

    [event] = events_for(premises)
    assert event.changes == {"access_notes": ["", "dog; ring twice"], "district": ["", "青秀区"]}


def test_choosing_an_area_by_hand(agent, west, east):
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west)

    services.premises_update(actor=agent, premises=premises, area=east)

    premises.refresh_from_db()
    assert premises.area == east


# --- geocoding hooks ------------------------------------------------------------------------------------


def test_request_geocoding_is_a_no_op_without_a_geocoder(settings, agent, django_capture_on_commit_callbacks):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "", ""

    with mock.patch("dispatch.customers.tasks.geocode_premises.delay") as delay, \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        premises = services.premises_create(actor=agent, premises_no="P-1", account=CustomerAccountFactory(),
                                            address="88 Minzu Avenue")

    assert callbacks == []
    delay.assert_not_called()
    premises.refresh_from_db()
    assert premises.geocode_status == Status.NONE


def test_premises_without_coordinates_are_queued_for_geocoding_after_commit(
        settings, agent, django_capture_on_commit_callbacks):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", "http://127.0.0.1:9"

    with mock.patch("dispatch.customers.tasks.geocode_premises.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            premises = services.premises_create(actor=agent, premises_no="P-1", account=CustomerAccountFactory(),
                                                address="88 Minzu Avenue")
        delay.assert_not_called()  # not before the commit

        assert premises.geocode_status == Status.PENDING, "the returned object shows the queued state"
        assert Premises.objects.get(pk=premises.pk).geocode_status == Status.PENDING
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(premises.pk)


def test_changing_the_address_re_geocodes_unless_coordinates_come_with_it(
        settings, agent, west, django_capture_on_commit_callbacks):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", "http://127.0.0.1:9"
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west, geocode_status=Status.FOUND)

    with mock.patch("dispatch.customers.tasks.geocode_premises.delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        services.premises_update(actor=agent, premises=premises, address="1 New Street")
        services.premises_update(actor=agent, premises=premises, address="2 New Street", lat=22.83, lng=108.33)
        services.premises_update(actor=agent, premises=premises, access_notes="x")

    delay.assert_called_once_with(premises.pk)
    premises.refresh_from_db()
    assert (premises.address, premises.lat, premises.geocode_status) == ("2 New Street", 22.83, Status.MANUAL)


def test_a_new_address_sent_with_unchanged_coordinates_is_geocoded_again(
        settings, agent, west, django_capture_on_commit_callbacks):
    """A full PUT repeats the stored coordinates: that is not a move, the new address still gets looked up."""
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", "http://127.0.0.1:9"
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west, geocode_status=Status.FOUND)

    with mock.patch("dispatch.customers.tasks.geocode_premises.delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        services.premises_update(actor=agent, premises=premises, address="1 New Street", lat=22.82, lng=108.32)

    delay.assert_called_once_with(premises.pk)


def test_a_new_address_does_not_replace_coordinates_entered_by_hand(
        settings, agent, west, east, django_capture_on_commit_callbacks):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", "http://127.0.0.1:9"
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west, geocode_status=Status.MANUAL)

    with mock.patch("dispatch.customers.tasks.geocode_premises.delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        services.premises_update(actor=agent, premises=premises, address="88 Minzu Avenue, corrected")

    delay.assert_not_called()
    premises.refresh_from_db()
    assert (premises.lat, premises.lng, premises.geocode_status) == (22.82, 108.32, Status.MANUAL)


def test_clearing_the_coordinates_asks_the_geocoder(settings, agent, west, django_capture_on_commit_callbacks):
    settings.GEOCODER_BACKEND, settings.GEOCODER_URL = "nominatim", "http://127.0.0.1:9"
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west, geocode_status=Status.MANUAL)

    with mock.patch("dispatch.customers.tasks.geocode_premises.delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        services.premises_update(actor=agent, premises=premises, lat=None, lng=None)

    delay.assert_called_once_with(premises.pk)
    premises.refresh_from_db()
    assert (premises.lat, premises.geocode_status, premises.area) == (None, Status.PENDING, west)


def test_clearing_the_coordinates_without_a_geocoder_resets_the_status(agent, west):
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west, geocode_status=Status.MANUAL)

    services.premises_update(actor=agent, premises=premises, lat=None, lng=None)

    premises.refresh_from_db()
    assert premises.geocode_status == Status.NONE


def test_record_geocode_stores_found_coordinates_and_places_the_area(west):
    premises = PremisesFactory(geocode_status=Status.PENDING)

    services.premises_record_geocode(premises_id=premises.pk, lat=22.82, lng=108.32, status=Status.FOUND)

    premises.refresh_from_db()
    assert (premises.lat, premises.lng, premises.area, premises.geocode_status) == (
        22.82, 108.32, west, Status.FOUND)
    [event] = events_for(premises)
    assert event.actor is None
    assert event.reason == "geocoding"
    assert event.changes == {"lat": [None, 22.82], "lng": [None, 108.32], "area": [None, west.pk]}


def test_record_geocode_does_not_overwrite_coordinates_typed_by_hand(west, east):
    premises = PremisesFactory(lat=22.82, lng=108.32, area=west, geocode_status=Status.MANUAL)

    services.premises_record_geocode(premises_id=premises.pk, lat=22.82, lng=108.42, status=Status.FOUND)

    premises.refresh_from_db()
    assert (premises.lng, premises.area, premises.geocode_status) == (108.32, west, Status.MANUAL)
    assert events_for(premises) == []


def test_coordinates_typed_while_geocoding_win(agent, west, east):
    premises = PremisesFactory(geocode_status=Status.PENDING)
    services.premises_update(actor=agent, premises=premises, lat=22.82, lng=108.32)

    services.premises_record_geocode(premises_id=premises.pk, lat=22.82, lng=108.42, status=Status.FOUND)

    premises.refresh_from_db()
    assert (premises.lng, premises.area, premises.geocode_status) == (108.32, west, Status.MANUAL)


def test_record_geocode_not_found_keeps_the_record_unaudited():
    premises = PremisesFactory(geocode_status=Status.PENDING)

    services.premises_record_geocode(premises_id=premises.pk, lat=None, lng=None, status=Status.NOT_FOUND)

    premises.refresh_from_db()
    assert premises.geocode_status == Status.NOT_FOUND
    assert (premises.lat, premises.lng) == (None, None)
    assert events_for(premises) == []


def test_a_geocode_outside_the_service_territory_counts_as_not_found(settings, west):
    """A geocoder that matches a same-named street in another city must not move the premises there."""
    settings.SERVICE_TERRITORY_BOUNDS = {"min_lat": 22.0, "max_lat": 23.5, "min_lng": 107.5, "max_lng": 109.0}
    premises = PremisesFactory(geocode_status=Status.PENDING)

    services.premises_record_geocode(premises_id=premises.pk, lat=39.9, lng=116.4, status=Status.FOUND)

    premises.refresh_from_db()
    assert premises.geocode_status == Status.NOT_FOUND
    assert (premises.lat, premises.lng, premises.area) == (None, None, None)


# --- contacts -------------------------------------------------------------------------------------------


def test_contact_create_update_delete_each_write_one_event(agent):
    account = CustomerAccountFactory()

    contact = services.contact_create(actor=agent, account=account, name="王小五", phone="13912345678")
    services.contact_update(actor=agent, contact=contact, relation="son", name="王小五")
    services.contact_update(actor=agent, contact=contact, relation="son")
    contact_id = contact.pk
    services.contact_delete(actor=agent, contact=contact)

    events = list(AuditEvent.objects.filter(object_id=str(contact_id), content_type__model="contact")
                  .order_by("id"))
    assert [event.action for event in events] == ["create", "update", "delete"]
    assert events[1].changes == {"relation": ["", "son"]}
    assert events[2].changes["phone"] == "13912345678"
    assert not Contact.objects.filter(pk=contact_id).exists()
