"""The registry of work-order kinds.

Domain apps (meters, arrears, safety, ...) declare their kinds here from their AppConfig.ready(); the work-order
core reads the registry for durations, skills, priorities, SLA defaults, checklists and completion payloads, and
never imports a domain app itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str | Promise
    answer: str = "yes_no"  # yes_no | number | text | choice
    choices: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class SlaTarget:
    """Minutes from creation to attend (technician on site) and to resolve (completed)."""

    attend_minutes: int | None
    resolve_minutes: int | None


@dataclass(frozen=True)
class WorkOrderKind:
    code: str
    label: str | Promise
    app_label: str
    default_duration_minutes: int
    required_skills: tuple[str, ...] = ()
    default_priority: str = "normal"
    sla: dict[str, SlaTarget] = field(default_factory=dict)
    checklist: tuple[ChecklistItem, ...] = ()
    # A DRF serializer class validating the kind's completion payload, and the domain service that records it
    # (called inside the completion transaction as record(work_order=..., data=..., actor=...)).
    completion_serializer: type | None = None
    record_completion: Callable[..., Any] | None = None
    # Created as an emergency at once from intake (gas escape).
    is_emergency: bool = False
    # A domain rule that may refuse the job before it exists, called as
    # check_creation(premises=, actor=, source=, source_ref=) and raising DispatchError (e.g. no suspension order
    # for a protected customer).
    check_creation: Callable[..., None] | None = None


class UnknownKind(KeyError):
    pass


_registry: dict[str, WorkOrderKind] = {}


def register(*kinds: WorkOrderKind) -> None:
    for kind in kinds:
        existing = _registry.get(kind.code)
        if existing is not None and existing.app_label != kind.app_label:
            raise ValueError(f"work-order kind {kind.code!r} is already registered by {existing.app_label}")
        _registry[kind.code] = kind


def get_kind(code: str) -> WorkOrderKind:
    try:
        return _registry[code]
    except KeyError:
        raise UnknownKind(code) from None


def all_kinds() -> list[WorkOrderKind]:
    return sorted(_registry.values(), key=lambda kind: kind.code)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, str(kind.label)) for kind in all_kinds()]


# What other apps know about a job's premises that the technician needs at the door (the open hazards, the
# meter, the live balance). Each app registers a provider from its AppConfig.ready(); the mobile job detail
# shows every provider's answer under its name.
JobFactsProvider = Callable[[Any], dict[str, Any] | list[Any] | None]
_job_facts: dict[str, JobFactsProvider] = {}


def register_job_facts(name: str, provider: JobFactsProvider) -> None:
    _job_facts[name] = provider


def job_facts(work_order) -> dict[str, Any]:
    """Every registered provider's facts about the job; a provider answering None is left out."""
    facts = {}
    for name, provider in sorted(_job_facts.items()):
        answer = provider(work_order)
        if answer is not None:
            facts[name] = answer
    return facts


# Other apps that want to know when a kind of job is completed (HSE: a gas escape found is an incident). Called
# inside the completion transaction, after the kind's own record_completion, as listener(work_order=, actor=).
_completion_listeners: dict[str, list[Callable[..., None]]] = {}


def register_completion_listener(kind_code: str, listener: Callable[..., None]) -> None:
    listeners = _completion_listeners.setdefault(kind_code, [])
    if listener not in listeners:
        listeners.append(listener)


def completion_listeners(kind_code: str) -> list[Callable[..., None]]:
    return list(_completion_listeners.get(kind_code, []))
