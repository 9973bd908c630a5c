from dataclasses import asdict

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.common.errors import NotFound, PermissionDenied
from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role, has_role
from dispatch.org.models import StaffProfile

from . import selectors, services
from .filters import WorkOrderFilter
from .kinds import all_kinds
from .models import Notification, Status
from .serializers import (
    AssignSerializer,
    BulkAssignSerializer,
    BulkResultSerializer,
    CompleteSerializer,
    DayQuerySerializer,
    KindSerializer,
    NotificationSerializer,
    TransitionSerializer,
    VersionedActionSerializer,
    WorkOrderCreateSerializer,
    WorkOrderEventSerializer,
    WorkOrderSerializer,
)

ALL_STAFF = tuple(Role.values)
CREATORS = (Role.AGENT, Role.DISPATCHER, Role.SAFETY_OFFICER, Role.MANAGER, Role.ADMIN)
DISPATCHERS = (Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
# What a technician may do to their own job; every other move is the dispatch desk's.
TECHNICIAN_MOVES = {Status.EN_ROUTE, Status.ON_SITE, Status.UNABLE, Status.COMPLETED}



def check_may_move(user, order, to_status: str) -> None:
    if has_role(user, *DISPATCHERS):
        return
    if has_role(user, Role.TECHNICIAN) and order.assignee is not None and order.assignee.user_id == user.pk \
            and to_status in TECHNICIAN_MOVES:
        return
    raise PermissionDenied("permission_denied", _("Your role does not allow this change."))


class WorkOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The work-order queue and each order's lifecycle."""

    serializer_class = WorkOrderSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = ALL_STAFF, ALL_STAFF
    filterset_class = WorkOrderFilter
    search_fields = ["number", "address", "contact_phone", "premises__premises_no"]
    ordering_fields = ["created_at", "priority", "attend_by", "resolve_by", "scheduled_date", "sequence", "number"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.work_order_list(user=self.request.user)

    def _order(self):
        order = selectors.work_order_get(user=self.request.user, work_order_id=self.kwargs["pk"])
        if order is None:
            raise NotFound("not_found", _("Work order not found."))
        return order

    def _respond(self, order, status_code=status.HTTP_200_OK):
        fresh = selectors.work_order_get(user=self.request.user, work_order_id=order.pk)
        return Response(WorkOrderSerializer(fresh or order).data, status=status_code)

    @extend_schema(request=WorkOrderCreateSerializer, responses={201: WorkOrderSerializer})
    def create(self, request):
        if not has_role(request.user, *CREATORS):
            raise PermissionDenied("permission_denied", _("Your role does not allow creating work orders."))
        payload = WorkOrderCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.work_order_create(actor=request.user, **payload.validated_data)
        return self._respond(order, status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        if not has_role(request.user, *DISPATCHERS):
            raise PermissionDenied("permission_denied", _("Only the dispatch desk assigns work."))
        order = self._order()
        payload = AssignSerializer(data=request.data)
        payload.fields["technician"].queryset = selectors.assignable_technicians(user=request.user)
        payload.is_valid(raise_exception=True)
        order = services.assign(work_order_id=order.pk, technician=payload.validated_data["technician"],
                                actor=request.user, expected_version=payload.validated_data.get("version"),
                                scheduled_date=payload.validated_data.get("scheduled_date"))
        return self._respond(order)

    @extend_schema(request=VersionedActionSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def unassign(self, request, pk=None):
        if not has_role(request.user, *DISPATCHERS):
            raise PermissionDenied("permission_denied", _("Only the dispatch desk assigns work."))
        order = self._order()
        payload = VersionedActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.unassign(work_order_id=order.pk, actor=request.user,
                                  reason=payload.validated_data["reason"],
                                  expected_version=payload.validated_data.get("version"))
        return self._respond(order)

    @extend_schema(request=TransitionSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        order = self._order()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        check_may_move(request.user, order, data["to"])
        if data["to"] == Status.COMPLETED:
            raise PermissionDenied("use_complete", _("Complete a job with its checklist through /complete/."))
        order = services.transition(work_order_id=order.pk, to_status=data["to"], actor=request.user,
                                    reason=data["reason"], unable_reason=data["unable_reason"],
                                    location=services.Location.from_payload(data), expected_version=data.get("version"))
        return self._respond(order)

    @extend_schema(request=CompleteSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        order = self._order()
        payload = CompleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        check_may_move(request.user, order, Status.COMPLETED)
        order = services.complete(work_order_id=order.pk, actor=request.user,
                                  checklist_answers=data["checklist_answers"], data=data["data"],
                                  notes=data["notes"], location=services.Location.from_payload(data),
                                  expected_version=data.get("version"))
        return self._respond(order)

    def _sla_action(self, request, service, refusal: str):
        if not has_role(request.user, *DISPATCHERS):
            raise PermissionDenied("permission_denied", refusal)
        payload = VersionedActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = service(work_order_id=self._order().pk, actor=request.user, reason=payload.validated_data["reason"])
        return self._respond(order)

    @extend_schema(request=VersionedActionSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], url_path="sla/pause")
    def pause_sla(self, request, pk=None):
        """Stop the SLA clock while the job waits on the customer (reason required)."""
        return self._sla_action(request, services.pause_sla, _("Only the dispatch desk pauses SLA clocks."))

    @extend_schema(request=VersionedActionSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], url_path="sla/resume")
    def resume_sla(self, request, pk=None):
        return self._sla_action(request, services.resume_sla, _("Only the dispatch desk resumes SLA clocks."))

    @extend_schema(responses=WorkOrderEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        order = self._order()
        events = selectors.work_order_events(user=request.user, work_order_id=order.pk)
        return Response(WorkOrderEventSerializer(events, many=True).data)

    @extend_schema(request=BulkAssignSerializer, responses=BulkResultSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="bulk-assign")
    def bulk_assign(self, request):
        if not has_role(request.user, *DISPATCHERS):
            raise PermissionDenied("permission_denied", _("Only the dispatch desk assigns work."))
        payload = BulkAssignSerializer(data=request.data)
        payload.fields["technician"].queryset = selectors.assignable_technicians(user=request.user)
        payload.is_valid(raise_exception=True)
        visible = set(self.get_queryset().filter(pk__in=payload.validated_data["work_orders"])
                      .values_list("pk", flat=True))
        results = []
        for work_order_id in payload.validated_data["work_orders"]:
            if work_order_id not in visible:
                results.append(services.BulkResult(work_order_id, False, "not_found", _("Work order not found.")))
        results += services.bulk_assign(
            work_order_ids=[pk for pk in payload.validated_data["work_orders"] if pk in visible],
            technician=payload.validated_data["technician"], actor=request.user,
            scheduled_date=payload.validated_data.get("scheduled_date"))
        return Response([asdict(result) for result in results])

    @extend_schema(parameters=[DayQuerySerializer], responses=WorkOrderSerializer(many=True))
    @action(detail=False, methods=["get"])
    def day(self, request):
        """A technician's jobs for a day, in visiting order. Technicians get their own day."""
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or timezone.localdate()
        technician_id = query.validated_data.get("technician")
        if technician_id is None:
            technician = StaffProfile.objects.filter(user=request.user).first()
        else:
            technician = selectors.assignable_technicians(user=request.user).filter(pk=technician_id).first()
            if has_role(request.user, Role.TECHNICIAN) and not has_role(request.user, *DISPATCHERS) and (
                    technician is None or technician.user_id != request.user.pk):
                technician = None
        if technician is None:
            raise NotFound("not_found", _("Technician not found."))
        orders = selectors.technician_day(user=request.user, technician=technician, day=day)
        return Response(WorkOrderSerializer(orders, many=True).data)


class WorkOrderKindList(APIView):
    permission_classes = [RolePermission]
    read_roles, write_roles = ALL_STAFF, ()

    @extend_schema(responses=KindSerializer(many=True))
    def get(self, request):
        return Response(KindSerializer(all_kinds(), many=True).data)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # the model, for the schema; requests use the selector
    permission_classes = [RolePermission]
    read_roles, write_roles = ALL_STAFF, ALL_STAFF
    filterset_fields = ["topic"]

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_queryset().filter(pk=pk).first()
        if notification is None:
            raise NotFound("not_found", _("Notification not found."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(NotificationSerializer(notification).data)
