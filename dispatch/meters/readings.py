"""Writes of meter readings: recording one (with its plausibility checks) and the clerk's decisions on the
implausible list. The bulk import (imports.py) uses the same loaders and the same pure checks in batches."""

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import DateField, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.common.models import AuditEvent
from dispatch.common.uploads import check_image
from dispatch.customers.models import Premises
from dispatch.workorders.models import Source
from dispatch.workorders.services import work_order_create

from . import plausibility
from .models import (
    Meter,
    MeterInstallation,
    MeterModelSpec,
    MeterReading,
    Plausibility,
    ReadingSource,
    ReadingType,
)

# Readings whose consumption counts in a premises' history (what the next readings are expected to be like).
HISTORY_STATUSES = (Plausibility.OK, Plausibility.ACCEPTED, Plausibility.CORRECTED)
HISTORY_DAYS = 2 * 365 + 31
# What a clerk may do to a reading in each plausibility state.
CLERK_ACTIONS: dict[str, frozenset[str]] = {
    "accept": frozenset({Plausibility.IMPLAUSIBLE_CONFIRMED}),
    "correct": frozenset({Plausibility.IMPLAUSIBLE_CONFIRMED, Plausibility.OK, Plausibility.ACCEPTED,
                          Plausibility.CORRECTED}),
    "reread": frozenset({Plausibility.IMPLAUSIBLE_CONFIRMED}),
}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def parse_value(raw, field: str = "value") -> Decimal:
    """A register reading in m³: a number of 0 or more with at most 3 decimals."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise DispatchError("invalid", _("The reading is not a number."),
                            fields={field: [_("The reading is not a number.")]}) from None
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -3 or value >= Decimal("1e9"):
        raise DispatchError("invalid", _("Give a reading of 0 or more with at most 3 decimals."),
                            fields={field: [_("Give a reading of 0 or more with at most 3 decimals.")]})
    return value


def register_digits(meters) -> dict[int, int]:
    """{meter id: register digits} from the meter-model rows (the default of the rules when a model has none)."""
    pairs = {(meter.manufacturer, meter.model) for meter in meters}
    if not pairs:
        return {}
    query = Q()
    for manufacturer, model in pairs:
        query |= Q(manufacturer=manufacturer, model=model)
    specs = {(spec.manufacturer, spec.model): spec.register_digits for spec in MeterModelSpec.objects.filter(query)}
    return {meter.pk: specs[(meter.manufacturer, meter.model)] for meter in meters
            if (meter.manufacturer, meter.model) in specs}


def load_history(premises_ids, since: datetime) -> dict[int, plausibility.History]:
    """{premises id: {month number: [consumption, days]}} of the readings that count, since a moment."""
    history: dict[int, plausibility.History] = defaultdict(dict)
    rows = (MeterReading.objects
            .filter(premises_id__in=list(premises_ids), read_at__gte=since, consumption__isnull=False,
                    plausibility__in=HISTORY_STATUSES)
            .annotate(month=TruncMonth("read_at", output_field=DateField()))
            .values("premises_id", "month").annotate(used=Sum("consumption"), days=Sum("period_days"))
            .order_by())
    for row in rows:
        month = row["month"].year * 12 + row["month"].month - 1
        history[row["premises_id"]][month] = [float(row["used"] or 0), float(row["days"] or 0)]
    return history


def _installation_at(meter: Meter, moment: datetime) -> MeterInstallation | None:
    return (MeterInstallation.objects.filter(meter=meter, installed_at__lte=moment)
            .filter(Q(removed_at__isnull=True) | Q(removed_at__gte=moment)).order_by("-installed_at").first())


def evaluate(*, meter: Meter, premises: Premises, value: Decimal, read_at: datetime,
             installation: MeterInstallation | None, exclude_id: int | None = None) -> plausibility.Outcome:
    """Every plausibility rule for one reading, with its baseline and history loaded from the database."""
    previous = (MeterReading.objects.filter(meter=meter, read_at__lt=read_at).exclude(pk=exclude_id)
                .order_by("-read_at").values("value", "read_at").first())
    baseline = plausibility.choose_baseline(
        previous_value=previous["value"] if previous else None, previous_at=previous["read_at"] if previous else None,
        opening_value=installation.opening_reading if installation else None,
        installed_at=installation.installed_at if installation else None)
    since = (baseline.at if baseline else read_at) - timedelta(days=HISTORY_DAYS)
    history = load_history([premises.pk], since).get(premises.pk)
    return plausibility.check(
        value=value, read_at=read_at, now=timezone.now(), baseline=baseline,
        register_digits=register_digits([meter]).get(meter.pk), service_life_expires_on=meter.service_life_expires_on,
        history=history, rules=plausibility.rules())


def _refusal(outcome: plausibility.Outcome) -> DispatchError:
    checks = plausibility.describe(outcome.failed)
    return DispatchError(
        "implausible_reading",
        _("The reading looks wrong: %(checks)s Confirm it or read the meter again.")
        % {"checks": " ".join(check["message"] for check in checks)},
        fields={"value": [check["message"] for check in checks]},
        extra={"failed_checks": checks, "can_confirm": not outcome.blocking})


@transaction.atomic
def reading_record(*, actor, meter: Meter, value, read_at: datetime | None = None,
                   reading_type: str = ReadingType.ACTUAL, source: str = ReadingSource.BACK_OFFICE,
                   premises: Premises | None = None, photo=None, confirm: bool = False,
                   work_order=None) -> MeterReading:
    """Record a reading after the plausibility checks.

    A reading failing a check is refused (400 "implausible_reading", listing the checks) so that the reader
    confirms it or reads again; confirmed, it is kept as "implausible_confirmed" on the clerk's list. A future
    date or a value beyond the register cannot be confirmed.
    """
    value = parse_value(value)
    read_at = read_at or timezone.now()
    if timezone.is_naive(read_at):
        read_at = timezone.make_aware(read_at)
    if reading_type not in ReadingType.values:
        raise DispatchError("invalid", _("Unknown reading type."), fields={"reading_type": [_("Unknown type.")]})
    if source not in ReadingSource.values:
        raise DispatchError("invalid", _("Unknown reading source."), fields={"source": [_("Unknown source.")]})
    # One reading of a meter at a time: two readers at once would both compare with the same previous reading.
    meter = Meter.objects.select_for_update().filter(pk=meter.pk).first()
    if meter is None:
        raise NotFound("not_found", _("Meter not found."))
    installation = _installation_at(meter, read_at)
    if premises is None:
        if installation is None:
            raise DispatchError("meter_not_installed", _("The meter was not installed at that time."),
                                fields={"meter": [_("The meter was not installed at that time.")]})
        premises = installation.premises
    elif installation is not None and installation.premises_id != premises.pk:
        raise DispatchError("meter_not_at_premises", _("The meter was installed elsewhere at that time."),
                            fields={"meter": [_("The meter was installed elsewhere at that time.")]})
    if MeterReading.objects.filter(meter=meter, read_at=read_at).exists():
        raise Conflict("duplicate_reading", _("This meter already has a reading at that time."),
                       fields={"read_at": [_("This meter already has a reading at that time.")]})
    outcome = evaluate(meter=meter, premises=premises, value=value, read_at=read_at, installation=installation)
    if outcome.failed and (not confirm or outcome.blocking):
        raise _refusal(outcome)
    if photo is not None:
        image = check_image(photo, field="photo")
        photo.name = f"{uuid.uuid4().hex}.{image.extension}"
    reading = MeterReading.objects.create(
        meter=meter, premises=premises, value=value, read_at=read_at, reading_type=reading_type, source=source,
        photo=photo or "", consumption=outcome.consumption,
        period_days=_days(outcome.period_days),
        plausibility=Plausibility.IMPLAUSIBLE_CONFIRMED if outcome.failed else Plausibility.OK,
        failed_checks=list(outcome.failed), entered_by=_user(actor), work_order=work_order)
    record_event(actor=_user(actor), action=AuditEvent.Action.CREATE, instance=reading,
                 changes={"meter": meter.serial, "value": str(value), "read_at": read_at.isoformat(),
                          "failed_checks": list(outcome.failed)})
    return reading


def _days(days: float | None) -> Decimal | None:
    return None if days is None else Decimal(f"{min(days, 99999.999):.3f}")


def reading_store_closing(*, actor, meter: Meter, premises: Premises, value: Decimal, read_at: datetime,
                          work_order=None) -> MeterReading | None:
    """Keep a meter's closing reading at removal as a reading (on the implausible list if it fails a check)."""
    if MeterReading.objects.filter(meter=meter, read_at=read_at).exists():
        return None
    outcome = evaluate(meter=meter, premises=premises, value=value, read_at=read_at,
                       installation=_installation_at(meter, read_at))
    return MeterReading.objects.create(
        meter=meter, premises=premises, value=value, read_at=read_at, reading_type=ReadingType.ACTUAL,
        source=ReadingSource.MOBILE if work_order is not None else ReadingSource.BACK_OFFICE,
        consumption=outcome.consumption, period_days=_days(outcome.period_days),
        plausibility=Plausibility.IMPLAUSIBLE_CONFIRMED if outcome.failed else Plausibility.OK,
        failed_checks=list(outcome.failed), entered_by=_user(actor), work_order=work_order)


