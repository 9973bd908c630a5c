"""Roles are Django groups (created by a migration); this module names them and answers role questions."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Hotline agent")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TECHNICIAN = "technician", _("Technician")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    LAB = "lab", _("Metrology lab")
    MANAGER = "manager", _("Department head")
    ADMIN = "admin", _("Administrator")


# Roles that see every office's records; others are limited to their offices or their own jobs.
DEPARTMENT_WIDE_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN, Role.LAB})


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_dispatch_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        user._dispatch_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_department_wide(user) -> bool:
    return bool(roles_of(user) & DEPARTMENT_WIDE_ROLES)
