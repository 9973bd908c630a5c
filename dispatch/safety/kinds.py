"""Safety field jobs: household inspections, hazard rectification and stove-front pressure checks."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dispatch.workorders.kinds import ChecklistItem, SlaTarget, WorkOrderKind, register


class HazardInputSerializer(serializers.Serializer):
    """A hazard found on the visit; grade 1 needs the make-safe record (isolated + consent, or refusal)."""

    type = serializers.SlugField(max_length=40, label=_("Hazard type"))
    grade = serializers.ChoiceField(choices=[1, 2, 3], required=False, label=_("Grade"))
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, label=_("Description"))
    checklist_key = serializers.CharField(max_length=40, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=20)
    isolated = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                     label=_("What was isolated"))
    customer_consented = serializers.BooleanField(required=False, allow_null=True, default=None,
                                                  label=_("Customer consented"))


class ApplianceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["stove", "water_heater", "wall_heater", "other"])
    brand = serializers.CharField(max_length=60, required=False, allow_blank=True)
    installed_year = serializers.IntegerField(min_value=1950, max_value=2100, required=False, allow_null=True)
    has_flame_failure_device = serializers.BooleanField(required=False, allow_null=True, default=None)
    flue = serializers.ChoiceField(choices=["", "none", "flued", "balanced", "direct"], required=False)
    room = serializers.CharField(max_length=40, required=False, allow_blank=True)


class InspectionCompletionSerializer(serializers.Serializer):
    access = serializers.ChoiceField(choices=["inspected", "no_access", "refused"], label=_("Access"))
    card_left = serializers.BooleanField(default=False, label=_("No-access card left"))
    hazards_found = serializers.IntegerField(min_value=0, max_value=100, default=0)
    stove_pressure_kpa = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False,
                                                  allow_null=True, label=_("Stove-front pressure (kPa)"))
    leak_detector_reading = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False,
                                                     allow_null=True, label=_("Leak detector reading (%LEL)"))
    checklist_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    answers = serializers.DictField(required=False, label=_("Answers to the checklist version"))
    hazards = HazardInputSerializer(many=True, required=False)
    appliances = ApplianceInputSerializer(many=True, required=False)


class RectificationCompletionSerializer(serializers.Serializer):
    rectified = serializers.BooleanField()
    work_done = serializers.CharField(max_length=1000)


class PressureCheckCompletionSerializer(serializers.Serializer):
    pressure_kpa = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=200)
    instrument_serial = serializers.CharField(max_length=40)


# CJJ 51 §3.5.1 household inspection items (DOMAIN.md): the seed of every checklist version (migration 0002).
# Optional here because a visit without access answers none of them; the checklist version in use says which
# are required when the premises is inspected.
INSPECTION_CHECKLIST = (
    ChecklistItem("facilities_intact", _("User facilities intact"), required=False),
    ChecklistItem("pipes_unaltered", _("Pipes not altered, not used as earth, no rust, nothing hung on them"),
                  required=False),
    ChecklistItem("hose_ok", _("Hose firm, not over-long, not aged"), required=False),
    ChecklistItem("valves_work", _("Valves work"), required=False),
    ChecklistItem("appliances_ok", _("Appliances installed and used to the rules"), required=False),
    ChecklistItem("no_leak", _("No leak found with the detector"), required=False),
    ChecklistItem("meter_intact", _("Meter intact"), required=False),
    ChecklistItem("ventilation_ok", _("Ventilation and flue in order"), required=False),
)


def _record_inspection(**kwargs):
    from .completion import record_inspection

    return record_inspection(**kwargs)


def _record_rectification(**kwargs):
    from .completion import record_rectification

    return record_rectification(**kwargs)


def _record_pressure_check(**kwargs):
    from .completion import record_pressure_check

    return record_pressure_check(**kwargs)


def register_kinds() -> None:
    register(
        WorkOrderKind(code="safety_inspection", label=_("Safety inspection"), app_label="safety",
                      default_duration_minutes=30, required_skills=("inspection",), default_priority="planned",
                      checklist=INSPECTION_CHECKLIST, completion_serializer=InspectionCompletionSerializer,
                      record_completion=_record_inspection),
        WorkOrderKind(code="hazard_rectification", label=_("Hazard rectification"), app_label="safety",
                      default_duration_minutes=60, required_skills=("pipe_rectification",),
                      default_priority="normal", sla={"urgent": SlaTarget(None, 24 * 60),
                                                      "normal": SlaTarget(None, 7 * 24 * 60)},
                      checklist=(ChecklistItem("leak_test_done", _("Leak test done with a detector")),),
                      completion_serializer=RectificationCompletionSerializer,
                      record_completion=_record_rectification),
        WorkOrderKind(code="pressure_check", label=_("Stove-front pressure check"), app_label="safety",
                      default_duration_minutes=20, required_skills=("inspection",), default_priority="planned",
                      completion_serializer=PressureCheckCompletionSerializer,
                      record_completion=_record_pressure_check),
    )
