"""What a completed safety job records (called by the work-order service inside the completion transaction).

A DispatchError raised here rolls the whole completion back: the order stays on site, nothing is written.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import DispatchError
from dispatch.workorders import notifications
from dispatch.workorders.models import Priority, Source, WorkOrder
from dispatch.workorders.services import work_order_create

from . import hazards as hazard_services
from .config import checklist_for, pressure_range
from .models import (
    Appliance,
    Hazard,
    HazardGrade,
    HazardStatus,
    HazardType,
    Inspection,
    Outcome,
    PipelineEndPoint,
    PressureCheck,
    SafetyFile,
    SafetyPolicy,
)

# Times of day a re-visit after no access may use; each re-visit takes the next one after the failed visit's.
REVISIT_SLOTS = ((time(9), time(12)), (time(14), time(17)), (time(18), time(20, 30)))
REVISIT_AFTER_DAYS = 3


def _premises(order: WorkOrder):
    if order.premises_id is None:
        raise DispatchError("premises_required", _("A safety job must be for registered premises."))
    return order.premises


def _valid(item: dict, value: Any) -> bool:
    answer = item.get("answer", "yes_no")
    if answer == "yes_no":
        return isinstance(value, bool)
    if answer == "number":
        return isinstance(value, int | float | str) and not isinstance(value, bool) and _number(value) is not None
    if answer == "choice":
        return value in item.get("choices", [])
    return isinstance(value, str) and len(value) <= 1000


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def file_for(premises) -> SafetyFile:
    SafetyFile.objects.get_or_create(premises=premises)
    return SafetyFile.objects.select_for_update().get(premises=premises)


def revisit_slot(visited_at: datetime) -> tuple[time, time]:
    """A different time of day from the failed visit: the slot after the one the visit fell in."""
    hour = timezone.localtime(visited_at).time()
    current = next((index for index, (start, end) in enumerate(REVISIT_SLOTS) if hour < end), 0)
    return REVISIT_SLOTS[(current + 1) % len(REVISIT_SLOTS)]


def _no_access(order: WorkOrder, premises, data: dict, actor, now: datetime) -> Inspection:
    inspection = Inspection.objects.create(
        work_order=order, premises=premises, outcome=data["access"], inspected_at=now, technician=order.assignee,
        card_left=bool(data.get("card_left")), notes=order.resolution_notes)
    safety_file = file_for(premises)
    safety_file.last_no_access_at = now
    limit = SafetyPolicy.current().no_access_attempts
    if data["access"] == Outcome.REFUSED:
        safety_file.escalated_at = safety_file.escalated_at or now
    else:
        safety_file.no_access_attempts += 1
        if safety_file.no_access_attempts >= limit:
            safety_file.escalated_at = safety_file.escalated_at or now
    safety_file.save()
    if safety_file.escalated_at is None:
        start, end = revisit_slot(now)
        day = timezone.localdate(now) + timedelta(days=REVISIT_AFTER_DAYS)
        zone = timezone.get_current_timezone()
        work_order_create(
            actor=actor, kind="safety_inspection", premises=premises, source=Source.SYSTEM,
            source_ref=f"NA-{order.number}", priority=Priority.PLANNED, scheduled_date=day,
            window_start=datetime.combine(day, start, tzinfo=zone), window_end=datetime.combine(day, end, tzinfo=zone),
            description=_("Re-visit after no access (attempt %(n)s of %(limit)s); card left: %(card)s")
            % {"n": safety_file.no_access_attempts + 1, "limit": limit,
               "card": _("yes") if inspection.card_left else _("no")})
    return inspection


def _hazard_inputs(template_items: list[dict], answers: dict, given: list[dict]) -> list[dict]:
    """The hazards the technician raised, plus one for each failed item that names a hazard type."""
    covered = {entry.get("checklist_key") for entry in given if entry.get("checklist_key")}
    raised = list(given)
    for item in template_items:
        code = item.get("hazard_type")
        if code and item.get("answer", "yes_no") == "yes_no" and answers.get(item["key"]) is False \
                and item["key"] not in covered:
            raised.append({"type": code, "checklist_key": item["key"], "description": str(item.get("label", ""))})
    return raised


def record_inspection(*, work_order: WorkOrder, data: dict[str, Any], actor) -> Inspection:
    premises = _premises(work_order)
    now = timezone.now()
    Inspection.objects.filter(work_order=work_order).delete()  # a reopened order completed again
    if data["access"] != Outcome.INSPECTED:
        return _no_access(work_order, premises, data, actor, now)

    template = checklist_for(premises.account.customer_class, premises.gas_type, data.get("checklist_version"))
    answers = {**work_order.checklist_answers, **(data.get("answers") or {})}
    errors: dict[str, list[str]] = {}
    for item in template.items:
        value = answers.get(item["key"])
        if value is None:
            if item.get("required", True):
                errors[f"data.answers.{item['key']}"] = [_("Answer this item.")]
        elif not _valid(item, value):
            errors[f"data.answers.{item['key']}"] = [_("This answer does not fit the item.")]
    if errors:
        raise DispatchError("invalid", _("The checklist is not complete."), fields=errors)

    types = {hazard_type.code: hazard_type for hazard_type in HazardType.objects.filter(is_active=True)}
    entries = _hazard_inputs(template.items, answers, list(data.get("hazards") or []))
    missing_make_safe = []
    for index, entry in enumerate(entries):
        hazard_type = types.get(entry["type"])
        if hazard_type is None:
            raise DispatchError("invalid", _("Unknown hazard type."),
                                fields={f"data.hazards.{index}.type": [_("Unknown hazard type.")]})
        entry["grade"] = int(entry.get("grade") or hazard_type.default_grade)
        if hazard_services.make_safe_missing(grade=entry["grade"], isolated=entry.get("isolated") or "",
                                             customer_consented=entry.get("customer_consented")):
            missing_make_safe.append(hazard_type.name)
    by_hand = Hazard.objects.filter(found_by_order=work_order, grade=HazardGrade.VERY_SERIOUS,
                                    status=HazardStatus.OPEN, made_safe_at__isnull=True)
    missing_make_safe += [str(hazard.hazard_type) for hazard in by_hand.select_related("hazard_type")]
    if missing_make_safe:
        raise DispatchError(
            "make_safe_required",
            _("A grade-1 hazard must be made safe (what was isolated, and the customer's consent or refusal) "
              "before the inspection can be completed: %(hazards)s") % {"hazards": ", ".join(missing_make_safe)},
            fields={"data.hazards": [_("Record the make-safe for every grade-1 hazard.")]})

    pressure = _number(data.get("stove_pressure_kpa")) if data.get("stove_pressure_kpa") is not None else None
    accept = pressure_range(premises.gas_type)
    in_range = accept.accepts(pressure) if pressure is not None and accept is not None else None
    leak = data.get("leak_detector_reading")
    inspection = Inspection.objects.create(
        work_order=work_order, premises=premises, outcome=Outcome.INSPECTED, inspected_at=now,
        technician=work_order.assignee, checklist=template, checklist_version=template.version, answers=answers,
        leak_detector_reading=_number(leak) if leak is not None else None, stove_pressure_kpa=pressure,
        pressure_in_range=in_range, notes=work_order.resolution_notes)
    if in_range is False:
        _pressure_anomaly(work_order, pressure, accept)

    failing = {item["key"] for item in template.items if answers.get(item["key"]) is False}
    hazard_services.close_on_reinspection(premises=premises, actor=actor, failing_keys=failing,
                                          inspection_order=work_order)
    open_types = {(hazard.hazard_type_id, hazard.checklist_key): hazard
                  for hazard in Hazard.objects.filter(premises=premises).exclude(status=HazardStatus.CLOSED)}
    for entry in entries:
        hazard_type = types[entry["type"]]
        key = entry.get("checklist_key") or ""
        if key and (hazard_type.pk, key) in open_types:
            continue  # already on file and still open
        hazard_services.hazard_raise(
            actor=actor, premises=premises, hazard_type=hazard_type, grade=entry["grade"],
            description=entry.get("description") or "", checklist_key=key, found_by_order=work_order,
            photo_ids=entry.get("photos") or (), isolated=entry.get("isolated") or "",
            customer_consented=entry.get("customer_consented"))

    for seen in data.get("appliances") or []:
        Appliance.objects.update_or_create(
            premises=premises, kind=seen["kind"], room=seen.get("room") or "",
            defaults={"brand": seen.get("brand") or "", "installed_year": seen.get("installed_year"),
                      "has_flame_failure_device": seen.get("has_flame_failure_device"),
                      "flue": seen.get("flue") or "", "last_seen_at": now})

    safety_file = file_for(premises)
    safety_file.last_inspected_on = timezone.localdate(now)
    safety_file.no_access_attempts = 0
    safety_file.escalated_at = None
    safety_file.save()
    return inspection


def record_rectification(*, work_order: WorkOrder, data: dict[str, Any], actor) -> None:
    for hazard in Hazard.objects.filter(rectification_order=work_order,
                                        status=HazardStatus.RECTIFICATION_ORDERED):
        if data["rectified"]:
            hazard_services.mark_rectified(hazard_id=hazard.pk, actor=actor, reason=data["work_done"],
                                           data={"order": work_order.pk})
        else:
            hazard_services._event(hazard, actor=actor, from_status=hazard.status, to_status=hazard.status,
                                   reason=data["work_done"], data={"order": work_order.pk, "rectified": False})


def _pressure_anomaly(order: WorkOrder, pressure: Decimal, accept) -> None:
    notifications.notify_office(
        order, topic="pressure_anomaly",
        message=_("Stove-front pressure %(value)s kPa outside %(low)s–%(high)s kPa at %(address)s (%(number)s)")
        % {"value": pressure, "low": accept.min_kpa, "high": accept.max_kpa, "address": order.address,
           "number": order.number})


def record_pressure_check(*, work_order: WorkOrder, data: dict[str, Any], actor) -> PressureCheck:
    premises = _premises(work_order)
    accept = pressure_range(premises.gas_type)
    if accept is None:
        raise DispatchError("pressure_range_missing", _("No accept range is configured for this gas type."))
    pressure = Decimal(str(data["pressure_kpa"]))
    PressureCheck.objects.filter(work_order=work_order).delete()  # a reopened order completed again
    check = PressureCheck.objects.create(
        work_order=work_order, premises=premises, measured_at=timezone.now(), pressure_kpa=pressure,
        min_kpa=accept.min_kpa, max_kpa=accept.max_kpa, in_range=accept.accepts(pressure),
        instrument_serial=data["instrument_serial"])
    PipelineEndPoint.objects.filter(premises=premises).update(last_sampled_on=timezone.localdate())
    if not check.in_range:
        _pressure_anomaly(work_order, pressure, accept)
    return check
