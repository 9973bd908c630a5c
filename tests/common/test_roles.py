"""Roles are the groups made by the migration; roles_of / has_role / is_department_wide answer role questions."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from dispatch.common.roles import DEPARTMENT_WIDE_ROLES, Role, has_role, is_department_wide, roles_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = {"agent", "dispatcher", "technician", "safety_officer", "lab", "manager", "admin"}


def test_the_migration_created_one_group_per_role():
    assert set(Role.values) == ROLES
    assert set(Group.objects.values_list("name", flat=True)) >= ROLES


def test_roles_of_lists_the_users_groups():
    user = UserFactory(roles=["dispatcher", "safety_officer"])
    user.groups.add(Group.objects.create(name="newsletter"))  # a group that is not a role is still listed

    assert roles_of(user) == {"dispatcher", "safety_officer", "newsletter"}


def test_roles_of_nobody_is_empty():
    assert roles_of(AnonymousUser()) == frozenset()
    assert roles_of(UserFactory()) == frozenset()


def test_superuser_counts_as_admin_without_the_group():
    root = UserFactory(is_superuser=True, is_staff=True)

    assert roles_of(root) == {"admin"}
    assert has_role(root, Role.ADMIN)
    assert not has_role(root, Role.DISPATCHER)
    assert is_department_wide(root)


@pytest.mark.parametrize("role, wide", [
    ("agent", True), ("manager", True), ("admin", True), ("lab", True),
    ("dispatcher", False), ("safety_officer", False), ("technician", False),
])
def test_department_wide_roles(role, wide):
    assert is_department_wide(UserFactory(roles=[role])) is wide
    assert (role in DEPARTMENT_WIDE_ROLES) is wide


def test_has_role_takes_any_of_several_roles_and_enum_members():
    user = UserFactory(roles=["technician"])

    assert has_role(user, Role.TECHNICIAN)
    assert has_role(user, "dispatcher", "technician")
    assert not has_role(user, Role.DISPATCHER, Role.MANAGER)
    assert not has_role(user)
    assert not has_role(AnonymousUser(), *Role.values)


def test_roles_are_read_once_per_user_object(django_assert_num_queries):
    user = UserFactory(roles=["agent"])

    with django_assert_num_queries(1):
        roles_of(user)
        roles_of(user)
        has_role(user, Role.AGENT)
        is_department_wide(user)
