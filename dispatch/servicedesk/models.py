from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import AppendOnlyModel, TimeStampedModel
from dispatch.customers.models import Premises
from dispatch.org.models import Area, ServiceOffice, StaffProfile
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


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


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
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The guided script's answers (questions asked and what the caller said).
    script_answers = models.JSONField(_("script answers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class RequestHandover(AppendOnlyModel):
    """An explicit hand-over of a request (and its complaint) from one owner to another (首问负责制)."""

    request = models.ForeignKey(ServiceRequest, verbose_name=_("service request"), on_delete=models.CASCADE,
                                related_name="handovers")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("from"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    to_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT,
                                 related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["at", "id"]


class ComplaintStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    JUDGED = "judged", _("Judged")
    ASSIGNED = "assigned", _("With the responsible department")
    INVESTIGATED = "investigated", _("Cause investigated")
    PROPOSED = "proposed", _("Proposal made")
    APPROVED = "approved", _("Approved by the supervisor")
    CARRIED_OUT = "carried_out", _("Carried out")
    INFORMED = "informed", _("Customer informed")
    CALLED_BACK = "called_back", _("Called back")
    CLOSED = "closed", _("Closed")


class ComplaintCategory(models.TextChoices):
    SERVICE_ATTITUDE = "attitude", _("Service attitude")
    WORK_QUALITY = "quality", _("Quality of the work")
    TIMELINESS = "timeliness", _("Late or missed visit")
    BILLING = "billing", _("Billing and charges")
    METER = "meter", _("Meter accuracy")
    SUPPLY = "supply", _("Supply interruption or pressure")
    SAFETY = "safety", _("Safety")
    OTHER = "other", _("Other")


class RootCause(models.TextChoices):
    STAFF_CONDUCT = "staff_conduct", _("Staff conduct")
    PROCESS = "process", _("Process or rule")
    TECHNICAL = "technical", _("Technical fault")
    SCHEDULING = "scheduling", _("Scheduling or capacity")
    COMMUNICATION = "communication", _("Communication")
    THIRD_PARTY = "third_party", _("Third party")
    CUSTOMER_SIDE = "customer_side", _("Customer side (not founded)")
    OTHER = "other", _("Other")


class Department(models.TextChoices):
    SERVICE_OFFICE = "service_office", _("Service office")
    DISPATCH = "dispatch", _("Dispatch centre")
    EMERGENCY = "emergency", _("Emergency repair team")
    METROLOGY = "metrology", _("Metrology room")
    BILLING = "billing", _("Billing and collection")
    SAFETY = "safety", _("Safety office")
    HOTLINE = "hotline", _("Hotline")


class Complaint(TimeStampedModel):
    """A complaint followed through the closed loop (DOMAIN.md), with a handling clock (24 h by default)."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    request = models.OneToOneField(ServiceRequest, verbose_name=_("service request"), on_delete=models.PROTECT,
                                   related_name="complaint")
    status = models.CharField(_("status"), max_length=20, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.ACCEPTED, db_index=True)
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints")
    # The office and area the complaint counts against in the KPIs (from the premises or the job complained of).
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="complaints")
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="complaints")
    work_order = models.ForeignKey(WorkOrder, verbose_name=_("job complained of"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaints")
    technician = models.ForeignKey(StaffProfile, verbose_name=_("technician concerned"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaints")
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices, blank=True)
    founded = models.BooleanField(_("founded"), null=True)
    department = models.CharField(_("responsible department"), max_length=20, choices=Department.choices,
                                  blank=True)
    root_cause = models.CharField(_("root cause"), max_length=20, choices=RootCause.choices, blank=True)
    investigation = models.TextField(_("investigation"), blank=True)
    proposal = models.TextField(_("proposal"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    action_taken = models.TextField(_("action taken"), blank=True)
    customer_told = models.TextField(_("what the customer was told"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    callback_comments = models.TextField(_("callback comments"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    due_at = models.DateTimeField(_("handle by"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="complaint_clock_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def owner(self):
        return self.request.owner


class ComplaintEvent(AppendOnlyModel):
    """One step of a complaint: who, when, from, to, why and what was recorded."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]


class CallbackPolicy(TimeStampedModel):
    """How many completed jobs of a kind are called back the next day (回访): all, a sample, or none."""

    kind = models.CharField(_("work-order kind"), max_length=40, unique=True)
    sample_percent = models.PositiveSmallIntegerField(_("share called back (%)"), default=100,
                                                      validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("callback policy")
        verbose_name_plural = _("callback policies")

    def __str__(self) -> str:
        return f"{self.kind}: {self.sample_percent} %"


class Callback(TimeStampedModel):
    """A call to the customer the day after a visit: reached or not, satisfaction 1–5, what they said."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Not reached")
        CANCELLED = "cancelled", _("Cancelled")

    class FollowUp(models.TextChoices):
        NONE = "", _("None")
        REOPENED = "reopened", _("Job reopened")
        COMPLAINT = "complaint", _("Complaint opened")

    work_order = models.OneToOneField(WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT,
                                      related_name="callback")
    kind = models.CharField(_("kind"), max_length=40)
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), on_delete=models.PROTECT,
                               related_name="callbacks")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="callbacks")
    technician = models.ForeignKey(StaffProfile, verbose_name=_("technician"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="callbacks")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    scheduled_at = models.DateTimeField(_("call at"), db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("called at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True,
                                                    validators=[MinValueValidator(1), MaxValueValidator(5)])
    problem_solved = models.BooleanField(_("problem solved"), null=True)
    comments = models.TextField(_("comments"), blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=12, choices=FollowUp.choices, blank=True)
    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="callbacks")

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["scheduled_at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.scheduled_at:%Y-%m-%d %H:%M}"
