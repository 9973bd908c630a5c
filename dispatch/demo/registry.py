"""Where later apps hook their own demo data into `manage.py seed_demo`.

An app puts a `demo_data.py` module next to its models (seed_demo imports it, as the admin does with
`admin.py`) and registers a function there:

    from dispatch.demo.registry import DemoContext, register

    @register
    def seed_work_orders(rng: random.Random, context: DemoContext) -> None:
        ...

The functions run after the base data, in the order of INSTALLED_APPS, inside the same transaction: when one
fails, nothing is kept and `seed_demo --if-empty` starts again from an empty database. Each receives its own
random generator derived from the seed and its name, so adding one app's demo data leaves the others' unchanged.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from dispatch.org.models import Area, ServiceOffice, StaffProfile


@dataclass(frozen=True)
class DemoContext:
    today: date
    offices: dict[str, "ServiceOffice"]
    areas: dict[str, "Area"]
    technicians: list["StaffProfile"]
    # The role accounts (admin, dispatcher, agent, ...) by username, e.g. to open work orders as the agent.
    users: dict[str, "User"]
    # Ids only: a large benchmark data set has too many premises to hold as model instances.
    premises_ids: list[int]


DemoHook = Callable[[random.Random, DemoContext], None]

_hooks: list[DemoHook] = []


def register(hook: DemoHook) -> DemoHook:
    """Add a demo-data function; usable as a decorator. Registering the same function twice keeps one."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def registered() -> tuple[DemoHook, ...]:
    """Every registered function, after importing each installed app's demo_data module (which registers)."""
    autodiscover_modules("demo_data")
    return tuple(_hooks)
