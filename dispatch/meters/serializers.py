from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dispatch.customers.models import Premises
from dispatch.org.models import Area

from .models import Meter, MeterEvent, MeterInstallation, MeterReading, MeterSize, MeterStatus, ReadingType


class MeterSerializer(serializers.ModelSerializer):
    size = serializers.SlugRelatedField(slug_field="code", queryset=MeterSize.objects.all())
    premises_no = serializers.CharField(source="premises.premises_no", read_only=True, default=None)

    class Meta:
        model = Meter
        fields = ["id", "serial", "manufacturer", "model", "meter_type", "size", "accuracy_class", "gas_type",
                  "manufactured_on", "first_verified_on", "first_verification_certificate_no",
                  "service_life_expires_on", "location", "meter_box", "status", "premises", "premises_no",
                  "created_at", "updated_at"]
        read_only_fields = ["service_life_expires_on", "status", "premises", "created_at", "updated_at"]
        # Uniqueness is checked by the service (409 duplicate_serial), not twice.
        extra_kwargs = {"serial": {"validators": []}}


class MeterEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = MeterEvent
        fields = ["id", "at", "actor", "from_status", "to_status", "reason", "data"]


class MeterInstallationSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeterInstallation
        fields = ["id", "meter", "premises", "installed_at", "opening_reading", "removed_at", "closing_reading",
                  "work_order"]


class MeterTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=[MeterStatus.IN_STOCK, MeterStatus.IN_LAB, MeterStatus.SCRAPPED])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MeterInstallSerializer(serializers.Serializer):
    # Limited to the caller's premises by the view.
    premises = serializers.PrimaryKeyRelatedField(queryset=Premises.objects.none())
    opening_reading = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    installed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MeterRemoveSerializer(serializers.Serializer):
    closing_reading = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    removed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class MeterReadingSerializer(serializers.ModelSerializer):
    meter_serial = serializers.CharField(source="meter.serial", read_only=True)
    premises_no = serializers.CharField(source="premises.premises_no", read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", read_only=True, default=None)
    reread_order_number = serializers.CharField(source="reread_order.number", read_only=True, default=None)
    # A plain string here: an enum named "source" would collide with the work orders' in the schema.
    source = serializers.CharField(read_only=True, help_text=_("mobile, back_office or import"))

    class Meta:
        model = MeterReading
        fields = ["id", "meter", "meter_serial", "premises", "premises_no", "value", "read_at", "reading_type",
                  "source", "photo", "consumption", "period_days", "plausibility", "failed_checks",
                  "original_value", "clerk_note", "entered_by", "work_order", "work_order_number", "reread_order",
                  "reread_order_number", "created_at"]
        read_only_fields = fields


class MeterReadingCreateSerializer(serializers.Serializer):
    meter = serializers.SlugRelatedField(slug_field="serial", queryset=Meter.objects.none(),
                                         help_text=_("The meter's serial number."))
    value = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    read_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reading_type = serializers.ChoiceField(choices=ReadingType.choices, default=ReadingType.ACTUAL)
    photo = serializers.ImageField(required=False, allow_null=True, default=None)
    confirm = serializers.BooleanField(default=False, help_text=_(
        "Send true to keep a reading that failed a plausibility check (it goes to the implausible list)."))


class AcceptSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CorrectSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    reason = serializers.CharField(max_length=500)


class RereadSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV, UTF-8, with a header line."))


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    meter_serial = serializers.CharField()
    kept = serializers.BooleanField(help_text=_("True: stored, on the implausible list; false: not stored."))
    checks = serializers.ListField(child=serializers.CharField())


class ImportReportSerializer(serializers.Serializer):
    total_rows = serializers.IntegerField()
    imported = serializers.IntegerField()
    implausible = serializers.IntegerField()
    rejected = serializers.IntegerField()
    seconds = serializers.FloatField()
    problems = ImportProblemSerializer(many=True)


class ReplacementDueQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(required=False)
    months_ahead = serializers.IntegerField(required=False, min_value=0, max_value=120)


class MeterPlanRequestSerializer(serializers.Serializer):
    # Limited to the caller's areas by the view.
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.none())
    months_ahead = serializers.IntegerField(required=False, min_value=0, max_value=120, allow_null=True,
                                            default=None, help_text=_("Replacement orders only."))
    scheduled_date = serializers.DateField(required=False, allow_null=True, default=None,
                                           help_text=_("Reading rounds only."))


class MeterPlanResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField(), help_text=_("Work-order numbers, in order."))
    already_open = serializers.ListField(child=serializers.CharField(),
                                         help_text=_("Meters skipped: an open order exists for their premises."))
