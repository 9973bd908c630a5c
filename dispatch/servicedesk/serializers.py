from rest_framework import serializers

from dispatch.workorders.serializers import JobPlaceSerializer

from .models import RequestType, ServiceRequest


class ServiceRequestSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True, default=None)
    work_order_status = serializers.CharField(source="work_order.status", read_only=True, default=None)
    owner = serializers.CharField(source="owner.username", read_only=True, default=None)

    class Meta:
        model = ServiceRequest
        fields = ["id", "number", "channel", "request_type", "caller_name", "caller_phone", "premises", "address",
                  "description", "owner", "work_order", "work_order_number", "work_order_status",
                  "joined_existing", "created_at"]
        read_only_fields = fields


class IntakeSerializer(JobPlaceSerializer):
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    channel = serializers.ChoiceField(choices=ServiceRequest.Channel.choices, default=ServiceRequest.Channel.HOTLINE)
    description = serializers.CharField(max_length=4000)
    caller_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    caller_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class CustomerLookupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account_no = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField(source="first_address")
