"""Grants each role group the model permissions the apps declare.

An app declares `role_permissions = {"dispatcher": ["view_area", ...]}` on its AppConfig; after every
migrate, the groups get exactly those permissions (so a new model's rights arrive with its migration).
"""

from django.apps import apps as global_apps

from .roles import Role


def sync_role_permissions(sender=None, using="default", apps=global_apps, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    wanted: dict[str, set[tuple[str, str]]] = {role: set() for role in Role.values}
    for config in global_apps.get_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            wanted[role].update((config.label, codename) for codename in codenames)
    for role, pairs in wanted.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        permissions = [
            permission
            for permission in Permission.objects.using(using).select_related("content_type").filter(
                content_type__app_label__in={label for label, _codename in pairs})
            if (permission.content_type.app_label, permission.codename) in pairs
        ]
        group.permissions.set(permissions)
