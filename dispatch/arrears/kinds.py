"""Arrears field jobs: a visit at the door, suspending supply, and restoring it after payment."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dispatch.workorders.kinds import ChecklistItem, SlaTarget, WorkOrderKind, register


class ArrearsVisitCompletionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["paid", "promise_to_pay", "dispute", "no_access", "refused"])
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                           allow_null=True)
    receipt_no = serializers.CharField(max_length=40, required=False, allow_blank=True)
    promised_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        if attrs["outcome"] == "paid" and not (attrs.get("amount_paid") and attrs.get("receipt_no")):
            raise serializers.ValidationError({"amount_paid": _("A payment needs the amount and the receipt number.")})
        if attrs["outcome"] == "promise_to_pay" and not attrs.get("promised_date"):
            raise serializers.ValidationError({"promised_date": _("Give the date the customer promised to pay.")})
        return attrs


class SuspensionCompletionSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["valve_locked", "meter_capped", "card_blocked"])
    seal_number = serializers.CharField(max_length=40)


class ReconnectionCompletionSerializer(serializers.Serializer):
    appliances_relit = serializers.IntegerField(min_value=0, max_value=50)
    safety_check_passed = serializers.BooleanField()


def register_kinds() -> None:
    register(
        WorkOrderKind(code="arrears_visit", label=_("Arrears visit"), app_label="arrears",
                      default_duration_minutes=15, required_skills=("arrears",), default_priority="planned",
                      completion_serializer=ArrearsVisitCompletionSerializer),
        WorkOrderKind(code="supply_suspension", label=_("Supply suspension"), app_label="arrears",
                      default_duration_minutes=30, required_skills=("arrears",), default_priority="planned",
                      checklist=(ChecklistItem("supply_made_safe", _("Supply made safe and labelled")),),
                      completion_serializer=SuspensionCompletionSerializer),
        WorkOrderKind(code="reconnection", label=_("Reconnection"), app_label="arrears",
                      default_duration_minutes=40, required_skills=("repair",), default_priority="urgent",
                      # DOMAIN.md: restore supply within 24 hours of payment.
                      sla={"urgent": SlaTarget(None, 24 * 60), "normal": SlaTarget(None, 24 * 60)},
                      checklist=(ChecklistItem("leak_test_done", _("Leak test done with a detector")),),
                      completion_serializer=ReconnectionCompletionSerializer),
    )
