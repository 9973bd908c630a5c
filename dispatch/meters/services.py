"""Writes to the meter registry. Every status change goes through `_move` and its table and leaves a MeterEvent."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.common.models import AuditEvent
from dispatch.customers.models import Premises

from .models import (
    Meter,
    MeterEvent,
    MeterGasType,
    MeterInstallation,
    MeterServiceLifePolicy,
    MeterStatus,
)

# The whole life of a meter. Anything else is refused with 409 "illegal_transition".
TRANSITIONS: dict[str, frozenset[str]] = {
    MeterStatus.IN_STOCK: frozenset({MeterStatus.INSTALLED, MeterStatus.IN_LAB, MeterStatus.SCRAPPED}),
    MeterStatus.INSTALLED: frozenset({MeterStatus.REMOVED}),
    MeterStatus.REMOVED: frozenset({MeterStatus.IN_LAB, MeterStatus.IN_STOCK, MeterStatus.SCRAPPED}),
    MeterStatus.IN_LAB: frozenset({MeterStatus.IN_STOCK, MeterStatus.SCRAPPED}),
    MeterStatus.SCRAPPED: frozenset(),
}
# Installing and removing need a premises and a reading: only meter_install / meter_remove make these moves.
INSTALL_MOVES = frozenset({MeterStatus.INSTALLED, MeterStatus.REMOVED})
REASON_REQUIRED_TO = frozenset({MeterStatus.SCRAPPED})

# Used when no MeterServiceLifePolicy row exists for a gas type (DOMAIN.md: NG 10 years, LPG / manufactured 6).
DEFAULT_SERVICE_LIFE_YEARS = {MeterGasType.NATURAL_GAS: 10, MeterGasType.LPG: 6, MeterGasType.MANUFACTURED: 6}

METER_FIELDS = ["serial", "manufacturer", "model", "meter_type", "size", "accuracy_class", "gas_type",
                "manufactured_on", "first_verified_on", "first_verification_certificate_no", "location", "meter_box"]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def service_life_years() -> dict[str, int]:
    years = {**DEFAULT_SERVICE_LIFE_YEARS, **getattr(settings, "METER_SERVICE_LIFE_YEARS", {})}
    years.update(dict(MeterServiceLifePolicy.objects.values_list("gas_type", "years")))
    return years


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def service_life_expiry(manufactured_on: date, gas_type: str, years: dict[str, int] | None = None) -> date:
    """The last day a meter may stay in service: its manufacture date plus the policy's years for its gas."""
    years = years if years is not None else service_life_years()
    return add_years(manufactured_on, years.get(gas_type, DEFAULT_SERVICE_LIFE_YEARS[MeterGasType.NATURAL_GAS]))


def meter_service_life_refresh(*, gas_type: str | None = None) -> int:
    """Recompute the stored expiry of meters after a policy changed; returns how many changed."""
    years = service_life_years()
    meters = Meter.objects.all() if gas_type is None else Meter.objects.filter(gas_type=gas_type)
    changed = []
    for meter in meters.only("pk", "manufactured_on", "gas_type", "service_life_expires_on").iterator(
            chunk_size=2000):
        expires = service_life_expiry(meter.manufactured_on, meter.gas_type, years)
        if expires != meter.service_life_expires_on:
            meter.service_life_expires_on = expires
            changed.append(meter)
    Meter.objects.bulk_update(changed, ["service_life_expires_on"], batch_size=2000)
    return len(changed)


@transaction.atomic
def service_life_policy_set(*, actor, gas_type: str, years: int) -> MeterServiceLifePolicy:
    policy, _created = MeterServiceLifePolicy.objects.update_or_create(gas_type=gas_type,
                                                                       defaults={"years": years})
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=policy, changes={"years": years})
    meter_service_life_refresh(gas_type=gas_type)
    return policy


