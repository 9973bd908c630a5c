"""Nonconformities and their corrective and preventive actions.

Every status change goes through `nonconformity_transition` and its table; anything else is 409
"illegal_transition". The rules of DOMAIN.md: open needs an action plan ("plan_required"); done needs an
effectiveness evaluation ("evaluation_required", "not_effective") and every action closed ("actions_open").
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.errors import Conflict, DispatchError, NotFound
from dispatch.org.models import Area, ServiceOffice

from ..models import CapaAction, Hazard, NcSource, NcStatus, Nonconformity, NonconformityEvent

S = NcStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ANALYSIS, S.CANCELLED}),
    S.ANALYSIS: frozenset({S.ACTION_PLAN, S.DRAFT, S.CANCELLED}),
    S.ACTION_PLAN: frozenset({S.OPEN, S.ANALYSIS, S.CANCELLED}),
    # Back to the plan when the evaluation finds the actions did not work.
    S.OPEN: frozenset({S.DONE, S.ACTION_PLAN, S.CANCELLED}),
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
}
REASON_REQUIRED_TO = {S.CANCELLED, S.DRAFT}
REASON_REQUIRED = {(S.OPEN, S.ACTION_PLAN), (S.ACTION_PLAN, S.ANALYSIS)}
# Actions can be planned and worked while the nonconformity is being handled, not after.
ACTIONS_EDITABLE_IN = {S.DRAFT, S.ANALYSIS, S.ACTION_PLAN, S.OPEN}
UPDATABLE = ["title", "description", "responsible", "root_cause", "area", "office", "hazard"]


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(nc: Nonconformity, *, actor, type: str = "status", from_status: str = "", to_status: str = "",
           reason: str = "", data: dict | None = None) -> NonconformityEvent:
    return NonconformityEvent.objects.create(nonconformity=nc, actor=_actor(actor), type=type,
                                             from_status=from_status, to_status=to_status, reason=reason[:500],
                                             data=data or {})


def _locked(nonconformity_id: int, expected_version: int | None = None) -> Nonconformity:
    nc = Nonconformity.objects.select_for_update().filter(pk=nonconformity_id).first()
    if nc is None:
        raise NotFound("not_found", _("Nonconformity not found."))
    if expected_version is not None and nc.version != expected_version:
        raise Conflict("stale_version", _("The nonconformity was changed by someone else; reload and try again."),
                       extra={"current_version": nc.version})
    return nc


@transaction.atomic
def nonconformity_create(*, actor, title: str, description: str = "", source: str = NcSource.MANUAL,
                         office: ServiceOffice | None = None, area: Area | None = None, hazard: Hazard | None = None,
                         responsible=None, incident=None, finding=None, trend_key: str = "") -> Nonconformity:
    if not (title or "").strip():
        raise DispatchError("invalid", _("Give the nonconformity a title."),
                            fields={"title": [_("This field is required.")]})
    if area is not None and office is not None and area.office_id != office.pk:
        raise DispatchError("invalid", _("The area belongs to another office."),
                            fields={"area": [_("The area belongs to another office.")]})
    if area is not None and office is None:
        office = area.office
    nc = Nonconformity.objects.create(
        number=f"TMP-{timezone.now().timestamp()}", title=title.strip()[:200], description=description,
        source=source, office=office, area=area, hazard=hazard, responsible=responsible, incident=incident,
        finding=finding, trend_key=trend_key, raised_by=_actor(actor))
    nc.number = f"NC-{nc.pk:06d}"
    nc.save(update_fields=["number"])
    _event(nc, actor=actor, type="created", to_status=nc.status, data={"source": source})
    return nc


@transaction.atomic
def nonconformity_update(*, actor, nonconformity_id: int, changes: dict[str, Any],
                         expected_version: int | None = None) -> Nonconformity:
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise DispatchError("invalid", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    nc = _locked(nonconformity_id, expected_version)
    if nc.status in (S.DONE, S.CANCELLED):
        raise Conflict("closed", _("A closed nonconformity cannot change."), extra={"status": nc.status})
    if "title" in changes and not str(changes["title"] or "").strip():
        raise DispatchError("invalid", _("Give the nonconformity a title."),
                            fields={"title": [_("This field is required.")]})
    changed = {}
    for name, value in changes.items():
        old = getattr(nc, name)
        if old != value:
            changed[name] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(nc, name, value)
    if changed:
        nc.version += 1
        nc.save()
        _event(nc, actor=actor, type="updated", data={"changes": {key: [str(a), str(b)]
                                                                   for key, (a, b) in changed.items()}})
    return nc


def _check_rules(nc: Nonconformity, to_status: str) -> None:
    if to_status == S.ACTION_PLAN and nc.status == S.ANALYSIS and not nc.root_cause.strip():
        raise DispatchError("root_cause_required", _("Record the root cause analysis before planning actions."),
                            fields={"root_cause": [_("This field is required.")]})
    if to_status == S.OPEN and not nc.actions.exclude(status=CapaAction.Status.CANCELLED).exists():
        raise DispatchError("plan_required", _("A nonconformity cannot be opened without an action plan."))
    if to_status == S.DONE:
        open_actions = nc.actions.filter(status=CapaAction.Status.OPEN).count()
        if open_actions:
            raise DispatchError("actions_open",
                                _("%(count)d action(s) are still open; close or cancel them first.")
                                % {"count": open_actions}, extra={"open_actions": open_actions})
        if not nc.evaluation.strip() or nc.effective is None:
            raise DispatchError("evaluation_required",
                                _("Evaluate the effectiveness of the actions before closing."),
                                fields={"evaluation": [_("This field is required.")]})
        if not nc.effective:
            raise DispatchError("not_effective",
                                _("The actions were judged not effective: go back to the action plan."))


@transaction.atomic
def nonconformity_transition(*, actor, nonconformity_id: int, to_status: str, reason: str = "",
                             expected_version: int | None = None) -> Nonconformity:
    """The one place a nonconformity's status changes: checked against TRANSITIONS and the rules, recorded."""
    if to_status not in S.values:
        raise DispatchError("invalid", _("Unknown status."), fields={"to": [_("Unknown status.")]})
    nc = _locked(nonconformity_id, expected_version)
    from_status = nc.status
    if to_status not in TRANSITIONS[from_status]:
        raise Conflict("illegal_transition",
                       _("A nonconformity cannot go from “%(from)s” to “%(to)s”.")
                       % {"from": S(from_status).label, "to": S(to_status).label}, extra={"status": from_status})
    reason = (reason or "").strip()
    if not reason and (to_status in REASON_REQUIRED_TO or (from_status, to_status) in REASON_REQUIRED):
        raise DispatchError("reason_required", _("Give a reason for this change."),
                            fields={"reason": [_("This field is required.")]})
    _check_rules(nc, to_status)
    nc.status = to_status
    if to_status in (S.DONE, S.CANCELLED):
        nc.closed_at = timezone.now()
    if from_status == S.OPEN and to_status == S.ACTION_PLAN:
        # A fresh evaluation is needed after the revised plan has been carried out.
        nc.evaluation, nc.effective, nc.evaluated_by, nc.evaluated_at = "", None, None, None
    if to_status == S.CANCELLED:
        nc.actions.filter(status=CapaAction.Status.OPEN).update(status=CapaAction.Status.CANCELLED,
                                                                 updated_at=timezone.now())
    nc.version += 1
    nc.save()
    _event(nc, actor=actor, from_status=from_status, to_status=to_status, reason=reason)
    return nc


