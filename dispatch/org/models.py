from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.errors import DispatchError
from dispatch.common.geo import check_coordinates, parse_boundary
from dispatch.common.models import TimeStampedModel


class ServiceOffice(TimeStampedModel):
    """营业所: a service office with its own areas, staff and dispatch desk."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("service office")
        verbose_name_plural = _("service offices")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        try:
            check_coordinates(self.lat, self.lng)
        except DispatchError as exc:
            raise exc.as_validation_error() from exc


class Area(TimeStampedModel):
    """片区: the unit of dispatch. Its boundary (GeoJSON) places premises in it from their coordinates."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), on_delete=models.PROTECT,
                               related_name="areas")
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    # Bounding box of the boundary, so that placing a point only tests the few areas around it.
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    min_lng = models.FloatField(null=True, blank=True, editable=False)
    max_lng = models.FloatField(null=True, blank=True, editable=False)
    travel_speed_kmh = models.DecimalField(
        _("average travel speed (km/h)"), max_digits=5, decimal_places=1, default=Decimal("25.0"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("120"))],
        help_text=_("Used to estimate travel time between jobs in this area."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lng", "max_lng"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.boundary is not None:
            try:
                parse_boundary(self.boundary)
            except DispatchError as exc:
                raise exc.as_validation_error() from exc


class Skill(models.Model):
    """A qualification a job may require (repair, pipe rectification, meter reading, metrology, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    requires_certificate = models.BooleanField(
        _("requires a certificate"), default=False,
        help_text=_("Jobs needing this skill can only go to staff holding an unexpired certificate."))

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(TimeStampedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="staff")
    employee_no = models.CharField(_("employee number"), max_length=30, unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), on_delete=models.PROTECT,
                               related_name="staff")
    additional_offices = models.ManyToManyField(
        ServiceOffice, verbose_name=_("additional offices"), blank=True, related_name="+",
        help_text=_("Other offices this person dispatches for or supervises."))
    primary_area = models.ForeignKey(Area, verbose_name=_("primary area"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="primary_staff")
    allowed_areas = models.ManyToManyField(Area, verbose_name=_("allowed areas"), blank=True,
                                           related_name="allowed_staff")
    home_lat = models.FloatField(_("home base latitude"), null=True, blank=True)
    home_lng = models.FloatField(_("home base longitude"), null=True, blank=True)
    daily_capacity = models.PositiveSmallIntegerField(
        _("daily capacity (jobs)"), default=12, validators=[MaxValueValidator(100)])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return f"{self.employee_no} {self.user.get_full_name() or self.user.get_username()}"


class StaffSkill(models.Model):
    staff = models.ForeignKey(StaffProfile, verbose_name=_("staff"), on_delete=models.CASCADE,
                              related_name="skills")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+")
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff skill")
        verbose_name_plural = _("staff skills")
        constraints = [models.UniqueConstraint(fields=["staff", "skill"], name="unique_staff_skill")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.skill}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyShift(models.Model):
    """One working day of a person's regular week (local times)."""

    staff = models.ForeignKey(StaffProfile, verbose_name=_("staff"), on_delete=models.CASCADE,
                              related_name="weekly_shifts")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    break_start = models.TimeField(_("break start"), null=True, blank=True)
    break_end = models.TimeField(_("break end"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly shift")
        verbose_name_plural = _("weekly shifts")
        ordering = ["staff", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "weekday"], name="unique_shift_per_weekday"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="shift_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ShiftException(models.Model):
    """A day that differs from the regular week: leave, sickness, training, or overtime."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        SICK = "sick", _("Sickness")
        TRAINING = "training", _("Training")
        OVERTIME = "overtime", _("Overtime / extra shift")

    staff = models.ForeignKey(StaffProfile, verbose_name=_("staff"), on_delete=models.CASCADE,
                              related_name="shift_exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start = models.TimeField(_("start"), null=True, blank=True,
                             help_text=_("For overtime: the hours worked. Leave off for a whole day."))
    end = models.TimeField(_("end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("shift exception")
        verbose_name_plural = _("shift exceptions")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["staff", "date"], name="one_exception_per_day")]

    def __str__(self) -> str:
        return f"{self.staff} {self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind == self.Kind.OVERTIME:
            missing = {name: _("Overtime needs the hours worked.") for name in ("start", "end")
                       if getattr(self, name) is None}
            if missing:
                raise ValidationError(missing)
            if self.end <= self.start:
                raise ValidationError({"end": _("The end must be after the start.")})
