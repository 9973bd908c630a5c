"""The arrears ledger (bills, late fees, payments), the dunning policy per customer class and each account's
dunning case with its append-only events; payment plans, disputes and promises to pay.

The balance is never stored: it is the sum of bills and late fees less payments, read from the ledger.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import AppendOnlyModel, TimeStampedModel
from dispatch.customers.models import CustomerAccount, CustomerClass

MONEY = {"max_digits": 12, "decimal_places": 2}
WINTER_MONTHS = [10, 11, 12, 1, 2, 3]


def default_winter_months() -> list[int]:
    return list(WINTER_MONTHS)


class LedgerSource(models.TextChoices):
    BILLING = "billing", _("Billing system")
    FIELD = "field", _("Taken in the field")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    OTHER = "other", _("Other")


class Bill(TimeStampedModel):
    """A bill issued by the billing system, imported as it is (never computed here)."""

    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                related_name="bills")
    reference = models.CharField(_("bill reference"), max_length=60, unique=True)
    period = models.DateField(_("billing period (first day of the month)"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    due_date = models.DateField(_("due date"), db_index=True)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["account", "due_date"], name="arrears_bill_account_due")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class Payment(TimeStampedModel):
    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                related_name="payments")
    reference = models.CharField(_("payment reference"), max_length=60, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    paid_at = models.DateTimeField(_("paid at"), db_index=True)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.OTHER)
    source = models.CharField(_("source"), max_length=10, choices=LedgerSource.choices, default=LedgerSource.BILLING)
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    # The arrears visit at which a technician took the payment (kept as an id: work orders sit below us).
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_at", "id"]
        indexes = [models.Index(fields=["account", "paid_at"], name="arrears_payment_account_at")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class LateFee(models.Model):
    """One day's late fee on the account's overdue bills, accrued by the daily dunning run under its policy rule."""

    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                related_name="late_fees")
    accrued_on = models.DateField(_("accrued on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    base_amount = models.DecimalField(_("overdue bills the fee is charged on"), **MONEY)
    per_mille = models.DecimalField(_("rate (‰ a day)"), max_digits=5, decimal_places=2)
    rule = models.CharField(_("rule"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("late fee")
        verbose_name_plural = _("late fees")
        ordering = ["accrued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["account", "accrued_on"], name="one_late_fee_per_day")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.accrued_on} {self.amount}"


class DunningStep(models.TextChoices):
    NONE = "none", _("No arrears action")
    REMINDER = "reminder", _("Reminder")
    WRITTEN_NOTICE = "written_notice", _("Written notice")
    FIELD_VISIT = "field_visit", _("Field visit")
    SUSPENSION_NOTICE = "suspension_notice", _("Suspension notice")
    SUSPENSION = "suspension", _("Suspension")


class DunningPolicy(TimeStampedModel):
    """How arrears are chased for one customer class. Every number is a configurable default (DOMAIN.md)."""

    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices, unique=True)
    enabled = models.BooleanField(_("dunning enabled"), default=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("reminder: days after the due date"), default=7)
    notice_after_days = models.PositiveSmallIntegerField(_("written notice: days after the reminder"), default=14)
    visit_after_days = models.PositiveSmallIntegerField(_("field visit: days after the written notice"), default=14)
    suspension_notice_after_days = models.PositiveSmallIntegerField(
        _("suspension notice: days after the field visit"), default=25,
        help_text=_("With the defaults, about two months unpaid before the suspension notice (DOMAIN.md)."))
    suspension_after_days = models.PositiveSmallIntegerField(
        _("suspension: days after the suspension notice"), default=3,
        help_text=_("DOMAIN.md: three days' written notice before supply is suspended."))
    minimum_amount = models.DecimalField(_("minimum arrears to act on"), **MONEY, default=Decimal("50.00"))
    late_fee_per_mille = models.DecimalField(
        _("late fee (‰ of the overdue bills a day)"), max_digits=5, decimal_places=2, default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("DOMAIN.md: up to 3 ‰ a day for residential customers. 0 charges no late fee."))
    late_fee_grace_days = models.PositiveSmallIntegerField(_("late fee from days after the due date"), default=0)
    winter_months = models.JSONField(_("winter months"), default=default_winter_months,
                                     help_text=_("Month numbers (1–12); default October to March."))
    protect_vulnerable_in_winter = models.BooleanField(
        _("no suspension of vulnerable customers in winter"), default=True)
    protect_everyone_in_winter = models.BooleanField(_("no suspension of anyone in winter"), default=False)
    protect_medically_dependent = models.BooleanField(
        _("never suspend customers medically dependent on supply"), default=True)
    require_plan_offer = models.BooleanField(
        _("offer a payment plan before suspension"), default=True,
        help_text=_("Supply is not suspended until a payment plan was offered (accepted or declined)."))

    class Meta:
        verbose_name = _("dunning policy")
        verbose_name_plural = _("dunning policies")
        ordering = ["customer_class"]

    def __str__(self) -> str:
        return str(self.get_customer_class_display())

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        months = self.winter_months
        if not isinstance(months, list) or not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
            raise ValidationError({"winter_months": _("Give a list of month numbers from 1 to 12.")})


class DunningCase(TimeStampedModel):
    """Where an account stands in the dunning steps, and whether its supply is suspended."""

    account = models.OneToOneField(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                   related_name="dunning_case")
    step = models.CharField(_("step"), max_length=20, choices=DunningStep.choices, default=DunningStep.NONE)
    step_since = models.DateField(_("at this step since"), null=True, blank=True)
    supply_suspended = models.BooleanField(_("supply suspended"), default=False)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    hold_reason = models.CharField(_("held because"), max_length=40, blank=True)
    last_run_on = models.DateField(_("last dunning run"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("dunning case")
        verbose_name_plural = _("dunning cases")
        ordering = ["account__account_no"]

    def __str__(self) -> str:
        return f"{self.account} {self.get_step_display()}"


class DunningEvent(AppendOnlyModel):
    class Type(models.TextChoices):
        STEP = "step", _("Step changed")
        HELD = "held", _("Held by a protection")
        SUPPLY = "supply", _("Supply changed")
        NOTE = "note", _("Note")

    case = models.ForeignKey(DunningCase, verbose_name=_("dunning case"), on_delete=models.CASCADE,
                             related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    from_step = models.CharField(_("from"), max_length=20, blank=True)
    to_step = models.CharField(_("to"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dunning event")
        verbose_name_plural = _("dunning events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type} {self.from_step}→{self.to_step}"


class DunningRun(models.Model):
    """One daily run: done once per day whatever the number of times beat or an admin starts it."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dunning run")
        verbose_name_plural = _("dunning runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class PaymentPlan(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Offered, declined by the customer")

    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                related_name="payment_plans")
    total = models.DecimalField(_("amount covered"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    instalments = models.PositiveSmallIntegerField(_("instalments"), validators=[MinValueValidator(1)])
    first_due = models.DateField(_("first instalment due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account} {self.total}/{self.instalments}"


class Dispute(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld (bill corrected by billing)")
        REJECTED = "rejected", _("Rejected")

    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                related_name="disputes")
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("raised at visit"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account} {self.get_status_display()}"


class PromiseToPay(TimeStampedModel):
    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                related_name="promises_to_pay")
    promised_date = models.DateField(_("promised date"))
    amount = models.DecimalField(_("promised amount"), **MONEY, null=True, blank=True)
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("made at visit"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account} {self.promised_date}"


class MonthlyReport(TimeStampedModel):
    """The monthly arrears report, produced on the report day (the 28th) by the daily run and kept."""

    month = models.DateField(_("month"), unique=True)
    as_of = models.DateField(_("figures as of"))
    pdf = models.FileField(_("PDF"), upload_to="arrears/reports/", max_length=200)
    xlsx = models.FileField(_("workbook"), upload_to="arrears/reports/", max_length=200)

    class Meta:
        verbose_name = _("monthly arrears report")
        verbose_name_plural = _("monthly arrears reports")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
