"""The service desk's configurable numbers, read from settings with the DOMAIN.md seed as the default.

Override any of them in the settings module (or a site settings file):

* SERVICEDESK_COMPLAINT_HOURS: the complaint handling clock (24);
* SERVICEDESK_COMPLAINT_WARN_PERCENT: share of the clock after which the owner is warned (75);
* SERVICEDESK_CALLBACK_WINDOWS: local times customers may be called back ([("10:30", "11:30"), ("15:00", "17:30")]);
* SERVICEDESK_CALLBACK_SLOT_MINUTES: minutes set aside for one callback (5);
* SERVICEDESK_CALLBACK_DEFAULT_PERCENT: share of completed jobs called back when a kind has no policy (100);
* SERVICEDESK_DISSATISFIED_BELOW: a satisfaction under this (1–5) counts as dissatisfied (3 → 1 and 2).
"""

from datetime import time

from django.conf import settings

DEFAULT_WINDOWS = (("10:30", "11:30"), ("15:00", "17:30"))


def complaint_hours() -> int:
    return int(getattr(settings, "SERVICEDESK_COMPLAINT_HOURS", 24))


def complaint_warn_percent() -> int:
    return int(getattr(settings, "SERVICEDESK_COMPLAINT_WARN_PERCENT", 75))


def _parse(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def callback_windows() -> list[tuple[time, time]]:
    windows = getattr(settings, "SERVICEDESK_CALLBACK_WINDOWS", DEFAULT_WINDOWS)
    parsed = sorted((_parse(start), _parse(end)) for start, end in windows)
    for start, end in parsed:
        if end <= start:
            raise ValueError(f"callback window {start}–{end} ends before it starts")
    return parsed


def callback_slot_minutes() -> int:
    return max(1, int(getattr(settings, "SERVICEDESK_CALLBACK_SLOT_MINUTES", 5)))


def callback_default_percent() -> int:
    return int(getattr(settings, "SERVICEDESK_CALLBACK_DEFAULT_PERCENT", 100))


def dissatisfied_below() -> int:
    return int(getattr(settings, "SERVICEDESK_DISSATISFIED_BELOW", 3))
