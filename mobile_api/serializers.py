"""What the phone gets: a job with everything needed at the door, and the forms to record the work."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dispatch.workorders.kinds import get_kind, job_facts
from dispatch.workorders.models import Status, UnableReason, WorkOrder, WorkOrderAttachment
from dispatch.workorders.selectors import premises_history

FIELD_TYPES = {
    serializers.BooleanField: "boolean", serializers.IntegerField: "integer", serializers.DecimalField: "decimal",
    serializers.FloatField: "decimal", serializers.DateField: "date", serializers.DateTimeField: "datetime",
    serializers.ChoiceField: "choice", serializers.CharField: "text",
}


def _form_field(name: str, field: serializers.Field) -> dict:
    kind = next((label for cls, label in FIELD_TYPES.items() if isinstance(field, cls)), "text")
    described = {"name": name, "type": kind, "required": field.required,
                 "label": str(field.label or name.replace("_", " ").capitalize())}
    if isinstance(field, serializers.ChoiceField):
        described["choices"] = [[value, str(label)] for value, label in field.choices.items()]
    for limit in ("min_value", "max_value", "max_length"):
        value = getattr(field, limit, None)
        if value is not None:
            described[limit] = float(value) if limit != "max_length" else value
    return described


def completion_form(kind_code: str) -> dict:
    """The checklist and the fields of the kind's completion record, for the phone to draw and check offline."""
    kind = get_kind(kind_code)
    fields = []
    if kind.completion_serializer is not None:
        fields = [_form_field(name, field) for name, field in kind.completion_serializer().fields.items()
                  if not field.read_only]
    return {
        "checklist": [{"key": item.key, "label": str(item.label), "answer": item.answer,
                       "choices": list(item.choices), "required": item.required} for item in kind.checklist],
        "fields": fields,
    }


class HistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkOrder
        fields = ["number", "kind", "status", "completed_at", "unable_reason", "resolution_notes"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkOrderAttachment
        fields = ["id", "kind", "content_type", "size", "caption", "lat", "lng", "taken_at", "signer_name",
                  "uploaded_at"]


class JobSerializer(serializers.ModelSerializer):
    """A job as the phone shows it; `detail=True` in the context adds history and the completion form."""

    kind_label = serializers.SerializerMethodField()
    navigation_uri = serializers.SerializerMethodField()
    customer = serializers.SerializerMethodField()
    access_notes = serializers.CharField(source="premises.access_notes", default="", read_only=True)
    gas_type = serializers.CharField(source="premises.gas_type", default="", read_only=True)
    history = serializers.SerializerMethodField()
    form = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    facts = serializers.SerializerMethodField(
        help_text="What the other apps know about the premises (open hazards, meter, balance), by name.")

    class Meta:
        model = WorkOrder
        fields = ["id", "number", "kind", "kind_label", "status", "priority", "description", "address", "lat",
                  "lng", "navigation_uri", "customer", "access_notes", "gas_type", "contact_name", "contact_phone",
                  "window_start", "window_end", "scheduled_date", "sequence", "planned_start", "duration_minutes",
                  "attend_by", "sla_state", "unable_reason", "version", "history", "form", "attachments",
                  "facts"]

    def get_kind_label(self, order: WorkOrder) -> str:
        return str(get_kind(order.kind).label)

    def get_navigation_uri(self, order: WorkOrder) -> str | None:
        if order.lat is None or order.lng is None:
            return None
        return f"geo:{order.lat},{order.lng}?q={order.lat},{order.lng}({order.address})"

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_customer(self, order: WorkOrder) -> dict | None:
        if order.premises is None:
            return None
        account = order.premises.account
        return {"name": account.name, "account_no": account.account_no, "phone": account.phone,
                "vulnerable": account.is_vulnerable}

    @extend_schema_field(HistorySerializer(many=True))
    def get_history(self, order: WorkOrder) -> list[dict] | None:
        if not self.context.get("detail"):
            return None
        return HistorySerializer(premises_history(premises_id=order.premises_id, exclude_id=order.pk), many=True).data

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_form(self, order: WorkOrder) -> dict | None:
        return completion_form(order.kind) if self.context.get("detail") else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_facts(self, order: WorkOrder) -> dict | None:
        return job_facts(order) if self.context.get("detail") else None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, order: WorkOrder) -> list[dict] | None:
        if not self.context.get("detail"):
            return None
        return AttachmentSerializer(order.attachments.all(), many=True).data


class MoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[(Status.EN_ROUTE, Status.EN_ROUTE.label),
                                          (Status.ON_SITE, Status.ON_SITE.label),
                                          (Status.UNABLE, Status.UNABLE.label)])
    unable_reason = serializers.ChoiceField(choices=UnableReason.choices, required=False, allow_blank=True,
                                            default="")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class MobileCompleteSerializer(serializers.Serializer):
    checklist_answers = serializers.DictField(required=False, default=dict)
    data = serializers.DictField(required=False, default=dict)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class PhotoSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)


class SignatureSerializer(PhotoSerializer):
    signer_name = serializers.CharField(max_length=120)


class DayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text=_("Defaults to today."))
