"""Metrology lab records (计量室): reference standards, regulation profiles, test sessions with their points,
batches, certificates and the complaint credit. Imported by `dispatch/meters/models.py`, so they belong to the
`meters` app and its migrations."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.errors import Conflict
from dispatch.common.models import TimeStampedModel

__all__ = [
    "CertificateKind",
    "CertificatePrintJob",
    "CertificateSequence",
    "CertificateStatus",
    "ComplaintAdjustment",
    "FailedDisposition",
    "LabBatch",
    "LabCertificate",
    "LimitsBasis",
    "ReferenceStandard",
    "RegulationProfile",
    "StandardKind",
    "TestPurpose",
    "TestStatus",
    "VerificationTest",
    "VerificationTestPoint",
]

PCT = {"max_digits": 9, "decimal_places": 4}
VOL = {"max_digits": 14, "decimal_places": 6}


class StandardKind(models.TextChoices):
    BELL_PROVER = "bell_prover", _("Bell prover")
    SONIC_NOZZLE = "sonic_nozzle", _("Sonic nozzles")
    MASTER_METER = "master_meter", _("Master meter")


class ReferenceStandard(TimeStampedModel):
    """A working standard of the lab and its own calibration (the traceability printed on certificates)."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=StandardKind.choices)
    serial = models.CharField(_("serial number"), max_length=60, unique=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=80, blank=True)
    range_min = models.DecimalField(_("range from (m³/h)"), max_digits=10, decimal_places=3,
                                    validators=[MinValueValidator(Decimal("0"))])
    range_max = models.DecimalField(_("range to (m³/h)"), max_digits=10, decimal_places=3,
                                    validators=[MinValueValidator(Decimal("0"))])
    uncertainty = models.CharField(_("uncertainty or class"), max_length=80,
                                   help_text=_("As on its calibration certificate, e.g. “U = 0.2 %, k = 2” or "
                                               "“class 0.2”."))
    calibration_certificate_no = models.CharField(_("calibration certificate number"), max_length=60)
    calibrated_by = models.CharField(_("calibrated by"), max_length=120,
                                     help_text=_("The body that calibrated it: the traceability to national "
                                                 "standards."))
    calibrated_on = models.DateField(_("calibrated on"))
    calibration_valid_until = models.DateField(_("calibration valid until"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reference standard")
        verbose_name_plural = _("reference standards")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(range_min__lt=models.F("range_max")),
                                              name="lab_standard_range_ordered")]

    def __str__(self) -> str:
        return f"{self.name} ({self.serial})"


