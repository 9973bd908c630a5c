from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import TimeStampedModel
from dispatch.customers.models import Premises
from dispatch.workorders.models import WorkOrder


class RequestType(models.TextChoices):
    GAS_LEAK = "gas_leak", _("Gas leak")
    REPAIR = "repair", _("Repair")
    METER_COMPLAINT = "meter_complaint", _("Meter complaint")
    RECONNECTION = "reconnection", _("Reconnection after payment")
    CONSULTATION = "consultation", _("Consultation")
    BILLING = "billing", _("Billing question")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


# Requests that send someone into the field, and the kind of job they become.
FIELD_KIND = {
    RequestType.GAS_LEAK: "emergency",
    RequestType.REPAIR: "repair",
    RequestType.METER_COMPLAINT: "meter_complaint_removal",
    RequestType.RECONNECTION: "reconnection",
}


class ServiceRequest(TimeStampedModel):
    """A call or visit to the service desk, owned by the agent who took it (首问负责制)."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        FRONT_DESK = "front_desk", _("Front desk")
        ONLINE = "online", _("Online")

    number = models.CharField(_("number"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE)
    request_type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    caller_name = models.CharField(_("caller name"), max_length=120, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=30, blank=True)
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="service_requests")
    address = models.CharField(_("address"), max_length=255, blank=True)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              on_delete=models.PROTECT, related_name="owned_requests")
    work_order = models.ForeignKey(WorkOrder, verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="service_requests")
    joined_existing = models.BooleanField(_("joined an open work order"), default=False)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number
