from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "dispatch.servicedesk"
    label = "servicedesk"
    verbose_name = _("Service desk")

    role_permissions = {
        "admin": ["view_servicerequest", "add_servicerequest", "change_servicerequest", "view_complaint",
                  "view_callback", "view_callbackpolicy", "add_callbackpolicy", "change_callbackpolicy"],
        "manager": ["view_servicerequest", "view_complaint", "view_callback", "view_callbackpolicy",
                    "add_callbackpolicy", "change_callbackpolicy"],
        "agent": ["view_servicerequest", "add_servicerequest", "change_servicerequest"],
        "dispatcher": ["view_servicerequest", "add_servicerequest"],
    }
