"""Customer hazards: raised, made safe, rectified (by the utility or the customer) and closed on re-inspection.

Every status change goes through `hazard_transition` and its table, under a row lock, and leaves an append-only
`HazardEvent`:

    open → made_safe → rectification_ordered | customer_notified → rectified → closed (on re-inspection)
    refused → escalated (grade 1: the safety officer, who may order supply suspension)
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.workorders.models import OPEN_STATUSES, Priority, Source, WorkOrder, WorkOrderAttachment
from dispatch.workorders.services import work_order_create

from .config import deadline_for
from .models import Hazard, HazardEvent, HazardGrade, HazardStatus, HazardType

S = HazardStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.MADE_SAFE, S.RECTIFICATION_ORDERED, S.CUSTOMER_NOTIFIED, S.REFUSED, S.RECTIFIED}),
    S.MADE_SAFE: frozenset({S.RECTIFICATION_ORDERED, S.CUSTOMER_NOTIFIED, S.REFUSED, S.RECTIFIED}),
    S.RECTIFICATION_ORDERED: frozenset({S.RECTIFIED, S.REFUSED}),
    S.CUSTOMER_NOTIFIED: frozenset({S.RECTIFIED, S.REFUSED, S.RECTIFICATION_ORDERED}),
    S.REFUSED: frozenset({S.ESCALATED, S.RECTIFICATION_ORDERED, S.RECTIFIED}),
    S.ESCALATED: frozenset({S.RECTIFICATION_ORDERED, S.RECTIFIED}),
    S.RECTIFIED: frozenset({S.CLOSED, S.OPEN}),
    S.CLOSED: frozenset(),
}
STAMPS = {S.MADE_SAFE: "made_safe_at", S.CUSTOMER_NOTIFIED: "customer_notified_at", S.RECTIFIED: "rectified_at",
          S.CLOSED: "closed_at"}
RECTIFICATION_PRIORITY = {1: Priority.URGENT, 2: Priority.NORMAL, 3: Priority.PLANNED}


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(hazard: Hazard, *, actor, from_status: str, to_status: str, reason: str = "",
           data: dict | None = None) -> HazardEvent:
    return HazardEvent.objects.create(hazard=hazard, actor=_actor(actor), from_status=from_status,
                                      to_status=to_status, reason=reason[:500], data=data or {})


@transaction.atomic
def hazard_transition(*, hazard_id: int, to_status: str, actor, reason: str = "", data: dict | None = None,
                      **fields) -> Hazard:
    """The one place a hazard's status changes: checked against TRANSITIONS, stamped and recorded."""
    hazard = Hazard.objects.select_for_update().filter(pk=hazard_id).first()
    if hazard is None:
        raise NotFound("not_found", _("Hazard not found."))
    from_status = hazard.status
    if to_status not in TRANSITIONS[from_status]:
        raise Conflict("illegal_transition", _("A hazard cannot go from “%(from)s” to “%(to)s”.")
                       % {"from": HazardStatus(from_status).label, "to": HazardStatus(to_status).label},
                       extra={"status": from_status})
    now = timezone.now()
    hazard.status = to_status
    if to_status in STAMPS:
        setattr(hazard, STAMPS[to_status], now)
    for name, value in fields.items():
        setattr(hazard, name, value)
    hazard.save()
    _event(hazard, actor=actor, from_status=from_status, to_status=to_status, reason=reason,
           data={**(data or {}), **{name: getattr(value, "pk", value) for name, value in fields.items()}})
    return hazard


def make_safe_missing(*, grade: int, isolated: str, customer_consented: bool | None) -> bool:
    """A grade-1 hazard needs what was isolated and the customer's consent, or the customer's refusal."""
    if grade != HazardGrade.VERY_SERIOUS:
        return False
    if customer_consented is None:
        return True
    return customer_consented and not isolated.strip()