def _check_meter_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    manufactured = fields.get("manufactured_on")
    verified = fields.get("first_verified_on")
    if manufactured and manufactured > today:
        errors["manufactured_on"] = [_("The manufacture date is in the future.")]
    if verified and verified > today:
        errors["first_verified_on"] = [_("The verification date is in the future.")]
    if manufactured and verified and verified < manufactured:
        errors["first_verified_on"] = [_("The meter cannot be verified before it was made.")]
    if errors:
        raise DispatchError("invalid", _("The meter is not valid."), fields=errors)


@transaction.atomic
def meter_register(*, actor, **fields: Any) -> Meter:
    """Take a new meter into stock."""
    _check_meter_fields(fields)
    if Meter.objects.filter(serial=fields.get("serial")).exists():
        raise Conflict("duplicate_serial", _("A meter with this serial number is already registered."),
                       fields={"serial": [_("A meter with this serial number is already registered.")]})
    meter = Meter(**fields, status=MeterStatus.IN_STOCK)
    meter.service_life_expires_on = service_life_expiry(meter.manufactured_on, meter.gas_type)
    meter.save()
    MeterEvent.objects.create(meter=meter, actor=_user(actor), from_status="", to_status=MeterStatus.IN_STOCK,
                              reason=_("Registered"))
    record_event(actor=_user(actor), action=AuditEvent.Action.CREATE, instance=meter,
                 changes={name: fields.get(name) for name in METER_FIELDS if name in fields})
    return meter


@transaction.atomic
def meter_update(*, actor, meter: Meter, **fields: Any) -> Meter:
    """Correct a meter's registry data (not its status: that only moves through `meter_transition`)."""
    fields.pop("status", None)
    current = {name: getattr(meter, name) for name in ("manufactured_on", "first_verified_on")}
    _check_meter_fields({**current, **fields})
    locked = _locked(meter.pk)
    changes = {}
    for name, value in fields.items():
        if getattr(locked, name) != value:
            changes[name] = [getattr(locked, name), value]
            setattr(locked, name, value)
    locked.service_life_expires_on = service_life_expiry(locked.manufactured_on, locked.gas_type)
    locked.save()
    if changes:
        record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=locked, changes=changes)
    return locked


def _locked(meter_id: int) -> Meter:
    meter = Meter.objects.select_for_update().filter(pk=meter_id).first()
    if meter is None:
        raise NotFound("not_found", _("Meter not found."))
    return meter


def _move(meter: Meter, to_status: str, *, actor, reason: str = "", data: dict | None = None) -> MeterEvent:
    """The one place a meter's status changes: checked against TRANSITIONS and recorded. Caller holds the lock."""
    from_status = meter.status
    if to_status not in TRANSITIONS[from_status]:
        raise Conflict("illegal_transition",
                       _("A meter cannot go from “%(from)s” to “%(to)s”.")
                       % {"from": MeterStatus(from_status).label, "to": MeterStatus(to_status).label},
                       extra={"status": from_status})
    if to_status in REASON_REQUIRED_TO and not reason.strip():
        raise DispatchError("reason_required", _("Give a reason for this change."),
                            fields={"reason": [_("This field is required.")]})
    meter.status = to_status
    meter.save(update_fields=["status", "premises", "updated_at"])
    return MeterEvent.objects.create(meter=meter, actor=_user(actor), from_status=from_status, to_status=to_status,
                                     reason=reason[:500], data=data or {})


@transaction.atomic
def meter_transition(*, meter_id: int, to_status: str, actor, reason: str = "") -> Meter:
    """Move a meter between stock, lab and scrap. Installing and removing go through meter_install/remove."""
    if to_status not in MeterStatus.values:
        raise DispatchError("invalid", _("Unknown meter status."), fields={"to_status": [_("Unknown status.")]})
    meter = _locked(meter_id)
    if to_status in INSTALL_MOVES:
        raise Conflict("use_install", _("Install or remove a meter with its premises and reading."),
                       extra={"status": meter.status})
    _move(meter, to_status, actor=actor, reason=reason)
    return meter


