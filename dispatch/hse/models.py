"""HSE at department level: hazard register (LEC or 5×5 matrix), nonconformities and CAPA, self-inspections,
incidents and near misses, HSE training records, and the in-app notifications of the daily reminder run.

Register entries and nonconformities change only through `services`: every register change leaves an
append-only `HazardRevision` (who, when, why, snapshot and diff); every nonconformity status change an
append-only `NonconformityEvent`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import AppendOnlyModel, TimeStampedModel
from dispatch.org.models import Area, ServiceOffice, Skill, StaffProfile

# --- risk method configuration ------------------------------------------------------------------------------

# DOMAIN.md "HSE (department level)": the LEC tables (value, meaning) and the band edges. D > edge → band.
DEFAULT_LEC_LIKELIHOOD = [["10", "foreseeable"], ["6", "quite possible"], ["3", "possible but unusual"],
                          ["1", "unlikely"], ["0.5", "very unlikely"], ["0.2", "extremely unlikely"],
                          ["0.1", "practically impossible"]]
DEFAULT_LEC_EXPOSURE = [["10", "continuous"], ["6", "daily"], ["3", "weekly"], ["2", "monthly"],
                        ["1", "a few times a year"], ["0.5", "very rare"]]
DEFAULT_LEC_CONSEQUENCE = [["100", "catastrophe"], ["40", "several deaths"], ["15", "one death"],
                           ["7", "serious injury"], ["3", "disabling"], ["1", "noticeable"]]
DEFAULT_LEC_BANDS = [["extreme", "320"], ["high", "160"], ["significant", "70"], ["general", "20"]]
# Matrix score L × S (1–25): score ≥ edge → band; below the lowest edge → low.
DEFAULT_MATRIX_BANDS = [["high", 16], ["medium", 9]]


class RiskBand(models.TextChoices):
    # LEC bands
    LOW = "low", _("Low")
    GENERAL = "general", _("General")
    SIGNIFICANT = "significant", _("Significant")
    HIGH = "high", _("High")
    EXTREME = "extreme", _("Extreme")
    # matrix only
    MEDIUM = "medium", _("Medium")


LEC_BAND_ORDER = ["low", "general", "significant", "high", "extreme"]
MATRIX_BAND_ORDER = ["low", "medium", "high"]


class RiskMethodConfig(TimeStampedModel):
    """The site's risk tables and cut-offs. One row; without it the DOMAIN.md defaults apply."""

    lec_likelihood = models.JSONField(_("LEC likelihood (L) table"), default=list)
    lec_exposure = models.JSONField(_("LEC exposure (E) table"), default=list)
    lec_consequence = models.JSONField(_("LEC consequence (C) table"), default=list)
    lec_bands = models.JSONField(_("LEC band edges"), default=list,
                                 help_text=_('[["extreme", "320"], …]: D above the edge falls in the band.'))
    lec_significant_from = models.CharField(
        _("LEC: significant from band"), max_length=20, default=RiskBand.SIGNIFICANT,
        choices=[(band, RiskBand(band).label) for band in LEC_BAND_ORDER])
    matrix_bands = models.JSONField(_("matrix band edges"), default=list,
                                    help_text=_('[["high", 16], ["medium", 9]]: score at or above the edge.'))
    matrix_significant_from = models.CharField(
        _("matrix: significant from band"), max_length=20, default=RiskBand.MEDIUM,
        choices=[(band, RiskBand(band).label) for band in MATRIX_BAND_ORDER])
    action_reminder_days = models.PositiveSmallIntegerField(
        _("remind action owners (days before the deadline)"), default=10, validators=[MaxValueValidator(365)])
    escalation_repeat_days = models.PositiveSmallIntegerField(
        _("repeat escalation every (days)"), default=7, validators=[MinValueValidator(1)])
    review_reminder_days = models.PositiveSmallIntegerField(
        _("remind register reviews (days before)"), default=14, validators=[MaxValueValidator(365)])
    training_warning_days = models.PositiveSmallIntegerField(
        _("warn of expiring training (days before)"), default=30, validators=[MaxValueValidator(365)])
    trend_threshold = models.PositiveSmallIntegerField(
        _("customer-hazard trend threshold"), default=5, validators=[MinValueValidator(1)],
        help_text=_("The same hazard type found this many times in an area raises a nonconformity."))

    class Meta:
        verbose_name = _("risk method configuration")
        verbose_name_plural = _("risk method configuration")

    def __str__(self) -> str:
        return str(_("Risk method configuration"))

    @classmethod
    def defaults(cls) -> "RiskMethodConfig":
        return cls(lec_likelihood=DEFAULT_LEC_LIKELIHOOD, lec_exposure=DEFAULT_LEC_EXPOSURE,
                   lec_consequence=DEFAULT_LEC_CONSEQUENCE, lec_bands=DEFAULT_LEC_BANDS,
                   matrix_bands=DEFAULT_MATRIX_BANDS)

    def clean(self) -> None:
        from .risk import check_config

        check_config(self)


