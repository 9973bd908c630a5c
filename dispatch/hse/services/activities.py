"""Self-inspections (自查), incidents and near misses, training records, and customer-hazard trend detection."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.org.models import Area, Skill, StaffProfile

from ..models import (
    NC_CLOSED,
    Incident,
    InspectionChecklist,
    InspectionFinding,
    NcSource,
    Nonconformity,
    SelfInspection,
    TrainingRecord,
)
from .capa import nonconformity_create


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- self-inspections ---------------------------------------------------------------------------------------


@transaction.atomic
def self_inspection_record(*, actor, checklist_id: int, day: date, answers: list[dict[str, Any]],
                           notes: str = "") -> SelfInspection:
    """Record a checklist run. `answers` is one {"ok": bool, "note": str} per checklist item, in order.

    Each item answered "not ok" becomes a finding and raises a draft nonconformity; the checklist's next due date
    moves on from the day of the inspection."""
    checklist = InspectionChecklist.objects.select_for_update().filter(pk=checklist_id, is_active=True).first()
    if checklist is None:
        raise NotFound("not_found", _("Checklist not found."))
    if not isinstance(answers, list) or len(answers) != len(checklist.items):
        raise DispatchError("invalid", _("Answer every item of the checklist."),
                            fields={"answers": [_("Expected %(count)d answers.") % {"count": len(checklist.items)}]})
    fields: dict[str, list[str]] = {}
    for index, answer in enumerate(answers):
        if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
            fields[f"answers[{index}]"] = [_('Give {"ok": true or false}.')]
        elif not answer["ok"] and not str(answer.get("note") or "").strip():
            fields[f"answers[{index}]"] = [_("Describe what was found.")]
    if day > timezone.localdate():
        fields["date"] = [_("The date cannot be in the future.")]
    if fields:
        raise DispatchError("invalid", _("The self-inspection is not complete."), fields=fields)
    results = [{"item": item, "ok": answer["ok"], "note": str(answer.get("note") or "").strip()}
               for item, answer in zip(checklist.items, answers, strict=True)]
    inspection = SelfInspection.objects.create(checklist=checklist, date=day, inspector=_actor(actor),
                                               results=results, notes=notes)
    for result in results:
        if result["ok"]:
            continue
        finding = InspectionFinding.objects.create(inspection=inspection, item=result["item"][:300],
                                                   description=result["note"])
        nonconformity_create(actor=actor, title=(_("Self-inspection: %(item)s") % {"item": result["item"]})[:200],
                             description=result["note"], source=NcSource.SELF_INSPECTION,
                             office=checklist.office, area=checklist.area, responsible=checklist.responsible,
                             finding=finding)
    checklist.next_due = max(checklist.next_due, day + timedelta(days=checklist.every_days))
    checklist.due_notified_on = None
    checklist.save(update_fields=["next_due", "due_notified_on", "updated_at"])
    return inspection


# --- incidents ----------------------------------------------------------------------------------------------

INCIDENT_FIELDS = ["kind", "occurred_at", "place", "office", "area", "description", "people_involved", "injuries",
                   "immediate_actions", "investigation", "root_cause", "status", "work_order"]


def _check_incident(incident: Incident) -> None:
    fields = {}
    for name in ("place", "description"):
        if not str(getattr(incident, name) or "").strip():
            fields[name] = [_("This field is required.")]
    if incident.occurred_at and incident.occurred_at > timezone.now() + timedelta(minutes=5):
        fields["occurred_at"] = [_("The time cannot be in the future.")]
    if incident.area_id and incident.office_id and incident.area.office_id != incident.office_id:
        fields["area"] = [_("The area belongs to another office.")]
    if incident.status == Incident.Status.CLOSED and not incident.root_cause.strip():
        fields["root_cause"] = [_("Record the root cause before closing the incident.")]
    if fields:
        raise DispatchError("invalid", _("The incident report is not complete."), fields=fields)


@transaction.atomic
def incident_create(*, actor, kind: str, occurred_at: datetime, place: str, description: str,
                    **fields) -> Incident:
    unknown = set(fields) - set(INCIDENT_FIELDS)
    if unknown:
        raise DispatchError("invalid", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    incident = Incident(kind=kind, occurred_at=occurred_at, place=place, description=description,
                        reported_by=_actor(actor), **fields)
    if incident.area_id and not incident.office_id:
        incident.office_id = incident.area.office_id
    _check_incident(incident)
    incident.number = f"TMP-{timezone.now().timestamp()}"
    incident.save()
    incident.number = f"IN-{incident.pk:06d}"
    incident.save(update_fields=["number"])
    return incident


@transaction.atomic
def incident_update(*, actor, incident_id: int, changes: dict[str, Any]) -> Incident:
    unknown = set(changes) - set(INCIDENT_FIELDS)
    if unknown:
        raise DispatchError("invalid", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("not_found", _("Incident not found."))
    for name, value in changes.items():
        setattr(incident, name, value)
    _check_incident(incident)
    incident.save()
    return incident


@transaction.atomic
def incident_raise_nonconformity(*, actor, incident_id: int, responsible=None) -> Nonconformity:
    """The linked CAPA of an incident: one nonconformity (draft) carrying its description and root cause."""
    incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("not_found", _("Incident not found."))
    existing = incident.nonconformities.exclude(status__in=NC_CLOSED).first()
    if existing is not None:
        raise Conflict("already_raised", _("This incident already has an open nonconformity (%(number)s).")
                       % {"number": existing.number}, extra={"nonconformity": existing.pk})
    nc = nonconformity_create(
        actor=actor, title=(_("%(kind)s %(number)s: %(place)s") % {
            "kind": incident.get_kind_display(), "number": incident.number, "place": incident.place})[:200],
        description=incident.description, source=NcSource.INCIDENT, office=incident.office, area=incident.area,
        responsible=responsible, incident=incident)
    if incident.root_cause:
        nc.root_cause = incident.root_cause
        nc.save(update_fields=["root_cause"])
    return nc


def incident_from_work_order(*, actor, work_order, description: str = "", kind: str = Incident.Kind.GAS_EMERGENCY
                             ) -> Incident:
    """The hook for gas emergencies from the field: one incident per work order, pre-filled from the job.

    Idempotent: a second call for the same work order returns the incident already made."""
    existing = Incident.objects.filter(work_order=work_order).first()
    if existing is not None:
        return existing
    return incident_create(
        actor=actor, kind=kind, occurred_at=work_order.created_at, place=work_order.address,
        description=description or work_order.description or _("Gas emergency %(number)s") % {
            "number": work_order.number},
        office=work_order.office, area=work_order.area, work_order=work_order)


def incident_from_gas_escape(*, work_order, actor) -> Incident | None:
    """Completion listener of emergency jobs: an escape found in the field is recorded as an incident."""
    if not work_order.completion_data.get("escape_found"):
        return None
    return incident_from_work_order(actor=actor, work_order=work_order,
                                    description=work_order.completion_data.get("made_safe", ""))


# --- training -----------------------------------------------------------------------------------------------


@transaction.atomic
def training_record_create(*, actor, staff: StaffProfile, course: str, completed_on: date,
                           valid_until: date | None = None, provider: str = "", certificate_no: str = "",
                           skill: Skill | None = None) -> TrainingRecord:
    fields = {}
    if not (course or "").strip():
        fields["course"] = [_("This field is required.")]
    if valid_until is not None and valid_until < completed_on:
        fields["valid_until"] = [_("A training cannot expire before it was completed.")]
    if completed_on > timezone.localdate():
        fields["completed_on"] = [_("The date cannot be in the future.")]
    if fields:
        raise DispatchError("invalid", _("The training record is not complete."), fields=fields)
    return TrainingRecord.objects.create(staff=staff, course=course.strip(), completed_on=completed_on,
                                         valid_until=valid_until, provider=provider, certificate_no=certificate_no,
                                         skill=skill)


# --- trends in customer hazards -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendObservation:
    """How often one type of customer hazard was found in an area over the period looked at."""

    area_id: int
    hazard_type: str
    count: int
    hazard_type_label: str = ""


def trend_key(area_id: int, hazard_type: str) -> str:
    return f"{area_id}:{hazard_type}"[:120]


def detect_hazard_trends(*, actor, observations: Iterable[TrendObservation], threshold: int | None = None,
                         period: str = "") -> list[Nonconformity]:
    """Raise a nonconformity for each (area, hazard type) found `threshold` times or more.

    The input is plain counts so that this does not depend on how customer hazards are stored; the safety app
    (or a report) aggregates its hazards and calls this. One open nonconformity per area and type: a trend that
    already has one raises nothing new until that one is done or cancelled."""
    from ..risk import risk_config

    threshold = threshold or risk_config().trend_threshold
    raised = []
    for observation in observations:
        if observation.count < threshold:
            continue
        key = trend_key(observation.area_id, observation.hazard_type)
        if Nonconformity.objects.filter(trend_key=key).exclude(status__in=NC_CLOSED).exists():
            continue
        area = Area.objects.select_related("office").filter(pk=observation.area_id).first()
        if area is None:
            continue
        label = observation.hazard_type_label or observation.hazard_type
        raised.append(nonconformity_create(
            actor=actor, source=NcSource.TREND, area=area, office=area.office, trend_key=key,
            title=_("Recurring customer hazard “%(type)s” in %(area)s") % {"type": label, "area": area.name},
            description=_("Found %(count)d times %(period)s (threshold %(threshold)d).") % {
                "count": observation.count, "period": period, "threshold": threshold}))
    return raised
