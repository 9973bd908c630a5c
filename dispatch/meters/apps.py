from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetersConfig(AppConfig):
    name = "dispatch.meters"
    label = "meters"
    verbose_name = _("Meters")

    def ready(self) -> None:
        from dispatch.workorders.kinds import register_job_facts

        from .kinds import register_kinds
        from .lab import tasks  # noqa: F401  (registers the lab's Celery tasks: dispatch/meters/lab/tasks.py)
        from .selectors import meter_facts

        register_kinds()
        register_job_facts("meter", meter_facts)
