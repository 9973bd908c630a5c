"""Writes to the HSE records. Views, API, admin and tasks call these; each change is recorded.

- `register`: hazard register entries and their controls, each change an append-only `HazardRevision`;
- `capa`: nonconformities (one transition function over an explicit table) and their actions;
- `activities`: self-inspections, incidents, training records and customer-hazard trend detection;
- `reminders`: the daily run of the beat task (action reminders and escalation, reviews, training expiry).
"""

from .activities import (
    TrendObservation,
    detect_hazard_trends,
    incident_create,
    incident_from_work_order,
    incident_raise_nonconformity,
    incident_update,
    self_inspection_record,
    training_record_create,
)
from .capa import (
    TRANSITIONS,
    action_add,
    action_cancel,
    action_complete,
    nonconformity_create,
    nonconformity_evaluate,
    nonconformity_transition,
    nonconformity_update,
)
from .register import control_add, control_update, hazard_create, hazard_update
from .reminders import run_daily_reminders

__all__ = [
    "TRANSITIONS",
    "TrendObservation",
    "action_add",
    "action_cancel",
    "action_complete",
    "control_add",
    "control_update",
    "detect_hazard_trends",
    "hazard_create",
    "hazard_update",
    "incident_create",
    "incident_from_work_order",
    "incident_raise_nonconformity",
    "incident_update",
    "nonconformity_create",
    "nonconformity_evaluate",
    "nonconformity_transition",
    "nonconformity_update",
    "run_daily_reminders",
    "self_inspection_record",
    "training_record_create",
]