def _locked_reading(reading_id: int, action: str) -> MeterReading:
    reading = MeterReading.objects.select_for_update().select_related("meter", "premises").filter(
        pk=reading_id).first()
    if reading is None:
        raise NotFound("not_found", _("Reading not found."))
    if reading.plausibility not in CLERK_ACTIONS[action]:
        raise Conflict("illegal_transition", _("A reading that is “%(status)s” cannot be changed this way.")
                       % {"status": reading.get_plausibility_display()}, extra={"plausibility": reading.plausibility})
    return reading


@transaction.atomic
def reading_accept(*, actor, reading_id: int, note: str = "") -> MeterReading:
    """The clerk accepts an implausible reading as it is (e.g. the customer was away; a new boiler)."""
    reading = _locked_reading(reading_id, "accept")
    before = reading.plausibility
    reading.plausibility, reading.clerk_note = Plausibility.ACCEPTED, note[:500]
    reading.save(update_fields=["plausibility", "clerk_note"])
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=reading,
                 changes={"plausibility": [before, reading.plausibility]}, reason=note)
    return reading


@transaction.atomic
def reading_correct(*, actor, reading_id: int, value, reason: str) -> MeterReading:
    """The clerk replaces a mistyped value (the original is kept); consumption is worked out again."""
    if not (reason or "").strip():
        raise DispatchError("reason_required", _("Give a reason for this change."),
                            fields={"reason": [_("This field is required.")]})
    new_value = parse_value(value)
    reading = _locked_reading(reading_id, "correct")
    outcome = evaluate(meter=reading.meter, premises=reading.premises, value=new_value, read_at=reading.read_at,
                       installation=_installation_at(reading.meter, reading.read_at), exclude_id=reading.pk)
    if outcome.blocking:
        raise _refusal(outcome)
    before = {"value": str(reading.value), "plausibility": reading.plausibility}
    if reading.original_value is None:
        reading.original_value = reading.value
    reading.value, reading.consumption = new_value, outcome.consumption
    reading.period_days = _days(outcome.period_days)
    reading.plausibility, reading.clerk_note = Plausibility.CORRECTED, reason[:500]
    reading.save(update_fields=["value", "original_value", "consumption", "period_days", "plausibility",
                                "clerk_note"])
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=reading,
                 changes={"value": [before["value"], str(new_value)],
                          "plausibility": [before["plausibility"], reading.plausibility],
                          "failed_checks_after": list(outcome.failed)}, reason=reason)
    return reading


@transaction.atomic
def reading_order_reread(*, actor, reading_id: int, reason: str = "") -> MeterReading:
    """Send someone to read the meter again: a "meter_reading" work order for the premises."""
    reading = _locked_reading(reading_id, "reread")
    order = work_order_create(
        actor=actor, kind="meter_reading", premises=reading.premises, source=Source.SYSTEM,
        source_ref=f"reading:{reading.pk}",
        description=_("Re-read meter %(serial)s: the reading of %(value)s m³ on %(date)s looked wrong (%(checks)s).")
        % {"serial": reading.meter.serial, "value": reading.value, "date": timezone.localdate(reading.read_at),
           "checks": ", ".join(reading.failed_checks)} + (f" {reason}" if reason else ""))
    reading.plausibility, reading.reread_order, reading.clerk_note = Plausibility.REREAD_ORDERED, order, reason[:500]
    reading.save(update_fields=["plausibility", "reread_order", "clerk_note"])
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=reading,
                 changes={"plausibility": [Plausibility.IMPLAUSIBLE_CONFIRMED, reading.plausibility],
                          "reread_order": order.number}, reason=reason)
    return reading
