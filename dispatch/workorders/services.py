"""Writes to work orders. Every status change goes through `_move` and its table; every change leaves an event."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.common.geo import check_coordinates
from dispatch.common.uploads import check_image
from dispatch.customers.models import Premises
from dispatch.org.models import Area, StaffProfile
from dispatch.org.selectors import area_containing

from . import notifications, sla
from .assignment import assignment_refusal
from .kinds import UnknownKind, completion_listeners, get_kind
from .models import (
    OPEN_STATUSES,
    Priority,
    SlaState,
    Source,
    Status,
    UnableReason,
    WorkOrder,
    WorkOrderAttachment,
    WorkOrderEvent,
)

# The whole lifecycle. Anything not listed here is refused with 409 "illegal_transition".
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ASSIGNED, Status.CANCELLED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.DISPATCHED, Status.NEW, Status.CANCELLED}),
    Status.DISPATCHED: frozenset({Status.ASSIGNED, Status.EN_ROUTE, Status.NEW, Status.CANCELLED}),
    Status.EN_ROUTE: frozenset({Status.ON_SITE, Status.DISPATCHED, Status.CANCELLED}),
    Status.ON_SITE: frozenset({Status.COMPLETED, Status.UNABLE, Status.CANCELLED}),
    Status.COMPLETED: frozenset({Status.CLOSED, Status.NEW}),
    Status.UNABLE: frozenset({Status.CLOSED, Status.NEW}),
    Status.CLOSED: frozenset({Status.NEW}),
    Status.CANCELLED: frozenset(),
}
# Moves that need a reason from the person making them.
REASON_REQUIRED = {(Status.COMPLETED, Status.NEW), (Status.UNABLE, Status.NEW), (Status.CLOSED, Status.NEW)}
REASON_REQUIRED_TO = {Status.CANCELLED, Status.UNABLE}


@dataclass(frozen=True)
class Location:
    lat: float
    lng: float

    @classmethod
    def from_payload(cls, data: dict) -> "Location | None":
        """The location a client sent with an action (lat and lng), if it sent one."""
        if data.get("lat") is None and data.get("lng") is None:
            return None
        return cls(lat=data.get("lat"), lng=data.get("lng"))


def _locked(work_order_id: int, expected_version: int | None) -> WorkOrder:
    order = WorkOrder.objects.select_for_update().filter(pk=work_order_id).first()
    if order is None:
        raise NotFound("not_found", _("Work order not found."))
    if expected_version is not None and order.version != expected_version:
        raise Conflict("stale_version",
                       _("Work order %(number)s was changed by someone else; reload and try again.")
                       % {"number": order.number}, extra={"current_version": order.version})
    return order


def _event(order: WorkOrder, *, actor, type: str, from_status: str = "", to_status: str = "", reason: str = "",
           location: Location | None = None, data: dict | None = None) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(
        work_order=order, actor=actor if getattr(actor, "is_authenticated", False) else None, type=type,
        from_status=from_status, to_status=to_status, reason=reason[:500],
        lat=location.lat if location else None, lng=location.lng if location else None, data=data or {})


def _move(order: WorkOrder, to_status: str, *, actor, reason: str = "", location: Location | None = None,
          data: dict | None = None) -> None:
    """The one place a work order's status changes: checked against TRANSITIONS, stamped, and recorded."""
    from_status = order.status
    if to_status not in TRANSITIONS[from_status]:
        raise Conflict("illegal_transition",
                       _("A work order cannot go from “%(from)s” to “%(to)s”.")
                       % {"from": Status(from_status).label, "to": Status(to_status).label},
                       extra={"status": from_status})
    if not reason.strip() and (to_status in REASON_REQUIRED_TO or (from_status, to_status) in REASON_REQUIRED):
        raise DispatchError("reason_required", _("Give a reason for this change."),
                            fields={"reason": [_("This field is required.")]})
    if location is not None:
        check_coordinates(location.lat, location.lng)
    now = timezone.now()
    order.status = to_status
    if to_status == Status.ON_SITE and order.attended_at is None:
        order.attended_at = now
        # Attended: the resolve deadline is the one that runs now.
        if order.sla_state == SlaState.AT_RISK:
            order.sla_state = SlaState.OK
        sla.set_marks(order, order.created_at)
    elif to_status == Status.COMPLETED:
        order.completed_at = now
        if order.sla_state in (SlaState.OK, SlaState.AT_RISK):
            order.sla_state = SlaState.MET
        order.sla_warn_at = order.sla_due_at = None
    elif to_status == Status.CLOSED:
        order.closed_at = now
    elif to_status == Status.NEW:
        # Unassigned, or reopened: back in the queue for someone to plan.
        order.assignee, order.assigned_at, order.sequence, order.planned_start = None, None, None, None
        if from_status in (Status.COMPLETED, Status.UNABLE, Status.CLOSED):
            order.completed_at = order.closed_at = None
            order.unable_reason = ""
            if order.sla_state == SlaState.MET:
                order.sla_state = SlaState.OK
                sla.set_marks(order, order.created_at)
    order.version += 1
    order.save()
    _event(order, actor=actor, type=WorkOrderEvent.Type.STATUS, from_status=from_status, to_status=to_status,
           reason=reason, location=location, data=data)