def _when(moment: datetime | None, field: str) -> datetime:
    moment = moment or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + timedelta(minutes=10):
        raise DispatchError("invalid", _("The time is in the future."),
                            fields={field: [_("The time is in the future.")]})
    return moment


@transaction.atomic
def meter_install(*, actor, premises: Premises, meter: Meter, opening_reading: Decimal,
                  installed_at: datetime | None = None, work_order=None, reason: str = "") -> MeterInstallation:
    """Install a meter from stock at a premises, with the register's opening reading."""
    installed_at = _when(installed_at, "installed_at")
    if opening_reading is None or Decimal(opening_reading) < 0:
        raise DispatchError("invalid", _("Give the opening reading."),
                            fields={"opening_reading": [_("Give a reading of 0 or more.")]})
    meter = _locked(meter.pk)
    if meter.gas_type != premises.gas_type:
        raise DispatchError("gas_type_mismatch", _("This meter is not made for the gas supplied at the premises."),
                            fields={"meter": [_("This meter is not made for the gas supplied at the premises.")]})
    if meter.service_life_expires_on is not None and meter.service_life_expires_on < timezone.localdate(installed_at):
        raise DispatchError("meter_past_service_life", _("This meter is past its service life."),
                            fields={"meter": [_("This meter is past its service life.")]})
    meter.premises = premises
    _move(meter, MeterStatus.INSTALLED, actor=actor, reason=reason,
          data={"premises": premises.pk, "opening_reading": str(opening_reading),
                "work_order": getattr(work_order, "pk", None)})
    installation = MeterInstallation.objects.create(
        meter=meter, premises=premises, installed_at=installed_at, opening_reading=Decimal(opening_reading),
        installed_by=_user(actor), work_order=work_order)
    record_event(actor=_user(actor), action=AuditEvent.Action.CREATE, instance=installation,
                 changes={"meter": meter.serial, "premises": premises.premises_no,
                          "opening_reading": str(opening_reading)}, reason=reason)
    return installation


@transaction.atomic
def meter_remove(*, actor, meter: Meter, closing_reading: Decimal, removed_at: datetime | None = None,
                 work_order=None, reason: str = "") -> MeterInstallation:
    """Take an installed meter out, with the register's closing reading (kept as a reading of the premises)."""
    from .readings import reading_store_closing

    removed_at = _when(removed_at, "removed_at")
    if closing_reading is None or Decimal(closing_reading) < 0:
        raise DispatchError("invalid", _("Give the closing reading."),
                            fields={"closing_reading": [_("Give a reading of 0 or more.")]})
    meter = _locked(meter.pk)
    installation = (MeterInstallation.objects.select_for_update()
                    .filter(meter=meter, removed_at__isnull=True).first())
    if meter.status != MeterStatus.INSTALLED or installation is None:
        raise Conflict("illegal_transition", _("This meter is not installed."), extra={"status": meter.status})
    if removed_at < installation.installed_at:
        raise DispatchError("invalid", _("The meter cannot be removed before it was installed."),
                            fields={"removed_at": [_("The meter cannot be removed before it was installed.")]})
    installation.removed_at, installation.closing_reading = removed_at, Decimal(closing_reading)
    installation.removed_by = _user(actor)
    installation.save(update_fields=["removed_at", "closing_reading", "removed_by", "updated_at"])
    reading_store_closing(actor=actor, meter=meter, premises=installation.premises, value=Decimal(closing_reading),
                          read_at=removed_at, work_order=work_order)
    meter.premises = None
    _move(meter, MeterStatus.REMOVED, actor=actor, reason=reason,
          data={"premises": installation.premises_id, "closing_reading": str(closing_reading),
                "work_order": getattr(work_order, "pk", None)})
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=installation,
                 changes={"closing_reading": str(closing_reading), "removed_at": removed_at.isoformat()},
                 reason=reason)
    return installation
