from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "dispatch.org"
    label = "org"
    verbose_name = _("Organisation")

    role_permissions = {
        "admin": [f"{verb}_{model}" for verb in ("view", "add", "change", "delete")
                  for model in ("serviceoffice", "area", "skill", "staffprofile", "staffskill", "weeklyshift",
                                "shiftexception")],
        "manager": [f"{verb}_{model}" for verb in ("view", "add", "change")
                    for model in ("serviceoffice", "area", "skill", "staffprofile", "staffskill", "weeklyshift",
                                  "shiftexception")],
        "dispatcher": ["view_serviceoffice", "view_area", "view_skill", "view_staffprofile", "view_staffskill",
                       "view_weeklyshift", "view_shiftexception", "add_shiftexception", "change_shiftexception"],
        "safety_officer": ["view_serviceoffice", "view_area", "view_staffprofile"],
        "agent": ["view_serviceoffice", "view_area"],
        "lab": ["view_serviceoffice"],
    }