@transaction.atomic
def hazard_raise(*, actor, premises, hazard_type: HazardType, grade: int | None = None, description: str = "",
                 checklist_key: str = "", found_by_order: WorkOrder | None = None, photo_ids=(),
                 isolated: str = "", customer_consented: bool | None = None, follow_up: bool = True) -> Hazard:
    """Record a hazard at the premises, with its deadline by grade; then its make-safe record and follow-up."""
    grade = grade or hazard_type.default_grade
    if grade not in HazardGrade.values:
        raise DispatchError("invalid", _("Choose a grade of 1, 2 or 3."), fields={"grade": [_("Not a grade.")]})
    now = timezone.now()
    hazard = Hazard.objects.create(
        premises=premises, hazard_type=hazard_type, grade=grade, description=description[:500],
        checklist_key=checklist_key, found_by_order=found_by_order, found_at=now,
        deadline=deadline_for(grade, timezone.localdate(now)))
    if photo_ids:
        photos = list(WorkOrderAttachment.objects.filter(pk__in=photo_ids, work_order__premises=premises))
        if len(photos) != len(set(photo_ids)):
            raise DispatchError("invalid", _("A photo does not belong to a job at these premises."),
                                fields={"photos": [_("Unknown photo.")]})
        hazard.photos.add(*photos)
    _event(hazard, actor=actor, from_status="", to_status=S.OPEN, reason=description,
           data={"type": hazard_type.code, "grade": grade, "order": getattr(found_by_order, "pk", None)})
    if customer_consented is not None:
        hazard = record_make_safe(hazard_id=hazard.pk, actor=actor, isolated=isolated,
                                  customer_consented=customer_consented, follow_up=follow_up)
    elif follow_up and grade != HazardGrade.VERY_SERIOUS:
        hazard = follow_up_hazard(hazard=hazard, actor=actor)
    return hazard


@transaction.atomic
def record_make_safe(*, hazard_id: int, actor, isolated: str, customer_consented: bool,
                     follow_up: bool = True) -> Hazard:
    """What was isolated with the customer's consent, or the customer's refusal (grade 1 goes to the officer)."""
    if customer_consented and not isolated.strip():
        raise DispatchError("invalid", _("Say what was isolated."), fields={"isolated": [_("This field is required.")]})
    if customer_consented:
        hazard = hazard_transition(hazard_id=hazard_id, to_status=S.MADE_SAFE, actor=actor, reason=isolated,
                                   isolated=isolated[:300], customer_consented=True)
    else:
        hazard = hazard_transition(hazard_id=hazard_id, to_status=S.REFUSED, actor=actor,
                                   reason=_("The customer refused to have the supply made safe."),
                                   isolated=isolated[:300], customer_consented=False)
        if hazard.grade == HazardGrade.VERY_SERIOUS:
            return hazard_transition(hazard_id=hazard_id, to_status=S.ESCALATED, actor=actor,
                                     reason=_("Grade-1 hazard refused: on the safety officer's list."))
        return hazard
    return follow_up_hazard(hazard=hazard, actor=actor) if follow_up else hazard


def follow_up_hazard(*, hazard: Hazard, actor) -> Hazard:
    """A customer notice when the customer must act, else a rectification order (pipe rectification skill)."""
    if hazard.hazard_type.customer_must_act:
        return hazard_transition(hazard_id=hazard.pk, to_status=S.CUSTOMER_NOTIFIED, actor=actor,
                                 reason=_("Customer to rectify by %(day)s.") % {"day": hazard.deadline})
    return order_rectification(hazard=hazard, actor=actor)


@transaction.atomic
def order_rectification(*, hazard: Hazard, actor) -> Hazard:
    order = work_order_create(
        actor=actor, kind="hazard_rectification", premises=hazard.premises, source=Source.SYSTEM,
        source_ref=f"HZ{hazard.pk}", priority=RECTIFICATION_PRIORITY[hazard.grade],
        scheduled_date=max(hazard.deadline, timezone.localdate()),
        description=_("Rectify: %(type)s (grade %(grade)s). %(text)s")
        % {"type": hazard.hazard_type.name, "grade": hazard.grade, "text": hazard.description})
    return hazard_transition(hazard_id=hazard.pk, to_status=S.RECTIFICATION_ORDERED, actor=actor,
                             rectification_order=order, data={"order_number": order.number})


