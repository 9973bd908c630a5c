from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "dispatch.safety"
    label = "safety"
    verbose_name = _("Customer safety")

    def ready(self) -> None:
        from .kinds import register_kinds

        register_kinds()
