from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "dispatch.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .permissions_sync import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="dispatch.sync_role_permissions")

    role_permissions = {"admin": ["view_auditevent"], "manager": ["view_auditevent"]}
