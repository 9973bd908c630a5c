from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrearsConfig(AppConfig):
    name = "dispatch.arrears"
    label = "arrears"
    verbose_name = _("Arrears")

    def ready(self) -> None:
        from dispatch.workorders.kinds import register_job_facts

        from .completion import balance_facts
        from .kinds import register_kinds

        register_kinds()
        register_job_facts("balance", balance_facts)
