from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.common.permissions import RolePermission
from dispatch.customers.selectors import premises_list

from . import callbacks, complaints, selectors, services
from .selectors import DESK_ROLES
from .serializers import (
    CallbackOutcomeSerializer,
    CallbackSerializer,
    ComplaintSerializer,
    ComplaintStepSerializer,
    CustomerLookupSerializer,
    HandoverSerializer,
    IntakeSerializer,
    ServiceRequestSerializer,
)


class ServiceRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            viewsets.GenericViewSet):
    """Hotline and front-desk requests. A field request becomes a work order or joins the open one."""

    serializer_class = ServiceRequestSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = DESK_ROLES, DESK_ROLES
    filterset_fields = ["request_type", "channel", "joined_existing"]
    search_fields = ["number", "caller_phone", "address"]

    def get_queryset(self):
        return selectors.service_request_list(user=self.request.user)

    @extend_schema(request=IntakeSerializer, responses={201: ServiceRequestSerializer})
    def create(self, request):
        payload = IntakeSerializer(data=request.data)
        payload.fields["premises"].queryset = premises_list(user=request.user)
        payload.is_valid(raise_exception=True)
        created = services.request_intake(actor=request.user, **payload.validated_data)
        return Response(ServiceRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class CustomerLookupView(APIView):
    """GET ?q=: the hotline's caller search (phone, account number, name or address), at most 20 accounts."""

    permission_classes = [RolePermission]
    read_roles = write_roles = DESK_ROLES

    @extend_schema(parameters=[OpenApiParameter("q", str, description="phone, account number, name or address")],
                   responses={200: CustomerLookupSerializer(many=True)})
    def get(self, request):
        results = selectors.customer_lookup(user=request.user, query=request.query_params.get("q", ""))
        return Response(CustomerLookupSerializer(results, many=True).data)


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Complaints in their closed loop; `transition/` moves one step, `handover/` changes the owner."""

    serializer_class = ComplaintSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = DESK_ROLES, DESK_ROLES
    filterset_fields = ["status", "category", "founded", "office"]

    def get_queryset(self):
        return selectors.complaint_list(user=self.request.user).prefetch_related("events__actor")

    @extend_schema(request=ComplaintStepSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        complaint = self.get_object()
        step = ComplaintStepSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        data = {key: value for key, value in step.validated_data.items() if value not in (None, "")}
        to_status, reason = data.pop("to_status"), data.pop("reason", "")
        complaints.complaint_transition(complaint_id=complaint.pk, to_status=to_status, actor=request.user,
                                        reason=reason, **data)
        return Response(ComplaintSerializer(self.get_queryset().get(pk=complaint.pk)).data)

    @extend_schema(request=HandoverSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        complaint = self.get_object()
        payload = HandoverSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        target = get_user_model().objects.filter(username=payload.validated_data["to_user"]).first()
        complaints.handover(request_id=complaint.request_id, to_user=target, actor=request.user,
                            reason=payload.validated_data["reason"])
        return Response(ComplaintSerializer(self.get_queryset().get(pk=complaint.pk)).data)


class CallbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Callbacks due up to today (scheduled); `record/` stores the outcome."""

    serializer_class = CallbackSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = DESK_ROLES, DESK_ROLES

    def get_queryset(self):
        return selectors.my_callbacks(user=self.request.user, day=timezone.localdate())

    @extend_schema(request=CallbackOutcomeSerializer, responses={200: CallbackSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        callback = self.get_object()
        payload = CallbackOutcomeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = callbacks.record_callback(callback_id=callback.pk, actor=request.user, **payload.validated_data)
        return Response(CallbackSerializer(done).data)
