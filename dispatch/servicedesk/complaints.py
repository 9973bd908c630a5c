"""The complaint closed loop and first-contact ownership (首问负责制).

Every status change of a complaint goes through `complaint_transition`, checked against `TRANSITIONS` and the
step's own rules (`STEP_FIELDS`), under a row lock, and writes an append-only `ComplaintEvent`. The request's
owner (the agent who took the call) follows it to the end; only an explicit, audited hand-over changes the owner.
"""

import uuid
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import Conflict, DispatchError, NotFound, PermissionDenied
from dispatch.common.roles import Role, has_role
from dispatch.workorders.models import Notification, WorkOrder

from . import conf
from .models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintStatus,
    Department,
    RequestHandover,
    RequestStatus,
    RootCause,
    ServiceRequest,
)

S = ComplaintStatus
# The whole closed loop. Anything else is refused with 409 "illegal_transition".
TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACCEPTED: frozenset({S.JUDGED}),
    S.JUDGED: frozenset({S.ASSIGNED, S.INFORMED}),  # founded → department; unfounded → explain to the customer
    S.ASSIGNED: frozenset({S.INVESTIGATED}),
    S.INVESTIGATED: frozenset({S.PROPOSED}),
    S.PROPOSED: frozenset({S.APPROVED, S.INVESTIGATED}),  # approved, or sent back by the supervisor
    S.APPROVED: frozenset({S.CARRIED_OUT}),
    S.CARRIED_OUT: frozenset({S.INFORMED}),
    S.INFORMED: frozenset({S.CALLED_BACK}),
    S.CALLED_BACK: frozenset({S.CLOSED, S.INVESTIGATED}),  # closed, or reopened when the customer is not satisfied
    S.CLOSED: frozenset(),
}
OPEN_COMPLAINT_STATUSES = tuple(status for status in S.values if status != S.CLOSED)
# What each step must record (field name → what the agent must give).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    S.JUDGED: ("founded", "category"),
    S.ASSIGNED: ("department",),
    S.INVESTIGATED: ("root_cause", "investigation"),
    S.PROPOSED: ("proposal",),
    S.CARRIED_OUT: ("action_taken",),
    S.INFORMED: ("customer_told",),
    S.CALLED_BACK: ("satisfaction",),
    S.CLOSED: ("summary",),
}
OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {S.CALLED_BACK: ("callback_comments",)}
CHOICES = {"category": ComplaintCategory.values, "department": Department.values, "root_cause": RootCause.values}
SUPERVISOR_ROLES = (Role.MANAGER, Role.ADMIN)
DESK_OWNER_ROLES = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)


def _required() -> list[str]:
    return [_("This field is required.")]


def _may_act_for(actor, owner_id: int | None) -> bool:
    return getattr(actor, "pk", None) == owner_id or has_role(actor, *SUPERVISOR_ROLES)


