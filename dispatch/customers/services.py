"""Writes to customer accounts, premises and contacts. Every change is audited."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.common.audit import diff, record_event, snapshot
from dispatch.common.errors import DispatchError
from dispatch.common.geo import check_coordinates
from dispatch.org.selectors import area_containing

from .models import Contact, CustomerAccount, Premises

ACCOUNT_FIELDS = ["account_no", "name", "customer_class", "phone", "phone_alt", "email", "is_pensioner_alone",
                  "has_young_children", "is_medically_dependent", "has_disability", "vulnerability_notes",
                  "is_active"]
PREMISES_FIELDS = ["premises_no", "account", "address", "district", "gas_type", "lat", "lng", "area",
                   "access_notes", "is_active"]
CONTACT_FIELDS = ["account", "name", "relation", "phone", "is_primary"]


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


def _place(premises: Premises, *, area_given: bool) -> None:
    """Check the coordinates and, unless the caller chose the area, place the premises from them."""
    check_coordinates(premises.lat, premises.lng)
    if area_given or premises.lat is None:
        return
    premises.area = area_containing(premises.lat, premises.lng)
    if premises.area is None:
        raise DispatchError(
            "outside_areas", _("No area covers these coordinates; choose the area by hand."),
            fields={"area": [_("No area covers these coordinates; choose the area by hand.")]})


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
    moved = {"lat", "lng"} & fields.keys()
    if moved and premises.lat is not None:
        premises.geocode_status = Premises.GeocodeStatus.MANUAL
    if moved or "area" in fields:
        _place(premises, area_given=fields.get("area") is not None)
    _save_audited(actor=actor, instance=premises, fields=PREMISES_FIELDS, before=before)
    if "address" in fields and "lat" not in fields and before["address"] != premises.address:
        request_geocoding(premises)
    return premises


def request_geocoding(premises: Premises) -> None:
    """Queue the address for the configured geocoder once the transaction commits (no-op if none is set)."""
    from .geocoding import geocoder_configured
    from .tasks import geocode_premises

    if not geocoder_configured():
        return
    Premises.objects.filter(pk=premises.pk).update(geocode_status=Premises.GeocodeStatus.PENDING)
    transaction.on_commit(lambda: geocode_premises.delay(premises.pk))


@transaction.atomic
def premises_record_geocode(*, premises_id: int, lat: float | None, lng: float | None, status: str) -> Premises:
    """Store a geocoder's answer. Coordinates someone typed by hand in the meantime win."""
    premises = Premises.objects.select_for_update().get(pk=premises_id)
    if premises.geocode_status == Premises.GeocodeStatus.MANUAL:
        return premises
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
