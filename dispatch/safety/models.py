"""Customer safety: inspection programmes, checklists, hazard files, rectification, no access, pressure checks.

Configuration (intervals, grade deadlines, pressure ranges, checklist versions, hazard types, the no-access limit)
is data edited in the admin, seeded by migrations from DOMAIN.md; nothing of it is a constant in code.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import AppendOnlyModel, TimeStampedModel
from dispatch.customers.models import CustomerClass, GasType, Premises
from dispatch.org.models import Area
from dispatch.workorders.models import WorkOrder, WorkOrderAttachment


class InspectionInterval(models.Model):
    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices,
                                      unique=True)
    months = models.PositiveSmallIntegerField(
        _("inspect every (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Non-residential customers at least every 12 months (CJJ 51 §3.5.1). Residential: 24 months "
                    "is unconfirmed; many cities require a yearly inspection."))

    class Meta:
        verbose_name = _("inspection interval")
        verbose_name_plural = _("inspection intervals")
        ordering = ["customer_class"]

    def __str__(self) -> str:
        return f"{self.get_customer_class_display()}: {self.months}"


class HazardGrade(models.IntegerChoices):
    VERY_SERIOUS = 1, _("Grade 1: very serious (make safe at once)")
    SERIOUS = 2, _("Grade 2: serious")
    GENERAL = 3, _("Grade 3: general")


class HazardGradePolicy(models.Model):
    grade = models.PositiveSmallIntegerField(_("grade"), choices=HazardGrade.choices, unique=True)
    rectify_within_days = models.PositiveSmallIntegerField(
        _("rectify within (days)"), help_text=_("0 means the same day."))

    class Meta:
        verbose_name = _("hazard grade deadline")
        verbose_name_plural = _("hazard grade deadlines")
        ordering = ["grade"]

    def __str__(self) -> str:
        return f"{self.grade}: {self.rectify_within_days}"


class SafetyPolicy(models.Model):
    """The site's safety settings (one row)."""

    no_access_attempts = models.PositiveSmallIntegerField(
        _("no-access attempts before escalation"), default=3, validators=[MinValueValidator(1)],
        help_text=_("After this many visits without access the premises goes onto the safety officer's list."))
    inspection_capacity_percent = models.PositiveSmallIntegerField(
        _("share of technician capacity for planned inspections (%)"), default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    notice_days_before = models.PositiveSmallIntegerField(_("notify customers (days before the visit)"), default=7)
    pressure_samples_per_area = models.PositiveSmallIntegerField(
        _("daily stove-front pressure samples per area"), default=2)

    class Meta:
        verbose_name = _("safety settings")
        verbose_name_plural = _("safety settings")

    def __str__(self) -> str:
        return str(_("Safety settings"))

    @classmethod
    def current(cls) -> "SafetyPolicy":
        return cls.objects.order_by("pk").first() or cls()


class PressureRange(models.Model):
    gas_type = models.CharField(_("gas type"), max_length=5, choices=GasType.choices, unique=True)
    rated_kpa = models.DecimalField(_("rated pressure Pn (kPa)"), max_digits=5, decimal_places=2,
                                    help_text=_("LPG 2.8 kPa is unconfirmed."))
    min_kpa = models.DecimalField(_("accept from (kPa)"), max_digits=5, decimal_places=2,
                                  help_text=_("0.75 × Pn by default."))
    max_kpa = models.DecimalField(_("accept up to (kPa)"), max_digits=5, decimal_places=2,
                                  help_text=_("1.5 × Pn by default."))

    class Meta:
        verbose_name = _("stove-front pressure range")
        verbose_name_plural = _("stove-front pressure ranges")
        ordering = ["gas_type"]

    def __str__(self) -> str:
        return f"{self.get_gas_type_display()} {self.min_kpa}–{self.max_kpa} kPa"

    def accepts(self, value: Decimal) -> bool:
        return self.min_kpa <= value <= self.max_kpa


class ChecklistTemplate(models.Model):
    """One version of the inspection checklist for a customer class and gas type.

    `items` is a list of {"key", "label", "answer": yes_no|number|text|choice, "choices", "required",
    "hazard_type": code raised when a yes_no item is answered no, "section"}. A new version is a new row; an
    inspection keeps the row it was done with, so editing the checklist never rewrites history.
    """

    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices)
    gas_type = models.CharField(_("gas type"), max_length=5, choices=GasType.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    items = models.JSONField(_("items"), default=list)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["customer_class", "gas_type", "-version"]
        constraints = [models.UniqueConstraint(fields=["customer_class", "gas_type", "version"],
                                               name="one_checklist_version")]

    def __str__(self) -> str:
        return f"{self.get_customer_class_display()} / {self.get_gas_type_display()} v{self.version}"


class HazardType(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    default_grade = models.PositiveSmallIntegerField(_("default grade"), choices=HazardGrade.choices)
    customer_must_act = models.BooleanField(
        _("the customer must act"), default=False,
        help_text=_("The customer rectifies (e.g. buys a new stove): a notice instead of a rectification order."))
    is_theft = models.BooleanField(_("gas theft"), default=False,
                                   help_text=_("Gas theft is recorded apart from safety hazards."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("hazard type")
        verbose_name_plural = _("hazard types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SafetyFile(TimeStampedModel):
    """The premises' safety state: when last inspected, and the run of visits without access."""

    premises = models.OneToOneField(Premises, verbose_name=_("premises"), on_delete=models.CASCADE,
                                    related_name="safety_file")
    last_inspected_on = models.DateField(_("last inspected on"), null=True, blank=True)
    no_access_attempts = models.PositiveSmallIntegerField(_("visits without access since"), default=0)
    last_no_access_at = models.DateTimeField(_("last visit without access"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("on the escalation list since"), null=True, blank=True)

    class Meta:
        verbose_name = _("safety file")
        verbose_name_plural = _("safety files")
        indexes = [models.Index(fields=["escalated_at"], name="safety_escalated_idx",
                                condition=models.Q(escalated_at__isnull=False))]

    def __str__(self) -> str:
        return str(self.premises)


class InspectionPlan(models.Model):
    """The annual inspection plan of an area (generated once per area and year)."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    orders_created = models.PositiveIntegerField(_("inspections planned"), default=0)
    monthly = models.JSONField(_("per month"), default=dict, blank=True)
    capacity = models.JSONField(_("capacity per month"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "area"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="one_plan_per_area_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"


class Outcome(models.TextChoices):
    INSPECTED = "inspected", _("Inspected")
    NO_ACCESS = "no_access", _("No access")
    REFUSED = "refused", _("Customer refused the inspection")


class Inspection(models.Model):
    """What a completed safety-inspection visit found, with the checklist version it was done with."""

    work_order = models.OneToOneField(WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT,
                                      related_name="safety_inspection")
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), on_delete=models.PROTECT,
                                 related_name="safety_inspections")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    inspected_at = models.DateTimeField(_("visited at"))
    technician = models.ForeignKey("org.StaffProfile", verbose_name=_("technician"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    checklist = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist version"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="inspections")
    checklist_version = models.PositiveSmallIntegerField(_("checklist version"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    leak_detector_reading = models.DecimalField(_("leak detector reading (%LEL)"), max_digits=6, decimal_places=2,
                                                null=True, blank=True)
    stove_pressure_kpa = models.DecimalField(_("stove-front pressure (kPa)"), max_digits=5, decimal_places=2,
                                             null=True, blank=True)
    pressure_in_range = models.BooleanField(_("pressure in range"), null=True)
    card_left = models.BooleanField(_("no-access card left"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at"]
        indexes = [models.Index(fields=["premises", "inspected_at"], name="safety_insp_premises_idx")]

    def __str__(self) -> str:
        return f"{self.premises_id} {self.inspected_at:%Y-%m-%d} {self.outcome}"


class Appliance(TimeStampedModel):
    """A gas appliance seen at the premises (its age, flame-failure device, flue, room)."""

    class Kind(models.TextChoices):
        STOVE = "stove", _("Stove / hob")
        WATER_HEATER = "water_heater", _("Water heater")
        WALL_HEATER = "wall_heater", _("Wall-hung heating boiler")
        OTHER = "other", _("Other")

    class Flue(models.TextChoices):
        NONE = "none", _("No flue")
        FLUED = "flued", _("Flue taken outside")
        BALANCED = "balanced", _("Balanced flue (room-sealed)")
        DIRECT = "direct", _("Direct exhaust")

    premises = models.ForeignKey(Premises, verbose_name=_("premises"), on_delete=models.CASCADE,
                                 related_name="gas_appliances")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    installed_year = models.PositiveSmallIntegerField(_("installed in (year)"), null=True, blank=True)
    has_flame_failure_device = models.BooleanField(_("flame-failure device"), null=True)
    flue = models.CharField(_("flue"), max_length=10, choices=Flue.choices, blank=True)
    room = models.CharField(_("room"), max_length=40, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("gas appliance")
        verbose_name_plural = _("gas appliances")
        ordering = ["premises", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.brand}".strip()

    def age_years(self, today: date) -> int | None:
        return None if self.installed_year is None else today.year - self.installed_year


class HazardStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MADE_SAFE = "made_safe", _("Made safe")
    RECTIFICATION_ORDERED = "rectification_ordered", _("Rectification ordered")
    CUSTOMER_NOTIFIED = "customer_notified", _("Customer notified to rectify")
    REFUSED = "refused", _("Customer refused")
    ESCALATED = "escalated", _("Escalated to the safety officer")
    RECTIFIED = "rectified", _("Rectified, awaiting re-inspection")
    CLOSED = "closed", _("Closed on re-inspection")


OPEN_HAZARD_STATUSES = tuple(status for status in HazardStatus.values if status != HazardStatus.CLOSED)


class Hazard(TimeStampedModel):
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), on_delete=models.PROTECT,
                                 related_name="safety_hazards")
    hazard_type = models.ForeignKey(HazardType, verbose_name=_("hazard type"), on_delete=models.PROTECT,
                                    related_name="hazards")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=HazardGrade.choices)
    status = models.CharField(_("status"), max_length=24, choices=HazardStatus.choices, default=HazardStatus.OPEN)
    description = models.CharField(_("description"), max_length=500, blank=True)
    checklist_key = models.CharField(_("checklist item"), max_length=40, blank=True)
    found_by_order = models.ForeignKey(WorkOrder, verbose_name=_("found on"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="hazards_found")
    found_at = models.DateTimeField(_("found at"))
    deadline = models.DateField(_("rectify by"))
    photos = models.ManyToManyField(WorkOrderAttachment, verbose_name=_("photos"), blank=True, related_name="+")
    # Make-safe record (required for grade 1 before the inspection can be completed).
    made_safe_at = models.DateTimeField(_("made safe at"), null=True, blank=True)
    isolated = models.CharField(_("what was isolated"), max_length=300, blank=True)
    customer_consented = models.BooleanField(_("customer consented"), null=True)
    rectification_order = models.ForeignKey(WorkOrder, verbose_name=_("rectification order"), null=True,
                                            blank=True, on_delete=models.SET_NULL, related_name="hazards_rectified")
    customer_notified_at = models.DateTimeField(_("customer notified at"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    recheck_order = models.ForeignKey(WorkOrder, verbose_name=_("re-inspection order"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    suspension_order = models.ForeignKey(WorkOrder, verbose_name=_("supply suspension order"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer hazard")
        verbose_name_plural = _("customer hazards")
        ordering = ["grade", "found_at"]
        indexes = [models.Index(fields=["premises", "status"], name="safety_hazard_premises_idx"),
                   models.Index(fields=["status", "deadline"], name="safety_hazard_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.hazard_type} ({self.grade}) @ {self.premises_id}"

    @property
    def is_made_safe(self) -> bool:
        return self.made_safe_at is not None


class HazardEvent(AppendOnlyModel):
    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.from_status}→{self.to_status}"


class InspectionNotice(models.Model):
    """A notice of a planned visit sent to the customer (printed, SMS or e-mail)."""

    work_order = models.ForeignKey(WorkOrder, verbose_name=_("work order"), on_delete=models.CASCADE,
                                   related_name="+")
    channel = models.CharField(_("channel"), max_length=10)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection notice")
        verbose_name_plural = _("inspection notices")
        constraints = [models.UniqueConstraint(fields=["work_order", "channel"], name="one_notice_per_channel")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.channel}"


class PipelineEndPoint(models.Model):
    """A premises at the end of a distribution pipe, sampled for stove-front pressure."""

    premises = models.OneToOneField(Premises, verbose_name=_("premises"), on_delete=models.CASCADE,
                                    related_name="+")
    is_active = models.BooleanField(_("sampled"), default=True)
    last_sampled_on = models.DateField(_("last sampled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("pipeline-end premises")
        verbose_name_plural = _("pipeline-end premises")

    def __str__(self) -> str:
        return str(self.premises)


class PressureCheck(models.Model):
    work_order = models.OneToOneField(WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT,
                                      related_name="pressure_check")
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), null=True, on_delete=models.PROTECT,
                                 related_name="+")
    measured_at = models.DateTimeField(_("measured at"))
    pressure_kpa = models.DecimalField(_("pressure (kPa)"), max_digits=5, decimal_places=2)
    min_kpa = models.DecimalField(_("accept from (kPa)"), max_digits=5, decimal_places=2)
    max_kpa = models.DecimalField(_("accept up to (kPa)"), max_digits=5, decimal_places=2)
    in_range = models.BooleanField(_("in range"))
    instrument_serial = models.CharField(_("instrument"), max_length=40)
    anomaly_acknowledged_at = models.DateTimeField(_("anomaly acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stove-front pressure check")
        verbose_name_plural = _("stove-front pressure checks")
        ordering = ["-measured_at"]

    def __str__(self) -> str:
        return f"{self.premises_id} {self.pressure_kpa} kPa"
