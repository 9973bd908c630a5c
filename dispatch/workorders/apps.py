from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkOrdersConfig(AppConfig):
    name = "dispatch.workorders"
    label = "workorders"
    verbose_name = _("Work orders")

    role_permissions = {
        "admin": [f"{verb}_{model}" for verb in ("view", "add", "change")
                  for model in ("workorder", "slapolicy")] + ["view_workorderevent", "view_notification"],
        "manager": ["view_workorder", "view_workorderevent", "view_slapolicy", "change_slapolicy", "add_slapolicy"],
        "dispatcher": ["view_workorder", "add_workorder", "change_workorder", "view_workorderevent",
                       "view_slapolicy"],
        "agent": ["view_workorder", "add_workorder"],
        "safety_officer": ["view_workorder", "add_workorder", "view_workorderevent"],
    }

    def ready(self) -> None:
        from . import generic_kinds

        generic_kinds.register_kinds()