def recheck_order_for(*, premises, actor, reason: str) -> WorkOrder:
    """The open safety inspection at the premises, or a new one to re-check a rectified hazard."""
    existing = (WorkOrder.objects.filter(premises=premises, kind="safety_inspection", status__in=OPEN_STATUSES)
                .order_by("created_at").first())
    if existing is not None:
        return existing
    return work_order_create(actor=actor, kind="safety_inspection", premises=premises, source=Source.SYSTEM,
                             priority=Priority.NORMAL, description=reason,
                             scheduled_date=timezone.localdate() + timedelta(days=1))


@transaction.atomic
def mark_rectified(*, hazard_id: int, actor, reason: str = "", data: dict | None = None) -> Hazard:
    """Rectified (by our crew or reported by the customer): a re-inspection is booked to close it."""
    hazard = Hazard.objects.select_related("premises", "hazard_type").get(pk=hazard_id)
    recheck = recheck_order_for(premises=hazard.premises, actor=actor,
                                reason=_("Re-inspection after rectification of %(type)s")
                                % {"type": hazard.hazard_type.name})
    return hazard_transition(hazard_id=hazard_id, to_status=S.RECTIFIED, actor=actor, reason=reason,
                             data=data, recheck_order=recheck)


@transaction.atomic
def customer_refuses(*, hazard_id: int, actor, reason: str) -> Hazard:
    """The customer refuses to rectify: refused, and a grade-1 hazard goes to the safety officer."""
    if not reason.strip():
        raise DispatchError("reason_required", _("Give a reason for this change."),
                            fields={"reason": [_("This field is required.")]})
    hazard = hazard_transition(hazard_id=hazard_id, to_status=S.REFUSED, actor=actor, reason=reason)
    if hazard.grade == HazardGrade.VERY_SERIOUS:
        hazard = hazard_transition(hazard_id=hazard_id, to_status=S.ESCALATED, actor=actor,
                                   reason=_("Grade-1 hazard refused: on the safety officer's list."))
    return hazard


@transaction.atomic
def order_supply_suspension(*, hazard_id: int, actor, reason: str) -> Hazard:
    """The safety officer orders the supply suspended at premises refusing to rectify a grade-1 hazard."""
    hazard = Hazard.objects.select_for_update().select_related("premises", "hazard_type").get(pk=hazard_id)
    if hazard.status != S.ESCALATED:
        raise Conflict("illegal_transition", _("Only an escalated hazard can lead to supply suspension."),
                       extra={"status": hazard.status})
    if hazard.suspension_order_id is not None:
        raise Conflict("already_ordered", _("Supply suspension is already ordered."))
    order = work_order_create(actor=actor, kind="supply_suspension", premises=hazard.premises,
                              source=Source.SYSTEM, source_ref=f"HZ{hazard.pk}", priority=Priority.URGENT,
                              description=_("Suspend supply: grade-1 hazard refused (%(type)s). %(reason)s")
                              % {"type": hazard.hazard_type.name, "reason": reason})
    hazard.suspension_order = order
    hazard.save(update_fields=["suspension_order", "updated_at"])
    _event(hazard, actor=actor, from_status=hazard.status, to_status=hazard.status, reason=reason,
           data={"suspension_order": order.pk, "order_number": order.number})
    return hazard


def close_on_reinspection(*, premises, actor, failing_keys: set[str], inspection_order: WorkOrder) -> list[Hazard]:
    """A completed inspection closes the premises' rectified hazards, and any whose checklist item now passes."""
    closed = []
    for hazard in Hazard.objects.filter(premises=premises).exclude(status=S.CLOSED).exclude(
            found_by_order=inspection_order).order_by("pk"):
        if hazard.checklist_key and hazard.checklist_key in failing_keys:
            if hazard.status == S.RECTIFIED:
                hazard_transition(hazard_id=hazard.pk, to_status=S.OPEN, actor=actor,
                                  reason=_("Still found on re-inspection."), data={"order": inspection_order.pk})
            continue
        if hazard.status != S.RECTIFIED:
            if not hazard.checklist_key:
                continue  # raised by hand: closed once rectified
            hazard_transition(hazard_id=hazard.pk, to_status=S.RECTIFIED, actor=actor,
                              reason=_("Found rectified on re-inspection."), data={"order": inspection_order.pk})
        closed.append(hazard_transition(hazard_id=hazard.pk, to_status=S.CLOSED, actor=actor,
                                        reason=_("Closed on re-inspection."), data={"order": inspection_order.pk}))
    return closed
