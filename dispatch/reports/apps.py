from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dispatch.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from dispatch.meters.lab.complaint import register_complaint_result_listener

        from .feeds import meter_complaint_findings

        register_complaint_result_listener(meter_complaint_findings)