def _place(*, premises: Premises | None, address: str, lat: float | None, lng: float | None,
           area: Area | None) -> tuple[str, float | None, float | None, Area]:
    if premises is not None:
        address = address or premises.address
        lat = lat if lat is not None else premises.lat
        lng = lng if lng is not None else premises.lng
        area = area or premises.area
    check_coordinates(lat, lng)
    if area is None and lat is not None:
        area = area_containing(lat, lng)
    fields: dict[str, list[str]] = {}
    if not address:
        fields["address"] = [_("Give the premises or an address.")]
    if area is None:
        fields["area"] = [_("No area could be found for this job; choose one.")]
    if fields:
        raise DispatchError("invalid", _("The work order is not complete."), fields=fields)
    return address, lat, lng, area


@transaction.atomic
def work_order_create(*, actor, kind: str, premises: Premises | None = None, address: str = "",
                      lat: float | None = None, lng: float | None = None, area: Area | None = None,
                      priority: str | None = None, description: str = "", source: str = Source.HOTLINE,
                      source_ref: str = "", window_start: datetime | None = None,
                      window_end: datetime | None = None, scheduled_date: date | None = None,
                      contact_name: str = "", contact_phone: str = "",
                      duration_minutes: int | None = None) -> WorkOrder:
    try:
        spec = get_kind(kind)
    except UnknownKind:
        raise DispatchError("unknown_kind", _("Unknown kind of work order."),
                            fields={"kind": [_("Unknown kind of work order.")]}) from None
    if window_start and window_end and window_end <= window_start:
        raise DispatchError("invalid", _("The appointment window must end after it starts."),
                            fields={"window_end": [_("The appointment window must end after it starts.")]})
    if spec.check_creation is not None:
        spec.check_creation(premises=premises, actor=actor, source=source, source_ref=source_ref)
    address, lat, lng, area = _place(premises=premises, address=address, lat=lat, lng=lng, area=area)
    if premises is not None and not contact_phone:
        contact_name, contact_phone = contact_name or premises.account.name, premises.account.phone
    now = timezone.now()
    order = WorkOrder(
        number=f"TMP-{now.timestamp()}", kind=kind, priority=priority or spec.default_priority, source=source,
        source_ref=source_ref, description=description, premises=premises, address=address, lat=lat, lng=lng,
        area=area, office_id=area.office_id, contact_name=contact_name, contact_phone=contact_phone,
        required_skills=list(spec.required_skills), duration_minutes=duration_minutes or spec.default_duration_minutes,
        window_start=window_start, window_end=window_end, scheduled_date=scheduled_date,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    sla.start_clock(order, now)
    order.save()
    # Numbers follow the primary key so that two desks creating orders at once never collide.
    order.number = f"WO{timezone.localdate(now):%y%m%d}-{order.pk:07d}"
    order.save(update_fields=["number"])
    _event(order, actor=actor, type=WorkOrderEvent.Type.CREATED, to_status=Status.NEW,
           data={"kind": kind, "priority": order.priority, "source": source})
    if order.priority == Priority.EMERGENCY:
        notifications.notify_office(order, topic="emergency",
                                    message=_("Emergency %(number)s at %(address)s")
                                    % {"number": order.number, "address": order.address})
    return order


def open_duplicate(*, premises: Premises | None, kind: str) -> WorkOrder | None:
    """An open order of the same kind for the same premises, which a new request should join instead."""
    if premises is None:
        return None
    return (WorkOrder.objects.select_for_update().filter(premises=premises, kind=kind, status__in=OPEN_STATUSES)
            .order_by("created_at").first())


@transaction.atomic
def link_duplicate(*, actor, work_order: WorkOrder, source_ref: str, description: str) -> WorkOrder:
    work_order.version += 1
    work_order.save(update_fields=["version", "updated_at"])
    _event(work_order, actor=actor, type=WorkOrderEvent.Type.DUPLICATE, reason=description[:500],
           data={"source_ref": source_ref})
    return work_order


@transaction.atomic
def transition(*, work_order_id: int, to_status: str, actor, reason: str = "", unable_reason: str = "",
               location: Location | None = None, expected_version: int | None = None) -> WorkOrder:
    """Move a work order along its lifecycle (dispatch, travel, arrive, complete, close, cancel, reopen)."""
    order = _locked(work_order_id, expected_version)
    if to_status == Status.UNABLE:
        if unable_reason not in UnableReason.values:
            raise DispatchError("invalid", _("Say why the job could not be completed."),
                                fields={"unable_reason": [_("Choose one of the listed reasons.")]})
        order.unable_reason = unable_reason
    if to_status == Status.ASSIGNED and order.status != Status.DISPATCHED:
        raise Conflict("use_assign", _("Assign a technician to move the order to “assigned”."))
    if to_status in (Status.ASSIGNED, Status.DISPATCHED, Status.EN_ROUTE) and order.assignee_id is None:
        raise Conflict("not_assigned", _("The order has no technician."))
    _move(order, to_status, actor=actor, reason=reason or (UnableReason(unable_reason).label if unable_reason else ""),
          location=location)
    return order


@transaction.atomic
def complete(*, work_order_id: int, actor, checklist_answers: dict[str, Any], data: dict[str, Any],
             notes: str = "", location: Location | None = None, expected_version: int | None = None) -> WorkOrder:
    """Record what was done (checklist, the kind's payload) and complete the order, in one transaction."""
    order = _locked(work_order_id, expected_version)
    spec = get_kind(order.kind)
    answers, errors = _checked_answers(spec.checklist, checklist_answers)
    payload: dict[str, Any] = {}
    if spec.completion_serializer is not None:
        serializer = spec.completion_serializer(data=data)
        if serializer.is_valid():
            payload = serializer.data
        else:
            errors.update({f"data.{key}": [str(message) for message in messages]
                           for key, messages in serializer.errors.items()})
    if errors:
        raise DispatchError("invalid", _("The completion record is not complete."), fields=errors)
    order.checklist_answers, order.completion_data, order.resolution_notes = answers, payload, notes
    _move(order, Status.COMPLETED, actor=actor, location=location)
    if spec.record_completion is not None:
        spec.record_completion(work_order=order, data=payload, actor=actor)
    for listener in completion_listeners(order.kind):
        listener(work_order=order, actor=actor)
    return order


def _checked_answers(checklist, answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers to keep, and a message for each item missing, unknown or of the wrong type."""
    errors: dict[str, list[str]] = {}
    checked: dict[str, Any] = {}
    for item in checklist:
        value = answers.get(item.key)
        if value is None:
            if item.required:
                errors[f"checklist_answers.{item.key}"] = [_("Answer this item.")]
            continue
        valid = {
            "yes_no": isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "text": isinstance(value, str) and len(value) <= 1000,
            "choice": value in item.choices,
        }[item.answer]
        if not valid:
            errors[f"checklist_answers.{item.key}"] = [_("This answer does not fit the item.")]
        checked[item.key] = value
    unknown = set(answers) - {item.key for item in checklist}
    for key in sorted(unknown):
        errors[f"checklist_answers.{key}"] = [_("Not an item of this checklist.")]
    return checked, errors


@transaction.atomic
def assign(*, work_order_id: int, technician: StaffProfile, actor, expected_version: int | None = None,
           scheduled_date: date | None = None, sequence: int | None = None) -> WorkOrder:
    """Give the order to a technician, or move it to another one.

    Without `expected_version`, only an unassigned order can be assigned: of two dispatchers clicking at once,
    one wins and the other is told the order is taken (409), never silently overriding the first.
    """
    order = _locked(work_order_id, expected_version)
    if expected_version is None and order.status != Status.NEW:
        raise Conflict("already_assigned", _("Work order %(number)s is already assigned to %(who)s.")
                       % {"number": order.number, "who": order.assignee}, extra={"current_version": order.version})
    if order.status not in (Status.NEW, Status.ASSIGNED, Status.DISPATCHED):
        raise Conflict("illegal_transition", _("A work order that is “%(status)s” cannot be re-assigned.")
                       % {"status": order.get_status_display()}, extra={"status": order.status})
    if scheduled_date is not None:
        order.scheduled_date = scheduled_date
    refusal = assignment_refusal(order, technician)
    if refusal is not None:
        raise DispatchError(refusal.code, refusal.message, fields={"technician": [refusal.message]})
    previous = order.assignee_id
    order.assignee, order.assigned_at = technician, timezone.now()
    if sequence is not None:
        order.sequence = sequence
    _move(order, Status.ASSIGNED, actor=actor,
          data={"from_technician": previous, "to_technician": technician.pk})
    return order


@transaction.atomic
def unassign(*, work_order_id: int, actor, reason: str = "", expected_version: int | None = None) -> WorkOrder:
    order = _locked(work_order_id, expected_version)
    if order.status not in (Status.ASSIGNED, Status.DISPATCHED):
        raise Conflict("illegal_transition", _("Only an assigned or dispatched order can be unassigned."),
                       extra={"status": order.status})
    previous = order.assignee_id
    _move(order, Status.NEW, actor=actor, reason=reason, data={"from_technician": previous, "to_technician": None})
    return order


@dataclass(frozen=True)
class BulkResult:
    work_order_id: int
    ok: bool
    code: str = ""
    detail: str = ""


def bulk_assign(*, work_order_ids: list[int], technician: StaffProfile, actor,
                scheduled_date: date | None = None) -> list[BulkResult]:
    """Assign many orders; each succeeds or fails on its own, with its reason."""
    results = []
    for position, work_order_id in enumerate(work_order_ids, start=1):
        try:
            assign(work_order_id=work_order_id, technician=technician, actor=actor, scheduled_date=scheduled_date,
                   sequence=position)
        except DispatchError as exc:
            results.append(BulkResult(work_order_id, False, exc.code, exc.message))
        else:
            results.append(BulkResult(work_order_id, True))
    return results


@transaction.atomic
def pause_sla(*, work_order_id: int, actor, reason: str) -> WorkOrder:
    """Stop the SLA clock while the job waits on the customer (e.g. an appointment they asked to move)."""
    order = _locked(work_order_id, None)
    if order.status not in OPEN_STATUSES or order.sla_state in (SlaState.NONE, SlaState.MET):
        raise Conflict("sla_not_running", _("This order has no running SLA clock."))
    if order.sla_paused_at is not None:
        raise Conflict("sla_paused", _("The SLA clock is already paused."))
    if not reason.strip():
        raise DispatchError("reason_required", _("Give a reason for this change."),
                            fields={"reason": [_("This field is required.")]})
    order.sla_paused_at = timezone.now()
    order.version += 1
    order.save()
    _event(order, actor=actor, type=WorkOrderEvent.Type.SLA, reason=reason, data={"sla": "paused"})
    return order


@transaction.atomic
def resume_sla(*, work_order_id: int, actor, reason: str = "") -> WorkOrder:
    order = _locked(work_order_id, None)
    if order.sla_paused_at is None:
        raise Conflict("sla_not_paused", _("The SLA clock is not paused."))
    paused_for = timezone.now() - order.sla_paused_at
    sla.shift_for_pause(order, paused_for)
    order.sla_paused_at = None
    order.version += 1
    order.save()
    _event(order, actor=actor, type=WorkOrderEvent.Type.SLA, reason=reason,
           data={"sla": "resumed", "paused_seconds": int(paused_for.total_seconds())})
    return order


def refresh_sla_states(*, now: datetime | None = None) -> dict[str, int]:
    """Flag open orders whose SLA is now at risk or breached, and tell their office's dispatchers.

    Run every minute by Celery beat. Only orders whose warn or due moment has passed are read; each new state
    is written with a conditional update so that a concurrent change to the order is not overwritten.
    """
    now = now or timezone.now()
    counts = {SlaState.AT_RISK: 0, SlaState.BREACHED: 0}
    turning = (Q(sla_state=SlaState.OK, sla_warn_at__lte=now)
               | Q(sla_state__in=[SlaState.OK, SlaState.AT_RISK], sla_due_at__lte=now))
    running = WorkOrder.objects.filter(turning, status__in=OPEN_STATUSES, sla_paused_at__isnull=True)
    for order in running.iterator(chunk_size=500):
        state = sla.evaluate(order, now)
        if state == order.sla_state:
            continue
        with transaction.atomic():
            updated = WorkOrder.objects.filter(pk=order.pk, version=order.version).update(
                sla_state=state, version=order.version + 1, updated_at=now)
            if not updated:
                continue
            order.sla_state, order.version = state, order.version + 1
            _event(order, actor=None, type=WorkOrderEvent.Type.SLA, data={"sla": state,
                                                                        "due": sla.next_due(order).isoformat()})
            notifications.notify_sla(order, state)
        counts[state] += 1
    return {str(key): value for key, value in counts.items()}



# What a technician may still add to a job: while working it, and just after completing it on the phone.
ATTACHABLE_STATUSES = (Status.EN_ROUTE, Status.ON_SITE, Status.COMPLETED, Status.UNABLE)


@transaction.atomic
def attachment_add(*, work_order_id: int, actor, kind: str, upload, caption: str = "", signer_name: str = "",
                   location: Location | None = None) -> WorkOrderAttachment:
    """Keep a photo or the customer's signature with the job; the image is checked by its content."""
    order = _locked(work_order_id, None)
    if order.status not in ATTACHABLE_STATUSES:
        raise Conflict("illegal_transition", _("Photos and signatures are added while the job is worked."),
                       extra={"status": order.status})
    if kind == WorkOrderAttachment.Kind.SIGNATURE and not signer_name.strip():
        raise DispatchError("invalid", _("Give the name of the person signing."),
                            fields={"signer_name": [_("This field is required.")]})
    image = check_image(upload)
    lat, lng = (image.lat, image.lng) if image.lat is not None else (
        (location.lat, location.lng) if location else (None, None))
    check_coordinates(lat, lng)
    upload.name = f"{uuid.uuid4().hex}.{image.extension}"
    attachment = WorkOrderAttachment.objects.create(
        work_order=order, kind=kind, file=upload, content_type=image.content_type, size=upload.size,
        caption=caption, lat=lat, lng=lng,
        taken_at=timezone.make_aware(image.taken_at) if image.taken_at else timezone.now(),
        signer_name=signer_name, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    _event(order, actor=actor, type=WorkOrderEvent.Type.ATTACHMENT, location=location,
           data={"attachment": attachment.pk, "kind": kind})
    return attachment
