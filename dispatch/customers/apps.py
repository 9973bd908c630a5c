from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "dispatch.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)

    role_permissions = {
        "admin": [f"{verb}_{model}" for verb in ("view", "add", "change")
                  for model in ("customeraccount", "premises", "contact")],
        "manager": [f"{verb}_{model}" for verb in ("view", "add", "change")
                    for model in ("customeraccount", "premises", "contact")],
        "agent": [f"{verb}_{model}" for verb in ("view", "add", "change")
                  for model in ("customeraccount", "premises", "contact")],
        "dispatcher": [f"{verb}_{model}" for verb in ("view", "change")
                       for model in ("customeraccount", "premises", "contact")],
        "safety_officer": ["view_customeraccount", "view_premises", "view_contact"],
        "lab": ["view_customeraccount", "view_premises"],
    }