# --- hazard register ----------------------------------------------------------------------------------------


class RiskMethod(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    MATRIX = "matrix", _("5 × 5 likelihood–severity matrix")


class HazardRegister(TimeStampedModel):
    """A register of hazards and environmental aspects, evaluated by one method chosen for the register."""

    name = models.CharField(_("name"), max_length=120)
    method = models.CharField(_("evaluation method"), max_length=10, choices=RiskMethod.choices)
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("Leave empty for the department's own register."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hazard register")
        verbose_name_plural = _("hazard registers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EntryKind(models.TextChoices):
    HAZARD = "hazard", _("Hazard")
    ASPECT = "aspect", _("Environmental aspect")


class HazardCategory(models.TextChoices):
    FIRE_EXPLOSION = "fire_explosion", _("Fire and explosion")
    ASPHYXIATION = "asphyxiation", _("Gas poisoning / asphyxiation")
    MECHANICAL = "mechanical", _("Mechanical")
    ELECTRICAL = "electrical", _("Electrical")
    WORK_AT_HEIGHT = "work_at_height", _("Work at height / falls")
    CONFINED_SPACE = "confined_space", _("Confined space")
    TRAFFIC = "traffic", _("Road traffic")
    PRESSURE = "pressure", _("Pressure equipment")
    ERGONOMIC = "ergonomic", _("Ergonomic / manual handling")
    VIOLENCE = "violence", _("Aggression from the public")
    OTHER_HAZARD = "other_hazard", _("Other hazard")
    # environmental aspects
    EMISSION = "emission", _("Emission to air (gas venting)")
    WASTE = "waste", _("Waste")
    NOISE = "noise", _("Noise")
    SPILL = "spill", _("Spill / soil contamination")
    RESOURCE = "resource", _("Use of energy and resources")
    OTHER_ASPECT = "other_aspect", _("Other environmental aspect")


ASPECT_CATEGORIES = frozenset({HazardCategory.EMISSION, HazardCategory.WASTE, HazardCategory.NOISE,
                               HazardCategory.SPILL, HazardCategory.RESOURCE, HazardCategory.OTHER_ASPECT})


LEC_FIELD = {"max_digits": 5, "decimal_places": 1, "null": True, "blank": True,
             "validators": [MinValueValidator(Decimal("0.1"))]}
FIVE = {"null": True, "blank": True, "validators": [MinValueValidator(1), MaxValueValidator(5)]}
SCORE = {"max_digits": 9, "decimal_places": 3, "null": True, "blank": True, "editable": False}


class Hazard(TimeStampedModel):
    """One line of the register (ISO 45001 §6.1.2): a hazard, or an environmental aspect (ISO 14001 §6.1.2)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    register = models.ForeignKey(HazardRegister, verbose_name=_("register"), on_delete=models.PROTECT,
                                 related_name="hazards")
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices, default=EntryKind.HAZARD)
    activity = models.CharField(_("activity or place"), max_length=200)
    description = models.TextField(_("hazard / aspect"))
    category = models.CharField(_("type"), max_length=20, choices=HazardCategory.choices)
    origin = models.CharField(_("origin"), max_length=200, blank=True,
                              help_text=_("Where the hazard comes from: equipment, material, behaviour, "
                                          "environment, management."))
    office = models.ForeignKey(ServiceOffice, verbose_name=_("department / office"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"),
                                    on_delete=models.PROTECT, related_name="+")
    routine = models.BooleanField(_("routine"), default=True)
    analysis_date = models.DateField(_("analysis date"))
    # Evaluation: L, E, C for an LEC register; likelihood and severity (1–5) for a matrix register.
    lec_l = models.DecimalField(_("L (likelihood)"), **LEC_FIELD)
    lec_e = models.DecimalField(_("E (exposure)"), **LEC_FIELD)
    lec_c = models.DecimalField(_("C (consequence)"), **LEC_FIELD)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"), **FIVE)
    severity = models.PositiveSmallIntegerField(_("severity (1–5)"), **FIVE)
    score = models.DecimalField(_("risk score"), **SCORE)
    band = models.CharField(_("risk band"), max_length=20, choices=RiskBand.choices, blank=True, editable=False)
    significant = models.BooleanField(_("significant"), default=False, editable=False)
    # Residual risk, evaluated the same way once the controls are in place.
    residual_lec_l = models.DecimalField(_("residual L"), **LEC_FIELD)
    residual_lec_e = models.DecimalField(_("residual E"), **LEC_FIELD)
    residual_lec_c = models.DecimalField(_("residual C"), **LEC_FIELD)
    residual_likelihood = models.PositiveSmallIntegerField(_("residual likelihood (1–5)"), **FIVE)
    residual_severity = models.PositiveSmallIntegerField(_("residual severity (1–5)"), **FIVE)
    residual_score = models.DecimalField(_("residual score"), **SCORE)
    residual_band = models.CharField(_("residual band"), max_length=20, choices=RiskBand.choices, blank=True,
                                     editable=False)
    acceptable = models.BooleanField(_("acceptable"), null=True, blank=True)
    acceptability_justification = models.TextField(_("justification of acceptability"), blank=True)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("hazard / environmental aspect")
        verbose_name_plural = _("hazard register entries")
        ordering = ["number"]
        indexes = [models.Index(fields=["register", "status", "band"]),
                   models.Index(fields=["significant", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.activity}"

    @property
    def method(self) -> str:
        return self.register.method


# Fields a revision snapshots (and the API may change).
HAZARD_FIELDS = ["kind", "activity", "description", "category", "origin", "office", "area", "responsible",
                 "routine", "analysis_date", "lec_l", "lec_e", "lec_c", "likelihood", "severity", "score", "band",
                 "significant", "residual_lec_l", "residual_lec_e", "residual_lec_c", "residual_likelihood",
                 "residual_severity", "residual_score", "residual_band", "acceptable",
                 "acceptability_justification", "review_date", "status"]


class ControlType(models.TextChoices):
    """The hierarchy of controls (ISO 45001 §8.1.2), most effective first."""

    ELIMINATION = "elimination", _("Elimination")
    SUBSTITUTION = "substitution", _("Substitution")
    ENGINEERING = "engineering", _("Engineering control")
    ADMINISTRATIVE = "administrative", _("Administrative control / procedure")
    PPE = "ppe", _("Personal protective equipment")


class HazardControl(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PLACE = "in_place", _("In place")
        RETIRED = "retired", _("Retired")

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="controls")
    control_type = models.CharField(_("type of control"), max_length=20, choices=ControlType.choices)
    description = models.TextField(_("control measure"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    due_date = models.DateField(_("due"), null=True, blank=True)
    in_place_since = models.DateField(_("in place since"), null=True, blank=True)

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["hazard", "id"]

    def __str__(self) -> str:
        return f"{self.hazard.number}: {self.description[:60]}"


class HazardRevision(AppendOnlyModel):
    """Who changed a register entry, when and why, with the entry as it stood afterwards and what changed."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(_("action"), max_length=30)
    reason = models.CharField(_("why"), max_length=500)
    snapshot = models.JSONField(_("entry after the change"), default=dict)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("hazard revision")
        verbose_name_plural = _("hazard revisions")
        ordering = ["hazard", "version", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} v{self.version} {self.action}"


# --- nonconformities and CAPA -------------------------------------------------------------------------------


class NcStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANALYSIS = "analysis", _("Analysis")
    ACTION_PLAN = "action_plan", _("Action plan")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


NC_CLOSED = frozenset({NcStatus.DONE, NcStatus.CANCELLED})


class NcSource(models.TextChoices):
    MANUAL = "manual", _("Raised by hand")
    SELF_INSPECTION = "self_inspection", _("Self-inspection finding")
    INCIDENT = "incident", _("Incident or near miss")
    TREND = "trend", _("Trend in customer hazards")


class Nonconformity(TimeStampedModel):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=NcSource.choices, default=NcSource.MANUAL)
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    hazard = models.ForeignKey(Hazard, verbose_name=_("register entry"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="nonconformities")
    incident = models.ForeignKey("Incident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="nonconformities")
    finding = models.OneToOneField("InspectionFinding", verbose_name=_("self-inspection finding"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="nonconformity")
    trend_key = models.CharField(_("trend"), max_length=120, blank=True, db_index=True,
                                 help_text=_("area:hazard type, for nonconformities raised by trend detection"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=NcStatus.choices, default=NcStatus.DRAFT)
    root_cause = models.TextField(_("root cause analysis"), blank=True)
    evaluation = models.TextField(_("effectiveness evaluation"), blank=True)
    effective = models.BooleanField(_("actions effective"), null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluated by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class NonconformityEvent(AppendOnlyModel):
    nonconformity = models.ForeignKey(Nonconformity, verbose_name=_("nonconformity"), on_delete=models.PROTECT,
                                      related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    type = models.CharField(_("type"), max_length=20, default="status")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nonconformity event")
        verbose_name_plural = _("nonconformity events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.nonconformity_id} {self.from_status}→{self.to_status}"


class CapaAction(TimeStampedModel):
    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate action")
        CORRECTIVE = "corrective", _("Corrective action")
        PREVENTIVE = "preventive", _("Preventive action")
        IMPROVEMENT = "improvement", _("Improvement")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    nonconformity = models.ForeignKey(Nonconformity, verbose_name=_("nonconformity"), on_delete=models.CASCADE,
                                      related_name="actions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True, editable=False)
    escalated_on = models.DateField(_("last escalated on"), null=True, blank=True, editable=False)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0, editable=False)

    class Meta:
        verbose_name = _("CAPA action")
        verbose_name_plural = _("CAPA actions")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.nonconformity.number}: {self.description[:60]}"


# --- self-inspections ---------------------------------------------------------------------------------------


class InspectionChecklist(TimeStampedModel):
    """自查: a checklist an office or area works through on a schedule."""

    name = models.CharField(_("name"), max_length=120)
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    items = models.JSONField(_("items"), default=list, help_text=_("The questions, one string each."))
    every_days = models.PositiveSmallIntegerField(_("every (days)"), default=30,
                                                  validators=[MinValueValidator(1), MaxValueValidator(366)])
    next_due = models.DateField(_("next due"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    due_notified_on = models.DateField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("self-inspection checklist")
        verbose_name_plural = _("self-inspection checklists")
        ordering = ["next_due", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.items, list) or not self.items or \
                not all(isinstance(item, str) and item.strip() for item in self.items):
            raise ValidationError({"items": _("List the questions, one non-empty text each.")})


class SelfInspection(TimeStampedModel):
    checklist = models.ForeignKey(InspectionChecklist, verbose_name=_("checklist"), on_delete=models.PROTECT,
                                  related_name="inspections")
    date = models.DateField(_("date"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    results = models.JSONField(_("answers"), default=list)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.checklist} {self.date}"


class InspectionFinding(models.Model):
    inspection = models.ForeignKey(SelfInspection, verbose_name=_("self-inspection"), on_delete=models.CASCADE,
                                   related_name="findings")
    item = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("finding"))

    class Meta:
        verbose_name = _("self-inspection finding")
        verbose_name_plural = _("self-inspection findings")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.item


# --- incidents ----------------------------------------------------------------------------------------------


class Incident(TimeStampedModel):
    class Kind(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        NEAR_MISS = "near_miss", _("Near miss")
        GAS_EMERGENCY = "gas_emergency", _("Gas emergency")
        ENVIRONMENTAL = "environmental", _("Environmental incident")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        INVESTIGATING = "investigating", _("Under investigation")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("where"), max_length=255)
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    description = models.TextField(_("what happened"))
    people_involved = models.TextField(_("people involved"), blank=True)
    injuries = models.TextField(_("injuries or damage"), blank=True)
    immediate_actions = models.TextField(_("immediate actions"), blank=True)
    investigation = models.TextField(_("investigation"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.REPORTED)

    class Meta:
        verbose_name = _("incident or near miss")
        verbose_name_plural = _("incidents and near misses")
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["work_order"], condition=models.Q(work_order__isnull=False),
                                               name="one_incident_per_work_order")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


# --- training and competence --------------------------------------------------------------------------------


class TrainingRecord(TimeStampedModel):
    """An HSE training a person took; with an expiry it is a competence that must be renewed."""

    staff = models.ForeignKey(StaffProfile, verbose_name=_("staff"), on_delete=models.CASCADE,
                              related_name="hse_trainings")
    course = models.CharField(_("course"), max_length=200)
    provider = models.CharField(_("provider"), max_length=120, blank=True)
    completed_on = models.DateField(_("completed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    skill = models.ForeignKey(Skill, verbose_name=_("competence for skill"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text=_("The work skill this training qualifies for, if any."))
    warned_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("HSE training record")
        verbose_name_plural = _("HSE training records")
        ordering = ["valid_until", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("completed_on")),
            name="training_valid_after_completion")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.course}"


# --- notifications ------------------------------------------------------------------------------------------


class HseNotification(models.Model):
    """An in-app message of the HSE reminder run; `key` makes each message once per recipient."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="hse_notifications")
    topic = models.CharField(_("topic"), max_length=40)
    key = models.CharField(_("key"), max_length=80)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("HSE notification")
        verbose_name_plural = _("HSE notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_hse_notification_per_key")]

    def __str__(self) -> str:
        return self.message
