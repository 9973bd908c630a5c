"""Arrears field jobs: a visit at the door, suspending supply, and restoring it after payment."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dispatch.workorders.kinds import ChecklistItem, SlaTarget, WorkOrderKind, register

from .models import PaymentMethod


class ArrearsVisitCompletionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[("paid", _("Paid")), ("promise_to_pay", _("Promise to pay")),
                                               ("dispute", _("Dispute")), ("no_access", _("No access")),
                                               ("refused", _("Refused to pay"))], label=_("Outcome"))
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                           allow_null=True, label=_("Amount paid"))
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False, default="cash",
                                             label=_("Payment method"))
    receipt_no = serializers.CharField(max_length=40, required=False, allow_blank=True, label=_("Receipt number"))
    promised_date = serializers.DateField(required=False, allow_null=True, label=_("Promised date"))
    promised_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                               allow_null=True, label=_("Promised amount"))
    dispute_reason = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                           label=_("What the customer disputes"))

    def validate(self, attrs):
        if attrs["outcome"] == "paid" and not (attrs.get("amount_paid") and attrs.get("receipt_no")):
            raise serializers.ValidationError({"amount_paid": _("A payment needs the amount and the receipt number.")})
        if attrs["outcome"] == "promise_to_pay" and not attrs.get("promised_date"):
            raise serializers.ValidationError({"promised_date": _("Give the date the customer promised to pay.")})
        if attrs["outcome"] == "dispute" and not (attrs.get("dispute_reason") or "").strip():
            raise serializers.ValidationError({"dispute_reason": _("Say what the customer disputes.")})
        return attrs


class SuspensionCompletionSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=[("valve_locked", _("Valve locked")), ("meter_capped", _("Meter capped")),
                                              ("card_blocked", _("Prepayment card blocked"))],
                                     label=_("How supply was made safe"))
    seal_number = serializers.CharField(max_length=40, label=_("Seal number"))


class ReconnectionCompletionSerializer(serializers.Serializer):
    appliances_relit = serializers.IntegerField(min_value=0, max_value=50, label=_("Appliances relit"))
    safety_check_passed = serializers.BooleanField(label=_("Safety check passed"))

    def validate_safety_check_passed(self, value):
        if not value:
            raise serializers.ValidationError(_("Supply is restored only after a passed safety check; otherwise "
                                                "record the job as unable (unsafe) and leave the supply off."))
        return value


def register_kinds() -> None:
    from .completion import check_suspension_allowed, record_reconnection, record_suspension, record_visit

    register(
        WorkOrderKind(code="arrears_visit", label=_("Arrears visit"), app_label="arrears",
                      default_duration_minutes=15, required_skills=("arrears",), default_priority="planned",
                      completion_serializer=ArrearsVisitCompletionSerializer, record_completion=record_visit),
        WorkOrderKind(code="supply_suspension", label=_("Supply suspension"), app_label="arrears",
                      default_duration_minutes=30, required_skills=("arrears",), default_priority="planned",
                      checklist=(ChecklistItem("supply_made_safe", _("Supply made safe and labelled")),),
                      completion_serializer=SuspensionCompletionSerializer, record_completion=record_suspension,
                      check_creation=check_suspension_allowed),
        WorkOrderKind(code="reconnection", label=_("Reconnection"), app_label="arrears",
                      default_duration_minutes=40, required_skills=("repair",), default_priority="urgent",
                      # DOMAIN.md: restore supply within 24 hours of payment.
                      sla={"urgent": SlaTarget(None, 24 * 60), "normal": SlaTarget(None, 24 * 60)},
                      checklist=(ChecklistItem("leak_test_done", _("Leak test done with a detector")),),
                      completion_serializer=ReconnectionCompletionSerializer,
                      record_completion=record_reconnection),
    )
