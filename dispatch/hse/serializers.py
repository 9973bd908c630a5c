from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dispatch.org.models import Area, ServiceOffice

from .models import (
    CapaAction,
    ControlType,
    EntryKind,
    Hazard,
    HazardCategory,
    HazardControl,
    HazardRegister,
    HazardRevision,
    HseNotification,
    Incident,
    InspectionChecklist,
    NcSource,
    NcStatus,
    Nonconformity,
    NonconformityEvent,
    RiskBand,
    RiskMethod,
    SelfInspection,
    TrainingRecord,
)

User = get_user_model()
LEC_VALUE = {"max_digits": 5, "decimal_places": 1, "required": False, "allow_null": True}
FIVE = {"min_value": 1, "max_value": 5, "required": False, "allow_null": True}


def choice(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field whose enum stays inline in the schema (inside allOf, which drf-spectacular's enum hook leaves
    alone): the HSE field names (kind, status, source, to, band) would otherwise collide with the enums of other
    apps' fields of the same names and need global ENUM_NAME_OVERRIDES."""

    schema = {"allOf": [{"type": "string", "enum": [value for value, _label in choices]}], "x-inline-enum": True}

    @extend_schema_field(schema)
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


def _user_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), **kwargs)


class HazardRegisterSerializer(serializers.ModelSerializer):
    method = choice(RiskMethod.choices, read_only=True)
    class Meta:
        model = HazardRegister
        fields = ["id", "name", "method", "office", "is_active"]
        read_only_fields = fields


class HazardControlSerializer(serializers.ModelSerializer):
    control_type = choice(ControlType.choices, read_only=True)
    status = choice(HazardControl.Status.choices, read_only=True)
    class Meta:
        model = HazardControl
        fields = ["id", "control_type", "description", "owner", "status", "due_date", "in_place_since"]
        read_only_fields = fields


class HazardSerializer(serializers.ModelSerializer):
    register_name = serializers.CharField(source="register.name", read_only=True)
    method = choice(RiskMethod.choices, source="register.method", read_only=True)
    kind = choice(EntryKind.choices, read_only=True)
    category = choice(HazardCategory.choices, read_only=True)
    band = choice(RiskBand.choices, read_only=True)
    residual_band = choice(RiskBand.choices, read_only=True)
    status = choice(Hazard.Status.choices, read_only=True)
    band_label = serializers.CharField(source="get_band_display", read_only=True)
    controls = HazardControlSerializer(many=True, read_only=True)

    class Meta:
        model = Hazard
        fields = ["id", "number", "register", "register_name", "method", "kind", "activity", "description",
                  "category", "origin", "office", "area", "responsible", "routine", "analysis_date", "lec_l", "lec_e",
                  "lec_c", "likelihood", "severity", "score", "band", "band_label", "significant", "residual_lec_l",
                  "residual_lec_e", "residual_lec_c", "residual_likelihood", "residual_severity", "residual_score",
                  "residual_band", "acceptable", "acceptability_justification", "review_date", "status", "controls",
                  "version", "created_at", "updated_at"]
        read_only_fields = fields


class HazardWriteSerializer(serializers.Serializer):
    """The fields of a register entry a person enters; score, band and significance are derived."""

    kind = choice(Hazard._meta.get_field("kind").choices, required=False)
    activity = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    category = choice(Hazard._meta.get_field("category").choices, required=False)
    origin = serializers.CharField(max_length=200, required=False, allow_blank=True)
    office = serializers.PrimaryKeyRelatedField(queryset=ServiceOffice.objects.all(), required=False, allow_null=True)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    responsible = _user_field(required=False)
    routine = serializers.BooleanField(required=False)
    analysis_date = serializers.DateField(required=False)
    lec_l = serializers.DecimalField(**LEC_VALUE)
    lec_e = serializers.DecimalField(**LEC_VALUE)
    lec_c = serializers.DecimalField(**LEC_VALUE)
    likelihood = serializers.IntegerField(**FIVE)
    severity = serializers.IntegerField(**FIVE)
    residual_lec_l = serializers.DecimalField(**LEC_VALUE)
    residual_lec_e = serializers.DecimalField(**LEC_VALUE)
    residual_lec_c = serializers.DecimalField(**LEC_VALUE)
    residual_likelihood = serializers.IntegerField(**FIVE)
    residual_severity = serializers.IntegerField(**FIVE)
    acceptable = serializers.BooleanField(required=False, allow_null=True)
    acceptability_justification = serializers.CharField(required=False, allow_blank=True)
    review_date = serializers.DateField(required=False, allow_null=True)
    status = choice(Hazard.Status.choices, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text=_("Why the register changes (required for changes)."))
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text=_("The version you saw; a stale one gets 409."))


class HazardCreateSerializer(HazardWriteSerializer):
    register = serializers.PrimaryKeyRelatedField(queryset=HazardRegister.objects.filter(is_active=True))
    activity = serializers.CharField(max_length=200)
    description = serializers.CharField()
    category = choice(Hazard._meta.get_field("category").choices)
    responsible = _user_field()


class ControlWriteSerializer(serializers.Serializer):
    control_type = choice(ControlType.choices)
    description = serializers.CharField()
    owner = _user_field()
    status = choice(HazardControl.Status.choices, default=HazardControl.Status.PLANNED)
    due_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500)


class ControlUpdateSerializer(serializers.Serializer):
    control = serializers.IntegerField()
    status = choice(HazardControl.Status.choices, required=False)
    description = serializers.CharField(required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500)


class HazardRevisionSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.username", read_only=True, default="")

    class Meta:
        model = HazardRevision
        fields = ["id", "version", "at", "actor", "actor_name", "action", "reason", "changes", "snapshot"]
        read_only_fields = fields


class CapaActionSerializer(serializers.ModelSerializer):
    kind = choice(CapaAction.Kind.choices, read_only=True)
    status = choice(CapaAction.Status.choices, read_only=True)
    class Meta:
        model = CapaAction
        fields = ["id", "kind", "description", "owner", "deadline", "status", "done_at", "result", "reminded_on",
                  "escalated_on", "escalations"]
        read_only_fields = fields


class NonconformitySerializer(serializers.ModelSerializer):
    actions = CapaActionSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source = choice(NcSource.choices, read_only=True)
    status = choice(NcStatus.choices, read_only=True)

    class Meta:
        model = Nonconformity
        fields = ["id", "number", "title", "description", "source", "office", "area", "hazard", "incident",
                  "finding", "trend_key", "raised_by", "responsible", "status", "status_label", "root_cause",
                  "evaluation", "effective", "evaluated_by", "evaluated_at", "closed_at", "actions", "version",
                  "created_at", "updated_at"]
        read_only_fields = fields


class NonconformityCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    office = serializers.PrimaryKeyRelatedField(queryset=ServiceOffice.objects.all(), required=False, allow_null=True)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    hazard = serializers.PrimaryKeyRelatedField(queryset=Hazard.objects.all(), required=False, allow_null=True)
    responsible = _user_field(required=False, allow_null=True)


class NonconformityUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    responsible = _user_field(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)


class NcTransitionSerializer(serializers.Serializer):
    to = choice(NcStatus.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class NcEvaluateSerializer(serializers.Serializer):
    evaluation = serializers.CharField()
    effective = serializers.BooleanField()
    version = serializers.IntegerField(required=False, min_value=1)


class ActionAddSerializer(serializers.Serializer):
    kind = choice(CapaAction.Kind.choices)
    description = serializers.CharField()
    owner = _user_field()
    deadline = serializers.DateField()


class ActionCloseSerializer(serializers.Serializer):
    action = serializers.IntegerField()
    result = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NonconformityEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = NonconformityEvent
        fields = ["id", "at", "actor", "type", "from_status", "to_status", "reason", "data"]
        read_only_fields = fields


class HseNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = HseNotification
        fields = ["id", "topic", "message", "created_at", "read_at"]
        read_only_fields = fields


class TrendObservationSerializer(serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    hazard_type = serializers.CharField(max_length=60)
    hazard_type_label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    count = serializers.IntegerField(min_value=0)


class TrendRequestSerializer(serializers.Serializer):
    observations = TrendObservationSerializer(many=True, allow_empty=False)
    threshold = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    period = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")



class IncidentSerializer(serializers.ModelSerializer):
    kind = choice(Incident.Kind.choices, read_only=True)
    status = choice(Incident.Status.choices, read_only=True)
    nonconformities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "number", "kind", "occurred_at", "place", "office", "area", "description", "people_involved",
                  "injuries", "immediate_actions", "investigation", "root_cause", "work_order", "reported_by",
                  "status", "nonconformities", "created_at", "updated_at"]
        read_only_fields = fields


class IncidentWriteSerializer(serializers.Serializer):
    kind = choice(Incident.Kind.choices, required=False)
    occurred_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(max_length=255, required=False)
    office = serializers.PrimaryKeyRelatedField(queryset=ServiceOffice.objects.all(), required=False, allow_null=True)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(required=False)
    people_involved = serializers.CharField(required=False, allow_blank=True)
    injuries = serializers.CharField(required=False, allow_blank=True)
    immediate_actions = serializers.CharField(required=False, allow_blank=True)
    investigation = serializers.CharField(required=False, allow_blank=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    status = choice(Incident.Status.choices, required=False)


class IncidentCreateSerializer(IncidentWriteSerializer):
    kind = choice(Incident.Kind.choices)
    occurred_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=255)
    description = serializers.CharField()


class IncidentFromWorkOrderSerializer(serializers.Serializer):
    work_order = serializers.IntegerField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class RaiseNonconformitySerializer(serializers.Serializer):
    responsible = _user_field(required=False, allow_null=True)


class InspectionChecklistSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionChecklist
        fields = ["id", "name", "office", "area", "items", "every_days", "next_due", "responsible", "is_active"]
        read_only_fields = fields


class InspectionAnswerSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SelfInspectionCreateSerializer(serializers.Serializer):
    date = serializers.DateField()
    answers = InspectionAnswerSerializer(many=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SelfInspectionSerializer(serializers.ModelSerializer):
    findings = serializers.SerializerMethodField()

    class Meta:
        model = SelfInspection
        fields = ["id", "checklist", "date", "inspector", "results", "notes", "findings"]
        read_only_fields = fields

    def get_findings(self, inspection) -> list[dict]:
        return [{"id": finding.pk, "item": finding.item, "description": finding.description,
                 "nonconformity": getattr(getattr(finding, "nonconformity", None), "pk", None)}
                for finding in inspection.findings.all()]


class TrainingRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingRecord
        fields = ["id", "staff", "course", "provider", "completed_on", "valid_until", "certificate_no", "skill"]
        read_only_fields = ["id"]