def open_complaint(*, actor, request: ServiceRequest, category: str = "", work_order: WorkOrder | None = None,
                   now: datetime | None = None) -> Complaint:
    """Accept a complaint taken on the desk: the handling clock starts now."""
    now = now or timezone.now()
    if category and category not in ComplaintCategory.values:
        raise DispatchError("invalid", _("Choose one of the listed categories."),
                            fields={"category": [_("Choose one of the listed categories.")]})
    premises = request.premises or (work_order.premises if work_order else None)
    area = (work_order.area if work_order else None) or (premises.area if premises else None)
    complaint = Complaint.objects.create(
        number=f"TMP{uuid.uuid4().hex[:20]}", request=request, premises=premises, area=area,
        office=(work_order.office if work_order else None) or (area.office if area else None),
        work_order=work_order, technician=work_order.assignee if work_order else None, category=category,
        due_at=now + timedelta(hours=conf.complaint_hours()))
    Complaint.objects.filter(pk=complaint.pk).update(created_at=now)
    complaint.created_at = now
    complaint.number = f"CP{timezone.localdate(now):%y%m%d}-{complaint.pk:06d}"
    complaint.save(update_fields=["number"])
    ComplaintEvent.objects.create(complaint=complaint, actor=_user(actor), to_status=S.ACCEPTED,
                                  reason=request.description[:500], data={"request": request.number})
    return complaint


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def complaint_transition(*, complaint_id: int, to_status: str, actor, reason: str = "",
                         now: datetime | None = None, **data) -> Complaint:
    """The one place a complaint moves along the loop: checked against TRANSITIONS and the step's rules."""
    now = now or timezone.now()
    complaint = (Complaint.objects.select_for_update().select_related("request").filter(pk=complaint_id).first())
    if complaint is None:
        raise NotFound("not_found", _("Complaint not found."))
    from_status = complaint.status
    if to_status not in S.values or to_status not in TRANSITIONS[from_status]:
        raise Conflict("illegal_transition",
                       _("A complaint cannot go from “%(from)s” to “%(to)s”.")
                       % {"from": S(from_status).label, "to": S(to_status).label if to_status in S.values
                          else to_status}, extra={"status": from_status})
    # First-contact ownership: the owner moves the complaint; the supervisor approves.
    if to_status == S.APPROVED:
        if not has_role(actor, *SUPERVISOR_ROLES):
            raise PermissionDenied("supervisor_required", _("Only a supervisor approves a proposal."))
        if complaint.proposed_by_id is not None and complaint.proposed_by_id == getattr(actor, "pk", None):
            raise PermissionDenied("four_eyes", _("The proposal must be approved by someone other than its author."))
    elif from_status == S.PROPOSED and to_status == S.INVESTIGATED:
        if not has_role(actor, *SUPERVISOR_ROLES):
            raise PermissionDenied("supervisor_required", _("Only a supervisor sends a proposal back."))
    elif not _may_act_for(actor, complaint.request.owner_id):
        raise PermissionDenied("not_owner", _("Only the owner of the request (or a supervisor) handles it; ask "
                                              "for a hand-over."))
    if (from_status, to_status) in ((S.PROPOSED, S.INVESTIGATED), (S.CALLED_BACK, S.INVESTIGATED)) \
            and not reason.strip():
        raise DispatchError("reason_required", _("Give a reason for this change."), fields={"reason": _required()})

    recorded: dict[str, object] = {}
    fields: dict[str, list[str]] = {}
    backwards = to_status == S.INVESTIGATED and from_status != S.ASSIGNED
    for name in () if backwards else STEP_FIELDS.get(to_status, ()):
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            fields[name] = _required()
        elif name in CHOICES and value not in CHOICES[name]:
            fields[name] = [_("Choose one of the listed values.")]
        elif name == "satisfaction" and (not isinstance(value, int) or isinstance(value, bool)
                                         or not 1 <= value <= 5):
            fields[name] = [_("Give a whole number from 1 to 5.")]
        elif name == "founded" and not isinstance(value, bool):
            fields[name] = [_("Say whether the complaint is founded.")]
        else:
            recorded[name] = value
    for name in OPTIONAL_FIELDS.get(to_status, ()):
        if data.get(name):
            recorded[name] = data[name]
    if fields:
        raise DispatchError("invalid", _("Some details of this step are missing or wrong."), fields=fields)
    if from_status == S.JUDGED:
        if to_status == S.ASSIGNED and complaint.founded is False:
            raise Conflict("not_founded", _("An unfounded complaint is explained to the customer, not assigned."))
        if to_status == S.INFORMED and complaint.founded is not False:
            raise Conflict("founded", _("A founded complaint goes to the responsible department first."))
    if to_status == S.CLOSED and (complaint.satisfaction or 0) < conf.dissatisfied_below():
        raise Conflict("customer_dissatisfied",
                       _("The customer was not satisfied: investigate again (with a reason) before closing."))

    for name, value in recorded.items():
        setattr(complaint, name, value)
    if to_status == S.PROPOSED:
        complaint.proposed_by = _user(actor)
    elif to_status == S.APPROVED:
        complaint.approved_by = _user(actor)
    elif to_status == S.INVESTIGATED and backwards:
        complaint.approved_by = None
    elif to_status == S.INFORMED and complaint.handled_at is None:
        complaint.handled_at = now
    elif to_status == S.CLOSED:
        complaint.closed_at = now
    complaint.status = to_status
    complaint.save()
    ComplaintEvent.objects.create(complaint=complaint, actor=_user(actor), from_status=from_status,
                                  to_status=to_status, reason=reason[:500],
                                  data={key: value for key, value in recorded.items()})
    if to_status == S.CLOSED:
        _close_request(complaint.request, actor=actor, now=now)
    return complaint


def _close_request(request: ServiceRequest, *, actor, now: datetime) -> None:
    if request.status != RequestStatus.CLOSED:
        request.status, request.closed_at = RequestStatus.CLOSED, now
        request.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(actor=actor, action="update", instance=request, changes={"status": RequestStatus.CLOSED})


@transaction.atomic
def close_request(*, request_id: int, actor, now: datetime | None = None) -> ServiceRequest:
    """The owner closes a request once its complaint (if any) is closed."""
    request = ServiceRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("not_found", _("Service request not found."))
    if not _may_act_for(actor, request.owner_id):
        raise PermissionDenied("not_owner", _("Only the owner of the request (or a supervisor) closes it."))
    complaint = Complaint.objects.filter(request=request).first()
    if complaint is not None and complaint.status != S.CLOSED:
        raise Conflict("complaint_open", _("Close the complaint through its loop first."))
    _close_request(request, actor=actor, now=now or timezone.now())
    return request


