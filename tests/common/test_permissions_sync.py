"""After every migrate each role group holds exactly the model permissions its apps declare."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from dispatch.common.permissions_sync import sync_role_permissions
from dispatch.common.roles import Role

pytestmark = pytest.mark.django_db


def declared() -> dict[str, set[tuple[str, str]]]:
    wanted: dict[str, set[tuple[str, str]]] = {role: set() for role in Role.values}
    for config in apps.get_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            wanted[role].update((config.label, codename) for codename in codenames)
    return wanted


def granted(role: str) -> set[tuple[str, str]]:
    return set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))


def test_every_declared_permission_exists():
    existing = set(Permission.objects.values_list("content_type__app_label", "codename"))

    missing = {role: pairs - existing for role, pairs in declared().items() if pairs - existing}

    assert not missing, f"role_permissions name permissions that do not exist: {missing}"


@pytest.mark.parametrize("role", sorted(Role.values))
def test_after_migrate_each_group_has_exactly_the_declared_permissions(role):
    assert granted(role) == declared()[role]


def test_the_foundation_grants_what_the_roles_need():
    assert ("common", "view_auditevent") in granted("manager")
    assert ("customers", "change_customeraccount") in granted("dispatcher")
    assert ("customers", "add_customeraccount") not in granted("dispatcher")
    assert ("org", "delete_area") in granted("admin")
    assert ("org", "delete_area") not in granted("manager")
    assert not {perm for perm in granted("technician") if perm[0] in {"common", "org", "customers"}}


def test_sync_puts_back_what_was_added_or_removed_by_hand():
    dispatcher = Group.objects.get(name="dispatcher")
    dispatcher.permissions.add(Permission.objects.get(codename="delete_area"))
    dispatcher.permissions.remove(Permission.objects.get(codename="view_area"))

    sync_role_permissions()

    assert granted("dispatcher") == declared()["dispatcher"]


def test_sync_recreates_a_deleted_group():
    Group.objects.filter(name="lab").delete()

    sync_role_permissions()

    assert granted("lab") == declared()["lab"]


def test_the_sync_runs_on_post_migrate():
    """What `migrate` sends at its end (sent directly: the test must not depend on pending migrations)."""
    Group.objects.get(name="agent").permissions.clear()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert granted("agent") == declared()["agent"]
    assert granted("agent")
