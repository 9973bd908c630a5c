from rest_framework import serializers

from dispatch.workorders.serializers import JobPlaceSerializer

from .models import Callback, Complaint, ComplaintStatus, RequestType, ServiceRequest


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


class ComplaintEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", default=None)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.JSONField()


class ComplaintSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    owner = serializers.CharField(source="request.owner.username", read_only=True, default=None)
    status = serializers.CharField(read_only=True, help_text=", ".join(ComplaintStatus.values))
    events = ComplaintEventSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "request", "request_number", "owner", "status", "premises", "office", "area",
                  "work_order", "technician", "category", "founded", "department", "root_cause", "investigation",
                  "proposal", "proposed_by", "approved_by", "action_taken", "customer_told", "satisfaction",
                  "callback_comments", "summary", "due_at", "handled_at", "closed_at", "escalation_level",
                  "created_at", "events"]
        read_only_fields = fields


class ComplaintStepSerializer(serializers.Serializer):
    """One step of the loop: the target status, a reason when going back, and the step's details."""

    # Plain text (checked by the transition table: 409 illegal_transition), one of the complaint statuses.
    to_status = serializers.CharField(help_text=", ".join(ComplaintStatus.values))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    founded = serializers.BooleanField(required=False, allow_null=True, default=None)
    category = serializers.CharField(required=False, allow_blank=True)
    department = serializers.CharField(required=False, allow_blank=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    investigation = serializers.CharField(required=False, allow_blank=True)
    proposal = serializers.CharField(required=False, allow_blank=True)
    action_taken = serializers.CharField(required=False, allow_blank=True)
    customer_told = serializers.CharField(required=False, allow_blank=True)
    satisfaction = serializers.IntegerField(required=False, allow_null=True)
    callback_comments = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)


class HandoverSerializer(serializers.Serializer):
    to_user = serializers.CharField(help_text="user name of the new owner")
    reason = serializers.CharField(max_length=500)


class CallbackSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    status = serializers.CharField(read_only=True, help_text=", ".join(Callback.Status.values))

    class Meta:
        model = Callback
        fields = ["id", "work_order", "work_order_number", "kind", "office", "area", "technician", "phone",
                  "scheduled_at", "attempts", "status", "done_at", "satisfaction", "problem_solved", "comments",
                  "follow_up", "complaint"]
        read_only_fields = fields


class CallbackOutcomeSerializer(serializers.Serializer):
    reached = serializers.BooleanField()
    satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None)
    problem_solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    comments = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up = serializers.ChoiceField(choices=Callback.FollowUp.choices, required=False, default="")