@transaction.atomic
def handover(*, request_id: int, to_user, actor, reason: str) -> ServiceRequest:
    """Hand a request (and its complaint) to another desk colleague: explicit, with a reason, audited."""
    request = ServiceRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("not_found", _("Service request not found."))
    if not reason.strip():
        raise DispatchError("reason_required", _("Give a reason for the hand-over."), fields={"reason": _required()})
    if request.status == RequestStatus.CLOSED:
        raise Conflict("request_closed", _("A closed request is not handed over."))
    if not _may_act_for(actor, request.owner_id):
        raise PermissionDenied("not_owner", _("Only the owner (or a supervisor) hands a request over."))
    if to_user is None or not to_user.is_active or not has_role(to_user, *DESK_OWNER_ROLES):
        raise DispatchError("invalid", _("Hand over to an active desk colleague."),
                            fields={"to_user": [_("This person cannot own requests.")]})
    if to_user.pk == request.owner_id:
        raise Conflict("same_owner", _("That person already owns the request."))
    previous = request.owner
    RequestHandover.objects.create(request=request, from_owner=previous, to_owner=to_user, by=_user(actor),
                                   reason=reason[:500])
    request.owner = to_user
    request.save(update_fields=["owner", "updated_at"])
    record_event(actor=actor, action="update", instance=request,
                 changes={"owner": [previous.pk if previous else None, to_user.pk]}, reason=reason)
    complaint = Complaint.objects.filter(request=request).first()
    if complaint is not None:
        ComplaintEvent.objects.create(complaint=complaint, actor=_user(actor), reason=reason[:500],
                                      data={"handover": {"from": previous.username if previous else None,
                                                         "to": to_user.username}})
    return request


def _notify(users, complaint: Complaint, topic: str, message: str) -> int:
    notes = [Notification(recipient=user, work_order=complaint.work_order, topic=f"{topic}:{complaint.pk}"[:40],
                          message=message[:300]) for user in users]
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    return len(notes)


def _locked_with_owner(complaint_id: int) -> Complaint:
    # Lock the complaint row only: the owner is on the nullable side of an outer join.
    return Complaint.objects.select_for_update(of=("self",)).select_related("request__owner").get(pk=complaint_id)


def escalate_complaints(*, now: datetime | None = None) -> dict[str, int]:
    """The handling clock: warn the owner when most of the time is used, escalate to supervisors when overdue.

    Idempotent: each complaint is raised to each level once (escalation_level), whatever how often it runs.
    """
    now = now or timezone.now()
    hours = conf.complaint_hours()
    warn_after = timedelta(hours=hours * conf.complaint_warn_percent() / 100)
    counts = {"warned": 0, "escalated": 0}
    supervisors = list(get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True))
    unhandled = Complaint.objects.filter(handled_at__isnull=True, status__in=OPEN_COMPLAINT_STATUSES)
    for complaint_id in unhandled.filter(escalation_level__lt=2, due_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            complaint = _locked_with_owner(complaint_id)
            if complaint.escalation_level >= 2 or complaint.handled_at is not None:
                continue
            complaint.escalation_level = 2
            complaint.save(update_fields=["escalation_level", "updated_at"])
            message = _("Complaint %(number)s is past its %(hours)s-hour handling time.") % {
                "number": complaint.number, "hours": hours}
            owner = [complaint.request.owner] if complaint.request.owner else []
            _notify({*owner, *supervisors}, complaint, "complaint_overdue", message)
            ComplaintEvent.objects.create(complaint=complaint, reason=message[:500], data={"escalation": 2})
            counts["escalated"] += 1
    warn_ids = unhandled.filter(escalation_level=0, due_at__gt=now, due_at__lte=now + (timedelta(hours=hours)
                                                                                        - warn_after))
    for complaint_id in warn_ids.values_list("pk", flat=True):
        with transaction.atomic():
            complaint = _locked_with_owner(complaint_id)
            if complaint.escalation_level >= 1 or complaint.handled_at is not None:
                continue
            complaint.escalation_level = 1
            complaint.save(update_fields=["escalation_level", "updated_at"])
            message = _("Complaint %(number)s must be handled by %(due)s.") % {
                "number": complaint.number, "due": timezone.localtime(complaint.due_at).strftime("%m-%d %H:%M")}
            if complaint.request.owner:
                _notify([complaint.request.owner], complaint, "complaint_at_risk", message)
            ComplaintEvent.objects.create(complaint=complaint, reason=message[:500], data={"escalation": 1})
            counts["warned"] += 1
    return counts