@transaction.atomic
def nonconformity_evaluate(*, actor, nonconformity_id: int, evaluation: str, effective: bool,
                           expected_version: int | None = None) -> Nonconformity:
    nc = _locked(nonconformity_id, expected_version)
    if nc.status != S.OPEN:
        raise Conflict("not_open", _("Effectiveness is evaluated while the nonconformity is open."),
                       extra={"status": nc.status})
    if not (evaluation or "").strip():
        raise DispatchError("evaluation_required", _("Describe how the effectiveness was checked."),
                            fields={"evaluation": [_("This field is required.")]})
    nc.evaluation, nc.effective = evaluation.strip(), bool(effective)
    nc.evaluated_by, nc.evaluated_at = _actor(actor), timezone.now()
    nc.version += 1
    nc.save()
    _event(nc, actor=actor, type="evaluated", data={"effective": nc.effective})
    return nc


@transaction.atomic
def action_add(*, actor, nonconformity_id: int, kind: str, description: str, owner, deadline: date) -> CapaAction:
    nc = _locked(nonconformity_id)
    if nc.status not in ACTIONS_EDITABLE_IN:
        raise Conflict("closed", _("A closed nonconformity takes no new actions."), extra={"status": nc.status})
    fields = {}
    if kind not in CapaAction.Kind.values:
        fields["kind"] = [_("Unknown kind of action.")]
    if not (description or "").strip():
        fields["description"] = [_("This field is required.")]
    if owner is None:
        fields["owner"] = [_("This field is required.")]
    if deadline is None:
        fields["deadline"] = [_("This field is required.")]
    if fields:
        raise DispatchError("invalid", _("The action is not complete."), fields=fields)
    action = CapaAction.objects.create(nonconformity=nc, kind=kind, description=description.strip(), owner=owner,
                                       deadline=deadline)
    nc.version += 1
    nc.save(update_fields=["version", "updated_at"])
    _event(nc, actor=actor, type="action_added", data={"action": action.pk, "kind": kind,
                                                       "deadline": deadline.isoformat()})
    return action


def _locked_action(action_id: int) -> CapaAction:
    action = CapaAction.objects.select_for_update().select_related("nonconformity").filter(pk=action_id).first()
    if action is None:
        raise NotFound("not_found", _("Action not found."))
    if action.status != CapaAction.Status.OPEN:
        raise Conflict("action_closed", _("This action is already closed."), extra={"status": action.status})
    return action


@transaction.atomic
def action_complete(*, actor, action_id: int, result: str) -> CapaAction:
    action = _locked_action(action_id)
    if not (result or "").strip():
        raise DispatchError("invalid", _("Describe what was done."), fields={"result": [_("This field is required.")]})
    action.status, action.result, action.done_at = CapaAction.Status.DONE, result.strip(), timezone.now()
    action.save()
    _event(action.nonconformity, actor=actor, type="action_done", data={"action": action.pk})
    return action


@transaction.atomic
def action_cancel(*, actor, action_id: int, reason: str) -> CapaAction:
    action = _locked_action(action_id)
    if not (reason or "").strip():
        raise DispatchError("reason_required", _("Give a reason for this change."),
                            fields={"reason": [_("This field is required.")]})
    action.status, action.result = CapaAction.Status.CANCELLED, reason.strip()
    action.save()
    _event(action.nonconformity, actor=actor, type="action_cancelled", reason=reason,
           data={"action": action.pk})
    return action
