from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_CONFIG = ["riskmethodconfig", "hazardregister", "inspectionchecklist", "trainingrecord"]
_RECORDS = ["hazard", "hazardcontrol", "hazardrevision", "nonconformity", "nonconformityevent", "capaaction",
            "selfinspection", "inspectionfinding", "incident"]


class HseConfig(AppConfig):
    name = "dispatch.hse"
    label = "hse"
    verbose_name = _("Health, safety and environment")

    role_permissions = {
        "admin": [f"{verb}_{model}" for verb in ("view", "add", "change") for model in _CONFIG]
        + [f"view_{model}" for model in _RECORDS],
        "manager": [f"view_{model}" for model in _CONFIG + _RECORDS] + ["change_riskmethodconfig"],
        "safety_officer": [f"{verb}_{model}" for verb in ("view", "add", "change")
                           for model in ["hazardregister", "inspectionchecklist", "trainingrecord"]]
        + [f"view_{model}" for model in ["riskmethodconfig", *_RECORDS]],
    }

    def ready(self) -> None:
        from dispatch.org.competence import register_competence_check
        from dispatch.workorders.kinds import register_completion_listener

        from .competence import training_refusal
        from .services.activities import incident_from_gas_escape

        register_competence_check(training_refusal)
        register_completion_listener("emergency", incident_from_gas_escape)
