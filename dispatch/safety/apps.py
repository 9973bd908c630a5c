from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CONFIG_MODELS = ("inspectioninterval", "hazardgradepolicy", "safetypolicy", "pressurerange", "checklisttemplate",
                 "hazardtype", "pipelineendpoint")
RECORD_MODELS = ("safetyfile", "inspectionplan", "inspection", "appliance", "hazard", "hazardevent",
                 "inspectionnotice", "pressurecheck")


class SafetyConfig(AppConfig):
    name = "dispatch.safety"
    label = "safety"
    verbose_name = _("Customer safety")

    role_permissions = {
        "admin": [f"{verb}_{model}" for verb in ("view", "add", "change") for model in CONFIG_MODELS]
        + [f"view_{model}" for model in RECORD_MODELS],
        "safety_officer": [f"{verb}_{model}" for verb in ("view", "add", "change") for model in CONFIG_MODELS]
        + [f"view_{model}" for model in RECORD_MODELS],
        "manager": [f"view_{model}" for model in CONFIG_MODELS + RECORD_MODELS],
        "dispatcher": ["view_hazard", "view_inspection", "view_pressurecheck", "view_safetyfile"],
    }

    def ready(self) -> None:
        from dispatch.workorders.kinds import register_job_facts

        from .kinds import register_kinds
        from .selectors import open_hazard_facts

        register_kinds()
        register_job_facts("hazards", open_hazard_facts)
