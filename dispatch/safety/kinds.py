"""Safety field jobs: household inspections, hazard rectification and stove-front pressure checks."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dispatch.workorders.kinds import ChecklistItem, SlaTarget, WorkOrderKind, register


class InspectionCompletionSerializer(serializers.Serializer):
    access = serializers.ChoiceField(choices=["inspected", "no_access", "refused"])
    hazards_found = serializers.IntegerField(min_value=0, max_value=100, default=0)
    stove_pressure_kpa = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False,
                                                  allow_null=True)


class RectificationCompletionSerializer(serializers.Serializer):
    rectified = serializers.BooleanField()
    work_done = serializers.CharField(max_length=1000)


class PressureCheckCompletionSerializer(serializers.Serializer):
    pressure_kpa = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=200)
    instrument_serial = serializers.CharField(max_length=40)


# CJJ 51 §3.5.1 household inspection items (DOMAIN.md).
INSPECTION_CHECKLIST = (
    ChecklistItem("facilities_intact", _("User facilities intact")),
    ChecklistItem("pipes_unaltered", _("Pipes not altered, not used as earth, no rust, nothing hung on them")),
    ChecklistItem("hose_ok", _("Hose firm, not over-long, not aged")),
    ChecklistItem("valves_work", _("Valves work")),
    ChecklistItem("appliances_ok", _("Appliances installed and used to the rules")),
    ChecklistItem("no_leak", _("No leak found with the detector")),
    ChecklistItem("meter_intact", _("Meter intact")),
    ChecklistItem("ventilation_ok", _("Ventilation and flue in order")),
)


def register_kinds() -> None:
    register(
        WorkOrderKind(code="safety_inspection", label=_("Safety inspection"), app_label="safety",
                      default_duration_minutes=30, required_skills=("inspection",), default_priority="planned",
                      checklist=INSPECTION_CHECKLIST, completion_serializer=InspectionCompletionSerializer),
        WorkOrderKind(code="hazard_rectification", label=_("Hazard rectification"), app_label="safety",
                      default_duration_minutes=60, required_skills=("pipe_rectification",),
                      default_priority="normal", sla={"urgent": SlaTarget(None, 24 * 60),
                                                      "normal": SlaTarget(None, 7 * 24 * 60)},
                      checklist=(ChecklistItem("leak_test_done", _("Leak test done with a detector")),),
                      completion_serializer=RectificationCompletionSerializer),
        WorkOrderKind(code="pressure_check", label=_("Stove-front pressure check"), app_label="safety",
                      default_duration_minutes=20, required_skills=("inspection",), default_priority="planned",
                      completion_serializer=PressureCheckCompletionSerializer),
    )
