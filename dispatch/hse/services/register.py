"""The hazard register: entries are evaluated on every save, and every change leaves a `HazardRevision`."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import diff, snapshot
from dispatch.common.errors import Conflict, DispatchError, NotFound

from ..models import (
    ASPECT_CATEGORIES,
    HAZARD_FIELDS,
    EntryKind,
    Hazard,
    HazardControl,
    HazardRegister,
    HazardRevision,
    RiskMethod,
)
from ..risk import evaluate_lec, evaluate_matrix, risk_config

EDITABLE = [name for name in HAZARD_FIELDS if name not in {"score", "band", "significant", "residual_score",
                                                               "residual_band"}]
CONTROL_FIELDS = ["control_type", "description", "owner", "status", "due_date", "in_place_since"]


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DispatchError("reason_required", _("Say why the register changes."),
                            fields={"reason": [_("This field is required.")]})
    return reason[:500]


def _evaluate(hazard: Hazard) -> None:
    """Derive score, band and the significant flag (initial and residual) from the register's method."""
    config = risk_config()
    method = hazard.register.method
    if method == RiskMethod.LEC:
        inputs = {"lec_l": hazard.lec_l, "lec_e": hazard.lec_e, "lec_c": hazard.lec_c}
        missing = {name: [_("This field is required.")] for name, value in inputs.items() if value is None}
        if missing:
            raise DispatchError("invalid", _("An LEC register needs L, E and C."), fields=missing)
        initial = evaluate_lec(hazard.lec_l, hazard.lec_e, hazard.lec_c, config)
        residual_inputs = [hazard.residual_lec_l, hazard.residual_lec_e, hazard.residual_lec_c]
        hazard.likelihood = hazard.severity = None
        hazard.residual_likelihood = hazard.residual_severity = None
    else:
        inputs = {"likelihood": hazard.likelihood, "severity": hazard.severity}
        missing = {name: [_("This field is required.")] for name, value in inputs.items() if value is None}
        if missing:
            raise DispatchError("invalid", _("A matrix register needs likelihood and severity."), fields=missing)
        initial = evaluate_matrix(hazard.likelihood, hazard.severity, config)
        residual_inputs = [hazard.residual_likelihood, hazard.residual_severity]
        hazard.lec_l = hazard.lec_e = hazard.lec_c = None
        hazard.residual_lec_l = hazard.residual_lec_e = hazard.residual_lec_c = None
    hazard.score, hazard.band, hazard.significant = initial.score, initial.band, initial.significant
    given = [value is not None for value in residual_inputs]
    if all(given):
        residual = (evaluate_lec(*residual_inputs, config, prefix="residual_") if method == RiskMethod.LEC
                    else evaluate_matrix(*residual_inputs, config, prefix="residual_"))
        hazard.residual_score, hazard.residual_band = residual.score, residual.band
    elif any(given):
        raise DispatchError("invalid", _("Give the whole residual evaluation or none of it."),
                            fields={"residual": [_("Give the whole residual evaluation or none of it.")]})
    else:
        hazard.residual_score, hazard.residual_band = None, ""


def _check(hazard: Hazard) -> None:
    fields: dict[str, list[str]] = {}
    aspect = hazard.category in ASPECT_CATEGORIES
    if aspect != (hazard.kind == EntryKind.ASPECT):
        fields["category"] = [_("Environmental aspects take an environmental type; hazards a hazard type.")]
    if hazard.area_id and hazard.office_id and hazard.area.office_id != hazard.office_id:
        fields["area"] = [_("The area belongs to another office.")]
    if hazard.acceptable is not None and not hazard.acceptability_justification.strip():
        fields["acceptability_justification"] = [_("Justify why the risk is, or is not, acceptable.")]
    if hazard.review_date and hazard.analysis_date and hazard.review_date < hazard.analysis_date:
        fields["review_date"] = [_("The review cannot come before the analysis.")]
    for name in ("activity", "description"):
        if not str(getattr(hazard, name) or "").strip():
            fields[name] = [_("This field is required.")]
    if fields:
        raise DispatchError("invalid", _("The register entry is not complete."), fields=fields)


def _revise(hazard: Hazard, *, actor, action: str, reason: str, before: dict[str, Any]) -> HazardRevision:
    after = snapshot(hazard, HAZARD_FIELDS)
    after["controls"] = [snapshot(control, ["id", *CONTROL_FIELDS]) for control in hazard.controls.order_by("id")]
    return HazardRevision.objects.create(
        hazard=hazard, version=hazard.version, actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, reason=reason, snapshot=after, changes=diff(before, after))


