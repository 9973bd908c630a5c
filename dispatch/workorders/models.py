from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.common.models import AppendOnlyModel, TimeStampedModel
from dispatch.customers.models import Premises
from dispatch.org.models import Area, ServiceOffice, StaffProfile


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    PLANNED = "planned", _("Planned")


PRIORITY_RANK = {Priority.EMERGENCY: 0, Priority.URGENT: 1, Priority.NORMAL: 2, Priority.PLANNED: 3}


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    DISPATCHED = "dispatched", _("Dispatched")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    COMPLETED = "completed", _("Completed")
    UNABLE = "unable", _("Unable to complete")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.DISPATCHED, Status.EN_ROUTE, Status.ON_SITE)
ACTIVE_STATUSES = (Status.ASSIGNED, Status.DISPATCHED, Status.EN_ROUTE, Status.ON_SITE)


class UnableReason(models.TextChoices):
    NO_ACCESS = "no_access", _("No access")
    CUSTOMER_REFUSED = "customer_refused", _("Customer refused")
    PARTS_NEEDED = "parts_needed", _("Parts needed")
    UNSAFE = "unsafe", _("Unsafe to work")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    FRONT_DESK = "front_desk", _("Front desk")
    PLAN = "plan", _("Plan")
    FIELD = "field", _("Raised in the field")
    SYSTEM = "system", _("System")


class SlaState(models.TextChoices):
    NONE = "none", _("No SLA")
    OK = "ok", _("On time")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


class SlaPolicy(TimeStampedModel):
    """Attend-by and resolve-by targets for a kind at a priority; overrides the kind's registered default."""

    kind = models.CharField(_("kind"), max_length=40)
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices)
    attend_minutes = models.PositiveIntegerField(_("attend within (minutes)"), null=True, blank=True)
    resolve_minutes = models.PositiveIntegerField(_("resolve within (minutes)"), null=True, blank=True)
    at_risk_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("at risk after (% of the time used)"), default=75,
        help_text=_("An order is flagged at risk once this share of its time to the due moment has passed."))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [models.UniqueConstraint(fields=["kind", "priority"], name="one_sla_per_kind_priority")]

    def __str__(self) -> str:
        return f"{self.kind} / {self.get_priority_display()}"


class WorkOrder(TimeStampedModel):
    number = models.CharField(_("number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.HOTLINE)
    source_ref = models.CharField(_("source reference"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)

    premises = models.ForeignKey(Premises, verbose_name=_("premises"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="work_orders")
    # Where to go, copied from the premises (or typed for jobs without premises) so that planning needs no joins.
    address = models.CharField(_("address"), max_length=255)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="work_orders")
    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), on_delete=models.PROTECT,
                               related_name="work_orders", editable=False)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    required_skills = models.JSONField(_("required skills"), default=list, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("expected duration (minutes)"))
    window_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    window_end = models.DateTimeField(_("appointment until"), null=True, blank=True)
    scheduled_date = models.DateField(_("scheduled day"), null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(_("order in the day"), null=True, blank=True)
    planned_start = models.DateTimeField(_("planned arrival"), null=True, blank=True)

    assignee = models.ForeignKey(StaffProfile, verbose_name=_("technician"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="work_orders")
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)

    attend_by = models.DateTimeField(_("attend by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    sla_state = models.CharField(_("SLA"), max_length=10, choices=SlaState.choices, default=SlaState.NONE)
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    # The moments the running clock turns at risk and breached, kept so the minute-by-minute check is one
    # indexed query whatever the size of the table.
    sla_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    attended_at = models.DateTimeField(_("arrived on site at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    unable_reason = models.CharField(_("reason not completed"), max_length=20, choices=UnableReason.choices,
                                     blank=True)
    resolution_notes = models.TextField(_("resolution notes"), blank=True)
    checklist_answers = models.JSONField(_("checklist answers"), default=dict, blank=True)
    completion_data = models.JSONField(_("completion record"), default=dict, blank=True)

    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    # Bumped by every change; a client sends the version it saw so that a stale write is refused (409).
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        indexes = [
            # The dispatcher's queue: area and status, scoped to the user's offices, newest first. The office
            # sits before created_at so that one index answers the scoped count (index-only) and the page (read
            # backwards, stops after page_size rows): PostgreSQL assumes area and office independent, under-
            # estimates the rows and would otherwise AND two bitmaps and sort the area's whole backlog.
            models.Index(fields=["area", "status", "office", "created_at"], name="wo_queue_idx"),
            models.Index(fields=["office", "status", "created_at"], name="wo_office_queue_idx"),
            models.Index(fields=["assignee", "scheduled_date", "sequence"], name="wo_day_idx"),
            models.Index(fields=["sla_state", "sla_warn_at"], name="wo_sla_warn_idx"),
            models.Index(fields=["sla_state", "sla_due_at"], name="wo_sla_due_idx"),
            models.Index(fields=["premises", "kind", "status"], name="wo_duplicate_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_start__isnull=True) | models.Q(window_end__isnull=True)
                | models.Q(window_end__gt=models.F("window_start")),
                name="wo_window_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class WorkOrderEvent(AppendOnlyModel):
    """One thing that happened to a work order: a status change, an assignment, an SLA flag, a note."""

    class Type(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNMENT = "assignment", _("Assignment changed")
        SLA = "sla", _("SLA")
        DUPLICATE = "duplicate", _("Duplicate request linked")
        UPDATE = "update", _("Details changed")
        ATTACHMENT = "attachment", _("Photo or signature added")

    work_order = models.ForeignKey(WorkOrder, verbose_name=_("work order"), on_delete=models.CASCADE,
                                   related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("work-order event")
        verbose_name_plural = _("work-order events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.type} {self.from_status}→{self.to_status}"


class Notification(models.Model):
    """An in-app message to a user (SLA at risk or breached, emergencies in their office)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    work_order = models.ForeignKey(WorkOrder, verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("topic"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "work_order", "topic"],
                                               name="one_notification_per_topic")]

    def __str__(self) -> str:
        return self.message


def attachment_path(instance: "WorkOrderAttachment", filename: str) -> str:
    return f"workorders/{instance.work_order_id}/{instance.kind}/{filename}"


class WorkOrderAttachment(models.Model):
    """A photo taken on the job, or the customer's signature, stored through Django's storage."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        SIGNATURE = "signature", _("Customer signature")

    work_order = models.ForeignKey(WorkOrder, verbose_name=_("work order"), on_delete=models.CASCADE,
                                   related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # Where and when the photo was taken (from its EXIF data), or where the signature was given.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work-order attachment")
        verbose_name_plural = _("work-order attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {self.file.name}"


class RoutePlan(TimeStampedModel):
    """A proposed day for an office (or some of its areas), made by the route planner; committed or not."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Planning")
        READY = "ready", _("Ready to review")
        FAILED = "failed", _("Failed")
        COMMITTED = "committed", _("Committed")

    office = models.ForeignKey(ServiceOffice, verbose_name=_("service office"), on_delete=models.CASCADE,
                               related_name="route_plans")
    area_ids = models.JSONField(_("areas"), default=list, blank=True, help_text=_("Empty: every area."))
    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    seconds = models.PositiveSmallIntegerField(_("time limit (s)"), default=20)
    # The dispatcher's pins: [{"work_order": id, "technician": id | null, "time": "HH:MM" | null}].
    pins = models.JSONField(_("pins"), default=list, blank=True)
    result = models.JSONField(_("plan"), default=dict, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("committed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("route plan")
        verbose_name_plural = _("route plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.state}"
