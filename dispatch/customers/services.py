"""Writes to customer accounts, premises and contacts. Every change is audited."""

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.common.audit import diff, record_event, snapshot
from dispatch.common.errors import DispatchError
from dispatch.common.geo import check_coordinates
from dispatch.org.models import Area
from dispatch.org.selectors import area_containing

from .models import Contact, CustomerAccount, Premises

ACCOUNT_FIELDS = ["account_no", "name", "customer_class", "phone", "phone_alt", "email", "is_pensioner_alone",
                  "has_young_children", "is_medically_dependent", "has_disability", "vulnerability_notes",
                  "is_active"]
PREMISES_FIELDS = ["premises_no", "account", "address", "district", "gas_type", "lat", "lng", "area",
                   "access_notes", "is_active"]
CONTACT_FIELDS = ["account", "name", "relation", "phone", "is_primary"]

logger = logging.getLogger(__name__)


def _save_audited(*, actor, instance, fields: list[str], before: dict | None) -> None:
    instance.full_clean()
    instance.save()
    after = snapshot(instance, fields)
    if before is None:
        record_event(actor=actor, action="create", instance=instance, changes=after)
    elif changes := diff(before, after):
        record_event(actor=actor, action="update", instance=instance, changes=changes)


@transaction.atomic
def account_create(*, actor, **fields: Any) -> CustomerAccount:
    account = CustomerAccount(**fields)
    _save_audited(actor=actor, instance=account, fields=ACCOUNT_FIELDS, before=None)
    return account


@transaction.atomic
def account_update(*, actor, account: CustomerAccount, **fields: Any) -> CustomerAccount:
    before = snapshot(account, ACCOUNT_FIELDS)
    for name, value in fields.items():
        setattr(account, name, value)
    _save_audited(actor=actor, instance=account, fields=ACCOUNT_FIELDS, before=before)
    return account


def premises_area_at(lat: float, lng: float) -> Area:
    """The area covering the point, or a refusal on the `area` field asking for one to be chosen by hand."""
    area = area_containing(lat, lng)
    if area is None:
        raise DispatchError(
            "outside_areas", _("No area covers these coordinates; choose the area by hand."),
            fields={"area": [_("No area covers these coordinates; choose the area by hand.")]})
    return area


def _place(premises: Premises, *, area_given: bool) -> None:
    """Check the coordinates and, unless the caller chose the area, place the premises from them."""
    check_coordinates(premises.lat, premises.lng)
    if area_given or premises.lat is None:
        return
    premises.area = premises_area_at(premises.lat, premises.lng)


@transaction.atomic
def premises_create(*, actor, **fields: Any) -> Premises:
    premises = Premises(**fields)
    if premises.lat is not None:
        premises.geocode_status = Premises.GeocodeStatus.MANUAL
    _place(premises, area_given=fields.get("area") is not None)
    _save_audited(actor=actor, instance=premises, fields=PREMISES_FIELDS, before=None)
    if premises.lat is None:
        request_geocoding(premises)
    return premises


@transaction.atomic
def premises_update(*, actor, premises: Premises, **fields: Any) -> Premises:
    before = snapshot(premises, PREMISES_FIELDS)
    for name, value in fields.items():
        setattr(premises, name, value)
    # Only a real move counts: a client sending the stored coordinates back must not turn a geocoded position
    # into a manual one, nor undo an area chosen by hand.
    moved = any(name in fields and before[name] != getattr(premises, name) for name in ("lat", "lng"))
    # An area left empty on purpose asks for placement from the coordinates.
    area_changed = "area" in fields and (before["area"] != premises.area_id or premises.area_id is None)
    cleared = moved and premises.lat is None
    if moved:
        premises.geocode_status = Premises.GeocodeStatus.NONE if cleared else Premises.GeocodeStatus.MANUAL
    if moved or area_changed:
        _place(premises, area_given=fields.get("area") is not None)
    _save_audited(actor=actor, instance=premises, fields=PREMISES_FIELDS, before=before)
    # A new address is looked up again, but coordinates entered by hand stay authoritative (clear them to
    # have the address geocoded).
    readdressed = "address" in fields and before["address"] != premises.address
    if cleared or (readdressed and not moved and premises.geocode_status != Premises.GeocodeStatus.MANUAL):
        request_geocoding(premises)
    return premises


def request_geocoding(premises: Premises) -> None:
    """Queue the address for the configured geocoder once the transaction commits (no-op if none is set)."""
    from .geocoding import geocoder_configured

    if not geocoder_configured():
        return
    premises.geocode_status = Premises.GeocodeStatus.PENDING
    Premises.objects.filter(pk=premises.pk).update(geocode_status=premises.geocode_status)
    premises_id = premises.pk
    transaction.on_commit(lambda: _queue_geocoding(premises_id))


def _queue_geocoding(premises_id: int) -> None:
    """The premises are saved by now: a broker that refuses the task must not turn that into an error."""
    from .tasks import geocode_premises

    try:
        geocode_premises.delay(premises_id)
    except Exception:
        logger.exception("could not queue geocoding of premises %s", premises_id)
        Premises.objects.filter(pk=premises_id, geocode_status=Premises.GeocodeStatus.PENDING).update(
            geocode_status=Premises.GeocodeStatus.FAILED)


@transaction.atomic
def premises_record_geocode(*, premises_id: int, lat: float | None, lng: float | None, status: str) -> Premises:
    """Store a geocoder's answer. Coordinates someone typed by hand in the meantime win.

    A position outside the service territory is a wrong match (a street of the same name in another city):
    it counts as not found rather than moving the premises there.
    """
    premises = Premises.objects.select_for_update().get(pk=premises_id)
    if premises.geocode_status == Premises.GeocodeStatus.MANUAL:
        return premises
    if lat is not None and lng is not None:
        try:
            check_coordinates(lat, lng)
        except DispatchError:
            lat = lng = None
            status = Premises.GeocodeStatus.NOT_FOUND
    before = snapshot(premises, PREMISES_FIELDS)
    premises.geocode_status = status
    if lat is not None and lng is not None:
        premises.lat, premises.lng = lat, lng
        premises.area = area_containing(lat, lng) or premises.area
    premises.save()
    if changes := diff(before, snapshot(premises, PREMISES_FIELDS)):
        record_event(actor=None, action="update", instance=premises, changes=changes, reason="geocoding")
    return premises


@transaction.atomic
def contact_create(*, actor, **fields: Any) -> Contact:
    contact = Contact(**fields)
    _save_audited(actor=actor, instance=contact, fields=CONTACT_FIELDS, before=None)
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, **fields: Any) -> Contact:
    before = snapshot(contact, CONTACT_FIELDS)
    for name, value in fields.items():
        setattr(contact, name, value)
    _save_audited(actor=actor, instance=contact, fields=CONTACT_FIELDS, before=before)
    return contact


@transaction.atomic
def contact_delete(*, actor, contact: Contact) -> None:
    record_event(actor=actor, action="delete", instance=contact, changes=snapshot(contact, CONTACT_FIELDS))
    contact.delete()
