"""Meter field jobs and what a technician records when completing them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dispatch.workorders.kinds import ChecklistItem, WorkOrderKind, register


def reading_field() -> serializers.DecimalField:
    # A new field each time: one field instance shared by two names binds to the last name only.
    return serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)


class MeterReadingCompletionSerializer(serializers.Serializer):
    meter_serial = serializers.CharField(max_length=40)
    reading_m3 = reading_field()
    reading_type = serializers.ChoiceField(choices=["actual", "customer_read", "estimated"], default="actual")
    # Sent again as true after the phone showed the failed plausibility checks and the reader confirmed the value.
    confirmed = serializers.BooleanField(default=False)


class MeterExchangeCompletionSerializer(serializers.Serializer):
    removed_serial = serializers.CharField(max_length=40)
    removed_reading_m3 = reading_field()
    installed_serial = serializers.CharField(max_length=40)
    installed_reading_m3 = reading_field()
    seal_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class MeterBoxCompletionSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(choices=["good", "rusty", "damaged", "replaced"])
    work_done = serializers.CharField(max_length=1000)


class MeterRunningCheckCompletionSerializer(serializers.Serializer):
    meter_serial = serializers.CharField(max_length=40)
    start_reading_m3 = reading_field()
    end_reading_m3 = reading_field()
    minutes_observed = serializers.IntegerField(min_value=1, max_value=240)
    runs_with_appliances_off = serializers.BooleanField()

    def validate(self, attrs):
        if attrs["end_reading_m3"] < attrs["start_reading_m3"]:
            raise serializers.ValidationError({"end_reading_m3": _("The end reading is below the start reading.")})
        return attrs


SEALS_INTACT = ChecklistItem("seals_intact", _("Meter seals intact"))
LEAK_CHECK = ChecklistItem("leak_test_done", _("Leak test done with a detector"))


def register_kinds() -> None:
    from .completion import record_exchange, record_reading
    from .lab.complaint import record_complaint_removal_verified

    register(
        WorkOrderKind(code="meter_reading", label=_("Meter reading"), app_label="meters",
                      default_duration_minutes=10, required_skills=("meter_reading",), default_priority="planned",
                      checklist=(SEALS_INTACT,), completion_serializer=MeterReadingCompletionSerializer,
                      record_completion=record_reading),
        WorkOrderKind(code="meter_replacement", label=_("Meter replacement"), app_label="meters",
                      default_duration_minutes=60, required_skills=("meter_exchange",), default_priority="planned",
                      checklist=(LEAK_CHECK, SEALS_INTACT), completion_serializer=MeterExchangeCompletionSerializer,
                      record_completion=record_exchange),
        WorkOrderKind(code="meter_complaint_removal", label=_("Meter complaint: removal for testing"),
                      app_label="meters", default_duration_minutes=60, required_skills=("meter_exchange",),
                      default_priority="normal", checklist=(LEAK_CHECK, SEALS_INTACT),
                      completion_serializer=MeterExchangeCompletionSerializer,
                      record_completion=record_complaint_removal_verified),
        WorkOrderKind(code="meter_box_maintenance", label=_("Meter-box maintenance"), app_label="meters",
                      default_duration_minutes=45, required_skills=("repair",), default_priority="planned",
                      checklist=(LEAK_CHECK,), completion_serializer=MeterBoxCompletionSerializer),
        WorkOrderKind(code="meter_running_check", label=_("In-home meter running check"), app_label="meters",
                      default_duration_minutes=40, required_skills=("meter_reading",), default_priority="normal",
                      checklist=(SEALS_INTACT,), completion_serializer=MeterRunningCheckCompletionSerializer),
    )
