"""The site's safety configuration, read from the config models (seeded from DOMAIN.md, edited in the admin)."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from dispatch.common.errors import DispatchError

from .models import ChecklistTemplate, HazardGradePolicy, InspectionInterval, PressureRange

# Used only when the site has deleted a row: the DOMAIN.md defaults.
DEFAULT_INTERVAL_MONTHS = {"residential": 24, "commercial": 12, "industrial": 12, "welfare": 12}
DEFAULT_GRADE_DAYS = {1: 0, 2: 7, 3: 30}


def interval_months() -> dict[str, int]:
    months = dict(DEFAULT_INTERVAL_MONTHS)
    months.update(InspectionInterval.objects.values_list("customer_class", "months"))
    return months


def grade_days() -> dict[int, int]:
    days = dict(DEFAULT_GRADE_DAYS)
    days.update(HazardGradePolicy.objects.values_list("grade", "rectify_within_days"))
    return days


def deadline_for(grade: int, found_on: date) -> date:
    return found_on + timedelta(days=grade_days()[grade])


def pressure_range(gas_type: str) -> PressureRange | None:
    return PressureRange.objects.filter(gas_type=gas_type).first()


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def checklist_for(customer_class: str, gas_type: str, version: int | None = None) -> ChecklistTemplate:
    """The checklist version to use: the one asked for, else the newest in use for the class and gas type."""
    templates = ChecklistTemplate.objects.filter(customer_class=customer_class, gas_type=gas_type)
    template = (templates.filter(version=version).first() if version is not None
                else templates.filter(is_active=True).order_by("-version").first())
    if template is None:
        raise DispatchError("checklist_missing", _("No inspection checklist for this customer class and gas type."),
                            fields={"data.checklist_version": [_("Unknown checklist version.")]})
    return template
