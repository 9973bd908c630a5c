from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HseConfig(AppConfig):
    name = "dispatch.hse"
    label = "hse"
    verbose_name = _("Health, safety and environment")
