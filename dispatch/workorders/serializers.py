from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dispatch.customers.models import Premises
from dispatch.org.models import Area, StaffProfile

from .kinds import UnknownKind, get_kind, kind_choices
from .models import Notification, Priority, Source, Status, UnableReason, WorkOrder, WorkOrderEvent


class WorkOrderSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    area_code = serializers.CharField(source="area.code", read_only=True)
    office_code = serializers.CharField(source="office.code", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    customer_name = serializers.CharField(source="premises.account.name", read_only=True, default="")
    sla_due_in_seconds = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = ["id", "number", "kind", "kind_label", "status", "priority", "source", "source_ref", "description",
                  "premises", "customer_name", "address", "lat", "lng", "area", "area_code", "office", "office_code",
                  "contact_name", "contact_phone", "required_skills", "duration_minutes", "window_start",
                  "window_end", "scheduled_date", "sequence", "planned_start", "assignee", "assignee_name",
                  "assigned_at", "attend_by", "resolve_by", "sla_state", "sla_paused_at", "sla_due_in_seconds",
                  "attended_at", "completed_at", "closed_at", "unable_reason", "resolution_notes",
                  "checklist_answers", "completion_data", "duplicate_of", "version", "created_at", "updated_at"]
        read_only_fields = fields

    def get_kind_label(self, order: WorkOrder) -> str:
        try:
            return str(get_kind(order.kind).label)
        except UnknownKind:
            return order.kind

    def get_assignee_name(self, order: WorkOrder) -> str:
        if order.assignee is None:
            return ""
        return order.assignee.user.get_full_name() or order.assignee.user.get_username()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_sla_due_in_seconds(self, order: WorkOrder) -> int | None:
        if order.sla_due_at is None or order.sla_paused_at is not None:
            return None
        return int((order.sla_due_at - timezone.now()).total_seconds())


class JobPlaceSerializer(serializers.Serializer):
    """Where a job is: the premises on file, or an address with optional coordinates and area."""

    premises = serializers.PrimaryKeyRelatedField(queryset=Premises.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    lng = serializers.FloatField(required=False, allow_null=True, default=None)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.filter(is_active=True), required=False,
                                              allow_null=True)


class WorkOrderCreateSerializer(JobPlaceSerializer):
    kind = serializers.ChoiceField(choices=[])
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    source = serializers.ChoiceField(choices=Source.choices, default=Source.HOTLINE)
    source_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    window_start = serializers.DateTimeField(required=False, allow_null=True)
    window_end = serializers.DateTimeField(required=False, allow_null=True)
    scheduled_date = serializers.DateField(required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    duration_minutes = serializers.IntegerField(min_value=5, max_value=720, required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kinds are registered by the apps at start-up, after this class is defined.
        self.fields["kind"].choices = kind_choices()


class VersionedActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                       help_text="The version the client saw; a stale one is refused with 409.")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AssignSerializer(VersionedActionSerializer):
    technician = serializers.PrimaryKeyRelatedField(queryset=StaffProfile.objects.all())
    scheduled_date = serializers.DateField(required=False, allow_null=True)


class BulkAssignSerializer(serializers.Serializer):
    work_orders = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=200)
    technician = serializers.PrimaryKeyRelatedField(queryset=StaffProfile.objects.all())
    scheduled_date = serializers.DateField(required=False, allow_null=True)


class LocationFieldsSerializer(VersionedActionSerializer):
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)


class TransitionSerializer(LocationFieldsSerializer):
    to = serializers.ChoiceField(choices=Status.choices)
    unable_reason = serializers.ChoiceField(choices=UnableReason.choices, required=False, allow_blank=True,
                                            default="")


class CompleteSerializer(LocationFieldsSerializer):
    checklist_answers = serializers.DictField(required=False, default=dict)
    data = serializers.DictField(required=False, default=dict)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class WorkOrderEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = WorkOrderEvent
        fields = ["id", "at", "actor", "type", "from_status", "to_status", "reason", "lat", "lng", "data"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True, default=None)

    class Meta:
        model = Notification
        fields = ["id", "topic", "message", "work_order", "work_order_number", "created_at", "read_at"]
        read_only_fields = fields


class BulkResultSerializer(serializers.Serializer):
    work_order_id = serializers.IntegerField()
    ok = serializers.BooleanField()
    code = serializers.CharField()
    detail = serializers.CharField()


class DayQuerySerializer(serializers.Serializer):
    technician = serializers.IntegerField(min_value=1, required=False)
    date = serializers.DateField(required=False)


class KindSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    app_label = serializers.CharField()
    default_duration_minutes = serializers.IntegerField()
    required_skills = serializers.ListField(child=serializers.CharField())
    default_priority = serializers.CharField()
    is_emergency = serializers.BooleanField()
    checklist = serializers.SerializerMethodField()

    def get_checklist(self, kind) -> list[dict]:
        return [{"key": item.key, "label": str(item.label), "answer": item.answer, "choices": list(item.choices),
                 "required": item.required} for item in kind.checklist]
