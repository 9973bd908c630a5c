from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import TimeStampedModel
from dispatch.org.models import Area

phone_validator = RegexValidator(r"^\+?[0-9][0-9 \-]{5,19}$", _("Enter a phone number of digits, spaces or dashes."))


class CustomerClass(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    WELFARE = "welfare", _("Welfare (schools, hospitals, care homes)")


class GasType(models.TextChoices):
    NATURAL_GAS = "ng", _("Natural gas")
    LPG = "lpg", _("Liquefied petroleum gas")


class CustomerAccount(TimeStampedModel):
    account_no = models.CharField(_("account number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices,
                                      default=CustomerClass.RESIDENTIAL)
    phone = models.CharField(_("phone"), max_length=30, validators=[phone_validator], db_index=True)
    phone_alt = models.CharField(_("second phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    # Protections that change how the utility may treat the customer (dunning, suspension, priority).
    is_pensioner_alone = models.BooleanField(_("pensioner living alone"), default=False)
    has_young_children = models.BooleanField(_("household with young children"), default=False)
    is_medically_dependent = models.BooleanField(_("medically dependent on supply"), default=False)
    has_disability = models.BooleanField(_("disability or limited mobility"), default=False)
    vulnerability_notes = models.CharField(_("vulnerability notes"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        ordering = ["account_no"]
        # The hotline's caller search (servicedesk.selectors.customer_lookup): prefixes of phone and account
        # number, prefix and part of the name. PostgreSQL only (migration 0002 skips them elsewhere).
        indexes = [
            models.Index(fields=["phone"], opclasses=["varchar_pattern_ops"], name="cust_phone_prefix"),
            models.Index(fields=["phone_alt"], opclasses=["varchar_pattern_ops"], name="cust_phone_alt_prefix"),
            models.Index(fields=["account_no"], opclasses=["varchar_pattern_ops"], name="cust_account_prefix"),
            models.Index(fields=["name"], opclasses=["varchar_pattern_ops"], name="cust_name_prefix"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="cust_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.account_no} {self.name}"

    @property
    def is_vulnerable(self) -> bool:
        return (self.is_pensioner_alone or self.has_young_children or self.is_medically_dependent
                or self.has_disability)


class Premises(TimeStampedModel):
    """A supplied address: where the meter is and where technicians go."""

    class GeocodeStatus(models.TextChoices):
        NONE = "none", _("Not geocoded")
        MANUAL = "manual", _("Entered by hand")
        PENDING = "pending", _("Geocoding")
        FOUND = "found", _("Geocoded")
        NOT_FOUND = "not_found", _("Address not found")
        FAILED = "failed", _("Geocoder unavailable")

    premises_no = models.CharField(_("premises number"), max_length=30, unique=True)
    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.PROTECT,
                                related_name="premises")
    address = models.CharField(_("address"), max_length=255, db_index=True)
    district = models.CharField(_("district"), max_length=60, blank=True)
    gas_type = models.CharField(_("gas type"), max_length=5, choices=GasType.choices,
                                default=GasType.NATURAL_GAS)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    geocode_status = models.CharField(_("geocoding"), max_length=12, choices=GeocodeStatus.choices,
                                      default=GeocodeStatus.NONE)
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="premises")
    access_notes = models.CharField(_("access notes"), max_length=500, blank=True,
                                    help_text=_("Gate codes, dogs, best times to call."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        ordering = ["premises_no"]
        indexes = [GinIndex(fields=["address"], opclasses=["gin_trgm_ops"], name="premises_address_trgm")]

    def __str__(self) -> str:
        return f"{self.premises_no} {self.address}"


class Contact(TimeStampedModel):
    account = models.ForeignKey(CustomerAccount, verbose_name=_("customer account"), on_delete=models.CASCADE,
                                related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    relation = models.CharField(_("relation to the customer"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, validators=[phone_validator], db_index=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        indexes = [models.Index(fields=["phone"], opclasses=["varchar_pattern_ops"], name="contact_phone_prefix")]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}"
