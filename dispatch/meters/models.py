"""The meter registry (meters, their installations and status history) and meter readings.

Configuration that differs between utilities lives in rows, not constants: meter sizes (flow rates), service
life per gas type, register digits per meter model. Reading plausibility thresholds live in settings (see
`plausibility.py`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import AppendOnlyModel, TimeStampedModel
from dispatch.customers.models import Premises

VOLUME = {"max_digits": 12, "decimal_places": 3}


class MeterType(models.TextChoices):
    DIAPHRAGM = "diaphragm", _("Diaphragm")
    ULTRASONIC = "ultrasonic", _("Ultrasonic")
    IC_CARD = "ic_card", _("IC-card prepayment")
    SMART = "smart", _("Smart (remote reading)")


class AccuracyClass(models.TextChoices):
    CLASS_1_0 = "1.0", _("Class 1.0")
    CLASS_1_5 = "1.5", _("Class 1.5")


class MeterGasType(models.TextChoices):
    """The gas a meter is built and approved for; its service life depends on it."""

    NATURAL_GAS = "ng", _("Natural gas")
    LPG = "lpg", _("Liquefied petroleum gas")
    MANUFACTURED = "manufactured", _("Manufactured gas")


class MeterLocation(models.TextChoices):
    INDOOR = "indoor", _("Indoor")
    OUTDOOR = "outdoor", _("Outdoor")


class MeterStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    INSTALLED = "installed", _("Installed")
    REMOVED = "removed", _("Removed")
    IN_LAB = "in_lab", _("In the metrology lab")
    SCRAPPED = "scrapped", _("Scrapped")


class MeterSize(models.Model):
    """A meter size designation (G1.6, G2.5, G4, ...) with its flow rates (EN 1359 / OIML R137)."""

    code = models.CharField(_("size"), max_length=10, unique=True)
    qmin = models.DecimalField(_("minimum flow qmin (m³/h)"), max_digits=8, decimal_places=3,
                               validators=[MinValueValidator(Decimal("0"))])
    qt = models.DecimalField(_("transitional flow qt (m³/h)"), max_digits=8, decimal_places=3,
                             validators=[MinValueValidator(Decimal("0"))], help_text=_("Usually 0.1 × qmax."))
    qmax = models.DecimalField(_("maximum flow qmax (m³/h)"), max_digits=8, decimal_places=3,
                               validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("meter size")
        verbose_name_plural = _("meter sizes")
        ordering = ["qmax"]
        constraints = [
            models.CheckConstraint(condition=models.Q(qmin__lt=models.F("qt")) & models.Q(qt__lt=models.F("qmax")),
                                   name="meter_size_flows_ordered"),
        ]

    def __str__(self) -> str:
        return self.code


class MeterServiceLifePolicy(TimeStampedModel):
    """How many years a household meter may stay in service, by the gas it measures (then it is replaced)."""

    gas_type = models.CharField(_("gas type"), max_length=20, choices=MeterGasType.choices, unique=True)
    years = models.PositiveSmallIntegerField(
        _("service life (years)"), validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Counted from the manufacture date. Defaults: natural gas 10 years, LPG and manufactured "
                    "gas 6 years."))

    class Meta:
        verbose_name = _("meter service-life policy")
        verbose_name_plural = _("meter service-life policies")
        ordering = ["gas_type"]

    def __str__(self) -> str:
        return f"{self.get_gas_type_display()}: {self.years}"


class MeterModelSpec(TimeStampedModel):
    """Register of a meter model: how many whole-m³ digits it shows before rolling over to zero."""

    manufacturer = models.CharField(_("manufacturer"), max_length=80)
    model = models.CharField(_("model"), max_length=60)
    register_digits = models.PositiveSmallIntegerField(
        _("register digits (whole m³)"), default=5, validators=[MinValueValidator(3), MaxValueValidator(9)],
        help_text=_("A register of 5 digits shows up to 99999.999 m³ and then rolls over to 0."))

    class Meta:
        verbose_name = _("meter model register")
        verbose_name_plural = _("meter model registers")
        ordering = ["manufacturer", "model"]
        constraints = [models.UniqueConstraint(fields=["manufacturer", "model"], name="one_spec_per_meter_model")]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.model}"


class Meter(TimeStampedModel):
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=80)
    model = models.CharField(_("model"), max_length=60)
    meter_type = models.CharField(_("type"), max_length=20, choices=MeterType.choices,
                                  default=MeterType.DIAPHRAGM)
    size = models.ForeignKey(MeterSize, verbose_name=_("size"), on_delete=models.PROTECT, related_name="meters")
    accuracy_class = models.CharField(_("accuracy class"), max_length=3, choices=AccuracyClass.choices,
                                      default=AccuracyClass.CLASS_1_5)
    gas_type = models.CharField(_("gas type"), max_length=20, choices=MeterGasType.choices,
                                default=MeterGasType.NATURAL_GAS)
    manufactured_on = models.DateField(_("manufacture date"))
    first_verified_on = models.DateField(_("first verification date"), null=True, blank=True)
    first_verification_certificate_no = models.CharField(_("first verification certificate number"),
                                                         max_length=60, blank=True)
    # Computed from the manufacture date and the service-life policy of the gas type (meter_service_life_refresh).
    service_life_expires_on = models.DateField(_("service life ends on"), null=True, blank=True, editable=False,
                                               db_index=True)
    location = models.CharField(_("location"), max_length=10, choices=MeterLocation.choices,
                                default=MeterLocation.INDOOR)
    meter_box = models.CharField(_("meter box"), max_length=60, blank=True,
                                 help_text=_("Box number or description, if the meter sits in a box."))
    status = models.CharField(_("status"), max_length=12, choices=MeterStatus.choices,
                              default=MeterStatus.IN_STOCK, editable=False)
    # Where it is installed now (kept with the open MeterInstallation by the services).
    premises = models.ForeignKey(Premises, verbose_name=_("installed at"), null=True, blank=True, editable=False,
                                 on_delete=models.PROTECT, related_name="meters")

    class Meta:
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        ordering = ["serial"]
        indexes = [models.Index(fields=["status", "service_life_expires_on"], name="meter_replacement_idx")]

    def __str__(self) -> str:
        return self.serial


class MeterEvent(AppendOnlyModel):
    """One status change of a meter: who, when, from, to and why."""

    meter = models.ForeignKey(Meter, verbose_name=_("meter"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("meter event")
        verbose_name_plural = _("meter events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.from_status}→{self.to_status}"


class MeterInstallation(TimeStampedModel):
    """A meter's time at a premises, from installation (opening reading) to removal (closing reading)."""

    meter = models.ForeignKey(Meter, verbose_name=_("meter"), on_delete=models.PROTECT,
                              related_name="installations")
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), on_delete=models.PROTECT,
                                 related_name="meter_installations")
    installed_at = models.DateTimeField(_("installed at"))
    opening_reading = models.DecimalField(_("opening reading (m³)"), **VOLUME,
                                          validators=[MinValueValidator(Decimal("0"))])
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    closing_reading = models.DecimalField(_("closing reading (m³)"), **VOLUME, null=True, blank=True,
                                          validators=[MinValueValidator(Decimal("0"))])
    installed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("installed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("removed by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("meter installation")
        verbose_name_plural = _("meter installations")
        ordering = ["-installed_at"]
        constraints = [
            models.UniqueConstraint(fields=["meter"], condition=models.Q(removed_at__isnull=True),
                                    name="one_open_installation_per_meter"),
        ]
        indexes = [models.Index(fields=["premises", "installed_at"], name="meter_inst_premises_idx")]

    def __str__(self) -> str:
        return f"{self.meter_id} @ {self.premises_id}"


class ReadingType(models.TextChoices):
    ACTUAL = "actual", _("Actual (read by us)")
    CUSTOMER_READ = "customer_read", _("Read by the customer")
    ESTIMATED = "estimated", _("Estimated")


class ReadingSource(models.TextChoices):
    MOBILE = "mobile", _("Technician's phone")
    BACK_OFFICE = "back_office", _("Back office")
    IMPORT = "import", _("Import")


class Plausibility(models.TextChoices):
    OK = "ok", _("Plausible")
    IMPLAUSIBLE_CONFIRMED = "implausible_confirmed", _("Implausible, confirmed by the reader")
    ACCEPTED = "accepted", _("Implausible, accepted by a clerk")
    CORRECTED = "corrected", _("Corrected by a clerk")
    REREAD_ORDERED = "reread_ordered", _("Re-read ordered")


# Readings waiting on a clerk: the "implausible" list.
OPEN_IMPLAUSIBLE = (Plausibility.IMPLAUSIBLE_CONFIRMED,)


def reading_photo_path(instance: "MeterReading", filename: str) -> str:
    return f"meters/readings/{instance.meter_id}/{filename}"


class MeterReading(models.Model):
    # Foreign keys without their own index where a composite index already starts with them: a bulk import
    # maintains every index of the table.
    meter = models.ForeignKey(Meter, verbose_name=_("meter"), on_delete=models.PROTECT, related_name="readings",
                              db_index=False)
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), on_delete=models.PROTECT,
                                 related_name="meter_readings", db_index=False)
    value = models.DecimalField(_("reading (m³)"), **VOLUME, validators=[MinValueValidator(Decimal("0"))])
    read_at = models.DateTimeField(_("read at"))
    reading_type = models.CharField(_("reading type"), max_length=20, choices=ReadingType.choices,
                                    default=ReadingType.ACTUAL)
    source = models.CharField(_("source"), max_length=20, choices=ReadingSource.choices,
                              default=ReadingSource.BACK_OFFICE)
    photo = models.FileField(_("photo"), upload_to=reading_photo_path, max_length=255, blank=True)
    # Consumption since the previous reading of the same meter (or since installation) and over how many days;
    # the premises' history of these gives the expected consumption of later readings.
    consumption = models.DecimalField(_("consumption (m³)"), **VOLUME, null=True, blank=True)
    period_days = models.DecimalField(_("period (days)"), max_digits=8, decimal_places=3, null=True, blank=True)
    plausibility = models.CharField(_("plausibility"), max_length=24, choices=Plausibility.choices,
                                    default=Plausibility.OK)
    failed_checks = models.JSONField(_("failed checks"), default=list, blank=True)
    original_value = models.DecimalField(_("value before correction (m³)"), **VOLUME, null=True, blank=True)
    clerk_note = models.CharField(_("clerk's note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    reread_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("re-read order"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["-read_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["meter", "read_at"], name="one_reading_per_meter_moment")]
        # Partial indexes: the bulk of readings (plausible, imported without a work order) never enters them.
        indexes = [
            models.Index(fields=["premises", "read_at"], name="reading_premises_idx"),
            models.Index(fields=["read_at"], name="reading_implausible_idx",
                         condition=models.Q(plausibility="implausible_confirmed")),
            models.Index(fields=["work_order"], name="reading_work_order_idx",
                         condition=models.Q(work_order__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.value} @ {self.read_at:%Y-%m-%d %H:%M}"


from .lab.models import *  # noqa: E402, F403  (metrology lab models: dispatch/meters/lab/)
