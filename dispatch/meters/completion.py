"""What completing a meter work order records: called by the work-order core inside the completion transaction
(WorkOrderKind.record_completion), so a refused reading or exchange leaves the order uncompleted."""

from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import DispatchError

from . import readings, services
from .models import Meter, MeterStatus, ReadingSource


def _meter(serial: str, field: str) -> Meter:
    meter = Meter.objects.filter(serial=serial).first()
    if meter is None:
        raise DispatchError("unknown_meter", _("No meter has this serial number."),
                            fields={f"data.{field}": [_("No meter has this serial number.")]})
    return meter


def _premises(work_order):
    if work_order.premises is None:
        raise DispatchError("no_premises", _("This work order has no premises to record a meter at."))
    return work_order.premises


def record_reading(*, work_order, data: dict, actor) -> None:
    """meter_reading: the reading the technician took, checked for plausibility (confirm to keep an odd one)."""
    premises = _premises(work_order)
    meter = _meter(data["meter_serial"], "meter_serial")
    if meter.premises_id != premises.pk:
        raise DispatchError("meter_not_at_premises", _("This meter is not installed at the job's premises."),
                            fields={"data.meter_serial": [_("This meter is not installed at the job's premises.")]})
    readings.reading_record(actor=actor, meter=meter, value=data["reading_m3"], read_at=timezone.now(),
                            reading_type=data.get("reading_type", "actual"), source=ReadingSource.MOBILE,
                            premises=premises, confirm=bool(data.get("confirmed")), work_order=work_order)


def record_exchange(*, work_order, data: dict, actor) -> None:
    """meter_replacement: remove the old meter with its closing reading and install the new one."""
    premises = _premises(work_order)
    removed = _meter(data["removed_serial"], "removed_serial")
    installed = _meter(data["installed_serial"], "installed_serial")
    if removed.premises_id != premises.pk:
        raise DispatchError("meter_not_at_premises", _("This meter is not installed at the job's premises."),
                            fields={"data.removed_serial": [_("This meter is not installed at the job's premises.")]})
    now = timezone.now()
    reason = _("Work order %(number)s") % {"number": work_order.number}
    services.meter_remove(actor=actor, meter=removed, closing_reading=data["removed_reading_m3"], removed_at=now,
                          work_order=work_order, reason=reason)
    services.meter_install(actor=actor, premises=premises, meter=installed,
                           opening_reading=data["installed_reading_m3"], installed_at=now, work_order=work_order,
                           reason=reason)


def record_complaint_removal(*, work_order, data: dict, actor) -> None:
    """meter_complaint_removal: the exchange, and the removed meter goes to the lab for testing."""
    record_exchange(work_order=work_order, data=data, actor=actor)
    removed = Meter.objects.get(serial=data["removed_serial"])
    services.meter_transition(meter_id=removed.pk, to_status=MeterStatus.IN_LAB, actor=actor,
                              reason=_("Customer complaint: work order %(number)s") % {"number": work_order.number})
