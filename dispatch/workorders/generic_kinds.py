"""Field jobs that need no domain records of their own: repairs, gas escapes, commissioning, pipe acceptance."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .kinds import ChecklistItem, SlaTarget, WorkOrderKind, register

HOUR = 60


class RepairCompletionSerializer(serializers.Serializer):
    fault_found = serializers.CharField(max_length=500)
    work_done = serializers.CharField(max_length=1000)
    appliance = serializers.CharField(max_length=120, required=False, allow_blank=True)


class EmergencyCompletionSerializer(serializers.Serializer):
    escape_found = serializers.BooleanField()
    controlled_at = serializers.DateTimeField(required=False, allow_null=True)
    made_safe = serializers.CharField(max_length=1000, help_text=_("What was isolated or repaired."))
    detector_reading_ppm = serializers.DecimalField(max_digits=8, decimal_places=1, required=False,
                                                    allow_null=True, min_value=0)
    supply_left_off = serializers.BooleanField(default=False)


class CommissioningCompletionSerializer(serializers.Serializer):
    tightness_test_passed = serializers.BooleanField()
    test_pressure_kpa = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    purged = serializers.BooleanField()
    appliances_lit = serializers.IntegerField(min_value=0, max_value=50)


class PipeAcceptanceCompletionSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    defects = serializers.CharField(max_length=1000, required=False, allow_blank=True)


LEAK_CHECK = ChecklistItem("leak_test_done", _("Leak test done with a detector"))
SUPPLY_RESTORED = ChecklistItem("supply_restored_safely", _("Supply restored and appliances checked"))


def register_kinds() -> None:
    register(
        WorkOrderKind(
            code="repair", label=_("Repair (appliance, indoor pipe)"), app_label="workorders",
            default_duration_minutes=60, required_skills=("repair",), default_priority="normal",
            sla={"urgent": SlaTarget(4 * HOUR, 24 * HOUR), "normal": SlaTarget(24 * HOUR, 72 * HOUR)},
            checklist=(LEAK_CHECK, SUPPLY_RESTORED),
            completion_serializer=RepairCompletionSerializer,
        ),
        WorkOrderKind(
            code="emergency", label=_("Emergency / gas escape"), app_label="workorders",
            default_duration_minutes=90, required_skills=("emergency",), default_priority="emergency",
            # DOMAIN.md: attend an uncontrolled escape within 1 hour, make safe within 12 hours.
            sla={"emergency": SlaTarget(1 * HOUR, 12 * HOUR), "urgent": SlaTarget(2 * HOUR, 12 * HOUR)},
            checklist=(LEAK_CHECK, ChecklistItem("area_ventilated", _("Area ventilated, ignition sources removed"))),
            completion_serializer=EmergencyCompletionSerializer, is_emergency=True,
        ),
        WorkOrderKind(
            code="commissioning", label=_("New-customer commissioning and purge"), app_label="workorders",
            default_duration_minutes=90, required_skills=("commissioning",), default_priority="planned",
            checklist=(LEAK_CHECK, ChecklistItem("customer_briefed", _("Customer briefed on safe use"))),
            completion_serializer=CommissioningCompletionSerializer,
        ),
        WorkOrderKind(
            code="pipe_acceptance", label=_("Indoor-pipe acceptance"), app_label="workorders",
            default_duration_minutes=60, required_skills=("pipe_rectification",), default_priority="planned",
            checklist=(LEAK_CHECK,),
            completion_serializer=PipeAcceptanceCompletionSerializer,
        ),
    )
