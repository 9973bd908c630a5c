"""Admin: dunning policies are edited here; the ledger, cases and their events are read-only (the ledger comes
from the billing system, steps move only through the dunning services)."""

from django.contrib import admin

from dispatch.common.admin import ReadOnlyAdmin

from .models import (
    Bill,
    Dispute,
    DunningCase,
    DunningEvent,
    DunningPolicy,
    DunningRun,
    LateFee,
    MonthlyReport,
    Payment,
    PaymentPlan,
    PromiseToPay,
)


@admin.register(DunningPolicy)
class DunningPolicyAdmin(admin.ModelAdmin):
    list_display = ["customer_class", "enabled", "reminder_after_days", "notice_after_days", "visit_after_days",
                    "suspension_notice_after_days", "suspension_after_days", "minimum_amount", "late_fee_per_mille"]

    def save_model(self, request, obj, form, change):
        # Through the service: audited with what changed.
        from . import services

        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        target = DunningPolicy.objects.get(pk=obj.pk) if change else DunningPolicy(customer_class=obj.customer_class)
        saved = services.policy_save(actor=request.user, policy=target, changes=changes)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False



@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["reference", "account", "period", "amount", "due_date", "issued_at"]
    search_fields = ["reference", "account__account_no"]
    list_select_related = ["account"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "account", "amount", "paid_at", "method", "source", "receipt_no"]
    list_filter = ["source", "method"]
    search_fields = ["reference", "receipt_no", "account__account_no"]
    list_select_related = ["account"]


@admin.register(LateFee)
class LateFeeAdmin(ReadOnlyAdmin):
    list_display = ["account", "accrued_on", "amount", "rule"]
    search_fields = ["account__account_no"]
    list_select_related = ["account"]


class DunningEventInline(admin.TabularInline):
    model = DunningEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "type", "from_step", "to_step", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DunningCase)
class DunningCaseAdmin(ReadOnlyAdmin):
    list_display = ["account", "step", "step_since", "supply_suspended", "hold_reason", "last_run_on"]
    list_filter = ["step", "supply_suspended"]
    search_fields = ["account__account_no", "account__name"]
    list_select_related = ["account"]
    inlines = [DunningEventInline]


@admin.register(DunningRun)
class DunningRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "started_at", "finished_at"]


@admin.register(PaymentPlan)
class PaymentPlanAdmin(ReadOnlyAdmin):
    list_display = ["account", "total", "instalments", "first_due", "status"]
    list_filter = ["status"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["account", "status", "reason", "created_at"]
    list_filter = ["status"]


@admin.register(PromiseToPay)
class PromiseToPayAdmin(ReadOnlyAdmin):
    list_display = ["account", "promised_date", "amount", "created_at"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "as_of", "pdf", "xlsx"]
