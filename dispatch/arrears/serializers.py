from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dispatch.customers.models import CustomerAccount

from .models import (
    Bill,
    Dispute,
    DunningEvent,
    DunningPolicy,
    DunningStep,
    LateFee,
    Payment,
    PaymentPlan,
    PromiseToPay,
)


class AccountSerializer(serializers.ModelSerializer):
    step = serializers.SerializerMethodField()
    supply_suspended = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()

    class Meta:
        model = CustomerAccount
        fields = ["id", "account_no", "name", "customer_class", "is_vulnerable", "step", "supply_suspended",
                  "position"]

    def _case(self, account):
        return getattr(account, "dunning_case", None) if CustomerAccount.dunning_case.is_cached(account) else None

    def get_step(self, account) -> str:
        case = self._case(account)
        return case.step if case else DunningStep.NONE

    def get_supply_suspended(self, account) -> bool:
        case = self._case(account)
        return bool(case and case.supply_suspended)

    def get_position(self, account) -> dict | None:
        position = self.context.get("positions", {}).get(account.pk)
        return position.as_dict() if position else None


class BillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bill
        fields = ["id", "reference", "period", "amount", "due_date", "issued_at"]


class LateFeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LateFee
        fields = ["id", "accrued_on", "amount", "base_amount", "per_mille", "rule"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "reference", "amount", "paid_at", "method", "source", "receipt_no", "work_order"]


class DunningEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = DunningEvent
        fields = ["id", "at", "actor", "type", "from_step", "to_step", "reason", "data"]


class PolicySerializer(serializers.ModelSerializer):
    winter_months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12),
                                          max_length=12, allow_empty=True)

    class Meta:
        model = DunningPolicy
        fields = ["id", "customer_class", "enabled", "reminder_after_days", "notice_after_days", "visit_after_days",
                  "suspension_notice_after_days", "suspension_after_days", "minimum_amount", "late_fee_per_mille",
                  "late_fee_grace_days", "winter_months", "protect_vulnerable_in_winter",
                  "protect_everyone_in_winter", "protect_medically_dependent", "updated_at"]
        read_only_fields = ["customer_class", "updated_at"]


class PaymentPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentPlan
        fields = ["id", "account", "total", "instalments", "first_due", "status", "notes", "created_at"]
        read_only_fields = ["status", "created_at"]


class PlanStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[PaymentPlan.Status.COMPLETED, PaymentPlan.Status.BROKEN,
                                              PaymentPlan.Status.CANCELLED])


class DisputeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispute
        fields = ["id", "account", "reason", "status", "work_order", "resolved_at", "resolution", "created_at"]
        read_only_fields = ["status", "work_order", "resolved_at", "resolution", "created_at"]


class DisputeResolveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Dispute.Status.UPHELD, Dispute.Status.REJECTED])
    resolution = serializers.CharField(max_length=500)


class PromiseSerializer(serializers.ModelSerializer):
    class Meta:
        model = PromiseToPay
        fields = ["id", "account", "promised_date", "amount", "work_order", "created_at"]
        read_only_fields = ["work_order", "created_at"]


class BillRowSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=60)
    account_no = serializers.CharField(max_length=30)
    period = serializers.CharField(max_length=7, help_text=_("YYYY-MM"))
    amount = serializers.CharField(max_length=20)
    due_date = serializers.CharField(max_length=10)
    issued_at = serializers.CharField(max_length=40)


class PaymentRowSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=60)
    account_no = serializers.CharField(max_length=30)
    amount = serializers.CharField(max_length=20)
    paid_at = serializers.CharField(max_length=40)
    method = serializers.CharField(max_length=20, required=False)
    receipt_no = serializers.CharField(max_length=40, required=False)


class LedgerRowsSerializer(serializers.Serializer):
    """Rows as the billing system sends them; each is checked on its own and reported."""

    rows = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=5000)


class LedgerUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV, UTF-8, with a header line."))


class LedgerImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.DictField())


class MonthQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text=_("YYYY-MM"))
    output = serializers.ChoiceField(choices=["pdf", "xlsx"], default="pdf")


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class NoticeQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["written", "suspension"], default="written")