class RegulationProfile(TimeStampedModel):
    """The rules one regulation sets: test points, MPEs, reference conditions. Versioned: a profile used by a
    test is never changed in place; editing it makes a new version (see `services.profile_save`)."""

    code = models.CharField(_("code"), max_length=40, help_text=_("e.g. JJG577-2012, OIML-R137"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    name = models.CharField(_("name"), max_length=200)
    current = models.BooleanField(_("current version"), default=True, editable=False)
    test_points = models.JSONField(
        _("test points"),
        help_text=_("A list of {“code”, “basis”: qmin | qt | qmax, “factor”}: the flow is factor × the meter "
                    "size's basis flow. JJG 577-2012 points qmin, 0.2·qmax, qmax are from a secondary source "
                    "(unconfirmed)."))
    mpe = models.JSONField(
        _("maximum permissible errors (%)"),
        help_text=_("Per accuracy class: {“1.5”: {“low”: 3, “high”: 1.5}, “1.0”: {“low”: 2, “high”: 1, "
                    "“same_sign”: 0.5}}. “low” applies from qmin to below qt, “high” from qt to qmax; "
                    "“same_sign”: when all errors from qt to qmax have the same sign none may exceed it."))
    in_service_factor = models.DecimalField(
        _("in-service factor"), max_digits=4, decimal_places=2, default=Decimal("2"),
        help_text=_("In-service checks allow this many times the initial limits. The default 2 is "
                    "unconfirmed against the primary text."))
    error_resolution = models.DecimalField(
        _("error resolution (%)"), max_digits=6, decimal_places=4, default=Decimal("0.01"),
        help_text=_("Errors are rounded half away from zero to this step and the rounded value is judged "
                    "(simple acceptance)."))
    temp_small_min = models.DecimalField(_("temperature from (°C), qmax ≤ 10 m³/h"), max_digits=5,
                                         decimal_places=2, default=Decimal("18"))
    temp_small_max = models.DecimalField(_("temperature to (°C), qmax ≤ 10 m³/h"), max_digits=5,
                                         decimal_places=2, default=Decimal("22"))
    temp_large_min = models.DecimalField(_("temperature from (°C), qmax > 10 m³/h"), max_digits=5,
                                         decimal_places=2, default=Decimal("15"))
    temp_large_max = models.DecimalField(_("temperature to (°C), qmax > 10 m³/h"), max_digits=5,
                                         decimal_places=2, default=Decimal("25"))
    small_meter_qmax = models.DecimalField(_("small-meter qmax limit (m³/h)"), max_digits=8, decimal_places=3,
                                           default=Decimal("10"))
    pressure_min = models.DecimalField(_("ambient pressure from (kPa)"), max_digits=6, decimal_places=2,
                                       default=Decimal("85"))
    pressure_max = models.DecimalField(_("ambient pressure to (kPa)"), max_digits=6, decimal_places=2,
                                       default=Decimal("105"))
    humidity_min = models.DecimalField(_("humidity from (% RH)"), max_digits=5, decimal_places=2,
                                       default=Decimal("45"))
    humidity_max = models.DecimalField(_("humidity to (% RH)"), max_digits=5, decimal_places=2,
                                       default=Decimal("75"))
    conditioning_hours = models.DecimalField(_("conditioning time (h)"), max_digits=5, decimal_places=2,
                                             default=Decimal("4"))
    max_standard_meter_delta = models.DecimalField(
        _("standard–meter temperature difference (°C)"), max_digits=4, decimal_places=2, default=Decimal("1"),
        help_text=_("A test point whose standard and meter temperatures differ by more is refused."))
    validity_years = models.PositiveSmallIntegerField(
        _("certificate validity (years)"), default=0,
        help_text=_("0: valid until the meter's service life ends (household meters under JJG 577 are verified "
                    "once and used for a limited time). Never beyond the service life."))
    procedure = models.CharField(_("procedure"), max_length=200,
                                 help_text=_("The verification regulation printed on certificates."))

    class Meta:
        verbose_name = _("regulation profile")
        verbose_name_plural = _("regulation profiles")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="lab_profile_code_version"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(current=True),
                                    name="lab_profile_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class LabBatch(TimeStampedModel):
    """A delivery of new meters tested before installation."""

    number = models.CharField(_("batch number"), max_length=40, unique=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=80, blank=True)
    delivery_ref = models.CharField(_("delivery note"), max_length=80, blank=True)
    received_on = models.DateField(_("received on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("lab batch")
        verbose_name_plural = _("lab batches")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.number


class TestPurpose(models.TextChoices):
    INITIAL = "initial", _("Initial verification (new meter)")
    IN_SERVICE = "in_service", _("In-service check")
    COMPLAINT = "complaint", _("Customer complaint")


class LimitsBasis(models.TextChoices):
    INITIAL = "initial", _("Initial-verification limits")
    IN_SERVICE = "in_service", _("In-service limits")


class TestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")


class FailedDisposition(models.TextChoices):
    SCRAP = "scrap", _("Scrapped")
    RETURN_TO_MAKER = "return_to_maker", _("Returned to the maker")


class VerificationTest(TimeStampedModel):
    """One test session of one meter (检定记录): environment, points, verdict."""

    __test__ = False  # not a pytest class

    record_no = models.CharField(_("record number"), max_length=40, unique=True, editable=False)
    meter = models.ForeignKey("meters.Meter", verbose_name=_("meter"), on_delete=models.PROTECT,
                              related_name="lab_tests")
    profile = models.ForeignKey(RegulationProfile, verbose_name=_("regulation profile (version)"),
                                on_delete=models.PROTECT, related_name="tests")
    standard = models.ForeignKey(ReferenceStandard, verbose_name=_("reference standard"),
                                 on_delete=models.PROTECT, related_name="tests")
    batch = models.ForeignKey(LabBatch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="tests")
    purpose = models.CharField(_("purpose"), max_length=12, choices=TestPurpose.choices,
                               default=TestPurpose.INITIAL)
    limits = models.CharField(_("limits"), max_length=12, choices=LimitsBasis.choices,
                              default=LimitsBasis.INITIAL)
    customer_name = models.CharField(_("customer"), max_length=120, blank=True)
    customer_address = models.CharField(_("customer address"), max_length=255, blank=True)
    complaint_ref = models.CharField(_("complaint reference"), max_length=60, blank=True)
    complaint_on = models.DateField(_("complaint date"), null=True, blank=True)
    location = models.CharField(_("test location"), max_length=120, blank=True)
    ambient_temp_c = models.DecimalField(_("ambient temperature (°C)"), max_digits=5, decimal_places=2,
                                         null=True, blank=True)
    ambient_pressure_kpa = models.DecimalField(_("ambient pressure (kPa)"), max_digits=6, decimal_places=2,
                                               null=True, blank=True)
    humidity_pct = models.DecimalField(_("humidity (% RH)"), max_digits=5, decimal_places=2, null=True,
                                       blank=True)
    conditioning_hours = models.DecimalField(_("conditioned for (h)"), max_digits=6, decimal_places=2,
                                             null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TestStatus.choices, default=TestStatus.OPEN,
                              editable=False)
    passed = models.BooleanField(_("passed"), null=True, editable=False)
    same_sign_applied = models.BooleanField(_("same-sign rule applied"), default=False, editable=False)
    failed_disposition = models.CharField(_("failed meter"), max_length=20, choices=FailedDisposition.choices,
                                          blank=True)
    tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tested by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    tested_on = models.DateField(_("test date"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("verification test")
        verbose_name_plural = _("verification tests")
        ordering = ["-tested_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["meter"], condition=models.Q(status="open"),
                                               name="lab_one_open_test_per_meter")]

    def __str__(self) -> str:
        return self.record_no


class VerificationTestPoint(models.Model):
    __test__ = False

    test = models.ForeignKey(VerificationTest, verbose_name=_("test"), on_delete=models.CASCADE,
                             related_name="points")
    code = models.CharField(_("test point"), max_length=20)
    flow = models.DecimalField(_("flow (m³/h)"), max_digits=10, decimal_places=3)
    v_ref = models.DecimalField(_("reference volume (m³)"), **VOL)
    v_meter = models.DecimalField(_("meter volume (m³)"), **VOL)
    t_ref_c = models.DecimalField(_("standard temperature (°C)"), max_digits=5, decimal_places=2)
    p_ref_kpa = models.DecimalField(_("standard pressure (kPa abs)"), max_digits=8, decimal_places=3)
    t_meter_c = models.DecimalField(_("meter temperature (°C)"), max_digits=5, decimal_places=2)
    p_meter_kpa = models.DecimalField(_("meter pressure (kPa abs)"), max_digits=8, decimal_places=3)
    v_ref_corrected = models.DecimalField(_("corrected reference volume (m³)"), **VOL, editable=False)
    error = models.DecimalField(_("error (%)"), max_digits=12, decimal_places=8, editable=False)
    error_rounded = models.DecimalField(_("error, rounded (%)"), **PCT, editable=False)
    mpe = models.DecimalField(_("MPE (%)"), **PCT, editable=False, null=True)
    passed = models.BooleanField(_("passed"), null=True, editable=False)

    class Meta:
        verbose_name = _("test point")
        verbose_name_plural = _("test points")
        ordering = ["test", "flow"]
        constraints = [models.UniqueConstraint(fields=["test", "code"], name="lab_one_result_per_point")]

    def __str__(self) -> str:
        return f"{self.test_id} {self.code}"


class CertificateKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Verification certificate")
    NOTICE = "notice", _("Verification result notice")


class CertificateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VERIFIED = "verified", _("Signed by the verifier")
    CHECKED = "checked", _("Signed by the checker")
    APPROVED = "approved", _("Approved (issued)")
    SUPERSEDED = "superseded", _("Superseded")


FROZEN_STATUSES = (CertificateStatus.APPROVED, CertificateStatus.SUPERSEDED)


class CertificateSequence(models.Model):
    """The yearly number sequence of certificates and notices."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate number sequence")
        verbose_name_plural = _("certificate number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class LabCertificate(TimeStampedModel):
    """A verification certificate (检定证书) or result notice (检定结果通知书). Immutable once approved: a
    correction is a new revision that supersedes it."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    base_number = models.CharField(_("number of the first issue"), max_length=40, editable=False, db_index=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=CertificateKind.choices, editable=False)
    test = models.ForeignKey(VerificationTest, verbose_name=_("test"), on_delete=models.PROTECT,
                             related_name="certificates", editable=False)
    status = models.CharField(_("status"), max_length=12, choices=CertificateStatus.choices,
                              default=CertificateStatus.DRAFT, editable=False)
    supersedes = models.OneToOneField("self", verbose_name=_("supersedes"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by", editable=False)
    customer_name = models.CharField(_("customer"), max_length=120, blank=True)
    customer_address = models.CharField(_("customer address"), max_length=255, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    revision_reason = models.CharField(_("reason for the revision"), max_length=500, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verifier"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checker"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", editable=False)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True, editable=False)
    pdf = models.BinaryField(_("issued PDF"), null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("lab certificate")
        verbose_name_plural = _("lab certificates")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["base_number", "revision"], name="lab_cert_revision")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        """An approved (or superseded) certificate never changes: not through the services, not through the ORM."""
        if self.pk and type(self).objects.filter(pk=self.pk, status__in=FROZEN_STATUSES).exists():
            raise Conflict("certificate_immutable", _("An approved certificate cannot change; issue a revision."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status in FROZEN_STATUSES:
            raise Conflict("certificate_immutable", _("An approved certificate cannot be deleted."))
        return super().delete(*args, **kwargs)


class ComplaintAdjustment(TimeStampedModel):
    """The re-billing of a complaint whose meter ran fast beyond the MPE: the 2 months before the complaint."""

    test = models.OneToOneField(VerificationTest, verbose_name=_("test"), on_delete=models.PROTECT,
                                related_name="complaint_adjustment")
    complaint_ref = models.CharField(_("complaint reference"), max_length=60, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    error_used = models.DecimalField(_("error used (%)"), **PCT)
    measured_m3 = models.DecimalField(_("registered consumption (m³)"), max_digits=12, decimal_places=3)
    corrected_m3 = models.DecimalField(_("corrected consumption (m³)"), max_digits=12, decimal_places=3)
    price_per_m3 = models.DecimalField(_("price (per m³)"), max_digits=8, decimal_places=4)
    credit = models.DecimalField(_("credit"), max_digits=12, decimal_places=2)
    customer_message = models.TextField(_("message to the customer"), blank=True)

    class Meta:
        verbose_name = _("complaint re-billing")
        verbose_name_plural = _("complaint re-billings")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.test_id}: {self.credit}"


class CertificatePrintJob(TimeStampedModel):
    """A batch of certificates rendered to PDF by Celery (e.g. a delivery's certificates for printing): the
    progress the bench and the lab's screen show."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    certificate_ids = models.JSONField(_("certificates"), default=list)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("rendered"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("certificate print job")
        verbose_name_plural = _("certificate print jobs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.pk}: {self.done}/{self.total}"