def _snapshot(hazard: Hazard) -> dict[str, Any]:
    before = snapshot(hazard, HAZARD_FIELDS)
    before["controls"] = [snapshot(control, ["id", *CONTROL_FIELDS]) for control in hazard.controls.order_by("id")]
    return before


def _locked(hazard_id: int, expected_version: int | None) -> Hazard:
    hazard = Hazard.objects.select_for_update().select_related("register").filter(pk=hazard_id).first()
    if hazard is None:
        raise NotFound("not_found", _("Register entry not found."))
    if expected_version is not None and hazard.version != expected_version:
        raise Conflict("stale_version", _("The entry was changed by someone else; reload and try again."),
                       extra={"current_version": hazard.version})
    return hazard


@transaction.atomic
def hazard_create(*, actor, register: HazardRegister, reason: str = "", **fields) -> Hazard:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DispatchError("invalid", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if not register.is_active:
        raise DispatchError("register_inactive", _("This register is closed."), fields={"register": [
            _("This register is closed.")]})
    hazard = Hazard(register=register, **fields)
    if hazard.office_id is None and register.office_id is not None:
        hazard.office_id = register.office_id
    if hazard.analysis_date is None:
        hazard.analysis_date = timezone.localdate()
    _evaluate(hazard)
    _check(hazard)
    hazard.number = f"TMP-{timezone.now().timestamp()}"
    hazard.save()
    prefix = "EA" if hazard.kind == EntryKind.ASPECT else "HZ"
    hazard.number = f"{prefix}-{hazard.pk:06d}"
    hazard.save(update_fields=["number"])
    _revise(hazard, actor=actor, action="created", reason=(reason or "").strip()[:500] or _("Entered"), before={})
    return hazard


@transaction.atomic
def hazard_update(*, actor, hazard_id: int, reason: str, changes: dict[str, Any],
                  expected_version: int | None = None) -> Hazard:
    reason = _reason(reason)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DispatchError("invalid", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    hazard = _locked(hazard_id, expected_version)
    before = _snapshot(hazard)
    for name, value in changes.items():
        setattr(hazard, name, value)
    _evaluate(hazard)
    _check(hazard)
    if snapshot(hazard, HAZARD_FIELDS) == {key: before[key] for key in HAZARD_FIELDS}:
        return hazard
    hazard.version += 1
    hazard.review_reminded_on = None if "review_date" in changes else hazard.review_reminded_on
    hazard.save()
    _revise(hazard, actor=actor, action="updated", reason=reason, before=before)
    return hazard


def _check_control(control: HazardControl) -> None:
    if not control.description.strip():
        raise DispatchError("invalid", _("Describe the control measure."),
                            fields={"description": [_("This field is required.")]})


def _save_control(control: HazardControl, hazard: Hazard, *, actor, action: str, reason: str, before: dict) -> None:
    """Save a checked control measure and record it as a new version of its register entry."""
    if control.status == HazardControl.Status.IN_PLACE and control.in_place_since is None:
        control.in_place_since = timezone.localdate()
    _check_control(control)
    control.save()
    hazard.version += 1
    hazard.save(update_fields=["version", "updated_at"])
    _revise(hazard, actor=actor, action=action, reason=reason, before=before)


@transaction.atomic
def control_add(*, actor, hazard_id: int, reason: str, expected_version: int | None = None,
                **fields) -> HazardControl:
    reason = _reason(reason)
    hazard = _locked(hazard_id, expected_version)
    before = _snapshot(hazard)
    control = HazardControl(hazard=hazard, **fields)
    _save_control(control, hazard, actor=actor, action="control_added", reason=reason, before=before)
    return control


@transaction.atomic
def control_update(*, actor, control_id: int, reason: str, changes: dict[str, Any]) -> HazardControl:
    reason = _reason(reason)
    unknown = set(changes) - set(CONTROL_FIELDS)
    if unknown:
        raise DispatchError("invalid", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    control = HazardControl.objects.filter(pk=control_id).first()
    if control is None:
        raise NotFound("not_found", _("Control measure not found."))
    hazard = _locked(control.hazard_id, None)
    before = _snapshot(hazard)
    control = HazardControl.objects.select_for_update().get(pk=control_id)
    for name, value in changes.items():
        setattr(control, name, value)
    _save_control(control, hazard, actor=actor, action="control_changed", reason=reason, before=before)
    return control
